"""Topic preview: what a query would match among the articles stored in the last days, before it
goes into the configuration. The real matcher and scorer run on each stored article's title and
text, newest first, after a cheap check on the raw text (`Query.could_match`) has skipped those
lacking every word the query needs. A request answers within a time budget: when the period
holds more articles than the budget allows, the preview says how many (the newest) it covered."""

from __future__ import annotations

import heapq
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from markupsafe import Markup, escape
from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Row

from newswatch.domain.items import TopicSpec
from newswatch.domain.matching import match_document
from newswatch.domain.query import Document, QueryError, parse_query
from newswatch.web import highlight
from newswatch.web.queries import articles

MAX_DAYS = 90
BUDGET = 8.0  # seconds of matching per preview


@dataclass
class Hit:
    row: Row
    score: float
    terms: list[str]
    title: Markup
    snippets: list[Markup]


@dataclass
class Preview:
    query: str
    days: int
    min_score: float
    error: QueryError | None = None
    total: int = 0  # articles in the period
    scanned: int = 0
    matched: int = 0
    stories: int = 0
    hits: list[Hit] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def partial(self) -> bool:
        return self.scanned < self.total

    def error_html(self) -> Markup:
        """The query with the error's position marked."""
        if self.error is None:
            return Markup("")
        at = min(max(self.error.position, 0), len(self.query))
        wrong = self.query[at : at + 1] or " "
        return Markup("{}<mark class=error>{}</mark>{}").format(
            escape(self.query[:at]), escape(wrong), escape(self.query[at + 1 :])
        )


def run_preview(
    conn: Connection,
    text: str,
    days: int,
    now: datetime,
    min_score: float = 1.0,
    limit: int = 20,
    budget: float = BUDGET,
) -> Preview:
    """Match `text` against the articles published (else fetched) in the last `days` days, newest
    first, for at most `budget` seconds."""
    started = time.perf_counter()
    preview = Preview(text, days, min_score)
    try:
        query = parse_query(text)
    except QueryError as error:
        preview.error = error
        return preview
    spec = TopicSpec(name="preview", query=text, min_score=min_score)
    a = articles.c
    moment = func.coalesce(a.published_at, a.fetched_at)
    period = moment >= now - timedelta(days=days)
    preview.total = conn.execute(select(func.count()).select_from(articles).where(period)).scalar_one()
    rows = conn.execution_options(yield_per=1000).execute(
        select(a.id, a.title, a.text, a.source, a.outlet, a.url, a.published_at, a.fetched_at, a.story_id)
        .where(period)
        .order_by(moment.desc(), a.id.desc())
    )
    best: list[tuple[float, int, Row, Document, list]] = []
    stories: set[int] = set()
    deadline = started + budget
    for row in rows:
        if preview.scanned % 200 == 0 and time.perf_counter() > deadline:
            break
        preview.scanned += 1
        if not query.could_match(row.title, row.text or ""):
            continue
        doc = Document(row.title, row.text or "")
        found = match_document(doc, [spec])
        if not found:
            continue
        preview.matched += 1
        stories.add(row.story_id or row.id)
        entry = (found[0].score, -row.id, row, doc, found[0].terms)
        if len(best) < limit:
            heapq.heappush(best, entry)
        else:
            heapq.heappushpop(best, entry)
    rows.close()
    preview.stories = len(stories)
    for score, _, row, doc, terms in sorted(best, key=lambda e: (e[0], e[1]), reverse=True):
        places = highlight.places(doc, query)
        words = {surface for found in highlight.surfaces(doc, places).values() for surface in found}
        snippets = [
            highlight.mark_words(doc.snippet(place.field, *place.tokens), words)
            for place in _distinct_terms(places)
            if place.field == "text"
        ][:3]
        preview.hits.append(Hit(row, score, terms, highlight.marked_title(doc, row.title, places), snippets))
    preview.seconds = time.perf_counter() - started
    return preview


def _distinct_terms(places: list[highlight.Place]) -> list[highlight.Place]:
    seen: dict[str, highlight.Place] = {}
    for place in places:
        seen.setdefault(place.label, place)
    return list(seen.values())
