"""Reliability: what a hostile server on 127.0.0.1 does to a crawl. Gzip bombs and inflated
bodies (with Content-Encoding, or gzip recognised by its magic bytes without it) stop at
`crawl.max_page_size` for feeds, sitemaps and pages; an article caught in a redirect loop is a
failure with its reason; slow and dribbling servers time out; each case seen through `crawl`
and `sources` as a user sees it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from newswatch.scheduler.newsweb import render_dates
from tests.conftest import json_lines, run_newswatch, topic_toml, write_config
from tests.hostile import HostileWeb, gzip_bomb, gzipped

SITE = Path(__file__).with_name("site")
ARTICLE = render_dates((SITE / "news/icet-jet-engine-co-production.html").read_text(), datetime.now(UTC))
RSS = "application/rss+xml"


def _feed(*links: str) -> bytes:
    items = "".join(
        f"<item><title>Story {n}</title><link>{link}</link><pubDate>{{{{rfc822:-1h}}}}</pubDate></item>"
        for n, link in enumerate(links)
    )
    text = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    return render_dates(text, datetime.now(UTC)).encode()


def _sources(web: HostileWeb, **paths: str) -> str:
    return "".join(
        f'[[sources]]\nname = "{name}"\ntype = "{"sitemap" if path.endswith(".xml.gz") else "feed"}"\n'
        f'url = "{web.url(path)}"\ninterval = "5m"\n'
        for name, path in paths.items()
    )


def _config(tmp_path, web, sources: str, crawl: str = 'max_page_size = "1MB"'):
    config = write_config(tmp_path / "n.toml", web, sources=sources, topics=topic_toml("icet", "iCET OR India"))
    config.write_text(config.read_text().replace("retries = 0", f"retries = 0\n{crawl}"))
    return config


def _crawl(config) -> dict:
    result = run_newswatch("crawl", "--json", "--no-send", config=config, timeout=300)
    assert result.returncode == 0, result.stderr
    return {s["name"]: s for s in json_lines(result.stdout)[0]["sources"]}


def _pages(config) -> list[dict]:
    return json_lines(run_newswatch("sources", "--pages", "--json", config=config).stdout)


def test_gzip_bombs_stop_at_max_page_size_with_or_without_content_encoding(tmp_path):
    bomb = gzip_bomb(40 << 20)  # 40 MB of whitespace in about 40 KB
    sitemap_bomb = gzip_bomb(40 << 20, b"<url><loc>https://x.example/a</loc></url>")
    with HostileWeb() as web:
        web.serve("/plain.rss", bomb, RSS)  # a gzipped feed served without Content-Encoding
        web.serve("/encoded.rss", bomb, RSS, content_encoding="gzip")
        web.serve("/news.xml.gz", sitemap_bomb, "application/octet-stream")
        web.serve("/fine.rss", _feed(web.url("story.html")), RSS)
        web.serve("/story.html", ARTICLE)
        config = _config(
            tmp_path,
            web,
            _sources(web, plain="plain.rss", encoded="encoded.rss", sitemap="news.xml.gz", fine="fine.rss"),
        )
        outcome = _crawl(config)
    for name in ("plain", "encoded", "sitemap"):
        assert outcome[name]["status"] == "error", outcome[name]
        assert "inflates past max_page_size (1 MB)" in outcome[name]["error"], outcome[name]
    # The bombs cost the other source nothing.
    assert outcome["fine"]["status"] == "ok" and outcome["fine"]["stored"] == 1


def test_an_inflated_article_page_fails_with_its_reason_and_a_small_gzipped_one_is_read(tmp_path):
    with HostileWeb() as web:
        web.serve("/feed.rss", _feed(web.url("bomb.html"), web.url("zipped.html")), RSS)
        web.serve("/bomb.html", gzip_bomb(30 << 20, b"<p>India</p>"), "text/html")
        web.serve("/zipped.html", gzipped(ARTICLE.encode()), "text/html; charset=utf-8")
        config = _config(tmp_path, web, _sources(web, ledger="feed.rss"))
        outcome = _crawl(config)
    assert outcome["ledger"]["stored"] == 1 and outcome["ledger"]["failed"] == 1
    [page] = _pages(config)
    assert page["url"] == web.url("bomb.html") and page["status"] == "failed"
    assert "inflates past max_page_size (1 MB)" in page["reason"]
    [stored] = json_lines(run_newswatch("articles", "--all", "--json", config=config).stdout)
    assert "jet engine" in stored["title"]


def test_an_article_in_a_redirect_loop_is_counted_failed_with_the_loop_as_its_reason(tmp_path):
    with HostileWeb() as web:
        web.serve("/feed.rss", _feed(web.url("loop-a.html"), web.url("self.html")), RSS)
        web.redirect("/loop-a.html", web.url("loop-b.html"))
        web.redirect("/loop-b.html", web.url("loop-a.html"))
        web.redirect("/self.html", web.url("self.html"), status=301)
        config = _config(tmp_path, web, _sources(web, ledger="feed.rss"))
        outcome = _crawl(config)
    assert outcome["ledger"]["listed"] == 2 and outcome["ledger"]["failed"] == 2
    assert "redirect loop" in outcome["ledger"]["error"]
    reasons = {page["url"]: page["reason"] for page in _pages(config)}
    a, b, me = web.url("loop-a.html"), web.url("loop-b.html"), web.url("self.html")
    assert reasons == {a: f"redirect loop: {a} -> {b} -> {a}", me: f"redirect loop: {me} -> {me}"}


def test_slow_and_dribbling_servers_time_out_and_the_others_are_read(tmp_path):
    with HostileWeb() as web:
        web.dribble("/dribble.rss", _feed(web.url("story.html")), every=0.5, content_type=RSS)
        web.serve("/feed.rss", _feed(web.url("story.html"), web.url("slow.html")), RSS)
        web.serve("/story.html", ARTICLE)
        web.dribble("/slow.html", ARTICLE.encode(), every=0.5)
        config = _config(tmp_path, web, _sources(web, dribbler="dribble.rss", ledger="feed.rss"), 'timeout = "3s"')
        config.write_text(config.read_text().replace('timeout = "10s"\n', ""))
        outcome = _crawl(config)
    assert outcome["dribbler"]["status"] == "error" and "time-out" in outcome["dribbler"]["error"]
    assert outcome["ledger"]["stored"] == 1 and outcome["ledger"]["failed"] == 1
    assert "time-out" in outcome["ledger"]["error"]


def test_a_dead_server_is_one_reason_per_source_in_the_log_not_a_traceback(tmp_path, newsweb):
    from tests.services import free_port

    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens: robots.txt and the feed are refused
    sources = f'[[sources]]\nname = "gone"\ntype = "feed"\nurl = "{dead}/feed.rss"\ninterval = "5m"\n'
    config = write_config(tmp_path / "n.toml", newsweb, sources=sources)
    result = run_newswatch("crawl", config=config)
    assert result.returncode == 0
    assert "Traceback" not in result.stderr and " error " not in result.stderr, result.stderr
    assert "source failed source=gone" in result.stderr and "connection refused" in result.stderr
    assert [line for line in result.stderr.splitlines() if "source=gone" in line] == [
        line for line in result.stderr.splitlines() if "source failed source=gone" in line
    ]  # one line: the cycle's, not the listing's again
    source = json_lines(run_newswatch("sources", "--json", config=config).stdout)[0]
    assert source["status"] == "error" and source["error"] == "connection refused"


def test_an_article_page_over_max_page_size_fails_for_good_at_once(tmp_path):
    """A page over the limit will be over it on the next try too: it is not fetched again every
    cycle for days before being given up (raise max_page_size to read it)."""
    huge = ARTICLE.replace("</body>", "<p>" + "India " * 250_000 + "</p></body>").encode()  # 1.5 MB
    with HostileWeb() as web:
        web.serve("/feed.rss", _feed(web.url("huge.html"), web.url("story.html")), RSS)
        web.serve("/huge.html", huge, "text/html; charset=utf-8")
        web.serve("/story.html", ARTICLE)
        config = _config(tmp_path, web, _sources(web, ledger="feed.rss"))
        outcome = _crawl(config)
    assert outcome["ledger"]["stored"] == 1 and outcome["ledger"]["failed"] == 1
    [page] = _pages(config)
    assert page["url"] == web.url("huge.html") and page["status"] == "failed", page
    assert "larger than max_page_size (1 MB)" in page["reason"]
