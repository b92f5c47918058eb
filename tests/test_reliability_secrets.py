"""Reliability: secrets in source URLs. A password in a source URL's user part or a token in its
query string is used (HTTP basic authentication, to that source's host alone) and never shown:
not in logs of either format, the crawl table, `sources`, `sources --json`, `sources --pages`,
configuration errors or alert bodies."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from newswatch.scheduler.newsweb import render_dates
from tests.alerts_helpers import JsonReceiver
from tests.conftest import json_lines, run_newswatch, topic_toml, write_config
from tests.hostile import HostileWeb

PASSWORD = "PaSSw0rd-7f3k"
TOKEN = "K3yV4lue9qx"
SITE = Path(__file__).with_name("site")
ARTICLE = render_dates((SITE / "news/icet-jet-engine-co-production.html").read_text(), datetime.now(UTC))


def _feed(*links: str) -> str:
    items = "".join(
        f"<item><title>Story {n}</title><link>{link}</link><pubDate>{{{{rfc822:-1h}}}}</pubDate></item>"
        for n, link in enumerate(links)
    )
    return render_dates(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>', datetime.now(UTC)
    )


def _source(name: str, url: str) -> str:
    return f'[[sources]]\nname = "{name}"\ntype = "feed"\nurl = "{url}"\ninterval = "5m"\n'


def _everything_shown(config) -> str:
    shown = []
    for command in (
        ("sources",),
        ("sources", "--json"),
        ("sources", "--pages"),
        ("sources", "--pages", "--json"),
        ("articles", "--all", "--json"),
    ):
        result = run_newswatch(*command, config=config)
        shown.append(result.stdout + result.stderr)
    return "\n".join(shown)


def test_credentials_in_a_source_url_log_in_to_that_host_only_and_are_never_shown(tmp_path):
    with HostileWeb() as web, HostileWeb() as elsewhere:
        web.protect(
            "/private/feed.rss",
            "bob",
            PASSWORD,
            _feed(web.url("private/story.html"), elsewhere.url("story.html")),
            "application/rss+xml",
        )
        web.protect("/private/story.html", "bob", PASSWORD, ARTICLE, "text/html; charset=utf-8")
        elsewhere.serve("/story.html", ARTICLE.replace("co-production", "co-development"))
        url = f"http://bob:{PASSWORD}@127.0.0.1:{web.port}/private/feed.rss?api_key={TOKEN}&edition=in"
        config = write_config(tmp_path / "n.toml", web, sources=_source("private", url))

        crawled = run_newswatch("--log-level", "DEBUG", "crawl", config=config)
        logged = run_newswatch("--log-level", "DEBUG", "--log-format", "json", "crawl", "--json", config=config)

    assert crawled.returncode == 0, crawled.stderr
    # The feed and its article on the same host were fetched with the login...
    assert web.hits("/private/feed.rss") == 2 and web.hits("/private/story.html") >= 1
    stored = json_lines(run_newswatch("articles", "--all", "--json", config=config).stdout)
    assert {a["url"] for a in stored} == {web.url("private/story.html"), elsewhere.url("story.html")}
    # ...which the other host never saw.
    assert all("Authorization" not in headers for headers in elsewhere.headers_of("/story.html"))
    assert all("Authorization" in headers for headers in web.headers_of("/private/feed.rss"))
    [row] = json_lines(run_newswatch("sources", "--json", config=config).stdout)
    assert row["url"] == f"http://***@127.0.0.1:{web.port}/private/feed.rss?api_key=***&edition=in"
    assert row["status"] in ("ok", "not_modified") and not row["error"]
    for text in (crawled.stdout + crawled.stderr, logged.stdout + logged.stderr, _everything_shown(config)):
        assert PASSWORD not in text and TOKEN not in text


def test_a_failing_source_never_shows_its_password_or_token_in_errors_tables_or_logs(tmp_path):
    with HostileWeb() as web:
        web.protect(
            "/private/feed.rss", "bob", "the-right-one", _feed(web.url("private/story.html")), "application/rss+xml"
        )
        # A wrong password (401), and a source whose URL is refused with the URL quoted in the error.
        sources = _source("wrong-login", f"http://bob:{PASSWORD}@127.0.0.1:{web.port}/private/feed.rss") + _source(
            "refused", f"http://alice:{PASSWORD}@127.0.0.1:{web.port}/feed.rss?access_token={TOKEN}"
        )
        config = write_config(tmp_path / "n.toml", web, sources=sources)
        config.write_text(
            config.read_text().replace("allow_private_addresses = true", "allow_private_addresses = false")
        )
        texts = [run_newswatch("--log-level", "DEBUG", "crawl", config=config)]
        texts.append(run_newswatch("--log-level", "DEBUG", "--log-format", "json", "crawl", "--json", config=config))
    rows = {row["name"]: row for row in json_lines(run_newswatch("sources", "--json", config=config).stdout)}
    assert rows["refused"]["error"] and "loopback" in rows["refused"]["error"]
    assert rows["wrong-login"]["error"] or rows["wrong-login"]["status"] != "ok"
    shown = "\n".join(r.stdout + r.stderr for r in texts) + _everything_shown(config)
    assert PASSWORD not in shown and TOKEN not in shown
    assert "***" in shown


def test_a_source_health_alert_never_carries_the_source_password(tmp_path):
    from newswatch.scheduler.app import open_db
    from newswatch.scheduler.config import load_config
    from newswatch.scheduler.service import Service

    with HostileWeb() as web, JsonReceiver() as hook:
        url = f"http://carol:{PASSWORD}@127.0.0.1:{web.port}/feed.rss?token={TOKEN}"
        config = write_config(tmp_path / "n.toml", web, [hook.apprise_url], sources=_source("refused", url))
        config.write_text(
            config.read_text().replace("allow_private_addresses = true", "allow_private_addresses = false")
            + "\n[service]\nfailing_after = 1\n"
        )
        assert run_newswatch("crawl", "--no-send", config=config).returncode == 0
        loaded = load_config(str(config))
        service = Service(loaded, open_db(loaded))
        service.health()
        service.dispatcher.wait()
    assert hook.posts, "no health alert arrived"
    body = str(hook.posts)
    assert "refused" in body and PASSWORD not in body and TOKEN not in body


def test_configuration_errors_mask_the_password_of_the_url_they_quote(tmp_path):
    path = tmp_path / "n.toml"
    path.write_text(_source("x", f"ftp://bob:{PASSWORD}@example.org/feed?api_key={TOKEN}") + topic_toml("t", "india"))
    result = run_newswatch("crawl", config=path)
    assert result.returncode == 2
    assert "sources[0] (x)" in result.stderr
    assert PASSWORD not in result.stderr and TOKEN not in result.stderr


def test_token_parameters_are_masked_in_any_text_and_plain_ones_kept():
    from newswatch.domain.redact import mask_text

    line = (
        "failed url=https://feeds.example/x.rss?api_key=A1&access_token=A2&token=A3&sig=A4&key=A5&secret=A6"
        "&password=A7&X-Amz-Signature=A8&q=india&keyword=jets error=invalid hostname: bob:A9pass@feeds.example"
    )
    masked = mask_text(line)
    assert not any(f"A{n}" in masked for n in range(1, 10))
    assert "q=india" in masked and "keyword=jets" in masked and "feeds.example/x.rss" in masked
