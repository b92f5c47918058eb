"""One scheduler per database: the service's lease on the `service_state` row.

`newswatch run` takes the lease when it starts and renews it with every heartbeat; a second
`newswatch run` on the same database finds the lease held (a fresh heartbeat, not stopped) and
refuses to start, instead of crawling everything a second time. A lease whose heartbeat went stale
(the holder was killed, its machine lost) is taken over; so is one held by a process of this
machine that no longer exists (a `kill -9` and a restart need not wait for it to go stale).

It is a row in the database, not a file lock, so it works the same on SQLite and PostgreSQL and
across machines: a cluster mode where several schedulers share one PostgreSQL database can make
this the leadership lease (the standby retries `acquire` until the holder's heartbeat goes stale)
instead of a refusal.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from newswatch.db.models import ServiceState
from newswatch.db.store import begin_write


class LeaseHeld(Exception):
    """Another scheduler holds the lease; `str()` is the one line to show."""


def new_owner() -> str:
    """An identity for this process's lease: host, pid and a random part (pids are reused)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def acquire(
    sessions: sessionmaker[Session], owner: str, now: datetime, stale_after: timedelta, started_at: datetime
) -> None:
    """Take the lease for `owner`, or raise LeaseHeld naming who holds it."""
    for _attempt in range(2):
        try:
            with sessions.begin() as session:
                begin_write(session)  # SQLite: read and write under one lock, so two starts can't both win
                row = session.get(ServiceState, 1, with_for_update=True)
                if row is None:
                    row = ServiceState(id=1)
                    session.add(row)
                elif _held_by_other(row, owner, now, stale_after):
                    assert row.heartbeat_at is not None  # _held_by_other: a held lease has a heartbeat
                    age = int((now - row.heartbeat_at).total_seconds())
                    wait = int((stale_after - (now - row.heartbeat_at)).total_seconds()) + 1
                    raise LeaseHeld(
                        f"another newswatch run (pid {row.pid} on {row.host}) is using this database "
                        f"(heartbeat {age}s ago); stop it first, or wait {wait}s if it is gone"
                    )
                row.owner, row.pid, row.host = owner, os.getpid(), socket.gethostname()
                row.started_at, row.heartbeat_at, row.stopped_at = started_at, now, None
            return
        except IntegrityError:  # another process inserted the row first: read it and decide again
            continue
    raise LeaseHeld("another newswatch run is starting on this database at the same moment")


def renew(sessions: sessionmaker[Session], owner: str, now: datetime) -> bool:
    """The heartbeat: False when the lease is no longer this owner's (taken over meanwhile)."""
    with sessions.begin() as session:
        row = session.get(ServiceState, 1, with_for_update=True)
        if row is None or row.owner != owner:
            return False
        row.heartbeat_at = now
        return True


def release(sessions: sessionmaker[Session], owner: str, now: datetime) -> None:
    """Stopped: the lease is free at once."""
    with sessions.begin() as session:
        row = session.get(ServiceState, 1, with_for_update=True)
        if row is not None and row.owner == owner:
            row.stopped_at = now


def _held_by_other(row: ServiceState, owner: str, now: datetime, stale_after: timedelta) -> bool:
    if row.owner == owner or row.stopped_at is not None or row.heartbeat_at is None:
        return False
    if now - row.heartbeat_at >= stale_after:
        return False
    return not (row.host == socket.gethostname() and row.pid is not None and not _alive(row.pid))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True
