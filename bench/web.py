"""Server time of the web view on a database of 100,000 stored articles (bench/archive.py).

Two measures per page, each over repeated requests (p50 and p95):
- server time: the ASGI application called in this process (routing, the guard, the database
  reads, the template), no network and no client;
- over HTTP: the same page from `newswatch web` (uvicorn) through a loopback connection, as a
  browser gets it.
Baseline, in the same run: a bare primary-key read of one article row through SQLAlchemy Core on
the same database file.

    python bench/web.py [--size 100000] [--repeats 30]

Also a section of bench/run.py (`--only web`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import archive, harness

PREVIEWS = {
    "preview, a two-word query, 7 days": "minister AND railway",
    "preview, the built-in icet topic, 7 days": None,  # the topic's own query
}


async def _call(app, path: str, query: str) -> tuple[int, int]:
    """One GET through the ASGI app; (status, body bytes)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8080")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8080),
    }
    answer = {"status": 0, "bytes": 0}

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        elif message["type"] == "http.response.body":
            answer["bytes"] += len(message.get("body", b""))

    await app(scope, receive, send)
    return answer["status"], answer["bytes"]


def _stats(times: list[float]) -> dict:
    return {
        "p50_ms": round(harness.median(times) * 1000, 2),
        "p95_ms": round(harness.percentile(times, 0.95) * 1000, 2),
        "n": len(times),
    }


def _pages(built: archive.Archive, icet_query: str) -> dict[str, tuple[str, str]]:
    """label -> (path, query string)."""
    import sqlite3
    from urllib.parse import urlencode

    db = sqlite3.connect(built.path)
    matched = [row[0] for row in db.execute("SELECT article_id FROM matches ORDER BY article_id DESC LIMIT 2000")]
    db.close()
    article = random.Random(1).choice(matched)
    pages = {
        "/ (stories, newest 50)": ("/", ""),
        "/?topic=icet": ("/", "topic=icet"),
        "/search?q=minister": ("/search", "q=minister"),
        f"/articles/{article} (a matched article)": (f"/articles/{article}", ""),
        "/feeds/icet.atom": ("/feeds/icet.atom", ""),
        "/api/articles?limit=50": ("/api/articles", "limit=50"),
    }
    for label, text in PREVIEWS.items():
        pages[label] = ("/preview", urlencode({"q": text or icet_query, "days": 7}))
    return pages


def measure(size: int = 100_000, repeats: int = 30, preview_repeats: int = 5) -> dict:
    from sqlalchemy import select

    from newswatch.domain.topics import ICET
    from newswatch.scheduler.config import load_config
    from newswatch.web.app import create_app
    from newswatch.web.server import options_from
    from newswatch.web.site import Site

    built = archive.build(size)
    config_path = archive.config_for(built, Path(tempfile.mkdtemp(prefix="newswatch-web-")))
    config = load_config(str(config_path))
    app = create_app(options_from(config))
    site: Site = app.state.site
    pages = _pages(built, ICET.query)
    result: dict = {"stored": size, "machine_busy_before": harness.wait_for_quiet(), "pages": {}}

    # Baseline: one article row by primary key, through the same engine.
    from newswatch.db.reading import articles

    ids = random.Random(2).sample(range(1, size + 1), 300)
    baseline = []
    with site.engine.connect() as conn:
        for article_id in ids:
            begin = time.perf_counter()
            conn.execute(
                select(articles.c.id, articles.c.title, articles.c.url).where(articles.c.id == article_id)
            ).first()
            baseline.append(time.perf_counter() - begin)
    result["primary_key_read"] = _stats(baseline)

    async def server_times() -> None:
        for label, (path, query) in pages.items():
            count = preview_repeats if path == "/preview" else repeats
            await _call(app, path, query)  # warm-up: templates compiled, pages cached by SQLite
            times = []
            for _ in range(count):
                begin = time.perf_counter()
                status, size_ = await _call(app, path, query)
                times.append(time.perf_counter() - begin)
                if status != 200:
                    raise RuntimeError(f"{path}?{query} answered {status}")
            result["pages"][label] = {"server": _stats(times), "bytes": size_}

    asyncio.run(server_times())
    _over_http(config_path, pages, repeats, preview_repeats, result)
    # How much of the period each preview covered within its time budget.
    from newswatch.web.preview import run_preview
    from newswatch.web.site import now

    with site.engine.connect() as conn:
        for label, text in PREVIEWS.items():
            preview = run_preview(conn, text or ICET.query, 7, now())
            result["pages"][label]["coverage"] = {
                "articles_in_period": preview.total,
                "looked_at": preview.scanned,
                "matches": preview.matched,
            }
    return result


def _over_http(config_path: Path, pages: dict, repeats: int, preview_repeats: int, result: dict) -> None:
    process = subprocess.Popen(
        [harness.NEWSWATCH, "--config", str(config_path), "web", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        base = process.stdout.readline().split("serving ", 1)[1].split()[0].rstrip("/")
        for label, (path, query) in pages.items():
            url = base + path + (f"?{query}" if query else "")
            count = preview_repeats if path == "/preview" else repeats
            urllib.request.urlopen(url, timeout=120).read()
            times = []
            for _ in range(count):
                begin = time.perf_counter()
                urllib.request.urlopen(url, timeout=120).read()
                times.append(time.perf_counter() - begin)
            result["pages"][label]["http"] = _stats(times)
    finally:
        process.terminate()
        process.wait(timeout=30)


def rows(result: dict) -> list[tuple]:
    base = result["primary_key_read"]
    found = []
    for label, page in result["pages"].items():
        server, http = page["server"], page.get("http", {})
        covered = page.get("coverage")
        if covered:
            label += f" (looked at {covered['looked_at']:,} of {covered['articles_in_period']:,} articles)"
        found.append(
            (
                f"web view `{label}`, {result['stored']:,} stored",
                f"server p50 {server['p50_ms']:.1f} ms, p95 {server['p95_ms']:.1f} ms; over HTTP p50 "
                f"{http.get('p50_ms', float('nan')):.1f} ms ({page['bytes'] // 1024} KB)",
                f"primary-key read p50 {base['p50_ms']:.3f} ms",
                f"{server['p50_ms'] / base['p50_ms']:.0f}x",
                "",
            )
        )
    return found


def section(args, out: dict) -> list[tuple]:
    """bench/run.py's `web` section."""
    size = args.cli_size or (20_000 if args.quick else 100_000)
    result = measure(size=size, repeats=10 if args.quick else 30)
    out["web"] = result
    return rows(result)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    result = measure(args.size, args.repeats)
    print(json.dumps(result, indent=2))
    print(harness.table(rows(result), ("measure", "newswatch", "baseline (same run)", "ratio", "target")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
