"""The labelled events through the real product: a local news web serves the reports of
tests/labelled/events.jsonl as feeds and article pages, `newswatch crawl` fetches them cycle after
cycle, and a loopback apprise receiver counts the notifications each event gets.

`bench/bench_stories.py` replays the same reports through the pipeline's storing step with the
labelled texts. This one adds what that step does not see: feed parsing, page fetching,
extraction (title, date, outlet and text as the crawler reads them), the configuration, the
process per cycle and the sending. Its numbers should match the pipeline replay's; where they
differ, the crawl path changes what the stories see.

    python bench/acceptance_stories.py [--orders 2] [--cycle 20] [--verbose] [--labels FILE]
    python bench/acceptance_stories.py --topic icet            # the built-in topic, its events only
    python bench/acceptance_stories.py --events tests/labelled/bilingual.jsonl

The "replay" columns are bench_stories.py's pipeline replay of the same reports in the same order.

Each order reveals `--cycle` more reports before each `newswatch crawl` (oldest first, newest
first, then seeded shuffles), as if they had been published between cycles in that order.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_stories import EVENTS, corpus_labelled, load, matcher, orders, score
from bench_stories import crawl as replay
from corpus import CORPUS

MAX_ITEM_DAYS = 3650  # crawl.max_item_age, at its longest
FEEDS = 6  # the reports are spread over this many feeds; the page names its own outlet
PAGE = re.compile(r"/a/([\w-]+)\.html")


class NewsWeb:
    """Feeds list the revealed reports (newest first); pages carry title, date, outlet and text;
    POST /hook records apprise's json:// notifications."""

    def __init__(self, reports: list[dict]) -> None:
        self.reports = {r["id"]: r for r in reports}
        self.revealed: list[str] = []
        self.notifications: list[dict] = []
        web = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                body, kind = web.answer(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", kind)
                payload = (body or "not found").encode("utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                web.notifications.append(json.loads(self.rfile.read(length) or b"{}"))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def alerted(self) -> Counter:
        """Notifications received per report id (the first article link a notification names)."""
        counts: Counter = Counter()
        for note in self.notifications:
            counts.update(PAGE.findall(json.dumps(note))[:1])
        return counts

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def answer(self, path: str) -> tuple[str | None, str]:
        if match := re.fullmatch(r"/feeds/(\d+)\.xml", path):
            return self.feed(int(match.group(1))), "application/rss+xml; charset=utf-8"
        if (match := PAGE.fullmatch(path)) and match.group(1) in self.revealed:
            return self.page(self.reports[match.group(1)]), "text/html; charset=utf-8"
        return None, "text/plain"

    def feed(self, number: int) -> str:
        shown = [self.reports[i] for i in self.revealed if sum(map(ord, i)) % FEEDS == number]
        shown.sort(key=lambda r: r["published"], reverse=True)
        items = "".join(self.item(r) for r in shown)
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Feed {number}</title><link>{self.url('/')}</link><description>news</description>"
            f"{items}</channel></rss>"
        )

    def item(self, report: dict) -> str:
        link = self.url(f"/a/{report['id']}.html")
        return (
            f"<item><title>{html.escape(report['title'])}</title><link>{link}</link><guid>{link}</guid>"
            f"<pubDate>{format_datetime(report['published'])}</pubDate>"
            f"<description>{html.escape(report['text'].split('. ')[0])}</description></item>"
        )

    def page(self, report: dict) -> str:
        sentences = re.split(r"(?<=[.!?])\s+", report["text"])
        paragraphs = "".join(
            f"<p>{html.escape(' '.join(sentences[i : i + 2]))}</p>" for i in range(0, len(sentences), 2)
        )
        title = html.escape(report["title"])
        outlet = html.escape(report["outlet"])
        lang = report.get("lang", "en")
        return (
            f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title} | {outlet}</title>'
            f'<meta property="og:title" content="{title}"><meta property="og:site_name" content="{outlet}">'
            f'<meta property="article:published_time" content="{report["published"].isoformat()}">'
            f"</head><body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
            f"<article><h1>{title}</h1>{paragraphs}</article>"
            f"<footer>&copy; {outlet}</footer></body></html>"
        )


SERVICE = '[service]\nheartbeat = "1s"\nsend_every = "1s"\njitter = "0s"\n\n'


WATCH_EVERYTHING = """[[topics]]
name = "watch"
query = 'NOT xyzzyplugh'
min_score = 0
alert = "instant"
"""


def builtin_topic(name: str) -> str:
    """The [[topics]] table of a built-in topic, alerting at once."""
    from newswatch.domain.topics import BUILTIN_TOPICS

    (topic,) = [t for t in BUILTIN_TOPICS if t.name == name]
    return f'[[topics]]\nname = "{topic.name}"\nquery = """{topic.query}"""\nmin_score = {topic.min_score}\nalert = "instant"\n'


def config(
    web: NewsWeb, database: Path, interval: str = "15m", service: str = "", topics: str = WATCH_EVERYTHING
) -> str:
    sources = "".join(
        f'[[sources]]\nname = "feed-{n}"\ntype = "feed"\nurl = "{web.url(f"/feeds/{n}.xml")}"\n'
        f'interval = "{interval}"\n\n'
        for n in range(FEEDS)
    )
    return f"""{service}[database]
url = "sqlite:///{database}"

[crawl]
allow_private_addresses = true
obey_robots_txt = false
max_item_age = "{MAX_ITEM_DAYS}d"

{sources}{topics}
[alerts]
urls = ["json://127.0.0.1:{web.port}/hook"]
max_age = "{MAX_ITEM_DAYS}d"
max_per_cycle = 1000
"""


def crawl(ordered: list[dict], cycle: int, newswatch: str, topics: str = WATCH_EVERYTHING) -> tuple[Counter, list[str]]:
    """Reveal and crawl the reports in this order; returns notifications per report id and the
    crawl summaries' problem lines."""
    web = NewsWeb(ordered)
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "newswatch.toml"
        path.write_text(config(web, Path(folder) / "news.db", topics=topics), encoding="utf-8")
        for start in range(0, len(ordered), cycle):
            web.revealed.extend(r["id"] for r in ordered[start : start + cycle])
            done = subprocess.run(
                [newswatch, "--config", str(path), "crawl"],
                capture_output=True,
                text=True,
                env=os.environ | {"NO_COLOR": "1"},
            )
            if done.returncode != 0:
                raise SystemExit(f"newswatch crawl exited {done.returncode}: {done.stderr.strip()}")
            problems += [
                line
                for line in (done.stdout + done.stderr).splitlines()
                # The summary's counts and the table's header name failures too: only a count above
                # zero or a row's reason is a problem.
                if "┃" not in line and re.search(r"\b[1-9]\d* failed|failed [1-9]|error|not an article", line, re.I)
            ]
        stored = subprocess.run(
            [newswatch, "--config", str(path), "articles", "--all", "--json", "--limit", "100000"],
            capture_output=True,
            text=True,
        )
        count = sum(1 for line in stored.stdout.splitlines() if line.strip())
        problems += term_count_problems(Path(folder) / "news.db")
    web.server.shutdown()
    if count != len(ordered):
        problems.append(f"{count} of {len(ordered)} reports stored")
    return web.alerted(), problems


def term_count_problems(database: Path) -> list[str]:
    """A problem line when the stored term counts (how many reports carry each event term, which
    weigh what two reports share) do not count every stored original report once."""
    import sqlite3

    with sqlite3.connect(database) as db:
        counted = db.execute("SELECT coalesce(sum(reports), 0) FROM term_counts WHERE term = ''").fetchone()[0]
        originals = db.execute("SELECT count(*) FROM articles WHERE duplicate_of IS NULL").fetchone()[0]
    return [] if counted == originals else [f"term counts count {counted} of {originals} original reports"]


def serve(
    ordered: list[dict], cycle: int, newswatch: str, interval: int, topics: str = WATCH_EVERYTHING
) -> tuple[Counter, list[str]]:
    """The same through `newswatch run`: each source polled every `interval` seconds in a crawl
    process of its own, several at once; `cycle` more reports revealed once the service has
    stored the last ones. Returns notifications per report id and what went wrong."""
    import signal
    import sqlite3

    web = NewsWeb(ordered)
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        path, database = Path(folder) / "newswatch.toml", Path(folder) / "news.db"
        path.write_text(config(web, database, f"{interval}s", SERVICE, topics), encoding="utf-8")
        log = (Path(folder) / "run.log").open("w")
        service = subprocess.Popen([newswatch, "--config", str(path), "run"], stdout=log, stderr=subprocess.STDOUT)

        def stored() -> int:
            try:
                with sqlite3.connect(database) as db:
                    return db.execute("SELECT count(*) FROM articles").fetchone()[0]
            except sqlite3.Error:  # not created yet
                return 0

        def settle(until, seconds: float) -> bool:
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                if until():
                    return True
                time.sleep(1)
            return False

        try:
            for start in range(0, len(ordered), cycle):
                web.revealed.extend(r["id"] for r in ordered[start : start + cycle])
                if not settle(lambda: stored() >= len(web.revealed), 6 * interval):
                    problems.append(f"{stored()} of {len(web.revealed)} revealed reports stored in {6 * interval} s")
            sent = -1
            while sent != len(web.notifications):  # the sender works every second: wait until it is quiet
                sent = len(web.notifications)
                time.sleep(5)
        finally:
            service.send_signal(signal.SIGTERM)
            if service.wait(timeout=60) != 0:
                problems.append(f"newswatch run exited {service.returncode}")
            log.close()
        problems += [
            line
            for line in (Path(folder) / "run.log").read_text().splitlines()
            if re.search(r"Traceback|ERROR|cycle failed", line)
        ]
        problems += term_count_problems(database)
    web.server.shutdown()
    return web.alerted(), problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=2, help="seeded shuffles besides oldest and newest first")
    parser.add_argument("--cycle", type=int, default=20, help="reports revealed before each crawl")
    parser.add_argument("--verbose", action="store_true", help="name the events that did not alert exactly once")
    parser.add_argument(
        "--labels",
        type=Path,
        metavar="FILE",
        help="crawl the corpus feed entries this file labels (bench/labels/corpus_events.jsonl) instead",
    )
    parser.add_argument(
        "--service",
        type=int,
        metavar="SECONDS",
        help="run `newswatch run` with every source polled this often instead of one crawl per reveal",
    )
    parser.add_argument(
        "--events", type=Path, default=EVENTS, metavar="FILE", help="the labelled reports (default events.jsonl)"
    )
    parser.add_argument(
        "--topic", choices=("icet",), help="alert on this built-in topic; count only the events it matches"
    )
    args = parser.parse_args()
    newswatch = str(Path(sys.executable).with_name("newswatch"))
    labelled = corpus_labelled(args.labels, CORPUS) if args.labels else load(args.events)
    topics = builtin_topic(args.topic) if args.topic else WATCH_EVERYTHING
    matches = matcher(args.topic)
    # A label with a headline and no text (some official releases' feed items) has no page to serve:
    # a page without text is not an article.
    reports = [r for r in labelled if r["text"].strip()]
    # A report older than the crawl's item age limit (crawl.max_item_age, at most ten years) is not
    # fetched: left out of both the crawl and the replay.
    too_old = datetime.now(UTC) - timedelta(days=MAX_ITEM_DAYS)
    old = {r["event"] for r in reports if r["published"] < too_old}
    reports = [r for r in reports if r["event"] not in old]
    in_scope = {r["event"] for r in reports if matches(r)}
    counted = [r for r in reports if r["event"] in in_scope]
    print(
        f"{len(reports)} reports, {len({r['event'] for r in reports})} events "
        f"({len(labelled) - len(reports)} headline-only labels or events older than {MAX_ITEM_DAYS} days left out);"
        f" {args.cycle} revealed per crawl"
    )
    if args.topic:
        print(f"topic {args.topic}: {len(in_scope)} events have a report it matches; only they are counted")
    print(f"{'order':<16} {'recall':>7} {'alerts/event':>13} {'replay recall':>14} {'replay a/e':>11} {'s':>6}")
    for name, ordered in orders(reports, args.orders).items():
        begin = time.perf_counter()
        if args.service:
            alerted, problems = serve(ordered, args.cycle, newswatch, args.service, topics)
        else:
            alerted, problems = crawl(ordered, args.cycle, newswatch, topics)
        seconds = time.perf_counter() - begin
        result = score(counted, alerted)
        with tempfile.TemporaryDirectory() as folder:
            replayed = score(counted, replay(ordered, Path(folder), args.cycle, matches=matches))
        print(
            f"{name:<16} {result['recall']:>7.2f} {result['alerts_per_event']:>13.2f} "
            f"{replayed['recall']:>14.2f} {replayed['alerts_per_event']:>11.2f} {seconds:>6.1f}"
        )
        if args.verbose:
            for label, outcome in (("crawled", result), ("replayed", replayed)):
                print(f"    {label}: never alerted: {', '.join(outcome['missed']) or '-'}")
                print(f"    {label}: alerted more than once: {outcome['extra'] or '-'}")
            for line in problems[:10]:
                print(f"    {line}")


if __name__ == "__main__":
    main()
