"""A feed that is not well-formed XML is a failure when nothing usable can be read from it: it
shows in `sources --json` with its error and counts as a failed fetch (towards
`service.failing_after`). One that parses with a recoverable problem and still lists articles
keeps working, and `sources` shows the problem as a warning."""

from __future__ import annotations

import pytest

from newswatch.crawler.feeds import FeedError, parse_feed
from tests.conftest import json_lines, run_newswatch, write_config
from tests.storyweb import ENGINES, page

# Cut off mid-item: the only item has a title and no link, and a bare "&" breaks the XML.
TRUNCATED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Ledger</title>'
    b"<item><title>Engines & chips: what the deal means</title>"
)


def _recoverable(web) -> bytes:
    link = web.url("wire/engines.html")
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Ledger</title>'
        f"<item><title>GE & HAL sign engine deal</title><link>{link}</link></item></channel></rss>"
    ).encode()


def _config(tmp_path, web):
    sources = f'[[sources]]\nname = "ledger"\ntype = "feed"\nurl = "{web.url("ledger/feed.rss")}"\n'
    return write_config(tmp_path / "n.toml", web, [], sources=sources)


def _source(config) -> dict:
    return next(
        s for s in json_lines(run_newswatch("sources", "--json", config=config).stdout) if s["name"] == "ledger"
    )


def test_a_feed_that_is_not_well_formed_and_lists_nothing_usable_is_a_failed_fetch(tmp_path, newsweb):
    newsweb.serve("/ledger/feed.rss", TRUNCATED, "application/rss+xml")
    config = _config(tmp_path, newsweb)
    assert run_newswatch("crawl", config=config).returncode == 0
    first = _source(config)
    assert first["status"] == "error" and first["error"].startswith("malformed feed: ")
    assert first["consecutive_errors"] == 1
    assert run_newswatch("crawl", config=config).returncode == 0
    assert _source(config)["consecutive_errors"] == 2  # what service.failing_after counts


def test_a_feed_with_a_recoverable_problem_keeps_working_and_shows_a_warning(tmp_path, newsweb):
    newsweb.serve("/wire/engines.html", page(ENGINES[0], ENGINES[1], "2026-01-01T00:00:00+00:00"))
    newsweb.serve("/ledger/feed.rss", _recoverable(newsweb), "application/rss+xml")
    config = _config(tmp_path, newsweb)
    assert run_newswatch("crawl", config=config).returncode == 0
    source = _source(config)
    assert source["status"] == "ok" and source["error"] == "" and source["articles"] == 1
    assert source["warning"].startswith("malformed feed, read anyway: ")
    assert "warning: malformed feed" in run_newswatch("sources", config=config).stdout


def test_parse_feed_refuses_a_broken_feed_without_a_usable_entry():
    with pytest.raises(FeedError, match=r"^malformed feed: .*no usable entry"):
        parse_feed(TRUNCATED, "https://ledger.example/feed.rss")
