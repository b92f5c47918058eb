"""Where the benchmarks find the shared corpus of real news pages and feeds: read at run time,
never copied into the repository. `NEWSWATCH_CORPUS` names the folder (holding `pages/` and
`feeds/`); by default it is `shared/corpus` beside the checkout."""

from __future__ import annotations

import os
from pathlib import Path

CORPUS = Path(os.environ.get("NEWSWATCH_CORPUS") or Path(__file__).resolve().parents[2] / "shared" / "corpus")
PAGES = CORPUS / "pages"
FEEDS = CORPUS / "feeds"
