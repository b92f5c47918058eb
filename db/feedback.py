"""Feedback on topic matches, and what it says about a topic: precision and false positives.

A person marks a match relevant or not relevant; one verdict per article and topic, the latest
replacing the earlier. A topic's precision counts the judged articles it still matches: after its
query is edited and the articles re-matched (`newswatch rematch`), a false positive the new query
drops no longer counts against it, and a relevant article it drops is reported as lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, delete, insert, select
from sqlalchemy.engine import Connection

from newswatch.db.models import Article, Feedback, TopicMatch
from newswatch.db.reading import terms_of

feedback = Feedback.__table__
_articles = Article.__table__
_matches = TopicMatch.__table__


def set_verdict(conn: Connection, article_id: int, topic: str, relevant: bool | None, now: datetime) -> None:
    """Record (or, with `relevant` None, withdraw) a verdict on `article_id` for `topic`. The
    caller commits."""
    conn.execute(delete(feedback).where(feedback.c.article_id == article_id, feedback.c.topic == topic))
    if relevant is not None:
        conn.execute(insert(feedback).values(article_id=article_id, topic=topic, relevant=relevant, created_at=now))


def verdicts(conn: Connection, article_ids: Sequence[int]) -> dict[tuple[int, str], bool]:
    """(article id, topic) -> relevant, for the given articles."""
    if not article_ids:
        return {}
    query = select(feedback.c.article_id, feedback.c.topic, feedback.c.relevant).where(
        feedback.c.article_id.in_(list(article_ids))
    )
    return {(row.article_id, row.topic): bool(row.relevant) for row in conn.execute(query)}


@dataclass(frozen=True)
class Judged:
    """One judged article, as the evaluation lists it."""

    article_id: int
    title: str
    source: str
    score: float | None  # None: the topic no longer matches it
    terms: list[str]


@dataclass
class Evaluation:
    """What the feedback on one topic says."""

    topic: str
    relevant: int = 0  # judged relevant, still matched
    not_relevant: int = 0  # judged not relevant, still matched: false positives
    false_positives: list[Judged] = field(default_factory=list)
    fixed: list[Judged] = field(default_factory=list)  # judged not relevant, no longer matched
    lost: list[Judged] = field(default_factory=list)  # judged relevant, no longer matched

    @property
    def judged(self) -> int:
        return self.relevant + self.not_relevant

    @property
    def precision(self) -> float | None:
        return self.relevant / self.judged if self.judged else None

    def to_dict(self) -> dict:
        def listed(rows: list[Judged]) -> list[dict]:
            return [
                {"id": r.article_id, "title": r.title, "source": r.source, "score": r.score, "terms": r.terms}
                for r in rows
            ]

        return {
            "topic": self.topic,
            "judged": self.judged,
            "relevant": self.relevant,
            "not_relevant": self.not_relevant,
            "precision": round(self.precision, 4) if self.precision is not None else None,
            "false_positives": listed(self.false_positives),
            "fixed": listed(self.fixed),
            "lost": listed(self.lost),
        }


def evaluate(conn: Connection, topics: Sequence[str]) -> list[Evaluation]:
    """The evaluation of each topic, in the order given; false positives best-scoring first."""
    found = {topic: Evaluation(topic) for topic in topics}
    query = (
        select(
            feedback.c.topic,
            feedback.c.relevant,
            _articles.c.id,
            _articles.c.title,
            _articles.c.source,
            _matches.c.score,
            _matches.c.hits,
        )
        .join(_articles, _articles.c.id == feedback.c.article_id)
        .outerjoin(_matches, and_(_matches.c.article_id == feedback.c.article_id, _matches.c.topic == feedback.c.topic))
        .where(feedback.c.topic.in_(list(topics)))
        .order_by(feedback.c.id)
    )
    for row in conn.execute(query):
        evaluation = found[row.topic]
        judged = Judged(row.id, row.title, row.source, row.score, terms_of(row.hits))
        if row.score is None:
            (evaluation.lost if row.relevant else evaluation.fixed).append(judged)
        elif row.relevant:
            evaluation.relevant += 1
        else:
            evaluation.not_relevant += 1
            evaluation.false_positives.append(judged)
    for evaluation in found.values():
        evaluation.false_positives.sort(key=lambda judged: -(judged.score or 0))
    return [found[topic] for topic in topics]
