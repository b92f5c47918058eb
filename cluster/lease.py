"""A lease in PostgreSQL: one holder at a time, until it lets go or stops renewing it in time.

The scheduler that holds the `scheduler` lease leads; the others try to take it every few
seconds, and succeed once it has expired (its holder killed, even by SIGKILL, or cut off) or was
released (its holder stopped cleanly). Expiry is judged by the database's clock alone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, delete, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from newswatch.cluster.nodes import db_now
from newswatch.db.models import ClusterLease

SCHEDULER = "scheduler"


def hold(session: Session, name: str, holder: str, ttl: float) -> bool:
    """Take the lease, or renew it if `holder` has it, for `ttl` seconds; False when another
    holder's lease has not expired. One statement, so two contenders can't both win."""
    until = db_now() + timedelta(seconds=ttl)
    table = ClusterLease.__table__
    claim = insert(table).values(name=name, holder=holder, acquired_at=db_now(), expires_at=until)
    statement = claim.on_conflict_do_update(
        index_elements=[table.c.name],
        set_={
            "holder": holder,
            "acquired_at": case((table.c.holder == holder, table.c.acquired_at), else_=db_now()),
            "expires_at": until,
        },
        where=or_(table.c.holder == holder, table.c.expires_at < db_now()),
    ).returning(table.c.holder)
    return session.execute(statement).first() is not None


def release(session: Session, name: str, holder: str) -> None:
    """Let go of the lease (if still held): another contender takes it at its next try."""
    session.execute(delete(ClusterLease).where(ClusterLease.name == name, ClusterLease.holder == holder))


def current(session: Session, name: str) -> tuple[str, datetime, datetime] | None:
    """(holder, acquired_at, expires_at) of the unexpired lease, or None."""
    row = session.execute(
        select(ClusterLease.holder, ClusterLease.acquired_at, ClusterLease.expires_at).where(
            ClusterLease.name == name, ClusterLease.expires_at >= db_now()
        )
    ).first()
    return row.tuple() if row else None
