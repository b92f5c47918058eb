"""The built-in topics against the labelled set (tests/labelled/icet.jsonl): the icet topic
must find the iCET/TRUST reporting and leave the look-alikes (entrance exams, cricket, trade,
other countries' technology dialogues) alone; india-us must find India-US relations at large."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newswatch.domain.items import Article
from newswatch.domain.matching import compile_topics, match
from newswatch.domain.topics import BUILTIN_TOPICS, ICET, INDIA_US

LABELLED = Path(__file__).parent / "labelled" / "icet.jsonl"


def load_labelled() -> list[dict]:
    return [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]


def article(title: str, text: str) -> Article:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return Article(
        url="https://example.org/a",
        canonical_url="https://example.org/a",
        source="test",
        title=title,
        text=text,
        fetched_at=now,
    )


def topic_names(title: str, text: str) -> list[str]:
    return [m.topic for m in match(article(title, text), compile_topics(BUILTIN_TOPICS))]


def test_labelled_set_is_large_enough_and_well_formed():
    rows = load_labelled()
    assert len({row["id"] for row in rows}) == len(rows)
    assert all(row["title"] and row["text"] and row["note"] and isinstance(row["label"], bool) for row in rows)
    assert sum(row["label"] for row in rows) >= 45
    assert sum(not row["label"] for row in rows) >= 45


def test_icet_topic_finds_the_partnership_and_not_its_look_alikes():
    topics = compile_topics([ICET])
    missed, wrong, found = [], [], 0
    for row in load_labelled():
        matched = bool(match(article(row["title"], row["text"]), topics))
        if matched and row["label"]:
            found += 1
        elif matched:
            wrong.append(f"{row['id']} ({row['note']})")
        elif row["label"]:
            missed.append(f"{row['id']} ({row['note']})")
    precision = found / (found + len(wrong)) if found + len(wrong) else 0.0
    recall = found / (found + len(missed))
    report = (
        f"icet topic on {LABELLED.name}: precision {precision:.3f}, recall {recall:.3f}"
        f" ({found} found, {len(wrong)} wrong, {len(missed)} missed)"
    )
    print(report)
    assert precision >= 0.95, f"{report}; matched negatives: {wrong}"
    assert recall >= 0.90, f"{report}; missed positives: {missed}"


def test_icet_match_names_the_terms_behind_it():
    [found] = match(
        article("Doval, Sullivan review iCET", "The iCET covers semiconductors and jet engines."),
        compile_topics([ICET]),
    )
    assert "iCET" in found.terms
    assert found.score >= ICET.min_score
    assert all(hit.snippet for hit in found.hits)


@pytest.mark.parametrize(
    "title, text",
    [
        (
            "Modi, Trump speak by phone; agree to meet soon",
            "Prime Minister Narendra Modi and US President Donald Trump spoke on the phone on Tuesday and discussed"
            " trade, energy and the situation in West Asia. The two leaders agreed to meet later this year.",
        ),
        (
            "India-US trade talks resume in Washington",
            "Negotiators from India and the United States resumed talks on a bilateral trade agreement.",
        ),
        (
            "US doubles tariffs on Indian goods",
            "Washington raised duties on imports from India to 50%, citing New Delhi's purchases of Russian oil.",
        ),
        (
            "H-1B fee hike worries Indian professionals",
            "Indian nationals, who get most H-1B visas, said the new US fee would make jobs in America harder to get.",
        ),
        (
            "Jaishankar meets Rubio, reviews India\u2013US ties",
            "External Affairs Minister S Jaishankar met US Secretary of State Marco Rubio and reviewed"
            " India-US relations.",
        ),
    ],
)
def test_india_us_topic_finds_relations_beyond_technology(title, text):
    assert INDIA_US.name in topic_names(title, text)


@pytest.mark.parametrize(
    "title, text",
    [
        (
            "India beat USA by seven wickets",
            "India beat the USA by seven wickets in their T20 World Cup match in New York.",
        ),
        (
            "Let us build a better India, says minister",
            "The minister told us that India must invest in schools. Let us not waste time, she said.",
        ),
        (
            "Monsoon arrives in Kerala",
            "The monsoon reached Kerala on Sunday. "
            + "Rain lashed several districts. " * 40
            + "A weather model from the US was also cited by India's forecasters.",
        ),
    ],
)
def test_india_us_topic_ignores_cricket_the_pronoun_and_passing_mentions(title, text):
    assert INDIA_US.name not in topic_names(title, text)


def test_builtin_topics_compile_and_alert_as_documented():
    compiled = compile_topics(BUILTIN_TOPICS)
    assert [(t.name, t.spec.alert) for t in compiled] == [("icet", "instant"), ("india-us", "digest")]
