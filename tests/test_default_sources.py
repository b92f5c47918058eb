"""The built-in source list: what a user gets from `newswatch init` without editing anything."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from newswatch.scheduler.config import Config, Settings
from newswatch.scheduler.default_sources import DEFAULT_SOURCES
from newswatch.scheduler.durations import parse_duration

KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _feeds():
    return [source for source in DEFAULT_SOURCES if source["type"] == "feed"]


def _hosts():
    return [urlsplit(source["url"]).hostname or "" for source in _feeds()]


def test_every_source_has_its_own_kebab_case_name():
    names = [source["name"] for source in DEFAULT_SOURCES]
    assert len(names) == len(set(names))
    assert all(KEBAB.match(name) for name in names), [n for n in names if not KEBAB.match(n)]


def test_the_default_list_is_broad_enough_to_follow_the_topic():
    assert len(DEFAULT_SOURCES) >= 25


def test_every_feed_is_fetched_over_https():
    assert all(source["url"].startswith("https://") for source in _feeds())


def test_every_source_says_on_one_line_how_it_was_checked():
    for source in DEFAULT_SOURCES:
        checked = source.get("checked", "")
        assert checked.strip(), source["name"]
        assert "\n" not in checked, source["name"]


def test_there_are_several_google_news_searches_with_a_query():
    searches = [source for source in DEFAULT_SOURCES if source["type"] == "google_news"]
    assert len(searches) >= 3
    assert all(source.get("query", "").strip() for source in searches)


def test_official_indian_and_us_government_sources_are_included():
    hosts = _hosts()
    assert any(host.endswith(("pib.gov.in", "mea.gov.in")) for host in hosts)
    assert any(host.endswith(".gov") for host in hosts)


def test_intervals_stay_between_ten_minutes_and_two_hours():
    for source in DEFAULT_SOURCES:
        assert 600 <= parse_duration(source["interval"]) <= 7200, source["name"]


def test_built_in_sources_are_a_valid_configuration():
    sources = [{key: value for key, value in source.items() if key != "checked"} for source in DEFAULT_SOURCES]
    config = Config(settings=Settings.model_validate({"sources": sources}), path=None)
    assert [spec.name for spec in config.source_specs()] == [source["name"] for source in DEFAULT_SOURCES]


def test_hindi_news_is_followed_by_hindi_outlets_and_a_hindi_news_search():
    hindi_hosts = ("feeds.bbci.co.uk/hindi", "amarujala.com", "bhaskar.com", "ndtvkhabar")
    feeds = [s for s in _feeds() if any(host in s["url"] for host in hindi_hosts)]
    assert len(feeds) >= 4
    searches = [s for s in DEFAULT_SOURCES if s["type"] == "google_news" and s.get("hl") == "hi"]
    assert searches and all(s["ceid"] == "IN:hi" for s in searches)
    assert all(any("\u0900" <= c <= "\u097f" for c in s["query"]) for s in searches)
