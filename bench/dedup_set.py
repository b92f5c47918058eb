"""A labelled set for measuring duplicate and same-event detection.

Built at run time from the real article bodies in the shared corpus (never copied into the
repo): each base article gets wire-style copies (labelled duplicates of it), and distinct
articles, independently written reports of one event and different events on one subject
(labelled not duplicates) are added around them. Same-event labels come from the synthetic
reports below and from hand-labelled pairs of real feed items (title + description).

Used by bench/bench_dedup.py; importable on its own for ad-hoc checks.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

import feedparser

from bench import corpus

CORPUS_PAGES = corpus.PAGES
CORPUS_FEEDS = corpus.FEEDS

# Edits a republisher makes, named for the table. "stress_" edits go beyond the brief's list
# (a half-length excerpt) and are reported apart, not used to choose thresholds.
EDITS = (
    "new_headline_dateline",
    "pti_dateline_and_credit",
    "paragraph_dropped",
    "paragraphs_reordered",
    "boilerplate_lines_added",
    "few_words_changed",
    "truncated_70",
    "reformatted",
    "combined",
    "stress_truncated_50",
)


@dataclass(frozen=True)
class Doc:
    """One text of the set. Two docs are duplicates iff they share `group`; two docs report
    one event iff they share a non-empty `event`. `cut_from` names the group whose text a doc
    reuses without being its copy (a press release built on an article's lead); such a pair
    is left out of the measurements, being neither a clean positive nor a clean negative."""

    doc_id: str
    group: str
    kind: str
    title: str
    text: str
    event: str = ""
    subject: str = ""
    cut_from: str = ""


def load_bases(pages_dir: Path = CORPUS_PAGES) -> list[Doc]:
    """The corpus articles with a body, as originals (each its own group and event)."""
    bases = []
    for path in sorted(pages_dir.glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        body = (record.get("articleBody") or "").strip()
        if not body:
            continue
        name = path.stem
        bases.append(Doc(name, name, "original", record.get("title") or "", body, event=name))
    return bases


def paragraphs(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"\n\s*\n|\n", text) if part.strip()]


def make_copy(base: Doc, edit: str, rng: random.Random, others: list[Doc]) -> Doc:
    """A copy of `base` with one kind of republishing edit applied."""
    paras = paragraphs(base.text)
    title = base.title
    other_title = rng.choice(others).title if others else "Latest news"
    if edit == "new_headline_dateline":
        title = _rewrite_headline(base.title, rng)
        paras[0] = "NEW DELHI (Reuters) - " + paras[0]
    elif edit == "pti_dateline_and_credit":
        paras[0] = "New Delhi, Nov 25 (PTI) " + paras[0]
        paras[-1] = paras[-1] + " (With inputs from PTI)"
    elif edit == "paragraph_dropped":
        if len(paras) > 2:
            del paras[rng.randrange(1, len(paras))]
    elif edit == "paragraphs_reordered":
        if len(paras) > 2:
            i = rng.randrange(1, len(paras) - 1)
            paras[i], paras[i + 1] = paras[i + 1], paras[i]
    elif edit == "boilerplate_lines_added":
        paras.insert(min(2, len(paras)), f"Also Read: {other_title}")
        paras.append("Follow us on Twitter, Facebook and Instagram for the latest news.")
        paras.append(
            "(This story has not been edited by Newswatch staff and is auto-generated from a syndicated feed.)"
        )
    elif edit == "few_words_changed":
        paras = _change_words(paras, rng, rate=0.03, others=others)
    elif edit == "truncated_70":
        paras = _truncate(paras, 0.7)
    elif edit == "reformatted":
        paras = [_reformat(p) for p in paras]
    elif edit == "combined":
        title = _rewrite_headline(base.title, rng)
        paras[0] = "MUMBAI: " + paras[0]
        if len(paras) > 2:
            del paras[rng.randrange(1, len(paras))]
        paras = _change_words(paras, rng, rate=0.02, others=others)
        paras.insert(min(2, len(paras)), f"ALSO READ | {other_title}")
        paras.append("(With inputs from agencies)")
    elif edit == "stress_truncated_50":
        paras = _truncate(paras, 0.5)
    else:
        raise ValueError(edit)
    return Doc(
        f"{base.doc_id}~{edit}", base.group, edit, title, "\n\n".join(paras), event=base.event, subject=base.subject
    )


def _rewrite_headline(title: str, rng: random.Random) -> str:
    words = title.split()
    keep = words[: max(3, len(words) // 2)]
    return " ".join(keep) + rng.choice([", say officials", ": what we know", " - report"])


def _change_words(paras: list[str], rng: random.Random, rate: float, others: list[Doc]) -> list[str]:
    vocabulary = [w for doc in others[:5] for w in doc.text.split()[:200]] or ["changed"]
    changed = []
    for para in paras:
        words = para.split()
        for i in range(len(words)):
            if rng.random() < rate:
                words[i] = rng.choice(vocabulary)
        changed.append(" ".join(words))
    return changed


def _truncate(paras: list[str], share: float) -> list[str]:
    words = "\n\n".join(paras).split(" ")
    return paragraphs(" ".join(words[: max(1, int(len(words) * share))]))


def _reformat(para: str) -> str:
    para = para.replace("’", "'").replace("“", '"').replace("”", '"').replace("—", "--")
    return re.sub(r" ", "\u00a0 ", para, count=3)  # stray non-breaking spaces from a CMS


def corpus_copies(bases: list[Doc], seed: int = 7) -> list[Doc]:
    """Every base article with one copy per edit."""
    rng = random.Random(seed)
    docs = []
    for base in bases:
        others = [doc for doc in bases if doc.group != base.group]
        rng.shuffle(others)
        docs.append(base)
        docs.extend(make_copy(base, edit, rng, others) for edit in EDITS)
    return docs


def press_release_pairs(bases: list[Doc], count: int = 12, seed: int = 11) -> list[Doc]:
    """Distinct short stories that end with the same long 'About the company' paragraph, as
    press releases from one issuer do: not duplicates, though they share ~90 words."""
    rng = random.Random(seed)
    docs = []
    picked = rng.sample(bases, min(count * 2, len(bases)))
    for n in range(0, len(picked) - 1, 2):
        for side, base in enumerate(picked[n : n + 2]):
            lead = " ".join(base.text.split()[:150])
            name = f"release{n // 2}-{side}"
            docs.append(
                Doc(
                    name,
                    name,
                    "press_release",
                    base.title,
                    lead + "\n\n" + ABOUT_COMPANY,
                    event=name,
                    cut_from=base.group,
                )
            )
    return docs


ABOUT_COMPANY = (
    "About Northwind Systems: Northwind Systems is a global technology company that designs and "
    "manufactures semiconductors, communication equipment and software for defence, aerospace and "
    "telecom customers in more than forty countries. Founded in 1987 and headquartered in "
    "Bengaluru, the company employs over twelve thousand people across research centres in India, "
    "the United States and Europe, and its shares are listed on the National Stock Exchange and "
    "the Bombay Stock Exchange. For more information, visit the company website or contact the "
    "investor relations team."
)


# Independently written reports: two per event, two events per subject. Written for this bench;
# the events are modelled on real ones but the wording and details are ours.
SYNTHETIC_REPORTS: tuple[tuple[str, str, str, str], ...] = (
    (
        "india-us-tech",
        "jet-engine-deal",
        "GE, HAL sign deal to make F414 jet engines in India",
        "General Electric and Hindustan Aeronautics Limited on Thursday signed an agreement to "
        "co-produce F414 jet engines in India for the Tejas Mk2 fighter, officials in Washington "
        "said.\n\nThe deal, reached during Prime Minister Narendra Modi's state visit, includes the "
        "transfer of about 80 per cent of the engine's technology by value. HAL will assemble the "
        "engines at its Bengaluru facility. US National Security Adviser Jake Sullivan called it a "
        "landmark for the iCET framework, while Indian officials said the first engines could roll "
        "out within three years.",
    ),
    (
        "india-us-tech",
        "jet-engine-deal",
        "Tejas Mk2 to fly on Indian-built GE engines after landmark pact",
        "India's Tejas Mk2 fighter will be powered by F414 engines built on Indian soil under a "
        "memorandum that Hindustan Aeronautics Limited (HAL) and General Electric inked in "
        "Washington.\n\nAround 80 per cent of the technology by value will be shared, a level "
        "Washington has rarely offered even to close allies. Assembly is planned at HAL's plant in "
        "Bengaluru. The announcement came as Narendra Modi met President Joe Biden, and Jake "
        "Sullivan described it as the flagship outcome of the Initiative on Critical and Emerging "
        "Technology, or iCET. Production could begin in three years.",
    ),
    (
        "india-us-tech",
        "chip-plant",
        "Micron to build $2.75 billion chip plant in Gujarat",
        "Micron Technology will set up a semiconductor assembly and test facility in Sanand, "
        "Gujarat, at a total cost of $2.75 billion, the company announced on Thursday.\n\nMicron "
        "will invest $825 million, with the rest coming from the Centre and the Gujarat government "
        "under the India Semiconductor Mission. The plant is expected to create 5,000 direct jobs. "
        "Minister Ashwini Vaishnaw said the first chips would be packaged by the end of next year, "
        "and US officials described the project as part of a wider effort to diversify chip supply "
        "chains under iCET.",
    ),
    (
        "india-us-tech",
        "chip-plant",
        "Sanand gets India's first big chip packaging unit as Micron commits $825 million",
        "Memory maker Micron has picked Sanand in Gujarat for India's first large semiconductor "
        "packaging plant, a $2.75 billion project in which it will put up $825 million.\n\nThe "
        "Union government will cover half the cost and Gujarat a fifth, Ashwini Vaishnaw told "
        "reporters. About 5,000 people will be employed directly and some 15,000 more in the "
        "supply chain. Washington has pushed for such investments through iCET as it seeks "
        "alternatives to East Asian chip hubs. Production is slated to start late next year.",
    ),
    (
        "cyclone",
        "michaung-landfall",
        "Cyclone Michaung makes landfall near Bapatla in Andhra Pradesh",
        "Severe cyclonic storm Michaung crossed the Andhra Pradesh coast near Bapatla on Tuesday "
        "afternoon with wind speeds of 90 to 100 kmph, the India Meteorological Department said.\n\n"
        "More than 9,500 people were moved to relief camps in Bapatla, Guntur and Prakasam "
        "districts. Trees and power lines were uprooted across the coastal belt and standing paddy "
        "crops on thousands of acres were flooded. Chief Minister Y.S. Jagan Mohan Reddy ordered "
        "officials to restore electricity and road links within 48 hours.",
    ),
    (
        "cyclone",
        "michaung-landfall",
        "Michaung batters Andhra coast, thousands in relief camps",
        "Fierce winds and torrential rain lashed Bapatla as Cyclone Michaung hit the Andhra "
        "Pradesh coast, knocking down electric poles and flattening paddy fields.\n\nThe IMD "
        "recorded gusts of up to 100 kmph when the storm made landfall. Officials in Guntur, "
        "Prakasam and Bapatla said about 9,500 residents had been evacuated in advance. Jagan Mohan "
        "Reddy asked district collectors to bring power supply back within 48 hours, while NDRF "
        "teams cleared fallen trees from highways.",
    ),
    (
        "cyclone",
        "biparjoy-landfall",
        "Cyclone Biparjoy hits Gujarat coast near Jakhau port",
        "Cyclone Biparjoy made landfall near Jakhau port in Kutch district of Gujarat late on "
        "Thursday, bringing winds of up to 125 kmph and heavy rain.\n\nAuthorities had evacuated "
        "nearly one lakh people from coastal villages of Kutch, Devbhumi Dwarka and Jamnagar. "
        "Chief Minister Bhupendra Patel said no deaths had been reported so far, though over 500 "
        "villages lost power. The IMD said the storm would weaken into a depression as it moved "
        "towards Rajasthan.",
    ),
    (
        "cyclone",
        "biparjoy-landfall",
        "Biparjoy: one lakh evacuated as storm crosses Kutch",
        "Nearly a lakh residents of Kutch, Jamnagar and Devbhumi Dwarka spent the night in shelters "
        "as Cyclone Biparjoy crossed the coast close to Jakhau.\n\nWind speeds touched 125 kmph, "
        "the Met department said, snapping power lines to more than 500 villages. Bhupendra Patel "
        "reviewed the situation from the state emergency centre in Gandhinagar and said there had "
        "been no loss of life. The system is expected to weaken over Rajasthan by Friday.",
    ),
    (
        "cricket",
        "chennai-odi",
        "Kohli, Rahul steer India to six-wicket win over Australia in Chennai",
        "Virat Kohli and KL Rahul rescued India from 2 for 3 to seal a six-wicket victory over "
        "Australia in the World Cup opener at Chennai on Sunday.\n\nAustralia were bowled out for "
        "199, with Ravindra Jadeja taking three wickets. Kohli made 85 and Rahul finished unbeaten "
        "on 97 as the pair added 165 for the fourth wicket. Pat Cummins said his side had not "
        "batted well enough on a slow M.A. Chidambaram Stadium pitch.",
    ),
    (
        "cricket",
        "chennai-odi",
        "Rahul's unbeaten 97 seals India's World Cup start against Australia",
        "India began their World Cup campaign with a six-wicket win over Australia at the M.A. "
        "Chidambaram Stadium, chasing 200 after a nervous start.\n\nThree wickets fell for two "
        "runs before KL Rahul, unbeaten on 97, and Virat Kohli, who scored 85, put on 165. Earlier "
        "Ravindra Jadeja's three wickets had restricted Australia to 199 in Chennai. Australian "
        "captain Pat Cummins admitted the batting had let his team down.",
    ),
    (
        "cricket",
        "centurion-test",
        "Elgar's 185 puts South Africa in control against India at Centurion",
        "Dean Elgar struck 185 as South Africa beat India by an innings and 32 runs inside three "
        "days of the first Test at Centurion.\n\nIndia were dismissed for 245 and 131, with only "
        "KL Rahul and Virat Kohli offering resistance. Kagiso Rabada took five wickets in the first "
        "innings and Nandre Burger four in the second. Captain Rohit Sharma said India had not "
        "adapted to the bounce of SuperSport Park.",
    ),
    (
        "cricket",
        "centurion-test",
        "India crash to innings defeat at SuperSport Park",
        "South Africa needed less than three days to beat India by an innings and 32 runs at "
        "SuperSport Park, Centurion.\n\nDean Elgar's 185 built a lead that India never threatened; "
        "the visitors managed 245 and then 131. Kagiso Rabada's five-wicket haul and Nandre "
        "Burger's four wickets did the damage, while Kohli top-scored in the second innings. Rohit "
        "Sharma said his batters had struggled with the extra bounce.",
    ),
    (
        "space",
        "moon-landing",
        "Chandrayaan-3 lands near Moon's south pole",
        "India became the first country to land a spacecraft near the Moon's south pole when "
        "Chandrayaan-3's Vikram lander touched down at 6.04 pm on Wednesday.\n\nISRO chairman S. "
        "Somanath said all systems were working normally and the Pragyan rover would be deployed "
        "within hours. Prime Minister Narendra Modi, watching from Johannesburg, called it a "
        "historic day. The mission, launched from Sriharikota on July 14, cost about Rs 615 crore.",
    ),
    (
        "space",
        "moon-landing",
        "Vikram touches down: India makes history at lunar south pole",
        "At 6.04 pm ISRO's mission control in Bengaluru erupted as the Vikram lander of "
        "Chandrayaan-3 settled on the lunar surface near the south pole, a first for any nation.\n\n"
        "S. Somanath confirmed the lander was healthy and that Pragyan would roll out later in the "
        "day. Narendra Modi joined the broadcast from Johannesburg. The Rs 615-crore mission lifted "
        "off from Sriharikota on July 14 and entered lunar orbit on August 5.",
    ),
    (
        "space",
        "sun-mission",
        "ISRO launches Aditya-L1 to study the Sun",
        "ISRO on Saturday launched Aditya-L1, India's first space mission to study the Sun, on a "
        "PSLV-C57 rocket from Sriharikota.\n\nThe spacecraft will travel about 1.5 million km to "
        "the Lagrange point L1, a journey of roughly 125 days. It carries seven payloads to observe "
        "the solar corona and solar wind. Chairman S. Somanath said the launch had placed the "
        "satellite in a precise elliptical orbit around the Earth.",
    ),
    (
        "space",
        "sun-mission",
        "Aditya-L1 lifts off, begins 125-day journey towards L1",
        "A PSLV-C57 rocket carrying Aditya-L1 lifted off from Sriharikota on Saturday, sending "
        "India's first solar observatory on a 125-day voyage to the L1 Lagrange point.\n\nThe "
        "spacecraft's seven instruments will watch the corona and measure the solar wind from 1.5 "
        "million km away. S. Somanath told reporters the PSLV had performed flawlessly and the "
        "orbit was exactly as planned.",
    ),
    (
        "markets",
        "rbi-policy",
        "RBI keeps repo rate unchanged at 6.5%",
        "The Reserve Bank of India kept its key repo rate unchanged at 6.5 per cent on Friday, as "
        "Governor Shaktikanta Das said inflation remained the central bank's main concern.\n\nThe "
        "Monetary Policy Committee voted 5-1 to hold rates and retained its stance of withdrawal of "
        "accommodation. The RBI raised its inflation forecast for the year to 5.4 per cent and kept "
        "its GDP growth projection at 6.5 per cent.",
    ),
    (
        "markets",
        "rbi-policy",
        "Das holds rates, lifts inflation forecast to 5.4%",
        "Shaktikanta Das left borrowing costs untouched for a fourth straight meeting, with the "
        "Monetary Policy Committee voting 5-1 to keep the repo rate at 6.5 per cent.\n\nThe Reserve "
        "Bank of India now expects inflation of 5.4 per cent this year, up from its earlier "
        "estimate, while growth is still seen at 6.5 per cent. Das said the RBI would stay "
        "watchful of food prices and would not declare victory over inflation yet.",
    ),
    (
        "markets",
        "sensex-fall",
        "Sensex tanks 1,000 points as IT stocks slump",
        "The Sensex fell more than 1,000 points on Monday, dragged down by heavy selling in "
        "information technology shares after weak results from Infosys.\n\nInfosys lost 4 per cent "
        "and TCS and Wipro also declined, while the Nifty closed below 19,500. Analysts said "
        "foreign investors had pulled out over Rs 3,000 crore. The BSE IT index was the worst "
        "performer among sectoral gauges.",
    ),
    (
        "markets",
        "sensex-fall",
        "Infosys drags markets lower; Nifty slips below 19,500",
        "Weak quarterly numbers from Infosys sent technology stocks tumbling on Monday, and the "
        "Sensex ended over 1,000 points lower.\n\nThe Nifty gave up the 19,500 mark. Infosys slid 4 "
        "per cent, with TCS and Wipro following, and the BSE IT index led the decline. Foreign "
        "portfolio investors sold shares worth more than Rs 3,000 crore, exchange data showed.",
    ),
    (
        "india-us-trade",
        "tariffs",
        "US slaps 25% tariff on Indian goods; New Delhi weighs response",
        "The United States will impose a 25 per cent tariff on imports from India from August 1, "
        "President Donald Trump announced on Wednesday.\n\nThe Commerce Ministry said it was "
        "studying the implications and would protect the interests of farmers and small "
        "businesses. Exporters of textiles, gems and jewellery and shrimp are expected to be hit "
        "hardest. Trade talks between the two sides have stalled over agriculture and dairy.",
    ),
    (
        "india-us-trade",
        "tariffs",
        "Trump's 25% tariff: exporters fear hit to textiles and shrimp",
        "Indian exporters warned of lost orders after Donald Trump said goods from India would "
        "face a 25 per cent duty starting August 1.\n\nTextiles, shrimp and gems and jewellery are "
        "the most exposed sectors. New Delhi's Commerce Ministry said it was examining the move and "
        "would safeguard farmers and small businesses. Negotiations on a trade pact have been stuck "
        "on dairy and farm access.",
    ),
    (
        "india-us-trade",
        "h1b-fee",
        "US raises H-1B visa fee to $100,000; Indian IT firms assess impact",
        "The United States will charge a fee of $100,000 for new H-1B visa petitions, the White "
        "House said on Friday, a move that could hit Indian technology companies and workers.\n\n"
        "Indians received about 70 per cent of H-1B visas last year. Nasscom said it was seeking "
        "clarity on whether renewals were covered, and shares of Infosys and Wipro fell in US "
        "trading. The Ministry of External Affairs said it was studying the implications.",
    ),
    (
        "india-us-trade",
        "h1b-fee",
        "Nasscom seeks clarity as $100,000 H-1B charge rattles Indian techies",
        "A new $100,000 fee on H-1B applications announced by the White House has alarmed Indian "
        "professionals, who account for roughly 70 per cent of the visas.\n\nNasscom asked "
        "Washington to clarify whether existing holders and renewals would be affected. Infosys and "
        "Wipro ADRs dropped in New York. India's Ministry of External Affairs said it was examining "
        "the implications for families and companies.",
    ),
)


def synthetic_reports() -> list[Doc]:
    """The reports above: each its own group (independent writing is not a copy)."""
    docs = []
    counts: dict[str, int] = {}
    for subject, event, title, text in SYNTHETIC_REPORTS:
        n = counts[event] = counts.get(event, 0) + 1
        doc_id = f"{event}#{n}"
        docs.append(Doc(doc_id, doc_id, "independent_report", title, text, event=event, subject=subject))
    return docs


# Real feed items, hand-labelled: (feed file, link ending A, link ending B, same event?).
FEED_PAIRS: tuple[tuple[str, str, str, bool], ...] = (
    ("thehindu_states_rss2_media.xml", "article68686806.ece", "article68685475.ece", True),
    ("thehindu_states_rss2_media.xml", "article68680859.ece", "article68680644.ece", True),
    ("thehindu_states_rss2_media.xml", "article67607915.ece", "article67607428.ece", True),
    ("thehindu_states_rss2_media.xml", "article67608096.ece", "article67607726.ece", True),
    ("thehindu_states_rss2_media.xml", "article68682811.ece", "article68682945.ece", True),
    ("toi_topstories_rss2.xml", "119805586.cms", "119793682.cms", True),
    ("toi_topstories_rss2.xml", "119793682.cms", "119770899.cms", True),
    ("toi_topstories_rss2.xml", "119805586.cms", "119770899.cms", True),
    ("toi_topstories_rss2.xml", "119798758.cms", "119787734.cms", True),
    ("toi_topstories_rss2.xml", "119792267.cms", "119784725.cms", False),
    ("toi_topstories_rss2.xml", "119801894.cms", "119797450.cms", False),
    ("toi_topstories_rss2.xml", "119755296.cms", "119786324.cms", False),
    ("toi_topstories_rss2.xml", "119792412.cms", "119799550.cms", False),
    ("toi_topstories_rss2.xml", "119799583.cms", "119792412.cms", False),
    (
        "guardian_international_rss2_media.xml",
        "myanmar-earthquake-junta-accused-blocking-aid",
        "myanmars-civil-war",
        False,
    ),
    (
        "guardian_international_rss2_media.xml",
        "china-launches-surprise-military-drills-around-taiwan",
        "salami-slicing-tactics-to-exert-pressure-on-taiwan-video",
        False,
    ),
    (
        "guardian_international_rss2_media.xml",
        "trump-running-third-term-reactions",
        "trump-crackdown-free-speech",
        False,
    ),
    (
        "guardian_international_rss2_media.xml",
        "masih-alinejad-iranian-womens-rights",
        "bombing-threat-over-iran-nuclear-programme-prompts-backlash",
        False,
    ),
    ("thehindu_states_rss2_media.xml", "article68512729.ece", "article68456374.ece", False),
)
# Pairs across two feeds: (feed A, link ending A, feed B, link ending B, same event?).
CROSS_FEED_PAIRS: tuple[tuple[str, str, str, str, bool], ...] = (
    (
        "toi_topstories_rss2.xml",
        "119792267.cms",
        "guardian_international_rss2_media.xml",
        "bombing-threat-over-iran-nuclear-programme-prompts-backlash",
        True,
    ),
    ("toi_topstories_rss2.xml", "119799583.cms", "thehindu_states_rss2_media.xml", "article68512729.ece", False),
    (
        "toi_topstories_rss2.xml",
        "119784725.cms",
        "guardian_international_rss2_media.xml",
        "masih-alinejad-iranian-womens-rights",
        False,
    ),
)


def feed_pairs(feeds_dir: Path = CORPUS_FEEDS) -> list[tuple[Doc, Doc, bool]]:
    """The hand-labelled real feed pairs as (title, description) docs; pairs whose items are
    missing from the corpus are skipped."""
    items: dict[tuple[str, str], Doc] = {}

    def find(feed: str, ending: str) -> Doc | None:
        if (feed, ending) not in items:
            for entry in feedparser.parse(str(feeds_dir / feed)).entries:
                link = (entry.get("link") or "").strip().rstrip("/")
                if link.endswith(ending):
                    summary = re.sub(r"<[^>]+>", " ", entry.get("summary") or "")
                    items[(feed, ending)] = Doc(
                        link, link, "feed_item", " ".join(entry.title.split()), " ".join(summary.split())
                    )
                    break
        return items.get((feed, ending))

    pairs = []
    for feed, a, b, label in FEED_PAIRS:
        pairs.append((find(feed, a), find(feed, b), label))
    for feed_a, a, feed_b, b, label in CROSS_FEED_PAIRS:
        pairs.append((find(feed_a, a), find(feed_b, b), label))
    return [(x, y, label) for x, y, label in pairs if x is not None and y is not None]


def build(pages_dir: Path = CORPUS_PAGES, seed: int = 7) -> list[Doc]:
    """The whole duplicate-detection set."""
    bases = load_bases(pages_dir)
    return corpus_copies(bases, seed) + press_release_pairs(bases) + synthetic_reports()
