"""Google News and Bing News search sources."""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from newswatch.crawler.feeds import parse_feed
from newswatch.crawler.newsearch import (
    bing_news_entry,
    bing_news_url,
    google_news_entry,
    google_news_url,
    resolve_bing_news_link,
    resolve_google_news_link,
    split_title_outlet,
)

FIXTURES = Path(__file__).parent / "fixtures" / "parsing"


def old_style_google_link(publisher_url: str) -> str:
    """A Google News article link in the older format: base64 of a small protobuf message whose
    field 4 holds the publisher URL."""
    payload = publisher_url.encode()
    length = bytearray()
    n = len(payload)
    while True:
        byte, n = n & 0x7F, n >> 7
        length.append(byte | (0x80 if n else 0))
        if not n:
            break
    message = b"\x08\x13\x22" + bytes(length) + payload + b"\xd2\x01\x00"
    token = base64.urlsafe_b64encode(message).decode().rstrip("=")
    return f"https://news.google.com/rss/articles/{token}?oc=5"


def google_entries():
    body = (FIXTURES / "google_news_search.xml").read_bytes()
    return parse_feed(body, google_news_url("iCET India US"))


def test_google_news_search_url_carries_query_and_edition():
    url = google_news_url('"iCET" India US', hl="en-US", gl="US", ceid="US:en")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "news.google.com", "/rss/search")
    assert parse_qs(parts.query) == {"q": ['"iCET" India US'], "hl": ["en-US"], "gl": ["US"], "ceid": ["US:en"]}


def test_google_news_search_url_defaults_to_the_indian_english_edition():
    query = parse_qs(urlsplit(google_news_url("iCET")).query)
    assert (query["hl"], query["gl"], query["ceid"]) == (["en-IN"], ["IN"], ["IN:en"])


def test_bing_news_search_url_asks_for_rss():
    parts = urlsplit(bing_news_url("iCET & India"))
    assert parts.netloc == "www.bing.com" and parts.path == "/news/search"
    assert parse_qs(parts.query) == {"q": ["iCET & India"], "format": ["rss"]}


def test_old_style_google_news_link_decodes_to_the_publisher_url():
    publisher = "https://www.example.in/news/india-us-quantum-working-group-launched?ref=rss&id=42"
    assert resolve_google_news_link(old_style_google_link(publisher)) == publisher


def test_long_publisher_url_with_multibyte_length_decodes():
    publisher = "https://www.example.in/" + "very-long-slug-" * 20 + "end"
    assert resolve_google_news_link(old_style_google_link(publisher)) == publisher


def test_links_that_cannot_be_decoded_offline_resolve_to_none():
    assert resolve_google_news_link(google_entries()[2].url) is None
    assert resolve_google_news_link("https://news.google.com/rss/articles/%%%notbase64") is None
    assert resolve_google_news_link("https://www.thehindu.com/news/article1.ece") is None


def test_google_news_entry_splits_outlet_from_title_and_uses_the_publisher_link():
    entry = google_news_entry(google_entries()[0])
    assert entry.title == "India, US review iCET progress on jet engines and semiconductors"
    assert entry.outlet == "The Hindu"
    assert entry.url == (
        "https://www.thehindu.com/news/national/india-us-icet-talks-jet-engines-semiconductors/article69331245.ece"
    )


def test_google_news_entry_keeps_dashes_inside_the_headline():
    entry = google_news_entry(google_entries()[1])
    assert entry.title == "Doval - Sullivan talks: what the critical technology review means"
    assert entry.outlet == "The Indian Express"


def test_google_news_entry_drops_the_cluster_description():
    # The description lists other outlets' headlines ("Cricket: India beat England"), which
    # must not be matched as if this article said them.
    assert google_news_entry(google_entries()[1]).summary is None


def test_google_news_entry_with_opaque_link_keeps_the_google_link():
    raw = google_entries()[2]
    entry = google_news_entry(raw)
    assert entry.url == raw.url
    assert entry.title == "US, India launch new space and quantum working groups"
    assert entry.outlet == "Hindustan Times"


def test_title_without_known_outlet_splits_on_last_dash_when_suffix_is_short():
    assert split_title_outlet("Chip plant approved - Gujarat gets its first fab - Mint") == (
        "Chip plant approved - Gujarat gets its first fab",
        "Mint",
    )
    assert split_title_outlet("No outlet here") == ("No outlet here", None)


def test_bing_news_redirect_link_decodes_to_the_publisher_url():
    body = (FIXTURES / "bing_news_search.xml").read_bytes()
    raw = parse_feed(body, bing_news_url("icet india"))[0]
    entry = bing_news_entry(raw)
    assert (
        entry.url
        == "https://www.livemint.com/news/india/india-us-jet-engine-co-production-timeline-11741234567890.html"
    )
    assert entry.outlet == "Mint"
    assert entry.title == "India and US set timeline for jet engine co-production"


def test_non_bing_links_are_not_rewritten():
    assert resolve_bing_news_link("https://evil.example.com/news/apiclick.aspx?url=https%3a%2f%2fx.example.com") is None
    assert resolve_bing_news_link("https://www.bing.com/news/apiclick.aspx?url=javascript%3aalert(1)") is None
