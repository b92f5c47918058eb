"""`newswatch topics suggest`: the names a topic's query is missing, found in the articles it
matched and those it matched only weakly, through the installed command on a crawled news web."""

from __future__ import annotations

import hashlib

import pytest

from newswatch.domain.topics import INDIA_US
from newswatch.scheduler.newsweb import NewsWeb
from tests.conftest import SITE, json_lines, run_newswatch, write_config

# A topic written before the COMPACT existed: engines and vehicles, not the agreement's name.
ENGINES = '"jet engine*" OR F414 OR Stryker OR Javelin'
TOPICS = f"""
[[topics]]
name = "engines"
query = {ENGINES!r}
tags = ["india", "us"]

[[topics]]
name = "india-us"
query = '''{INDIA_US.query}'''
alert = "off"
tags = ["india", "us"]
"""


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """The Capital Chronicle crawled once: three reports naming the COMPACT (two on engines and
    vehicles, one only on India-US relations) and three on other news."""
    tmp_path = tmp_path_factory.mktemp("suggest")
    with NewsWeb(SITE) as web:
        sources = f'[[sources]]\nname = "chronicle"\ntype = "feed"\nurl = "{web.url("feeds/watch.rss")}"\n'
        config = write_config(tmp_path / "newswatch.toml", web, sources=sources, topics=TOPICS)
        result = run_newswatch("crawl", "--no-alerts", config=config)
        assert result.returncode == 0, result.stderr
    return config


def _suggest(config, *args):
    result = run_newswatch("topics", "suggest", *args, config=config)
    assert result.returncode == 0, result.stderr
    return result


def test_a_name_rising_in_matched_and_weakly_matched_reports_is_suggested_first(crawled):
    suggestions = json_lines(_suggest(crawled, "engines", "--json").stdout)
    first = suggestions[0]
    assert first["term"] == "COMPACT"
    # Two reports the topic matched, one it missed that india-us (a topic with the same tags) found.
    assert (first["matched"], first["weak"], first["elsewhere"]) == (2, 1, 0)
    exported = {a["id"]: a for a in json_lines(run_newswatch("export", "--all", config=crawled).stdout)}
    assert "COMPACT" in exported[first["example"]["id"]]["title"]
    assert "COMPACT" in first["example"]["snippet"]


def test_words_the_query_already_names_are_never_suggested(crawled):
    terms = [s["term"].casefold() for s in json_lines(_suggest(crawled, "engines", "--json").stdout)]
    for named in ("f414", "stryker", "javelin", "jet", "engine", "engines"):
        assert not any(named in term.split() for term in terms), (named, terms)


def test_table_limit_and_window(crawled):
    table = _suggest(crawled, "engines", "--limit", "1").stdout
    assert "2 matched, 1 weakly matched, 3 other articles" in table
    assert "COMPACT" in table
    assert len(json_lines(_suggest(crawled, "engines", "--json", "--limit", "1").stdout)) == 1
    # Every report was published an hour or more ago: a 30-minute window has nothing to suggest.
    assert json_lines(_suggest(crawled, "engines", "--json", "--since", "30m").stdout) == []
    assert "No suggestions" in _suggest(crawled, "engines", "--since", "30m").stdout


def test_unknown_topic_exits_2_naming_the_configured_ones(crawled):
    result = run_newswatch("topics", "suggest", "chips", config=crawled)
    assert result.returncode == 2
    assert "unknown topic 'chips'" in result.stderr and "engines" in result.stderr


def test_suggest_reads_the_store_and_changes_nothing(crawled):
    database = crawled.parent / "newswatch.db"
    before = hashlib.sha256(database.read_bytes()).hexdigest()
    exported = run_newswatch("export", "--all", config=crawled).stdout
    _suggest(crawled, "engines", "--json")
    _suggest(crawled, "india-us")
    assert hashlib.sha256(database.read_bytes()).hexdigest() == before
    assert run_newswatch("export", "--all", config=crawled).stdout == exported
