"""Why a stored report is in another report's story (`newswatch show`, the web view's article):
what it shares with the story's first report, the most telling first, and their event score,
weighed by how common each term is among the reports stored now. Those weights have moved
since the report was stored, so the score can differ a little from the one that joined it.
"""

from __future__ import annotations

import re

from sqlalchemy import JSON, Integer, Text, column, select, table
from sqlalchemy.engine import Connection

SHOWN = 12  # shared names and words listed at most
_POSSESSIVE = re.compile(r"['’]s\s+")

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
    names = _names(shared, profile.runs + seed.runs)
    # An English and a Hindi report share the English one's terms: written as it writes them.
    written = fingerprint.written_as(names, row.title, row.text, first.title, first.text)
    # A run of capitalised words may hold two names: "Pentagon's Defense Innovation Unit".
    shares = [part for name in names for part in _POSSESSIVE.split(written.get(name, " ".join(name))) if part]
    return {
        "first_report": row.story_id,
        "shares": shares[:SHOWN],
        "more": max(0, len(shares) - SHOWN),  # shared things not named
        "score": round(fingerprint.event_score(profile, seed, weights), 2),
    }


def _names(shared: list[str], runs: tuple[tuple[str, ...], ...]) -> list[tuple[str, ...]]:
    """`shared` (in its order), the words of the longest name run each is in whose words are all
    shared, together and in the run's order: "Defense Innovation Unit", not three words."""
    among, placed = set(shared), set[str]()
    names: list[tuple[str, ...]] = []
    for term in shared:
        if term in placed:
            continue
        whole = [run for run in runs if term in run and among.issuperset(run)]
        name = max(whole, key=len) if whole else (term,)
        placed.update(name)
        names.append(name)
    return names
