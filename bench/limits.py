"""Hostile inputs, measured: what a gzip bomb costs a crawl, how long a dribbling alert target
keeps `newswatch run` alive after SIGTERM, and what sending costs per alert.

Runs one installed `newswatch` command (give another with --newswatch to compare two versions)
against servers of this process on 127.0.0.1:

- bomb: a 63 MB RSS feed gzipped to a few dozen KB, served as application/rss+xml without
  Content-Encoding; one `crawl` per `max_page_size`; peak RSS of the crawl process and its
  outcome.
- stop: `run` with a json:// target that answers 200 and then sends its body a byte every 2 s;
  once a send is under way, SIGTERM; seconds until the process is gone (capped at --cap).
- send: 30 pending deliveries to a fast json:// receiver; wall time of `alerts send`.

    .venv/bin/python bench/limits.py [--newswatch PATH] [--cap 90]
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ITEM = "<item><title>India US iCET talks {n}</title><link>{base}/a{n}.html</link><pubDate>{date}</pubDate></item>"


def _bomb(base: str, size: int) -> bytes:
    """An RSS feed padded to `size` bytes with a comment, gzipped."""
    date = format_datetime(datetime.now(UTC), usegmt=True)
    head = f'<?xml version="1.0"?><rss version="2.0"><channel><title>b</title>{ITEM.format(n=1, base=base, date=date)}'
    tail = "</channel></rss>"
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    out = [packer.compress(head.encode() + b"<!--")]
    chunk = b"lorem ipsum " * 87381  # about 1 MB
    for _ in range(size // len(chunk)):
        out.append(packer.compress(chunk))
    out.append(packer.compress(b"-->" + tail.encode()))
    out.append(packer.flush())
    return b"".join(out)


class _Web:
    """Feeds, a dribbling hook and a fast hook, on a free port."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[bytes, str]] = {}
        self.posts = 0
        web = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                body, kind = web.routes.get(self.path, (b"", "text/plain"))
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                web.posts += 1
                body = b"x" * 200 if self.path == "/dribble" else b""
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    for byte in body:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(2)
                except OSError:
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def _config(folder: Path, web: _Web, feed: str, extra: str = "", urls: tuple[str, ...] = ()) -> Path:
    path = folder / "n.toml"
    path.write_text(
        f'[database]\nurl = "sqlite:///n.db"\n[crawl]\nallow_private_addresses = true\nretries = 0\n{extra}\n'
        f"[alerts]\nurls = {json.dumps(list(urls))}\n"
        '[service]\nheartbeat = "1s"\nsend_every = "1s"\njitter = "0s"\n'
        f'[[sources]]\nname = "s"\ntype = "feed"\nurl = "{web.base}{feed}"\ninterval = "5m"\n'
        '[[topics]]\nname = "icet"\nquery = "iCET"\n'
    )
    return path


def _peak_rss(command: list[str]) -> tuple[float, str]:
    """Peak RSS (MB) of the largest process `command` starts, measured in a fresh interpreter."""
    probe = (
        "import resource, subprocess, sys;"
        "r = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024);"
        "print(r.stdout.strip().splitlines()[-1] if r.stdout.strip() else r.stderr.strip()[-300:])"
    )
    out = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True).stdout.splitlines()
    return float(out[0]), out[1] if len(out) > 1 else ""


def bomb(newswatch: str, web: _Web) -> list[dict]:
    web.routes["/bomb.rss"] = (_bomb(web.base, 63 << 20), "application/rss+xml")
    rows = []
    for limit in ("5MB", "1MB"):
        with tempfile.TemporaryDirectory() as folder:
            config = _config(Path(folder), web, "/bomb.rss", f'max_page_size = "{limit}"')
            peak, said = _peak_rss([newswatch, "--config", str(config), "crawl", "--json", "--no-alerts"])
        outcome = json.loads(said)["sources"][0] if said.startswith("{") else {"error": said}
        rows.append(
            {
                "case": f"63 MB gzipped feed ({len(web.routes['/bomb.rss'][0]) // 1024} KB), max_page_size {limit}",
                "peak_rss_mb": round(peak),
                "status": outcome.get("status"),
                "error": outcome.get("error"),
            }
        )
    return rows


def stop(newswatch: str, web: _Web, cap: float) -> dict:
    date = format_datetime(datetime.now(UTC), usegmt=True)
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>{ITEM.format(n=2, base=web.base, date=date)}</channel></rss>'
    web.routes["/feed.rss"] = (feed.encode(), "application/rss+xml")
    from newswatch.scheduler.newsweb import render_dates

    # A real article page from the demo's bundled news web, so that it is stored and alerted.
    page = Path(render_dates.__code__.co_filename).with_name("demo_web") / "politics" / "trust-succeeds-icet.html"
    web.routes["/a2.html"] = (render_dates(page.read_text(), datetime.now(UTC)).encode(), "text/html; charset=utf-8")
    with tempfile.TemporaryDirectory() as folder:
        config = _config(Path(folder), web, "/feed.rss", urls=(f"json://{web.base[7:]}/dribble",))
        before = web.posts
        log = open(Path(folder) / "run.log", "w")  # noqa: SIM115 (the service writes to it until it stops)
        service = subprocess.Popen(
            [newswatch, "--config", str(config), "run", "--grace", "5"], stdout=log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 120
        while web.posts == before and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)
        service.send_signal(signal.SIGTERM)
        started = time.monotonic()
        try:
            service.wait(timeout=cap)
            took = time.monotonic() - started
        except subprocess.TimeoutExpired:
            service.kill()
            service.wait()
            took = None
        log.close()
        said = (Path(folder) / "run.log").read_text().splitlines()
    return {
        "case": "SIGTERM during a send to a dribbling target, run --grace 5",
        "exit_seconds": took,
        "cap": cap,
        "log": said[-6:],
    }


def send(newswatch: str, web: _Web, count: int = 30) -> dict:
    import sqlite3

    with tempfile.TemporaryDirectory() as folder:
        config = _config(Path(folder), web, "/none.rss", urls=(f"json://{web.base[7:]}/fast",))
        subprocess.run([newswatch, "--config", str(config), "sources"], capture_output=True, check=True)
        db = sqlite3.connect(Path(folder) / "n.db")
        columns = {row[1] for row in db.execute("PRAGMA table_info(deliveries)")}
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ")
        target = subprocess.run(
            [
                sys.executable,
                "-c",
                f"from newswatch.alerts.targets import target_id; print(target_id('json://{web.base[7:]}/fast'))",
            ],
            capture_output=True,
            text=True,
        ).stdout.strip()
        for n in range(count):
            cursor = db.execute(
                "INSERT INTO alerts (key, kind, title, body, payload, created_at) VALUES (?, 'test', ?, 'body', '{}', ?)",
                (f"bench:{n}", f"alert {n}", now),
            )
            values = {
                "alert_id": cursor.lastrowid,
                "target": target,
                "target_label": "bench",
                "status": "pending",
                "attempts": 0,
            }
            if "uid" in columns:
                values["uid"] = f"bench-{n}"
            db.execute(
                f"INSERT INTO deliveries ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                tuple(values.values()),
            )
        db.commit()
        before = web.posts
        started = time.monotonic()
        done = subprocess.run([newswatch, "--config", str(config), "alerts", "send"], capture_output=True, text=True)
        took = time.monotonic() - started
    return {
        "case": f"alerts send, {count} alerts to a fast json:// receiver",
        "seconds": round(took, 2),
        "delivered": web.posts - before,
        "said": done.stdout.strip().splitlines()[-1:],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--newswatch", default=str(Path(sys.executable).with_name("newswatch")))
    parser.add_argument("--cap", type=float, default=90.0)
    args = parser.parse_args()
    web = _Web()
    results = {
        "newswatch": args.newswatch,
        "bomb": bomb(args.newswatch, web),
        "send": send(args.newswatch, web),
        "stop": stop(args.newswatch, web, args.cap),
    }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
