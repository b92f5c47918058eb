"""What `newswatch status` tells of a cluster: which scheduler leads, the workers seen in the last
minute, and how many tasks wait on the broker's queues or are being run."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from newswatch.cluster import lease, nodes
from newswatch.cluster.celery_app import Queues, make_celery
from newswatch.db.models import Source
from newswatch.scheduler.config import Config

SEEN_WITHIN = 60.0
UNACKED_KEY = "unacked"  # kombu's Redis transport: tasks delivered and not acknowledged yet


def queue_depths(app, queues: Queues) -> dict[str, int]:
    """Tasks waiting on each queue, and tasks delivered to workers and not finished (`running`)."""
    with app.connection_or_acquire() as connection:
        connection.ensure_connection(max_retries=1)
        client = connection.default_channel.client
        return {
            "crawl": int(client.llen(queues.crawl)),
            "send": int(client.llen(queues.send)),
            "running": int(client.hlen(UNACKED_KEY)),
        }


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def cluster_status(config: Config, sessions: sessionmaker[Session]) -> dict:
    """The cluster's state as a JSON-ready dict."""
    with sessions() as session:
        held = lease.current(session, lease.SCHEDULER)
        schedulers = nodes.seen(session, nodes.SCHEDULER, SEEN_WITHIN)
        workers = nodes.seen(session, nodes.WORKER, SEEN_WITHIN)
        queued = session.scalar(select(func.count()).select_from(Source).where(Source.queued_at.is_not(None)))
        crawling = session.scalar(select(func.count()).select_from(Source).where(Source.claimed_by.is_not(None)))
    record: dict[str, Any] = {
        "leader": {"node": held[0], "since": _iso(held[1]), "lease_until": _iso(held[2])} if held else None,
        "schedulers": [{"node": n.name, "host": n.host, "pid": n.pid, "seen_at": _iso(n.seen_at)} for n in schedulers],
        "workers": [
            {"node": n.name, "host": n.host, "pid": n.pid, "concurrency": n.concurrency, "seen_at": _iso(n.seen_at)}
            for n in workers
        ],
        "sources_queued": queued,
        "sources_crawling": crawling,
    }
    app = make_celery(config)
    try:
        record["queue"] = queue_depths(app, Queues.of(config))
    except Exception as exc:
        record["queue"] = {"error": f"broker unreachable: {type(exc).__name__}: {exc}"}
    return record
