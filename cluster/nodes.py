"""The processes of a cluster (schedulers and workers), each saying every few seconds that it is
alive: `newswatch status` lists the ones seen lately, and the leading scheduler takes a worker
no longer seen for three heartbeats to be dead and hands its crawls and alert claims to others.

Times are the database server's: the machines' clocks never have to agree.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import DateTime, func, insert, select, update
from sqlalchemy.orm import Session

from newswatch.db.models import ClusterNode

SCHEDULER, WORKER = "scheduler", "worker"
DEAD_AFTER_BEATS = 3


def db_now():
    """The database's clock, as the naive UTC the datetime columns hold (db/types.py)."""
    return func.timezone("UTC", func.now(), type_=DateTime())


@dataclass(frozen=True)
class Node:
    """This process as the cluster knows it."""

    name: str
    role: str
    host: str
    pid: int
    concurrency: int | None = None

    @classmethod
    def this_process(cls, role: str, concurrency: int | None = None) -> Node:
        host, pid = socket.gethostname(), os.getpid()
        # The random part tells a restarted process from the one before it with the same pid.
        return cls(f"{role}@{host}:{pid}:{uuid.uuid4().hex[:6]}", role, host, pid, concurrency)


def register(session: Session, node: Node) -> None:
    session.execute(
        insert(ClusterNode).values(
            name=node.name,
            role=node.role,
            host=node.host,
            pid=node.pid,
            concurrency=node.concurrency,
            started_at=db_now(),
            seen_at=db_now(),
            lost=False,
        )
    )


def beat(session: Session, node: Node) -> None:
    session.execute(update(ClusterNode).where(ClusterNode.name == node.name).values(seen_at=db_now(), lost=False))


def stopped(session: Session, node: Node) -> None:
    session.execute(
        update(ClusterNode).where(ClusterNode.name == node.name).values(seen_at=db_now(), stopped_at=db_now())
    )


def seen(session: Session, role: str, within: float = 60.0) -> list[ClusterNode]:
    """The processes of `role` that are running and were seen in the last `within` seconds."""
    return list(
        session.scalars(
            select(ClusterNode)
            .where(
                ClusterNode.role == role,
                ClusterNode.stopped_at.is_(None),
                ClusterNode.seen_at >= db_now() - timedelta(seconds=within),
            )
            .order_by(ClusterNode.started_at)
        )
    )


def take_lost(session: Session, heartbeat: float) -> list[ClusterNode]:
    """The processes that stopped saying they are alive without saying they stopped (killed, or
    their machine gone): marked stopped and lost, and returned, once."""
    lost = list(
        session.scalars(
            select(ClusterNode)
            .where(
                ClusterNode.stopped_at.is_(None),
                ClusterNode.seen_at < db_now() - timedelta(seconds=DEAD_AFTER_BEATS * heartbeat),
            )
            .with_for_update(skip_locked=True)
        )
    )
    if lost:
        session.execute(
            update(ClusterNode)
            .where(ClusterNode.id.in_([node.id for node in lost]))
            .values(stopped_at=db_now(), lost=True)
        )
    return lost


def forget_old(session: Session, older_than: float = 7 * 86400.0) -> None:
    """Processes stopped long ago leave the table."""
    from sqlalchemy import delete

    session.execute(
        delete(ClusterNode).where(
            ClusterNode.stopped_at.is_not(None), ClusterNode.stopped_at < db_now() - timedelta(seconds=older_than)
        )
    )
