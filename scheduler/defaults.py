"""The built-in default configuration, as the commented TOML that `newswatch init` writes.

The same text is what newswatch runs on when no configuration file is found, so the file a user
starts editing and the defaults they ran before are one and the same.
"""

from __future__ import annotations

import json

from newswatch.domain.topics import BUILTIN_TOPICS
from newswatch.scheduler.default_sources import DEFAULT_SOURCES

_HEADER = """\
# newswatch configuration.
#
# Written by `newswatch init`. Every key is optional except the sources and topics you want;
# durations are written 30s, 15m, 1h, 1d; sizes 512KB, 5MB. After editing, `newswatch sources`
# checks the file (a bad key exits 2 and names it).

[database]
# Any SQLAlchemy URL. A relative SQLite path is relative to this file.
# PostgreSQL: url = "postgresql+psycopg://user:password@localhost/newswatch"
url = "sqlite:///newswatch.db"

[crawl]
# true: loopback, private and link-local hosts may be fetched (tests, intranets). Keep false on
# the open web: a feed item must not make the crawler reach an intranet or a cloud metadata host.
allow_private_addresses = false
obey_robots_txt = true
# Politeness adapts to each site (Scrapy's AutoThrottle plus a per-domain concurrency limit).
concurrency = 16
per_domain_concurrency = 2
timeout = "30s"
max_page_size = "5MB"
max_redirects = 5
# Listing items older than this are not fetched at all.
max_item_age = "7d"
# At most this many new articles are fetched from one source in one cycle.
max_articles_per_source = 100
# Conditional GETs (ETag / Last-Modified) save work; now and then fetch unconditionally anyway,
# since some servers keep sending a stale ETag.
full_fetch_every = "1d"

[alerts]
# Apprise URLs: mailto://, slack://, tgram://, ntfy://, json://, ... (https://github.com/caronc/apprise)
# With none, alerts are printed to the terminal.
urls = []
# Or an apprise configuration file (YAML or TEXT) whose tags route topics to targets:
# config = "apprise.yml"
# Items published longer ago than this are stored without alerting.
max_age = "3d"
# At most this many instant alerts per cycle; the rest are folded into one summary alert.
max_per_cycle = 20
# Alert again when a story already alerted gets a new (non-copy) report.
updates = false
# Digest schedule (cron, local time unless `timezone` is set).
digest_cron = "0 8 * * *"
# quiet_hours = "22:00-07:00"

[service]
# `newswatch run`: each crawl runs in a child process that is stopped after this long.
crawl_timeout = "10m"
# The text of articles that matched no topic is dropped after this many days.
retention_days = 30

[logging]
level = "INFO"
format = "text"   # or "json": one JSON object per line

[web]
# `newswatch web` serves the web view. Without a password it listens on loopback (127.0.0.1)
# only; with one, it asks for it (a login page; HTTP basic for feeds and the JSON API).
# password = "a long passphrase"
# Serve the web view inside `newswatch run` as well:
# listen = "127.0.0.1:8080"
"""

_TOPICS_NOTE = """
# Topics: a query in the newswatch query language (see README, "Query language").
# alert = "instant" (one notification per new story), "digest" (grouped, on digest_cron) or "off".
"""

_SOURCES_NOTE = """
# Sources: type = "feed" (RSS/Atom/RDF), "sitemap" (incl. Google News sitemaps), "page" (an HTML
# listing page; optional link_selector = "CSS selector of article links") or "google_news"
# (a news search: query, hl, gl, ceid). Each is fetched every `interval`.
"""


def _string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _multiline(value: str) -> str:
    if "'''" not in value:
        return "'''\n" + value.strip("\n") + "\n'''"
    return _string(value)


def _topic_block(topic) -> str:
    lines = [
        "[[topics]]",
        f"name = {_string(topic.name)}",
        f"query = {_multiline(topic.query)}",
        f"alert = {_string(topic.alert)}",
        f"min_score = {topic.min_score}",
    ]
    return "\n".join(lines)


def _source_block(source: dict) -> str:
    lines = [
        f"# checked: {source['checked']}",
        "[[sources]]",
        f"name = {_string(source['name'])}",
        f"type = {_string(source['type'])}",
    ]
    for key in ("url", "query", "hl", "gl", "ceid", "link_selector"):
        if source.get(key):
            lines.append(f"{key} = {_string(source[key])}")
    lines.append(f"interval = {_string(source.get('interval', '15m'))}")
    return "\n".join(lines)


def default_config_text() -> str:
    parts = [_HEADER, _TOPICS_NOTE]
    parts += [_topic_block(topic) + "\n" for topic in BUILTIN_TOPICS]
    parts.append(_SOURCES_NOTE)
    parts += [_source_block(source) + "\n" for source in DEFAULT_SOURCES]
    return "\n".join(parts)
