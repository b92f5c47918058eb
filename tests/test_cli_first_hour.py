"""The first hour of a new user, through the installed `newswatch` command: reading commands
before any crawl, unknown names, missing ids, a crawl of sources that are backing off, tables at
80 columns, search in the topic query language, and the export formats."""

from __future__ import annotations

import pytest

from newswatch.scheduler.newsweb import Fault, NewsWeb
from tests.conftest import SITE, json_lines, run_newswatch, topic_toml, write_config

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


NOWHERE = "json://127.0.0.1:9/nothing-listens"  # a target that refuses: alerts fail with an error


@pytest.fixture(scope="module")
def crawl_at_80(tmp_path_factory):
    """The fixture news web (a broken feed, a page answering 500) crawled once at 80 columns,
    with the icet topic and an alert target that refuses."""
    folder = tmp_path_factory.mktemp("firsthour")
    web = NewsWeb(SITE)
    web.fail("/news/server-error.html", Fault(status=500))
    with web:
        config = write_config(folder / "newswatch.toml", web, alert_urls=[NOWHERE])
        result = run_newswatch("crawl", config=config, env={"COLUMNS": "80"})
        assert result.returncode == 0, result.stderr
    return config, result


@pytest.fixture(scope="module")
def crawled(crawl_at_80):
    return crawl_at_80[0]


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
    # Not a number at all: a usage error that says what an id is.
    result = run_newswatch("show", "abc", config=crawled)
    assert result.returncode == 2 and "'abc' is not a valid whole number" in result.stderr, result.stderr


def test_show_of_an_article_no_topic_matched_says_so(crawled):
    articles = json_lines(run_newswatch("export", "--all", config=crawled).stdout)
    unmatched = [a for a in articles if not a["topics"] and a["duplicate_of"] is None]
    assert unmatched, "the fixture web has reports off every topic"
    shown = run_newswatch("show", str(unmatched[0]["id"]), config=crawled, env={"COLUMNS": "200"})
    assert shown.returncode == 0
    assert "alert: not alerted: matched no topic (`newswatch rematch` after changing topics)" in shown.stdout


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


def test_a_config_file_without_topics_says_that_nothing_will_match_or_alert(tmp_path):
    with NewsWeb(SITE) as web:
        bare = write_config(tmp_path / "bare.toml", web, topics="")
        crawled = run_newswatch("crawl", config=bare)
        assert crawled.returncode == 0, crawled.stderr
        assert "bare.toml has no [[topics]]: articles are stored, none matches a topic or alerts" in crawled.stderr
        assert "newswatch init FILE" in crawled.stderr
        assert json_lines(run_newswatch("articles", "--all", "--json", config=bare).stdout)  # stored all the same
        with_topics = write_config(tmp_path / "topics.toml", web)
        assert "[[topics]]" not in run_newswatch("crawl", "--no-alerts", config=with_topics).stderr


def test_demo_alerts_each_of_its_two_events_once_per_topic_and_names_no_database_path(tmp_path):
    result = run_newswatch("demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "demo.db" not in result.stdout and "newswatch-demo-" not in result.stdout
    assert "5 articles stored, 1 wire copy recognised" in result.stdout
    # The TRUST launch (its wire copy folded in) and the fab's partner deal two days later are two
    # events, as the README's sample output shows: one alert each for both built-in topics, in the
    # order they were planned (the older report stored first), whichever page downloaded first.
    alerted = [line for line in result.stdout.splitlines() if line.startswith("[") and "] " in line]
    assert alerted == [
        f"[{topic}] {title}"
        for title in (
            "India and US launch TRUST to succeed iCET, with chips and jet engines at its core",
            "Semiconductor fab in Gujarat gets US partner as TRUST talks conclude",
        )
        for topic in ("icet", "india-us")
    ]


def _at(columns: int, *args: str, config) -> str:
    result = run_newswatch(*args, config=config, env={"COLUMNS": str(columns)})
    assert result.returncode == 0, result.stderr
    return result.stdout


def _table_rows(output: str) -> list[str]:
    """The body lines of a rich table (between the header rule and the bottom rule)."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("┡"))
    end = next(i for i, line in enumerate(lines) if line.startswith("└"))
    return lines[start + 1 : end]


def _headers(output: str) -> list[str]:
    header = next(line for line in output.splitlines() if line.startswith("┃"))
    return [cell.strip() for cell in header.strip("┃").split("┃")]


def _words(output: str) -> set[str]:
    return set(output.translate(str.maketrans("│┃", "  ")).split())


def test_tables_at_80_columns_keep_words_and_dates_whole_and_drop_minor_columns(crawl_at_80):
    config, crawl = crawl_at_80
    articles = json_lines(run_newswatch("articles", "--all", "--json", config=config).stdout)
    for args in (("articles", "--all"), ("sources",), ("alerts",)):
        out = _at(80, *args, config=config)
        assert max(len(line) for line in out.splitlines()) <= 80, out
        words = _words(out)
        # A date is never broken across lines: each row's is there whole, or the column is gone.
        dates = [w for w in words if w.startswith("2026-")]
        assert all(len(d) == 10 for d in dates), out
    listing = _at(80, "articles", "--all", config=config)
    words = _words(listing)
    for article in articles:  # every word of every title whole (no "co-produc│tion")
        assert set(article["title"].split()) <= words, listing
    assert "topics" not in _headers(listing)
    assert _headers(_at(80, "articles", "--all", "--wide", config=config)) == [
        "id",
        "published",
        "source",
        "topics",
        "title",
    ]
    assert _headers(_at(120, "articles", "--all", config=config)) == ["id", "published", "source", "topics", "title"]
    assert len(_headers(_at(120, "sources", config=config))) == 9
    # A failing source's error takes at most two lines, cut with an ellipsis.
    for output in (crawl.stdout, _at(80, "sources", config=config)):
        rows = _table_rows(output)
        assert len(rows) <= 2 * 3, output
    assert "…" in crawl.stdout
    # The alerts' title column gets room: each title's first four words on its first line.
    alerts = _at(80, "alerts", config=config)
    first_lines = [line for line in _table_rows(alerts) if line.split("│")[1].strip()]
    assert all(len(line.split("│")[-2].split()) >= 4 for line in first_lines), alerts


def test_alerts_wide_shows_whole_target_labels_and_the_alert_number_that_show_names(crawled):
    listing = _at(250, "alerts", "--wide", config=crawled)
    assert _headers(listing)[:2] == ["id", "alert"]
    assert NOWHERE in listing  # not cut to "json://127.0.0.1:9/no…"
    delivery = json_lines(run_newswatch("alerts", "--json", config=crawled).stdout)[0]
    shown = json_lines(run_newswatch("show", str(delivery["article_id"]), "--json", config=crawled).stdout)[0]
    assert f"(alert #{delivery['alert_id']})" in shown["alert"]
    row = next(line for line in _table_rows(listing) if line.split("│")[1].strip() == str(delivery["id"]))
    assert row.split("│")[2].strip() == f"#{delivery['alert_id']}"


def test_search_speaks_the_topic_query_language_and_agrees_with_a_topic(crawled, tmp_path):
    titles = {a["id"]: a["title"] for a in json_lines(run_newswatch("export", "--all", config=crawled).stdout)}
    found = json_lines(run_newswatch("search", "title:iCET", "--json", config=crawled).stdout)
    assert [a["id"] for a in found] == [i for i, t in titles.items() if "iCET" in t]
    near = json_lines(run_newswatch("search", "iCET NEAR/5 jet", "--json", config=crawled).stdout)
    assert near and all("iCET" in titles[a["id"]] for a in near)
    # A topic with the same query matches the same articles.
    query = 'title:engine OR "INDUS-X"'
    (tmp_path / "newswatch.db").write_bytes((crawled.parent / "newswatch.db").read_bytes())
    config = tmp_path / "newswatch.toml"
    config.write_text(crawled.read_text() + f"\n[[topics]]\nname = \"engines\"\nquery = '{query}'\n")
    assert run_newswatch("rematch", "--topic", "engines", config=config).returncode == 0
    topic = {
        a["id"] for a in json_lines(run_newswatch("articles", "--topic", "engines", "--json", config=config).stdout)
    }
    searched = {a["id"] for a in json_lines(run_newswatch("search", query, "--json", config=config).stdout)}
    assert searched == topic and len(topic) >= 2


def test_search_by_topic_name_finds_what_the_topic_as_edited_would_flag_before_a_rematch(crawled, tmp_path):
    """A topic added to the file after the crawl: `search --topic` runs its query with its min_score
    over the stored articles, and agrees with what `rematch` then flags."""
    query = 'title:engine OR "INDUS-X"'
    (tmp_path / "newswatch.db").write_bytes((crawled.parent / "newswatch.db").read_bytes())
    config = tmp_path / "newswatch.toml"
    topic = f"\n[[topics]]\nname = \"engines\"\nquery = '{query}'\nmin_score = 1.2\n"
    config.write_text(crawled.read_text() + topic)
    searched = {
        a["id"] for a in json_lines(run_newswatch("search", "--topic", "engines", "--json", config=config).stdout)
    }
    anywhere = {a["id"] for a in json_lines(run_newswatch("search", query, "--json", config=config).stdout)}
    assert searched < anywhere  # the min_score leaves out passing mentions
    assert run_newswatch("rematch", "--topic", "engines", config=config).returncode == 0
    flagged = json_lines(run_newswatch("articles", "--topic", "engines", "--json", config=config).stdout)
    assert searched == {a["id"] for a in flagged} and searched

    both = run_newswatch("search", "engine", "--topic", "engines", config=config)
    assert both.returncode == 2 and "give a QUERY or --topic NAME" in both.stderr
    wrong = run_newswatch("search", "--topic", "engnes", config=config)
    assert wrong.returncode == 2 and "did you mean 'engines'?" in wrong.stderr


def test_a_malformed_search_exits_2_pointing_at_the_problem(crawled):
    result = run_newswatch("search", '"unterminated', config=crawled)
    assert result.returncode == 2
    assert "invalid query at column 1: unterminated phrase" in result.stderr
    assert '  "unterminated\n  ^' in result.stderr


def test_atom_export_has_a_feed_id_of_its_options_a_link_and_summaries_cut_at_words(crawled):
    import xml.etree.ElementTree as ET

    atom = "{http://www.w3.org/2005/Atom}"

    def feed(*args):
        return ET.fromstring(run_newswatch("export", "--format", "atom", *args, config=crawled).stdout)

    icet, everything = feed("--topic", "icet"), feed("--all")
    assert icet.find(f"{atom}id").text == feed("--topic", "icet").find(f"{atom}id").text
    assert icet.find(f"{atom}id").text != everything.find(f"{atom}id").text
    assert icet.find(f"{atom}link").get("href").endswith("/topics/icet")
    texts = {a["title"]: a["text"] for a in json_lines(run_newswatch("export", "--all", config=crawled).stdout)}
    for entry in everything.findall(f"{atom}entry"):
        summary = entry.find(f"{atom}summary").text or ""
        text = " ".join(texts[entry.find(f"{atom}title").text].split())
        if summary.endswith("…"):
            kept = summary[:-1]
            assert text.startswith(kept) and text[len(kept)] in " ,;:.", summary[-40:]
        else:
            assert summary == text


def test_csv_export_has_a_score_and_terms_column_per_topic(crawled):
    import csv
    import io

    out = run_newswatch("export", "--format", "csv", "--all", config=crawled).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    matched = [r for r in rows if r["topics"]]
    assert matched and all(float(r["icet score"]) > 0 and r["icet terms"] for r in matched)
    assert all(r["icet score"] == "" for r in rows if not r["topics"])


def test_search_finds_a_name_written_with_an_apostrophe_as_a_topic_matches_it(tmp_path, newsweb):
    """O'Brien is one word, obrien, for the matcher; `search` finds the article as a topic would."""
    from tests.storyweb import publish

    visit = (
        "Senator O'Brien tours the Vizag shipyard",
        [
            "Senator O'Brien toured the Visakhapatnam shipyard on Friday with officials of the navy.",
            "The visit came a week after the two navies held drills in the Bay of Bengal.",
        ],
    )
    sources = publish(newsweb, "port-desk", [("visit", visit, 60)])
    config = write_config(tmp_path / "n.toml", newsweb, sources=sources, topics=topic_toml("ports", "obrien"))
    assert run_newswatch("crawl", config=config).returncode == 0
    [flagged] = json_lines(run_newswatch("articles", "--topic", "ports", "--json", config=config).stdout)
    for query in ("obrien", "O'Brien", "title:obrien"):
        found = json_lines(run_newswatch("search", query, "--json", config=config).stdout)
        assert [a["id"] for a in found] == [flagged["id"]], query


def test_wide_tables_at_80_columns_show_every_column_whole_wider_than_the_terminal(crawled):
    """`--wide` keeps every column and every short cell whole: the table is as wide as that needs,
    not squeezed into the terminal's 80 columns."""
    everything = _headers(_at(250, "sources", config=crawled))
    assert _headers(_at(80, "sources", "--wide", config=crawled)) == everything
    alerts = _at(80, "alerts", "--wide", config=crawled)
    assert _headers(alerts) == _headers(_at(250, "alerts", "--wide", config=crawled))
    assert NOWHERE in alerts
    delivery = json_lines(run_newswatch("alerts", "--json", config=crawled).stdout)[0]
    assert any(line.split("│")[1].strip() == str(delivery["id"]) for line in _table_rows(alerts)), alerts


def test_status_after_a_crawl_says_when_sources_were_last_fetched_though_no_service_ran(crawled):
    [record] = json_lines(run_newswatch("status", "--json", config=crawled).stdout)
    assert record["running"] is False and record["last_cycle_at"] is None
    fetched = [s["last_fetch_at"] for s in json_lines(run_newswatch("sources", "--json", config=crawled).stdout)]
    assert record["last_fetch_at"] == max(f for f in fetched if f)
    shown = run_newswatch("status", config=crawled).stdout
    assert "last cycle of the service: -" in shown
    assert f"last fetch (service or `newswatch crawl`): {record['last_fetch_at']}" in shown
