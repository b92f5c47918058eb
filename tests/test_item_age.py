"""Which listed items a crawl fetches: those published or updated within crawl.max_item_age,
one rule for every listing, applied by the spider (not only by the function the sitemap tests
call). A story published weeks ago and updated an hour ago is fetched; one neither published
nor updated lately is not."""

from __future__ import annotations

from tests.conftest import json_lines, run_newswatch, write_config
from tests.storyweb import ENGINES, FUND, page

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Frontier</title><id>urn:frontier</id>
<updated>{{iso:-1h}}</updated>
<entry><title>{updated_title}</title><id>urn:updated</id><link href="/frontier/updated.html"/>
<published>{{iso:-30d}}</published><updated>{{iso:-1h}}</updated></entry>
<entry><title>{old_title}</title><id>urn:old</id><link href="/frontier/old.html"/>
<published>{{iso:-30d}}</published><updated>{{iso:-29d}}</updated></entry>
</feed>"""


def test_the_spider_fetches_an_old_story_updated_lately_and_skips_one_not_updated(tmp_path, newsweb):
    from newswatch.scheduler.newsweb import render_dates

    newsweb.serve("/frontier/updated.html", page(ENGINES[0], ENGINES[1], "2026-01-01T00:00:00+00:00"))
    newsweb.serve("/frontier/old.html", page(FUND[0], FUND[1], "2026-01-01T00:00:00+00:00"))
    feed = ATOM.replace("{updated_title}", ENGINES[0]).replace("{old_title}", FUND[0])
    newsweb.serve("/frontier/feed.atom", render_dates(feed, newsweb.now), "application/atom+xml")
    sources = f'[[sources]]\nname = "frontier"\ntype = "feed"\nurl = "{newsweb.url("frontier/feed.atom")}"\n'
    config = write_config(tmp_path / "n.toml", newsweb, [], sources=sources)
    assert run_newswatch("crawl", "--no-alerts", config=config).returncode == 0
    assert newsweb.hits("/frontier/updated.html") == 1
    assert newsweb.hits("/frontier/old.html") == 0
    stored = [a["title"] for a in json_lines(run_newswatch("articles", "--all", "--json", config=config).stdout)]
    assert stored == [ENGINES[0]]
