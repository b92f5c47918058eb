"""The first hour of a new user, through the installed `newswatch` command: reading commands
before any crawl, unknown names, missing ids, a crawl of sources that are backing off, tables at
80 columns, search in the topic query language, and the export formats."""

from __future__ import annotations

import pytest

from newswatch.scheduler.newsweb import NewsWeb
from tests.conftest import SITE, json_lines, run_newswatch, write_config

READING = (
    ("articles",),
    ("articles", "--json"),
    ("search", "india"),
    ("show", "1"),
    ("stories",),
    ("sources",),
    ("alerts",),
    ("status",),
    ("export",),
    ("topics", "evaluate"),
)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """The fixture news web's national and defence feeds crawled once, with the icet topic."""
    folder = tmp_path_factory.mktemp("firsthour")
    with NewsWeb(SITE) as web:
        config = write_config(folder / "newswatch.toml", web)
        result = run_newswatch("crawl", "--no-alerts", config=config)
        assert result.returncode == 0, result.stderr
    return config


@pytest.mark.parametrize("command", READING, ids=" ".join)
def test_reading_before_any_crawl_names_the_defaults_and_creates_no_database(tmp_path, command):
    result = run_newswatch(*command, cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    first = result.stderr.splitlines()[0]
    assert "built-in defaults" in first and str(tmp_path / "newswatch.db") in first
    said = result.stdout + result.stderr
    assert "newswatch.db does not exist yet; run `newswatch crawl` first" in said
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_an_empty_listing_says_the_database_does_not_exist_yet(tmp_path):
    result = run_newswatch("articles", cwd=tmp_path)
    assert result.returncode == 0
    assert (
        result.stdout.strip() == "No articles (database newswatch.db does not exist yet; run `newswatch crawl` first)."
    )


def test_reading_with_a_config_file_says_nothing_about_defaults(crawled):
    result = run_newswatch("articles", config=crawled)
    assert result.returncode == 0
    assert "built-in defaults" not in result.stderr and "does not exist" not in result.stderr


@pytest.mark.parametrize(
    ("command", "wrong", "hint"),
    [
        (("articles", "--topic"), "icte", "did you mean 'icet'?"),
        (("articles", "--source"), "ledger-nationl", "did you mean 'ledger-national'?"),
        (("stories", "--topic"), "chips", "configured topics: icet"),
        (("export", "--topic"), "icet2", "did you mean 'icet'?"),
        (("export", "--source"), "nowhere", "configured sources: ledger-national, frontier-defence, broken-feed"),
        (("rematch", "--topic"), "icte", "did you mean 'icet'?"),
        (("crawl", "--source"), "frontier-defense", "did you mean 'frontier-defence'?"),
        (("topics", "evaluate"), "icte", "did you mean 'icet'?"),
    ],
)
def test_an_unknown_topic_or_source_exits_2_naming_those_that_exist(crawled, command, wrong, hint):
    result = run_newswatch(*command, wrong, config=crawled)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert f"unknown {'topic' if 'topic' in command[-1] or command[0] == 'topics' else 'source'} {wrong!r}" in (
        result.stderr
    )
    assert hint in result.stderr


def test_show_of_a_missing_id_names_the_newest_and_how_to_list_them(crawled):
    newest = max(a["id"] for a in json_lines(run_newswatch("export", "--all", config=crawled).stdout))
    result = run_newswatch("show", "999", config=crawled)
    assert result.returncode == 1
    assert f"no article 999; the newest id is {newest}; `newswatch articles --all` lists them" in result.stderr


def test_crawl_fetches_a_source_backing_off_unless_told_to_respect_the_backoff(tmp_path):
    with NewsWeb(SITE) as web:
        config = write_config(tmp_path / "newswatch.toml", web)
        for _ in range(2):  # the broken feed fails twice: it backs off
            assert run_newswatch("crawl", "--no-alerts", config=config).returncode == 0
        states = {s["name"]: s["status"] for s in json_lines(run_newswatch("sources", "--json", config=config).stdout)}
        assert states["broken-feed"] == "backoff"
        now = run_newswatch("crawl", "--no-alerts", config=config, env={"COLUMNS": "200"})
        assert "3 sources: 2 fetched, 1 failed; 0 new articles" in now.stdout
        assert "skipped" not in now.stdout
        polite = run_newswatch("crawl", "--no-alerts", "--respect-backoff", config=config, env={"COLUMNS": "200"})
        assert "3 sources: 2 fetched, 0 failed, 1 skipped (backing off" in polite.stdout


def test_demo_names_no_database_path_it_deletes_and_counts_in_words(tmp_path):
    result = run_newswatch("demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "demo.db" not in result.stdout and "newswatch-demo-" not in result.stdout
    assert "5 articles stored, 1 wire copy recognised" in result.stdout
