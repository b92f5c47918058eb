"""Full-text search over stored articles: the one place that knows each database's own engine.

SQLite uses an FTS5 table kept in step with `articles` by triggers; PostgreSQL uses a GIN index
over a tsvector expression. Everything else in newswatch is written against plain SQLAlchemy.
"""

from __future__ import annotations

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


def _apostrophe_splits(word: str) -> list[tuple[str, str]]:
    """The two tokens the index may hold for a word the matcher reads whole: the matcher drops
    apostrophes (O'Brien is "obrien", Qur'an "quran"), the index splits there ("o", "brien"). An
    apostrophe sits near an end of a word: the splits with a part of at most three letters."""
    if not word.isalpha() or len(word) < 3:
        return []
    cuts = sorted({*range(1, min(4, len(word))), *range(max(1, len(word) - 3), len(word))})
    return [(word[:cut], word[cut:]) for cut in cuts]


def _fts5_any(words: frozenset[str], prefixes: frozenset[str]) -> str:
    """An FTS5 expression matching a superset of the articles holding any of `words` or a word
    starting with one of `prefixes`. The index stems words (porter), which maps equal words to
    equal stems, but a prefix of a word need not be a prefix of its stem ("engine*" and the stem
    "engin" of "engines"): a prefix is looked up by its first four characters. A word is also
    looked up as the two tokens an apostrophe splits it into ("o brien")."""
    parts = [f'"{w}"' for w in sorted(words)] + [f'"{p[:4]}"*' for p in sorted(prefixes)]
    parts += [f'"{a} {b}"' for w in sorted(words) for a, b in _apostrophe_splits(w)]
    return " OR ".join(parts)


def candidate_ids(conn: Connection, words: frozenset[str], prefixes: frozenset[str]) -> list[int] | None:
    """Ids of the articles that may hold one of `words` (word keys) or a word starting with one of
    `prefixes`, in no particular order; None where the database has no index to ask."""
    if conn.dialect.name == "sqlite":
        rows = conn.execute(
            text("SELECT rowid FROM articles_fts WHERE articles_fts MATCH :q"), {"q": _fts5_any(words, prefixes)}
        )
    elif conn.dialect.name == "postgresql":
        terms = [f"'{w}'" for w in words] + [f"'{p}':*" for p in prefixes]
        terms += [f"('{a}' <-> '{b}')" for w in words for a, b in _apostrophe_splits(w)]
        rows = conn.execute(
            text(f"SELECT id FROM articles WHERE {_PG_VECTOR} @@ to_tsquery('simple', :q)"), {"q": " | ".join(terms)}
        )
    else:
        return None
    return [row[0] for row in rows]
