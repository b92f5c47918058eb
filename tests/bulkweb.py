"""A folder of many distinct article pages and the feeds that list them, for tests that need a
burst of new pages in one cycle (more than a handful, each a different text so none is taken for
a copy of another). Served by the same NewsWeb as the hand-written fixture site."""

from __future__ import annotations

import random
from html import escape
from pathlib import Path

_WORDS = """
harbour council budget railway monsoon reservoir orchard textile export freight ministry tribunal
festival museum library district mayor village cooperative dairy spice tea coffee rubber cotton
bridge tunnel highway airport terminal runway cargo vessel port dredging lighthouse fishery reef
school teacher exam hostel campus scholarship laboratory hospital clinic vaccine nurse ambulance
river delta flood drought canal irrigation pump solar turbine grid battery charger scooter tram
market vendor auction wholesale retail bakery kitchen recipe harvest wheat paddy millet pulses
cricket hockey stadium marathon wrestling chess tournament coach referee league trophy medal
painter sculptor theatre cinema orchestra choir poet novelist publisher bookshop gallery heritage
court lawyer petition verdict appeal bench hearing police patrol inquiry witness statement report
weather cyclone humidity breeze winter summer rainfall forecast satellite observatory telescope
""".split()

_OUTLETS = ("Coastal Courier", "Hill Post", "Plains Herald", "Delta Daily", "Valley Times")


def _sentence(rng: random.Random) -> str:
    words = rng.sample(_WORDS, rng.randint(9, 16))
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def article_html(title: str, published: str, rng: random.Random, extra: str = "") -> str:
    paragraphs = "\n".join("<p>" + " ".join(_sentence(rng) for _ in range(4)) + "</p>" for _ in range(5))
    if extra:
        paragraphs = f"<p>{escape(extra)}</p>\n" + paragraphs
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{escape(title)}</title>
<meta property="og:type" content="article">
<meta property="article:published_time" content="{published}"></head>
<body><nav><a href="/">Home</a></nav><article><h1>{escape(title)}</h1>
{paragraphs}
</article><footer>Copyright</footer></body></html>"""


def write_bulk_site(root: Path, feeds: int = 3, per_feed: int = 30, seed: int = 7) -> list[str]:
    """Write `feeds` RSS feeds of `per_feed` articles each under `root`; returns every article's
    path. Dates are placeholders that NewsWeb fills in (all within the last day)."""
    rng = random.Random(seed)
    paths: list[str] = []
    for feed in range(feeds):
        items = []
        for index in range(per_feed):
            path = f"/f{feed}/a{index:03d}.html"
            title = f"{_OUTLETS[feed % len(_OUTLETS)]}: " + " ".join(rng.sample(_WORDS, 6)).capitalize()
            minutes = feed * per_feed + index + 5
            page = root / path.lstrip("/")
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(article_html(title, f"{{{{iso:-{minutes}m}}}}", rng), encoding="utf-8")
            items.append(
                f"<item><title>{escape(title)}</title><link>{path}</link>"
                f"<pubDate>{{{{rfc822:-{minutes}m}}}}</pubDate></item>"
            )
            paths.append(path)
        (root / f"f{feed}").mkdir(parents=True, exist_ok=True)
        (root / f"f{feed}/feed.rss").write_text(
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>{_OUTLETS[feed % len(_OUTLETS)]}</title><link>/f{feed}/</link>"
            + "".join(items)
            + "</channel></rss>",
            encoding="utf-8",
        )
    return paths


def bulk_sources(web, feeds: int, interval: str = "5s", first: int = 0) -> str:
    """Sources `bulk-N` for the feeds numbered `first` to `feeds` - 1."""
    return "".join(
        f'[[sources]]\nname = "bulk-{feed}"\ntype = "feed"\nurl = "{web.url(f"f{feed}/feed.rss")}"\n'
        f'interval = "{interval}"\n'
        for feed in range(first, feeds)
    )
