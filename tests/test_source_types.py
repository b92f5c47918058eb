"""Every kind of source on the fixture news web: sitemaps (Google News and indexes), listing
pages with and without a CSS selector, and news searches whose links can't be followed."""

from __future__ import annotations

from tests.conftest import json_lines, run_newswatch, write_config


def _source(name, kind, url, extra=""):
    return f'[[sources]]\nname = "{name}"\ntype = "{kind}"\nurl = "{url}"\ninterval = "5m"\n{extra}'


def _crawl_and_export(config):
    result = run_newswatch("crawl", config=config)
    assert result.returncode == 0, result.stderr
    return {a["title"]: a for a in json_lines(run_newswatch("export", "--all", config=config).stdout)}


def test_sitemap_index_leads_to_recent_urls_only(tmp_path, newsweb):
    config = write_config(
        tmp_path / "n.toml", newsweb, sources=_source("frontier-sitemap", "sitemap", newsweb.url("sitemaps/index.xml"))
    )
    stored = _crawl_and_export(config)
    assert "INDUS-X summit ties Indian start-ups to Pentagon innovation units" in stored
    assert "India beat USA by 7 wickets in T20 World Cup clash" in stored
    assert newsweb.hits("/sitemaps/archive-2019.xml") == 0  # stale child sitemap skipped
    assert newsweb.hits("/news/old-archive-story.html") == 0  # stale URL skipped
    indus = stored["INDUS-X summit ties Indian start-ups to Pentagon innovation units"]
    assert indus["topics"] and indus["topics"][0]["name"] == "icet"


def test_listing_page_links_found_by_heuristics(tmp_path, newsweb):
    config = write_config(
        tmp_path / "n.toml", newsweb, sources=_source("frontier-section", "page", newsweb.url("defence/"))
    )
    stored = _crawl_and_export(config)
    assert set(stored) == {
        "INDUS-X summit ties Indian start-ups to Pentagon innovation units",
        "Fighter engine pact gathers pace as Washington and Delhi sign on",
    }
    assert newsweb.hits("/defence/tag/navy/") == 0  # a tag page is navigation, not an article


def test_listing_page_links_found_by_css_selector(tmp_path, newsweb):
    config = write_config(
        tmp_path / "n.toml",
        newsweb,
        sources=_source("frontier-section", "page", newsweb.url("defence/"), 'link_selector = "li:first-child a"\n'),
    )
    stored = _crawl_and_export(config)
    assert set(stored) == {"INDUS-X summit ties Indian start-ups to Pentagon innovation units"}


def test_news_search_items_are_stored_from_the_listing_when_links_cannot_be_followed(tmp_path, newsweb):
    config = write_config(
        tmp_path / "n.toml",
        newsweb,
        sources=_source("gnews-icet", "google_news", newsweb.url("search/google-news.rss"), 'query = "iCET"\n'),
    )
    stored = _crawl_and_export(config)
    item = stored["India, US review iCET progress on jet engines and semiconductors"]
    assert item["outlet"] == "The Statesman Daily"
    assert item["published_at"]
    assert item["url"].startswith("https://news.google.com/")
    assert [t["name"] for t in item["topics"]] == ["icet"]


def test_google_news_source_needs_only_a_query(tmp_path):
    from newswatch.scheduler.config import load_config

    path = tmp_path / "n.toml"
    path.write_text('[[sources]]\nname = "g"\ntype = "google_news"\nquery = "INDUS-X"\n')
    spec = load_config(str(path)).source_specs()[0]
    assert spec.url.startswith("https://news.google.com/rss/search?q=INDUS-X")
    assert "ceid=IN:en" in spec.url or "ceid=IN%3Aen" in spec.url
