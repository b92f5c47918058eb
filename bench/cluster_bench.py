"""Cluster mode measured: crawl throughput with one and with two workers, and a 10,000-source warm
cycle through the broker (time from due to started, database queries per source).

    python bench/cluster_bench.py                     # both, about 15 minutes on 2 cores
    python bench/cluster_bench.py --only throughput   # or: --only warm --sources 2000

Each run has a PostgreSQL server and a Redis server of its own (started here, on loopback ports,
in a temporary folder; PostgreSQL runs as the `postgres` user, so run this as root or as
postgres) with `pg_stat_statements` on, so every query any process of the cluster sends is
counted. The processes are the installed `newswatch run` and `newswatch worker`. Results go to
bench/results/cluster-*.json and a table.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from harness import NEWSWATCH, RESULTS, cpu_busy, machine, percentile, table, topics_toml, wait_for_quiet

PG_BIN = Path("/usr/lib/postgresql")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(predicate, limit: float, step: float = 0.5) -> bool:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return False


@contextlib.contextmanager
def private_postgres(folder: Path):
    """A PostgreSQL server of this run's own, with pg_stat_statements; yields a superuser URL
    template (format it with a database name)."""
    version = sorted(PG_BIN.iterdir(), key=lambda p: int(p.name))[-1] / "bin"
    data = folder / "pg"
    data.mkdir(parents=True)
    os.chmod(folder.parent, 0o755)  # the temporary folder: postgres must reach its own
    shutil.chown(folder, "postgres")
    shutil.chown(data, "postgres")
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run(
        [*as_postgres, str(version / "initdb"), "-D", str(data), "-U", "bench", "--auth=trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    port = _free_port()
    options = (
        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c shared_preload_libraries=pg_stat_statements "
        "-c pg_stat_statements.track=all -c max_connections=300 -c shared_buffers=256MB"
    )
    subprocess.run(
        [
            *as_postgres,
            str(version / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(folder / "pg.log"),
            "-w",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://bench@127.0.0.1:{port}/{{}}"
    finally:
        subprocess.run(
            [*as_postgres, str(version / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"], capture_output=True
        )


@contextlib.contextmanager
def private_redis(folder: Path):
    port = _free_port()
    server = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        time.sleep(0.5)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(10)


def _sql(url: str, query: str, params: dict | None = None) -> list:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(query), params or {})
            return list(result) if result.returns_rows else []
    finally:
        engine.dispose()


def _new_database(template: str, name: str) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(template.format("postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    url = template.format(name)
    _sql(url, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    return url


class Processes:
    def __init__(self, folder: Path, config: Path) -> None:
        self.folder, self.config, self.running = folder, config, {}

    def start(self, name: str, *command: str) -> None:
        log = open(self.folder / f"{name}.log", "w")  # noqa: SIM115 (written until the process stops)
        self.running[name] = subprocess.Popen(
            [NEWSWATCH, "--config", str(self.config), "--log-format", "json", *command],
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> dict[str, int]:
        for process in self.running.values():
            process.send_signal(signal.SIGTERM)
        return {name: process.wait(120) for name, process in self.running.items()}

    def log_lines(self, prefix: str) -> list[dict]:
        lines = []
        for name in self.running:
            if name.startswith(prefix):
                for line in (self.folder / f"{name}.log").read_text().splitlines():
                    if line.startswith("{"):
                        lines.append(json.loads(line))
        return lines


def _config(folder: Path, database: str, broker: str, sources: str, batch: int, crawl: str = "") -> Path:
    path = folder / "newswatch.toml"
    path.write_text(
        f'[database]\nurl = "{database}"\n\n[crawl]\nallow_private_addresses = true\nobey_robots_txt = false\n'
        f"{crawl}\n[alerts]\nurls = []\n\n"
        '[service]\nheartbeat = "5s"\nsend_every = "10s"\ncrawl_timeout = "10m"\n\n'
        f'[cluster]\nbroker = "{broker}"\nbatch = {batch}\n\n[logging]\nlevel = "INFO"\n\n'
        + sources
        + "\n"
        + topics_toml(),
        encoding="utf-8",
    )
    # The schema, and a row per source, before any process starts.
    subprocess.run([NEWSWATCH, "--config", str(path), "sources"], check=True, capture_output=True)
    return path


# Throughput ---------------------------------------------------------------------------------


def throughput(folder: Path, pg: str, workers: int, sources: int, articles: int) -> dict:
    """A first crawl of `sources` x `articles` generated pages through the cluster: articles
    stored per second between 5% and 100% stored (the processes' start-up left out)."""
    from harness import sources_toml
    from newsserver import NewsServer

    folder.mkdir(parents=True)
    database = _new_database(pg, folder.name)
    with private_redis(folder) as broker, NewsServer(sources=sources, articles=articles, feed_items=articles) as web:
        # One core per worker: one crawl at a time, its pages prepared in one thread.
        config = _config(folder, database, broker, sources_toml(web.spec, "1h"), batch=1, crawl="extract_workers = 1\n")
        cluster = Processes(folder, config)
        total = sources * articles
        cluster.start("scheduler", "run")
        for number in range(workers):
            cluster.start(f"worker{number}", "worker", "--concurrency", "1")
        count = lambda: _sql(database, "SELECT count(*) FROM articles")[0][0]  # noqa: E731
        _wait(lambda: count() >= total * 0.05, 1800, 0.2)
        start, first = time.monotonic(), count()
        _wait(lambda: count() >= total, 1800, 0.2)
        elapsed = time.monotonic() - start
        codes = cluster.stop()
    return {
        "workers": workers,
        "articles": total,
        "stored": count(),
        "measured_articles": total - first,
        "seconds": round(elapsed, 2),
        "articles_per_s": round((total - first) / elapsed, 2),
        "exit_codes": codes,
    }


# The warm cycle -----------------------------------------------------------------------------

FEED_SERVER = r"""
import sys
from aiohttp import web
BODY = b'<?xml version="1.0"?><rss version="2.0"><channel><title>f</title><link>/</link></channel></rss>'
ETAG = '"warm"'
count = {"200": 0, "304": 0}
async def feed(request):
    if request.headers.get("If-None-Match") == ETAG:
        count["304"] += 1
        return web.Response(status=304, headers={"ETag": ETAG})
    count["200"] += 1
    return web.Response(body=BODY, content_type="application/rss+xml", headers={"ETag": ETAG})
async def stats(request):
    return web.json_response(count)
app = web.Application()
app.router.add_get("/f/{n}.xml", feed)
app.router.add_get("/_stats", stats)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
"""


def _conditional_gets(port: int, count: int) -> float:
    """Baseline: the same `count` conditional GETs (each answered 304) from one thread, on one
    kept-alive connection: the network's part of a warm cycle, nothing else."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.perf_counter()
    for n in range(count):
        connection.request("GET", f"/f/{n}.xml", headers={"If-None-Match": '"warm"'})
        connection.getresponse().read()
    connection.close()
    return time.perf_counter() - started


def warm_cycle(folder: Path, pg: str, sources: int, workers: int, concurrency: int, batch: int) -> dict:
    """`sources` feeds fetched once (cold), then all due at once: every one answers 304. Time from
    due to started per source (the workers' logs), database queries per source
    (pg_stat_statements, every process of the cluster)."""
    folder.mkdir(parents=True)
    database = _new_database(pg, "warm")
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-c", FEED_SERVER, str(port)])
    try:
        with private_redis(folder) as broker:
            names = "".join(
                f'[[sources]]\nname = "f{n:05d}"\ntype = "feed"\nurl = "http://127.0.0.1:{port}/f/{n}.xml"\n'
                'interval = "1h"\n'
                for n in range(sources)
            )
            config = _config(folder, database, broker, names, batch=batch)
            cluster = Processes(folder, config)
            cluster.start("scheduler", "run")
            for number in range(workers):
                cluster.start(f"worker{number}", "worker", "--concurrency", str(concurrency))

            def fetched_since(moment) -> int:
                query = "SELECT count(*) FROM sources WHERE last_fetch_at >= :moment AND queued_at IS NULL"
                return _sql(database, query, {"moment": moment})[0][0]

            cold_start = time.monotonic()
            epoch = datetime(2000, 1, 1)
            _wait(lambda: fetched_since(epoch) >= sources, 3600, 1.0)
            cold = time.monotonic() - cold_start
            time.sleep(3)
            _sql(database, "SELECT pg_stat_statements_reset()")
            due = datetime.now(UTC).replace(tzinfo=None)
            _sql(database, "UPDATE sources SET next_run_at = :due", {"due": due})
            warm_start = time.monotonic()
            _wait(lambda: fetched_since(due) >= sources, 3600, 0.5)
            warm = time.monotonic() - warm_start
            statements = _sql(
                database,
                "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE dbid = "
                "(SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE '%pg_stat_statements%'",
            )[0][0]
            codes = cluster.stop()
            lines = cluster.log_lines("worker")
        baseline = _conditional_gets(port, sources)
    finally:
        server.terminate()
        server.wait(10)
    due_epoch = due.replace(tzinfo=UTC).timestamp()
    waits = []
    for line in lines:
        message = line.get("message", "")
        if "crawl task started" in message and "claimed=0" not in message:
            started = datetime.fromisoformat(line["time"]).timestamp()
            if started >= due_epoch - 1:
                count = len(re.search(r"sources=(\S+)", message).group(1).split(","))
                waits += [max(0.0, started - due_epoch)] * count
    return {
        "sources": sources,
        "workers": workers,
        "concurrency": concurrency,
        "batch": batch,
        "cold_seconds": round(cold, 1),
        "warm_seconds": round(warm, 1),
        "warm_sources_per_s": round(sources / warm, 1),
        "baseline_conditional_gets_s": round(baseline, 2),
        "ratio_to_baseline": round(warm / baseline, 1),
        "due_to_started_p50_s": round(percentile(waits, 0.5), 2) if waits else None,
        "due_to_started_p95_s": round(percentile(waits, 0.95), 2) if waits else None,
        "sources_started_logged": len(waits),
        "queries": int(statements),
        "queries_per_source": round(float(statements) / sources, 1),
        "exit_codes": codes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="throughput,warm")
    parser.add_argument("--sources", type=int, default=10000, help="sources in the warm cycle")
    parser.add_argument("--batch", type=int, default=20, help="[cluster] batch in the warm cycle")
    parser.add_argument("--feeds", type=int, default=16, help="sources in the throughput runs")
    parser.add_argument("--articles", type=int, default=30, help="articles per source in the throughput runs")
    parser.add_argument("--keep", metavar="FOLDER", help="work in FOLDER and keep the logs (default: a temporary one)")
    args = parser.parse_args()
    wanted = set(args.only.split(","))
    results: dict = {"machine": machine(), "when": datetime.now(UTC).isoformat()}
    with tempfile.TemporaryDirectory(prefix="nw-cluster-bench-") as tmp:
        folder = Path(args.keep or tmp)
        with private_postgres(folder / "db") as pg:
            if "throughput" in wanted:
                runs = []
                for workers in (1, 2, 1, 2):  # interleaved: the machine's drift hits both alike
                    results.setdefault("busy_before", []).append(round(wait_for_quiet(), 2))
                    runs.append(throughput(folder / f"tp{len(runs)}", pg, workers, args.feeds, args.articles))
                    print(json.dumps(runs[-1]), flush=True)
                one = [r["articles_per_s"] for r in runs if r["workers"] == 1]
                two = [r["articles_per_s"] for r in runs if r["workers"] == 2]
                results["throughput"] = {"runs": runs, "ratio_two_to_one": [round(b / a, 2) for a, b in zip(one, two)]}
            if "warm" in wanted:
                results["busy_before_warm"] = round(cpu_busy(2.0), 2)
                results["warm"] = warm_cycle(folder / "warm", pg, args.sources, 2, 2, args.batch)
                print(json.dumps(results["warm"]), flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"cluster-{datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=2))
    rows = []
    if "throughput" in results:
        for run in results["throughput"]["runs"]:
            rows.append(
                (f"throughput, {run['workers']} worker(s)", f"{run['articles_per_s']} articles/s", run["seconds"])
            )
        rows.append(("ratio two/one", results["throughput"]["ratio_two_to_one"], ""))
    if "warm" in results:
        warm = results["warm"]
        rows.append(
            (f"warm cycle, {warm['sources']} sources", f"{warm['warm_sources_per_s']} sources/s", warm["warm_seconds"])
        )
        rows.append(
            ("due -> started p50 / p95", f"{warm['due_to_started_p50_s']} / {warm['due_to_started_p95_s']} s", "")
        )
        rows.append(("queries per source", warm["queries_per_source"], ""))
    print(table(rows, ("measure", "value", "seconds")))
    print(f"written {out}")


if __name__ == "__main__":
    main()
