"""A newswatch database with many stored articles, for the dedup and CLI benchmarks.

The schema comes from newswatch's own migrations (`db.session.open_database`); rows are then
bulk-loaded with sqlite3 (the crawler would take hours to store a million articles). Most
articles carry a random MinHash signature with its LSH band rows, exactly as the store writes
them; a few hundred "planted" originals are real articles of the generated web (bench/newsgen.py)
with real fingerprints, so that looking up their wire copies must find them. One article in ten
matched a topic. Texts are generated word soup of about 1.5 KB, so full-text search has an index
of realistic size; with `text_share` < 1 the rest have their text dropped, as retention does.

Built files are kept in the system temp folder and reused while the schema head is unchanged.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from bench import newsgen

PLANTED = 300
FORMAT = 2  # bump when what is built changes, so stale files are rebuilt
_SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores DateTime in SQLite


@dataclass
class Archive:
    path: Path
    size: int
    planted: dict[int, tuple[int, int]]  # article id -> (source, index) in `spec`
    spec: newsgen.WebSpec
    build_seconds: float
    reused: bool


def archive_spec() -> newsgen.WebSpec:
    return newsgen.WebSpec(base_url="https://planted.example", epoch=1_790_000_000.0, seed=7, sources=20, articles=100)


def build(size: int, text_share: float = 1.0, folder: Path | None = None, fresh: bool = False) -> Archive:
    """The archive of `size` articles, built or reused."""
    folder = folder or Path(tempfile.gettempdir())
    from newswatch.db.session import head_revision

    head = head_revision()
    path = folder / f"newswatch-bench-archive-{size}-{int(text_share * 100)}-{head}-v{FORMAT}.db"
    spec = archive_spec()
    # Originals only: a planted wire copy would make its original the right answer to a lookup.
    planted_keys = [
        (s, i) for i in range(0, spec.articles, 2) for s in range(spec.sources) if newsgen.kind_of(spec, s, i) != "copy"
    ][:PLANTED]
    planted = {n + 1: key for n, key in enumerate(planted_keys)}
    if path.exists() and not fresh:
        return Archive(path, size, planted, spec, 0.0, True)
    for stale in folder.glob(f"newswatch-bench-archive-{size}-{int(text_share * 100)}-*.db*"):
        stale.unlink()
    start = time.perf_counter()
    from newswatch.db.session import open_database

    sessions = open_database(f"sqlite:///{path}")
    sessions.kw["bind"].dispose()
    _load(path, size, text_share, spec, planted)
    return Archive(path, size, planted, spec, time.perf_counter() - start, False)


def _load(path: Path, size: int, text_share: float, spec: newsgen.WebSpec, planted: dict[int, tuple[int, int]]) -> None:
    from newswatch.domain import fingerprint as fp

    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    rng = np.random.default_rng(size)
    words = np.array(_vocabulary())
    now = datetime.now(UTC).replace(tzinfo=None)
    sources = [spec.source_name(s) for s in range(spec.sources)]
    header = np.full((1, 1), 1, dtype=np.uint8)
    with db:
        for article_id, (source, index) in planted.items():
            story = newsgen.story(spec, source, index)
            text = "\n\n".join(story.paragraphs)
            print_ = fp.fingerprint(text)
            moment = now - timedelta(days=40) + timedelta(seconds=article_id)
            _insert_article(
                db,
                article_id,
                newsgen.article_url(spec, source, index),
                sources[source],
                story.title,
                text,
                moment,
                print_.content_hash,
                print_.to_bytes(),
            )
            db.executemany(
                "INSERT INTO lsh_bands (key, article_id) VALUES (?, ?)",
                [(key, article_id) for key in fp.band_keys(print_)],
            )
    next_id = len(planted) + 1
    chunk = 20_000
    while next_id <= size:
        count = min(chunk, size - next_id + 1)
        ids = np.arange(next_id, next_id + count, dtype=np.int64)
        signatures = rng.integers(0, 2**32, size=(count, fp.NUM_PERM), dtype=np.uint32)
        hashes = rng.integers(0, 256, size=(count, 20), dtype=np.uint8)
        blobs = np.hstack([np.repeat(header, count, axis=0), hashes, signatures.astype("<u4").view(np.uint8)])
        keys = fp.band_key_matrix(signatures)
        title_words = rng.integers(0, len(words), size=(count, 9))
        body_lengths = rng.integers(180, 320, size=count)
        has_text = rng.random(count) < text_share
        matched = rng.random(count) < 0.1
        rows, matches = [], []
        for n in range(count):
            article_id = int(ids[n])
            title = " ".join(words[title_words[n]]).capitalize()
            text = None
            if has_text[n] or matched[n]:
                text = " ".join(words[rng.integers(0, len(words), size=int(body_lengths[n]))]) + "."
            moment = now - timedelta(seconds=int((size - article_id) * 30))
            source = sources[article_id % len(sources)]
            url = f"https://archive.example/{source}/{article_id}.html"
            rows.append(
                (
                    article_id,
                    url,
                    url,
                    source,
                    title,
                    text,
                    moment.strftime(_SQLITE_TIME),
                    moment.strftime(_SQLITE_TIME),
                    "en",
                    "[]",
                    None,
                    None,
                    hashes[n].tobytes().hex(),
                    blobs[n].tobytes(),
                    None,
                    article_id,
                )
            )
            if matched[n]:
                matches.append(
                    (
                        article_id,
                        "icet",
                        2.5,
                        json.dumps([{"term": "iCET", "field": "title", "snippet": title[:60]}]),
                        moment.strftime(_SQLITE_TIME),
                    )
                )
        with db:
            db.executemany(
                "INSERT INTO articles (id, url, canonical_url, source, title, text, published_at, fetched_at, "
                "language, authors, image, outlet, content_hash, signature, duplicate_of, story_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            db.executemany(
                "INSERT INTO matches (article_id, topic, score, hits, created_at) VALUES (?, ?, ?, ?, ?)", matches
            )
            db.executemany(
                "INSERT INTO lsh_bands (key, article_id) VALUES (?, ?)",
                zip(keys.ravel().tolist(), np.repeat(ids, fp.BANDS).tolist()),
            )
        next_id += count
    db.execute("ANALYZE")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def _insert_article(db, article_id, url, source, title, text, moment, content_hash, signature) -> None:
    db.execute(
        "INSERT INTO articles (id, url, canonical_url, source, title, text, published_at, fetched_at, language, "
        "authors, content_hash, signature, story_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            article_id,
            url,
            url,
            source,
            title,
            text,
            moment.strftime(_SQLITE_TIME),
            moment.strftime(_SQLITE_TIME),
            "en",
            "[]",
            content_hash,
            signature,
            article_id,
        ),
    )


def _vocabulary() -> list[str]:
    return list(
        dict.fromkeys(
            newsgen.NOUNS
            + newsgen.ADJS
            + newsgen.VERBS_PAST
            + newsgen.PLACES
            + newsgen.FIRST
            + newsgen.LAST
            + newsgen.ADVERBS
            + ["the", "a", "of", "in", "and", "to", "for", "on", "with", "said", "was", "is"] * 3
        )
    )


def table_bytes(path: Path) -> dict[str, int]:
    """Bytes per table and index (SQLite's dbstat)."""
    db = sqlite3.connect(path)
    try:
        return dict(db.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall())
    finally:
        db.close()


def config_for(archive: Archive, folder: Path) -> Path:
    """A configuration whose database is the archive (no sources: read commands only)."""
    from bench.harness import topics_toml

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "newswatch.toml"
    path.write_text(f'[database]\nurl = "sqlite:///{archive.path}"\n\n{topics_toml()}', encoding="utf-8")
    return path


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Build (or reuse) a benchmark archive database.")
    parser.add_argument("size", type=int)
    parser.add_argument("--text-share", type=float, default=1.0)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    archive = build(args.size, args.text_share, fresh=args.fresh)
    print(f"{archive.path} ({os.path.getsize(archive.path) / 1e6:.0f} MB, built in {archive.build_seconds:.0f}s)")


if __name__ == "__main__":
    main()
