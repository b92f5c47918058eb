"""The first crawl of a new database on a busy day: six India-US developments of one day, each
report naming India, the United States and iCET, two of them also reported by a second outlet.
Every development alerts once: the second reports join their first, and the different
developments stay apart although the store has nothing but that day to learn from."""

from __future__ import annotations

from collections import Counter

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
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], sources=sources)
    result = run_newswatch("crawl", config=config)
    assert result.returncode == 0, result.stderr

    stories = {
        a["title"]: a["story_id"]
        for a in json_lines(run_newswatch("articles", "--all", "--json", config=config).stdout)
    }
    assert len(stories) == 8
    developments = [DRONES, OPEN_RAN, QUANTUM, SPACE, VACCINES, CHIPS]
    assert len({stories[title] for title, _ in developments}) == 6, "two developments were joined into one story"
    assert stories[DRONES_AGAIN[0]] == stories[DRONES[0]]
    assert stories[QUANTUM_AGAIN[0]] == stories[QUANTUM[0]]
    alerted = Counter(post["title"].split("] ", 1)[1] for post in receiver.posts)
    assert sorted(alerted.values()) == [1] * 6 and len(alerted) == 6
