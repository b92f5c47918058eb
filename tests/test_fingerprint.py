"""Fingerprints: a republished wire story is recognised as a copy, a different story is not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from newswatch.domain.fingerprint import (
    BANDS,
    MIN_WORDS,
    NUM_PERM,
    ROWS,
    STORY_THRESHOLD,
    EventIndex,
    EventProfile,
    Fingerprint,
    band_keys,
    content_hash,
    event_score,
    fingerprint,
    is_duplicate,
    normalise_text,
    same_event,
    similarity,
    title_terms,
)

WIRE_TITLE = "India, US agree to co-produce jet engines, expand chip partnership"
WIRE_STORY = """India and the United States agreed on Tuesday to co-produce General Electric's F414 jet engines in India and to widen cooperation on semiconductors, officials said after talks between National Security Advisers Ajit Doval and Jake Sullivan.

The engines will power the Tejas Mk2 fighter and will be assembled by Hindustan Aeronautics Limited in Bengaluru, with about 80 per cent of the technology transferred by value, a senior official said.

The two sides also reviewed progress under the Initiative on Critical and Emerging Technology, including a plan for a chip assembly and test plant in Gujarat, joint work on quantum computing and a space cooperation road map.

Sullivan described the engine agreement as a landmark that would have been unthinkable a decade ago. Doval said the partnership would now move from dialogue to delivery, with defence start-ups from both countries joining a new innovation bridge.

Officials said the next round of talks would be held in Washington early next year, when the two sides expect to sign agreements on critical minerals and telecom supply chains."""

SAME_SUBJECT_TITLE = "India, US hold talks on trade deal as tariff deadline nears"
SAME_SUBJECT_STORY = """Trade negotiators from India and the United States met in New Delhi on Friday to narrow differences over a proposed bilateral trade agreement before a tariff deadline set by Washington.

The US side pressed for wider access for American dairy and farm products, while Indian officials sought relief from steel and aluminium duties, according to people familiar with the talks.

Commerce Minister Piyush Goyal said the discussions were constructive but that India would not compromise on the interests of its farmers. Exporters of textiles and shrimp have warned that higher duties would cost them orders.

The two sides plan to meet again next month, and officials said a first tranche of the agreement could be announced by the autumn if the remaining issues on agriculture are settled."""

INDEPENDENT_TITLE = "Tejas Mk2 to get Indian-built GE engines under new pact"
INDEPENDENT_STORY = """Hindustan Aeronautics Limited will build General Electric F414 engines in Bengaluru for the Tejas Mk2, under an understanding reached in New Delhi between Ajit Doval and his American counterpart Jake Sullivan.

Washington has agreed to share roughly 80 per cent of the engine's technology by value, a level of transfer it rarely offers. The meeting, held under the iCET framework, also covered a semiconductor packaging unit in Gujarat and quantum research.

Sullivan called the deal a landmark. Doval said the focus would shift from dialogue to delivery. Critical minerals and telecom are on the agenda for the next round in Washington."""


def paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


def test_wire_copy_with_a_new_headline_and_a_dateline_is_a_duplicate():
    copy = "NEW DELHI (Reuters) - " + WIRE_STORY
    assert is_duplicate(fingerprint(WIRE_STORY), fingerprint(copy))


def test_wire_boilerplate_and_agency_dateline_do_not_change_the_content_hash():
    parts = paragraphs(WIRE_STORY)
    copy = "\n\n".join(
        [
            "New Delhi, Nov 25 (PTI) " + parts[0],
            parts[1],
            "Also Read: Modi to visit Washington in June",
            *parts[2:-1],
            parts[-1] + " (With inputs from PTI)",
            "Follow us on Twitter, Facebook and Instagram",
            "(This story has not been edited by Newswatch staff and is auto-generated from a syndicated feed.)",
        ]
    )
    assert content_hash(copy) == content_hash(WIRE_STORY)
    assert similarity(fingerprint(copy), fingerprint(WIRE_STORY)) == 1.0


def test_copy_with_a_paragraph_dropped_and_a_few_words_changed_is_a_duplicate():
    parts = paragraphs(WIRE_STORY)
    copy = "\n\n".join(parts[:2] + parts[3:]).replace("Tuesday", "Monday").replace("senior", "top")
    assert is_duplicate(fingerprint(WIRE_STORY), fingerprint(copy))


def test_copy_with_paragraphs_reordered_is_a_duplicate():
    parts = paragraphs(WIRE_STORY)
    copy = "\n\n".join([parts[0], parts[3], parts[1], parts[2], parts[4]])
    assert is_duplicate(fingerprint(WIRE_STORY), fingerprint(copy))


def test_copy_cut_to_seventy_percent_is_a_duplicate():
    words = WIRE_STORY.split(" ")
    copy = " ".join(words[: int(len(words) * 0.7)])
    assert is_duplicate(fingerprint(WIRE_STORY), fingerprint(copy))


def test_two_reports_of_one_event_written_independently_are_not_copies_but_one_story():
    original, independent = fingerprint(WIRE_STORY), fingerprint(INDEPENDENT_STORY)
    assert not is_duplicate(original, independent)
    assert same_event(WIRE_TITLE, WIRE_STORY, INDEPENDENT_TITLE, INDEPENDENT_STORY) >= STORY_THRESHOLD


def test_two_different_stories_on_the_same_subject_are_neither_copies_nor_one_story():
    assert not is_duplicate(fingerprint(WIRE_STORY), fingerprint(SAME_SUBJECT_STORY))
    assert same_event(WIRE_TITLE, WIRE_STORY, SAME_SUBJECT_TITLE, SAME_SUBJECT_STORY) < STORY_THRESHOLD


def test_a_copy_under_a_new_headline_is_still_the_same_story():
    new_title = "Jet engines, chips top agenda as Doval meets Sullivan"
    assert same_event(WIRE_TITLE, WIRE_STORY, new_title, "NEW DELHI: " + WIRE_STORY) >= STORY_THRESHOLD


def test_band_keys_of_a_near_copy_collide_in_at_least_one_band():
    parts = paragraphs(WIRE_STORY)
    copy = "WASHINGTON (AP) - " + "\n\n".join(parts[:-1]).replace("Tuesday", "Monday")
    shared = set(band_keys(fingerprint(WIRE_STORY))) & set(band_keys(fingerprint(copy)))
    assert shared


def test_band_keys_of_unrelated_stories_do_not_collide():
    assert not set(band_keys(fingerprint(WIRE_STORY))) & set(band_keys(fingerprint(SAME_SUBJECT_STORY)))


def test_band_keys_are_one_per_band_and_fit_a_signed_bigint_column():
    keys = band_keys(fingerprint(WIRE_STORY))
    assert len(keys) == BANDS
    assert all(isinstance(key, int) and 0 <= key < 2**63 for key in keys)
    assert BANDS * ROWS <= NUM_PERM


def test_fingerprint_survives_a_round_trip_through_bytes():
    for text in (WIRE_STORY, "Short teaser: watch the video."):
        original = fingerprint(text)
        restored = Fingerprint.from_bytes(original.to_bytes())
        assert restored == original
        assert similarity(restored, fingerprint(text)) == 1.0
        assert band_keys(restored) == band_keys(original)


def test_stored_signature_is_compact():
    assert len(fingerprint(WIRE_STORY).to_bytes()) == 1 + 20 + 4 * NUM_PERM


@pytest.mark.parametrize("data", [b"", b"\x09" + bytes(20), b"\x01" + bytes(20) + b"\x00\x01"])
def test_bytes_that_are_not_a_fingerprint_are_refused(data):
    with pytest.raises(ValueError):
        Fingerprint.from_bytes(data)


def test_fingerprints_are_the_same_in_another_process():
    # Stored signatures and band keys must match those computed after a restart.
    script = (
        "import sys; from domain.fingerprint import fingerprint, band_keys;"
        "fp = fingerprint(sys.stdin.read()); print(fp.to_bytes().hex(), band_keys(fp)[:3])"
    )
    here = fingerprint(WIRE_STORY)
    env = {**os.environ, "PYTHONHASHSEED": "12345"}  # a different str-hash salt than ours
    result = subprocess.run(
        [sys.executable, "-c", script],
        input=WIRE_STORY,
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert result.stdout.strip() == f"{here.to_bytes().hex()} {band_keys(here)[:3]}"


def test_short_text_is_recognised_only_as_an_exact_copy():
    teaser = "Doval and Sullivan met in New Delhi on Tuesday to review defence technology ties."
    assert len(normalise_text(teaser).split()) < MIN_WORDS
    short = fingerprint(teaser)
    assert short.exact_only
    assert is_duplicate(short, fingerprint("NEW DELHI (PTI) - " + teaser))
    assert band_keys(short) == band_keys(fingerprint("NEW DELHI (PTI) - " + teaser))
    assert len(band_keys(short)) == 1
    assert not is_duplicate(short, fingerprint(teaser.replace("Tuesday", "Monday")))


def test_articles_whose_text_failed_to_extract_are_not_copies_of_each_other():
    empty = fingerprint("")
    assert similarity(empty, fingerprint("   \n(With inputs from PTI)\n")) == 0.0
    assert band_keys(empty) == []


def test_normalised_text_ignores_case_punctuation_and_typography():
    assert normalise_text("“India–US”  ties,\u00a0he said.") == normalise_text('"india-us" ties, he said')


def test_normalised_text_keeps_devanagari_words_whole():
    assert normalise_text("समस्तीपुर पुलिस ने 2 बदमाशों को पकड़ा!") == "समस्तीपुर पुलिस ने 2 बदमाशों को पकड़ा"


def test_a_dateline_is_dropped_only_where_a_story_begins():
    assert normalise_text("NEW DELHI (Reuters) - The talks ended.") == "the talks ended"
    assert normalise_text("New Delhi, Nov 25 (PTI) The talks ended.") == "the talks ended"
    assert normalise_text("MUMBAI: The Sensex fell.") == "the sensex fell"
    middle = "The talks ended.\nNEW DELHI (Reuters) - Officials said more."
    assert "new delhi reuters" in normalise_text(middle)


def test_title_terms_keep_names_and_figures_and_drop_filler():
    terms = title_terms("U.S., India sign 5,000-crore deals on chips as Doval's talks end")
    assert {"us", "india", "5000", "doval", "chip", "talk"} <= terms
    assert not {"on", "as", "the"} & terms


def test_indexed_story_lookup_finds_what_comparing_every_report_finds():
    import random

    rng = random.Random(11)
    vocabulary = [f"w{i}" for i in range(80)]

    def profile():
        return EventProfile(
            frozenset(rng.sample(vocabulary, rng.randint(0, 8))), frozenset(rng.sample(vocabulary, rng.randint(0, 40)))
        )

    index, live, found = EventIndex(), {}, 0
    for _step in range(400):
        key = rng.randrange(120)
        if rng.random() < 0.25:
            index.remove(key)  # evicted (or never there)
            live.pop(key, None)
        else:
            live[key] = profile()  # added, or replaced
            index.add(key, live[key])
        new = profile()
        among = rng.sample(range(130), 60)  # some keys were never indexed
        # The same as scoring every indexed candidate and keeping the first of the best.
        scored = [(k, event_score(new, live[k])) for k in among if k in live]
        above = [pair for pair in scored if pair[1] >= STORY_THRESHOLD]
        expected = max(above, key=lambda pair: pair[1]) if above else None
        assert index.best(new, among, STORY_THRESHOLD) == expected
        found += expected is not None
    assert len(index) == len(live)
    assert 30 < found < 370  # both outcomes were exercised


def test_the_common_terms_a_new_database_assumes_are_what_the_labelled_sets_give():
    # domain/common_terms.py is written from tests/labelled by bench/common_terms.py, with the
    # terms event_profile finds today: a change to stemming or names must rewrite it.
    root = Path(__file__).resolve().parents[1]
    checked = subprocess.run(
        [sys.executable, str(root / "bench" / "common_terms.py"), "--check"], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
