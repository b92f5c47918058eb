"""Soak test: `newswatch run` for a long while on a growing local news web, with faults.

    python bench/soak.py                 # an hour
    python bench/soak.py --minutes 3     # a short check that it all works

The web (bench/newsserver.py, its own process, 127.0.0.1 only) publishes a new article per source
every `--publish-every` seconds. Faults: one source's listing always fails (HTTP 500), one hangs
longer than the service's crawl time-out, and alerts go to two targets: a json:// URL on a closed
port (dead) and the news server's live receiver. Every `--cli-every` seconds the CLI is asked
for articles, sources, status and alerts while the service writes. At the end the service gets
SIGTERM. A summary says what happened and whether each expectation held; the exit status is 1 if
one did not. Details go to bench/results/soak.json.
"""

from __future__ import annotations

import argparse
import json
import socket
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import harness
from bench.harness import median, percentile
from bench.newsserver import NewsServer

FAILING, HANGING = 0, 1
CLI_COMMANDS = (
    ("articles", "--json", "--limit", "5"),
    ("sources", "--json"),
    ("status", "--json"),
    ("alerts", "--json", "--limit", "5"),
)


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--sources", type=int, default=10)
    parser.add_argument("--interval", default="20s", help="every source's crawl interval")
    parser.add_argument("--publish-every", type=float, default=30.0, help="seconds between a source's new articles")
    parser.add_argument("--cli-every", type=float, default=15.0)
    args = parser.parse_args()

    dead = f"json://127.0.0.1:{closed_port()}/hook"
    with NewsServer(
        sources=args.sources,
        articles=3,
        feed_items=20,
        publish_every=args.publish_every,
        fail={FAILING: 500},
        hang={HANGING: 3600.0},
        pregenerate=False,
    ) as server:
        live = f"json://127.0.0.1:{server.base_url.rsplit(':', 1)[1]}/hook"
        folder = Path(tempfile.mkdtemp(prefix="newswatch-soak-"))
        config = harness.write_config(
            folder,
            server.spec,
            interval=args.interval,
            alerts=[dead, live],
            service={"heartbeat": "5s", "send_every": "3s", "crawl_timeout": "20s", "jitter": "1s"},
            extra_alerts={"retry_base": "5s"},
        )
        names = [server.spec.source_name(s) for s in range(args.sources)]
        run = harness.ServiceRun(config).start()
        print(f"soak: {args.minutes:g} min, {args.sources} sources, web {server.base_url}, config {config}", flush=True)
        cli_calls: list[dict] = []
        cycles_at: list[tuple[float, int]] = []
        hooks_at: list[tuple[float, int]] = []
        started_wall = time.time()
        end = time.monotonic() + args.minutes * 60
        next_cli = time.monotonic() + 10
        next_report = time.monotonic() + 60
        try:
            while time.monotonic() < end and run.process.poll() is None:
                time.sleep(2.0)
                sample = run.sample()
                cycles_at.append((sample["t"], sample["cycles"]))
                hooks_at.append((sample["t"], server.stats()["hooks"]))
                if time.monotonic() >= next_cli:
                    next_cli = time.monotonic() + args.cli_every
                    for command in CLI_COMMANDS:
                        result, seconds = harness.run_newswatch(config, *command, timeout=120)
                        cli_calls.append(
                            {
                                "command": command[0],
                                "code": result.returncode,
                                "seconds": round(seconds, 3),
                                "locked": "locked" in result.stderr.lower(),
                                "stderr": result.stderr[-300:] if result.returncode else "",
                            }
                        )
                if time.monotonic() >= next_report:
                    next_report = time.monotonic() + 60
                    print(
                        f"  {sample['t'] / 60:5.1f} min: {sample['cycles']} cycles, rss {sample['rss_kb'] / 1024:.0f} MB, "
                        f"{hooks_at[-1][1]} alerts received",
                        flush=True,
                    )
            alive = run.process.poll() is None
            sources = {s["name"]: s for s in _json_lines(harness.run_newswatch(config, "sources", "--json")[0].stdout)}
        finally:
            code, stop_seconds = run.stop(timeout=60)
        stats = server.stats()
    log = run.log_text()
    db = sqlite3.connect(folder / "newswatch.db")
    articles, copies = db.execute("SELECT COUNT(*), COUNT(duplicate_of) FROM articles").fetchone()
    deliveries = db.execute(
        "SELECT target_label, status, COUNT(*), MAX(attempts) FROM deliveries GROUP BY target_label, status"
    ).fetchall()
    # The second half: what the service decided to alert then, and whether the live target got it.
    half_wall = datetime.fromtimestamp(started_wall + args.minutes * 30, UTC).replace(tzinfo=None)
    live_label = f"%:{server.base_url.rsplit(':', 1)[1]}/%"
    planned_late = db.execute(
        "SELECT COUNT(*) FROM alerts WHERE created_at >= ?", (half_wall.isoformat(" "),)
    ).fetchone()[0]
    late_unsent = db.execute(
        "SELECT COUNT(*) FROM deliveries d JOIN alerts a ON a.id = d.alert_id WHERE a.created_at >= ? "
        "AND d.target_label LIKE ? AND d.status != 'sent'",
        (half_wall.isoformat(" "), live_label),
    ).fetchone()[0]
    stories_late = db.execute(
        "SELECT COUNT(DISTINCT a.story_id) FROM articles a JOIN matches m ON m.article_id = a.id "
        "WHERE m.topic = 'icet' AND a.duplicate_of IS NULL AND a.story_id = a.id AND a.fetched_at >= ?",
        (half_wall.isoformat(" "),),
    ).fetchone()[0]
    db.close()
    samples = [s for s in run.samples if s["rss_kb"]]
    half = cycles_at[len(cycles_at) // 2][1] if cycles_at else 0
    half_hooks = hooks_at[len(hooks_at) // 2][1] if hooks_at else 0
    ok_cli = [c for c in cli_calls if c["code"] == 0 and not c["locked"]]
    cli_seconds = [c["seconds"] for c in cli_calls]
    live_port = live.split(":")[2].split("/")[0]
    live_sent = sum(n for label, status, n, _ in deliveries if f":{live_port}" in label and status == "sent")
    dead_port = dead.split(":")[2].split("/")[0]
    dead_rows = [(status, n, attempts) for label, status, n, attempts in deliveries if f":{dead_port}" in label]
    failing, hanging = sources.get(names[FAILING], {}), sources.get(names[HANGING], {})
    checks = {
        "service stayed up until SIGTERM": alive,
        "kept crawling (cycles in the second half)": run.cycles > half > 0,
        # Alerts go out once per new story, so how many there are depends on the web; what must
        # hold is that every alert the service planned late in the run reached the live target.
        "kept alerting (every alert planned in the second half reached the live target)": stats["hooks"] > 0
        and late_unsent == 0
        and stats["hooks"] - half_hooks >= planned_late,
        "no alert twice (every title reached the live receiver once)": not stats["hook_titles_repeated"],
        "dead target retried, never marked sent": bool(dead_rows) and all(s != "sent" for s, _, _ in dead_rows),
        "failing source reported": bool(failing.get("error")),
        "hanging source stopped and reported": "timed out" in (hanging.get("error") or ""),
        "CLI answered every time while the service wrote": len(ok_cli) == len(cli_calls) > 0,
        "clean exit on SIGTERM": code == 0,
    }
    summary = {
        "minutes": args.minutes,
        "sources": args.sources,
        "cycles": run.cycles,
        "failed_or_timed_out": run.failed_cycles,
        "articles_stored": articles,
        "copies": copies,
        "alerts_received_live": stats["hooks"],
        "second_half": {
            "alerts_planned": planned_late,
            "alerts_received_live": stats["hooks"] - half_hooks,
            "not_sent_to_live": late_unsent,
            "new_icet_stories": stories_late,
        },
        "deliveries": [list(row) for row in deliveries],
        "live_sent": live_sent,
        "titles_repeated_at_receiver": stats["hook_titles_repeated"],
        "requests": stats["counts"],
        "cli_calls": len(cli_calls),
        "cli_ok": len(ok_cli),
        "cli_p50_seconds": round(median(cli_seconds), 3) if cli_seconds else None,
        "cli_p95_seconds": round(percentile(cli_seconds, 0.95), 3) if cli_seconds else None,
        "cli_failures": [c for c in cli_calls if c not in ok_cli][:5],
        "service_rss_mb_start": round(samples[0]["rss_kb"] / 1024, 1) if samples else None,
        "service_rss_mb_end": round(samples[-1]["rss_kb"] / 1024, 1) if samples else None,
        "children_peak_rss_mb": round(run.child_peak_kb / 1024, 1),
        "failing_source_error": failing.get("error"),
        "hanging_source_error": hanging.get("error"),
        "exit_code": code,
        "stop_seconds": stop_seconds,
        "log_errors": sum(1 for line in log.splitlines() if " error " in line.lower() or "traceback" in line.lower()),
        "checks": checks,
    }
    harness.RESULTS.mkdir(parents=True, exist_ok=True)
    (harness.RESULTS / "soak.json").write_text(json.dumps(summary, indent=2, default=str) + "\n", encoding="utf-8")
    print()
    print(
        harness.table(
            [
                (
                    "ran",
                    f"{args.minutes:g} min, {args.sources} sources ({args.interval}), a new article per source every "
                    f"{args.publish_every:g} s",
                ),
                ("crawl cycles", f"{run.cycles} done, {run.failed_cycles} failed or timed out"),
                ("articles stored", f"{articles} ({copies} copies)"),
                (
                    "alerts",
                    f"{stats['hooks']} received by the live target; deliveries: "
                    + "; ".join(
                        f"{label.split('/')[2]} {status} x{n} (max {attempts} tries)"
                        for label, status, n, attempts in deliveries
                    ),
                ),
                ("failing source", str(failing.get("error"))),
                ("hanging source", str(hanging.get("error"))),
                (
                    "CLI while writing",
                    f"{len(ok_cli)}/{len(cli_calls)} ok, p50 {summary['cli_p50_seconds']} s, "
                    f"p95 {summary['cli_p95_seconds']} s",
                ),
                (
                    "service memory",
                    f"{summary['service_rss_mb_start']} -> {summary['service_rss_mb_end']} MB; crawl child "
                    f"peak {summary['children_peak_rss_mb']} MB",
                ),
                ("SIGTERM", f"exit {code} after {stop_seconds} s"),
            ],
            ("soak", "result"),
        )
    )
    print()
    for name, passed in checks.items():
        print(f"  [{'PASS' if passed else 'FAIL'}] {name}")
    print(f"\nwrote {harness.RESULTS / 'soak.json'}")
    return 0 if all(checks.values()) else 1


def _json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


if __name__ == "__main__":
    sys.exit(main())
