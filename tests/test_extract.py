"""Extracting articles from pages: text, metadata, encodings, and refusing non-articles."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newswatch.crawler.extract import NotAnArticle, decode_html, extract_article
from newswatch.domain.items import FeedEntry

FIXTURES = Path(__file__).parent / "fixtures" / "parsing"
SITE = "https://www.dailyledger.example.com"
ICET_URL = f"{SITE}/world/india-us-widen-icet-cooperation-jet-engines-chips-20250314.html"
FETCHED = datetime(2025, 3, 15, 6, 0, tzinfo=UTC)
MOJIBAKE = ("Ã", "â€", "Â", "\ufffd")


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def extract(name: str, url: str = ICET_URL, **kwargs):
    return extract_article(read(name), url, "ledger-world", FETCHED, **kwargs)


@pytest.fixture(scope="module")
def article():
    return extract("article_full.html", url=ICET_URL + "?utm_source=rss")


def test_article_title_is_the_headline_without_site_name(article):
    assert article.title == "India, US widen iCET cooperation to jet engines and chips"


def test_article_body_has_every_paragraph_and_no_page_furniture(article):
    paragraphs = article.text.split("\n")
    assert paragraphs[0].startswith("New Delhi and Washington agreed on Friday")
    assert paragraphs[-1].startswith("The two sides will meet again in Washington")
    for furniture in ("All rights reserved", "Related stories", "Sign in", "Privacy policy", "dataLayer"):
        assert furniture not in article.text


def test_article_dates_keep_their_time_of_day_in_utc(article):
    assert article.published_at == datetime(2025, 3, 14, 4, 0, tzinfo=UTC)
    assert article.updated_at == datetime(2025, 3, 14, 12, 35, tzinfo=UTC)


def test_article_authors_are_a_list_of_names(article):
    assert article.authors == ["Priya Raman", "Daniel Ortiz"]


def test_article_language_image_outlet_and_source(article):
    assert article.language == "en"
    assert article.image == f"{SITE}/images/2025/03/icet-talks-1200.jpg"
    assert article.outlet == "The Daily Ledger"
    assert article.source == "ledger-world"
    assert article.fetched_at == FETCHED


def test_article_keeps_fetched_url_and_reports_the_page_canonical(article):
    assert article.url == ICET_URL + "?utm_source=rss"
    assert article.page_canonical == ICET_URL
    assert article.canonical_url == ICET_URL


def test_canonical_pointing_at_the_home_page_is_not_trusted():
    html = read("article_full.html").replace(
        f'<link rel="canonical" href="{ICET_URL}">'.encode(), f'<link rel="canonical" href="{SITE}/">'.encode()
    )
    article = extract_article(html, ICET_URL, "ledger-world", FETCHED)
    assert article.page_canonical == f"{SITE}/"
    assert article.canonical_url == ICET_URL


def test_windows_1252_page_without_declaration_decodes_cleanly():
    article = extract("article_cp1252_undeclared.html")
    assert "“fair price” pledge" in article.text
    assert "€2.50" in article.text and "Renée Dubois" in article.text and "naïve" in article.text
    assert not any(bad in article.text + article.title for bad in MOJIBAKE)


@pytest.mark.parametrize("header", ["utf-8", "text/html; charset=UTF-8", None, "text/html; charset=ISO-8859-1"])
def test_utf8_page_declared_latin1_in_meta_decodes_as_utf8(header):
    article = extract("article_utf8_declared_latin1.html", headers_encoding=header)
    assert "€2.50" in article.text and "café" in article.text
    assert article.title == "Café owners’ “fair price” pledge"
    assert not any(bad in article.text + article.title for bad in MOJIBAKE)


def test_devanagari_page_keeps_its_script_language_and_date():
    article = extract("article_devanagari.html", url=f"{SITE}/hindi/bharat-america-takneek-sahyog-20250314.html")
    assert article.title == "भारत और अमेरिका ने प्रौद्योगिकी सहयोग का दायरा बढ़ाया"
    assert "सेमीकंडक्टर आपूर्ति श्रृंखला" in article.text
    assert article.language == "hi"
    assert article.published_at == datetime(2025, 3, 14, 5, 30, tzinfo=UTC)
    assert article.authors == ["अनीता शर्मा"]
    assert not any(bad in article.text for bad in MOJIBAKE)


def test_http_charset_wins_over_detection():
    body = "<html><head><title>x</title></head><body><p>Größe – 5 €</p></body></html>".encode("cp1252")
    assert "Größe – 5 €" in decode_html(body, "text/html; charset=windows-1252")


def test_byte_order_mark_decides_the_encoding():
    body = "\ufeff<html><body><p>नमस्ते</p></body></html>".encode("utf-16-le")
    assert "नमस्ते" in decode_html(body, "text/html; charset=iso-8859-1")


def test_section_page_is_not_an_article():
    with pytest.raises(NotAnArticle, match="listing page"):
        extract("listing_section.html", url=f"{SITE}/world/")


def test_home_page_is_not_an_article():
    with pytest.raises(NotAnArticle, match="home page"):
        extract("listing_section.html", url=f"{SITE}/")


def test_soft_404_page_is_not_an_article():
    with pytest.raises(NotAnArticle, match="error page") as caught:
        extract("error_page.html", url=f"{SITE}/world/removed-story-about-something-2019.html")
    assert "\n" not in caught.value.reason


def test_paywalled_article_page_is_kept_with_its_headline_and_lede():
    url = f"{SITE}/business/chip-plant-gets-final-approval-in-gujarat-20250301.html"
    article = extract("article_stub.html", url=url)
    assert article.title == "Chip plant gets final approval in Gujarat"
    assert article.text.startswith("The cabinet approved the plant on Saturday.")


def test_short_page_that_does_not_say_it_is_an_article_is_not_one():
    html = read("article_stub.html").replace(b'<meta property="og:type" content="article">', b"")
    url = f"{SITE}/business/chip-plant-gets-final-approval-in-gujarat-20250301.html"
    with pytest.raises(NotAnArticle, match=r"too little article text \(\d+ characters, need 200\)"):
        extract_article(html, url, "ledger-world", FETCHED)


def test_article_page_with_only_a_notice_is_not_an_article_even_when_the_summary_repeats_the_headline():
    html = read("article_stub.html").replace(b"<p>The cabinet approved the plant on Saturday.</p>", b"")
    url = f"{SITE}/business/chip-plant-gets-final-approval-in-gujarat-20250301.html"
    entry = FeedEntry(
        url=url, title="Chip plant gets final approval in Gujarat", summary="Chip plant gets final approval in Gujarat"
    )
    with pytest.raises(NotAnArticle, match=r"too little article text \(\d+ characters, need 50\)"):
        extract_article(html, url, "ledger-world", FETCHED, entry=entry)


def test_short_article_page_takes_the_feed_summary_when_it_says_more():
    html = read("article_stub.html").replace(b"<p>The cabinet approved the plant on Saturday.</p>", b"")
    url = f"{SITE}/business/chip-plant-gets-final-approval-in-gujarat-20250301.html"
    summary = "The cabinet approved the Gujarat chip plant on Saturday; production starts in 2027."
    entry = FeedEntry(url=url, title="Chip plant gets final approval in Gujarat", summary=summary)
    assert extract_article(html, url, "ledger-world", FETCHED, entry=entry).text == summary


def test_teaser_page_falls_back_to_the_full_text_the_feed_carried():
    url = f"{SITE}/business/chip-plant-gets-final-approval-in-gujarat-20250301.html"
    paragraphs = [
        "The cabinet approved the semiconductor fabrication plant on Saturday after a two-year review.",
        "The plant, near Ahmedabad, will make chips for cars, phones and telecom equipment from 2027.",
        "Officials said the approval unlocks the second half of the state subsidy promised in 2023.",
    ]
    entry = FeedEntry(
        url=url,
        title="Chip plant gets final approval in Gujarat",
        published_at=datetime(2025, 3, 1, 11, 20, tzinfo=UTC),
        content="".join(f"<p>{p}</p>" for p in paragraphs),
        authors=["Business Desk"],
        language="en",
        image="https://cdn.dailyledger.example.com/img/chip-plant.jpg",
    )
    article = extract("article_stub.html", url=url, entry=entry)
    assert article.text == "\n".join(paragraphs)
    assert article.title == "Chip plant gets final approval in Gujarat"
    assert article.published_at == entry.published_at
    assert article.authors == ["Business Desk"]
    assert article.image == entry.image


def test_feed_time_refines_a_page_that_only_gives_the_day():
    html = read("article_full.html")
    for old, new in (
        (b'"datePublished": "2025-03-14T09:30:00+05:30"', b'"datePublished": "2025-03-14"'),
        (b'content="2025-03-14T09:30:00+05:30"', b'content="2025-03-14"'),
    ):
        html = html.replace(old, new)
    entry = FeedEntry(url=ICET_URL, published_at=datetime(2025, 3, 14, 4, 0, tzinfo=UTC))
    article = extract_article(html, ICET_URL, "ledger-world", FETCHED, entry=entry)
    assert article.published_at == entry.published_at


def test_page_date_beats_a_contradicting_feed_date():
    entry = FeedEntry(url=ICET_URL, published_at=datetime(2025, 3, 15, 5, 0, tzinfo=UTC))
    article = extract("article_full.html", entry=entry)
    assert article.published_at == datetime(2025, 3, 14, 4, 0, tzinfo=UTC)


def test_publication_date_in_the_future_is_ignored():
    html = read("article_full.html").replace(b"2025-03-14T09:30", b"2031-03-14T09:30")
    entry = FeedEntry(url=ICET_URL, published_at=datetime(2025, 3, 14, 4, 0, tzinfo=UTC))
    article = extract_article(html, ICET_URL, "ledger-world", FETCHED, entry=entry)
    assert article.published_at == entry.published_at


def test_naive_fetch_time_is_taken_as_utc():
    article = extract_article(read("article_full.html"), ICET_URL, "s", datetime(2025, 3, 15, 6, 0))
    assert article.fetched_at == FETCHED


def test_empty_page_is_not_an_article():
    with pytest.raises(NotAnArticle, match="empty"):
        extract_article(b"   ", ICET_URL, "s", FETCHED)


@pytest.mark.parametrize("declaration", ['<html lang="hi">', "<html>", '<html lang="en-US">'])
def test_devanagari_page_is_hindi_whatever_its_template_declares(declaration):
    page = read("article_devanagari.html").replace(b'<html lang="hi">', declaration.encode())
    article = extract_article(page, f"{SITE}/hindi/sahyog.html", "ledger-hindi", FETCHED)
    assert article.language == "hi"


def test_devanagari_page_declaring_marathi_stays_marathi():
    page = read("article_devanagari.html").replace(b'<html lang="hi">', b'<html lang="mr">')
    assert extract_article(page, f"{SITE}/marathi/sahkarya.html", "ledger-marathi", FETCHED).language == "mr"


def test_english_page_keeps_its_declared_language(article):
    assert article.language == "en"


def test_article_page_whose_text_did_not_come_through_is_not_a_brief_made_of_its_menu():
    html = b"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Chip plant gets final approval in Gujarat | The Daily Ledger</title>
<meta property="og:type" content="article"></head><body>
<nav><a href="/">Home</a> <a href="/business/">Business and the economy</a> <a href="/world/">World news</a></nav>
<article><h1>Chip plant gets final approval in Gujarat</h1><div id="app"></div></article></body></html>"""
    url = f"{SITE}/business/chip-plant-gets-final-approval-in-gujarat-20250301.html"
    with pytest.raises(NotAnArticle, match=r"too little article text \(0 characters, need 50\)"):
        extract_article(html, url, "ledger-world", FETCHED)


def test_bot_check_page_of_a_dated_feed_item_is_not_stored_as_the_article():
    html = b"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Just a moment...</title></head>
<body><h1>Just a moment...</h1>
<p>Checking your browser before accessing the site. This takes a few seconds.</p></body></html>"""
    url = f"{SITE}/business/chip-plant-gets-final-approval-in-gujarat-20250301.html"
    entry = FeedEntry(url=url, title="Chip plant gets final approval in Gujarat", published_at=FETCHED)
    with pytest.raises(NotAnArticle, match=r"too little article text \(\d+ characters, need 200\)"):
        extract_article(html, url, "ledger-world", FETCHED, entry=entry)


def test_a_page_titled_headline_bar_outlet_does_not_get_its_headline_for_an_outlet():
    # No og:site_name, and a <title> of "headline | outlet": trafilatura guesses the headline as
    # the site's name. An outlet named like the article would show as its outlet in alerts and
    # stories ("2 outlets: GE Aerospace, HAL ink ...") and make every report its own house.
    headline = "GE Aerospace, HAL ink $1.2 billion pact for 113 F414 engines for Tejas Mk2"
    paragraphs = "".join(
        f"<p>{text}</p>"
        for text in (
            "GE Aerospace and Hindustan Aeronautics Limited signed a contract on Thursday for 113 F414 engines "
            "to power the Tejas Mk2 fighter, with deliveries from 2029 and most parts made in Bengaluru.",
            "The deal, worth about $1.2 billion, follows the co-production agreement India and the United "
            "States announced under TRUST, the initiative that took over from iCET.",
            "Officials said technology transfer would cover about 80 percent of the engine by value.",
        )
    )
    page = (
        f'<html lang="en"><head><meta charset="utf-8"><title>{headline} | tech-wire</title>'
        '<meta property="article:published_time" content="2026-12-04T09:30:00+00:00"></head>'
        f"<body><article><h1>{headline}</h1>{paragraphs}</article></body></html>"
    ).encode()
    article = extract_article(page, "http://127.0.0.1:8000/tech-wire/ge-hal.html", "tech-wire", FETCHED)
    assert article.title == headline
    assert article.outlet != headline


def _bylined_page(byline: str) -> str:
    paragraphs = "".join(
        f"<p>Paragraph {i} of the report on the engine deal that India and the United States signed on Monday.</p>"
        for i in range(8)
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Engine deal signed | Wire</title>
<meta property="og:type" content="article"><meta property="og:title" content="Engine deal signed">
<meta property="article:published_time" content="2025-12-01T10:00:00+05:30"></head>
<body><main><h1>Engine deal signed</h1><div class="byline">{byline} | <time>1 December 2025</time></div>
<article>{paragraphs}</article></main></body></html>"""


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("Press Trust of India", ["Press Trust of India"]),
        ("The Times of India", ["The Times of India"]),
        ("Ministry of External Affairs", ["Ministry of External Affairs"]),
        ("By John Smith of Reuters", ["John Smith"]),
    ],
)
def test_an_agency_byline_keeps_its_whole_name_and_a_reporter_loses_the_outlet(byline, authors):
    article = extract_article(_bylined_page(byline), f"{SITE}/india/engine-deal-signed", "wire", FETCHED)
    assert article.authors == authors
