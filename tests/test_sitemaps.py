"""Reading sitemaps, sitemap indexes and Google News sitemaps."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newswatch.crawler.sitemaps import SitemapError, fresh_children, parse_sitemap, recent
from newswatch.domain.items import FeedEntry

FIXTURES = Path(__file__).parent / "fixtures" / "parsing"
SITE = "https://www.dailyledger.example.com"
ICET_URL = f"{SITE}/world/india-us-widen-icet-cooperation-jet-engines-chips-20250314.html"


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_sitemap_index_lists_children_with_their_lastmod():
    sitemap = parse_sitemap(read("sitemap_index.xml"), f"{SITE}/sitemap.xml")
    assert sitemap.entries == []
    assert sitemap.children == [
        (f"{SITE}/sitemaps/news.xml", datetime(2025, 3, 14, 6, 35, tzinfo=UTC)),
        (f"{SITE}/sitemaps/2025-03.xml.gz", datetime(2025, 3, 14, tzinfo=UTC)),
        (f"{SITE}/sitemaps/2019-01.xml.gz", datetime(2019, 1, 31, 23, 59, 59, tzinfo=UTC)),
        (f"{SITE}/sitemaps/authors.xml", None),
    ]


def test_stale_child_sitemaps_can_be_skipped_but_undated_ones_are_kept():
    sitemap = parse_sitemap(read("sitemap_index.xml"), f"{SITE}/sitemap.xml")
    since = datetime(2025, 3, 1, tzinfo=UTC)
    assert fresh_children(sitemap.children, since) == [
        f"{SITE}/sitemaps/news.xml",
        f"{SITE}/sitemaps/2025-03.xml.gz",
        f"{SITE}/sitemaps/authors.xml",
    ]


def test_urlset_lastmod_becomes_update_and_publication_time():
    entries = parse_sitemap(read("sitemap_urlset.xml"), f"{SITE}/sitemaps/2025-03.xml").entries
    first = entries[0]
    assert first.url == ICET_URL
    assert first.updated_at == datetime(2025, 3, 14, 12, 35, tzinfo=UTC)
    assert first.published_at == first.updated_at
    assert first.image == "https://cdn.dailyledger.example.com/img/icet-talks-1200.jpg"


def test_urlset_repeats_are_listed_once_and_undated_urls_are_kept():
    entries = parse_sitemap(read("sitemap_urlset.xml"), f"{SITE}/sitemaps/2025-03.xml").entries
    assert [e.url for e in entries] == [
        ICET_URL,
        f"{SITE}/business/chip-plant-gets-final-approval-in-gujarat-20250301.html",
        f"{SITE}/about-us",
    ]
    assert entries[2].published_at is None


def test_google_news_sitemap_gives_title_outlet_language_and_publication_time():
    entries = parse_sitemap(read("sitemap_google_news.xml"), f"{SITE}/sitemaps/news.xml").entries
    english, hindi = entries
    assert english.title == "India, US widen iCET cooperation to jet engines and chips"
    assert english.outlet == "The Daily Ledger"
    assert english.language == "en"
    assert english.published_at == datetime(2025, 3, 14, 4, 0, tzinfo=UTC)
    assert english.updated_at is None
    assert english.image == "https://cdn.dailyledger.example.com/img/icet-talks-1200.jpg"
    assert hindi.title == "भारत और अमेरिका ने प्रौद्योगिकी सहयोग का दायरा बढ़ाया"
    assert hindi.outlet == "दैनिक लेजर"
    assert hindi.language == "hi"
    assert hindi.published_at == datetime(2025, 3, 14, 5, 30, tzinfo=UTC)
    assert hindi.updated_at == datetime(2025, 3, 14, 6, 30, tzinfo=UTC)


def test_gzipped_sitemap_reads_like_the_plain_one():
    plain = parse_sitemap(read("sitemap_google_news.xml"), f"{SITE}/sitemaps/news.xml")
    zipped = parse_sitemap(gzip.compress(read("sitemap_google_news.xml")), f"{SITE}/sitemaps/news.xml.gz")
    assert zipped == plain


def test_recent_keeps_new_and_undated_entries_and_drops_old_ones():
    since = datetime(2025, 3, 10, tzinfo=UTC)
    new = FeedEntry(url="https://a.example.com/new", published_at=datetime(2025, 3, 14, tzinfo=UTC))
    old = FeedEntry(url="https://a.example.com/old", published_at=datetime(2025, 2, 1, tzinfo=UTC))
    revised = FeedEntry(
        url="https://a.example.com/revised",
        published_at=datetime(2025, 2, 1, tzinfo=UTC),
        updated_at=datetime(2025, 3, 12, tzinfo=UTC),
    )
    undated = FeedEntry(url="https://a.example.com/undated")
    assert recent([new, old, revised, undated], since) == [new, revised, undated]


def test_plain_text_sitemap_lists_one_url_per_line():
    chip_plant = f"{SITE}/business/chip-plant-gets-final-approval-in-gujarat-20250301.html"
    body = f"{ICET_URL}\n\n{chip_plant}\n".encode()
    entries = parse_sitemap(body, f"{SITE}/sitemap.txt").entries
    assert [e.url for e in entries] == [ICET_URL, chip_plant]


def test_rss_feed_given_as_sitemap_is_read_as_a_feed():
    entries = parse_sitemap(read("rss2_content_media.xml"), f"{SITE}/world/feed.xml").entries
    assert entries[0].url == ICET_URL


def test_entities_in_untrusted_sitemap_are_not_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    body = f"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY secret SYSTEM "file://{secret}"><!ENTITY a "aaaaaaaaaa">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://x.example.com/news/&secret;</loc></url>
  <url><loc>https://x.example.com/news/&a;&a;&a;</loc></url>
</urlset>""".encode()
    urls = [e.url for e in parse_sitemap(body, "https://x.example.com/sitemap.xml").entries]
    assert urls
    assert not any("TOPSECRET" in url or "aaaaaaaaaa" in url for url in urls)


@pytest.mark.parametrize(
    "body, reason",
    [
        (b"", "empty"),
        (read("not_a_feed.html"), "HTML page"),
        (b"\x1f\x8b\x08\x00broken gzip", "gzip"),
        (b"<catalog><book/></catalog>", "not <urlset>"),
        (b"just some words, not urls", "neither XML"),
    ],
    ids=["empty", "html", "corrupt-gzip", "other-xml", "text"],
)
def test_input_that_is_not_a_sitemap_raises_sitemap_error(body, reason):
    with pytest.raises(SitemapError, match=reason):
        parse_sitemap(body, f"{SITE}/sitemap.xml")
