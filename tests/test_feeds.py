"""Reading RSS, Atom and RDF feeds into FeedEntry objects."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newswatch.crawler.feeds import FeedError, html_to_text, normalize_language, parse_date, parse_feed

FIXTURES = Path(__file__).parent / "fixtures" / "parsing"
LEDGER_FEED = "https://www.dailyledger.example.com/world/feed.xml"


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def by_title(entries, fragment):
    return next(e for e in entries if fragment in (e.title or ""))


def test_rss2_item_keeps_full_html_body_and_a_plain_text_summary():
    entry = by_title(parse_feed(read("rss2_content_media.xml"), LEDGER_FEED), "iCET")
    assert "<p>" in entry.content
    assert "co-produce fighter jet engines" in entry.content
    assert entry.summary == "New Delhi and Washington agreed to co-produce jet engines."


def test_feed_html_body_turns_into_text_without_scripts():
    entry = by_title(parse_feed(read("rss2_content_media.xml"), LEDGER_FEED), "iCET")
    text = html_to_text(entry.content)
    assert text.splitlines() == [
        "New Delhi and Washington agreed on Friday to co-produce fighter jet engines in India.",
        "The roadmap also covers space, quantum computing and the INDUS-X platform.",
    ]
    assert "track()" not in text


def test_link_with_surrounding_whitespace_is_trimmed():
    entry = by_title(parse_feed(read("rss2_content_media.xml"), LEDGER_FEED), "iCET")
    assert entry.url == (
        "https://www.dailyledger.example.com/world/india-us-widen-icet-cooperation-jet-engines-chips-20250314.html"
    )


def test_largest_media_image_is_chosen_over_thumbnail():
    entry = by_title(parse_feed(read("rss2_content_media.xml"), LEDGER_FEED), "iCET")
    assert entry.image == "https://cdn.dailyledger.example.com/img/icet-talks-1200.jpg"


def test_image_enclosure_is_used_but_audio_enclosure_is_not():
    entries = parse_feed(read("rss2_content_media.xml"), LEDGER_FEED)
    assert by_title(entries, "Quad").image == "https://cdn.dailyledger.example.com/img/quad-tokyo.jpg"
    assert by_title(entries, "Audio").image is None


def test_publication_time_with_offset_becomes_utc():
    entry = by_title(parse_feed(read("rss2_content_media.xml"), LEDGER_FEED), "iCET")
    assert entry.published_at == datetime(2025, 3, 14, 4, 0, tzinfo=UTC)
    assert entry.published_at.utcoffset() == timedelta(0)


def test_authors_come_from_dc_creator_and_from_email_style_author():
    entries = parse_feed(read("rss2_content_media.xml"), LEDGER_FEED)
    assert by_title(entries, "iCET").authors == ["Priya Raman"]
    assert by_title(entries, "Quad").authors == ["World Desk"]


def test_channel_language_applies_to_its_items():
    entries = parse_feed(read("rss2_content_media.xml"), LEDGER_FEED)
    assert {e.language for e in entries} == {"en"}


def test_atom_relative_links_resolve_against_xml_base():
    entries = parse_feed(read("atom_xml_base.xml"), "https://news.example.org/feeds/world.atom")
    assert [e.url for e in entries] == [
        "https://news.example.org/world/2025/03/14/critical-minerals-talks-open",
        "https://news.example.org/science/quantum-network-links-three-cities",
    ]


def test_atom_html_title_becomes_plain_text():
    entry = parse_feed(read("atom_xml_base.xml"), "https://news.example.org/feeds/world.atom")[0]
    assert entry.title == "Talks on critical minerals open in London"


def test_atom_entry_keeps_published_and_updated_times_and_all_authors():
    entry = parse_feed(read("atom_xml_base.xml"), "https://news.example.org/feeds/world.atom")[0]
    assert entry.published_at == datetime(2025, 3, 14, 9, 15, tzinfo=UTC)
    assert entry.updated_at == datetime(2025, 3, 14, 10, 40, tzinfo=UTC)
    assert entry.authors == ["Helen Marsh", "Tomás Silva"]
    assert entry.image == "https://news.example.org/img/minerals.jpg"


def test_atom_entry_with_only_updated_time_uses_it_as_publication_time():
    entry = parse_feed(read("atom_xml_base.xml"), "https://news.example.org/feeds/world.atom")[1]
    assert entry.published_at == datetime(2025, 3, 13, 8, 0, tzinfo=UTC)


def test_rdf_feed_reads_dc_date_creator_and_language():
    entries = parse_feed(read("rdf_dc_date.rdf"), "https://zeitung.example.de/rss.rdf")
    first = entries[0]
    assert first.title == "Indien und USA vertiefen Technologie-Abkommen"
    assert first.published_at == datetime(2025, 3, 14, 7, 45, tzinfo=UTC)
    assert first.authors == ["Jonas Weber"]
    assert first.language == "de"
    assert entries[1].published_at == datetime(2025, 3, 13, tzinfo=UTC)


def test_feed_without_dates_yields_undated_entries_with_absolute_links():
    entries = parse_feed(read("rss_no_dates.xml"), "https://ministry.example.gov.in/press/rss.xml")
    assert [e.url for e in entries] == [
        "https://ministry.example.gov.in/press/joint-statement-technology-partnership",
        "https://ministry.example.gov.in/press/press/fact-sheet-start-up-exchange",
    ]
    assert all(e.published_at is None and e.updated_at is None for e in entries)


@pytest.mark.parametrize(
    "strip_declaration, content_type",
    [
        (False, None),
        (True, "application/rss+xml; charset=windows-1252"),
        (True, None),
    ],
    ids=["declared-in-xml", "declared-in-http-header", "declared-nowhere"],
)
def test_windows_1252_feed_decodes_without_mojibake(strip_declaration, content_type):
    body = read("rss_windows1252.xml")
    if strip_declaration:
        body = body.split(b"?>", 1)[1]
    entry = parse_feed(body, "https://gazette.example.fr/rss", content_type)[0]
    assert entry.title == "Café owners’ “fair price” pledge – €2.50 a cup"
    assert entry.summary == "Renée Dubois says regulars “keep us open”."


def test_malformed_feed_with_unclosed_tags_still_yields_its_entries():
    entries = parse_feed(read("rss_malformed_unclosed.xml"), "https://broken.example.com/rss")
    assert entries
    assert entries[0].url == "https://broken.example.com/news/first-story-survives-the-parser"
    assert entries[0].title == "First story survives"


def test_html_page_is_refused_as_not_a_feed():
    with pytest.raises(FeedError, match="HTML page"):
        parse_feed(read("not_a_feed.html"), "https://www.dailyledger.example.com/")


@pytest.mark.parametrize(
    "body, reason",
    [
        (b"", "empty"),
        (b"   \n  ", "empty"),
        (b'{"items": []}', "JSON"),
        (b"\x00\x01\x02 binary garbage", "not XML"),
        (b"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'></urlset>", "sitemap"),
        (b"<catalog><book>Not a feed</book></catalog>", "not an RSS/Atom feed"),
    ],
    ids=["empty", "blank", "json", "garbage", "sitemap", "other-xml"],
)
def test_input_that_is_not_a_feed_raises_feed_error_with_a_reason(body, reason):
    with pytest.raises(FeedError, match=reason) as caught:
        parse_feed(body, "https://example.com/feed")
    assert "\n" not in caught.value.reason


def test_gzipped_feed_is_read():
    entries = parse_feed(gzip.compress(read("rdf_dc_date.rdf")), "https://zeitung.example.de/rss.rdf.gz")
    assert len(entries) == 2


def test_valid_feed_with_no_items_is_an_empty_list():
    body = b"<rss version='2.0'><channel><title>Quiet</title><link>https://q.example.com/</link></channel></rss>"
    assert parse_feed(body, "https://q.example.com/rss") == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Fri, 14 Mar 2025 09:30:00 +0530", datetime(2025, 3, 14, 4, 0, tzinfo=UTC)),
        ("Mon, 31 Mar 2025 14:53:56 IST", datetime(2025, 3, 31, 9, 23, 56, tzinfo=UTC)),
        ("Sat, Dec 16 2023 02:02:33 PM", datetime(2023, 12, 16, 14, 2, 33, tzinfo=UTC)),
        ("Friday, January 29, 2021 04:42 PM", datetime(2021, 1, 29, 16, 42, tzinfo=UTC)),
        ("2025-03-14T09:30:00+05:30", datetime(2025, 3, 14, 4, 0, tzinfo=UTC)),
        ("2025-03-14T04:00:00Z", datetime(2025, 3, 14, 4, 0, tzinfo=UTC)),
        ("2025-03-14", datetime(2025, 3, 14, tzinfo=UTC)),
        ("Wed, 20 Nov 2024 12:19:41 EST", datetime(2024, 11, 20, 17, 19, 41, tzinfo=UTC)),
        ("Mon, 31 Mar 202510:50:41 +0530", datetime(2025, 3, 31, 5, 20, 41, tzinfo=UTC)),
    ],
)
def test_dates_in_the_formats_feeds_use_become_aware_utc(text, expected):
    assert parse_date(text) == expected


def test_feed_item_whose_year_runs_into_its_time_keeps_its_date():
    body = (
        b"<rss version='2.0'><channel><title>Top</title><link>https://t.example.com/</link><item>"
        b"<title>Convoy blocked</title><link>https://t.example.com/a/1.cms</link>"
        b"<pubDate>Mon, 31 Mar 202510:50:41 +0530</pubDate></item></channel></rss>"
    )
    [entry] = parse_feed(body, "https://t.example.com/rss")
    assert entry.published_at == datetime(2025, 3, 31, 5, 20, 41, tzinfo=UTC)


@pytest.mark.parametrize("text", ["", "soon", "0000-00-00", "1900-01-01"])
def test_unreadable_or_implausible_dates_are_none(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(
    "value, code",
    [
        ("en-US", "en"),
        ("en_IN", "en"),
        ("HI", "hi"),
        ("Hindi", "hi"),
        ("eng", "en"),
        ("fr-CA", "fr"),
        ("", None),
        ("Klingon", None),
    ],
)
def test_language_tags_and_names_become_two_letter_codes(value, code):
    assert normalize_language(value) == code
