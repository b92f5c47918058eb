"""One source, one crawl at a time across the cluster, and no crawl outliving its worker.

A crawl child holds a PostgreSQL session-level advisory lock per source for as long as it runs:
the database drops the locks the moment the process ends, however it ends (SIGKILL included),
so a lock never outlives its crawl and never needs a time-out. A source locked by another
process is left out of this crawl. The child also watches its worker (`lifeline`): a worker
killed with SIGKILL takes its crawls with it at once, so the crawl the cluster runs again in its
place never runs beside one left behind.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.pool import NullPool

log = logging.getLogger("newswatch.cluster.crawl")


def source_key(name: str) -> int:
    """The advisory lock key of a source: 64 bits of a hash of its name."""
    return int.from_bytes(
        hashlib.blake2b(name.encode(), digest_size=8, person=b"nw-crawl").digest(), "big", signed=True
    )


def busy(connection: Connection, names: Sequence[str]) -> set[str]:
    """Which of `names` some process is crawling now (their lock is taken). Looks without keeping
    anything: each lock it gets it gives back at once."""
    keys = {source_key(name): name for name in names}
    taken = [row[0] for row in connection.execute(_TRY, {"keys": list(keys)}) if row[1]]
    if taken:
        connection.execute(_UNLOCK, {"keys": taken})
    return {name for key, name in keys.items() if key not in taken}


_TRY = text("SELECT k, pg_try_advisory_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS k")
_UNLOCK = text("SELECT pg_advisory_unlock(k) FROM unnest(CAST(:keys AS bigint[])) AS k")


@contextmanager
def crawl_locks(database_url: str, names: Sequence[str]) -> Iterator[list[str]]:
    """Lock `names` for this process until the block ends; yields the ones it got."""
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        # Autocommit: the locks belong to the session, and a crawl must not hold a transaction
        # (and its snapshot) open for minutes.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            keys = {source_key(name): name for name in names}
            got = [row[0] for row in connection.execute(_TRY, {"keys": list(keys)}) if row[1]]
            held = [name for key, name in keys.items() if key in got]
            try:
                yield held
            finally:
                if got:
                    connection.execute(_UNLOCK, {"keys": got})
    finally:
        engine.dispose()


def lifeline():
    """A pipe whose sending end stays in the worker, never written to: its receiving end, handed to
    each crawl child, reads end-of-file the moment the worker dies, however it dies. (The parent
    process id would not do: a crawl child's parent is the fork server, which outlives the worker
    as long as any child it forked runs.)"""
    import multiprocessing

    return multiprocessing.Pipe(duplex=False)


def _stop_when_orphaned(lifeline) -> None:
    def watch() -> None:
        try:
            lifeline.recv_bytes()
        except (EOFError, OSError):
            pass
        log.error("crawl stopped: its worker is gone pid=%d", os.getpid())
        import multiprocessing

        for child in multiprocessing.active_children():  # the crawl's page-preparing processes
            child.kill()
        os._exit(70)

    threading.Thread(target=watch, name="newswatch-lifeline", daemon=True).start()


def guarded_crawl(database_url: str, lifeline, crawl, first, source_names: list[str], *args, **kwargs) -> None:
    """A crawl child of a cluster worker: `crawl` (the service's crawl_child, called with the
    arguments the service gives a crawl child) for the sources no other process is crawling,
    stopped when `lifeline` (the receiving end of `lifeline()`) says the worker is gone."""
    _stop_when_orphaned(lifeline)
    with crawl_locks(database_url, source_names) as held:
        skipped = [name for name in source_names if name not in held]
        if skipped:
            log.warning("sources crawled elsewhere right now, left out sources=%s", ",".join(skipped))
        if held:
            crawl(first, held, *args, **kwargs)
