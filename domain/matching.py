"""Topic matching: which configured topics an article is about, how strongly, and why.

`compile_topics` parses every topic query once (a bad query raises `TopicError` naming the topic
and the position); `match` tokenises an article once and evaluates every topic against it,
returning a `Match` for each topic whose score reaches the topic's `min_score`.

Score. A topic's query says *whether* an article matches; the score says how central the
matched terms are to it. Every place a positive term matched (see domain/query.py) weighs

    w = boost x position        position = 1.0 in the title and in the lead (first 40 words),
                                           0.3 + 0.7 x 0.5 ** ((word - 40) / 100) after it

so a hit in the title or the lead counts fully (news puts what a story is about there), one 140
words in about two thirds and one deep in a long article 0.3. The places of one term (its label as
written in the query, case-insensitive) are sorted by weight and summed with a decay, so that
distinct terms count more than repeats:

    term = w1 + 0.3 x w2 + 0.09 x w3 + ...          score = sum of term over distinct terms

Calibration, for the default min_score 1.0: one term in the title or the lead scores 1.0 or
more; two distinct terms there 2.0; a single mention 140 words in 0.65, two distinct ones 1.3;
a single passing mention deep in the text 0.3-0.4, which is below the bar unless the query gives
that term a boost (``iCET^4``: a name that is on topic wherever it appears). A query made only
of NOTs matches without hits and scores 0.

This module does not store, alert or deduplicate: it is a pure function of article and topics.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from newswatch.domain.items import Article, Hit, Match, TopicSpec
from newswatch.domain.query import FIELDS, Document, Occurrence, Query, QueryError, parse_query

LEAD_WORDS = 40  # the opening of the text, which weighs as much as the title
BODY_FLOOR = 0.3  # weight of a hit far down the text
HALF_LIFE = 100.0  # words after the lead at which a hit's extra weight over the floor halves
REPEAT_DECAY = 0.3  # each further place of the same term counts this much less than the last
HITS_PER_TERM = 1  # places kept (with a snippet) per distinct term in a Match: its heaviest, and
# its heaviest outside the title when that is the title (the headline is shown anyway; the text says
# how the term is used)


class TopicError(ValueError):
    """A topic whose query does not parse."""

    def __init__(self, topic: str, error: QueryError):
        super().__init__(f"topic '{topic}': query {error}")
        self.topic = topic
        self.error = error
        self.message = error.message
        self.position = error.position


@dataclass(frozen=True)
class CompiledTopic:
    """A topic with its query parsed, ready to be matched many times."""

    spec: TopicSpec
    query: Query

    @property
    def name(self) -> str:
        return self.spec.name


@lru_cache(maxsize=1024)
def _compile(spec: TopicSpec) -> CompiledTopic:
    try:
        return CompiledTopic(spec, parse_query(spec.query))
    except QueryError as error:
        raise TopicError(spec.name, error) from None


def compile_topics(topics: Sequence[TopicSpec]) -> list[CompiledTopic]:
    """Parse every topic's query; the first bad one raises TopicError."""
    return [_compile(spec) for spec in topics]


def _depth_weight(start: int) -> float:
    if start < LEAD_WORDS:
        return 1.0
    return BODY_FLOOR + (1.0 - BODY_FLOOR) * 0.5 ** ((start - LEAD_WORDS) / HALF_LIFE)


_DEPTH_WEIGHTS = [_depth_weight(start) for start in range(4096)]


def _position_weight(title: bool, start: int) -> float:
    if title:
        return 1.0
    return _DEPTH_WEIGHTS[start] if start < 4096 else BODY_FLOOR


def weight(occurrence: Occurrence) -> float:
    """How much one matched place counts: see the module docstring."""
    return occurrence.boost * _position_weight(occurrence.field == "title", occurrence.start)


def _by_term(parts) -> dict[str, list[tuple[float, tuple]]]:
    """Weighted places grouped by distinct term (case-insensitive), heaviest first. A part is
    (term, field index, start, end, boost), as from Query.parts."""
    groups: dict[str, list[tuple[float, tuple]]] = {}
    for part in parts:
        term, f, start, _, boost = part
        w = boost * _position_weight(f == 0, start)
        group = groups.get(term)
        if group is None:
            group = groups[term] = []
        group.append((w, part))
    merged: dict[str, list[tuple[float, tuple]]] = {}
    for term, places in groups.items():
        merged.setdefault(term.casefold(), []).extend(places)
    for places in merged.values():
        places.sort(key=_heaviest, reverse=True)
    return merged


def _heaviest(weighted: tuple[float, tuple]) -> float:
    return weighted[0]


def _score(groups: dict[str, list[tuple[float, tuple]]]) -> float:
    total = 0.0
    for places in groups.values():
        factor = 1.0
        for w, _ in places:
            total += w * factor
            factor *= REPEAT_DECAY
            if factor < 1e-4:
                break
    return total


def score(occurrences: list[Occurrence]) -> float:
    """The topic score of a match's places (as from Query.locate): see the module docstring."""
    return _score(_by_term((o.term, 0 if o.field == "title" else 1, o.start, o.end, o.boost) for o in occurrences))


def _hits(doc: Document, groups: dict[str, list[tuple[float, tuple]]]) -> list[Hit]:
    kept = []
    for places in groups.values():
        chosen = [part for _, part in places[:HITS_PER_TERM]]
        kept.extend(chosen)
        if all(part[1] == 0 for part in chosen):  # places are heaviest first: the text's come soon
            in_text = next((part for _, part in places if part[1] != 0), None)
            if in_text is not None:
                kept.append(in_text)
    kept.sort(key=_field_start)
    return [Hit(term, FIELDS[f], doc.snippet(FIELDS[f], start, end)) for term, f, start, end, _ in kept]


def _field_start(part: tuple) -> tuple[int, int]:
    return part[1], part[2]


def document_score(doc: Document, topic: CompiledTopic | TopicSpec) -> float | None:
    """The topic's score for a document whatever its min_score: None when the query does not
    match at all, 0.0 for a query made only of NOTs."""
    compiled = topic if isinstance(topic, CompiledTopic) else _compile(topic)
    parts = compiled.query.parts(doc)
    return None if parts is None else _score(_by_term(parts))


@dataclass(frozen=True)
class NearMiss:
    """A topic whose query matched an article with a score under the topic's min_score: not a
    match, but said when someone asks why the article did not alert."""

    topic: str
    score: float
    min_score: float


def assess_document(doc: Document, topics: Sequence[CompiledTopic | TopicSpec]) -> tuple[list[Match], list[NearMiss]]:
    """The topics `doc` is about (score >= min_score), and those whose query matched it with a
    lower, non-zero score."""
    matches, below = [], []
    for topic in topics:
        compiled = topic if isinstance(topic, CompiledTopic) else _compile(topic)
        parts = compiled.query.parts(doc)
        if parts is None:
            continue
        groups = _by_term(parts)
        value = _score(groups)
        if value >= compiled.spec.min_score:
            matches.append(Match(compiled.name, round(value, 3), _hits(doc, groups)))
        elif value > 0:
            below.append(NearMiss(compiled.name, round(value, 3), compiled.spec.min_score))
    return matches, below


def match_document(doc: Document, topics: Sequence[CompiledTopic | TopicSpec]) -> list[Match]:
    """`match` for a caller that already holds the article's Document."""
    return assess_document(doc, topics)[0]


def assess(article: Article, topics: Sequence[CompiledTopic | TopicSpec]) -> tuple[list[Match], list[NearMiss]]:
    """`match`, and the near misses (`assess_document`), from one tokenisation of the article."""
    return assess_document(Document.from_article(article), topics)


def match(article: Article, topics: Sequence[CompiledTopic | TopicSpec]) -> list[Match]:
    """The topics `article` is about (score >= the topic's min_score), in the order given.
    Topics may be compiled (`compile_topics`) or plain specs (compiled once and cached)."""
    return match_document(Document.from_article(article), topics)
