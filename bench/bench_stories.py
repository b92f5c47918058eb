"""Do stories follow events? The labelled event set through the real store and alert policy.

    .venv/bin/python bench/bench_stories.py                 # every order, the summary table
    .venv/bin/python bench/bench_stories.py --verbose       # also each event that did not alert once
    .venv/bin/python bench/bench_stories.py --split held-out --orders 8
    .venv/bin/python bench/bench_stories.py --events tests/labelled/bilingual.jsonl --verbose

`tests/labelled/events.jsonl` holds real public reports with their real publication dates, each
labelled with the event it reports (see its README). Each crawl order feeds every report, as a
crawl would, into a fresh SQLite database through the crawl pipeline's own step
(`crawler.pipelines.store_and_plan`: dedup, story lookup, alert planning) for one instant topic
that every report matches, in cycles of `--cycle` reports (one transaction and one `RecentStories` per cycle, as the crawl pipeline
does). Fetch times follow the crawl order; publication times are the reports' own, so a report
crawled late can be years older than the story seed before it. `alerts.max_age` is off: what
decides is the story grouping alone.

A young store knows nothing of which words are common; `--background DIR` first stores the
other real reports of the shared corpus (its feeds' items and its pages, read at run time, never
copied into the repository; the labelled reports are left out), as a store that has been running
for a while holds unrelated reports. They are stored oldest first, match no topic and never
alert, but labelled reports may join their stories (and then, rightly, count as not alerted).

`--topic icet` matches each report with the built-in `icet` topic instead, as a default
installation does: reports it does not match are stored without a match (they can still start
or join stories), and the figures count only the events with at least one matching report.

Printed per order and split: event recall (events with at least one alert / events), alerts per
event (instant alerts, and with `--preview-updates` the updates of stories that alerted on a
preview, / events), and the events that alerted more than once or never. `--explain`
also says, for each report of a never-alerted event, whose story it joined, its event score with
that story's first report, and the terms they share with their weights at that moment.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select

from newswatch.alerts.policy import CycleBudget
from newswatch.alerts.settings import TopicAlerting
from newswatch.crawler.pipelines import store_and_plan
from newswatch.db import store
from newswatch.db.models import Alert
from newswatch.db.session import open_database
from newswatch.domain import fingerprint
from newswatch.domain.items import Article, Match
from newswatch.scheduler.app import AlertWiring, alert_settings
from newswatch.scheduler.config import validate

EVENTS = Path(__file__).resolve().parents[1] / "tests" / "labelled" / "events.jsonl"
TOPIC = TopicAlerting(name="watch", mode="instant")
SETTINGS = replace(alert_settings(validate({}, "<bench>", None, check_targets=False)), max_age=0, max_per_cycle=10_000)
CRAWLED_FROM = datetime(2026, 12, 1, tzinfo=UTC)  # after every report in the set


def load(path: Path = EVENTS) -> list[dict]:
    """The labelled reports of a JSON Lines file; a report without `held_out` is held out, one
    without `set` is of the one set "all"."""
    reports = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for report in reports:
        report["published"] = datetime.fromisoformat(report["published_at"]).astimezone(UTC)
        report.setdefault("held_out", True)
        report.setdefault("set", "all")
    return reports


def feed_items(folder: Path) -> dict[str, dict]:
    """The reports of a corpus folder (feeds/ items and pages/), by URL: title, text, date, outlet."""
    import re

    import feedparser

    from newswatch.crawler.feeds import html_to_text, parse_date

    found: dict[str, dict] = {}
    for feed in sorted((folder / "feeds").glob("*")):
        if feed.suffix not in (".xml", ".rss"):
            continue
        for entry in feedparser.parse(feed.read_bytes()).entries:
            url, moment = (entry.get("link") or "").strip(), parse_date(entry.get("published") or entry.get("updated"))
            if url and moment:
                text = re.sub(r"Continue reading\.\.\.", "", html_to_text(entry.get("summary") or ""))
                title = " ".join((entry.get("title") or "").split())
                found[url] = {"url": url, "title": title, "text": text, "published": moment, "outlet": feed.stem}
    found.update(page_items(folder))
    return found


def page_items(folder: Path) -> dict[str, dict]:
    """The full article pages of a corpus folder (pages/), by URL: title, text, date, outlet."""
    from newswatch.crawler.feeds import parse_date

    found: dict[str, dict] = {}
    for page in sorted((folder / "pages").glob("*.json")):
        data = json.loads(page.read_text(encoding="utf-8"))
        moment = parse_date(data.get("publishing_date"))
        if data.get("url") and moment:
            found[data["url"]] = {
                "url": data["url"],
                "title": data.get("title") or "",
                "text": data.get("articleBody") or "",
                "published": moment,
                "outlet": page.stem,
            }
    return found


def background(folder: Path, labelled: list[dict]) -> list[dict]:
    """The corpus's other reports (title, text, date, URL), oldest first."""
    known = {r["url"] for r in labelled}
    found = [item for url, item in feed_items(folder).items() if url not in known]
    return sorted(found, key=lambda r: (r["published"], r["url"]))


def corpus_labelled(labels: Path | list[Path], folder: Path) -> list[dict]:
    """The reports of label files of corpus feed entries (bench/labels/corpus_events*.jsonl), with
    their titles, texts and dates read from the corpus. Entries that tests/labelled/events.jsonl
    also holds (tuned on) are not held out; the others are (labelled, never tuned on)."""
    items = feed_items(folder)
    tuned = {report["url"] for report in load()}
    reports: list[dict] = []
    for path in [labels] if isinstance(labels, Path) else labels:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            label = json.loads(line)
            item = items.get(label["url"])
            if item is None:
                raise SystemExit(f"{path}:{number}: {label['url']} is not in {folder}'s feeds")
            same = sum(1 for r in reports if r["event"] == label["event"]) + 1
            held_out = label["url"] not in tuned
            reports.append({**item, "id": f"{label['event']}-{same}", "event": label["event"], "held_out": held_out})
    return reports


def orders(reports: list[dict], shuffles: int) -> dict[str, list[dict]]:
    """Oldest first, newest first, and `shuffles` seeded shuffles."""
    by_time = sorted(reports, key=lambda r: (r["published"], r["id"]))
    chosen = {"oldest first": by_time, "newest first": by_time[::-1]}
    for seed in range(1, shuffles + 1):
        shuffled = list(reports)
        random.Random(seed).shuffle(shuffled)
        chosen[f"shuffled #{seed}"] = shuffled
    return chosen


def _article(report: dict, fetched: datetime, outlet: str | None) -> Article:
    """A labelled report as the crawler would have extracted it, fetched at `fetched`."""
    return Article(
        url=report["url"],
        canonical_url=report["url"],
        source=report["outlet"],
        title=report["title"],
        text=report["text"],
        fetched_at=fetched,
        published_at=report["published"],
        outlet=outlet,
    )


def matcher(topic: str | None):
    """What each report matches: the match-everything `watch` topic, or a built-in topic's real
    verdict on the report's title and text."""
    if topic is None:
        return lambda report: [Match(TOPIC.name, 2.0)]
    from newswatch.domain.matching import compile_topics, match
    from newswatch.domain.topics import BUILTIN_TOPICS

    compiled = compile_topics([t for t in BUILTIN_TOPICS if t.name == topic])
    return lambda report: [
        Match(TOPIC.name, m.score) for m in match(_article(report, CRAWLED_FROM, report["outlet"]), compiled)
    ]


def crawl(
    ordered: list[dict],
    folder: Path,
    cycle: int,
    stored: list[dict] = (),
    joins: dict | None = None,
    matches=None,
    settings=SETTINGS,
) -> dict[str, int]:
    """Store `stored` (unmatched), then feed the reports in this order, each with `matches(report)`;
    returns instant alerts per report id. With `joins`, each report that joined another report's
    story is entered there: report id -> (the story's first report id, event score, [(shared term,
    weight)])."""
    matches = matches or matcher(None)
    sessions = open_database(f"sqlite:///{folder / 'stories.db'}")
    alerted: Counter = Counter()
    reported: dict[int, str] = {}  # article id -> report id
    for start in range(0, len(stored), 200):
        recent = store.RecentStories()
        with sessions.begin() as session:
            for report in stored[start : start + 200]:
                fetched = report["published"] + timedelta(minutes=30)
                article = _article(report, fetched, outlet=None)
                store.save_article(session, article, [], fetched, recent=recent)
            recent.flush(session)
    for start in range(0, len(ordered), cycle):
        recent = store.RecentStories()
        alerting = AlertWiring(settings, [], {TOPIC.name: TOPIC}, CycleBudget.for_settings(settings))
        with sessions.begin() as session:
            batch = [
                (report, _article(report, CRAWLED_FROM + timedelta(seconds=start + offset), outlet=report["outlet"]))
                for offset, report in enumerate(ordered[start : start + cycle])
            ]
            profiles = [fingerprint.event_profile(article.title, article.text, article.outlet) for _, article in batch]
            recent.expect(session, profiles)
            for (report, article), profile in zip(batch, profiles):
                fetched = article.fetched_at
                with session.begin_nested():
                    saved, _ = store_and_plan(
                        session, article, matches(report), fetched, recent, alerting, profile=profile
                    )
                reported[saved.row.id] = report["id"]
                if joins is not None and saved.row.story_id != saved.row.id:
                    joins[report["id"]] = explain_join(session, recent, article, saved.row.story_id, reported)
            recent.flush(session)
        recent.committed()
    with sessions() as session:  # the alerts each report made, including those that left a story later
        for article_id in session.scalars(select(Alert.article_id).where(Alert.kind.in_(("instant", "update")))):
            alerted[reported[article_id]] += 1
    sessions.kw["bind"].dispose()
    return alerted


def explain_join(session, recent: store.RecentStories, article: Article, seed: int, reported: dict) -> tuple:
    """Why a report joined the story of `seed`: the seed's report id (or article id, if not a
    labelled report), their event score and shared terms, with the weights the lookup used (its
    outlet's house vocabulary weighing nothing against the outlet's own seeds). A score under the
    threshold is a fact sheet joined to its action (`store._companion`)."""
    profile = fingerprint.event_profile(article.title, article.text, article.outlet)
    seed_profile = recent.index.profiles.get(seed)
    if seed_profile is None:  # a copy of a stored report: no event score decided it
        return reported.get(seed, seed), 1.0, []
    weights = recent.terms.weights(session, profile.terms)
    if profile.house and profile.house == seed_profile.house:
        ids = recent.seeds(session, article.fetched_at, article.published_at or article.fetched_at)
        office = store._Office.of(profile, ids, recent)
        weights = weights.without([t for t, count in office.carried.items() if count > store.HOUSE_COMMON])
    shared = sorted(((t, weights(t)) for t in profile.terms & seed_profile.terms), key=lambda p: (-p[1], p[0]))
    return reported.get(seed, seed), fingerprint.event_score(profile, seed_profile, weights), shared


def score(reports: list[dict], alerted: dict[str, int]) -> dict:
    by_event: Counter = Counter()
    for report in reports:
        by_event[report["event"]] += alerted.get(report["id"], 0)
    events = sorted({r["event"] for r in reports})
    return {
        "events": len(events),
        "recall": sum(1 for e in events if by_event[e]) / len(events),
        "alerts_per_event": sum(by_event[e] for e in events) / len(events),
        "missed": [e for e in events if not by_event[e]],
        "extra": {e: by_event[e] for e in events if by_event[e] > 1},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=5, help="seeded shuffles besides oldest and newest first")
    parser.add_argument("--cycle", type=int, default=20, help="reports per crawl cycle (transaction)")
    parser.add_argument("--split", choices=("all", "tuned", "held-out"), default="all", help="which reports to crawl")
    parser.add_argument("--verbose", action="store_true", help="name the events that did not alert exactly once")
    parser.add_argument(
        "--explain", action="store_true", help="for never-alerted events: whose story each report joined, and why"
    )
    parser.add_argument(
        "--background", type=Path, metavar="DIR", help="first store the other reports of this corpus (feeds/, pages/)"
    )
    parser.add_argument(
        "--labels",
        type=Path,
        nargs="+",
        metavar="FILE",
        help="crawl the corpus feed entries these files label (bench/labels/corpus_events*.jsonl) instead; needs --corpus",
    )
    parser.add_argument("--corpus", type=Path, metavar="DIR", help="the corpus folder (feeds/, pages/) --labels names")
    parser.add_argument(
        "--events",
        type=Path,
        default=EVENTS,
        metavar="FILE",
        help="the labelled reports to crawl (default tests/labelled/events.jsonl; tests/labelled/bilingual.jsonl)",
    )
    parser.add_argument(
        "--topic", choices=("icet",), help="match with this built-in topic; count only the events it matches"
    )
    parser.add_argument(
        "--per-set",
        action="store_true",
        help="the reports carry a `set`: crawl each set into a database of its own (a young store), in each order",
    )
    parser.add_argument(
        "--preview-updates",
        action="store_true",
        help="alerts.preview_updates on: a story that alerted on a preview alerts again for the development",
    )
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args()
    settings = replace(SETTINGS, preview_updates=args.preview_updates)

    if args.labels and not args.corpus:
        parser.error("--labels needs --corpus")
    reports = corpus_labelled(args.labels, args.corpus) if args.labels else load(args.events)
    if args.split != "all":
        reports = [r for r in reports if r["held_out"] == (args.split == "held-out")]
    stored = background(args.background, reports) if args.background else []
    matches = matcher(args.topic)
    in_scope = {r["event"] for r in reports if matches(r)}
    results = {}
    print(
        f"{len(reports)} reports, {len({r['event'] for r in reports})} events; cycles of {args.cycle}; "
        f"{len(stored)} unrelated reports stored before"
    )
    if args.topic:
        print(f"topic {args.topic}: {len(in_scope)} events have a report it matches; only they are counted")
    print(f"{'order':<16} {'split':<9} {'events':>6} {'recall':>7} {'alerts/event':>13} {'s':>6}")
    sets = sorted({r.get("set", "all") for r in reports})
    groups = [[r for r in reports if r.get("set", "all") == name] for name in sets]
    for name in orders(reports, args.orders):
        begin = time.perf_counter()
        joins: dict = {}
        alerted: dict[str, int] = {}
        for group in groups if args.per_set else [reports]:
            with tempfile.TemporaryDirectory() as folder:
                ordered = orders(group, args.orders)[name]
                alerted.update(
                    crawl(ordered, Path(folder), args.cycle, stored, joins if args.explain else None, matches, settings)
                )
        seconds = time.perf_counter() - begin
        results[name] = {}
        for split, chosen in (
            ("all", reports),
            ("tuned", [r for r in reports if not r["held_out"]]),
            ("held-out", [r for r in reports if r["held_out"]]),
        ):
            chosen = [r for r in chosen if r["event"] in in_scope]
            if not chosen:
                continue
            result = results[name][split] = score(chosen, alerted)
            print(
                f"{name:<16} {split:<9} {result['events']:>6} {result['recall']:>7.2f} "
                f"{result['alerts_per_event']:>13.2f} {seconds:>6.1f}"
            )
            if args.verbose and split == "all" and (result["missed"] or result["extra"]):
                print(f"    never alerted: {', '.join(result['missed']) or '-'}")
                print(f"    alerted more than once: {result['extra'] or '-'}")
            if args.explain and split == "all":
                for report in reports:
                    if report["event"] in result["missed"] and report["id"] in joins:
                        seed, event_score, shared = joins[report["id"]]
                        terms = ", ".join(f"{term} {weight:.2f}" for term, weight in shared)
                        print(f"    {report['id']} joined {seed}'s story ({event_score:.2f}): {terms}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
