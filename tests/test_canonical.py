"""Canonical URLs: one address per article however it was linked, shared or rendered."""

from __future__ import annotations

import socket

import pytest

from newswatch.domain.canonical import canonical_url, registered_domain

ARTICLE = "https://www.thehindu.com/news/national/india-us-sign-jet-engine-deal/article68686806.ece"


def test_tracking_parameters_are_dropped_and_meaningful_ones_kept():
    shared = (
        "https://www.example.com/story?utm_source=twitter&utm_medium=social&UTM_Campaign=x"
        "&fbclid=IwAR0&gclid=abc&dclid=1&msclkid=2&mc_cid=3&mc_eid=4&igshid=5&ref=home"
        "&ref_src=twsrc&cmpid=rss&ito=792&_ga=2.1&yclid=6&spm=a2c&CMP=share_btn_tw"
        "&id=42&p=7&articleid=9001"
    )
    assert canonical_url(shared) == "https://www.example.com/story?articleid=9001&id=42&p=7"


def test_links_that_differ_only_in_parameter_order_or_letter_case_of_host_are_one_article():
    assert canonical_url("HTTPS://WWW.Example.COM/Story?b=2&a=1") == canonical_url(
        "https://www.example.com/Story?a=1&b=2"
    )


def test_path_letter_case_is_kept_because_servers_treat_it_as_a_different_page():
    assert canonical_url("https://www.example.com/News/Story") == "https://www.example.com/News/Story"


def test_default_port_and_fragment_are_dropped_but_other_ports_are_kept():
    assert canonical_url("https://www.example.com:443/story#comments") == "https://www.example.com/story"
    assert canonical_url("http://www.example.com:80/story") == "http://www.example.com/story"
    assert canonical_url("http://127.0.0.1:8765/news/a.html") == "http://127.0.0.1:8765/news/a.html"


def test_trailing_slash_does_not_make_a_second_article():
    assert canonical_url("https://www.example.com/story/") == canonical_url("https://www.example.com/story")
    assert canonical_url("https://www.example.com") == "https://www.example.com/"


@pytest.mark.parametrize(
    "variant",
    [
        ARTICLE + "/amp/",
        ARTICLE + "/amp",
        ARTICLE + "?amp",
        ARTICLE + "?amp=1",
        ARTICLE + "?outputType=amp",
        "https://www.thehindu.com/amp/news/national/india-us-sign-jet-engine-deal/article68686806.ece",
        "https://m.thehindu.com/news/national/india-us-sign-jet-engine-deal/article68686806.ece",
        "https://amp.thehindu.com/news/national/india-us-sign-jet-engine-deal/article68686806.ece",
        "https://mobile.thehindu.com/news/national/india-us-sign-jet-engine-deal/article68686806.ece",
        "https://www-thehindu-com.cdn.ampproject.org/c/s/www.thehindu.com/news/national/"
        "india-us-sign-jet-engine-deal/article68686806.ece/amp/",
        "https://www.google.com/amp/s/www.thehindu.com/news/national/india-us-sign-jet-engine-deal/"
        "article68686806.ece/amp/",
    ],
)
def test_amp_and_mobile_variants_map_to_the_desktop_article(variant):
    assert canonical_url(variant) == ARTICLE


@pytest.mark.parametrize(
    ("variant", "desktop"),
    [
        ("https://www.bbc.com/news/articles/clymn8zyrp9o.amp", "https://www.bbc.com/news/articles/clymn8zyrp9o"),
        (
            "https://timesofindia.indiatimes.com/india/deal/amp_articleshow/119799583.cms",
            "https://timesofindia.indiatimes.com/india/deal/articleshow/119799583.cms",
        ),
        (
            "https://www.hindustantimes.com/india-news/deal-101700000000000-amp.html",
            "https://www.hindustantimes.com/india-news/deal-101700000000000.html",
        ),
        (
            "https://www.livemint.com/news/india/deal-11700000000000.amp.html",
            "https://www.livemint.com/news/india/deal-11700000000000.html",
        ),
        ("https://www.ndtv.com/india-news/deal-1234567/amp/1", "https://www.ndtv.com/india-news/deal-1234567"),
        (
            "https://amp.theguardian.com/world/2024/feb/24/valencia-fire",
            "https://www.theguardian.com/world/2024/feb/24/valencia-fire",
        ),
        ("https://en.m.wikipedia.org/wiki/ICET", "https://en.wikipedia.org/wiki/ICET"),
        ("https://m.news.example.co.uk/a/story", "https://news.example.co.uk/a/story"),
    ],
)
def test_publisher_specific_amp_urls_map_to_the_desktop_article(variant, desktop):
    assert canonical_url(variant) == desktop


def test_a_path_segment_merely_containing_amp_is_left_alone():
    url = "https://www.example.com/companies/amplifier-makers/story"
    assert canonical_url(url) == url


def test_page_canonical_is_preferred_when_it_is_on_the_same_site():
    fetched = "https://m.example.com/s/123?utm_source=rss"
    assert canonical_url(fetched, "https://www.example.com/world/story-123") == (
        "https://www.example.com/world/story-123"
    )


def test_relative_and_protocol_relative_page_canonicals_are_resolved_against_the_page():
    fetched = "https://www.example.com/s/123"
    assert canonical_url(fetched, "/world/story-123") == "https://www.example.com/world/story-123"
    assert canonical_url(fetched, "//www.example.com/world/story-123") == ("https://www.example.com/world/story-123")


def test_page_canonical_is_cleaned_like_any_other_url():
    fetched = "https://www.example.com/s/123"
    assert canonical_url(fetched, "https://www.example.com/world/story-123/?utm_source=og#top") == (
        "https://www.example.com/world/story-123"
    )


@pytest.mark.parametrize("home", ["/", "https://www.example.com/", "https://www.example.com", "/index.html", "/en/"])
def test_page_canonical_pointing_at_a_home_page_is_ignored(home):
    fetched = "https://www.example.com/world/story-123?utm_medium=email"
    assert canonical_url(fetched, home) == "https://www.example.com/world/story-123"


@pytest.mark.parametrize(
    "elsewhere",
    [
        "https://www.other-news.com/world/story-123",
        "https://syndication.partner.co.uk/world/story-123",
        "mailto:desk@example.com",
        "javascript:void(0)",
    ],
)
def test_page_canonical_pointing_at_another_site_is_ignored(elsewhere):
    fetched = "https://www.example.com/world/story-123"
    assert canonical_url(fetched, elsewhere) == fetched


def test_two_blogs_on_one_hosting_service_are_different_sites():
    fetched = "https://first.blogspot.com/2024/11/post.html"
    assert canonical_url(fetched, "https://second.blogspot.com/2024/11/post.html") == fetched


def test_a_local_news_web_can_declare_its_own_canonical():
    fetched = "http://127.0.0.1:8765/news/wire-copy.html"
    assert canonical_url(fetched, "/news/original.html") == "http://127.0.0.1:8765/news/original.html"


def test_feed_links_broken_across_lines_are_trimmed():
    assert canonical_url("\n        https://www.example.com/story\n    ") == "https://www.example.com/story"


@pytest.mark.parametrize(
    "url",
    [
        "HTTPS://M.Example.com:443/amp/World/Story/?utm_source=x&b=%7e&a=caf%C3%A9#x",
        "https://www.example.com/search?q=india+us&q=%20icet",
        "https://example.com/café/ü?x=ä",
    ],
)
def test_canonicalising_twice_changes_nothing(url):
    once = canonical_url(url)
    assert canonical_url(once) == once


def test_non_web_addresses_are_returned_as_given():
    assert canonical_url(" mailto:desk@example.com ") == "mailto:desk@example.com"


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://news.bbc.co.uk/x", "bbc.co.uk"),
        ("https://timesofindia.indiatimes.com/india", "indiatimes.com"),
        ("m.thehindu.com", "thehindu.com"),
        ("https://first.blogspot.com/post", "first.blogspot.com"),
        ("http://127.0.0.1:8765/a", "127.0.0.1"),
        ("http://localhost:8000/", "localhost"),
        ("", ""),
    ],
)
def test_registered_domain_follows_the_public_suffix_list(url, domain):
    assert registered_domain(url) == domain


def test_registered_domain_needs_no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("registered_domain tried to use the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    assert registered_domain("https://www.example.gov.in/news") == "example.gov.in"
