"""Reports written for the story and alert tests, published on the fixture news web: each source
a feed listing its reports (newest first, as feeds do), each report a page with its headline,
paragraphs and publication time (relative to now, or a fixed date)."""

from __future__ import annotations

from datetime import datetime

from newswatch.scheduler.newsweb import NewsWeb, render_dates

# Independent reports of one event (the INDUS-X fund), of another (the engine deal) and a wire
# copy of the engine deal: all match the built-in icet topic.
FUND = (
    "INDUS-X summit opens defence start-up fund to Indian drone makers",
    [
        "The INDUS-X summit in Bengaluru ended with a joint fund for Indian and American defence start-ups, "
        "the first money committed under the initiative since the iCET review in Washington.",
        "Officials said the fund will back counter-drone sensors and undersea domain awareness, with the "
        "Pentagon's Defense Innovation Unit and India's iDEX each choosing six companies a year.",
        "Industry groups in both countries welcomed the move but asked for faster export licences.",
    ],
)
FUND_FOLLOW_UP = (
    "Pentagon, iDEX to pick twelve drone start-ups a year from INDUS-X fund",
    [
        "India's iDEX and the Pentagon's Defense Innovation Unit will each choose six start-ups a year for the "
        "joint INDUS-X fund agreed at the Bengaluru summit, officials told reporters.",
        "The fund, the first money committed under the iCET defence innovation bridge, will back counter-drone "
        "sensors and undersea domain awareness projects.",
        "Start-up founders said export licences remain the main hurdle.",
    ],
)
ENGINES = (
    "GE and HAL sign F414 jet engine co-production deal for Tejas Mk2",
    [
        "General Electric and Hindustan Aeronautics Limited signed the contract to co-produce F414 jet engines "
        "in Bengaluru for the Tejas Mk2 fighter, the biggest outcome yet of the iCET initiative.",
        "About 80 percent of the engine's technology will be transferred to HAL, and deliveries of the first "
        "Indian-built engines are due in 2028, the defence ministry said.",
        "The deal follows US Congressional clearance and months of talks on export licences.",
    ],
)
ENGINES_WIRE = (
    "F414 deal: GE, HAL ink engine pact",
    ["NEW DELHI (PTI) - " + ENGINES[1][0], *ENGINES[1][1:], "(With inputs from PTI)"],
)


def page(title: str, paragraphs: list[str], published: str) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="article:published_time" content="{published}"></head>'
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}</article>"
        f"<footer>All rights reserved.</footer></body></html>"
    )


def _moments(when: int | datetime) -> tuple[str, str]:
    """(ISO for the page, RFC 822 for the feed) of minutes ago, or of a fixed moment."""
    if isinstance(when, datetime):
        from email.utils import format_datetime

        return when.isoformat(), format_datetime(when, usegmt=True)
    return f"{{{{iso:-{when}m}}}}", f"{{{{rfc822:-{when}m}}}}"


def publish(web: NewsWeb, source: str, reports: list[tuple[str, tuple[str, list[str]], int | datetime]]) -> str:
    """Serve `reports` (slug, (title, paragraphs), minutes ago or a moment) under /`source`/ with
    a feed listing them in the order given; returns the `[[sources]]` entry for it."""
    items = ""
    for slug, (title, paragraphs), when in reports:
        iso, rfc822 = _moments(when)
        web.serve(f"/{source}/{slug}.html", render_dates(page(title, paragraphs, iso), web.now))
        items += f"<item><title>{title}</title><link>/{source}/{slug}.html</link><pubDate>{rfc822}</pubDate></item>"
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>{source}</title>{items}</channel></rss>'
    web.serve(f"/{source}/feed.rss", render_dates(feed, web.now), "application/rss+xml")
    return f'[[sources]]\nname = "{source}"\ntype = "feed"\nurl = "{web.url(source + "/feed.rss")}"\ninterval = "5m"\n'
