"""A seeded generator of a news web for the benchmarks: sources with RSS, Atom or Google News
sitemap listings, and article pages shaped like real news sites' pages (a head full of meta tags
and JSON-LD, large inline scripts and styles, navigation, breadcrumbs, share bars, related and
most-read links, a newsletter box, a long footer, and 3-15 KB of article text).

Everything is a pure function of the `WebSpec` (seed, sizes, base URL, epoch), so the server
process and the benchmark's baseline build byte-identical pages without sharing anything else.
Some articles are about India-US technology cooperation (the built-in `icet` topic matches
them), some about India-US relations at large, some are wire copies of another source's article
(the dedup path) and some are independent reports of one event (the story path); the rest is
ordinary news.

A web may grow: with `publish_every` > 0 each source publishes one more article every so many
seconds after `epoch`, so a long-running service keeps finding new work.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from functools import lru_cache
from html import escape

KINDS = (("news", 0.70), ("icet", 0.09), ("trade", 0.05), ("copy", 0.10), ("event", 0.06))
SPACING = 20 * 60.0  # seconds between a source's articles published before the epoch


@dataclass(frozen=True)
class WebSpec:
    """What the web holds. `articles` per source are published before `epoch`; listings show the
    newest `feed_items`."""

    base_url: str
    epoch: float
    seed: int = 1
    sources: int = 20
    articles: int = 100
    feed_items: int = 100
    publish_every: float = 0.0
    listing_types: tuple[str, ...] = field(default=())  # per source; empty: the default mix

    def listing_type(self, source: int) -> str:
        if self.listing_types:
            return self.listing_types[source % len(self.listing_types)]
        return ("rss", "rss", "atom", "rss", "sitemap")[source % 5] if source % 10 != 9 else "rss"

    def listing_path(self, source: int) -> str:
        name = {"rss": "feed.xml", "atom": "atom.xml", "sitemap": "news-sitemap.xml"}[self.listing_type(source)]
        return f"/s{source:03d}/{name}"

    def source_name(self, source: int) -> str:
        return f"{site(self.seed, source).slug}-{source:03d}"

    def published(self, source: int, index: int) -> float:
        offset = (source * 37) % 600  # sources do not publish in lockstep
        if index < self.articles:
            return self.epoch - (self.articles - index) * SPACING - offset
        return self.epoch + (index - self.articles + 1) * self.publish_every

    def visible(self, now: float) -> int:
        """How many articles each source has published by `now`."""
        if self.publish_every <= 0 or now <= self.epoch:
            return self.articles
        return self.articles + int((now - self.epoch) / self.publish_every)


# --- Words --------------------------------------------------------------------------------------

FIRST = (
    "Aarav Priya Rahul Ananya Vikram Kavita Arjun Meera Sanjay Neha Rohan Shreya Amit Pooja Karan Divya "
    "Nikhil Isha Manoj Sunita James Emily Michael Sarah David Laura Daniel Rachel Thomas Olivia Peter "
    "Hannah George Claire Samuel Alice Robert Grace Mohammed Fatima Chen Mei Hiroshi Yuki Carlos Lucia "
    "Ibrahim Amina Lars Ingrid Kwame Abena Tomasz Agnieszka"
).split()
LAST = (
    "Sharma Verma Iyer Nair Reddy Gupta Menon Kulkarni Chatterjee Banerjee Singh Patel Rao Desai Joshi "
    "Mehta Kapoor Bhat Pillai Mishra Thompson Walker Hughes Bennett Carter Mitchell Foster Sullivan "
    "Harrison Collins Murphy Brooks Reynolds Graham Fletcher Lawson Okafor Mensah Novak Kowalski "
    "Tanaka Sato Fernandes Alvarez Haddad Rahman Lindqvist Johansson Moreau Dubois"
).split()
PLACES = (
    "Mumbai Chennai Kolkata Bengaluru Hyderabad Pune Ahmedabad Jaipur Lucknow Bhopal Patna Kochi "
    "Guwahati Nagpur Indore Surat Chandigarh Dehradun Ranchi Raipur London Manchester Leeds Bristol "
    "Glasgow Cardiff Belfast Boston Chicago Denver Seattle Houston Atlanta Phoenix Toronto Nairobi "
    "Lagos Accra Jakarta Manila Hanoi Dhaka Colombo Kathmandu Lisbon Madrid Vienna Prague Warsaw Oslo"
).split()
ORGS = (
    "the finance ministry|the health department|the state election commission|the municipal corporation|"
    "the central bank|the transport authority|the chamber of commerce|the farmers' union|"
    "the teachers' association|the port trust|the water board|the power regulator|the railway board|"
    "the high court|the audit office|the planning commission|the statistics office|"
    "the national weather service|the housing authority|the university senate|the police department|"
    "the civil aviation regulator|the competition commission|the stock exchange|the tourism board"
).split("|")
ROLES = (
    "spokesperson chairman director minister secretary commissioner economist analyst professor "
    "researcher official mayor councillor superintendent governor chief executive founder"
).split()
NOUNS = (
    "budget proposal project plan scheme report survey inquiry policy reform tender contract deal "
    "bridge highway metro line airport terminal hospital school campus reservoir dam canal pipeline "
    "power plant grid network market index price rate tariff levy subsidy loan bond fund revenue "
    "deficit forecast outlook harvest crop monsoon flood drought heatwave storm outbreak vaccine "
    "clinic ward festival exhibition concert match tournament league season strike protest rally "
    "election ballot campaign candidate coalition verdict appeal hearing petition audit probe "
    "factory plant workforce union wage pension benefit rent mortgage housing estate township "
    "startup venture merger listing dividend quarter profit loss export import shipment cargo "
    "corridor tunnel flyover ferry route fleet bus service license permit zone district village "
    "ward council committee panel board agency regulator authority ministry department court"
).split()
ADJS = (
    "new major fresh revised ambitious delayed controversial long-awaited record modest sharp steady "
    "unexpected rising falling cautious upbeat gloomy crucial local regional national annual quarterly "
    "interim final provisional draft formal informal temporary permanent emergency special joint "
    "independent public private rural urban coastal northern southern eastern western central"
).split()
VERBS_PAST = (
    "approved announced unveiled rejected delayed launched reviewed criticised defended extended "
    "expanded suspended cancelled completed inspected audited questioned welcomed opposed "
    "proposed finalised cleared postponed revised doubled halved scrapped restored secured "
    "signed tabled published released reported confirmed"
).split()
VERBS_PRESENT = (
    "approves announces unveils rejects delays launches reviews defends extends expands suspends "
    "completes questions welcomes opposes proposes clears postpones revises secures signs "
    "publishes confirms weighs eyes plans seeks backs"
).split()
ADVERBS = (
    "sharply slowly quickly quietly formally publicly reportedly largely partly broadly steadily "
    "briefly sharply firmly narrowly widely"
).split()
CONNECT = (
    "However, Meanwhile, In addition, At the same time, Earlier, Separately, According to officials, "
    "Despite this, As a result, In a statement,"
).split(", ")
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
MONTHS = "January February March April May June July August September October November December".split()

ICET_SENTENCES = (
    "India and the United States agreed on {weekday} to expand the co-production of {tech} under the "
    "initiative on Critical and Emerging Technologies (iCET).",
    "Officials said the iCET framework would bring Indian and American companies together on {tech} and {tech2}.",
    "GE Aerospace and Hindustan Aeronautics Limited are expected to co-produce the F414 jet engine for the Tejas "
    "Mk2 in {place}, {person} told reporters.",
    "National Security Adviser Ajit Doval met his American counterpart in Washington to review cooperation on "
    "{tech} and defence industry ties.",
    "The INDUS-X summit in {place} brought together {num} start-ups working on {tech} for both countries.",
    "New Delhi and Washington signed a memorandum on {tech} supply chains, {person} of {org} said.",
    "Under the partnership, India and the US will jointly develop {tech} and share research on {tech2}.",
    "The two countries also launched a working group on critical minerals and semiconductor packaging.",
    "Analysts said the India-US technology partnership had moved faster than expected since the iCET launch.",
)
ICET_TECH = (
    "semiconductors|jet engines|quantum computing|artificial intelligence|critical minerals|"
    "space technology|5G and 6G telecom|biotechnology|advanced materials|undersea drones"
).split("|")
ICET_TITLES = (
    "India, US push {tech} co-production under iCET",
    "iCET: New Delhi and Washington deepen cooperation on {tech}",
    "India-US technology partnership to cover {tech}, says {person}",
    "Doval, US counterpart review iCET progress on {tech}",
    "INDUS-X meet in {place} spotlights India-US defence start-ups",
    "{person} to lead {num}-member iCET delegation on {tech} to {place}",
    "{place} firm wins {num} crore India-US contract for {tech}",
    "Why the {month} iCET round on {tech} matters for {place}",
    "{org} backs India-US plan for {tech} plant near {place}",
)
TRADE_SENTENCES = (
    "Trade between India and the United States rose to ${num} billion last year, {person} said.",
    "Negotiators from New Delhi and Washington met in {place} to discuss tariffs on {noun}s.",
    "The India-US trade talks are expected to resume in {month}, officials in {place} said.",
    "Exporters in {place} said higher US tariffs had hit shipments of {noun}s by {pct} per cent.",
    "Visa rules for Indian professionals in the United States were also on the agenda.",
)
TRADE_TITLES = (
    "India-US trade talks to resume in {month} amid tariff row",
    "US tariffs hit {place} exporters, says {org}",
    "India, US negotiators meet in {place} on market access",
)
BOILER = (
    "Subscribe to our newsletter for the day's top stories.",
    "Follow us on social media for updates.",
    "Also read:",
    "Advertisement",
    "Most read",
    "Sign up",
    "Share this article",
    "Comments",
)


@dataclass(frozen=True)
class Site:
    """The look of one source's site: its name, template flavour and the constant blocks every
    page carries (scripts, styles, navigation, footer)."""

    source: int
    name: str
    slug: str
    flavour: int
    sections: tuple[str, ...]
    head_blob: str
    nav: str
    footer: str
    tail_scripts: str
    embeds_body_json: bool
    ld_body: bool


_SITE_WORDS = (
    "Meridian Ledger Courier Herald Chronicle Sentinel Tribune Gazette Observer Frontier Express "
    "Monitor Dispatch Bulletin Clarion Beacon Record Standard Pioneer Mirror Voice Star Times "
    "Journal Post Statesman Insider Review Register Citizen"
).split()
_SECTIONS = (
    "National World Business Markets Economy Politics Cities Sport Cricket Football Technology "
    "Science Health Education Environment Opinion Editorial Lifestyle Travel Food Entertainment "
    "Movies Music Books Auto Real-Estate Jobs Photos Videos Podcasts Explainers Fact-Check"
).split()


def _rng(*parts: object) -> random.Random:
    return random.Random("/".join(str(p) for p in parts))


def _js_blob(rng: random.Random, size: int) -> str:
    """Minified-looking JavaScript of about `size` characters."""
    names = ["a", "b", "c", "d", "e", "f", "n", "r", "t", "o", "i", "s", "u", "l"]
    parts: list[str] = []
    total = 0
    while total < size:
        fn = "".join(rng.choice(names) for _ in range(2))
        body = ";".join(
            f"var {rng.choice(names)}{rng.randint(0, 99)}={rng.choice(names)}.{rng.choice(['push', 'call', 'apply', 'get', 'set'])}"
            f'({rng.randint(0, 9999)},"{rng.choice(_SITE_WORDS).lower()}-{rng.randint(0, 999)}")'
            for _ in range(rng.randint(3, 9))
        )
        chunk = f"function {fn}{rng.randint(0, 999)}({','.join(rng.sample(names, 3))}){{{body};return !0}}"
        parts.append(chunk)
        total += len(chunk)
    return ";".join(parts)


def _css_blob(rng: random.Random, size: int) -> str:
    props = [
        "margin:0",
        "padding:0 8px",
        "display:flex",
        "color:#222",
        "font-size:14px",
        "line-height:1.5",
        "border-bottom:1px solid #ddd",
        "background:#fff",
        "position:relative",
        "width:100%",
        "gap:12px",
        "font-weight:700",
        "text-transform:uppercase",
        "overflow:hidden",
        "z-index:10",
    ]
    parts: list[str] = []
    total = 0
    while total < size:
        rule = (
            f".{rng.choice(_SITE_WORDS).lower()}-{rng.choice(['wrap', 'card', 'nav', 'item', 'title', 'grid', 'btn'])}"
            f"__{rng.randint(0, 999)}{{{';'.join(rng.sample(props, rng.randint(2, 6)))}}}"
        )
        parts.append(rule)
        total += len(rule)
    return "".join(parts)


def _link_list(rng: random.Random, base: str, count: int, css: str) -> str:
    items = []
    for _ in range(count):
        label = " ".join(rng.choice(_SECTIONS + _SITE_WORDS).replace("-", " ") for _ in range(rng.randint(1, 3)))
        items.append(
            f'<li class="{css}__item"><a href="{base}/{label.lower().replace(" ", "-")}/">{escape(label)}</a></li>'
        )
    return "".join(items)


@lru_cache(maxsize=512)
def site(seed: int, source: int) -> Site:
    rng = _rng(seed, "site", source)
    first, second = rng.sample(_SITE_WORDS, 2)
    name = f"The {first} {second}"
    slug = f"{first}-{second}".lower()
    flavour = rng.randrange(4)
    sections = tuple(rng.sample(_SECTIONS, 12))
    base = f"/s{source:03d}"
    scripts = "".join(f"<script>{_js_blob(rng, rng.randint(6_000, 30_000))}</script>" for _ in range(rng.randint(2, 4)))
    config = json.dumps(
        {
            "site": name,
            "ads": {
                f"slot{n}": {"size": [300, 250], "path": f"/{rng.randint(1000, 9999)}/{slug}/{n}"}
                for n in range(rng.randint(10, 40))
            },
            "features": {w.lower(): rng.random() < 0.5 for w in _SITE_WORDS},
        }
    )
    head_blob = (
        f'<link rel="preconnect" href="https://cdn.{slug}.example"/><link rel="dns-prefetch" href="https://ads.example"/>'
        + "".join(f'<link rel="preload" as="font" href="/fonts/{slug}-{n}.woff2" crossorigin=""/>' for n in range(4))
        + "".join(
            f'<link rel="stylesheet" href="/static/css/{slug}.{rng.randint(10**6, 10**7)}.css"/>' for _ in range(3)
        )
        + f"<style>{_css_blob(rng, rng.randint(15_000, 60_000))}</style>"
        + f"<script>window.__SITE_CONFIG__={config};</script>"
        + scripts
    )
    nav_groups = []
    for section in sections:
        nav_groups.append(
            f'<li class="nav__group"><a class="nav__link" href="{base}/{section.lower()}/">{section}</a>'
            f'<ul class="nav__sub">{_link_list(rng, base, rng.randint(5, 12), "nav__sub")}</ul></li>'
        )
    nav = (
        f'<header class="site-header"><div class="top-bar"><a class="skip" href="#main">Skip to content</a>'
        f'<span class="edition">Edition: India</span><a href="{base}/subscribe/">Subscribe</a>'
        f'<a href="{base}/login/">Sign in</a></div><div class="masthead"><a class="logo" href="{base}/">'
        f'<img src="/static/{slug}-logo.svg" alt="{name}"/></a><form class="search" action="{base}/search">'
        f'<input type="search" name="q" placeholder="Search"/><button>Search</button></form></div>'
        f'<nav class="main-nav" aria-label="Sections"><ul>{"".join(nav_groups)}</ul></nav>'
        f'<div class="ticker"><span>Breaking</span><ul>{_link_list(rng, base, 6, "ticker")}</ul></div></header>'
    )
    footer_cols = "".join(
        f'<div class="footer__col"><h4>{rng.choice(_SECTIONS)}</h4><ul>{_link_list(rng, base, rng.randint(8, 16), "footer")}</ul></div>'
        for _ in range(6)
    )
    footer = (
        f'<footer class="site-footer">{footer_cols}<div class="footer__legal"><p>Copyright {name}. All rights '
        f"reserved.</p><ul>{_link_list(rng, base, 8, 'legal')}</ul></div></footer>"
    )
    tail_scripts = (
        "".join(
            f'<script async src="https://cdn.{slug}.example/js/{name_}.{rng.randint(10**5, 10**6)}.js"></script>'
            for name_ in ("vendor", "main", "ads", "analytics", "comments")
        )
        + f"<script>{_js_blob(rng, rng.randint(4_000, 15_000))}</script>"
    )
    return Site(
        source,
        name,
        slug,
        flavour,
        sections,
        head_blob,
        nav,
        footer,
        tail_scripts,
        embeds_body_json=rng.random() < 0.3,
        ld_body=rng.random() < 0.2,
    )


# --- Articles -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    """The words of one article, before any HTML."""

    source: int
    index: int
    kind: str
    title: str
    summary: str
    paragraphs: tuple[str, ...]
    author: str
    section: str
    published: float
    original: tuple[int, int] | None = None  # (source, index) this is a wire copy of
    event: int | None = None


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _fill(template: str, rng: random.Random) -> str:
    values = {
        "weekday": rng.choice(WEEKDAYS),
        "month": rng.choice(MONTHS),
        "place": rng.choice(PLACES),
        "person": _person(rng),
        "org": rng.choice(ORGS),
        "num": str(rng.randint(12, 980)),
        "pct": str(rng.randint(3, 45)),
        "noun": rng.choice(NOUNS),
        "tech": rng.choice(ICET_TECH),
        "tech2": rng.choice(ICET_TECH),
    }
    return template.format(**values)


def _sentence(rng: random.Random) -> str:
    pattern = rng.randrange(6)
    noun, noun2 = rng.choice(NOUNS), rng.choice(NOUNS)
    adj = rng.choice(ADJS)
    if pattern == 0:
        text = (
            f"{rng.choice(ORGS).capitalize()} {rng.choice(VERBS_PAST)} the {adj} {noun} for {rng.choice(PLACES)} "
            f"on {rng.choice(WEEKDAYS)}, {rng.randint(2, 40)} days after the {noun2} was {rng.choice(VERBS_PAST)}"
        )
    elif pattern == 1:
        text = (
            f'"We have {rng.choice(VERBS_PAST)} the {noun} and the {adj} {noun2} will follow," said '
            f"{_person(rng)}, {rng.choice(ROLES)} of {rng.choice(ORGS)}"
        )
    elif pattern == 2:
        text = (
            f"The {noun} {rng.choice(ADVERBS)} {rng.choice(['rose', 'fell', 'grew', 'slipped', 'climbed'])} by "
            f"{rng.randint(2, 60)}.{rng.randint(0, 9)} per cent to Rs {rng.randint(100, 9000)} crore in "
            f"{rng.choice(MONTHS)}, the {rng.choice(['highest', 'lowest', 'first', 'sharpest'])} since {rng.randint(1998, 2024)}"
        )
    elif pattern == 3:
        text = (
            f"{rng.choice(CONNECT)} residents of {rng.choice(PLACES)} said the {adj} {noun} had "
            f"{rng.choice(['changed little', 'made things worse', 'helped', 'come too late', 'raised costs'])} "
            f"for the {rng.randint(3, 900)} families living near the {noun2}"
        )
    elif pattern == 4:
        text = (
            f"{_person(rng)}, a {rng.choice(ROLES)} who has followed the {noun} for years, "
            f"{rng.choice(['warned', 'argued', 'noted', 'said', 'pointed out'])} that the {adj} "
            f"{noun2} would need {rng.choice(['more money', 'wider support', 'fresh approvals', 'another year'])}"
        )
    else:
        text = (
            f"The {adj} {noun} {rng.choice(['covers', 'includes', 'affects', 'replaces'])} {rng.randint(2, 80)} "
            f"{noun2}s across {rng.choice(PLACES)} and {rng.choice(PLACES)}, with work due to finish by "
            f"{rng.choice(MONTHS)} {rng.randint(2025, 2030)}"
        )
    return text + "."


def _paragraphs(rng: random.Random, chars: int, extra: tuple[str, ...] = (), extra_share: float = 0.0) -> list[str]:
    paragraphs: list[str] = []
    total = 0
    while total < chars:
        sentences = []
        for _ in range(rng.randint(2, 5)):
            if extra and rng.random() < extra_share:
                sentences.append(_fill(rng.choice(extra), rng))
            else:
                sentences.append(_sentence(rng))
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        total += len(paragraph)
    return paragraphs


def kind_of(spec: WebSpec, source: int, index: int) -> str:
    roll = _rng(spec.seed, "kind", source, index).random()
    for kind, share in KINDS:
        if roll < share:
            return kind
        roll -= share
    return "news"


def _title(rng: random.Random) -> str:
    noun = rng.choice(NOUNS)
    shapes = (
        f"{rng.choice(PLACES)} {noun} {rng.choice(VERBS_PRESENT).rstrip('s') + 's'} as {rng.choice(ORGS)} {rng.choice(VERBS_PRESENT)} {rng.choice(NOUNS)} plan",
        f"{rng.choice(ORGS).replace('the ', '').capitalize()} {rng.choice(VERBS_PRESENT)} {rng.choice(ADJS)} {noun} for {rng.choice(PLACES)}",
        f"{rng.choice(ADJS).capitalize()} {noun} in {rng.choice(PLACES)}: what the {rng.choice(NOUNS)} means for {rng.choice(NOUNS)}s",
        f"{_person(rng)} {rng.choice(VERBS_PRESENT)} {rng.choice(ADJS)} {noun} after {rng.randint(2, 90)}-day {rng.choice(NOUNS)}",
    )
    return rng.choice(shapes)


def story(spec: WebSpec, source: int, index: int) -> Story:
    """The article `index` of `source` (deterministic)."""
    kind = kind_of(spec, source, index)
    if kind == "copy":
        original = _copy_origin(spec, source, index)
        if original is None:
            kind = "news"
        else:
            return _wire_copy(spec, source, index, original)
    rng = _rng(spec.seed, "story", source, index)
    chars = int(rng.triangular(3_000, 15_000, 6_000))
    site_ = site(spec.seed, source)
    section = rng.choice(site_.sections)
    event = None
    if kind == "icet":
        title = _fill(rng.choice(ICET_TITLES), rng)
        title = title[0].upper() + title[1:]
        lead = _fill(ICET_SENTENCES[0], rng)
        paragraphs = [lead, *_paragraphs(rng, chars, ICET_SENTENCES, 0.35)]
    elif kind == "trade":
        title = _fill(rng.choice(TRADE_TITLES), rng)
        paragraphs = [_fill(TRADE_SENTENCES[0], rng), *_paragraphs(rng, chars, TRADE_SENTENCES, 0.3)]
    elif kind == "event":
        event = index
        facts = _rng(spec.seed, "event", index)
        place, person, number = facts.choice(PLACES), _person(facts), facts.randint(40, 4000)
        noun, adj = facts.choice(NOUNS), facts.choice(ADJS)
        title = rng.choice(
            (
                f"{place} {noun}: {number} affected as {person} orders {adj} review",
                f"{person} orders {adj} review of {place} {noun}, {number} affected",
                f"{number} affected by {place} {noun}; {person} promises {adj} review",
            )
        )
        facts_line = (
            f"{person} on {facts.choice(WEEKDAYS)} ordered a {adj} review of the {noun} in {place} "
            f"after {number} people were affected, {facts.choice(ORGS)} said."
        )
        paragraphs = [facts_line, *_paragraphs(rng, chars)]
        paragraphs.insert(
            3,
            f"{person} said the {noun} in {place} would be reviewed by {facts.choice(ORGS)} "
            f"and that all {number} affected people would be compensated.",
        )
    else:
        title = _title(rng)
        paragraphs = _paragraphs(rng, chars)
    summary = paragraphs[0][:220].rsplit(" ", 1)[0] + "..."
    return Story(
        source,
        index,
        kind,
        title,
        summary,
        tuple(paragraphs),
        _person(rng),
        section,
        spec.published(source, index),
        event=event,
    )


def _copy_origin(spec: WebSpec, source: int, index: int) -> tuple[int, int] | None:
    for step in range(1, spec.sources):
        other = (source + step) % spec.sources
        if kind_of(spec, other, index) in ("news", "icet", "trade"):
            return other, index
    return None


def _wire_copy(spec: WebSpec, source: int, index: int, original: tuple[int, int]) -> Story:
    """A republished copy: a new headline, a wire dateline and credit, one paragraph dropped."""
    base = story(spec, *original)
    rng = _rng(spec.seed, "copy", source, index)
    paragraphs = list(base.paragraphs)
    if len(paragraphs) > 4:
        del paragraphs[rng.randrange(2, len(paragraphs))]
    city = rng.choice(("NEW DELHI", "MUMBAI", "WASHINGTON", "LONDON", "BENGALURU"))
    paragraphs[0] = f"{city} (PTI) — " + paragraphs[0]
    paragraphs.append("(With inputs from PTI)")
    words = base.title.split()
    title = rng.choice(("Explained: ", "Update: ", "", "Report: ")) + " ".join([*words[:-2], "report", "says"])
    return Story(
        source,
        index,
        "copy",
        title,
        base.summary,
        tuple(paragraphs),
        "PTI",
        base.section,
        spec.published(source, index),
        original=original,
        event=base.event,
    )


def article_path(spec: WebSpec, source: int, index: int) -> str:
    moment = datetime.fromtimestamp(spec.published(source, index), UTC)
    slug_rng = _rng(spec.seed, "slug", source, index)
    words = "-".join(slug_rng.choice(NOUNS) for _ in range(4))
    return f"/s{source:03d}/{moment:%Y/%m/%d}/{words}-{index:06d}.html"


def article_url(spec: WebSpec, source: int, index: int, tracking: bool = False) -> str:
    url = spec.base_url + article_path(spec, source, index)
    return url + "?utm_source=rss&utm_medium=feed" if tracking else url


def iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="seconds")


def rfc822(moment: float) -> str:
    return format_datetime(datetime.fromtimestamp(moment, UTC), usegmt=True)


# --- HTML ----------------------------------------------------------------------------------------


def article_html(spec: WebSpec, source: int, index: int) -> str:
    """The article page, as its site would serve it."""
    st = story(spec, source, index)
    s = site(spec.seed, source)
    rng = _rng(spec.seed, "page", source, index)
    url = article_url(spec, source, index)
    base = f"{spec.base_url}/s{source:03d}"
    title = escape(st.title)
    image = f"{spec.base_url}/img/s{source:03d}/{index}.jpg"
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": st.title,
        "description": st.summary,
        "datePublished": iso(st.published),
        "dateModified": iso(st.published + 900),
        "author": [
            {"@type": "Person", "name": st.author, "url": f"{base}/author/{st.author.lower().replace(' ', '-')}/"}
        ],
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": s.name,
            "logo": {"@type": "ImageObject", "url": f"{spec.base_url}/static/{s.slug}-logo.png"},
        },
        "image": {"@type": "ImageObject", "url": image, "width": 1200, "height": 675},
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "articleSection": st.section,
        "inLanguage": "en-IN",
        "isAccessibleForFree": True,
    }
    if s.ld_body:
        ld["articleBody"] = "\n\n".join(st.paragraphs)
    crumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "Home", "item": base + "/"},
            {"@type": "ListItem", "position": 2, "name": st.section, "item": f"{base}/{st.section.lower()}/"},
        ],
    }
    head = (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"/><title>{title} | {escape(s.name)}</title>'
        f'<meta name="description" content="{escape(st.summary)}"/><meta property="og:type" content="article"/>'
        f'<meta property="og:title" content="{title}"/><meta property="og:description" content="{escape(st.summary)}"/>'
        f'<meta property="og:url" content="{url}"/><meta property="og:image" content="{image}"/>'
        f'<meta property="og:site_name" content="{escape(s.name)}"/><meta name="twitter:card" content="summary_large_image"/>'
        f'<meta name="twitter:title" content="{title}"/><meta name="twitter:image" content="{image}"/>'
        f'<meta property="article:published_time" content="{iso(st.published)}"/>'
        f'<meta property="article:section" content="{st.section}"/><meta name="author" content="{escape(st.author)}"/>'
        f'<meta name="robots" content="max-image-preview:large"/><link rel="canonical" href="{url}"/>'
        f'<link rel="amphtml" href="{url[:-5]}/amp.html"/>'
        f'<script type="application/ld+json">{json.dumps(ld)}</script>'
        f'<script type="application/ld+json">{json.dumps(crumbs)}</script>'
        f"{s.head_blob}</head>"
    )
    body_parts = []
    for n, paragraph in enumerate(st.paragraphs):
        body_parts.append(f"<p>{escape(paragraph)}</p>")
        if n % 4 == 2:
            other = rng.randrange(max(1, spec.articles))
            body_parts.append(
                f'<p class="also-read"><strong>Also read:</strong> <a href="{article_url(spec, source, other)}">'
                f"{escape(_title(_rng(spec.seed, 'also', source, other)))}</a></p>"
            )
        if n == 4:
            body_parts.append(
                f'<div class="ad-slot" id="ad-{n}" data-slot="mid-article"><span>Advertisement</span></div>'
            )
        if n == 6 and rng.random() < 0.3:
            body_parts.append(
                f'<blockquote class="twitter-tweet"><p lang="en">{escape(_sentence(rng))}</p>&mdash; '
                f'{escape(_person(rng))} (@{rng.choice(LAST).lower()}) <a href="https://x.example/status/'
                f'{rng.randint(10**9, 10**10)}">{rng.choice(MONTHS)} {rng.randint(1, 28)}</a></blockquote>'
            )
    tags = "".join(f'<li><a href="{base}/tag/{t.lower()}/">{t}</a></li>' for t in rng.sample(PLACES + LAST, 6))
    related = "".join(
        f'<article class="card"><a href="{article_url(spec, source, other)}"><img src="{spec.base_url}/img/s{source:03d}/{other}-thumb.jpg" '
        f'alt="" loading="lazy"/><h3>{escape(_title(_rng(spec.seed, "rel", source, other)))}</h3></a>'
        f"<p>{escape(_sentence(_rng(spec.seed, 'relsum', source, other)))}</p></article>"
        for other in (rng.randrange(max(1, spec.articles)) for _ in range(8))
    )
    most_read = "".join(
        f'<li><span class="rank">{n + 1}</span><a href="{article_url(spec, source, rng.randrange(max(1, spec.articles)))}">'
        f"{escape(_title(_rng(spec.seed, 'most', source, n, index % 7)))}</a></li>"
        for n in range(10)
    )
    more = "".join(
        f'<li class="more__item"><a href="{article_url(spec, source, other)}"><img src="{spec.base_url}/img/s{source:03d}/{other}-sq.jpg" '
        f'alt=""/><span>{escape(_title(_rng(spec.seed, "more", source, other)))}</span></a><time>{rng.randint(1, 59)} min ago</time></li>'
        for other in (rng.randrange(max(1, spec.articles)) for _ in range(12))
    )
    comments = "".join(
        f'<li class="comment"><div class="comment__meta"><b>{escape(_person(rng))}</b> <time>{rng.randint(1, 23)}h</time></div>'
        f'<p>{escape(_sentence(rng))}</p><div class="comment__actions"><button>Reply</button><button>Like '
        f"{rng.randint(0, 300)}</button><button>Report</button></div></li>"
        for _ in range(rng.randint(3, 12))
    )
    share = "".join(
        f'<a class="share share--{net}" href="https://{net}.example/share?u={url}">{net.title()}</a>'
        for net in ("facebook", "x", "whatsapp", "linkedin", "email")
    )
    author_slug = st.author.lower().replace(" ", "-")
    wrapper = ("article", "div", "div", "section")[s.flavour]
    body_class = ("story-body", "article__content", "entry-content", "rich-text")[s.flavour]
    article = (
        f'<main id="main"><nav class="breadcrumb" aria-label="Breadcrumb"><ol><li><a href="{base}/">Home</a></li>'
        f'<li><a href="{base}/{st.section.lower()}/">{st.section}</a></li></ol></nav>'
        f'<{wrapper} class="article" itemscope="" itemtype="https://schema.org/NewsArticle">'
        f'<header class="article__header"><span class="kicker">{st.section}</span><h1 itemprop="headline">{title}</h1>'
        f'<p class="standfirst">{escape(st.summary)}</p><div class="byline">By <a rel="author" href="{base}/author/'
        f'{author_slug}/">{escape(st.author)}</a> <time datetime="{iso(st.published)}">'
        f"{datetime.fromtimestamp(st.published, UTC):%d %B %Y, %H:%M} IST</time></div>"
        f'<div class="share-bar">{share}</div></header>'
        f'<figure class="lead-image"><img src="{image}" alt="{title}" width="1200" height="675"/>'
        f"<figcaption>{escape(_sentence(rng))} (Photo: {escape(_person(rng))})</figcaption></figure>"
        f'<div class="{body_class}" itemprop="articleBody">{"".join(body_parts)}</div>'
        f'<div class="tags"><h4>Topics</h4><ul>{tags}</ul></div>'
        f'<div class="author-card"><img src="{base}/authors/{author_slug}.jpg" alt=""/><p>{escape(st.author)} is a '
        f"{rng.choice(ROLES)} at {escape(s.name)} covering {st.section.lower()}.</p></div>"
        f"</{wrapper}>"
        f'<section class="related"><h2>Related stories</h2>{related}</section>'
        f'<section class="more"><h2>More from {st.section}</h2><ul>{more}</ul></section>'
        f'<section class="comments" id="comments"><h2>Comments</h2><p>Comments are moderated. '
        f'<a href="{base}/login/">Sign in</a> to join the conversation.</p><ol>{comments}</ol></section></main>'
        f'<aside class="sidebar"><section class="most-read"><h2>Most read</h2><ol>{most_read}</ol></section>'
        f'<section class="newsletter"><h2>Subscribe to our newsletter</h2><p>The day\'s top stories in your inbox.</p>'
        f'<form action="{base}/newsletter"><input type="email" name="email"/><button>Sign up</button></form></section>'
        f'<div class="ad-slot" data-slot="sidebar"><span>Advertisement</span></div></aside>'
    )
    embedded = ""
    if s.embeds_body_json:
        embedded = (
            '<script id="__NEXT_DATA__" type="application/json">'
            + json.dumps(
                {
                    "props": {
                        "pageProps": {"article": {"title": st.title, "body": list(st.paragraphs), "author": st.author}}
                    }
                }
            ).replace("</", "<\\/")
            + "</script>"
        )
    return (
        f'{head}<body class="article-page {s.slug}">{s.nav}{article}{s.footer}{embedded}{s.tail_scripts}</body></html>'
    )


def listing_indexes(spec: WebSpec, source: int, now: float) -> list[int]:
    """The article indexes the source's listing shows at `now`, newest first."""
    visible = spec.visible(now)
    return list(range(visible - 1, max(-1, visible - 1 - spec.feed_items), -1))


def listing(spec: WebSpec, source: int, now: float) -> tuple[bytes, str]:
    """The source's listing (RSS, Atom or a Google News sitemap) and its content type."""
    kind = spec.listing_type(source)
    s = site(spec.seed, source)
    indexes = listing_indexes(spec, source, now)
    stories = [story(spec, source, i) for i in indexes]
    home = f"{spec.base_url}/s{source:03d}/"
    if kind == "rss":
        items = "".join(
            f"<item><title>{escape(st.title)}</title><link>{escape(article_url(spec, source, st.index, st.index % 3 == 0))}</link>"
            f'<guid isPermaLink="false">{s.slug}-{st.index}</guid><pubDate>{rfc822(st.published)}</pubDate>'
            f"<dc:creator>{escape(st.author)}</dc:creator><category>{st.section}</category>"
            f"<description>{escape(st.summary)}</description></item>"
            for st in stories
        )
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<channel><title>{escape(s.name)}</title><link>{home}</link><description>Latest news from "
            f"{escape(s.name)}</description><language>en-in</language>{items}</channel></rss>"
        )
        return body.encode("utf-8"), "application/rss+xml; charset=utf-8"
    if kind == "atom":
        updated = iso(stories[0].published) if stories else iso(spec.epoch)
        entries = "".join(
            f'<entry><title>{escape(st.title)}</title><link rel="alternate" href="{escape(article_url(spec, source, st.index))}"/>'
            f"<id>tag:{s.slug},2026:{st.index}</id><published>{iso(st.published)}</published><updated>{iso(st.published)}</updated>"
            f"<author><name>{escape(st.author)}</name></author><summary>{escape(st.summary)}</summary></entry>"
            for st in stories
        )
        body = (
            f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">'
            f"<title>{escape(s.name)}</title><id>{home}</id><updated>{updated}</updated>"
            f'<link rel="alternate" href="{home}"/>{entries}</feed>'
        )
        return body.encode("utf-8"), "application/atom+xml; charset=utf-8"
    urls = "".join(
        f"<url><loc>{escape(article_url(spec, source, st.index))}</loc><news:news><news:publication>"
        f"<news:name>{escape(s.name)}</news:name><news:language>en</news:language></news:publication>"
        f"<news:publication_date>{iso(st.published)}</news:publication_date><news:title>{escape(st.title)}</news:title>"
        f"</news:news></url>"
        for st in stories
    )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>'
    )
    return body.encode("utf-8"), "application/xml; charset=utf-8"


def parse_article_path(path: str) -> tuple[int, int] | None:
    """(source, index) of an article path of this web, else None."""
    parts = path.strip("/").split("/")
    if len(parts) != 5 or not parts[0].startswith("s") or not parts[4].endswith(".html"):
        return None
    try:
        return int(parts[0][1:]), int(parts[4][:-5].rsplit("-", 1)[1])
    except (ValueError, IndexError):
        return None


def etag(data: bytes) -> str:
    return '"' + hashlib.blake2b(data, digest_size=8).hexdigest() + '"'
