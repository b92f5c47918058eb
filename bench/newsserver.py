"""Serve a generated news web (bench/newsgen.py) on 127.0.0.1 from a process of its own.

An aiohttp server, so serving never competes with the crawler for its interpreter: listings
answer conditional requests with 304 (ETag and Last-Modified), article pages are generated once
and kept in memory, `/robots.txt` allows everything, `POST /hook` is a live alert receiver
(apprise `json://127.0.0.1:PORT/hook`), and `GET /_stats` returns what was requested. Faults for
the soak test: a source whose listing fails with a status, and one whose listing hangs.

    python bench/newsserver.py --sources 20 --articles 100        # prints {"port": ..., ...}

The benchmark scripts start it through `NewsServer` (a context manager) and stop it with SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter, deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import newsgen

ROBOTS = b"User-agent: *\nAllow: /\n"


class Web:
    """The served state: the spec, cached bodies, counters and faults."""

    def __init__(self, spec: newsgen.WebSpec, fail: dict[int, int], hang: dict[int, float]) -> None:
        self.spec = spec
        self.fail, self.hang = fail, hang
        self.pages: dict[tuple[int, int], bytes] = {}
        self.listings: dict[tuple[int, int], tuple[bytes, str, str, str]] = {}
        self.counts: Counter[str] = Counter()
        self.listing_hits: Counter[int] = Counter()
        self.hooks: deque[dict] = deque(maxlen=1000)
        self.hook_count = 0
        self.hook_titles: Counter[str] = Counter()
        self.listing_paths = {spec.listing_path(s): s for s in range(spec.sources)}

    def page(self, source: int, index: int) -> bytes:
        key = (source, index)
        body = self.pages.get(key)
        if body is None:
            body = newsgen.article_html(self.spec, source, index).encode("utf-8")
            if len(self.pages) > 20_000:
                self.pages.clear()
            self.pages[key] = body
        return body

    def listing(self, source: int, now: float) -> tuple[bytes, str, str, str]:
        visible = self.spec.visible(now)
        key = (source, visible)
        found = self.listings.get(key)
        if found is None:
            body, content_type = newsgen.listing(self.spec, source, now)
            newest = max(
                (self.spec.published(source, i) for i in newsgen.listing_indexes(self.spec, source, now)),
                default=self.spec.epoch,
            )
            found = (body, content_type, newsgen.etag(body), newsgen.rfc822(newest))
            self.listings.pop((source, visible - 1), None)
            self.listings[key] = found
        return found

    def pregenerate(self) -> None:
        for source in range(self.spec.sources):
            self.listing(source, self.spec.epoch)
            for index in newsgen.listing_indexes(self.spec, source, self.spec.epoch):
                self.page(source, index)


def make_app(web: Web):
    from aiohttp import web as aioweb

    async def handle(request: aioweb.Request) -> aioweb.StreamResponse:
        path = request.path
        if request.method == "POST" and path == "/hook":
            try:
                posted = await request.json()
            except ValueError:
                posted = {"raw": (await request.text())[:500]}
            web.hooks.append(posted)
            web.hook_titles[str(posted.get("title"))] += 1
            web.hook_count += 1
            web.counts["hook"] += 1
            return aioweb.Response(text="ok")
        if path == "/_stats":
            return aioweb.json_response(
                {
                    "counts": dict(web.counts),
                    "listing_hits": {str(k): v for k, v in web.listing_hits.items()},
                    "hooks": web.hook_count,
                    "hook_titles": len(web.hook_titles),
                    "hook_titles_repeated": {t: n for t, n in web.hook_titles.items() if n > 1},
                    "last_hooks": list(web.hooks)[-20:],
                    "pid": os.getpid(),
                }
            )
        if path == "/robots.txt":
            web.counts["robots"] += 1
            return aioweb.Response(body=ROBOTS, content_type="text/plain")
        source = web.listing_paths.get(path)
        if source is not None:
            web.listing_hits[source] += 1
            if source in web.hang:
                web.counts["listing_hang"] += 1
                await asyncio.sleep(web.hang[source])
            if source in web.fail:
                web.counts["listing_fail"] += 1
                return aioweb.Response(status=web.fail[source], text="failure injected by the benchmark")
            body, content_type, tag, modified = web.listing(source, time.time())
            headers = {"ETag": tag, "Last-Modified": modified, "Content-Type": content_type}
            if request.headers.get("If-None-Match") == tag:
                web.counts["listing_304"] += 1
                return aioweb.Response(status=304, headers={"ETag": tag, "Last-Modified": modified})
            web.counts["listing"] += 1
            return aioweb.Response(body=body, headers=headers)
        found = newsgen.parse_article_path(path)
        if found is not None and 0 <= found[0] < web.spec.sources:
            source, index = found
            if index < web.spec.visible(time.time()):
                web.counts["article"] += 1
                return aioweb.Response(
                    body=web.page(source, index), headers={"Content-Type": "text/html; charset=utf-8"}
                )
        web.counts["not_found"] += 1
        return aioweb.Response(status=404, text="not found")

    app = aioweb.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


def serve(args: argparse.Namespace) -> None:
    from aiohttp import web as aioweb

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    sock.listen(512)
    port = sock.getsockname()[1]
    spec = newsgen.WebSpec(
        base_url=f"http://127.0.0.1:{port}",
        epoch=args.epoch or time.time(),
        seed=args.seed,
        sources=args.sources,
        articles=args.articles,
        feed_items=args.feed_items,
        publish_every=args.publish_every,
    )
    web = Web(spec, dict(_pairs(args.fail, int)), dict(_pairs(args.hang, float)))
    if args.pregenerate:
        web.pregenerate()

    async def main() -> None:
        runner = aioweb.AppRunner(make_app(web), access_log=None, handle_signals=False)
        await runner.setup()
        await aioweb.SockSite(runner, sock, shutdown_timeout=1).start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        print(
            json.dumps({"port": port, "base_url": spec.base_url, "epoch": spec.epoch, "pid": os.getpid()}), flush=True
        )
        await stop.wait()
        await runner.cleanup()

    asyncio.run(main())


def _pairs(values: list[str], kind) -> list[tuple[int, object]]:
    pairs = []
    for value in values or []:
        key, _, amount = value.partition("=")
        pairs.append((int(key), kind(amount)))
    return pairs


class NewsServer:
    """Start the server in a child process; `.spec` rebuilds the same web in this process."""

    def __init__(
        self,
        sources: int = 20,
        articles: int = 100,
        feed_items: int | None = None,
        seed: int = 1,
        publish_every: float = 0.0,
        fail: dict[int, int] | None = None,
        hang: dict[int, float] | None = None,
        pregenerate: bool = True,
    ) -> None:
        self.options = {
            "sources": sources,
            "articles": articles,
            "feed_items": feed_items or articles,
            "seed": seed,
            "publish_every": publish_every,
        }
        self.fail, self.hang, self.pregenerate = fail or {}, hang or {}, pregenerate
        self.process: subprocess.Popen | None = None
        self.spec: newsgen.WebSpec | None = None

    def __enter__(self) -> NewsServer:
        epoch = time.time()
        command = [sys.executable, __file__, "--epoch", repr(epoch)]
        for key, value in self.options.items():
            command += [f"--{key.replace('_', '-')}", str(value)]
        command += [arg for k, v in self.fail.items() for arg in ("--fail", f"{k}={v}")]
        command += [arg for k, v in self.hang.items() for arg in ("--hang", f"{k}={v}")]
        if self.pregenerate:
            command.append("--pregenerate")
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the news server did not start")
        info = json.loads(line)
        self.spec = newsgen.WebSpec(
            base_url=info["base_url"],
            epoch=info["epoch"],
            seed=self.options["seed"],
            sources=self.options["sources"],
            articles=self.options["articles"],
            feed_items=self.options["feed_items"],
            publish_every=self.options["publish_every"],
        )
        self.pid = info["pid"]
        return self

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    @property
    def base_url(self) -> str:
        return self.spec.base_url

    def stats(self) -> dict:
        with urllib.request.urlopen(self.base_url + "/_stats", timeout=10) as response:
            return json.loads(response.read())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sources", type=int, default=20)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--feed-items", type=int, default=100)
    parser.add_argument("--publish-every", type=float, default=0.0)
    parser.add_argument("--epoch", type=float, default=0.0)
    parser.add_argument("--fail", action="append", metavar="SOURCE=STATUS")
    parser.add_argument("--hang", action="append", metavar="SOURCE=SECONDS")
    parser.add_argument("--pregenerate", action="store_true")
    serve(parser.parse_args())


if __name__ == "__main__":
    main()
