"""Measure duplicate detection, same-event scoring, URL canonicalisation and band-key lookups.

Reads the shared corpus at run time (see bench/dedup_set.py), prints tables and writes
bench/results/dedup.json. The constants in domain/fingerprint.py are chosen from this output;
the "recommended" lines say what the measurements favour, the "module" lines what is set.

    python bench/bench_dedup.py                  # everything, 100k and 1M lookups
    python bench/bench_dedup.py --sizes 100000   # smaller lookup run
    python bench/bench_dedup.py --sizes          # no lookup run
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import feedparser
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import dedup_set
from newswatch.domain import fingerprint as fp
from newswatch.domain.canonical import canonical_url

THRESHOLDS = [round(0.2 + 0.05 * i, 2) for i in range(15)]  # 0.20 .. 0.90
SHINGLE_SIZES = (3, 4, 5, 6, 8)
LSH_CONFIGS = ((64, 2), (42, 3), (32, 4), (25, 5), (21, 6), (16, 8), (8, 16))
STORY_THRESHOLDS = [round(0.1 + 0.05 * i, 2) for i in range(17)]  # 0.10 .. 0.90
RESULTS = Path(__file__).resolve().parent / "results" / "dedup.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="*",
        default=[100_000, 1_000_000],
        help="stored-signature counts for the SQLite lookup run (none: skip)",
    )
    parser.add_argument("--queries", type=int, default=400, help="lookups per size")
    parser.add_argument("--pages", type=Path, default=dedup_set.CORPUS_PAGES)
    parser.add_argument("--feeds", type=Path, default=dedup_set.CORPUS_FEEDS)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    docs = dedup_set.build(args.pages)
    normalised = [fp.normalise_text(doc.text) for doc in docs]
    results: dict = {
        "module": {
            "NUM_PERM": fp.NUM_PERM,
            "SHINGLE_WORDS": fp.SHINGLE_WORDS,
            "BANDS": fp.BANDS,
            "ROWS": fp.ROWS,
            "DUPLICATE_THRESHOLD": fp.DUPLICATE_THRESHOLD,
            "STORY_THRESHOLD": fp.STORY_THRESHOLD,
            "MIN_WORDS": fp.MIN_WORDS,
        }
    }
    results["set"] = describe_set(docs, normalised)
    pairs = PairLabels(docs)

    results["shingle_sizes"] = shingle_sweep(normalised, pairs)
    signatures = np.stack([fp.signature_of_shingles(fp.shingles(text)) for text in normalised])
    estimated = pairwise_similarity(signatures)
    exact = exact_jaccard_for(normalised, pairs, estimated[pairs.upper])
    results["thresholds"] = threshold_table(estimated[pairs.upper], exact, pairs)
    results["per_edit"] = per_edit(estimated, pairs, docs)
    results["negatives"] = negatives_by_kind(estimated, pairs, docs)
    results["lsh"] = lsh_table(signatures, estimated, pairs)
    results["band_keys_agree"] = band_keys_agree(signatures, pairs)
    results["short_texts"] = short_texts(dedup_set.load_bases(args.pages), args.feeds)
    results["timing"] = signature_timing(dedup_set.load_bases(args.pages))
    results["same_event"] = same_event_table(docs, args.feeds)
    results["canonical_urls"] = canonical_check(args.pages)
    results["lookup"] = [lookup_run(size, docs, args.queries) for size in args.sizes]
    if args.sizes:  # the clustered alternative, at the smallest size only
        results["lookup"].append(lookup_run(min(args.sizes), docs, args.queries, "without_rowid"))

    print_report(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, default=float) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")


# --- labels -------------------------------------------------------------------------------


class PairLabels:
    """Labels of all unordered doc pairs (upper triangle), with the pairs to leave out."""

    def __init__(self, docs: list[dedup_set.Doc]) -> None:
        n = len(docs)
        self.upper = np.triu_indices(n, 1)
        i, j = self.upper
        group = np.array([doc.group for doc in docs])
        cut = np.array([doc.cut_from for doc in docs])
        stress = np.array([doc.kind.startswith("stress") for doc in docs])
        self.kind = np.array([doc.kind for doc in docs])
        self.duplicate = group[i] == group[j]
        entangled = (cut[i] == group[j]) | (cut[j] == group[i])
        self.stress = stress[i] | stress[j]
        # The main measurement: the brief's edits only, no half-cut or entangled pairs.
        self.evaluated = ~entangled & ~self.stress
        self.positives = int(np.count_nonzero(self.duplicate & self.evaluated))
        self.negatives = int(np.count_nonzero(~self.duplicate & self.evaluated))


def describe_set(docs, normalised) -> dict:
    kinds: dict[str, int] = {}
    for doc in docs:
        kinds[doc.kind] = kinds.get(doc.kind, 0) + 1
    words = [len(text.split()) for text in normalised]
    return {
        "docs": len(docs),
        "by_kind": kinds,
        "words_min": min(words),
        "words_median": statistics.median(words),
        "words_max": max(words),
    }


def pairwise_similarity(signatures: np.ndarray) -> np.ndarray:
    n = len(signatures)
    sims = np.empty((n, n), dtype=np.float32)
    for row in range(n):
        sims[row] = np.count_nonzero(signatures == signatures[row], axis=1) / signatures.shape[1]
    return sims


def scores(predicted: np.ndarray, truth: np.ndarray) -> dict:
    tp = int(np.count_nonzero(predicted & truth))
    fp_ = int(np.count_nonzero(predicted & ~truth))
    fn = int(np.count_nonzero(~predicted & truth))
    precision = tp / (tp + fp_) if tp + fp_ else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "tp": tp,
        "fp": fp_,
        "fn": fn,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


# --- duplicate detection --------------------------------------------------------------------


def shingle_sweep(normalised: list[str], pairs: PairLabels) -> list[dict]:
    rows = []
    for size in SHINGLE_SIZES:
        signatures = np.stack([fp.signature_of_shingles(fp.shingles(t, size)) for t in normalised])
        sims = pairwise_similarity(signatures)[pairs.upper][pairs.evaluated]
        truth = pairs.duplicate[pairs.evaluated]
        table = [dict(threshold=t, **scores(sims >= t, truth)) for t in THRESHOLDS]
        best = max(table, key=lambda row: (row["f1"], -abs(row["threshold"] - 0.5)))
        i, j = pairs.upper
        reports = (pairs.kind[i] == "independent_report") & (pairs.kind[j] == "independent_report")
        hard = reports[pairs.evaluated] & ~truth
        lowest_duplicates = float(np.quantile(sims[truth], 0.01))
        highest_other = float(sims[~truth].max())
        rows.append(
            {
                "shingle_words": size,
                "best_threshold": best["threshold"],
                "best_f1": best["f1"],
                "precision": best["precision"],
                "recall": best["recall"],
                "duplicates_p1": round(lowest_duplicates, 4),
                "max_non_duplicate": round(highest_other, 4),
                "gap": round(lowest_duplicates - highest_other, 4),
                "max_independent_report": round(float(sims[hard].max()), 4),
            }
        )
    return rows


def exact_jaccard_for(normalised: list[str], pairs: PairLabels, estimated: np.ndarray) -> np.ndarray:
    """True Jaccard of every evaluated pair that is a duplicate or scores above 0.1 by MinHash
    (the rest are ~0): enough to show how far the estimate strays where it matters."""
    sets = [fp.shingles(text) for text in normalised]
    i, j = pairs.upper
    values = np.zeros(len(i), dtype=np.float32)
    for k in np.flatnonzero(pairs.duplicate | (estimated > 0.1)):
        a, b = sets[i[k]], sets[j[k]]
        values[k] = len(a & b) / len(a | b)
    return values


def threshold_table(estimated: np.ndarray, exact: np.ndarray, pairs: PairLabels) -> list[dict]:
    mask = pairs.evaluated
    truth = pairs.duplicate[mask]
    rows = []
    for t in THRESHOLDS:
        row = {"threshold": t, **scores(estimated[mask] >= t, truth)}
        exact_scores = scores(exact[mask] >= t, truth)
        row["exact_precision"] = exact_scores["precision"]
        row["exact_recall"] = exact_scores["recall"]
        rows.append(row)
    return rows


def per_edit(estimated: np.ndarray, pairs: PairLabels, docs) -> list[dict]:
    """Similarity of each copy to its own original, by edit."""
    index = {doc.doc_id: n for n, doc in enumerate(docs)}
    rows = []
    for edit in dedup_set.EDITS:
        sims = np.array([estimated[index[doc.group], n] for n, doc in enumerate(docs) if doc.kind == edit])
        rows.append(
            {
                "edit": edit,
                "copies": len(sims),
                "min": round(float(sims.min()), 3),
                "median": round(float(np.median(sims)), 3),
                "recall_at_threshold": round(float(np.mean(sims >= fp.DUPLICATE_THRESHOLD)), 4),
            }
        )
    return rows


def negatives_by_kind(estimated: np.ndarray, pairs: PairLabels, docs) -> list[dict]:
    i, j = pairs.upper
    sims = estimated[pairs.upper]
    kind = pairs.kind
    event = np.array([doc.event for doc in docs])
    subject = np.array([doc.subject for doc in docs])
    negative = ~pairs.duplicate & pairs.evaluated
    reports = (kind[i] == "independent_report") & (kind[j] == "independent_report")
    groups = {
        "distinct corpus articles (and their copies)": negative
        & np.isin(kind[i], ("original", *dedup_set.EDITS))
        & np.isin(kind[j], ("original", *dedup_set.EDITS)),
        "independent reports, same event": negative & reports & (event[i] == event[j]),
        "independent reports, same subject, other event": negative
        & reports
        & (subject[i] == subject[j])
        & (event[i] != event[j]),
        "press releases sharing an 'About' paragraph": negative
        & (kind[i] == "press_release")
        & (kind[j] == "press_release"),
    }
    rows = []
    for name, mask in groups.items():
        values = sims[mask]
        rows.append(
            {
                "negatives": name,
                "pairs": int(mask.sum()),
                "max": round(float(values.max()), 3),
                "p99": round(float(np.quantile(values, 0.99)), 3),
                "above_threshold": int(np.count_nonzero(values >= fp.DUPLICATE_THRESHOLD)),
            }
        )
    return rows


def lsh_table(signatures: np.ndarray, estimated: np.ndarray, pairs: PairLabels) -> list[dict]:
    """For each (bands, rows): how many duplicates become candidates, how many non-duplicates
    are fetched for nothing, and the end-to-end result (candidate and similarity >= t)."""
    i, j = pairs.upper
    mask = pairs.evaluated
    truth = pairs.duplicate[mask]
    sims = estimated[pairs.upper][mask]
    rows = []
    for bands, rows_per_band in LSH_CONFIGS:
        width = bands * rows_per_band
        candidate = np.zeros(len(i), dtype=bool)
        for start in range(0, len(i), 200_000):
            a = signatures[i[start : start + 200_000], :width]
            b = signatures[j[start : start + 200_000], :width]
            equal = (a == b).reshape(len(a), bands, rows_per_band).all(axis=2).any(axis=1)
            candidate[start : start + 200_000] = equal
        candidate = candidate[mask]
        best = None
        for t in THRESHOLDS:
            row = scores(candidate & (sims >= t), truth)
            if best is None or row["f1"] > best["f1"]:
                best = {"threshold": t, **row}
        at_module = scores(candidate & (sims >= fp.DUPLICATE_THRESHOLD), truth)
        rows.append(
            {
                "bands": bands,
                "rows": rows_per_band,
                "s_curve_midpoint": round((1 / bands) ** (1 / rows_per_band), 3),
                "candidate_odds_at_threshold": round(1 - (1 - fp.DUPLICATE_THRESHOLD**rows_per_band) ** bands, 3),
                "candidate_recall": round(float(candidate[truth].mean()), 4),
                "candidate_recall_above_threshold": round(
                    float(candidate[truth & (sims >= fp.DUPLICATE_THRESHOLD)].mean()), 4
                ),
                "negative_candidate_rate": round(float(candidate[~truth].mean()), 6),
                "end_to_end_at_module_threshold": at_module,
                "best_threshold": best["threshold"],
                "best_f1": best["f1"],
            }
        )
    return rows


def band_keys_agree(signatures: np.ndarray, pairs: PairLabels) -> dict:
    """The module's hashed band keys collide exactly where the raw bands are equal."""
    keys = fp.band_key_matrix(signatures)
    i, j = pairs.upper
    hashed = (keys[i] == keys[j]).any(axis=1)
    width = fp.BANDS * fp.ROWS
    raw = (signatures[i, :width] == signatures[j, :width]).reshape(len(i), fp.BANDS, fp.ROWS)
    raw = raw.all(axis=2).any(axis=1)
    return {"pairs": len(i), "disagreements": int(np.count_nonzero(hashed != raw))}


# --- short texts ------------------------------------------------------------------------------


def short_texts(bases, feeds_dir: Path) -> list[dict]:
    """Why short texts get exact hashing only: similarity of a lightly edited excerpt to its
    source (a dateline and one or two changed words) and of distinct real feed descriptions
    (one per title: a series' parts share a title and an intro), by length."""
    rng = random.Random(5)
    descriptions: dict[str, str] = {}  # by title: a series' parts share a title and an intro
    for path in sorted(feeds_dir.glob("*.xml")) + sorted(feeds_dir.glob("*.rss")):
        for entry in feedparser.parse(str(path)).entries:
            text = fp.normalise_text(re.sub(r"<[^>]+>", " ", entry.get("summary") or ""))
            if text:
                descriptions.setdefault(" ".join((entry.get("title") or "").split()), text)
    rows = []
    for words in (10, 20, 30, 40, 60, 80, 120):
        copies, copies2 = [], []
        for base in bases:
            tokens = fp.normalise_text(base.text).split()
            if len(tokens) < words:
                continue
            excerpt = tokens[:words]
            original = fp.signature_of_shingles(fp.shingles(" ".join(excerpt)))
            edited = list(excerpt)
            for changes, sink in ((1, copies), (2, copies2)):
                edited[rng.randrange(len(edited))] = f"changed{changes}"
                copy = fp.signature_of_shingles(fp.shingles("new delhi " + " ".join(edited)))
                sink.append(float(np.mean(original == copy)))
        cut = [" ".join(d.split()[:words]) for d in descriptions.values() if len(d.split()) >= words]
        signatures = [fp.signature_of_shingles(fp.shingles(text)) for text in cut]
        distinct = [
            float(np.mean(signatures[x] == signatures[y]))
            for x in range(len(cut))
            for y in range(x + 1, len(cut))
            if cut[x] != cut[y]
        ]
        rows.append(
            {
                "words": words,
                "copies": len(copies),
                "copy_median": round(statistics.median(copies), 3) if copies else None,
                "copy_recall_at_threshold": round(float(np.mean(np.array(copies) >= fp.DUPLICATE_THRESHOLD)), 3)
                if copies
                else None,
                "two_edits_median": round(statistics.median(copies2), 3) if copies2 else None,
                "two_edits_recall": round(float(np.mean(np.array(copies2) >= fp.DUPLICATE_THRESHOLD)), 3)
                if copies2
                else None,
                "feed_description_pairs": len(distinct),
                "distinct_max": round(max(distinct), 3) if distinct else None,
                "distinct_above_threshold": int(sum(s >= fp.DUPLICATE_THRESHOLD for s in distinct)),
            }
        )
    return rows


def signature_timing(bases) -> dict:
    texts = [base.text for base in bases]
    fp.fingerprint(texts[0])  # warm caches and imports
    per_text, per_word = [], []
    for _ in range(3):
        for text in texts:
            start = time.perf_counter()
            fp.fingerprint(text)
            elapsed = time.perf_counter() - start
            per_text.append(elapsed * 1000)
            per_word.append(elapsed * 1e6 / max(1, len(text.split())))
    return {
        "texts": len(texts),
        "words_median": statistics.median(len(t.split()) for t in texts),
        "ms_mean": round(statistics.mean(per_text), 3),
        "ms_p50": round(float(np.percentile(per_text, 50)), 3),
        "ms_p95": round(float(np.percentile(per_text, 95)), 3),
        "us_per_word": round(statistics.median(per_word), 3),
    }


# --- same event -------------------------------------------------------------------------------


def same_event_table(docs, feeds_dir: Path) -> dict:
    reports = [doc for doc in docs if doc.kind == "independent_report"]
    originals = [doc for doc in docs if doc.kind == "original"]
    index = {doc.doc_id: doc for doc in docs}
    labelled: list[tuple[str, float, bool]] = []
    for x in range(len(reports)):
        for y in range(x + 1, len(reports)):
            a, b = reports[x], reports[y]
            if a.event == b.event:
                source = "synthetic: same event"
            elif a.subject == b.subject:
                source = "synthetic: same subject, other event"
            else:
                source = "synthetic: other subject"
            labelled.append((source, fp.same_event(a.title, a.text, b.title, b.text), a.event == b.event))
    for a, b, label in dedup_set.feed_pairs(feeds_dir):
        source = "real feed items: same event" if label else "real feed items: other event"
        labelled.append((source, fp.same_event(a.title, a.text, b.title, b.text), label))
    for x in range(len(originals)):
        for y in range(x + 1, len(originals)):
            a, b = originals[x], originals[y]
            score = fp.same_event(a.title, a.text, b.title, b.text)
            labelled.append(("corpus: distinct articles", score, False))
    copies = [doc for doc in docs if doc.kind in ("new_headline_dateline", "combined")]
    copy_scores = [fp.same_event(index[c.group].title, index[c.group].text, c.title, c.text) for c in copies]

    sources = sorted({source for source, _, _ in labelled})
    by_source = []
    for source in sources:
        values = [score for s, score, _ in labelled if s == source]
        label = next(label for s, _, label in labelled if s == source)
        by_source.append(
            {
                "pairs": source,
                "count": len(values),
                "same_event": label,
                "min": round(min(values), 3),
                "median": round(statistics.median(values), 3),
                "max": round(max(values), 3),
                "share_at_or_above_threshold": round(float(np.mean(np.array(values) >= fp.STORY_THRESHOLD)), 3),
            }
        )
    by_source.append(
        {
            "pairs": "copies with a new headline vs original",
            "count": len(copy_scores),
            "same_event": True,
            "min": round(min(copy_scores), 3),
            "median": round(statistics.median(copy_scores), 3),
            "max": round(max(copy_scores), 3),
            "share_at_or_above_threshold": round(float(np.mean(np.array(copy_scores) >= fp.STORY_THRESHOLD)), 3),
        }
    )
    values = np.array([score for _, score, _ in labelled])
    truth = np.array([label for _, _, label in labelled])
    table = [dict(threshold=t, **scores(values >= t, truth)) for t in STORY_THRESHOLDS]
    return {"by_source": by_source, "thresholds": table}


# --- canonical URLs -----------------------------------------------------------------------------


def canonical_check(pages_dir: Path) -> dict:
    """On the corpus pages: does the fetched URL, and the page's AMP twin, canonicalise to the
    same address as the page's own rel=canonical?"""

    def links(page: str, rel: str) -> list[str]:
        found = []
        for tag in re.findall(r"<link\b[^>]*>", page, flags=re.IGNORECASE):
            if re.search(rf"rel\s*=\s*[\"']?{rel}\b", tag, flags=re.IGNORECASE):
                href = re.search(r"href\s*=\s*[\"']([^\"']+)", tag)
                if href:
                    found.append(html.unescape(href.group(1)))
        return found

    fetched_same = amp_same = amp_with_canonical_same = pages = amp_pages = 0
    misses = []
    for path in sorted(pages_dir.glob("*.html")):
        page = path.read_text(encoding="utf-8", errors="replace")
        record = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        declared = links(page, "canonical")
        if not declared:
            continue
        pages += 1
        target = canonical_url(declared[0])
        fetched_same += canonical_url(record["url"]) == target
        for amp in links(page, "amphtml")[:1]:
            amp_pages += 1
            if canonical_url(amp) == target:
                amp_same += 1
            else:
                misses.append(amp)
            amp_with_canonical_same += canonical_url(amp, page_canonical=declared[0]) == target
    return {
        "pages": pages,
        "fetched_url_matches_canonical": fetched_same,
        "amp_pages": amp_pages,
        "amp_url_alone_matches": amp_same,
        "amp_url_with_page_canonical_matches": amp_with_canonical_same,
        "amp_misses_without_page_canonical": misses,
    }


# --- SQLite lookups -----------------------------------------------------------------------------


LAYOUTS = {
    # What the brief names: a plain table and a secondary index on band_key.
    "table+index": (
        "CREATE TABLE bands (band_key INTEGER NOT NULL, article_id INTEGER NOT NULL)",
        "CREATE INDEX bands_by_key ON bands (band_key)",
    ),
    # The same rows clustered by key: no separate index, no rowid.
    "without_rowid": (
        "CREATE TABLE bands (band_key INTEGER NOT NULL, article_id INTEGER NOT NULL, "
        "PRIMARY KEY (band_key, article_id)) WITHOUT ROWID",
        None,
    ),
}


def lookup_run(size: int, docs, queries: int, layout: str = "table+index") -> dict:
    """Store `size` fingerprints (random ones plus the corpus originals), then time lookups of
    copies (should find their original) and of independent reports (should find nothing).
    Each query set runs twice: the first pass reads pages into SQLite's cache, the second is
    the warm steady state. A primary-key read of one fingerprint is the same-run baseline."""
    rng = np.random.default_rng(size)
    originals = [doc for doc in docs if doc.kind == "original"]
    stored = {doc.group: fp.fingerprint(doc.text) for doc in originals}
    copy_docs = [doc for doc in docs if doc.kind in dedup_set.EDITS and not doc.kind.startswith("stress")]
    others = [doc for doc in docs if doc.kind == "independent_report"]
    picked = random.Random(size).sample(copy_docs, min(queries * 3 // 4, len(copy_docs)))
    picked += [others[n % len(others)] for n in range(queries - len(picked))]
    query_prints = [(doc, fp.fingerprint(doc.text)) for doc in picked]
    planted_ids = {group: n + 1 for n, group in enumerate(stored)}
    create_table, create_index = LAYOUTS[layout]

    with tempfile.TemporaryDirectory(prefix="newswatch-bench-") as tmp:
        path = os.path.join(tmp, "lookup.db")
        db = sqlite3.connect(path)
        # Bulk load only: no journal, no fsync. The lookups below run on the finished file.
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute(create_table)
        db.execute("CREATE TABLE fingerprints (article_id INTEGER PRIMARY KEY, data BLOB NOT NULL)")
        start = time.perf_counter()
        with db:
            for group, print_ in stored.items():
                article = planted_ids[group]
                db.executemany("INSERT INTO bands VALUES (?, ?)", [(key, article) for key in fp.band_keys(print_)])
                db.execute("INSERT INTO fingerprints VALUES (?, ?)", (article, print_.to_bytes()))
        next_id = len(stored) + 1
        chunk = 50_000
        header = np.full((chunk, 1), 1, dtype=np.uint8)  # format version byte
        while next_id <= size:
            count = min(chunk, size - next_id + 1)
            signatures = rng.integers(0, 2**32, size=(count, fp.NUM_PERM), dtype=np.uint32)
            hashes = rng.integers(0, 256, size=(count, 20), dtype=np.uint8)
            blobs = np.hstack([header[:count], hashes, signatures.astype("<u4").view(np.uint8)])
            ids = np.arange(next_id, next_id + count, dtype=np.int64)
            keys = fp.band_key_matrix(signatures)
            rows = zip(keys.ravel().tolist(), np.repeat(ids, fp.BANDS).tolist())
            if create_index is None:
                rows = sorted(rows)  # a clustered table loads far faster in key order
            with db:
                db.executemany("INSERT INTO bands VALUES (?, ?)", rows)
                db.executemany(
                    "INSERT INTO fingerprints VALUES (?, ?)", zip(ids.tolist(), (row.tobytes() for row in blobs))
                )
            next_id += count
        loaded = time.perf_counter() - start
        if create_index:
            db.execute(create_index)
        indexed = time.perf_counter() - start
        db.execute("ANALYZE")
        sizes = dict(db.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall())
        db.close()
        file_bytes = os.path.getsize(path)

        db = sqlite3.connect(path)
        passes = []
        found = copies_asked = false_hits = others_asked = 0
        for _ in range(2):
            latencies, candidates = [], []
            found = copies_asked = false_hits = others_asked = 0
            for doc, query in query_prints:
                begin = time.perf_counter()
                matches, candidate_count = lookup(db, query)
                latencies.append((time.perf_counter() - begin) * 1000)
                candidates.append(candidate_count)
                hits = {article for article, similarity in matches if similarity >= fp.DUPLICATE_THRESHOLD}
                if doc.kind in dedup_set.EDITS:
                    copies_asked += 1
                    found += planted_ids[doc.group] in hits
                else:
                    others_asked += 1
                    false_hits += bool(hits)
            passes.append(latencies)
        baseline = []
        for article in random.Random(1).sample(range(1, size + 1), len(query_prints)):
            begin = time.perf_counter()
            db.execute("SELECT data FROM fingerprints WHERE article_id = ?", (article,)).fetchone()
            baseline.append((time.perf_counter() - begin) * 1000)
        db.close()

    first, warm = passes
    bands_bytes = sum(value for name, value in sizes.items() if name.startswith(("bands", "sqlite_autoindex_bands")))
    return {
        "stored": size,
        "layout": layout,
        "bands_per_article": fp.BANDS,
        "load_seconds": round(loaded, 1),
        "load_and_index_seconds": round(indexed, 1),
        "file_bytes": file_bytes,
        "bytes_per_article": round(file_bytes / size, 1),
        "band_bytes_per_article": round(bands_bytes / size, 1),
        "fingerprint_bytes_per_article": round(sizes.get("fingerprints", 0) / size, 1),
        "queries": len(warm),
        "first_pass_p50_ms": round(float(np.percentile(first, 50)), 3),
        "first_pass_p95_ms": round(float(np.percentile(first, 95)), 3),
        "p50_ms": round(float(np.percentile(warm, 50)), 3),
        "p95_ms": round(float(np.percentile(warm, 95)), 3),
        "max_ms": round(max(warm), 3),
        "baseline_pk_read_p50_ms": round(float(np.percentile(baseline, 50)), 4),
        "p50_vs_baseline": round(float(np.percentile(warm, 50) / np.percentile(baseline, 50)), 1),
        "candidates_mean": round(statistics.mean(candidates), 2),
        "copies_found": f"{found}/{copies_asked}",
        "unrelated_with_a_hit": f"{false_hits}/{others_asked}",
    }


def lookup(db: sqlite3.Connection, query: fp.Fingerprint) -> tuple[list[tuple[int, float]], int]:
    """What the crawler would do: band keys -> candidate ids -> their fingerprints -> similarity."""
    keys = fp.band_keys(query)
    marks = ",".join("?" * len(keys))
    ids = [row[0] for row in db.execute(f"SELECT DISTINCT article_id FROM bands WHERE band_key IN ({marks})", keys)]
    if not ids:
        return [], 0
    marks = ",".join("?" * len(ids))
    rows = db.execute(f"SELECT article_id, data FROM fingerprints WHERE article_id IN ({marks})", ids)
    return [(article, fp.similarity(query, fp.Fingerprint.from_bytes(data))) for article, data in rows], len(ids)


# --- report -------------------------------------------------------------------------------------


def f_half(row: dict) -> float:
    precision, recall = row["precision"], row["recall"]
    return 1.25 * precision * recall / (0.25 * precision + recall) if precision + recall else 0.0


def recommended_threshold(results: dict) -> float:
    """A threshold with room for the MinHash estimate's noise: the most similar non-duplicate
    pair seen, plus 3 standard errors at that similarity, then the best F1 above that."""
    worst = max(row["max"] for row in results["negatives"])
    floor = worst + 3 * (worst * (1 - worst) / fp.NUM_PERM) ** 0.5
    allowed = [row for row in results["thresholds"] if row["threshold"] >= floor]
    allowed = allowed or results["thresholds"][-1:]
    return max(allowed, key=lambda row: (row["f1"], -row["threshold"]))["threshold"]


def recommended_bands(results: dict) -> str:
    """Fewest bands (smallest index) that found the measured duplicates and would also find a
    pair sitting exactly at the threshold 9 times in 10: this set's copies are mostly far above
    the threshold, so measured recall alone would not show what happens at it."""
    good = [
        row
        for row in results["lsh"]
        if row["candidate_recall_above_threshold"] >= 0.999 and row["candidate_odds_at_threshold"] >= 0.9
    ]
    pick = min(good, key=lambda row: row["bands"]) if good else results["lsh"][0]
    return f"{pick['bands']} x {pick['rows']}"


def print_table(title: str, rows: list[dict], columns: list[str] | None = None) -> None:
    if not rows:
        return
    columns = columns or list(rows[0])
    cells = [[_cell(row.get(column)) for column in columns] for row in rows]
    widths = [max(len(column), *(len(cell[n]) for cell in cells)) for n, column in enumerate(columns)]
    print(f"\n{title}")
    print("  ".join(column.ljust(width) for column, width in zip(columns, widths)))
    for cell in cells:
        print("  ".join(value.ljust(width) for value, width in zip(cell, widths)))


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):
        return " ".join(f"{k}={_cell(v)}" for k, v in value.items() if k in ("precision", "recall", "f1"))
    return str(value)


def print_report(results: dict) -> None:
    print("module constants:", results["module"])
    print("set:", results["set"])
    print_table("shingle size sweep (MinHash estimate, all evaluated pairs)", results["shingle_sizes"])
    top_f1 = max(row["best_f1"] for row in results["shingle_sizes"])
    tied = [row for row in results["shingle_sizes"] if row["best_f1"] >= top_f1 - 0.001]
    best_size = max(tied, key=lambda row: row["gap"])
    print(
        f"recommended SHINGLE_WORDS: {best_size['shingle_words']} (best F1 to within 0.001, then the "
        "widest gap between the 1st-percentile duplicate and the most similar non-duplicate)"
    )
    print_table(
        f"duplicate threshold (shingles of {fp.SHINGLE_WORDS} words; exact_* = true Jaccard)",
        results["thresholds"],
        ["threshold", "tp", "fp", "fn", "precision", "recall", "f1", "exact_precision", "exact_recall"],
    )
    print(
        f"recommended DUPLICATE_THRESHOLD: {recommended_threshold(results)} (best F1 among "
        "thresholds 3 standard errors of the estimate above the most similar non-duplicate)"
    )
    print_table(f"copy vs its original, by edit (at {fp.DUPLICATE_THRESHOLD})", results["per_edit"])
    print_table("non-duplicates, by kind", results["negatives"])
    print_table("LSH bands x rows (candidates: share a band; end-to-end: candidate and sim >= t)", results["lsh"])
    print(
        f"recommended BANDS x ROWS: {recommended_bands(results)} (fewest bands, so the smallest "
        "index, whose candidates include >= 99.9% of the duplicate pairs at or above the threshold "
        "and >= 90% of pairs exactly at it, by 1 - (1 - t**rows)**bands)"
    )
    print("band_keys agree with raw band equality:", results["band_keys_agree"])
    print_table(
        "short texts: excerpt copies (dateline + 1 or 2 words changed), distinct feed descriptions",
        results["short_texts"],
    )
    print("signature time:", results["timing"])
    print_table("same_event score by pair source", results["same_event"]["by_source"])
    print_table("same_event thresholds (all labelled pairs above)", results["same_event"]["thresholds"])
    best = max(results["same_event"]["thresholds"], key=lambda row: (f_half(row), row["precision"]))
    print(
        f"recommended STORY_THRESHOLD: {best['threshold']} (best F0.5: merging two events "
        "suppresses an alert, failing to merge one only sends an extra one)"
    )
    print("canonical URLs on corpus pages:", results["canonical_urls"])
    print_table(
        "SQLite lookup (band keys -> candidates -> fingerprints -> similarity)",
        results["lookup"],
        [
            "stored",
            "layout",
            "load_and_index_seconds",
            "bytes_per_article",
            "band_bytes_per_article",
            "fingerprint_bytes_per_article",
            "first_pass_p50_ms",
            "first_pass_p95_ms",
            "p50_ms",
            "p95_ms",
            "max_ms",
            "p50_vs_baseline",
            "candidates_mean",
            "copies_found",
            "unrelated_with_a_hit",
        ],
    )


if __name__ == "__main__":
    main()
