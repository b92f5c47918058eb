"""Benchmark article extraction: our `extract_article` against bare trafilatura.

Corpus: every `*.html` in the pages directory (default: bench/corpus.py) with its `*.json`
(expected `title`, `publishing_date`, `articleBody`, `url`).

Body score, as in the article-extraction-benchmark (github.com/scrapinghub/article-extraction-benchmark):
- tokens are the `\\w+` runs of the text (Unicode, case kept), shingles are the word 4-grams;
- per page, true positives = shared shingles (counted with multiplicity), false positives =
  extracted shingles not in the expected body, false negatives = expected shingles not extracted;
  the three are divided by their sum so that long pages weigh no more than short ones;
- precision, recall and F1 come from the per-page fractions summed over the corpus.
The mean of per-page F1 is printed as well.

Title accuracy: the extracted title equals the expected one after case folding and reducing
punctuation and whitespace to single spaces.

Date accuracy, over pages whose expected `publishing_date` is set: the extracted publication date
falls on the expected calendar day (the day in the publisher's own offset), read either in that
offset or in UTC - bare trafilatura gives a day with no time or zone, ours gives an instant.

Compared:
(a) bare: `trafilatura.extract(html)` with default settings on the raw bytes (timed); its title
    and date come from `trafilatura.bare_extraction(html, with_metadata=True)` (timed apart);
(b) ours: `crawler.extract.extract_article(html, url, ...)` with no feed entry (timed).
For the record of why ours runs trafilatura in its balanced mode, the body F1 of trafilatura's
favor_precision and favor_recall modes (comments excluded, as ours) is measured too.

Prints a table and writes bench/results/extraction.json.
Run: python bench/bench_extraction.py [--pages DIR] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from bench import corpus  # noqa: E402
from newswatch.crawler.extract import NotAnArticle, extract_article  # noqa: E402

DEFAULT_PAGES = corpus.PAGES
RESULTS = ROOT / "bench" / "results" / "extraction.json"
_TOKEN = re.compile(r"\w+", re.UNICODE)
MODES = {
    "balanced": {},
    "favor_precision": {"favor_precision": True},
    "favor_recall": {"favor_recall": True},
}


def shingles(text: str, n: int = 4) -> Counter:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def shingle_fractions(expected: str, got: str) -> tuple[float, float, float]:
    """Per-page (tp, fp, fn), normalised to sum to 1 (all zero when both texts are empty)."""
    want, have = shingles(expected), shingles(got)
    tp = sum(min(want[k], have[k]) for k in want.keys() & have.keys())
    fp = sum(have.values()) - tp
    fn = sum(want.values()) - tp
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def prf(sums: list[float]) -> tuple[float, float, float]:
    tp, fp, fn = sums
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def title_key(text: str | None) -> str:
    return re.sub(r"\W+", " ", text or "").strip().casefold()


def expected_day(raw: str | None) -> tuple[date, object] | None:
    """The expected calendar day and its offset (None when the timestamp is naive)."""
    if not raw:
        return None
    value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    return value.date(), value.tzinfo


def date_correct(expected: tuple[date, object] | None, got: datetime | date | str | None) -> bool:
    if expected is None or got is None:
        return False
    day, tz = expected
    if isinstance(got, str):
        got = date.fromisoformat(got[:10])
    if isinstance(got, datetime):
        got = got if got.tzinfo else got.replace(tzinfo=UTC)
        readings = {got.astimezone(UTC).date()}
        if tz is not None:
            readings.add(got.astimezone(tz).date())
        return day in readings
    return got == day


def run(pages_dir: Path, verbose: bool) -> dict:
    logging.disable(logging.CRITICAL)  # trafilatura logs every discarded page
    pages = sorted(pages_dir.glob("*.html"))
    if not pages:
        raise SystemExit(f"no *.html pages in {pages_dir}")
    fetched_at = datetime.now(UTC)
    sums = {"bare": [0.0, 0.0, 0.0], "ours": [0.0, 0.0, 0.0]}
    per_page_f1 = {"bare": [], "ours": []}
    titles = {"bare": 0, "ours": 0}
    dates = {"bare": 0, "ours": 0}
    times = {"bare": [], "ours": [], "bare_metadata": []}
    mode_sums = {mode: [0.0, 0.0, 0.0] for mode in MODES}
    dated = 0
    rows = []
    for page in pages:
        expected = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
        html = page.read_bytes()
        url = expected.get("url") or f"https://example.invalid/{page.stem}"
        want_day = expected_day(expected.get("publishing_date"))
        dated += want_day is not None

        start = time.perf_counter()
        bare_text = trafilatura.extract(html) or ""
        times["bare"].append(time.perf_counter() - start)
        start = time.perf_counter()
        bare_doc = trafilatura.bare_extraction(html, with_metadata=True)
        times["bare_metadata"].append(time.perf_counter() - start)

        start = time.perf_counter()
        try:
            article = extract_article(html, url, "bench", fetched_at)
            ours_text, ours_title, ours_date, refused = article.text, article.title, article.published_at, None
        except NotAnArticle as exc:
            ours_text, ours_title, ours_date, refused = "", None, None, exc.reason
        times["ours"].append(time.perf_counter() - start)

        for mode, options in MODES.items():
            text = trafilatura.extract(html, url=url, include_comments=False, **options) or ""
            for i, value in enumerate(shingle_fractions(expected.get("articleBody") or "", text)):
                mode_sums[mode][i] += value

        row = {"page": page.stem, "refused": refused}
        for name, text, title, when in (
            ("bare", bare_text, bare_doc.title if bare_doc else None, bare_doc.date if bare_doc else None),
            ("ours", ours_text, ours_title, ours_date),
        ):
            fractions = shingle_fractions(expected.get("articleBody") or "", text)
            for i in range(3):
                sums[name][i] += fractions[i]
            page_f1 = prf(list(fractions))[2]
            per_page_f1[name].append(page_f1)
            title_ok = title_key(title) == title_key(expected.get("title"))
            date_ok = date_correct(want_day, when)
            titles[name] += title_ok
            dates[name] += date_ok
            row[name] = {
                "f1": round(page_f1, 4),
                "title_ok": title_ok,
                "date_ok": date_ok if want_day else None,
                "date": when.isoformat() if isinstance(when, datetime) else when,
            }
        row["expected_date"] = expected.get("publishing_date")
        rows.append(row)
        if verbose:
            print(
                f"{page.stem[:34]:34s} F1 {row['bare']['f1']:.3f} -> {row['ours']['f1']:.3f}  "
                f"title {'ok' if row['ours']['title_ok'] else '--'}  date {'ok' if row['ours']['date_ok'] else '--'} "
                f"{row['ours']['date']} (want {row['expected_date']}){'  REFUSED: ' + refused if refused else ''}"
            )

    count = len(pages)
    summary = {}
    for name in ("bare", "ours"):
        precision, recall, f1 = prf(sums[name])
        summary[name] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "mean_page_f1": round(statistics.mean(per_page_f1[name]), 4),
            "title_accuracy": round(titles[name] / count, 4),
            "date_accuracy": round(dates[name] / dated, 4) if dated else None,
            "seconds_per_page": round(statistics.mean(times[name]), 4),
            "median_seconds_per_page": round(statistics.median(times[name]), 4),
        }
    summary["bare"]["metadata_seconds_per_page"] = round(statistics.mean(times["bare_metadata"]), 4)
    result = {
        "pages": count,
        "pages_with_date": dated,
        "pages_dir": str(pages_dir),
        "trafilatura_version": trafilatura.__version__,
        "summary": summary,
        "trafilatura_modes_f1_without_comments": {mode: round(prf(s)[2], 4) for mode, s in mode_sums.items()},
        "time_ratio_ours_vs_bare": round(statistics.mean(times["ours"]) / statistics.mean(times["bare"]), 2),
        "requirements": {
            "ours_f1_at_least_bare": summary["ours"]["f1"] >= summary["bare"]["f1"],
            "ours_dates_at_least_90_percent": (summary["ours"]["date_accuracy"] or 0) >= 0.9,
        },
        "per_page": rows,
    }
    return result


def print_table(result: dict) -> None:
    summary = result["summary"]
    print(
        f"\n{result['pages']} pages ({result['pages_with_date']} with a date), "
        f"trafilatura {result['trafilatura_version']}"
    )
    columns = ("P", "R", "F1", "meanF1", "title", "date")
    header = f"{'':6s} " + " ".join(f"{c:>7s}" for c in columns) + f" {'s/page':>8s} {'median':>8s}"
    print(header)
    print("-" * len(header))
    for name in ("bare", "ours"):
        s = summary[name]
        print(
            f"{name:6s} {s['precision']:7.3f} {s['recall']:7.3f} {s['f1']:7.4f} {s['mean_page_f1']:7.3f} "
            f"{s['title_accuracy']:7.1%} {s['date_accuracy'] or 0:7.1%} {s['seconds_per_page']:8.4f} "
            f"{s['median_seconds_per_page']:8.4f}"
        )
    print(
        f"time ours/bare: {result['time_ratio_ours_vs_bare']}x  (bare metadata pass apart: "
        f"{summary['bare']['metadata_seconds_per_page']:.4f} s/page)"
    )
    modes = ", ".join(f"{mode} {f1:.4f}" for mode, f1 in result["trafilatura_modes_f1_without_comments"].items())
    print(f"trafilatura modes, body F1 without comments: {modes}")
    for requirement, ok in result["requirements"].items():
        print(f"{requirement}: {'yes' if ok else 'NO'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--verbose", action="store_true", help="one line per page")
    args = parser.parse_args()
    result = run(args.pages, args.verbose)
    print_table(result)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"wrote {RESULTS}")
    return 0 if all(result["requirements"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
