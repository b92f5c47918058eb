"""Every labelled story set through `bench_stories.py`, one line each: the figures a change to
story grouping must be checked on, in one command.

    .venv/bin/python bench/stories_all.py                      # the sets in tests/labelled/
    .venv/bin/python bench/stories_all.py --corpus DIR --jobs 2  # and the held-out corpus feeds

Each set runs in its own `bench_stories.py` process (oldest first, newest first and `--orders`
seeded shuffles); a line gives the events, then recall and alerts per event as the lowest and
highest over the orders, with the mean recall. The corpus rows crawl only held-out entries
(`--split held-out`); the last one first stores the corpus's other reports (`--background`).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BENCH = Path(__file__).resolve().parent
LABELLED = BENCH.parent / "tests" / "labelled"
LABELS = BENCH / "labels"


def sets(corpus: Path | None) -> list[tuple[str, list[str]]]:
    """(name, bench_stories.py arguments) of every set to run."""
    chosen = [
        ("events.jsonl", []),
        ("events.jsonl --topic icet", ["--topic", "icet"]),
        ("long.jsonl", ["--events", str(LABELLED / "long.jsonl")]),
        ("long.jsonl --topic icet", ["--events", str(LABELLED / "long.jsonl"), "--topic", "icet"]),
        ("briefs.jsonl", ["--events", str(LABELLED / "briefs.jsonl")]),
        ("bilingual.jsonl", ["--events", str(LABELLED / "bilingual.jsonl")]),
        ("releases.jsonl", ["--events", str(LABELLED / "releases.jsonl")]),
        ("young.jsonl, each set its own new store", ["--events", str(LABELLED / "young.jsonl"), "--per-set"]),
        ("outside.jsonl, one crawl into a new store", ["--events", str(LABELLED / "outside.jsonl")]),
        ("blind.jsonl, one crawl into a new store", ["--events", str(LABELLED / "blind.jsonl")]),
        ("week.jsonl, one crawl into a new store", ["--events", str(LABELLED / "week.jsonl")]),
        ("chips.jsonl, one crawl into a new store", ["--events", str(LABELLED / "chips.jsonl")]),
    ]
    if corpus is not None:
        first, second = str(LABELS / "corpus_events.jsonl"), str(LABELS / "corpus_events_2.jsonl")
        feeds = ["--corpus", str(corpus), "--split", "held-out"]
        chosen += [
            ("corpus feeds, first set", ["--labels", first, *feeds]),
            ("corpus feeds, second set", ["--labels", second, *feeds]),
            ("both, --background", ["--labels", first, second, *feeds, "--background", str(corpus)]),
        ]
    return chosen


def run(arguments: list[str], orders: int) -> dict:
    """bench_stories.py's results (per order, per split) for `arguments`."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "results.json"
        command = [sys.executable, str(BENCH / "bench_stories.py"), *arguments, "--orders", str(orders)]
        subprocess.run([*command, "--json", str(out)], check=True, stdout=subprocess.DEVNULL)
        return json.loads(out.read_text())


def summary(results: dict) -> str:
    rows = [splits["all"] for splits in results.values() if "all" in splits]
    recall = [row["recall"] for row in rows]
    per_event = [row["alerts_per_event"] for row in rows]
    return (
        f"| {rows[0]['events']} | {min(recall):.2f}-{max(recall):.2f} (mean {sum(recall) / len(recall):.3f}) "
        f"| {min(per_event):.2f}-{max(per_event):.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, metavar="DIR", help="the shared corpus: add its held-out feed sets")
    parser.add_argument("--orders", type=int, default=5, help="seeded shuffles besides oldest and newest first")
    parser.add_argument("--jobs", type=int, default=1, help="sets run at once")
    parser.add_argument(
        "--preview-updates", action="store_true", help="with alerts.preview_updates on (bench_stories.py)"
    )
    args = parser.parse_args()

    chosen = sets(args.corpus)
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        extra = ["--preview-updates"] if args.preview_updates else []
        results = list(pool.map(lambda item: run([*item[1], *extra], args.orders), chosen))
    print("| set | events | recall | alerts per event |")
    print("|---|---|---|---|")
    for (name, _), result in zip(chosen, results, strict=True):
        print(f"| {name} {summary(result)}")


if __name__ == "__main__":
    main()
