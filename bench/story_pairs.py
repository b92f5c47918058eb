"""Which pairs of labelled reports can join one story, and what a candidate rule would split.

    .venv/bin/python bench/story_pairs.py                 # tests/labelled/events.jsonl
    .venv/bin/python bench/story_pairs.py --labels bench/labels/corpus_events.jsonl --corpus DIR
    .venv/bin/python bench/story_pairs.py --rule verbs --list
    .venv/bin/python bench/story_pairs.py --pages --list  # the corpus's full pages, each its own event

A pair can join when the two reports were published within the story window of each other and
their `event_score` reaches the threshold, with term weights from the whole set (as a store
holding all of it would weigh them). Printed: how many such pairs report one event and how many
two, and, with `--rule`, how many of each the rule would split. A good rule splits many
different-event pairs and few same-event ones. `--list` prints the pairs the rule splits.

Rules (measured, not used by newswatch; bench/README.md has the numbers):
- `verbs`: what each headline says happened, from its verbs (a signing, a meeting or talks, a
  statement, an arrival or visit); split when both headlines have a class and they share none.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_stories import EVENTS, corpus_labelled, load, page_items
from corpus import CORPUS

from newswatch.db.store import STORY_WINDOW
from newswatch.domain import fingerprint

VERB_CLASSES = {
    "signing": r"\b(sign|signs|signed|signing|ink|inks|inked|pacts?|agreements?|deals?|mou|accord)\b",
    "meeting": r"\b(meet|meets|met|meeting|talks?|reviews?|discuss(es|ed)?|dialogue|holds?|held|summit|calls?|readout)\b",
    "statement": r"(:\s*[^:]+$)|\b(says|said|speech|address(es)?|hails|lauds|slams|blames)\b",
    "visit": r"\b(arrives?|arrived|visits?|visited|lands|reaches|tour)\b",
}


def verb_classes(title: str) -> set[str]:
    folded = title.casefold()
    return {name for name, pattern in VERB_CLASSES.items() if re.search(pattern, folded)}


def split_by_verbs(a: dict, b: dict) -> bool:
    x, y = verb_classes(a["title"]), verb_classes(b["title"])
    return bool(x) and bool(y) and not x & y


RULES = {"verbs": split_by_verbs}


def joinable_pairs(reports: list[dict]) -> list[tuple[float, dict, dict]]:
    """(score, a, b) for every pair within the story window scoring at or above the threshold."""
    profiles = [fingerprint.event_profile(r["title"], r["text"]) for r in reports]
    weights = fingerprint.TermWeights(len(reports), Counter(t for p in profiles for t in p.terms))
    found = []
    for i, a in enumerate(reports):
        for j in range(i + 1, len(reports)):
            b = reports[j]
            if abs(a["published"] - b["published"]) > STORY_WINDOW:
                continue
            score = fingerprint.event_score(profiles[i], profiles[j], weights)
            if score >= fingerprint.STORY_THRESHOLD:
                found.append((score, a, b))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", type=Path, default=EVENTS)
    parser.add_argument("--corpus", type=Path, help="the shared corpus (for --labels of corpus feed entries)")
    parser.add_argument("--rule", choices=sorted(RULES))
    parser.add_argument("--pages", action="store_true", help="the corpus's full article pages, each its own event")
    parser.add_argument("--list", action="store_true", help="print the pairs the rule splits (without --rule: all)")
    args = parser.parse_args(argv)
    if args.pages:  # long real texts: do different events' pages reach the threshold?
        reports = [
            {**item, "id": item["outlet"], "event": item["outlet"]}
            for item in page_items(args.corpus or CORPUS).values()
        ]
    elif args.labels == EVENTS:
        reports = load(args.labels)
    else:
        reports = corpus_labelled(args.labels, args.corpus or CORPUS)
    pairs = joinable_pairs(reports)
    same = [p for p in pairs if p[1]["event"] == p[2]["event"]]
    within = sum(
        1
        for i, a in enumerate(reports)
        for b in reports[i + 1 :]
        if abs(a["published"] - b["published"]) <= STORY_WINDOW
    )
    print(
        f"{within} pairs within the story window; {len(pairs)} can join: {len(same)} of one event, {len(pairs) - len(same)} of two"
    )
    if args.list and not args.rule:
        for score, a, b in pairs:
            kind = "same" if a["event"] == b["event"] else "diff"
            print(f"  {kind} {score:.2f} {a['id']} {a['title'][:60]!r} | {b['id']} {b['title'][:60]!r}")
    if args.rule:
        rule = RULES[args.rule]
        split = [p for p in pairs if rule(p[1], p[2])]
        split_same = sum(1 for p in split if p[1]["event"] == p[2]["event"])
        print(
            f"{args.rule} splits {split_same} of {len(same)} same-event pairs"
            f" and {len(split) - split_same} of {len(pairs) - len(same)} different-event pairs"
        )
        if args.list:
            for score, a, b in split:
                kind = "same" if a["event"] == b["event"] else "diff"
                print(f"  {kind} {score:.2f} {a['event']} {a['title'][:60]!r} | {b['event']} {b['title'][:60]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
