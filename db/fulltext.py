"""Full-text search over stored articles: the one place that knows each database's own engine.

SQLite uses an FTS5 table kept in step with `articles` by triggers; PostgreSQL uses a GIN index
over a tsvector expression. Everything else in newswatch is written against plain SQLAlchemy.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.engine import Connection

_PG_VECTOR = "to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(text, ''))"

_SQLITE_DDL = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
           title, text, content='articles', content_rowid='id',
           tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS articles_fts_insert AFTER INSERT ON articles BEGIN
           INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
       END""",
    """CREATE TRIGGER IF NOT EXISTS articles_fts_delete AFTER DELETE ON articles BEGIN
           INSERT INTO articles_fts(articles_fts, rowid, title, text)
           VALUES ('delete', old.id, old.title, old.text);
       END""",
    """CREATE TRIGGER IF NOT EXISTS articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
           INSERT INTO articles_fts(articles_fts, rowid, title, text)
           VALUES ('delete', old.id, old.title, old.text);
           INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
       END""",
]


def create_index(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        for statement in _SQLITE_DDL:
            conn.execute(text(statement))
    elif conn.dialect.name == "postgresql":
        conn.execute(text(f"CREATE INDEX IF NOT EXISTS ix_articles_fulltext ON articles USING gin ({_PG_VECTOR})"))


def drop_index(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            conn.execute(text(f"DROP TRIGGER IF EXISTS articles_fts_{name}"))
        conn.execute(text("DROP TABLE IF EXISTS articles_fts"))
    elif conn.dialect.name == "postgresql":
        conn.execute(text("DROP INDEX IF EXISTS ix_articles_fulltext"))


_FTS5_WORD = re.compile(r"\w+\*?", re.UNICODE)


def _fts5_query(query: str) -> str:
    """Turn what a user types into a safe FTS5 expression: quoted phrases and prefix* kept,
    AND/OR/NOT kept, every other word quoted so punctuation can't break the syntax."""
    parts: list[str] = []
    for token in re.findall(r'"[^"]*"|\S+', query):
        if token.startswith('"'):
            inner = token.strip('"').replace('"', "")
            if inner.strip():
                parts.append(f'"{inner}"')
        elif token in ("AND", "OR", "NOT"):
            parts.append(token)
        else:
            for word in _FTS5_WORD.findall(token):
                parts.append(f'"{word[:-1]}"*' if word.endswith("*") else f'"{word}"')
    while parts and parts[-1] in ("AND", "OR", "NOT"):
        parts.pop()
    while parts and parts[0] in ("AND", "OR"):
        parts.pop(0)
    return " ".join(parts)


def search_ids(conn: Connection, query: str, limit: int) -> list[int]:
    """Ids of the articles matching `query`, best first."""
    if conn.dialect.name == "sqlite":
        expression = _fts5_query(query)
        if not expression:
            return []
        rows = conn.execute(
            text("SELECT rowid FROM articles_fts WHERE articles_fts MATCH :q ORDER BY rank LIMIT :n"),
            {"q": expression, "n": limit},
        )
    elif conn.dialect.name == "postgresql":
        rows = conn.execute(
            text(
                f"SELECT id FROM articles WHERE {_PG_VECTOR} @@ websearch_to_tsquery('simple', :q) "
                f"ORDER BY ts_rank({_PG_VECTOR}, websearch_to_tsquery('simple', :q)) DESC LIMIT :n"
            ),
            {"q": query, "n": limit},
        )
    else:
        like = f"%{query}%"
        rows = conn.execute(
            text("SELECT id FROM articles WHERE title LIKE :q OR text LIKE :q ORDER BY id DESC LIMIT :n"),
            {"q": like, "n": limit},
        )
    return [row[0] for row in rows]
