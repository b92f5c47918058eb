"""The JSON records of stories, sources and alert deliveries, as `--json` prints them and the web
view's API serves them: built in one place so both speak the same fields. (An article's record
is `db.reading.article_json`.)"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from newswatch.db.joins import join_record
from newswatch.db.reading import iso
from newswatch.domain.items import SourceSpec
from newswatch.domain.redact import mask_text, mask_url


def story_record(story_id: int, rows: Sequence, alerts: list | None = None) -> dict:
    """A story and its articles, first report first. `rows`: the story's articles (ORM rows, or
    anything with their columns and `matches`), in id order; `alerts`: the story's alerts
    (`store.story_alerts`), when the caller read them."""
    record = {
        "story_id": story_id,
        "title": rows[0].title,
        "first_seen": iso(min(r.fetched_at for r in rows)),
        "topics": sorted({m.topic for r in rows for m in r.matches}),
        "outlets": sorted({r.outlet or r.source for r in rows}),
        "articles": [
            {"id": r.id, "source": r.source, "title": r.title, "url": r.url, "duplicate_of": r.duplicate_of}
            for r in rows
        ],
    }
    if alerts is not None:
        record["alerted"] = bool(alerts)
        record["alerts"] = alerts
    return record


def source_record(row, spec, articles: int, pending: dict[str, int]) -> dict:
    """One configured source and the state of fetching it. `row`: its `sources` row; `spec`: its
    `SourceSpec`; `pending`: its pending pages by status (`store.pending_counts`)."""
    return {
        "name": row.name,
        "type": row.type,
        "url": mask_url(row.url),
        "enabled": spec.enabled,
        "interval": spec.interval,
        "status": row.status,
        "error": mask_text(row.error or ""),
        "warning": mask_text(row.warning or ""),
        "last_fetch_at": iso(row.last_fetch_at),
        "last_success_at": iso(row.last_success_at),
        "last_new_at": iso(row.last_new_at),
        "next_run_at": iso(row.next_run_at),
        "consecutive_errors": row.consecutive_errors,
        "articles": articles,
        "last_items": row.last_items,
        "last_new": row.last_new,
        "pending_retry": pending.get("retry", 0) + pending.get("deferred", 0),
        "failed_pages": pending.get("failed", 0),
    }


def source_records(session: Session, specs: Sequence[SourceSpec]) -> list[dict]:
    """The records of the configured sources (`specs`), by name; sources the configuration no
    longer has are left out."""
    from newswatch.db import store

    counts = store.source_article_counts(session)
    pending = store.pending_counts(session)
    configured = {spec.name: spec for spec in specs}
    return [
        source_record(row, configured[row.name], counts.get(row.name, 0), pending.get(row.name, {}))
        for row in store.list_sources(session)
        if row.name in configured
    ]


def delivery_record(delivery) -> dict:
    """One alert delivery (its `alert` loaded). `target` is the masked label, never the URL."""
    return {
        "id": delivery.id,
        "delivery_id": delivery.uid,
        "alert_id": delivery.alert_id,
        "kind": delivery.alert.kind,
        "topic": delivery.alert.topic,
        "article_id": delivery.alert.article_id,
        "story_id": delivery.alert.story_id,
        "title": delivery.alert.title,
        "target": delivery.target_label,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "created_at": iso(delivery.alert.created_at),
        "sent_at": iso(delivery.sent_at),
        "next_attempt_at": iso(delivery.next_attempt_at),
        "error": delivery.error or "",
    }


def article_detail(conn, row) -> dict:
    """One article as `show --json` prints it and `/api/articles/ID` serves it: its record with
    the text, what became of its alert (`alert`, one line or None) and its copies."""
    from newswatch.db import reading

    data = reading.article_json(row, reading.matches_of(conn, [row.id])[row.id], with_text=True)
    data["alert"] = reading.alert_line(conn, row)
    data["joined"] = join_record(conn, row)
    data["copies"] = [
        {"id": c.id, "source": c.source, "url": c.url, "similarity": c.similarity}
        for c in reading.copies_of(conn, row.id)
    ]
    return data
