"""Re-matching stored articles after topics change.

New matches are recorded without alerting unless asked: a user who edits a topic wants the
archive to reflect it, not a flood of notifications about old stories.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from newswatch.db.models import Article
from newswatch.db.store import replace_matches
from newswatch.domain.items import Article as ArticleItem
from newswatch.domain.matching import compile_topics, match
from newswatch.scheduler.config import Config

BATCH = 500


def _item(row: Article) -> ArticleItem:
    return ArticleItem(
        url=row.url,
        canonical_url=row.canonical_url,
        source=row.source,
        title=row.title,
        text=row.text or "",
        fetched_at=row.fetched_at,
        published_at=row.published_at,
    )


def rematch_all(
    config: Config, sessions, topic_names: tuple[str, ...] | None, with_alerts: bool, now: datetime
) -> dict:
    from newswatch.scheduler.app import alert_wiring

    specs = [t for t in config.topic_specs() if not topic_names or t.name in topic_names]
    compiled = compile_topics(specs)
    scope = [t.name for t in specs]
    wiring = alert_wiring(config) if with_alerts else None
    counts = {"checked": 0, "added": 0, "removed": 0, "alerts": 0}
    last_id = 0
    while True:
        with sessions.begin() as session:
            rows = list(
                session.scalars(
                    select(Article)
                    .where(Article.id > last_id, Article.text.is_not(None))
                    .order_by(Article.id)
                    .limit(BATCH)
                )
            )
            if not rows:
                break
            for row in rows:
                added, removed = replace_matches(session, row, match(_item(row), compiled), now, scope)
                counts["checked"] += 1
                counts["added"] += len(added)
                counts["removed"] += len(removed)
                if wiring is not None and added:
                    # Only the new matches are planned (a copy's, for topics its original missed).
                    counts["alerts"] += wiring.plan(session, row, now, topics=added)
            last_id = rows[-1].id
    if wiring is not None:
        with sessions.begin() as session:
            wiring.finish(session, now)
    return counts
