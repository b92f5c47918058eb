"""`newswatch demo`: the whole flow offline, on a bundled news web served on 127.0.0.1.

Two made-up outlets publish an on-topic story, a wire copy of it, a second on-topic report,
a cricket match and an entrance-exam notice; one cycle runs into a temporary database with the
built-in `icet` topic, and the matches and alerts are shown on the terminal.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from newswatch.scheduler.config import Config, validate
from newswatch.scheduler.newsweb import NewsWeb
from newswatch.scheduler.wording import plural

DEMO_WEB = Path(__file__).with_name("demo_web")
FEEDS = (("capital-times", "feeds/capital-times.rss"), ("tech-wire", "feeds/tech-wire.atom"))


def demo_config(web: NewsWeb, folder: Path) -> Config:
    from newswatch.domain.topics import BUILTIN_TOPICS

    data = {
        "database": {"url": f"sqlite:///{folder / 'demo.db'}"},
        "crawl": {"allow_private_addresses": True, "obey_robots_txt": False, "retries": 0, "timeout": "10s"},
        "alerts": {"urls": []},
        "sources": [{"name": name, "type": "feed", "url": web.url(path), "interval": "5m"} for name, path in FEEDS],
        "topics": [
            {"name": t.name, "query": t.query, "alert": "instant", "min_score": t.min_score} for t in BUILTIN_TOPICS
        ],
    }
    return validate(data, "<demo>", None)


def run_demo(echo) -> int:
    """Run the demo; `echo` prints a line. Returns the number of stored matching articles."""
    import sys

    from newswatch.crawler.cycle import run_cycle
    from newswatch.db import store
    from newswatch.scheduler.app import cycle_context, open_db, send_alerts

    with NewsWeb(DEMO_WEB) as web, tempfile.TemporaryDirectory(prefix="newswatch-demo-") as folder:
        config = demo_config(web, Path(folder))
        echo(f"Demo news web on {web.base_url}: {len(FEEDS)} feeds, 5 articles (one a wire copy).")
        echo("A temporary database, deleted at the end.\n")
        sessions = open_db(config)
        report = run_cycle(cycle_context(config, sessions, config.source_specs()))
        echo(
            f"Crawled: {plural(report.stored, 'article')} stored, "
            f"{plural(report.duplicates, 'wire copy', 'wire copies')} recognised, {report.matched} matched a topic.\n"
        )
        echo("Alerts (no alert targets configured, so they are printed here):\n")
        send_alerts(config, sessions, console=sys.stdout)
        with sessions() as session:
            rows = store.list_articles(session, matched_only=False, limit=None)
            echo("Stored articles:")  # the last alert block ends in a blank line
            for row in rows:
                topics = ", ".join(f"{m.topic} {m.score:.2f} [{', '.join(m.terms)}]" for m in row.matches)
                copy = f" (copy of #{row.duplicate_of})" if row.duplicate_of else ""
                echo(f"  #{row.id} {row.source}: {row.title}{copy}\n      {topics or 'no topic matched'}")
            matched = sum(1 for row in rows if row.matches)
        echo("\nNext: `newswatch init` writes a config for real sources; `newswatch crawl` runs it.")
        return matched
