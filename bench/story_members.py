"""Would comparing a new report with every member of a story, not only its first report, group
events better? A simplified replay of the story lookup, measured on the labelled sets.

    .venv/bin/python bench/story_members.py --floor 0.2 --floor 0.1
    .venv/bin/python bench/story_members.py --labels bench/labels/corpus_events.jsonl --corpus DIR

Each crawl order of `bench_stories.py` is replayed in memory: a report joins the story whose first
report, published within the story window, scores highest at or above the threshold (term weights
from the reports seen so far), else it starts a story, and each story alerts once. This is
newswatch's rule without the template-rival step; on the feeds it gives the same misses as the
real pipeline. With `--floor F`, a story whose first report scores at least F with the new report
counts with its best member's score instead (the first report anchors the story, its members
vote). With `--extend D`, a story also takes reports published up to D days from its first
report when one of its members was published within the story window of them (an event covered
for a week stays one story). Printed per rule: recall and stories (alerts) per event over the orders, and the events
never alerted with the number of orders they were missed in.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_stories import EVENTS, corpus_labelled, load, orders
from corpus import CORPUS

from newswatch.db.store import STORY_WINDOW
from newswatch.domain import fingerprint


def replay(ordered: list[dict], floor: float | None, extend: timedelta | None = None) -> list[dict]:
    """The first report of each story the order makes."""
    counts: Counter = Counter()
    stories: list[tuple[dict, fingerprint.EventProfile, list[tuple[dict, fingerprint.EventProfile]]]] = []
    for seen, report in enumerate(ordered):
        profile = fingerprint.event_profile(report["title"], report["text"])
        weights = fingerprint.TermWeights(seen, dict(counts))
        best = None
        for story in stories:
            first, first_profile, members = story
            apart = abs(first["published"] - report["published"])
            if apart > STORY_WINDOW and (
                extend is None
                or apart > extend
                or not any(abs(m["published"] - report["published"]) <= STORY_WINDOW for m, _ in members)
            ):
                continue
            score = fingerprint.event_score(profile, first_profile, weights)
            if floor is not None and score >= floor:
                voted = max((fingerprint.event_score(profile, m, weights) for _, m in members), default=0.0)
                score = max(score, voted if voted >= fingerprint.STORY_THRESHOLD else 0.0)
            if score >= fingerprint.STORY_THRESHOLD and (best is None or score > best[0]):
                best = (score, story)
        if best is None:
            stories.append((report, profile, []))
        else:
            best[1][2].append((report, profile))
        counts.update(profile.terms)
    return [first for first, _, _ in stories]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", type=Path, default=EVENTS)
    parser.add_argument("--corpus", type=Path, help="the shared corpus (for --labels of corpus feed entries)")
    parser.add_argument("--orders", type=int, default=5, help="seeded shuffles besides oldest and newest first")
    parser.add_argument("--floor", type=float, action="append", default=[], help="also replay members voting above F")
    parser.add_argument("--extend", type=float, metavar="D", help="also replay stories extended up to D days")
    args = parser.parse_args(argv)
    reports = load(args.labels) if args.labels == EVENTS else corpus_labelled(args.labels, args.corpus or CORPUS)
    events = {r["event"] for r in reports}
    rules: list[tuple[str, float | None, timedelta | None]] = [("first report only", None, None)]
    rules += [(f"members vote above {floor}", floor, None) for floor in args.floor]
    if args.extend:
        rules.append((f"extended to {args.extend:g} days", None, timedelta(days=args.extend)))
    for rule, floor, extend in rules:
        recalls, per_event, missed = [], [], Counter()
        for ordered in orders(reports, args.orders).values():
            alerted = Counter(first["event"] for first in replay(ordered, floor, extend))
            recalls.append(sum(1 for e in events if alerted[e]) / len(events))
            per_event.append(sum(alerted.values()) / len(events))
            missed.update(e for e in events if not alerted[e])
        print(
            f"{rule:<28} recall {min(recalls):.2f}-{max(recalls):.2f}"
            f"  alerts/event {min(per_event):.2f}-{max(per_event):.2f}"
            f"  missed: {', '.join(f'{e} x{n}' for e, n in sorted(missed.items())) or '-'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
