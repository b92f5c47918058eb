"""Why a stored report is in another report's story (`newswatch show`, the web view's article):
what it shares with the story's first report, the most telling first, and their event score,
weighed by how common each term is among the reports stored now. Those weights have moved
since the report was stored, so the score can differ a little from the one that joined it.
"""

from __future__ import annotations

from sqlalchemy import JSON, Integer, Text, column, select, table
from sqlalchemy.engine import Connection

SHOWN = 12  # shared terms named at most

_seeds = table(
    "articles", column("id", Integer), column("title", Text), column("text", Text), column("event_terms", JSON)
)
_counts = table("term_counts", column("term", Text), column("reports", Integer))


def join_record(conn: Connection, row) -> dict | None:
    """{"first_report", "shares", "more", "score"} for a report (a `db.reading` row with its text) that
    joined another report's story; None for a story's first report, a copy (its original says
    why) or when the first report's terms are not stored."""
    from newswatch.domain import fingerprint

    if row.story_id in (None, row.id) or row.duplicate_of is not None:
        return None
    first = conn.execute(select(_seeds).where(_seeds.c.id == row.story_id)).first()
    if first is None or not first.event_terms:
        return None
    seed = fingerprint.profile_from_json(first.event_terms)
    profile = fingerprint.event_profile(row.title, row.text, row.outlet)
    terms = sorted(profile.terms | seed.terms)
    counts = dict(conn.execute(select(_counts.c.term, _counts.c.reports).where(_counts.c.term.in_(["", *terms]))).all())
    weights = fingerprint.TermWeights(counts.pop("", 0), counts)
    shared = sorted(fingerprint.shared_terms(profile, seed), key=lambda term: (-weights(term), term))
    # An English and a Hindi report share the English one's terms: written as it writes them.
    words = fingerprint.written_as(shared[:SHOWN], row.title, row.text, first.title, first.text)
    return {
        "first_report": row.story_id,
        "shares": [words.get(term, term) for term in shared[:SHOWN]],
        "more": max(0, len(shared) - SHOWN),  # shared terms not named
        "score": round(fingerprint.event_score(profile, seed, weights), 2),
    }
