"""One story, one alert: a wire story republished by five outlets with their own headlines and
boilerplate is stored once as the original and four times as a copy, forms one story and alerts
once; distinct reports on the same subject stay apart."""

from __future__ import annotations

from tests.conftest import json_lines, run_newswatch, write_config

WIRE = [
    "India and the United States on Thursday signed an agreement for the co-production of Stryker armoured "
    "vehicles and Javelin anti-tank missiles, officials said, in the first big defence deal under the TRUST "
    "initiative that replaced the Initiative on Critical and Emerging Technology (iCET).",
    "The agreement was signed in New Delhi after talks between Defence Secretary Rajesh Kumar Singh and a "
    "visiting Pentagon delegation, and follows months of negotiation over technology transfer terms.",
    "Under the deal, Bharat Forge and Tata Advanced Systems will build parts of the vehicles in Pune and "
    "Hyderabad, while the missiles will be assembled by Bharat Dynamics Limited with American seekers.",
    "Officials said the first locally built Stryker vehicles would be handed over to the Indian Army for "
    "trials in high-altitude areas of Ladakh before the end of next year.",
    "The two sides also agreed to set up a joint working group on undersea drones and to speed up licences "
    "for the export of jet engine components, a long-standing Indian request.",
]
OUTLETS = [
    ("wire-desk", "Stryker, Javelin co-production pact signed under TRUST", "", ""),
    (
        "metro-daily",
        "India, US seal armoured vehicle and missile co-production deal",
        "NEW DELHI, Nov 26 (PTI) ",
        "(With inputs from PTI)",
    ),
    (
        "capital-post",
        "Big defence deal: Strykers and Javelins to be made in India",
        "New Delhi: ",
        "Also Read: Five things to know about the Stryker",
    ),
    (
        "business-line",
        "Bharat Forge, Tata to build Stryker parts as India-US sign pact",
        "",
        "Follow us on X for more.",
    ),
    (
        "hill-herald",
        "TRUST yields first big defence deal between India and US",
        "NEW DELHI (Reuters) - ",
        "(This story has not been edited by Hill Herald staff and is auto-generated from a syndicated feed.)",
    ),
]
OTHER = (
    "indus-watch",
    "INDUS-X start-ups win Pentagon contracts for undersea drones",
    [
        "Three Indian start-ups selected through INDUS-X have won their first Pentagon contracts, for undersea drone "
        "prototypes to be tested off Goa next spring, the Defence Ministry said on Friday.",
        "The awards are small, under two million dollars each, but officials called them proof that the India-US "
        "defence innovation bridge was producing real orders rather than memoranda.",
        "The companies, based in Bengaluru, Chennai and Pune, will partner with American firms on sonar and "
        "battery systems, and will keep the intellectual property they develop.",
        "A fourth start-up, working on satellite data, was shortlisted and may be funded in the next round.",
    ],
)


def _page(title, paragraphs, age_minutes):
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="article:published_time" content="{{{{iso:-{age_minutes}m}}}}"></head>'
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}</article>"
        f"<footer>All rights reserved.</footer></body></html>"
    )


def _feed(title, path, age_minutes):
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>{title}</title>'
        f"<link>{path}</link><pubDate>{{{{rfc822:-{age_minutes}m}}}}</pubDate></item></channel></rss>"
    )


def _publish(web):
    from newswatch.scheduler.newsweb import render_dates

    sources = ""
    stories = [
        (name, title, [lead + WIRE[0]] + WIRE[1 : 4 if i % 2 else 5] + ([tail] if tail else []))
        for i, (name, title, lead, tail) in enumerate(OUTLETS)
    ]
    stories.append((OTHER[0], OTHER[1], OTHER[2]))
    for age, (name, title, paragraphs) in enumerate(stories):
        minutes = 60 - age * 5
        web.serve(f"/{name}/story.html", render_dates(_page(title, paragraphs, minutes), web.now))
        web.serve(
            f"/{name}/feed.rss",
            render_dates(_feed(title, f"/{name}/story.html", minutes), web.now),
            "application/rss+xml",
        )
        sources += f'[[sources]]\nname = "{name}"\ntype = "feed"\nurl = "{web.url(name + "/feed.rss")}"\n'
    return sources


def test_wire_story_from_five_outlets_is_one_original_four_copies_one_story_one_alert(tmp_path, newsweb, receiver):
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], sources=_publish(newsweb))
    # One source at a time, oldest first, as the stories appear over a morning.
    for name, *_ in OUTLETS:
        assert run_newswatch("crawl", "--source", name, config=config).returncode == 0
    assert run_newswatch("crawl", "--source", OTHER[0], config=config).returncode == 0

    articles = {a["source"]: a for a in json_lines(run_newswatch("export", "--all", config=config).stdout)}
    original = articles["wire-desk"]
    assert original["duplicate_of"] is None
    copies = [articles[name] for name, *_ in OUTLETS[1:]]
    assert [c["duplicate_of"] for c in copies] == [original["id"]] * 4
    assert {c["story_id"] for c in copies} == {original["story_id"]}

    other = articles["indus-watch"]
    assert other["duplicate_of"] is None and other["story_id"] != original["story_id"]

    titles = [p["title"] for p in receiver.posts]
    assert len(titles) == 2, titles
    assert sum("Stryker, Javelin co-production pact" in t for t in titles) == 1
    assert sum("INDUS-X start-ups" in t for t in titles) == 1

    stories = json_lines(run_newswatch("stories", "--json", config=config).stdout)
    wire_story = next(s for s in stories if s["story_id"] == original["story_id"])
    assert len(wire_story["articles"]) == 5 and len(wire_story["outlets"]) == 5
    assert run_newswatch("stories", "--topic", "icet", config=config).stdout.count("story ") == 2

    shown = json_lines(run_newswatch("show", str(original["id"]), "--json", config=config).stdout)[0]
    assert sorted(c["source"] for c in shown["copies"]) == sorted(name for name, *_ in OUTLETS[1:])
