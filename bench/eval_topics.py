"""Precision and recall of the built-in topics on the labelled set, by batch and language.

The labelled set (tests/labelled/icet.jsonl) grows in batches. Rows without a `written` field are
the first set (2023-2025 reporting); `written` says whether a row was written before the topic was
tuned on it ("before-tuning": the topic has since been tuned with it in view) or after the last
tuning ("after-tuning": a held-out check the topic never saw). `lang` is "en" or "hi"; rows
without it count as Hindi when most of their letters are Devanagari.

    python bench/eval_topics.py                          # the current topics
    python bench/eval_topics.py --topics old_topics.py   # any file defining ICET and INDIA_US
    python bench/eval_topics.py --misses                 # also list what was missed or wrong
    python bench/eval_topics.py --events [FILE]          # events of a story set icet never matches
    python bench/eval_topics.py --compare old_topics.py  # real texts icet judges differently from OLD

The india-us check: the share of icet positives that india-us also flags (it should stay high:
they are India-US relations too) and what it flags among the icet negatives that are not about
India and the US (it should stay low).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from newswatch.domain.items import Article, TopicSpec
from newswatch.domain.matching import compile_topics, match

LABELLED = Path(__file__).resolve().parents[1] / "tests" / "labelled" / "icet.jsonl"
EVENTS = LABELLED.with_name("events.jsonl")
BILINGUAL = LABELLED.with_name("bilingual.jsonl")


def load_rows(path: Path = LABELLED) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def language(row: dict) -> str:
    if row.get("lang"):
        return row["lang"]
    letters = [c for c in row["title"] + row["text"] if c.isalpha()]
    devanagari = sum("\u0900" <= c <= "\u097f" for c in letters)
    return "hi" if letters and devanagari / len(letters) > 0.5 else "en"


def batch(row: dict) -> str:
    return row.get("written", "first set")


def load_topics(path: str | None) -> tuple[TopicSpec, TopicSpec]:
    if path is None:
        from newswatch.domain.topics import ICET, INDIA_US

        return ICET, INDIA_US
    spec = importlib.util.spec_from_file_location("topics_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ICET, module.INDIA_US


def matcher(topic: TopicSpec) -> Callable[[dict], bool]:
    compiled = compile_topics([topic])
    now = datetime(2026, 1, 1, tzinfo=UTC)

    def matches(row: dict) -> bool:
        article = Article(
            url="https://example.org/a",
            canonical_url="https://example.org/a",
            source="labelled",
            title=row["title"],
            text=row["text"],
            fetched_at=now,
        )
        return bool(match(article, compiled))

    return matches


def scores(rows: list[dict], flagged: dict[str, bool]) -> dict:
    tp = sum(1 for r in rows if r["label"] and flagged[r["id"]])
    fp = sum(1 for r in rows if not r["label"] and flagged[r["id"]])
    fn = sum(1 for r in rows if r["label"] and not flagged[r["id"]])
    return {
        "texts": len(rows),
        "positives": tp + fn,
        "found": tp,
        "wrong": fp,
        "missed": fn,
        "precision": round(tp / (tp + fp), 3) if tp + fp else None,
        "recall": round(tp / (tp + fn), 3) if tp + fn else None,
    }


def evaluate(rows: list[dict], icet: TopicSpec, india_us: TopicSpec) -> dict:
    is_icet, is_india_us = matcher(icet), matcher(india_us)
    flagged = {r["id"]: is_icet(r) for r in rows}
    groups: dict[str, list[dict]] = {"all": rows}
    for r in rows:
        groups.setdefault(f"lang={language(r)}", []).append(r)
        groups.setdefault(f"batch={batch(r)}", []).append(r)
        groups.setdefault(f"batch={batch(r)} lang={language(r)}", []).append(r)
    result = {name: scores(group, flagged) for name, group in sorted(groups.items())}
    positives = [r for r in rows if r["label"]]
    result["india-us"] = {
        "icet positives also flagged": f"{sum(map(is_india_us, positives))}/{len(positives)}",
    }
    result["missed"] = [f"{r['id']} {r['title'][:70]}" for r in positives if not flagged[r["id"]]]
    result["wrong"] = [f"{r['id']} {r['title'][:70]}" for r in rows if not r["label"] and flagged[r["id"]]]
    return result


def events_unmatched(icet: TopicSpec, path: Path = EVENTS) -> tuple[int, int, list[str]]:
    """The events of a story label set with no report the topic matches: (events, matched, the
    unmatched ones with their names)."""
    is_icet = matcher(icet)
    by_event: dict[str, list[dict]] = {}
    for row in load_rows(path):
        by_event.setdefault(row["event"], []).append(row)
    unmatched = [
        f"{event} ({len(rows)} reports) {rows[0].get('event_name', '')}"
        for event, rows in sorted(by_event.items())
        if not any(is_icet({"title": r.get("title") or "", "text": r.get("text") or ""}) for r in rows)
    ]
    return len(by_event), len(by_event) - len(unmatched), unmatched


def real_texts() -> list[dict]:
    """Every real text at hand: the labelled sets and the shared corpus's feed items and pages."""
    from bench_stories import feed_items
    from corpus import CORPUS

    texts = [{"where": "icet.jsonl", **r} for r in load_rows()]
    for story_set in (EVENTS, BILINGUAL):
        texts += [{"where": story_set.name, **r} for r in load_rows(story_set)]
    if CORPUS.is_dir():
        texts += [{"where": item["outlet"], **item} for item in feed_items(CORPUS).values()]
    return texts


def compare(old: TopicSpec, new: TopicSpec) -> tuple[int, list[str]]:
    """The real texts the old and the new topic judge differently: (texts, "+ title" or "- title")."""
    is_old, is_new = matcher(old), matcher(new)
    texts = real_texts()
    changed = []
    for text in texts:
        row = {"title": text.get("title") or "", "text": text.get("text") or ""}
        before, after = is_old(row), is_new(row)
        if before != after:
            changed.append(f"{'+' if after else '-'} {text['where']}: {row['title'][:80]}")
    return len(texts), changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topics", help="a Python file defining ICET and INDIA_US (default: the built-in ones)")
    parser.add_argument("--misses", action="store_true", help="list missed positives and matched negatives")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--events",
        nargs="?",
        const=EVENTS,
        type=Path,
        metavar="FILE",
        help="list the events of a story set (default events.jsonl) icet matches no report of",
    )
    parser.add_argument("--compare", metavar="OLD", help="list the real texts icet and OLD's ICET judge differently")
    args = parser.parse_args()
    if args.events:
        total, matched, unmatched = events_unmatched(load_topics(args.topics)[0], args.events)
        print(f"{args.events.name}: {matched} of {total} events have a report icet matches; none of:")
        print(*unmatched, sep="\n")
        return
    if args.compare:
        total, changed = compare(load_topics(args.compare)[0], load_topics(args.topics)[0])
        print(f"{len(changed)} of {total} real texts judged differently (+ matched now, - no longer):")
        print(*changed, sep="\n")
        return
    result = evaluate(load_rows(), *load_topics(args.topics))
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    print(f"{'group':40s} {'texts':>5s} {'pos':>4s} {'found':>5s} {'wrong':>5s} {'P':>6s} {'R':>6s}")
    for name, s in result.items():
        if name.startswith(("all", "lang=", "batch=")):
            p = "-" if s["precision"] is None else f"{s['precision']:.3f}"
            r = "-" if s["recall"] is None else f"{s['recall']:.3f}"
            print(f"{name:40s} {s['texts']:5d} {s['positives']:4d} {s['found']:5d} {s['wrong']:5d} {p:>6s} {r:>6s}")
    for key, value in result["india-us"].items():
        print(f"india-us: {key}: {value}")
    if args.misses:
        print("missed:", *result["missed"], sep="\n  ")
        print("wrong:", *result["wrong"], sep="\n  ")


if __name__ == "__main__":
    main()
