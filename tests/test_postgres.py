"""The same crawl, stored in PostgreSQL: migrations, unique canonical URLs, dedup, full-text
search and alerts work there too (everything SQLite-specific sits behind db/fulltext.py and
db/session.py). CI starts a PostgreSQL server and sets NEWSWATCH_TEST_POSTGRES."""

from __future__ import annotations

import os

import pytest

from tests.conftest import json_lines, run_newswatch, write_config

URL = os.environ.get("NEWSWATCH_TEST_POSTGRES")
pytestmark = pytest.mark.skipif(not URL, reason="set NEWSWATCH_TEST_POSTGRES to a PostgreSQL URL (CI does)")


@pytest.fixture
def postgres_config(tmp_path, newsweb, receiver, postgres_url):
    """The suite's configuration on a PostgreSQL schema of the test's own."""
    path = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url])
    path.write_text(path.read_text().replace('url = "sqlite:///newswatch.db"', f'url = "{postgres_url}"'))
    return path


def test_crawl_into_postgres_stores_dedups_searches_and_alerts_once(postgres_config, receiver, tmp_path):
    assert run_newswatch("crawl", config=postgres_config).returncode == 0
    assert not (tmp_path / "newswatch.db").exists()
    articles = {a["title"]: a for a in json_lines(run_newswatch("export", "--all", config=postgres_config).stdout)}
    engine = articles["India, US push jet engine co-production under iCET"]
    wire = articles["Fighter engine pact gathers pace as Washington and Delhi sign on"]
    original, copy = sorted((engine, wire), key=lambda a: a["id"])  # whichever was stored first
    assert copy["duplicate_of"] == original["id"] and copy["story_id"] == original["story_id"]
    assert engine["published_at"].endswith("+00:00")
    assert len(receiver.posts) == 2

    assert run_newswatch("crawl", config=postgres_config).returncode == 0
    assert len(json_lines(run_newswatch("export", "--all", config=postgres_config).stdout)) == len(articles)
    assert len(receiver.posts) == 2

    found = json_lines(run_newswatch("search", "Hindustan Aeronautics", "--json", config=postgres_config).stdout)
    assert {a["id"] for a in found} >= {engine["id"]}
    stories = json_lines(run_newswatch("stories", "--json", config=postgres_config).stdout)
    assert any(len(s["articles"]) == 2 for s in stories)
    sources = json_lines(run_newswatch("sources", "--json", config=postgres_config).stdout)
    broken = {s["name"]: s for s in sources}["broken-feed"]
    assert broken["status"] == "backoff" and broken["consecutive_errors"] == 2 and broken["error"]


def test_one_service_per_postgres_database_too(postgres_config, tmp_path):
    import subprocess

    from tests.conftest import NEWSWATCH, wait_for
    from tests.test_service import SERVICE

    postgres_config.write_text(postgres_config.read_text().replace("[alerts]\n", SERVICE + "\n[alerts]\n", 1))
    first = subprocess.Popen([NEWSWATCH, "--config", str(postgres_config), "run"], stderr=subprocess.DEVNULL)
    try:
        assert wait_for(
            lambda: json_lines(run_newswatch("status", "--json", config=postgres_config).stdout)[0]["running"]
        )
        second = run_newswatch("run", config=postgres_config, timeout=60)
        assert second.returncode == 2 and f"another newswatch run (pid {first.pid} " in second.stderr
    finally:
        first.terminate()
        assert first.wait(timeout=30) == 0


def test_split_takes_a_report_out_of_its_story_and_alerts_it_in_postgres_too(tmp_path, newsweb, receiver, postgres_url):
    from tests.storyweb import FUND, publish
    from tests.test_split import FUND_SECOND_ROUND

    sources = publish(newsweb, "defence-wire", [("fund", FUND, 120), ("second", FUND_SECOND_ROUND, 60)])
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], sources=sources)
    config.write_text(config.read_text().replace('url = "sqlite:///newswatch.db"', f'url = "{postgres_url}"'))
    assert run_newswatch("crawl", config=config).returncode == 0
    stored = {a["title"]: a for a in json_lines(run_newswatch("articles", "--all", "--json", config=config).stdout)}
    fund, second = stored[FUND[0]], stored[FUND_SECOND_ROUND[0]]
    assert second["story_id"] == fund["id"] and len(receiver.posts) == 1
    [shown] = json_lines(run_newswatch("show", str(second["id"]), "--json", config=config).stdout)
    assert shown["joined"]["first_report"] == fund["id"] and "iDEX" in shown["joined"]["shares"]

    result = run_newswatch("split", str(second["id"]), config=config)
    assert result.returncode == 0, result.stderr
    after = {a["id"]: a for a in json_lines(run_newswatch("articles", "--all", "--json", config=config).stdout)}
    assert after[second["id"]]["story_id"] == second["id"]
    assert [post["title"].split("] ", 1)[1] for post in receiver.posts] == [FUND[0], FUND_SECOND_ROUND[0]]
