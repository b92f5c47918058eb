"""Finding article links on listing pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from newswatch.crawler.listing import article_links, looks_like_article

FIXTURES = Path(__file__).parent / "fixtures" / "parsing"
SITE = "https://www.dailyledger.example.com"
SECTION = f"{SITE}/world/"
ICET = f"{SITE}/world/india-us-widen-icet-cooperation-jet-engines-chips-20250314.html"
QUAD = f"{SITE}/world/2025/03/13/quad-foreign-ministers-meet-in-tokyo"
MINERALS = "https://m.dailyledger.example.com/world/article/4471823"
TELECOM = f"{SITE}/world/story.cms?id=99120455"


def listing() -> bytes:
    return (FIXTURES / "listing_section.html").read_bytes()


def test_without_selector_only_article_links_come_back_in_page_order():
    assert article_links(listing(), SECTION) == [ICET, QUAD, MINERALS, TELECOM]


@pytest.mark.parametrize(
    "unwanted",
    [
        f"{SITE}/world/editors-pick-the-week-in-pictures-from-around-the-globe/",  # in <nav>
        f"{SITE}/india/monsoon-arrives-early-in-kerala-says-weather-office-20250301.html",  # in <aside>
        f"{SITE}/business/annual-report-of-the-ledger-group-2024.html",  # in <footer>
        f"{SITE}/tag/quad/",
        f"{SITE}/author/priya-raman/",
        f"{SITE}/category/asia/",
        f"{SITE}/world/page/2/",
        f"{SITE}/world/photos/icet-meeting-delegates-arrive-in-new-delhi.jpg",
        f"{SITE}/documents/icet-joint-statement-full-text-2025.pdf",
        "https://www.othernews.example.org/world/india-us-technology-partnership-explained-20250314.html",
    ],
)
def test_navigation_index_pages_files_and_other_sites_are_skipped(unwanted):
    assert unwanted not in article_links(listing(), SECTION)


def test_links_are_absolute_without_fragments_and_listed_once():
    links = article_links(listing(), SECTION)
    assert all(link.startswith("https://") and "#" not in link for link in links)
    assert len(links) == len(set(links))


def test_mailto_javascript_and_anchor_links_never_come_back():
    links = article_links(listing(), SECTION, selector="section.more-news")
    assert not any(link.startswith(("mailto:", "javascript:")) or link.endswith("#top") for link in links)


def test_selector_on_containers_returns_the_links_inside_them():
    links = article_links(listing(), SECTION, selector="section.top-stories .card")
    assert links == [ICET, QUAD, f"{SITE}/tag/quad/", MINERALS, f"{SITE}/author/priya-raman/", TELECOM]


def test_selector_on_anchors_returns_exactly_those_links():
    links = article_links(listing(), SECTION, selector=".card-header a, aside a")
    assert links == [ICET, f"{SITE}/india/monsoon-arrives-early-in-kerala-says-weather-office-20250301.html"]


def test_invalid_selector_is_reported_as_value_error():
    with pytest.raises(ValueError, match="invalid CSS selector"):
        article_links(listing(), SECTION, selector="div[[")


def test_text_input_and_relative_links_without_base_element():
    html = (
        "<html><body><main>"
        "<a href='/world/india-us-critical-minerals-deal-signed-in-delhi'>Deal</a>"
        "<a href='world-cup-final-report-and-reaction.html'>Final</a>"
        "</main></body></html>"
    )
    assert article_links(html, "https://news.example.com/sport/") == [
        "https://news.example.com/world/india-us-critical-minerals-deal-signed-in-delhi",
        "https://news.example.com/sport/world-cup-final-report-and-reaction.html",
    ]


def test_empty_page_has_no_links():
    assert article_links(b"", SECTION) == []


@pytest.mark.parametrize(
    "url",
    [
        "https://www.thehindu.com/news/national/vikram-gowda-encounter-death/article68888818.ece",
        "https://timesofindia.indiatimes.com/india/some-slug/articleshow/119799583.cms",
        "https://www.theguardian.com/world/2025/apr/01/myanmar-earthquake-aid",
        "https://www.rtbf.be/info/detail?id=10450793",
        "https://news.example.com/politics/senate-passes-chips-funding-bill-after-long-debate",
    ],
)
def test_article_shaped_urls_are_recognised(url):
    assert looks_like_article(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.thehindu.com/news/national/",
        "https://www.theguardian.com/world/myanmar",
        "https://news.example.com/tag/india-us-relations-and-technology",
        "https://news.example.com/author/jane-doe-smith-jones",
        "https://news.example.com/reporter/author-jane-doe-smith-479252599.cms",
        "https://news.example.com/2025/04/",
        "https://news.example.com/about-us.html",
        "https://news.example.com/login?next=/world/some-long-story-slug-here",
        "https://news.example.com/",
    ],
)
def test_index_and_utility_urls_are_not_articles(url):
    assert not looks_like_article(url)
