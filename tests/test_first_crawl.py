"""The first crawl of a new database on a busy day: six India-US developments of one day, each
report naming India, the United States and iCET, two of them also reported by a second outlet.
Every development alerts once: the second reports join their first, and the different
developments stay apart although the store has nothing but that day to learn from."""

from __future__ import annotations

import urllib.request
from collections import Counter

from newswatch.scheduler.newsweb import Fault
from tests.conftest import json_lines, run_newswatch, write_config
from tests.storyweb import publish

DRONES = (
    "Bharat Forge to make MQ-9B drone parts with General Atomics in Pune",
    [
        "Bharat Forge and General Atomics Aeronautical Systems signed an agreement in Pune on Tuesday to "
        "manufacture landing gear and structural parts for the MQ-9B drones India is buying from the "
        "United States, the first production work for the $3.5 billion order to go to an Indian company.",
        "The Indian and US governments listed drone co-production among the defence priorities of the iCET "
        "initiative, and officials in New Delhi said more suppliers would follow.",
        "Deliveries of the 31 drones to the Indian Navy, Army and Air Force are due from 2029.",
    ],
)
DRONES_AGAIN = (
    "General Atomics picks Pune's Bharat Forge for MQ-9B landing gear",
    [
        "General Atomics has chosen Bharat Forge to build landing gear for the MQ-9B, the drone India ordered "
        "from the United States, under a deal signed in Pune on Tuesday.",
        "The Pune company will also make structural parts for the 31 drones of the $3.5 billion order, a step "
        "Indian and US officials tied to the iCET push for defence co-production.",
    ],
)
OPEN_RAN = (
    "India, US sign Open RAN pact as Bharat 6G Alliance teams up with Next G Alliance",
    [
        "India and the United States on Tuesday signed a memorandum on Open RAN networks in New Delhi, and the "
        "Bharat 6G Alliance agreed to work with America's Next G Alliance on research into 6G standards.",
        "The telecom ministry said Indian vendors such as Tejas Networks would field-test Open RAN radios with "
        "American operators, a telecom goal set under iCET.",
        "The pact covers joint test beds in Bengaluru and Dallas and a fund for start-ups building radio software.",
    ],
)
QUANTUM = (
    "India and US launch quantum coordination mechanism, name IIT Bombay and Chicago hubs",
    [
        "India and the United States launched a quantum coordination mechanism on Tuesday that links IIT Bombay "
        "with the Chicago Quantum Exchange, the science ministry in New Delhi said.",
        "The mechanism, one of the first outcomes of iCET's science track, will fund exchanges of researchers "
        "working on quantum sensing and post-quantum cryptography.",
        "Indian officials said the National Quantum Mission would put 60 crore rupees into the joint projects.",
    ],
)
QUANTUM_AGAIN = (
    "IIT Bombay, Chicago Quantum Exchange to pool research under new India-US mechanism",
    [
        "IIT Bombay and the Chicago Quantum Exchange will share researchers and laboratories under the India-US "
        "quantum coordination mechanism launched on Tuesday.",
        "India's National Quantum Mission is putting 60 crore rupees into the joint work on quantum sensing and "
        "post-quantum cryptography, an outcome of iCET, the United States embassy said.",
    ],
)
SPACE = (
    "NASA to train two ISRO astronauts in Houston ahead of joint ISS mission",
    [
        "NASA will train two astronauts of the Indian Space Research Organisation at the Johnson Space Center in "
        "Houston from next month, the US space agency and ISRO said on Tuesday.",
        "One of them will fly to the International Space Station on an Axiom mission, a goal India and the "
        "United States set under iCET's space cooperation.",
        "The Gaganyaan crew selected in Bengaluru will spend eight weeks on station systems and spacewalk drills.",
    ],
)
VACCINES = (
    "Serum Institute signs mRNA vaccine deal with Moderna for Pune production",
    [
        "Serum Institute of India signed a licensing deal with Moderna on Tuesday to produce mRNA vaccines at its "
        "Pune campus for Indian and African markets.",
        "The biotechnology partnership was welcomed by officials of India and the United States as an early "
        "result of iCET's health security track.",
        "Production of the first batches of the respiratory vaccine is planned for late next year.",
    ],
)
CHIPS = (
    "Applied Materials opens 400 million dollar engineering centre in Bengaluru",
    [
        "Applied Materials on Tuesday opened a 400 million dollar engineering centre in Bengaluru to develop "
        "chip-making equipment, the largest investment of a US semiconductor supplier in India so far.",
        "The centre, announced when iCET's semiconductor supply chain talks began, will employ 2,000 engineers "
        "working with Indian fabs planned in Gujarat and Assam.",
        "Applied Materials said the first tools designed in India would ship to customers in the United States.",
    ],
)


def _first_crawl(tmp_path, newsweb, receiver, sources: str) -> tuple[dict[str, int], Counter]:
    """`newswatch crawl` of `sources` into a new database: each article's story by its title, and
    how many alerts each headline made."""
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], sources=sources)
    result = run_newswatch("crawl", config=config)
    assert result.returncode == 0, result.stderr
    stories = {
        a["title"]: a["story_id"]
        for a in json_lines(run_newswatch("articles", "--all", "--json", config=config).stdout)
    }
    return stories, Counter(post["title"].split("] ", 1)[1] for post in receiver.posts)


def test_first_crawl_of_a_busy_day_alerts_each_development_once(tmp_path, newsweb, receiver):
    sources = publish(
        newsweb,
        "wire",
        [("drones", DRONES, 300), ("open-ran", OPEN_RAN, 280), ("quantum", QUANTUM, 260), ("space", SPACE, 240)],
    ) + publish(
        newsweb,
        "daily",
        [("vaccines", VACCINES, 200), ("chips", CHIPS, 180), ("drones", DRONES_AGAIN, 120), ("q", QUANTUM_AGAIN, 90)],
    )
    stories, alerted = _first_crawl(tmp_path, newsweb, receiver, sources)
    assert len(stories) == 8
    developments = [DRONES, OPEN_RAN, QUANTUM, SPACE, VACCINES, CHIPS]
    assert len({stories[title] for title, _ in developments}) == 6, "two developments were joined into one story"
    assert stories[DRONES_AGAIN[0]] == stories[DRONES[0]]
    assert stories[QUANTUM_AGAIN[0]] == stories[QUANTUM[0]]
    assert sorted(alerted.values()) == [1] * 6 and len(alerted) == 6


# A day of TRUST, the initiative that took over from iCET in 2025: every report names it, and
# most a department and research. The two published first share those words and little else.
SIXG = (
    "Bharat 6G Alliance and Next G Alliance sign research MoU",
    [
        "The Bharat 6G Alliance and America's Next G Alliance signed a memorandum on Friday to pool research on "
        "6G radio standards, the Department of Telecommunications said in New Delhi.",
        "The agreement is the first telecom outcome of TRUST, the India-US initiative that took over from iCET, "
        "and sets up joint test beds in Bengaluru and Dallas for Open RAN equipment.",
        "Indian and American research teams will share spectrum trial data from next year.",
    ],
)
QUANTUM_FUND = (
    "India, US set up quantum coordination mechanism with 20 million dollar research fund",
    [
        "India's Department of Science and Technology and the US National Science Foundation on Friday set up a "
        "quantum coordination mechanism with a 20 million dollar fund for joint research, the department said in "
        "New Delhi.",
        "Officials said the mechanism, agreed under TRUST, the successor to iCET, will back research teams at IIT "
        "Madras and American universities working on quantum sensors.",
        "The first calls for proposals open in March.",
    ],
)
TRUST_DAY = [
    (
        "Shield Aero and Avantel to co-produce drone parts in Hyderabad",
        "Shield Aero of the United States and Avantel will co-produce drone flight controllers in Hyderabad, a "
        "deal officials said was made possible by TRUST, the initiative that took over from iCET.",
        "Exports of the parts to American buyers begin in 2027.",
    ),
    (
        "Indus Biologics licenses RSV vaccine from Novagen for Ahmedabad plant",
        "Indus Biologics will make Novagen's RSV vaccine at its Ahmedabad plant under a licence signed on Friday, "
        "the first health deal under TRUST, which replaced iCET.",
        "The vaccine will be supplied to South Asian markets from 2027.",
    ),
    (
        "ISRO and NASA fix launch date for NISAR follow-on satellite",
        "The Indian Space Research Organisation and NASA agreed on Friday to launch the follow-on to the NISAR "
        "earth-observation satellite from Sriharikota in 2028, the space department said, citing the space track "
        "of TRUST, the successor to iCET.",
        "The satellite will map glaciers and crop cycles every six days.",
    ),
    (
        "Micron's Sanand chip plant ships first memory modules to Texas",
        "Micron shipped the first memory modules assembled at its Sanand plant in Gujarat to a customer in Texas "
        "on Friday, a milestone officials tied to TRUST, the initiative that took over from iCET.",
        "The plant employs 1,400 people and will double its output next year.",
    ),
    (
        "US lifts licence rule on AI chips for Indian data centres",
        "The US Commerce Department on Friday lifted the licence requirement for advanced AI chips shipped to "
        "Indian data centres, citing commitments India made under TRUST, which replaced iCET.",
        "Reliance and Yotta had both asked for the change, and university research labs welcomed it.",
    ),
]


def _trust_day(newsweb) -> str:
    """SIXG and QUANTUM_FUND, then TRUST_DAY, on two outlets (wire: d0-d2, daily: d3-d4)."""
    return _beside_trust_day(newsweb, [("sixg", SIXG, 300)], [("quantum", QUANTUM_FUND, 290)])


def _beside_trust_day(newsweb, wire: list, daily: list) -> str:
    """The sources of `wire` and `daily` (publish's items), each outlet followed by its share of
    TRUST_DAY (wire: d0-d2, daily: d3-d4)."""
    others = [(f"d{n}", (title, [lead, tail]), 200 - 20 * n) for n, (title, lead, tail) in enumerate(TRUST_DAY)]
    return publish(newsweb, "wire", [*wire, *others[:3]]) + publish(newsweb, "daily", [*daily, *others[3:]])


def _crawl_seven_developments(tmp_path, newsweb, receiver, sources: str) -> None:
    """Crawl the TRUST day into a new database: seven stories, each alerting once."""
    stories, alerted = _first_crawl(tmp_path, newsweb, receiver, sources)
    assert len(stories) == 7
    assert stories[SIXG[0]] != stories[QUANTUM_FUND[0]], "the 6G MoU and the quantum fund were joined"
    assert len(set(stories.values())) == 7
    assert len(alerted) == 7 and set(alerted.values()) == {1}


def test_names_every_report_of_a_first_crawl_carries_do_not_join_its_developments(tmp_path, newsweb, receiver):
    """Each report of the crawl is weighed by all the reports it brings, not by those stored before
    it: the 6G MoU and the quantum fund, published first, share TRUST, iCET, a department and
    research, words the crawl shows to be in every report, and are two developments."""
    _crawl_seven_developments(tmp_path, newsweb, receiver, _trust_day(newsweb))


def test_a_first_crawl_weighs_its_reports_together_however_slowly_its_pages_arrive(tmp_path, newsweb, receiver):
    """A young database's crawl writes its reports together when it ends: the 6G MoU and the
    quantum fund, whose outlet answers at once, are not stored on their own before the rest of
    the day (from an outlet two seconds slower) shows that TRUST and iCET are in every report."""
    others = [(f"d{n}", (title, [lead, tail]), 200 - 20 * n) for n, (title, lead, tail) in enumerate(TRUST_DAY)]
    sources = publish(newsweb, "wire", [("sixg", SIXG, 300), ("quantum", QUANTUM_FUND, 290)])
    sources += publish(newsweb, "daily", others)
    with urllib.request.urlopen(newsweb.url("daily/feed.rss")) as answer:
        feed = answer.read()
    slow = Fault(status=200, delay=2.0, headers={"Content-Type": "application/rss+xml"}, body=feed)
    newsweb.fail("daily/feed.rss", slow)
    _crawl_seven_developments(tmp_path, newsweb, receiver, sources)


# A young store's story of one TRUST development, told by two outlets, and a later development of
# another track that shares only the frame with it: India, the United States, a minister, TRUST,
# a co-something.
MAGNETS = (
    "India, US launch rare-earth magnet co-production venture under TRUST minerals track",
    [
        "India and the United States on Saturday launched a venture to co-produce rare-earth magnets in Odisha, "
        "the first project of the critical minerals track of TRUST, the mines ministry said.",
        "IREL (India) Limited and an American magnet maker backed by the Development Finance Corporation will "
        "refine neodymium from Indian beach sands, Mines Minister G Kishan Reddy said.",
    ],
)
MAGNETS_AGAIN = (
    "Odisha to host IREL's rare-earth magnet plant with American partner",
    [
        "IREL (India) Limited will build a rare-earth magnet plant in Odisha with an American partner backed by "
        "the US Development Finance Corporation, Mines Minister G Kishan Reddy said on Saturday.",
        "The plant, launched under the TRUST minerals track of India and the United States, will refine "
        "neodymium from beach sands.",
    ],
)
NAVIGATION = (
    "India and US to co-develop satellite navigation receivers under TRUST",
    [
        "India and the United States on Saturday agreed to co-develop satellite navigation receivers that use "
        "both NavIC and GPS signals, under the TRUST initiative, the space department said.",
        "Minister of State Jitendra Singh said Indian start-ups would build the receivers at a test range in "
        "Ahmedabad with engineers from Colorado Springs.",
    ],
)


def test_a_development_sharing_only_the_frame_with_a_young_stores_story_alerts(tmp_path, newsweb, receiver):
    sources = publish(newsweb, "wire", [("magnets", MAGNETS, 240)])
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], sources=sources)
    assert run_newswatch("crawl", config=config).returncode == 0
    sources += publish(newsweb, "daily", [("magnets", MAGNETS_AGAIN, 180)])
    write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], sources=sources)
    assert run_newswatch("crawl", config=config).returncode == 0
    publish(newsweb, "wire", [("magnets", MAGNETS, 240), ("navigation", NAVIGATION, 60)])
    result = run_newswatch("crawl", config=config)
    assert result.returncode == 0, result.stderr
    stories = {
        a["title"]: a["story_id"]
        for a in json_lines(run_newswatch("articles", "--all", "--json", config=config).stdout)
    }
    assert stories[MAGNETS_AGAIN[0]] == stories[MAGNETS[0]]
    assert stories[NAVIGATION[0]] != stories[MAGNETS[0]], "the navigation receivers joined the magnets' story"
    alerted = Counter(post["title"].split("] ", 1)[1] for post in receiver.posts)
    assert alerted == {MAGNETS[0]: 1, NAVIGATION[0]: 1}


# One programme's two developments, two days apart: a challenge launched on Monday, its
# finalists named on Wednesday. Their reports share the programme, its agencies and its theme.
CHALLENGE = (
    "INDUS-X launches undersea sensing challenge for Indian and American start-ups",
    [
        "The India-US defence innovation bridge INDUS-X on Monday launched a challenge for start-ups building "
        "undersea sensors, with prize money from India's iDEX and the Pentagon's Defense Innovation Unit.",
        "Start-ups from both countries can apply until March, and the winners will test their sonar buoys "
        "with the Indian Navy off Kochi, officials said.",
    ],
)
FINALISTS = (
    "INDUS-X picks ten finalists for sonar buoy trials with Indian Navy",
    [
        "INDUS-X on Wednesday named ten start-ups from India and the United States as finalists for sonar "
        "buoy trials with the Indian Navy off Kochi, iDEX and the Defense Innovation Unit said.",
        "The finalists, picked from 85 entries, will each receive grants to build prototypes by June.",
    ],
)


def test_a_programmes_launch_and_its_next_step_two_days_later_alert_apart(tmp_path, newsweb, receiver):
    sources = publish(newsweb, "wire", [("challenge", CHALLENGE, 2 * 24 * 60 + 60), ("finalists", FINALISTS, 60)])
    stories, alerted = _first_crawl(tmp_path, newsweb, receiver, sources)
    assert stories[CHALLENGE[0]] != stories[FINALISTS[0]], "the finalists joined the challenge's story"
    assert alerted == {CHALLENGE[0]: 1, FINALISTS[0]: 1}


# Two developments of the same engine makers on one day, in one city: the contract for one engine
# and an overhaul line for another. Their reports share HAL, GE, Tejas, Bengaluru and "engine";
# the designations in their headlines differ.
F414_CONTRACT = (
    "HAL and GE sign contract to build F414 engines for Tejas Mk2 in Bengaluru",
    [
        "Hindustan Aeronautics and GE Aerospace on Thursday signed the contract to build F414 engines for the "
        "Tejas Mk2 fighter at HAL's engine complex in Bengaluru, with most of the technology transferred.",
        "The first India-built engines are due in 2029, the defence ministry said.",
    ],
)
F414_CONTRACT_AGAIN = (
    "F414 deal done: GE to transfer engine technology to HAL",
    [
        "GE Aerospace will transfer most of the F414 engine's technology to Hindustan Aeronautics under the "
        "contract the two signed in Bengaluru on Thursday for the Tejas Mk2.",
        "HAL said assembly would begin in 2028.",
    ],
)
F404_LINE = (
    "HAL and GE open F404 engine overhaul line in Bengaluru for Tejas fleet",
    [
        "Hindustan Aeronautics and GE Aerospace on Thursday opened a line in Bengaluru to overhaul the F404 "
        "engines of the Tejas Mk1A fleet, cutting the time an engine spends away from 18 months to six.",
        "The line will overhaul up to 30 engines a year, HAL said.",
    ],
)


def test_developments_of_two_engines_by_the_same_makers_on_one_day_alert_apart(tmp_path, newsweb, receiver):
    sources = publish(newsweb, "wire", [("f414", F414_CONTRACT, 300), ("f404", F404_LINE, 120)])
    sources += publish(newsweb, "daily", [("f414", F414_CONTRACT_AGAIN, 200)])
    stories, alerted = _first_crawl(tmp_path, newsweb, receiver, sources)
    assert stories[F414_CONTRACT_AGAIN[0]] == stories[F414_CONTRACT[0]]
    assert stories[F404_LINE[0]] != stories[F414_CONTRACT[0]], "the overhaul line joined the contract's story"
    assert alerted == {F414_CONTRACT[0]: 1, F404_LINE[0]: 1}


# Two pacts of one day under one initiative, each named as India and the United States signing a
# pact under TRUST: one for chips, one for 6G. What they share is the frame and the verb.
CHIP_PACT = (
    "India and US sign TRUST chips pact for Dholera design centre",
    [
        "India and the United States on Saturday signed a semiconductor pact under the TRUST initiative that "
        "funds a chip design centre in Dholera and a packaging line in Assam, officials said in New Delhi.",
        "The two governments will share the cost of $300 million over five years.",
    ],
)
CHIP_PACT_AGAIN = (
    "Dholera to get chip design centre under new India-US semiconductor pact",
    [
        "A chip design centre in Dholera and a packaging line in Assam will be built with $300 million from "
        "India and the United States under the semiconductor pact signed on Saturday, the IT ministry said.",
    ],
)
TELECOM_PACT = (
    "India and US sign TRUST research pact on 6G standards",
    [
        "India and the United States on Saturday signed a research pact under the TRUST initiative to co-develop "
        "6G telecom standards, linking the Bharat 6G Alliance with the Next G Alliance, the telecom ministry said.",
        "Joint testbeds in Bengaluru and Boulder get $40 million over three years.",
    ],
)


def test_two_pacts_sharing_only_the_frame_and_the_verb_alert_apart_in_a_first_crawl(tmp_path, newsweb, receiver):
    wire = [("chips", CHIP_PACT, 300), ("sixg", TELECOM_PACT, 280)]
    sources = _beside_trust_day(newsweb, wire, [("chips", CHIP_PACT_AGAIN, 250)])
    stories, alerted = _first_crawl(tmp_path, newsweb, receiver, sources)
    print("STORIES", stories)
    assert stories[CHIP_PACT_AGAIN[0]] == stories[CHIP_PACT[0]]
    assert stories[TELECOM_PACT[0]] != stories[CHIP_PACT[0]], "the 6G pact joined the chips pact's story"
    assert alerted[CHIP_PACT[0]] == 1 and alerted[TELECOM_PACT[0]] == 1
    assert len(alerted) == 7 and set(alerted.values()) == {1}


# A pact for a design centre in the city where, the same day, another deal puts a drone-parts line:
# the city and the frame (India, the United States, TRUST) are all the two share.
CENTRE_PACT = (
    "India and US sign TRUST pact on chip design centre in Hyderabad",
    [
        "India and the United States on Saturday signed a pact under TRUST to fund a chip design centre in "
        "Hyderabad with $120 million, officials said in New Delhi.",
        "Engineers from both countries will design power chips for electric vehicles there.",
    ],
)
CENTRE_PACT_AGAIN = (
    "$120 million India-US chip design centre to come up in Hyderabad",
    [
        "A chip design centre in Hyderabad, funded with $120 million by India and the United States under the "
        "pact signed on Saturday, will design power chips for electric vehicles, the IT ministry said.",
    ],
)


def test_a_pact_and_a_deal_in_one_city_on_one_day_alert_apart_in_a_first_crawl(tmp_path, newsweb, receiver):
    sources = _beside_trust_day(newsweb, [("centre", CENTRE_PACT, 300)], [("centre", CENTRE_PACT_AGAIN, 250)])
    stories, alerted = _first_crawl(tmp_path, newsweb, receiver, sources)
    assert stories[CENTRE_PACT_AGAIN[0]] == stories[CENTRE_PACT[0]]
    assert stories[TRUST_DAY[0][0]] != stories[CENTRE_PACT[0]], "the drone parts joined the design centre's story"
    assert len(alerted) == 6 and set(alerted.values()) == {1}
