"""Fetching politely and safely: conditional GETs, robots.txt, Retry-After, backoff and recovery,
limits, time-outs and redirects, each seen through `newswatch crawl` and `newswatch sources`."""

from __future__ import annotations

from newswatch.scheduler.newsweb import Fault
from tests.conftest import json_lines, run_newswatch, write_config

FEED = "feeds/national.rss"


def _one_feed(web, path=FEED, name="ledger"):
    return f'[[sources]]\nname = "{name}"\ntype = "feed"\nurl = "{web.url(path)}"\ninterval = "5m"\n'


def _crawl(config, *args):
    result = run_newswatch("crawl", *args, config=config)
    assert result.returncode == 0, result.stderr
    return result


def _source(config, name="ledger"):
    return {s["name"]: s for s in json_lines(run_newswatch("sources", "--json", config=config).stdout)}[name]


def _feed_requests(web, path=FEED):
    return [headers for _, p, headers in web.requests if p == "/" + path]


def test_unchanged_feed_is_answered_304_and_only_the_page_that_failed_is_fetched_again(tmp_path, newsweb):
    config = write_config(tmp_path / "n.toml", newsweb, sources=_one_feed(newsweb))
    _crawl(config)
    article_requests = len(newsweb.requests)
    _crawl(config)
    second = _feed_requests(newsweb)[-1]
    assert second.get("If-None-Match")
    assert _source(config)["status"] == "not_modified"
    new_requests = newsweb.requests[article_requests:]
    # The page that answered 500 is tried again; the stored ones and the 404 are not.
    assert [p for _, p, _ in new_requests if not p.endswith("robots.txt")] == ["/" + FEED, "/news/server-error.html"]


def test_full_fetch_is_made_now_and_then_despite_etags(tmp_path, newsweb):
    config = write_config(tmp_path / "n.toml", newsweb, sources=_one_feed(newsweb), extra="").with_name("n.toml")
    config.write_text(config.read_text().replace("retries = 0", 'retries = 0\nfull_fetch_every = "0s"'))
    _crawl(config)
    _crawl(config)
    assert "If-None-Match" not in _feed_requests(newsweb)[-1]
    assert _source(config)["status"] == "ok"


def test_requests_name_newswatch_in_the_user_agent(tmp_path, newsweb):
    config = write_config(tmp_path / "n.toml", newsweb, sources=_one_feed(newsweb))
    _crawl(config)
    assert "newswatch" in _feed_requests(newsweb)[0]["User-Agent"]


def test_robots_txt_is_obeyed(tmp_path, newsweb):
    newsweb.serve("/robots.txt", "User-agent: *\nDisallow: /news/\n", "text/plain")
    config = write_config(tmp_path / "n.toml", newsweb, sources=_one_feed(newsweb))
    _crawl(config)
    assert newsweb.hits("/news/icet-jet-engine-co-production.html") == 0
    assert "robots.txt" in _source(config)["error"]


def test_retry_after_backs_the_source_off_until_then(tmp_path, newsweb):
    newsweb.fail(FEED, Fault(status=429, headers={"Retry-After": "3600"}))
    config = write_config(tmp_path / "n.toml", newsweb, sources=_one_feed(newsweb))
    _crawl(config)
    source = _source(config)
    assert "429" in source["error"] and "retry after 3600s" in source["error"]
    hits = newsweb.hits(FEED)
    _crawl(config, "--respect-backoff")
    assert newsweb.hits(FEED) == hits  # not asked again before the server said
    assert _source(config)["next_run_at"] > source["last_fetch_at"]


def test_failing_source_is_backed_off_then_recovers(tmp_path, newsweb):
    newsweb.fail(FEED, Fault(status=500, times=2))
    config = write_config(tmp_path / "n.toml", newsweb, sources=_one_feed(newsweb))
    _crawl(config)
    _crawl(config, "--respect-backoff")
    failing = _source(config)
    assert failing["consecutive_errors"] == 2 and failing["status"] == "backoff" and "500" in failing["error"]
    hits = newsweb.hits(FEED)
    _crawl(config, "--respect-backoff")
    assert newsweb.hits(FEED) == hits  # backing off: not fetched
    _crawl(config, "--source", "ledger")  # named explicitly: fetched anyway, and it works again
    recovered = _source(config)
    assert (
        recovered["status"] == "ok"
        and recovered["consecutive_errors"] == 0
        and recovered["error"].count("HTTP 500") <= 1
    )
    assert recovered["articles"] == 2


def test_oversized_pages_and_time_outs_fail_cleanly(tmp_path, newsweb):
    newsweb.fail("/news/india-usa-cricket.html", Fault(status=200, delay=4, body=b"<html>slow</html>"))
    config = write_config(tmp_path / "n.toml", newsweb, sources=_one_feed(newsweb))
    config.write_text(config.read_text().replace('timeout = "10s"', 'timeout = "2s"\nmax_page_size = "2KB"'))
    _crawl(config)
    error = _source(config)["error"]
    assert "time-out" in error
    assert "size" in error.lower() or "cancel" in error.lower()


def test_redirect_loops_are_cut(tmp_path, newsweb):
    newsweb.fail("/feeds/loop-a.rss", Fault(status=302, headers={"Location": newsweb.url("feeds/loop-b.rss")}))
    newsweb.fail("/feeds/loop-b.rss", Fault(status=302, headers={"Location": newsweb.url("feeds/loop-a.rss")}))
    config = write_config(tmp_path / "n.toml", newsweb, sources=_one_feed(newsweb, "feeds/loop-a.rss", "loop"))
    _crawl(config)
    source = _source(config, "loop")
    assert source["status"] == "error" and source["error"]
    assert newsweb.hits("/feeds/loop-a.rss") <= 4


def test_redirect_onto_a_private_address_is_refused():
    from scrapy import Request
    from scrapy.exceptions import IgnoreRequest

    from newswatch.crawler.netguard_middleware import NetGuardMiddleware

    guard = NetGuardMiddleware(allow_private=False)
    for target in ("http://169.254.169.254/latest/meta-data/", "http://10.0.0.5/admin", "http://[::1]/"):
        redirected = Request("https://news.example.org/story").replace(url=target)
        try:
            guard.process_request(redirected)
        except IgnoreRequest as exc:
            assert "refused" in str(exc)
        else:
            raise AssertionError(f"{target} was not refused")


def test_a_feed_link_that_redirects_to_a_stored_article_is_not_fetched_again(tmp_path, newsweb):
    # Feeds that send readers through a tracking redirect name the same redirect every cycle.
    from tests.storyweb import ENGINES, FUND, publish

    sources = publish(newsweb, "wire", [("engines", ENGINES, 60), ("fund", FUND, 30)])
    newsweb.fail("/go/engines", Fault(status=301, headers={"Location": newsweb.url("wire/engines.html")}))
    listing = newsweb.overrides["/wire/feed.rss"][0].decode()
    newsweb.serve("/wire/feed.rss", listing.replace("/wire/engines.html", "/go/engines"), "application/rss+xml")
    config = write_config(tmp_path / "n.toml", newsweb, sources=sources)
    _crawl(config)
    stored = json_lines(run_newswatch("articles", "--all", "--json", config=config).stdout)
    assert {a["url"] for a in stored} == {newsweb.url("wire/engines.html"), newsweb.url("wire/fund.html")}
    assert newsweb.hits("/go/engines") == 1 and newsweb.hits("/wire/engines.html") == 1
    # The feed changes, so the next crawl reads it whole: the redirect is known and not followed.
    changed = listing.replace("/wire/engines.html", "/go/engines").replace("<channel>", "<channel><!-- new -->")
    newsweb.serve("/wire/feed.rss", changed, "application/rss+xml")
    _crawl(config)
    assert len(_feed_requests(newsweb, "wire/feed.rss")) == 2
    assert newsweb.hits("/go/engines") == 1 and newsweb.hits("/wire/engines.html") == 1
