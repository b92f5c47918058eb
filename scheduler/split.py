"""Splitting a story by hand, with its alert: what `newswatch split` and the web view's "Split
into a story of its own" button do (`db.split` moves the reports)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from newswatch.scheduler.config import Config


def split_reports(
    config: Config, sessions: sessionmaker[Session], article_ids: Sequence[int], alert: bool, now: datetime
) -> dict:
    """Move `article_ids` out of their stories into one of their own (`db.split.split_story`) and
    plan its alert as a new story's, unless `alert` is false; returns {"story_id", "articles"
    (each with the story it left), "alert" (the new story's first report's alert line)}. Raises
    db.split.SplitRefused, changing nothing, when one of them cannot be split. Sending what was
    planned is the caller's."""
    from newswatch.db.split import split_story
    from newswatch.db.store import begin_write
    from newswatch.scheduler.app import alert_wiring

    wiring = alert_wiring(config)
    with sessions.begin() as session:
        begin_write(session)
        done = split_story(session, article_ids)
        seed = done.seed
        if not alert:
            told = "not alerted: split with alerts off"
        elif done.alerted:
            told = "not alerted again: the alert it made there moved with it"
        else:
            wiring.plan(session, seed, now)
            wiring.finish(session, now)
            told = seed.alert_note or "not alerted: it matches no topic"
        seed.alert_note = f"split from story {done.left[seed.id]} by hand; {told}"
        for row in done.others:
            row.alert_note = f"not alerted: moved into story {seed.id} with #{seed.id}"
        moved = [{"id": row.id, "left_story": done.left[row.id]} for row in (seed, *done.others)]
        return {"story_id": seed.id, "articles": moved, "alert": seed.alert_note}
