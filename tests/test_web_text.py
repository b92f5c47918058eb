"""What the web view says about texts: terms marked on the stored text itself, a preview that
never skips an article the matcher would match (and says how much it covered), and the reasons
given for a match that did not alert."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from newswatch.domain.query import Document, parse_query
from newswatch.domain.topics import BUILTIN_TOPICS
from newswatch.web import highlight, why
from newswatch.web.queries import AlertFact

LABELLED = Path(__file__).with_name("labelled") / "icet.jsonl"
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def _plain(markup) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", str(markup)))


def test_marks_land_on_the_stored_text_with_its_quotes_accents_and_paragraphs():
    title = "India’s “jet engine” deal: U.S. signs"
    text = (
        "New\u00a0Delhi said the co\u2011production of GE\u00a0F414 jet\nengines would start.\n\n"
        "The de\u0301fense ﬁrms of the U.S. and India’s HAL agreed. <b>Not markup</b>"
    )
    query = parse_query('"jet engine*" OR =US OR defense OR "co production" OR firms OR HAL')
    doc = Document(title, text)
    places = highlight.places(doc, query)
    marked_title = str(highlight.marked_title(doc, title, places))
    paragraphs = [str(p) for p in highlight.marked_field(doc, "text", text, places)]
    assert re.findall(r"<mark[^>]*>(.*?)</mark>", marked_title) == ["jet engine", "U.S."]
    marks = [html.unescape(m) for p in paragraphs for m in re.findall(r"<mark[^>]*>(.*?)</mark>", p)]
    assert marks == ["co\u2011production", "jet", "engines", "de\u0301fense", "ﬁrms", "U.S.", "HAL"]
    # Nothing of the stored text is lost or changed, and its markup stays text.
    assert _plain(marked_title) == title
    assert [_plain(p) for p in paragraphs] == [line for line in text.split("\n") if line]
    assert "&lt;b&gt;Not markup&lt;/b&gt;" in paragraphs[-1]


def test_marked_snippets_escape_the_text_around_the_words():
    marked = str(highlight.mark_words('Deal on <script>"jet engines"</script> for Jet Engines', {"jet engines"}))
    assert marked.count("<mark>") == 2 and "<script>" not in marked and "&lt;script&gt;" in marked


QUERIES = [
    *(topic.query for topic in BUILTIN_TOPICS),
    '"jet engine*" OR =US',
    "O'Brien OR obrien OR HAL's",
    "cafe OR resume* OR naïve",
    "भारत OR अमेरिका",
    "technolog* NEAR/5 India",
]
TRICKY = [
    "Talks ended.U.S. officials left",
    "Mr.O'Brien's plan for rock'n'roll's day",
    "Café résumé naïve ﬁnance ＵＳＡ",
    "भारत-अमेरिका संबंध और प्रौद्योगिकी",
    "it`s O’Neil’s U.S.-India C-130J x.India's",
]


@pytest.mark.parametrize("query_text", QUERIES, ids=range(len(QUERIES)))
def test_the_preview_never_skips_an_article_the_matcher_would_match(query_text):
    query = parse_query(query_text)
    texts = [(r.get("title", ""), r.get("text", "")) for r in map(json.loads, LABELLED.read_text().splitlines())]
    texts += [(sample, sample) for sample in TRICKY] + [("", sample) for sample in TRICKY]
    matched = 0
    for title, text in texts:
        if query.matches(Document(title, text)):
            matched += 1
            assert query.could_match(title, text), (query_text, title[:80])
    assert matched  # each query matches something, so the check checked something


def test_the_preview_says_how_much_of_the_period_it_covered(tmp_path):
    from newswatch.db import store
    from newswatch.db.session import open_database
    from newswatch.domain.items import Article
    from newswatch.web.preview import run_preview

    sessions = open_database(f"sqlite:///{tmp_path / 'n.db'}")
    with sessions.begin() as session:
        for n in range(30):
            moment = NOW - timedelta(hours=n * 12)
            body = f"Report {n} on harbour number {n}: the quantum sensing lab opened. " * 5
            article = Article(f"https://x.example/{n}", f"https://x.example/{n}", "s", f"Report {n}", body, moment)
            article.published_at = moment
            store.save_article(session, article, [], moment)
    with sessions.kw["bind"].connect() as conn:
        whole = run_preview(conn, "quantum", days=7, now=NOW)
        assert (whole.total, whole.scanned, whole.matched, whole.partial) == (15, 15, 15, False)  # 0 h to 168 h back
        assert whole.hits[0].row.title == "Report 0"  # equal scores: newest first
        cut = run_preview(conn, "quantum", days=7, now=NOW, budget=0.0)
        assert cut.partial and cut.scanned < cut.total == 15
        nothing = run_preview(conn, "zebra", days=30, now=NOW)
        assert (nothing.matched, nothing.hits) == (0, [])
        broken = run_preview(conn, "quantum AND (", days=7, now=NOW)
        assert broken.error is not None and "<mark class=error>" in str(broken.error_html())


def _article(**changes):
    row = {
        "id": 7,
        "duplicate_of": None,
        "story_id": 7,
        "published_at": NOW - timedelta(hours=1),
        "fetched_at": NOW,
    }
    row.update(changes)
    return SimpleNamespace(**row)


def _fact(kind, article_id=7, statuses=("sent",), topic="icet"):
    return AlertFact(1, kind, topic, article_id, 7, NOW, tuple(statuses))


@pytest.mark.parametrize(
    "article,mode,facts,expected",
    [
        (
            _article(),
            "instant",
            [_fact("instant")],
            "Alerted as a new story on 2026-11-26 10:00 UTC: sent to 1 target.",
        ),
        (
            _article(),
            "instant",
            [_fact("instant", statuses=("sent", "failed"))],
            "Alerted as a new story on 2026-11-26 10:00 UTC: sent to 1 target, failed for 1 target.",
        ),
        (_article(id=8), "instant", [_fact("instant")], "Its story had alerted already, with report #7"),
        (_article(id=8, duplicate_of=7), "instant", [_fact("instant")], "A copy of #7: copies never alert."),
        (_article(), "instant", [_fact("folded", statuses=())], "told in that cycle's summary alert instead"),
        (_article(), "digest", [_fact("digest-item", statuses=("sent",))], "Told in the icet digest of"),
        (_article(), "digest", [], "alerts in digests: the story waits for the next one"),
        (_article(), "off", [], 'Topic icet has alert = "off".'),
        (_article(), None, [], "Topic icet is no longer in the configuration."),
        (_article(published_at=NOW - timedelta(days=5)), "instant", [], "more than alerts.max_age (3d)"),
        (_article(), "instant", [_fact("instant", topic="other")], "No alert is recorded"),
    ],
)
def test_why_a_match_did_or_did_not_alert_is_read_from_the_store(article, mode, facts, expected):
    reason = why.explain(article, "icet", NOW, mode, facts, max_age=3 * 86400)
    assert expected in reason.text


def test_a_match_made_after_the_article_was_stored_is_explained_as_a_rematch():
    reason = why.explain(_article(), "icet", NOW + timedelta(days=1), "instant", [], max_age=3 * 86400)
    assert "newswatch rematch" in reason.text


def test_an_edited_copy_is_explained_by_its_own_topic_when_its_original_did_not_match_it():
    copy = _article(id=8, duplicate_of=7)
    told = why.explain(copy, "icet", NOW, "instant", [_fact("instant")], 3 * 86400, original_topics={"icet"})
    assert told.text == "A copy of #7: copies never alert."
    new = why.explain(copy, "space", NOW, "digest", [], 3 * 86400, original_topics={"icet"})
    assert new.text == "Topic space alerts in digests: the story waits for the next one."
