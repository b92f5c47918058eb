"""`newswatch web` over HTTP, as a browser, a feed reader and a script reach it: every route on a
real server started by the command, on a database crawled from the fixture news web (with hostile
markup in its headlines, outlet names, bodies and one javascript: address), and the security
rules: loopback without a password, sign-in with one, CSRF tokens, escaping, no alert URLs."""

from __future__ import annotations

import base64
import os
import re
import signal
import socket
import subprocess
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime

import feedparser
import pytest

from tests.conftest import NEWSWATCH, json_lines, run_newswatch, topic_toml, write_config
from tests.webview import (
    HOSTILE_OUTLET,
    HOSTILE_TITLE,
    JAVASCRIPT_TITLE,
    SECRET,
    Client,
    WebCommand,
    crawl_hostile_web,
)

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    site = crawl_hostile_web(tmp_path_factory.mktemp("webview"))
    yield site
    site.close()


@pytest.fixture(scope="module")
def served(crawled):
    """A read-only view of the crawl; tests that change the database start their own."""
    web = WebCommand(crawled.config)
    yield web
    assert web.stop() == 0, web.log.read_text()


@pytest.fixture
def client(served):
    return Client(served.url)


def _by_title(crawled) -> dict[str, dict]:
    return {a["title"]: a for a in crawled.articles()}


def _alerted_titles(crawled) -> set[str]:
    return {post["title"] for post in crawled.receiver.posts}


ENGINE = "India, US push jet engine co-production under iCET"
WIRE = "Fighter engine pact gathers pace as Washington and Delhi sign on"
INDUS = "INDUS-X summit ties Indian start-ups to Pentagon innovation units"
FERRY = "Harbour council approves new ferry timetable"


# pages --------------------------------------------------------------------------------------


def test_stories_page_lists_alerted_stories_with_topics_outlets_and_alert_state(crawled, client):
    answer = client.get("/")
    assert answer.status == 200
    stories = json_lines(run_newswatch("stories", "--json", config=crawled.config).stdout)
    alerted = _alerted_titles(crawled)
    assert alerted, "the crawl sent no alert"
    for story in stories:
        assert f'href="/stories/{story["story_id"]}"' in answer.body
    for title in alerted:  # each alert's title names its story's first report
        assert any(story["title"] in title for story in stories)
    engine_story = next(s for s in stories if s["title"] in (ENGINE, WIRE))
    block = _story_block(answer.body, engine_story["story_id"])
    outlets = len(engine_story["outlets"])
    assert outlets >= 2 and f"{outlets} outlets" in block and "alerted" in block and ">icet<" in block
    assert FERRY not in answer.body  # matched no topic: listed only with "also unmatched"
    assert FERRY in client.get("/?all=1").body


def _story_block(page: str, story_id: int) -> str:
    start = page.index(f'href="/stories/{story_id}"')
    end = page.find('<li class="story', start)
    return page[start : end if end != -1 else len(page)]


def test_stories_are_filtered_by_topic_source_and_period(client):
    by_source = client.get("/?source=hostile-wire").body
    assert "Quantum computing pact under iCET" in by_source and INDUS not in by_source
    by_defence = client.get("/?source=frontier-defence").body
    assert INDUS in by_defence and "Quantum computing pact" not in by_defence
    assert "No stories for these filters" in client.get("/?since=2999-01-01").body
    assert INDUS in client.get("/?since=7d").body
    assert "No stories for these filters" in client.get("/?topic=no-such-topic").body
    assert INDUS in client.get("/?topic=icet&source=frontier-defence&since=24h").body


def test_stories_first_seen_since_the_last_visit_are_marked_new(client):
    first = client.get("/")
    assert 'class="badge new"' not in first.body  # a first visit has nothing to compare with
    client.cookies.clear()
    # The previous visit was long ago: every story arrived since.
    returning = client.get("/", headers={"Cookie": "nw_visit=1000000000:1000000000"})
    assert returning.body.count('<span class="badge new">new</span>') >= 3
    # Within the same visit (page views less than 30 minutes apart) the marks stay.
    cookie = re.search(r"nw_visit=([\d:]+)", returning.headers["set-cookie"]).group(1)
    assert cookie.startswith("1000000000:")
    again = client.get("/", headers={"Cookie": f"nw_visit={cookie}"})
    assert again.body.count('<span class="badge new">new</span>') >= 3


def test_article_page_marks_matched_terms_and_explains_the_match_and_the_alert(crawled, client):
    articles = _by_title(crawled)
    original, copy = sorted((articles[ENGINE], articles[WIRE]), key=lambda a: a["id"])
    page = client.get(f"/articles/{original['id']}").body
    assert re.search(r'<mark title="icet: [^"]*">(iCET|jet engines?|F414)</mark>', page)
    assert "Why it matched" in page and f"score {original['topics'][0]['score']:.2f}" in page
    for term in original["topics"][0]["terms"][:3]:
        assert f"<code>{term}</code>" in page
    assert "Alerted as a new story" in page and "sent to 1 target" in page  # and not to the refusing one
    assert f'href="/articles/{copy["id"]}"' in page  # its copy
    copy_page = client.get(f"/articles/{copy['id']}").body
    assert f"A copy of #{original['id']}: copies never alert." in copy_page
    assert f'href="/articles/{original["id"]}"' in copy_page


def test_story_page_lists_its_reports_and_why_each_did_or_did_not_alert(crawled, client):
    articles = _by_title(crawled)
    story_id = articles[ENGINE]["story_id"]
    page = client.get(f"/stories/{story_id}").body
    assert ENGINE in page and WIRE in page and "copy of #" in page
    assert "Alerted as a new story" in page and "copies never alert" in page
    assert client.get("/stories/999999").status == 404


def test_search_page_finds_what_the_search_command_finds(crawled, client):
    expected = json_lines(run_newswatch("search", "engine", "--json", config=crawled.config).stdout)
    page = client.get("/search?q=engine").body
    assert expected
    for article in expected:
        assert f'href="/articles/{article["id"]}"' in page
    assert f"{len(expected)} articles for <q>engine</q>" in page
    assert "0 articles" in client.get("/search?q=zzzznothing").body


def test_sources_page_shows_health_last_fetch_error_next_run_and_a_chart(crawled, client):
    page = client.get("/sources").body
    records = {r["name"]: r for r in json_lines(run_newswatch("sources", "--json", config=crawled.config).stdout)}
    for name in records:
        assert f"<h2>{name} " in page
    assert "got an HTML page, not a feed" in page  # broken-feed's error
    assert page.count('<svg class="chart"') == len(records)
    assert "Next run" in page and "Last fetch" in page and 'class="badge status">error' in page


def test_alerts_page_shows_deliveries_and_never_a_target_address_or_secret(crawled, client):
    page = client.get("/alerts").body
    assert 'state-sent">sent' in page and 'state-failed">failed' in page
    assert "Retry all failed deliveries" in page
    for hidden in (SECRET, "watcher", str(crawled.refusing.port), str(crawled.receiver.port), "json://"):
        assert hidden not in page
    assert "json · " in page  # a target is named by its kind and a short id
    assert client.get("/alerts?status=bogus").status == 400


def test_topics_page_shows_each_topic_with_its_query_chart_and_feedback(client):
    page = client.get("/topics").body
    assert 'href="/topics/icet"' in page and "alert: instant" in page and '<svg class="chart"' in page
    assert "No feedback yet." in page and 'action="/preview"' in page
    topic = client.get("/topics/icet").body
    assert "Latest matches" in topic and 'name="verdict" value="not_relevant"' in topic
    assert client.get("/topics/nope").status == 404


def test_preview_counts_the_periods_matches_and_marks_terms_in_the_best_hits(crawled, client):
    # min_score 0: every article the query matches counts, however deep in the text.
    page = client.get('/preview?q="jet+engine*"&days=7&min_score=0').body
    expected = [a for a in crawled.articles() if re.search(r"jet[\s-]engines?\b", a["title"] + " " + a["text"], re.I)]
    assert f"<strong>{len(expected)}</strong> of {len(crawled.articles())} articles" in page
    assert '<mark title="jet engine*">' in page or "<mark>jet engine" in page.lower()
    engine = next(a for a in expected if a["title"] == ENGINE)
    assert f'href="/articles/{engine["id"]}"' in page and FERRY not in page
    assert "score <strong>" in page


def test_preview_shows_a_query_error_with_its_position_marked(client):
    answer = client.get("/preview?q=" + "iCET+AND+(jet+OR")
    assert answer.status == 400
    assert "The query does not parse" in answer.body
    assert "<mark class=error> </mark>" in answer.body or "<mark class=error>" in answer.body
    assert client.get("/preview?q=x&days=900").status == 400


# feeds --------------------------------------------------------------------------------------


def test_topic_feed_is_valid_atom_with_one_entry_per_story_linking_every_alerted_story(crawled, client):
    answer = client.get("/feeds/icet.atom")
    assert answer.status == 200 and answer.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(answer.body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.id == "urn:newswatch:feed:topic:icet"
    assert any(link.rel == "self" and link.href.endswith("/feeds/icet.atom") for link in parsed.feed.links)
    ids = [entry.id for entry in parsed.entries]
    assert len(ids) == len(set(ids))
    stories = json_lines(run_newswatch("stories", "--topic", "icet", "--json", config=crawled.config).stdout)
    assert len(parsed.entries) == len(stories)
    links = {entry.link for entry in parsed.entries}
    for post in crawled.receiver.posts:  # every alert's article is linked by its story's entry
        assert any(link in post["message"] for link in links), post["title"]
    engine = next(e for e in parsed.entries if e.title in (ENGINE, WIRE))
    outlets = len(next(s for s in stories if s["title"] == engine.title)["outlets"])
    assert outlets >= 2 and f"{outlets} outlets" in engine.summary and "iCET" in engine.summary
    assert client.get("/feeds/icet.atom").body == answer.body  # stable between requests
    etag = answer.headers["etag"]
    assert client.get("/feeds/icet.atom", headers={"If-None-Match": etag}).status == 304
    # A reader that keeps only Last-Modified gets 304 too; an earlier date or a changed ETag does not.
    modified = answer.headers["last-modified"]
    assert client.get("/feeds/icet.atom", headers={"If-Modified-Since": modified}).status == 304
    earlier = format_datetime(parsedate_to_datetime(modified) - timedelta(seconds=1), usegmt=True)
    assert client.get("/feeds/icet.atom", headers={"If-Modified-Since": earlier}).status == 200
    assert client.get("/feeds/icet.atom", headers={"If-Modified-Since": "yesterday"}).status == 200
    stale = {"If-None-Match": '"old"', "If-Modified-Since": modified}
    assert client.get("/feeds/icet.atom", headers=stale).status == 200
    assert not feedparser.parse(client.get("/feeds/all.atom").body).bozo
    assert client.get("/feeds/nope.atom").status == 404


# escaping -----------------------------------------------------------------------------------


def test_hostile_markup_from_the_web_is_escaped_on_every_page_and_in_the_feeds(crawled, client):
    articles = _by_title(crawled)
    hostile = articles[HOSTILE_TITLE]
    assert hostile["outlet"] == HOSTILE_OUTLET  # the crawl kept the markup as text
    linked = articles[JAVASCRIPT_TITLE]
    paths = [
        "/",
        "/?source=hostile-wire",
        f"/stories/{hostile['story_id']}",
        f"/articles/{hostile['id']}",
        f"/stories/{linked['story_id']}",
        f"/articles/{linked['id']}",
        "/search?q=engine",
        "/search?q=%3Cscript%3E",
        "/sources",
        "/alerts",
        "/topics",
        "/topics/icet",
        "/preview?q=iCET",
        "/preview?q=%3Cscript%3E+AND+(",
    ]
    for path in paths:
        body = client.get(path).body
        lowered = body.lower()
        assert "<script" not in lowered, path
        assert "<img" not in lowered and "<i>evil" not in lowered, path
        assert 'href="javascript:' not in lowered and "href='javascript:" not in lowered, path
    page = client.get(f"/articles/{hostile['id']}").body
    assert "&lt;script&gt;alert(&#34;pwned-title&#34;)&lt;/script&gt;" in page
    assert "&lt;i&gt;Evil&lt;/i&gt; Outlet" in page and "alert(&#34;pwned-body&#34;)" in page
    linked_page = client.get(f"/articles/{linked['id']}").body
    assert 'class="unsafe-url"' in linked_page  # shown as text, not a link
    for feed in ("/feeds/icet.atom", "/feeds/all.atom"):
        body = client.get(feed).body
        root = ET.fromstring(body.encode("utf-8"))
        assert not any(element.tag.lower().endswith("script") for element in root.iter())
        titles = {e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")}
        assert HOSTILE_TITLE in titles and JAVASCRIPT_TITLE in titles  # the text, exactly, as text
        hrefs = [link.get("href") for link in root.iter(f"{ATOM}link")]
        assert all(href.startswith(("http://", "https://")) for href in hrefs), hrefs
        parsed = feedparser.parse(body)
        assert not parsed.bozo
        assert all("javascript:" not in entry.link for entry in parsed.entries)


# JSON API -----------------------------------------------------------------------------------


def test_json_api_answers_with_the_clis_json_records(crawled, client):
    def cli(*args):
        return json_lines(run_newswatch(*args, "--json", config=crawled.config).stdout)

    assert client.get("/api/articles?topic=icet&limit=3").json() == cli("articles", "--topic", "icet", "--limit", "3")
    assert client.get("/api/articles?all=1&limit=100").json() == cli("articles", "--all", "--limit", "100")
    assert client.get("/api/stories").json() == cli("stories")
    assert client.get("/api/sources").json() == cli("sources")
    first = cli("articles", "--limit", "1")[0]
    assert client.get(f"/api/articles/{first['id']}").json() == cli("show", str(first["id"]))[0]
    assert client.get("/api/search?q=engine").json() == cli("search", "engine")
    topics = client.get("/api/topics").json()
    assert topics[0]["topic"] == "icet" and topics[0]["precision"] is None


def test_json_api_answers_bad_parameters_with_a_400_and_the_reason(client):
    for path, words in (
        ("/api/articles?limit=abc", "limit must be a whole number"),
        ("/api/articles?since=yesterday-ish", "since: invalid time"),
        ("/api/search", "q (the search) is required"),
    ):
        answer = client.get(path)
        assert answer.status == 400 and words in answer.json()["error"], path
    assert client.get("/api/articles/987654").status == 404


def test_json_api_refuses_a_topic_or_source_the_configuration_does_not_name_as_the_cli_does(crawled, client):
    for path, flag, words in (
        ("/api/articles?topic=icte", "--topic", "unknown topic 'icte' (did you mean 'icet'?); configured topics: icet"),
        ("/api/stories?topic=icte", "--topic", "unknown topic 'icte' (did you mean 'icet'?); configured topics: icet"),
        ("/api/articles?source=nosuch", "--source", "unknown source 'nosuch'; configured sources: "),
    ):
        answer = client.get(path)
        assert answer.status == 400 and words in answer.json()["error"], (path, answer.body)
        command = "stories" if "stories" in path else "articles"
        refused = run_newswatch(command, flag, path.rsplit("=", 1)[1], "--json", config=crawled.config)
        assert refused.returncode == 2 and words in refused.stderr
    assert client.get("/api/stories?topic=icet").status == 200


def test_bad_page_parameters_answer_with_one_clear_message(client):
    answer = client.get("/?since=whenever")
    assert answer.status == 400 and "since: invalid time" in answer.body
    assert client.get("/?page=0").status == 400
    assert client.get("/articles/987654").status == 404
    assert client.get("/no/such/page").status == 404


# security -----------------------------------------------------------------------------------


def test_pages_carry_a_policy_that_runs_no_script(client):
    headers = client.get("/").headers
    assert "default-src 'none'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    style = client.get("/static/style.css")  # the one stylesheet, from this site
    assert style.status == 200 and "text/css" in style.headers["content-type"]
    assert "<script" not in client.get("/").body


def test_host_beyond_loopback_without_a_password_exits_2_with_one_line(crawled):
    result = run_newswatch("web", "--host", "0.0.0.0", "--port", "0", config=crawled.config, timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "0.0.0.0" in lines[0] and "[web] password" in lines[0]
    assert result.stdout == ""


def test_a_port_in_use_fails_with_one_line(crawled, served):
    port = served.url.rsplit(":", 1)[1]
    result = run_newswatch("web", "--port", port, config=crawled.config, timeout=60)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "cannot listen" in result.stderr


def test_without_a_password_the_view_answers_loopback_host_names_only(client):
    assert client.get("/", headers={"Host": "attacker.example"}).status == 403
    assert client.get("/api/articles", headers={"Host": "attacker.example:8080"}).status == 403
    assert client.get("/", headers={"Host": "localhost:8080"}).status == 200


def test_state_changing_requests_without_the_csrf_token_change_nothing(crawled, tmp_path):
    config = crawled.copy(tmp_path)
    article = _by_title(crawled)[ENGINE]
    with WebCommand(config) as web:
        client = Client(web.url)
        form = {"article_id": article["id"], "topic": "icet", "verdict": "not_relevant"}
        assert client.post("/feedback", form).status == 403  # no cookie, no token
        client.get("/topics")  # the cookie alone is not enough
        assert client.post("/feedback", form).status == 403
        assert client.post("/feedback", {**form, "csrf_token": "0" * 64}).status == 403
        other = Client(web.url)  # another browser's token does not fit this one's cookie
        assert client.post("/feedback", {**form, "csrf_token": other.csrf_token()}).status == 403
        assert client.post("/alerts/retry", {}).status == 403
        evaluation = client.get("/api/topics").json()[0]
        assert evaluation["judged"] == 0
        assert crawled.refusing.attempts and all(a["refused"] for a in crawled.refusing.attempts)


def test_a_password_requires_sign_in_for_pages_and_basic_auth_for_feeds_and_api(crawled, tmp_path):
    password = "correct horse battery"
    config = crawled.copy(tmp_path, extra=f'[web]\npassword = "{password}"\n')
    with WebCommand(config) as web:
        client = Client(web.url)
        answer = client.get("/topics?x=1")
        assert answer.status == 303 and answer.headers["location"] == "/login?next=/topics%3Fx%3D1"
        for path in ("/api/articles", "/feeds/icet.atom"):
            refused = client.get(path)
            assert refused.status == 401 and refused.headers["www-authenticate"].startswith("Basic")
        wrong = "Basic " + base64.b64encode(b"me:guess").decode()
        right = "Basic " + base64.b64encode(f"me:{password}".encode()).decode()
        assert client.get("/api/articles", headers={"Authorization": wrong}).status == 401
        assert client.get("/api/articles", headers={"Authorization": right}).status == 200
        assert not feedparser.parse(client.get("/feeds/icet.atom", headers={"Authorization": right}).body).bozo
        assert client.get("/", headers={"Authorization": right}).status == 303  # pages want a sign-in
        # Foreign host names are fine once a password guards the view.
        assert client.get("/login", headers={"Host": "news.example.org"}).status == 200
        token = client.csrf_token("/login")
        assert client.post("/login", {"password": "guess", "csrf_token": token, "next": "/"}).status == 401
        assert client.post("/login", {"password": password, "next": "/topics"}).status == 403  # no token
        signed_in = client.post("/login", {"password": password, "csrf_token": token, "next": "/topics"})
        assert signed_in.status == 303 and signed_in.headers["location"] == "/topics"
        assert client.get("/").status == 200 and client.get("/api/sources").status == 200
        # Signed in, a state change still needs the form's token.
        article = _by_title(crawled)[ENGINE]
        form = {"article_id": article["id"], "topic": "icet", "verdict": "relevant"}
        assert client.post("/feedback", form).status == 403
        assert client.post("/feedback", {**form, "csrf_token": client.csrf_token()}).status == 303
        assert client.post("/logout", {"csrf_token": client.csrf_token("/")}).status == 303
        assert client.get("/").status == 303


def test_sign_in_never_sends_the_browser_to_another_site(crawled, tmp_path):
    config = crawled.copy(tmp_path, extra='[web]\npassword = "open sesame"\n')
    with WebCommand(config) as web:
        for target in ("//attacker.example/", "https://attacker.example/", "/\\attacker.example"):
            client = Client(web.url)
            token = client.csrf_token("/login")
            answer = client.post("/login", {"password": "open sesame", "csrf_token": token, "next": target})
            assert answer.status == 303 and answer.headers["location"] == "/", target


def test_a_password_lets_the_view_listen_beyond_loopback(crawled, tmp_path):
    config = crawled.copy(tmp_path, extra='[web]\npassword = "open sesame"\n')
    with WebCommand(config, "--host", "0.0.0.0") as web:
        assert web.url.startswith("http://0.0.0.0:")
        client = Client(web.url.replace("0.0.0.0", "127.0.0.1"))
        assert client.get("/").status == 303
        assert client.get("/login").status == 200


# changes through the view -------------------------------------------------------------------


def test_feedback_is_stored_and_gives_the_topics_precision_and_false_positives(crawled, tmp_path):
    config = crawled.copy(tmp_path)
    articles = _by_title(crawled)
    with WebCommand(config) as web:
        client = Client(web.url)
        token = client.csrf_token(f"/articles/{articles[ENGINE]['id']}")
        for title, verdict in ((ENGINE, "relevant"), (INDUS, "relevant"), (HOSTILE_TITLE, "not_relevant")):
            article_id = articles[title]["id"]
            answer = client.post(
                "/feedback",
                {"csrf_token": token, "article_id": article_id, "topic": "icet", "verdict": verdict, "next": "/x"},
            )
            assert answer.status == 303 and answer.headers["location"] == "/x"
        page = client.get(f"/articles/{articles[HOSTILE_TITLE]['id']}").body
        assert "marked not relevant" in page
        topic = client.get("/topics/icet").body
        assert "Precision <strong>67%</strong>" in topic
        assert "False positives" in topic
        assert "Quantum computing pact under iCET signed in Pune &lt;script&gt;" in topic
        assert "Precision <strong>67%</strong> from 3 judged matches, 1 false positive" in client.get("/topics").body
        # A verdict on a topic the article does not match is refused.
        ferry = articles[FERRY]["id"]
        form = {"csrf_token": token, "article_id": ferry, "topic": "icet", "verdict": "relevant"}
        assert client.post("/feedback", form).status == 404
        assert client.post("/feedback", {**form, "article_id": "x"}).status == 400
    text = run_newswatch("topics", "evaluate", "icet", config=config)
    assert text.returncode == 0, text.stderr
    assert "icet: precision 0.67 (2 relevant, 1 not relevant of 3 judged matches)" in text.stdout
    assert f"#{articles[HOSTILE_TITLE]['id']} score" in text.stdout and "pwned-title" in text.stdout
    evaluation = json_lines(run_newswatch("topics", "evaluate", "--json", config=config).stdout)[0]
    assert evaluation["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert [fp["id"] for fp in evaluation["false_positives"]] == [articles[HOSTILE_TITLE]["id"]]
    assert run_newswatch("topics", "evaluate", "nope", config=config).returncode == 2


def test_feedback_can_be_withdrawn(crawled, tmp_path):
    config = crawled.copy(tmp_path)
    article_id = _by_title(crawled)[INDUS]["id"]
    with WebCommand(config) as web:
        client = Client(web.url)
        token = client.csrf_token()
        form = {"csrf_token": token, "article_id": article_id, "topic": "icet"}
        client.post("/feedback", {**form, "verdict": "not_relevant"})
        assert client.get("/api/topics").json()[0]["not_relevant"] == 1
        client.post("/feedback", {**form, "verdict": "clear"})
        assert client.get("/api/topics").json()[0]["judged"] == 0


def test_retrying_failed_deliveries_sends_them_once_the_target_works(crawled, tmp_path):
    config = crawled.copy(tmp_path)
    failed = json_lines(run_newswatch("alerts", "--status", "failed", "--json", config=config).stdout)
    assert failed
    delivered_before = len(crawled.refusing.posts)
    crawled.refusing.refuse(0)
    try:
        with WebCommand(config) as web:
            client = Client(web.url)
            answer = client.post("/alerts/retry", {"csrf_token": client.csrf_token("/alerts")})
            assert answer.status == 303
            page = client.get(answer.headers["location"]).body
            # The failed ones are queued again and sent, with what was still waiting for that target.
            assert re.search(rf"Queued {len(failed)} failed deliver(y|ies) again; sent \d+, failed 0", page)
            assert 'state-failed">failed' not in page
    finally:
        crawled.refusing.refuse(10_000)
    assert len(crawled.refusing.posts) >= delivered_before + len(failed)
    assert json_lines(run_newswatch("alerts", "--status", "failed", "--json", config=config).stdout) == []


def test_one_failed_alert_can_be_retried_alone(crawled, tmp_path):
    config = crawled.copy(tmp_path)
    failed = json_lines(run_newswatch("alerts", "--status", "failed", "--json", config=config).stdout)
    tries = len(crawled.refusing.attempts)
    with WebCommand(config) as web:
        client = Client(web.url)
        form = {"csrf_token": client.csrf_token("/alerts"), "alert_id": failed[0]["alert_id"]}
        page = client.get(client.post("/alerts/retry", form).headers["location"]).body
        assert "Queued 1 failed delivery again; sent 0, failed 1" in page  # the target still refuses
    assert len(crawled.refusing.attempts) == tries + 1


# inside the service --------------------------------------------------------------------------


def test_the_service_serves_the_web_view_when_web_listen_is_set(crawled, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = crawled.copy(tmp_path, extra=f'[web]\nlisten = "127.0.0.1:{port}"\n')
    log = (tmp_path / "run.log").open("w")
    service = subprocess.Popen([NEWSWATCH, "--config", str(config), "run"], stdout=log, stderr=subprocess.STDOUT)
    try:
        client = Client(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 120
        answer = None
        while time.monotonic() < deadline:
            try:
                answer = client.get("/")
                break
            except OSError:  # not listening yet
                time.sleep(0.3)
        assert answer is not None and answer.status == 200, (tmp_path / "run.log").read_text()
        assert INDUS in answer.body
        assert client.get("/api/sources").status == 200
    finally:
        service.send_signal(signal.SIGTERM)
        code = service.wait(timeout=60)
    assert code == 0, (tmp_path / "run.log").read_text()


def test_the_service_refuses_a_web_listen_beyond_loopback_without_a_password(crawled, tmp_path):
    config = crawled.copy(tmp_path, extra='[web]\nlisten = "0.0.0.0:8080"\n')
    result = run_newswatch("run", config=config, timeout=120)
    assert result.returncode == 2 and "[web] password" in result.stderr


# PostgreSQL ----------------------------------------------------------------------------------

POSTGRES = os.environ.get("NEWSWATCH_TEST_POSTGRES")


@pytest.mark.skipif(not POSTGRES, reason="set NEWSWATCH_TEST_POSTGRES to a PostgreSQL URL (CI does)")
def test_the_web_view_reads_and_writes_postgresql(tmp_path, newsweb, receiver, postgres_url):
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url])
    config.write_text(config.read_text().replace('url = "sqlite:///newswatch.db"', f'url = "{postgres_url}"'))
    assert run_newswatch("crawl", config=config).returncode == 0
    articles = {a["title"]: a for a in json_lines(run_newswatch("export", "--all", config=config).stdout)}
    with WebCommand(config) as web:
        client = Client(web.url)
        for path in (
            "/",
            "/?topic=icet&since=7d",
            "/?source=frontier-defence",
            f"/stories/{articles[ENGINE]['story_id']}",
            f"/articles/{articles[ENGINE]['id']}",
            "/search?q=engine",
            "/sources",
            "/alerts",
            "/topics",
            "/topics/icet",
            "/preview?q=iCET",
            "/api/stories",
        ):
            assert client.get(path).status == 200, path
        assert INDUS in client.get("/?source=frontier-defence").body
        assert client.get("/api/stories").json() == json_lines(run_newswatch("stories", "--json", config=config).stdout)
        assert not feedparser.parse(client.get("/feeds/icet.atom").body).bozo
        form = {"csrf_token": client.csrf_token(), "article_id": articles[INDUS]["id"], "topic": "icet"}
        assert client.post("/feedback", {**form, "verdict": "not_relevant"}).status == 303
        assert client.get("/api/topics").json()[0]["not_relevant"] == 1


def test_a_bad_web_section_exits_2_naming_the_key(crawled, tmp_path):
    for extra, words in (
        ('[web]\nlisten = "everywhere"\n', "web.listen: invalid address 'everywhere'"),
        ('[web]\npasword = "typo"\n', "web.pasword: unknown key"),
    ):
        config = crawled.copy(tmp_path / str(len(words)), extra=extra)
        result = run_newswatch("web", "--port", "0", config=config, timeout=60)
        assert result.returncode == 2 and words in result.stderr, result.stderr


# odd input and abuse -----------------------------------------------------------------------


def test_ids_too_large_for_the_database_are_not_found_and_other_digits_are_refused(crawled, client):
    huge = "9" * 20  # past a 64-bit column
    for path in (f"/articles/{huge}", f"/stories/{huge}", f"/api/articles/{huge}"):
        assert client.get(path).status == 404, path
    token = client.csrf_token()
    for raw in ("²", "٧", huge):  # digits to str.isdigit, not ids
        form = {"article_id": raw, "topic": "icet", "verdict": "relevant", "csrf_token": token}
        answer = client.post("/feedback", form)
        assert answer.status == 400 and "article_id must be a whole number" in answer.body, raw
        assert client.post("/alerts/retry", {"alert_id": raw, "csrf_token": token}).status == 400, raw
    assert client.get("/alerts?sent=%C2%B2&requeued=" + huge).status == 200
    assert client.get("/api/topics").json()[0]["judged"] == 0


def test_a_visit_cookie_this_view_did_not_write_is_ignored(client):
    for value in ("99999999999999999999:99999999999999999999", "1:99999999999", "²:²", "garbage"):
        answer = client.get("/", headers={"Cookie": f"nw_visit={value}"})
        assert answer.status == 200, value
        assert re.search(r"nw_visit=\d+:\d+", answer.headers["set-cookie"]), value


def test_a_quiet_topic_feed_keeps_its_etag_so_readers_get_304(crawled, tmp_path):
    config = crawled.copy(tmp_path)
    config.write_text(config.read_text() + topic_toml("quiet", "zebra crossing AND lighthouse"))
    with WebCommand(config) as web:
        client = Client(web.url)
        first = client.get("/feeds/quiet.atom")
        assert first.status == 200 and not feedparser.parse(first.body).entries
        assert "set-cookie" not in first.headers  # a feed reader needs no form token
        time.sleep(1.1)  # the feed's time stamps have a resolution of a second
        second = client.get("/feeds/quiet.atom")
        assert second.headers["etag"] == first.headers["etag"]
        assert client.get("/feeds/quiet.atom", headers={"If-None-Match": first.headers["etag"]}).status == 304
        busy = client.get("/feeds/icet.atom")
        assert "last-modified" in busy.headers
        assert client.get("/feeds/icet.atom", headers={"If-None-Match": f'"x", W/{busy.headers["etag"]}'}).status == 304
        assert client.get("/feeds/icet.atom", headers={"If-None-Match": busy.headers["etag"][:-3] + '"'}).status == 200


def test_wrong_passwords_from_one_address_are_refused_for_a_while_even_the_right_one(crawled, tmp_path):
    password = "correct horse battery"
    config = crawled.copy(tmp_path, extra=f'[web]\npassword = "{password}"\n')
    right = {"Authorization": "Basic " + base64.b64encode(f"me:{password}".encode()).decode()}
    with WebCommand(config) as web:
        client = Client(web.url)
        assert client.get("/api/sources", headers=right).status == 200
        for attempt in range(10):
            wrong = {"Authorization": "Basic " + base64.b64encode(f"me:guess{attempt}".encode()).decode()}
            assert client.get("/api/articles", headers=wrong).status == 401
        refused = client.get("/api/articles", headers=right)
        assert refused.status == 429 and 0 < int(refused.headers["retry-after"]) <= 15 * 60
        assert "Too many wrong passwords" in refused.body
        token = client.csrf_token("/login")
        assert client.post("/login", {"password": password, "csrf_token": token, "next": "/"}).status == 429
        assert client.get("/feeds/icet.atom", headers=right).status == 429


def test_signing_out_ends_the_session_for_every_copy_of_its_cookie(crawled, tmp_path):
    password = "correct horse battery"
    config = crawled.copy(tmp_path, extra=f'[web]\npassword = "{password}"\n')
    with WebCommand(config) as web:
        client = Client(web.url)
        token = client.csrf_token("/login")
        assert client.post("/login", {"password": password, "csrf_token": token, "next": "/"}).status == 303
        session = next(cookie.value for cookie in client.cookies if cookie.name == "nw_session")
        copied = {"Cookie": f"nw_session={session}"}
        assert Client(web.url).get("/alerts", headers=copied).status == 200
        assert client.post("/logout", {"csrf_token": client.csrf_token("/")}).status == 303
        assert Client(web.url).get("/alerts", headers=copied).status == 303  # to the sign-in page
        assert Client(web.url).get("/api/articles", headers=copied).status == 401
        again = Client(web.url)  # signing in again works
        token = again.csrf_token("/login")
        assert again.post("/login", {"password": password, "csrf_token": token, "next": "/"}).status == 303
        assert again.get("/alerts").status == 200


def test_first_views_of_a_new_source_at_once_all_answer(crawled, tmp_path):
    config = crawled.copy(tmp_path)
    extra = "".join(
        f'[[sources]]\nname = "added-{n}"\ntype = "feed"\nurl = "{crawled.web.url("feeds/national.rss")}"\n'
        'interval = "5m"\n'
        for n in range(3)
    )
    config.write_text(config.read_text() + extra)
    with WebCommand(config) as web:
        paths = ["/sources", "/api/sources"] * 6
        with ThreadPoolExecutor(len(paths)) as pool:
            statuses = list(pool.map(lambda path: Client(web.url).get(path).status, paths))
        assert statuses == [200] * len(paths)
        names = {row["name"] for row in Client(web.url).get("/api/sources").json()}
        assert {"added-0", "added-1", "added-2"} <= names
