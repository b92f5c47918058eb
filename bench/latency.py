"""Alert latency of `newswatch run`: from an article appearing in a feed to its alert reaching a
json:// receiver.

The fixture news web (scheduler/newsweb.py, a thread of this process) serves one RSS feed that the
service polls every `interval`. Each round publishes a new article (new words, so it is neither a
copy nor the same story as an earlier one) at a random moment of the polling period, then waits
for its title to arrive at a loopback HTTP receiver. Latency = arrival - publication. The bound
the issue sets is the source's interval plus 10 s: in the worst case an article appears just
after a poll and waits a whole interval for the next one.

    python bench/latency.py [--rounds 12] [--interval 5]

Also a section of bench/run.py (`--only latency`).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import harness
from bench.harness import median, percentile

WORDS = (
    "harbour lantern quarry meadow ribbon timber orchard canyon velvet pebble summit glacier "
    "cobalt saffron marble falcon thistle beacon willow ember cedar prairie lagoon tundra "
    "compass anchor meteor garnet juniper crescent sparrow basalt estuary citadel monsoon"
).split()


class Receiver:
    """A loopback HTTP server that stamps every POST with its arrival time."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[float, str]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8", "replace")
                receiver.arrivals.append((time.time(), body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.server.server_address[1]}/hook"

    def arrived(self, title: str) -> float | None:
        return next((at for at, body in self.arrivals if title in body), None)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _article(rng: random.Random, round_no: int) -> tuple[str, str]:
    """A title and an HTML page with ~120 words nobody has published before."""
    title = f"Watchword {round_no}: " + " ".join(rng.sample(WORDS, 6))
    sentences = [" ".join(rng.choices(WORDS, k=12)).capitalize() + "." for _ in range(10)]
    body = "".join(f"<p>{sentence} The watchword stays in the text.</p>" for sentence in sentences)
    page = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="og:type" content="article"></head>'
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    )
    return title, page


def _feed(web, items: list[tuple[str, str, datetime]]) -> str:
    entries = "".join(
        f"<item><title>{title}</title><link>{web.url(path)}</link><guid>{web.url(path)}</guid>"
        f"<pubDate>{format_datetime(when)}</pubDate></item>"
        for title, path, when in reversed(items)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Latency wire</title>'
        f"<link>{web.base_url}/</link><description>bench</description>{entries}</channel></rss>"
    )


def measure(rounds: int = 12, interval: float = 5.0, seed: int = 7) -> dict:
    from newswatch.scheduler.newsweb import NewsWeb

    rng = random.Random(seed)
    folder = Path(tempfile.mkdtemp(prefix="newswatch-latency-"))
    (folder / "web").mkdir()
    receiver = Receiver()
    with NewsWeb(folder / "web") as web:
        items: list[tuple[str, str, datetime]] = []
        web.serve("feed.xml", _feed(web, items), "application/rss+xml")
        config = folder / "newswatch.toml"
        config.write_text(
            '[database]\nurl = "sqlite:///newswatch.db"\n\n[crawl]\nallow_private_addresses = true\nretries = 0\n\n'
            f"[alerts]\nurls = {json.dumps([receiver.url])}\n\n"
            '[service]\nheartbeat = "5s"\nsend_every = "2s"\ncrawl_timeout = "60s"\njitter = "0s"\n\n'
            f'[[sources]]\nname = "wire"\ntype = "feed"\nurl = "{web.url("feed.xml")}"\ninterval = "{interval:g}s"\n\n'
            '[[topics]]\nname = "watchword"\nquery = "watchword"\nalert = "instant"\n',
            encoding="utf-8",
        )
        run = harness.ServiceRun(config).start()
        results: list[dict] = []
        try:
            # Let the service start and poll the (empty) feed once before the first round.
            deadline = time.monotonic() + 60
            while web.hits("/feed.xml") < 1 and time.monotonic() < deadline:
                time.sleep(0.2)
            for round_no in range(1, rounds + 1):
                time.sleep(rng.uniform(0.0, interval))  # a random phase of the polling period
                title, page = _article(rng, round_no)
                path = f"news/{round_no}.html"
                web.serve(path, page)
                items.append((title, path, datetime.now(UTC)))
                web.serve("feed.xml", _feed(web, items), "application/rss+xml")
                published = time.time()
                end = time.monotonic() + interval + 60
                arrived = None
                while arrived is None and time.monotonic() < end:
                    time.sleep(0.05)
                    arrived = receiver.arrived(title)
                results.append({"round": round_no, "seconds": round(arrived - published, 2) if arrived else None})
                run.sample()
        finally:
            code, stop_seconds = run.stop()
            receiver.close()
    got = [r["seconds"] for r in results if r["seconds"] is not None]
    bound = interval + 10
    return {
        "rounds": rounds,
        "interval_seconds": interval,
        "bound_seconds": bound,
        "arrived": len(got),
        "p50_seconds": round(median(got), 2) if got else None,
        "p95_seconds": round(percentile(got, 0.95), 2) if got else None,
        "max_seconds": max(got) if got else None,
        "within_bound": sum(1 for s in got if s <= bound),
        "alerts_received": len(receiver.arrivals),
        "rounds_detail": results,
        "exit_code": code,
        "stop_seconds": stop_seconds,
    }


def section(args, out: dict) -> list[tuple]:
    """bench/run.py's `latency` section."""
    result = measure(rounds=6 if args.quick else 12)
    out["latency"] = result
    return [
        (
            f"alert latency, `newswatch run`, 1 feed polled every {result['interval_seconds']:g} s, "
            f"{result['rounds']} new articles published at random moments",
            f"p50 {result['p50_seconds']} s, p95 {result['p95_seconds']} s, max {result['max_seconds']} s; "
            f"{result['arrived']}/{result['rounds']} arrived, {result['within_bound']} within the bound; "
            f"{result['alerts_received']} alerts in all (one per article)",
            f"bound: interval + 10 s = {result['bound_seconds']:g} s",
            f"{result['max_seconds'] / result['bound_seconds']:.2f}x" if result["max_seconds"] else "-",
            "<= 1.0x",
        )
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--interval", type=float, default=5.0)
    args = parser.parse_args()
    result = measure(args.rounds, args.interval)
    print(json.dumps({k: v for k, v in result.items() if k != "rounds_detail"}, indent=2))
    return 0 if result["within_bound"] == result["rounds"] else 1


if __name__ == "__main__":
    sys.exit(main())
