"""Write domain/common_terms.py: the event terms that many English reports about India and the
United States carry, with the share of reports that carry each, from the labelled sets this
project wrote (tests/labelled: events.jsonl, long.jsonl, briefs.jsonl and icet.jsonl; not
young.jsonl, releases.jsonl or bilingual.jsonl, which measure story grouping without it).

A new database knows nothing of which words are common; `fingerprint.TermWeights` counts
`SMOOTHING` imagined reports that carry these terms at these shares, so that a store of two
reports already weighs India and Modi below a deal's own names (bench/README.md, twelfth pass).

    .venv/bin/python bench/common_terms.py          # rewrite the module
    .venv/bin/python bench/common_terms.py --check  # exit 1 when the module is out of date

Run it after changing how `fingerprint.event_profile` finds terms (stemming, names, stopwords).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETS = ("events.jsonl", "long.jsonl", "briefs.jsonl", "icet.jsonl")
MIN_SHARE = 0.05  # a term in fewer of the reports than this is left to the store's own counts
# A term in more of them counts as in this share: how often the sets name Modi (half of the
# visits of long.jsonl) is their own mix, not every reader's (bench/README.md, twelfth pass).
MAX_SHARE = 0.3
MODULE = ROOT / "domain" / "common_terms.py"
# One initiative under its names: iCET became TRUST in 2025, and the sets' reports are mostly
# older. A report naming either carries both, so a new store of 2026 weighs TRUST as the sets
# weigh iCET.
SAME_INITIATIVE = frozenset({"icet", "trust"})


def shares(folder: Path = ROOT / "tests" / "labelled") -> dict[str, float]:
    """Term -> share of the sets' English reports whose event profile carries it, for the terms
    at or above MIN_SHARE, at most MAX_SHARE, rounded to three places."""
    from newswatch.domain.fingerprint import event_profile

    reports, carried = 0, Counter()
    for name in SETS:
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            report = json.loads(line)
            profile = event_profile(report.get("title") or "", report.get("text") or "", report.get("outlet"))
            if profile.script != "latn":
                continue
            reports += 1
            terms = profile.terms
            carried.update(terms | SAME_INITIATIVE if terms & SAME_INITIATIVE else terms)
    found = {
        term: round(min(MAX_SHARE, count / reports), 3)
        for term, count in carried.items()
        if count / reports >= MIN_SHARE
    }
    return dict(sorted(found.items(), key=lambda item: (-item[1], item[0])))


def module_text(table: dict[str, float]) -> str:
    rows = "".join(f"    {json.dumps(term)}: {share},\n" for term, share in table.items())
    return (
        '"""The share of English reports about India and the United States that carry each event term\n'
        "(`fingerprint.event_profile`'s stems and names), for the terms in at least one report in\n"
        "twenty: what a new database assumes until its own reports say otherwise\n"
        "(`fingerprint.TermWeights`).\n\n"
        "Written by bench/common_terms.py from the labelled sets of tests/labelled; do not edit.\n"
        '"""\n\n'
        f"COMMON_TERMS: dict[str, float] = {{\n{rows}}}\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when domain/common_terms.py is out of date")
    args = parser.parse_args(argv)
    table = shares()
    text = module_text(table)
    if args.check:
        current = MODULE.read_text(encoding="utf-8") if MODULE.exists() else ""
        if current != text:
            print(f"{MODULE.relative_to(ROOT)} is out of date: run bench/common_terms.py", file=sys.stderr)
            return 1
        return 0
    MODULE.write_text(text, encoding="utf-8")
    print(f"wrote {MODULE.relative_to(ROOT)}: {len(table)} terms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
