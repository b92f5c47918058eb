"""Names written in Latin letters and in Devanagari come to one consonant skeleton."""

import pytest

from newswatch.domain.translit import ACRONYM, cross_keys, skeleton


@pytest.mark.parametrize(
    "latin, devanagari",
    [
        ("Micron", "माइक्रोन"),
        ("Hegseth", "हेगसेथ"),
        ("Washington", "वाशिंगटन"),
        ("Sanand", "साणंद"),
        ("Trump", "ट्रंप"),
        ("Quad", "क्वाड"),
        ("Sriharikota", "श्रीहरिकोटा"),
        ("Kennedy", "कैनेडी"),
        ("Chhattisgarh", "छत्तीसगढ़"),
        ("Jaishankar", "जयशंकर"),
        ("tariff", "टैरिफ"),
    ],
)
def test_a_name_spelt_in_devanagari_has_the_skeleton_of_its_latin_spelling(latin, devanagari):
    assert skeleton(latin) == skeleton(devanagari)
    assert skeleton(latin) in cross_keys(latin) and skeleton(devanagari) in cross_keys(devanagari)


@pytest.mark.parametrize("latin, devanagari", [("Hegseth", "हैदराबाद"), ("Pentagon", "पाकिस्तान"), ("Rajnath", "रूबियो")])
def test_different_names_keep_different_skeletons(latin, devanagari):
    assert skeleton(latin) != skeleton(devanagari)


def test_vowels_do_not_count_so_micron_and_macron_share_a_skeleton():
    # The price of dropping vowels: a report pair is never joined on one name alone.
    assert skeleton("Micron") == skeleton("मैक्रों")


def test_short_skeletons_and_figures():
    # Modi and मोदी, India and नदी (a river) are all "nd": too short to say which name it is.
    assert cross_keys("Modi") == ("=modi",) and cross_keys("नदी") == ()
    assert cross_keys("2.75") == ("2.75",)


@pytest.mark.parametrize(
    "latin, devanagari", [("HAL", "एचएएल"), ("GSLV", "जीएसएलवी"), ("DRDO", "डीआरडीओ"), ("SOSA", "एसओएसए")]
)
def test_an_acronym_hindi_spells_out_letter_by_letter_matches_the_english_one(latin, devanagari):
    assert set(cross_keys(latin)) & set(cross_keys(devanagari))


@pytest.mark.parametrize("word", ["जीत", "एकता", "सीमा"])
def test_a_hindi_word_that_only_starts_like_letter_names_is_no_acronym(word):
    # जीत (victory) opens with जी (G), सीमा (border) with सी (C): neither reads as letters to its end.
    assert not any(key.startswith(ACRONYM) for key in cross_keys(word))


@pytest.mark.parametrize("latin, devanagari", [("G20", "जी20"), ("F16", "एफ16"), ("9B", "9बी")])
def test_a_designation_of_letters_and_digits_matches_its_hindi_spelling(latin, devanagari):
    assert cross_keys(latin.lower()) == cross_keys(devanagari) == (ACRONYM + latin.lower(),)


def test_a_figure_with_a_hindi_ending_is_no_designation():
    # 12वीं is "12th": वीं names no letter.
    assert cross_keys("12वीं") == ("12वीं",) and cross_keys("2.75") == ("2.75",)


def test_a_two_word_name_hindi_writes_as_one_word_has_one_skeleton():
    assert skeleton("Kuala" + "Lumpur") == skeleton("कुआलालंपुर")
    assert skeleton("Sri" + "Lanka") == skeleton("श्रीलंका")
