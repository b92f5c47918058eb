"""Splitting a story by hand (`newswatch split`): reports the story lookup joined to a story of
another development leave it and become a story of their own, which can then alert.

The lookup decides alone when it stores a report; when it is wrong, the development it hid has
made no alert and would make none. Named here, the reports of that development move out of the
story together, the earliest published first in their new story, with their copies and whatever
alerts they made for the story they leave.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from newswatch.db.models import Article
from newswatch.db.store import RecentStories, detach, move_to_story


class SplitRefused(ValueError):
    """What was asked cannot be split; the message says why and what to ask instead. `missing`:
    the id that is not stored, when that is why."""

    def __init__(self, message: str, missing: int | None = None) -> None:
        super().__init__(message)
        self.missing = missing


@dataclass
class Split:
    seed: Article  # the first report of the new story (its id is the story's)
    others: list[Article]  # the other reports moved with it
    left: dict[int, int]  # article id -> the story it left
    alerted: bool  # the seed brought alerts with it from the story it left


def split_story(session: Session, article_ids: Sequence[int]) -> Split:
    """Move the reports `article_ids` (with their copies) out of their stories into one story of
    their own, whose first report is the earliest published of them. Refuses a copy (its original
    is what to split), a report that is the first of its story (there is nothing to split it
    from) and an id that is not stored. The caller owns the transaction."""
    from newswatch.domain.fingerprint import event_profile

    rows: list[Article] = []
    for article_id in dict.fromkeys(article_ids):
        row = session.get(Article, article_id)
        if row is None:
            raise SplitRefused(f"no article {article_id}", missing=article_id)
        if row.duplicate_of is not None:
            original = row.duplicate_of
            if row.story_id == original:
                raise SplitRefused(
                    f"article {article_id} is a copy of #{original}, the first report of story {original}: "
                    "it has no story to leave"
                )
            raise SplitRefused(
                f"article {article_id} is a copy of #{original}: split #{original}, its copies go with it"
            )
        if row.story_id in (None, row.id):
            raise SplitRefused(f"article {article_id} is the first report of story {row.id}: it has no story to leave")
        rows.append(row)
    rows.sort(key=lambda row: (row.published_at or row.fetched_at, row.id))
    seed, others = rows[0], rows[1:]
    left = {row.id: row.story_id for row in rows}
    alerted = detach(session, seed, event_profile(seed.title, seed.text, seed.outlet), RecentStories())
    for row in others:
        move_to_story(session, row, seed.id)
    session.flush()
    return Split(seed, others, left, alerted)  # type: ignore[arg-type]  # every row was in a story: checked above
