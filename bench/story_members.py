"""Would another story lookup group events better? A simplified replay of the story lookup,
measured on the labelled sets, with the rules tried against it.

    .venv/bin/python bench/story_members.py --floor 0.2 --floor 0.1
    .venv/bin/python bench/story_members.py --cohesion 0.6 --reanchor --lead 35
    .venv/bin/python bench/story_members.py --labels bench/labels/corpus_events.jsonl --corpus DIR
    .venv/bin/python bench/story_members.py --events tests/labelled/long.jsonl --floor 0.1

Each crawl order of `bench_stories.py` is replayed in memory: a report joins the story whose first
report, published within the story window, scores highest at or above the threshold (term weights
from the reports seen so far), else it starts a story, and each story alerts once. This is
newswatch's rule without the template-rival step; on the feeds it gives the same misses as the
real pipeline. The rules, each replayed on its own:

- `--floor F`: a story whose first report scores at least F with the new report counts with its
  best member's score instead (the first report anchors the story, its members vote);
- `--extend D`: a story also takes reports published up to D days from its first report when one
  of its members was published within the story window of them (an event covered for a week
  stays one story);
- `--cohesion R`: a story with members takes a report only when the report's best score with the
  story's reports is at least R times the best score of a member with the first report (a report
  must look like the members, not a distant relative of a tight cluster);
- `--reanchor`: a report published before its story's first report becomes the story's anchor
  (what later reports are compared with), as if crawled oldest first;
- `--lead L`: the score is the mean of the usual one and one whose key terms come from the
  headline and the first L words only (what the lead says weighs twice).

Printed per rule: recall and stories (alerts) per event over the orders, and the events never
alerted with the number of orders they were missed in.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_stories import EVENTS, corpus_labelled, load, orders
from corpus import CORPUS

from newswatch.db.store import STORY_WINDOW
from newswatch.domain import fingerprint
from newswatch.domain.fingerprint import EventProfile, TermWeights


@dataclass(frozen=True)
class Rule:
    name: str
    floor: float | None = None
    extend: timedelta | None = None
    cohesion: float | None = None
    reanchor: bool = False
    lead: int | None = None


@dataclass
class Story:
    first: dict
    anchor: tuple[dict, tuple[EventProfile, ...]]
    members: list[tuple[dict, tuple[EventProfile, ...]]] = field(default_factory=list)


def profiles(report: dict, lead: int | None) -> tuple[EventProfile, ...]:
    """The report's event profile, and with `lead` the same with key terms of its lead only."""
    profile = fingerprint.event_profile(report["title"], report["text"])
    if lead is None:
        return (profile,)
    keys = fingerprint.key_terms(report["title"] or "", report["text"] or "", lead_words=lead)
    return profile, replace(profile, keys=frozenset(keys))


def score(a: tuple[EventProfile, ...], b: tuple[EventProfile, ...], weights: TermWeights) -> float:
    return sum(fingerprint.event_score(x, y, weights) for x, y in zip(a, b)) / len(a)


def _admits(rule: Rule, story: Story, report: dict, profile, weights: TermWeights, first_score: float) -> float:
    """The score the story counts with for the report under the rule (0: not a candidate)."""
    if rule.floor is not None and first_score >= rule.floor:
        voted = max((score(profile, m, weights) for _, m in story.members), default=0.0)
        first_score = max(first_score, voted if voted >= fingerprint.STORY_THRESHOLD else 0.0)
    if rule.cohesion is not None and story.members and first_score >= fingerprint.STORY_THRESHOLD:
        anchor = story.anchor[1]
        tight = max(score(m, anchor, weights) for _, m in story.members)
        best = max([first_score] + [score(profile, m, weights) for _, m in story.members])
        if best < rule.cohesion * tight:
            return 0.0
    return first_score


def _in_window(rule: Rule, story: Story, report: dict) -> bool:
    apart = abs(story.anchor[0]["published"] - report["published"])
    if apart <= STORY_WINDOW:
        return True
    return (
        rule.extend is not None
        and apart <= rule.extend
        and any(abs(m["published"] - report["published"]) <= STORY_WINDOW for m, _ in story.members)
    )


def replay(ordered: list[dict], rule: Rule) -> list[dict]:
    """The first report of each story the order makes."""
    counts: Counter = Counter()
    stories: list[Story] = []
    for seen, report in enumerate(ordered):
        profile = profiles(report, rule.lead)
        weights = TermWeights(seen, dict(counts))
        best: tuple[float, Story] | None = None
        for story in stories:
            if not _in_window(rule, story, report):
                continue
            found = _admits(rule, story, report, profile, weights, score(profile, story.anchor[1], weights))
            if found >= fingerprint.STORY_THRESHOLD and (best is None or found > best[0]):
                best = (found, story)
        if best is None:
            stories.append(Story(report, (report, profile)))
        else:
            story = best[1]
            story.members.append((report, profile))
            if rule.reanchor and report["published"] < story.anchor[0]["published"]:
                story.anchor = (report, profile)
        counts.update(profile[0].terms)
    return [story.first for story in stories]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", type=Path, default=EVENTS)
    parser.add_argument("--corpus", type=Path, help="the shared corpus (for --labels of corpus feed entries)")
    parser.add_argument("--events", type=Path, help="the labelled reports (default events.jsonl; long.jsonl)")
    parser.add_argument("--orders", type=int, default=5, help="seeded shuffles besides oldest and newest first")
    parser.add_argument("--floor", type=float, action="append", default=[], help="also replay members voting above F")
    parser.add_argument("--extend", type=float, metavar="D", help="also replay stories extended up to D days")
    parser.add_argument("--cohesion", type=float, action="append", default=[], metavar="R", help="also replay R")
    parser.add_argument("--reanchor", action="store_true", help="also replay earlier reports re-anchoring")
    parser.add_argument("--lead", type=int, action="append", default=[], metavar="L", help="also replay leads of L")
    args = parser.parse_args(argv)
    if args.labels == EVENTS:
        reports = load(args.events or EVENTS)
    else:
        reports = corpus_labelled(args.labels, args.corpus or CORPUS)
    events = {r["event"] for r in reports}
    rules = [Rule("first report only")]
    rules += [Rule(f"members vote above {floor}", floor=floor) for floor in args.floor]
    if args.extend:
        rules.append(Rule(f"extended to {args.extend:g} days", extend=timedelta(days=args.extend)))
    rules += [Rule(f"cohesion {ratio}", cohesion=ratio) for ratio in args.cohesion]
    if args.reanchor:
        rules.append(Rule("earliest report anchors", reanchor=True))
    rules += [Rule(f"lead of {words} words", lead=words) for words in args.lead]
    for rule in rules:
        recalls, per_event, missed = [], [], Counter()
        for ordered in orders(reports, args.orders).values():
            alerted = Counter(first["event"] for first in replay(ordered, rule))
            recalls.append(sum(1 for e in events if alerted[e]) / len(events))
            per_event.append(sum(alerted.values()) / len(events))
            missed.update(e for e in events if not alerted[e])
        print(
            f"{rule.name:<28} recall {min(recalls):.2f}-{max(recalls):.2f}"
            f"  alerts/event {min(per_event):.2f}-{max(per_event):.2f}"
            f"  missed: {', '.join(f'{e} x{n}' for e, n in sorted(missed.items())) or '-'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
