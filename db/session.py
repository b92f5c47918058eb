"""Opening the database: engine, per-dialect connection settings, and migrations to the latest
schema, applied automatically on start."""

from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")


class DatabaseError(Exception):
    """The database can't be opened or migrated; the message says why."""


def resolve_url(url: str, base_dir: Path | None) -> str:
    """Make a relative SQLite path relative to `base_dir` (the config file's folder)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or base_dir is None:
        return url
    database = parsed.database
    if not database or database == ":memory:" or Path(database).is_absolute():
        return url
    return parsed.set(database=str((base_dir / database).resolve())).render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the CLI read while the service writes; busy_timeout waits out short write locks.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError with a helpful text
        raise DatabaseError(f"invalid database URL: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except Exception as exc:
        raise DatabaseError(f"cannot use database {parsed.render_as_string()}: {exc}") from exc


@contextmanager
def _migration_lock(engine: Engine):
    """Serialise migrations between processes opening one SQLite file at once (the service and a
    CLI command, say): SQLite runs DDL outside the migration's transaction. PostgreSQL: an
    advisory lock in the migration's transaction (`migrate`)."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    import fcntl

    with open(f"{database}.migrate-lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


_REVISION = re.compile(r"^(revision|down_revision)\s*=\s*['\"]?([\w]+|None)['\"]?", re.MULTILINE)


def head_revision() -> str:
    """The newest migration's id, read from the files without importing Alembic (which costs
    every CLI command a tenth of a second for what is, nearly always, a no-op)."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict(_REVISION.findall(path.read_text(encoding="utf-8")))
        if "revision" in found:
            revisions.add(found["revision"])
            parents.add(found.get("down_revision"))
    heads = revisions - parents
    if len(heads) != 1:
        raise DatabaseError(f"migrations have {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return _revision_of(conn)


def _revision_of(conn) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


# PostgreSQL advisory lock key held while migrating: processes starting together on many
# machines (cluster mode) migrate one after the other, the others then find the schema current.
MIGRATION_LOCK = 0x6E65_7773_6D69_6772  # "newsmigr"


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest revision (a no-op when it already is)."""
    try:
        head = head_revision()
        if _current_revision(engine) == head:
            return
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with _migration_lock(engine), engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            if _revision_of(conn) == head:  # another process migrated while we waited
                return
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except Exception as exc:
        raise DatabaseError(f"cannot open or migrate the database: {error_text(exc)}") from exc


def open_engine(url: str) -> Engine:
    """An engine on `url`, migrated: all the read-only commands need (no ORM)."""
    engine = make_engine(url)
    migrate(engine)
    return engine


def open_database(url: str) -> sessionmaker[Session]:
    """An engine on `url`, migrated, wrapped in a session factory."""
    from sqlalchemy.orm import sessionmaker

    return sessionmaker(open_engine(url), expire_on_commit=False)


def error_text(exc: BaseException) -> str:
    """A database error in one line: the driver's own message ("file is not a database", "attempt
    to write a readonly database"), without the statement, its parameters and SQLAlchemy's link."""
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError) and exc.orig is not None:
        exc = exc.orig
    return " ".join(str(exc).split())
