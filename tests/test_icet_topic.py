"""The built-in topics against the labelled set (tests/labelled/icet.jsonl): the icet topic
must find the iCET/TRUST reporting and leave the look-alikes (entrance exams, cricket, trade,
other countries' technology dialogues) alone; india-us must find India-US relations at large."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newswatch.domain.items import Article
from newswatch.domain.matching import compile_topics, match
from newswatch.domain.topics import BUILTIN_TOPICS, ICET, INDIA_US

LABELLED = Path(__file__).parent / "labelled" / "icet.jsonl"


def load_labelled() -> list[dict]:
    return [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]


def article(title: str, text: str) -> Article:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return Article(
        url="https://example.org/a",
        canonical_url="https://example.org/a",
        source="test",
        title=title,
        text=text,
        fetched_at=now,
    )


def topic_names(title: str, text: str) -> list[str]:
    return [m.topic for m in match(article(title, text), compile_topics(BUILTIN_TOPICS))]


def test_labelled_set_is_large_enough_and_well_formed():
    rows = load_labelled()
    assert len({row["id"] for row in rows}) == len(rows)
    assert all(row["title"] and row["text"] and row["note"] and isinstance(row["label"], bool) for row in rows)
    assert sum(row["label"] for row in rows) >= 120
    assert sum(not row["label"] for row in rows) >= 100
    assert all(row.get("lang", "en") in ("en", "hi") for row in rows)


def test_icet_topic_finds_the_partnership_and_not_its_look_alikes():
    topics = compile_topics([ICET])
    missed, wrong, found = [], [], 0
    for row in load_labelled():
        matched = bool(match(article(row["title"], row["text"]), topics))
        if matched and row["label"]:
            found += 1
        elif matched:
            wrong.append(f"{row['id']} ({row['note']})")
        elif row["label"]:
            missed.append(f"{row['id']} ({row['note']})")
    precision = found / (found + len(wrong)) if found + len(wrong) else 0.0
    recall = found / (found + len(missed))
    report = (
        f"icet topic on {LABELLED.name}: precision {precision:.3f}, recall {recall:.3f}"
        f" ({found} found, {len(wrong)} wrong, {len(missed)} missed)"
    )
    print(report)
    assert precision >= 0.95, f"{report}; matched negatives: {wrong}"
    assert recall >= 0.95, f"{report}; missed positives: {missed}"


def test_icet_topic_finds_hindi_reports_and_leaves_hindi_look_alikes_alone():
    topics = compile_topics([ICET])
    hindi = [row for row in load_labelled() if row.get("lang") == "hi"]
    assert sum(row["label"] for row in hindi) >= 25 and sum(not row["label"] for row in hindi) >= 15
    found = [row["id"] for row in hindi if row["label"] and match(article(row["title"], row["text"]), topics)]
    wrong = [row["id"] for row in hindi if not row["label"] and match(article(row["title"], row["text"]), topics)]
    positives = sum(row["label"] for row in hindi)
    assert len(found) >= 0.9 * positives, f"{len(found)} of {positives} Hindi reports found"
    assert wrong == []


@pytest.mark.parametrize(
    "title, text",
    [
        (
            "Modi, Trump launch US-India COMPACT for the 21st century",
            "The leaders launched the COMPACT, covering defence, trade and technology, with outcomes this year.",
        ),
        (
            "India, US sign 10-year defence framework in Kuala Lumpur",
            "Rajnath Singh and Pete Hegseth signed the Framework for the US-India Major Defence Partnership.",
        ),
        (
            "India joins Pax Silica at AI Impact Summit",
            "India signed the Pax Silica Declaration and a joint statement on the AI Opportunity Partnership.",
        ),
        (
            "HAL signs deal with GE for 113 F404 engines",
            "Hindustan Aeronautics will receive the engines for the Tejas Mk1A from 2027.",
        ),
        (
            "भारत पैक्स सिलिका में शामिल",
            "भारत ने अमेरिका के नेतृत्व वाले पैक्स सिलिका गठबंधन के घोषणापत्र पर हस्ताक्षर किए।",
        ),
        (
            "Commerce Department lifts curbs on Indian nuclear labs",
            "The US removed the Bhabha Atomic Research Centre and two other Indian entities from its Entity List.",
        ),
        (
            "भारत-अमेरिका ने 10 साल के रक्षा ढांचे पर किए हस्ताक्षर",
            "राजनाथ सिंह और पीट हेगसेथ ने प्रमुख रक्षा साझेदारी के ढांचे पर दस्तखत किए।",
        ),
    ],
)
def test_icet_topic_follows_the_2025_2026_names_in_english_and_hindi(title, text):
    assert ICET.name in topic_names(title, text)


@pytest.mark.parametrize(
    "title, text",
    [
        (
            "TS ICET 2026 registration begins for MBA, MCA admissions",
            "New Delhi: TGCHE has opened TS ICET 2026 registration; the exam is on May 13 and 14 across India.",
        ),
        (
            "Stryker raises 2026 outlook as orthopaedics demand grows",
            "The US medical technology company Stryker said sales in India and America rose on surgical robots.",
        ),
        (
            "Neeraj Chopra wins Diamond League javelin title",
            "India's Neeraj Chopra threw 88.16 metres to beat an American rival in the javelin.",
        ),
        (
            "Indus Towers shares rise as Airtel raises stake",
            "US brokerages upgraded Indus Towers, India's largest telecom tower company.",
        ),
        (
            "राम मंदिर ट्रस्ट की बैठक में नई सुविधाओं पर फैसला",
            "ट्रस्ट ने अमेरिका में बसे भारतीय श्रद्धालुओं के दान के लिए नई तकनीक वाली वेबसाइट शुरू की।",
        ),
        (
            "Pakistan offers rare earths to American firms",
            "Pakistan signed a memorandum with a US company on its critical minerals and rare earths, a deal watched"
            " in New Delhi as Islamabad courts Washington.",
        ),
        (
            "नीरज चोपड़ा ने जीता जेवलिन थ्रो का खिताब",
            "भारत के नीरज चोपड़ा ने 88 मीटर का थ्रो कर अमेरिका के खिलाड़ी को हराया।",
        ),
    ],
)
def test_icet_topic_leaves_2026_look_alikes_alone(title, text):
    assert ICET.name not in topic_names(title, text)


@pytest.mark.parametrize(
    "title, text, on_topic",
    [
        (
            "Micron's Sanand unit ships its first memory modules",
            "Micron Technology said the assembly and test plant in Gujarat has shipped its first DRAM modules.",
            True,
        ),
        (
            "माइक्रोन का साणंद प्लांट तैयार",
            "अमेरिकी कंपनी माइक्रोन का गुजरात के साणंद में सेमीकंडक्टर प्लांट अगले महीने उत्पादन शुरू करेगा।",
            True,
        ),
        (
            "Lam Research opens lab in Bengaluru",
            "The chip equipment maker Lam Research opened a new semiconductor lab in Bengaluru on Monday.",
            True,
        ),
        (
            "Micron to expand Hiroshima memory plant",
            "Micron Technology will add a clean room to its chip plant in Hiroshima with a subsidy from Tokyo.",
            False,
        ),
        (
            "Smog returns to Delhi",
            "Particles smaller than 2.5 microns crossed 300 micrograms in Delhi, and a plant was shut in Gujarat.",
            False,
        ),
    ],
)
def test_icet_topic_takes_us_chipmakers_plants_in_india_and_not_their_plants_elsewhere(title, text, on_topic):
    assert (ICET.name in topic_names(title, text)) is on_topic


@pytest.mark.parametrize(
    "title, text, on_topic",
    [
        (
            "Rajnath Singh, Hegseth discuss defence cooperation",
            "Defence Minister Rajnath Singh spoke to US Secretary of War Pete Hegseth on Friday and reviewed"
            " defence cooperation between the two countries.",
            True,
        ),
        (
            "राजनाथ सिंह की ऑस्टिन से बातचीत",
            "रक्षा मंत्री राजनाथ सिंह ने अमेरिकी रक्षा मंत्री लॉयड ऑस्टिन से फोन पर रक्षा सहयोग पर बात की।",
            True,
        ),
        (
            "India, US sign security of supply pact",
            "India and the United States signed a Security of Supply Arrangement, under which each will give"
            " priority to the other's defence orders in an emergency.",
            True,
        ),
        (
            "Rajnath Singh meets Australian counterpart Marles",
            "Rajnath Singh and Richard Marles reviewed defence cooperation between India and Australia.",
            False,
        ),
        (
            "Rajnath Singh greets Indian Americans in Austin",
            "Rajnath Singh sent a message to the Diwali celebration of the Indian community in Austin, Texas.",
            False,
        ),
        (
            "Japan and US sign security of supply arrangement",
            "Japan and the United States signed a Security of Supply Arrangement for defence goods in Tokyo.",
            False,
        ),
    ],
)
def test_icet_topic_takes_the_defence_ministers_talks_and_supply_pact_not_other_countries(title, text, on_topic):
    assert (ICET.name in topic_names(title, text)) is on_topic


@pytest.mark.parametrize(
    "title, text, on_topic",
    [
        (
            "नौसेना को मिलेंगे प्रीडेटर ड्रोन",
            "भारत ने अमेरिका के साथ प्रीडेटर ड्रोन के सौदे पर हस्ताक्षर किए, जिनमें से 15 नौसेना को मिलेंगे।",
            True,
        ),
        (
            "भारत-अमेरिका के बीच रक्षा आपूर्ति पर समझौता",
            "भारत और अमेरिका ने आपूर्ति सुरक्षा व्यवस्था पर हस्ताक्षर किए, जिससे आपात स्थिति में रक्षा ऑर्डर जल्दी पूरे होंगे।",
            True,
        ),
        (
            "Shukla's Axiom-4 crew docks with the space station",
            "Axiom-4, carrying India's Shubhanshu Shukla, docked with the International Space Station on Thursday.",
            True,
        ),
        (
            "एक्सिओम-4 का दल अंतरिक्ष स्टेशन पहुंचा",
            "शुभांशु शुक्ला समेत एक्सिओम-4 मिशन का दल अंतरराष्ट्रीय अंतरिक्ष स्टेशन पहुंच गया। इसरो ने बधाई दी।",
            True,
        ),
        (
            "Axiom-4 crew returns, Polish astronaut hails mission",
            "The Axiom-4 crew splashed down off California; Poland's astronaut said the experiments went well.",
            False,
        ),
    ],
)
def test_icet_topic_knows_the_hindi_names_of_the_drone_deal_and_supply_pact_and_axiom_4(title, text, on_topic):
    assert (ICET.name in topic_names(title, text)) is on_topic


@pytest.mark.parametrize(
    "title, text, on_topic",
    [
        (
            "iDEX, Pentagon's innovation unit open maritime sensing challenge",
            "India's iDEX and the US Defense Innovation Unit on Monday opened a joint challenge for start-ups"
            " building sensors that track submarines, with prize money from both.",
            True,
        ),
        (
            "DRDO, US lab to develop heat shields for hypersonic vehicles",
            "The DRDO and the US Air Force Research Laboratory signed a project arrangement to jointly develop"
            " ceramic heat shields, officials said in New Delhi.",
            True,
        ),
        (
            "Westinghouse, NPCIL sign engineering deal for Kovvada reactors",
            "Westinghouse and the Nuclear Power Corporation of India signed an agreement for site engineering"
            " of six AP1000 reactors at Kovvada in Andhra Pradesh.",
            True,
        ),
        (
            "US relaxes export licence rules for chip tools bound for India",
            "The United States eased export licence requirements for chipmaking tools and drone parts shipped to"
            " India, the Commerce Department said.",
            True,
        ),
        (
            "India, US hold cyber dialogue, sign pact on threat data",
            "India and the United States held their cyber dialogue in New Delhi and signed a memorandum to share"
            " data on cyber threats to power grids.",
            True,
        ),
        (
            "India and US to protect undersea cables together",
            "India and the United States agreed to set up a joint working group on undersea cable security after"
            " cuts in the Red Sea.",
            True,
        ),
        (
            "DRDO test-fires hypersonic missile off Odisha coast",
            "The DRDO test-fired a long-range hypersonic missile from Abdul Kalam Island; the US and China have"
            " tested similar weapons.",
            False,
        ),
        (
            "BIS relaxes licence rules for toy makers",
            "The Bureau of Indian Standards eased licence rules for small toy makers in India, the consumer"
            " affairs ministry said.",
            False,
        ),
        (
            "Westinghouse signs reactor deal with Poland",
            "Westinghouse and Poland's state utility signed an engineering contract for three AP1000 reactors"
            " near Gdansk.",
            False,
        ),
        (
            "Cyber fraud gang busted in Delhi, US victims named",
            "Delhi Police arrested twelve people running a call centre that cheated American retirees, and will"
            " share evidence with US investigators.",
            False,
        ),
    ],
)
def test_icet_topic_takes_the_2026_dialogues_programmes_and_reactor_deals_not_look_alikes(title, text, on_topic):
    assert (ICET.name in topic_names(title, text)) is on_topic


def test_icet_match_names_the_terms_behind_it():
    [found] = match(
        article("Doval, Sullivan review iCET", "The iCET covers semiconductors and jet engines."),
        compile_topics([ICET]),
    )
    assert "iCET" in found.terms
    assert found.score >= ICET.min_score
    assert all(hit.snippet for hit in found.hits)


@pytest.mark.parametrize(
    "title, text",
    [
        (
            "Modi, Trump speak by phone; agree to meet soon",
            "Prime Minister Narendra Modi and US President Donald Trump spoke on the phone on Tuesday and discussed"
            " trade, energy and the situation in West Asia. The two leaders agreed to meet later this year.",
        ),
        (
            "India-US trade talks resume in Washington",
            "Negotiators from India and the United States resumed talks on a bilateral trade agreement.",
        ),
        (
            "US doubles tariffs on Indian goods",
            "Washington raised duties on imports from India to 50%, citing New Delhi's purchases of Russian oil.",
        ),
        (
            "H-1B fee hike worries Indian professionals",
            "Indian nationals, who get most H-1B visas, said the new US fee would make jobs in America harder to get.",
        ),
        (
            "Jaishankar meets Rubio, reviews India\u2013US ties",
            "External Affairs Minister S Jaishankar met US Secretary of State Marco Rubio and reviewed"
            " India-US relations.",
        ),
    ],
)
def test_india_us_topic_finds_relations_beyond_technology(title, text):
    assert INDIA_US.name in topic_names(title, text)


@pytest.mark.parametrize(
    "title, text",
    [
        (
            "India beat USA by seven wickets",
            "India beat the USA by seven wickets in their T20 World Cup match in New York.",
        ),
        (
            "Let us build a better India, says minister",
            "The minister told us that India must invest in schools. Let us not waste time, she said.",
        ),
        (
            "Monsoon arrives in Kerala",
            "The monsoon reached Kerala on Sunday. "
            + "Rain lashed several districts. " * 40
            + "A weather model from the US was also cited by India's forecasters.",
        ),
    ],
)
def test_india_us_topic_ignores_cricket_the_pronoun_and_passing_mentions(title, text):
    assert INDIA_US.name not in topic_names(title, text)


def test_builtin_topics_compile_and_alert_as_documented():
    compiled = compile_topics(BUILTIN_TOPICS)
    assert [(t.name, t.spec.alert) for t in compiled] == [("icet", "instant"), ("india-us", "digest")]
