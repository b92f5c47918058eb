"""Characters XML 1.0 forbids (a stray control byte of a CMS, U+FFFE/U+FFFF in a hostile feed
item) neither lose an article nor break a feed: the page is extracted and stored without them,
and the Atom feeds of `newswatch web` and `newswatch export --format atom` stay well-formed. All
through the installed command on the fixture news web."""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

import feedparser

from newswatch.scheduler.newsweb import render_dates
from tests.conftest import json_lines, run_newswatch, write_config
from tests.storyweb import ENGINES, page
from tests.webview import Client, WebCommand

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
HEADLINE = "US and India open iCET quantum \uffff centre \ufffe in Bengaluru"
QUANTUM = [
    "A joint quantum research centre under the iCET initiative opened in Bengaluru on Monday, with"
    " laboratories for quantum sensing and communication run by Indian and American institutes.",
    "Its first fellows arrive in spring, and the centre will publish its results openly, the science"
    " department said in a statement.",
]
BODY = [
    "Officials of the two governments signed a \x01semiconductor supply agreement under the iCET initiative"
    " on Tuesday,\x0bextending the packaging and testing work begun last year.",
    "The text sets out\x1b[31m joint funding for fabrication plants, and a \ufffeworking group meets in"
    " Washington next month to pick the first projects, the ministry said.",
]


def _serve(newsweb) -> str:
    iso = "{{iso:-30m}}"
    # A page with a stray control byte in its text, and an item whose headline (the page has none)
    # carries U+FFFF and U+FFFE as character references, as a hostile or broken feed writes them.
    newsweb.serve("/odd/chips.html", render_dates(page(ENGINES[0], [*BODY, *ENGINES[1]], iso), newsweb.now))
    untitled = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in QUANTUM) + "</article></body></html>"
    newsweb.serve("/odd/untitled.html", untitled)
    item = "<item><title>{}</title><link>/odd/{}.html</link><pubDate>{{{{rfc822:-{}m}}}}</pubDate></item>"
    reference = HEADLINE.replace("\uffff", "&#65535;").replace("\ufffe", "&#xFFFE;")
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>odd</title>'
        + item.format(ENGINES[0], "chips", 30)
        + item.format(reference, "untitled", 20)
        + "</channel></rss>"
    )
    newsweb.serve("/odd/feed.rss", render_dates(feed, newsweb.now), "application/rss+xml")
    return f'[[sources]]\nname = "odd"\ntype = "feed"\nurl = "{newsweb.url("odd/feed.rss")}"\ninterval = "5m"\n'


def _crawled(tmp_path, newsweb) -> tuple:
    config = write_config(tmp_path / "n.toml", newsweb, sources=_serve(newsweb))
    result = run_newswatch("crawl", "--no-alerts", config=config)
    assert result.returncode == 0, result.stderr
    articles = {
        a["url"].rsplit("/", 1)[1]: a for a in json_lines(run_newswatch("export", "--all", config=config).stdout)
    }
    return config, articles


def test_a_page_with_stray_control_characters_is_stored_with_its_text(tmp_path, newsweb):
    _, articles = _crawled(tmp_path, newsweb)
    stored = articles["chips.html"]
    assert stored["title"] == ENGINES[0]
    assert "signed a semiconductor supply agreement" in stored["text"]
    assert "Tuesday, extending the packaging" in stored["text"]  # a vertical tab parts words
    assert "working group meets in Washington" in stored["text"]
    assert not FORBIDDEN.search(stored["text"])


def test_a_headline_with_characters_xml_forbids_is_stored_clean_and_the_feeds_stay_well_formed(tmp_path, newsweb):
    config, articles = _crawled(tmp_path, newsweb)
    headline = articles["untitled.html"]["title"]
    assert headline == "US and India open iCET quantum  centre  in Bengaluru"
    exported = run_newswatch("export", "--format", "atom", config=config)
    assert exported.returncode == 0, exported.stderr
    documents = [exported.stdout]
    with WebCommand(config) as web:
        client = Client(web.url)
        for path in ("/feeds/icet.atom", "/feeds/all.atom"):
            answer = client.get(path)
            assert answer.status == 200
            documents.append(answer.body)
    for document in documents:
        root = ET.fromstring(document.encode("utf-8"))  # raises on a character XML forbids
        titles = [e.text for e in root.iter("{http://www.w3.org/2005/Atom}title")]
        assert any(title and "open iCET quantum" in title for title in titles)
        assert not feedparser.parse(document).bozo
