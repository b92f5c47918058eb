"""Reliability: every failure of the command line is one clear message with the right exit
status, never an exception's name; a closed pipe ends quietly; the configuration refuses values
no one means (a time-out of 30.5e99 s, a NUL in a name, a query nested 200 deep) and reads a file
that starts with a byte-order mark; two crawls at once are told of each other."""

from __future__ import annotations

import subprocess
import threading
import time

import pytest

from newswatch.db.session import open_database
from tests.alerts_helpers import add_article
from tests.conftest import NEWSWATCH, json_lines, run_newswatch, topic_toml, write_config
from tests.hostile import HostileWeb

EXCEPTION_NAMES = ("OverflowError", "BrokenPipeError", "RecursionError", "Traceback", "ValueError")


def _db_config(tmp_path, articles: int = 0):
    path = tmp_path / "n.toml"
    path.write_text('[database]\nurl = "sqlite:///n.db"\n' + topic_toml("icet", "iCET"))
    if articles:
        sessions = open_database(f"sqlite:///{tmp_path}/n.db")
        with sessions.begin() as session:
            for n in range(articles):
                add_article(session, title=f"Story {n} on iCET", text=f"Story {n}. " + "iCET talks went on. " * 60)
    return path


@pytest.mark.parametrize(
    "args, named",
    [
        (("show", "99999999999999999999999"), "ARTICLE_ID"),
        (("articles", "--limit", "99999999999999999999"), "--limit"),
        (("articles", "--since", "99999999d"), "99999999d"),
        (("export", "--since", "9999-12-31T23:59:59-05:00"), "9999-12-31"),
        (("stories", "--limit", "0"), "--limit"),
    ],
)
def test_out_of_range_ids_limits_and_times_are_usage_errors_not_exceptions(tmp_path, args, named):
    result = run_newswatch(*args, config=_db_config(tmp_path))
    assert result.returncode == 2, result.stderr
    [error] = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert named in error
    assert not any(name in result.stderr for name in EXCEPTION_NAMES)


@pytest.mark.parametrize(
    "args", [("export", "--format", "jsonl"), ("articles", "--json"), ("export", "--format", "csv")]
)
def test_a_reader_that_stops_early_ends_the_command_quietly_with_status_0(tmp_path, args):
    config = _db_config(tmp_path, articles=150)
    reader = subprocess.Popen(
        [NEWSWATCH, "--config", str(config), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    first = reader.stdout.readline()  # then close, as `| head -1` does
    reader.stdout.close()
    code = reader.wait(timeout=120)
    stderr = reader.stderr.read().decode()
    assert first.strip()
    assert code == 0 and stderr == ""


@pytest.mark.parametrize(
    "setting, key, problem",
    [
        ("[crawl]\ntimeout = 30.5e99\n", "crawl.timeout", "too long"),
        ("[crawl]\ntimeout = nan\n", "crawl.timeout", "not a number"),
        ("[crawl]\ntimeout = 0\n", "crawl.timeout", "between 1s and 1h"),
        ("[crawl]\nmax_page_size = 0\n", "crawl.max_page_size", "between 1KB and 1GB"),
        ('[crawl]\nmax_page_size = "5000GB"\n', "crawl.max_page_size", "too large"),
        ('[service]\ncrawl_timeout = "100000d"\n', "service.crawl_timeout", "too long"),
        (
            '[[sources]]\nname = "ledger\\u0000x"\nurl = "https://e.org/f.rss"\n',
            "sources[0] (ledger\\x00x).name",
            "control",
        ),
        (
            '[[sources]]\nname = "x"\nurl = "https://e.org/f.rss"\ninterval = "400d"\n',
            "sources[0] (x).interval",
            "365d",
        ),
    ],
)
def test_values_no_one_means_are_configuration_errors(tmp_path, setting, key, problem):
    path = tmp_path / "n.toml"
    path.write_text(setting)
    result = run_newswatch("sources", config=path)
    assert result.returncode == 2
    assert f"{key}: " in result.stderr and problem in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_configuration_file_starting_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "n.toml"
    path.write_bytes(b"\xef\xbb\xbf" + b'[crawl]\ntimeout = "5s"\n' + topic_toml("icet", "iCET").encode())
    result = run_newswatch("sources", "--json", config=path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "query",
    ["(" * 200 + "iCET" + ")" * 200, "title:(" * 150 + "iCET" + ")" * 150, "iCET" + " NEAR/3 India" * 1000],
    ids=["brackets", "title-scopes", "near-chain"],
)
def test_a_topic_query_nested_too_deeply_exits_2_naming_the_topic_line_and_column(tmp_path, query):
    path = tmp_path / "n.toml"
    path.write_text(topic_toml("deep", query))
    result = run_newswatch("crawl", config=path)
    assert result.returncode == 2
    first, excerpt, caret = result.stderr.rstrip("\n").splitlines()
    assert "topics[0] (deep).query: invalid query: line 1, column " in first and "nests too deeply" in first
    assert caret.strip() == "^" and len(excerpt) <= 80
    assert not any(name in result.stderr for name in EXCEPTION_NAMES)


def test_a_query_error_points_at_its_line_and_column_under_the_line(tmp_path):
    path = tmp_path / "n.toml"
    path.write_text(topic_toml("icet", "iCET\n  OR TRUST\n  OR (INDUS-X AND\n  NOT cricket"))
    result = run_newswatch("sources", config=path)
    assert result.returncode == 2
    lines = result.stderr.rstrip("\n").splitlines()
    assert lines[0].endswith("topics[0] (icet).query: invalid query: line 4, column 14: expected ')'")
    assert lines[1:] == ["      NOT cricket", "                 ^"]


def test_two_crawls_at_once_are_told_of_each_other(tmp_path):
    feed = '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
    with HostileWeb() as web:
        web.dribble("/slow.rss", feed.encode(), every=0.05, content_type="application/rss+xml")
        sources = f'[[sources]]\nname = "slow"\ntype = "feed"\nurl = "{web.url("slow.rss")}"\ninterval = "5m"\n'
        config = write_config(tmp_path / "n.toml", web, sources=sources)
        results = {}

        def crawl(name: str) -> None:
            results[name] = run_newswatch("crawl", "--no-send", config=config)

        first = threading.Thread(target=crawl, args=("first",))
        first.start()
        deadline = time.monotonic() + 60
        while not web.hits("/slow.rss") and time.monotonic() < deadline:
            time.sleep(0.05)
        crawl("second")
        first.join(timeout=120)
    assert results["first"].returncode == 0 and results["second"].returncode == 0
    notice = results["second"].stderr
    assert "another crawl is running on this database" in notice and "pid" in notice
    assert "another crawl" not in results["first"].stderr
    assert json_lines(run_newswatch("sources", "--json", config=config).stdout)[0]["status"] == "ok"


def test_a_file_that_is_not_a_database_is_one_line_and_exit_1(tmp_path):
    config = _db_config(tmp_path)
    (tmp_path / "n.db").write_bytes(b"this is not SQLite, it was a note\n" * 200)
    for command in (("articles",), ("sources",), ("crawl",)):
        result = run_newswatch(*command, config=config)
        assert result.returncode == 1, command
        assert result.stderr.strip().count("\n") == 0, result.stderr
        assert "file is not a database" in result.stderr and "sqlalche.me" not in result.stderr
