"""Consonant skeletons: one key for a name however it is spelt, in Latin letters or in Devanagari.

Hindi reports write the names of an English report in Devanagari (Micron, माइक्रोन; Hegseth,
हेगसेथ; Washington, वाशिंगटन) and borrow English words the same way (tariff, टैरिफ; launch,
लॉन्च). Neither spelling can be turned into the other reliably, but both keep the consonants:
drop the vowels, fold the sounds one script tells apart and the other does not (aspirated and
plain stops, retroflex and dental, the nasals, the sibilants), and both come to the same
skeleton (`nkrn`, `hgst`, `vsngtn`). A skeleton of three consonants or more is specific enough to
match a name across scripts; shorter ones are not used (Modi and मोदी are both `nd`, and so are
India and नदी, a river).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MIN_CONSONANTS = 3  # shorter skeletons are shared by too many unrelated words

# Devanagari consonants by the Latin consonant they are written with. Vowels, vowel signs, the
# virama and the candrabindu (a nasal vowel) leave nothing; the anusvara is a nasal consonant.
_DEVANAGARI = {
    letter: latin
    for letters, latin in (
        ("कख", "k"),
        ("गघ", "g"),
        ("ङञणनमं", "n"),
        ("चछ", "c"),
        ("जझ", "j"),
        ("टठतथ", "t"),
        ("डढदध", "d"),
        ("प", "p"),
        ("फ", "f"),
        ("बभ", "b"),
        ("रऋृ", "r"),
        ("ल", "l"),
        ("व", "v"),
        ("शषस", "s"),
        ("ह", "h"),
    )
    for letter in letters
}
_NUKTA = "\u093c"
_FLAPS = {"ड": "r", "ढ": "r"}  # ड़, ढ़ are flapped r sounds (गढ़, "garh"); क़ ज़ फ़ keep their letter

# Latin spellings folded the same way, in this order: digraphs first ("ch" kept apart as C until
# the hard c is folded), then single letters.
_LATIN_DIGRAPHS = (
    ("ph", "f"),
    ("ngh", "nh"),  # Singh, सिंह
    ("sh", "s"),
    ("ch", "C"),
    ("th", "t"),
    ("kh", "k"),
    ("gh", "g"),
    ("dh", "d"),
    ("bh", "b"),
    ("ck", "k"),
    ("qu", "kv"),
    ("x", "ks"),
    ("q", "k"),
    ("w", "v"),
    ("z", "j"),
    ("m", "n"),
)
_SOFT_C = re.compile(r"c(?=[eiy])")
_ASPIRATION = re.compile(r"(?<=[bcdgjkptr])h")
_NOT_CONSONANT = re.compile(r"[^a-z]|[aeiouy]")
_DOUBLED = re.compile(r"(.)\1+")


# English letters as Hindi spells them out in an acronym (एचएएल HAL, जीएसएलवी GSLV, एसओएसए SOSA).
_LETTER_NAMES = {
    "ए": "a",
    "बी": "b",
    "सी": "c",
    "डी": "d",
    "ई": "e",
    "एफ": "f",
    "जी": "g",
    "एच": "h",
    "आई": "i",
    "जे": "j",
    "के": "k",
    "एल": "l",
    "एम": "m",
    "एन": "n",
    "ओ": "o",
    "पी": "p",
    "क्यू": "q",
    "आर": "r",
    "एस": "s",
    "टी": "t",
    "यू": "u",
    "वी": "v",
    "डब्ल्यू": "w",
    "एक्स": "x",
    "वाई": "y",
    "जेड": "z",
}
_LONGEST_NAME = max(map(len, _LETTER_NAMES))
ACRONYM = "="  # marks a key made of an acronym's letters, apart from the skeletons


def acronym(word: str, least: int = 2) -> str | None:
    """The Latin letters of a Devanagari word that spells out `least` or more English letters
    (एचएएल -> "hal"), longest letter name first; None when it does not read so to its end."""
    letters, at = [], 0
    word = unicodedata.normalize("NFC", word)
    while at < len(word):
        for size in range(min(_LONGEST_NAME, len(word) - at), 0, -1):
            letter = _LETTER_NAMES.get(word[at : at + size])
            if letter:
                letters.append(letter)
                at += size
                break
        else:
            return None
    return "".join(letters) if len(letters) >= least else None


_DIGITS = re.compile(r"(\d+)")


def code(word: str) -> str | None:
    """A designation of letters and digits in Latin letters (G20, F16, 9B as "g20", "f16", "9b"),
    written in Latin letters or with Devanagari letter names (जी20, एफ16, 9बी); None for any other
    word. The digits pin the letters down, so one letter name is enough."""
    parts = _DIGITS.split(unicodedata.normalize("NFC", word))
    if len(parts) < 3 or not any(parts[0::2]):  # no digit, or nothing but digits
        return None
    latin = []
    for index, part in enumerate(parts):
        if index % 2 or not part:
            latin.append(part)
        elif part.isascii():
            if not part.isalpha():
                return None
            latin.append(part.lower())
        else:
            letters = acronym(part, least=1)
            if letters is None:
                return None
            latin.append(letters)
    return "".join(latin)


def is_devanagari(word: str) -> bool:
    return any("\u0900" <= c <= "\u097f" for c in word)


@lru_cache(maxsize=1 << 16)
def skeleton(word: str) -> str:
    """The consonant skeleton of one word in Latin letters or Devanagari; doubled consonants
    count once ("Kennedy" and कैनेडी are both `knd`)."""
    word = unicodedata.normalize("NFD", word)
    if is_devanagari(word):
        letters = []
        for index, char in enumerate(word):
            flapped = index + 1 < len(word) and word[index + 1] == _NUKTA
            letters.append(_FLAPS.get(char, "") if flapped and char in _FLAPS else _DEVANAGARI.get(char, ""))
        consonants = "".join(letters)
    else:
        folded = word.lower()
        for spelling, latin in _LATIN_DIGRAPHS:
            folded = folded.replace(spelling, latin)
        folded = _SOFT_C.sub("s", folded).replace("c", "k").replace("C", "c")
        consonants = _NOT_CONSONANT.sub("", _ASPIRATION.sub("", folded))
    return _DOUBLED.sub(r"\1", consonants)


def cross_keys(word: str) -> tuple[str, ...]:
    """The keys that match `word` across scripts: its skeleton when it has MIN_CONSONANTS
    consonants or more (and, when it holds a v, the same with b: Hindi writes Doval डोभाल, and
    some Indian names are spelt either way), and its letters as an acronym (a short Latin word, a Devanagari word that
    spells letters out: HAL and एचएएल), and a designation's letters and digits (G20 and जी20);
    a figure is its own key."""
    designation = code(word)
    if designation is not None:
        return (ACRONYM + designation,)
    if word[:1].isdigit():
        return (word,)
    keys = []
    found = skeleton(word)
    if len(found) >= MIN_CONSONANTS:
        keys.append(found)
        if "v" in found:
            keys.append(found.replace("v", "b"))
    if is_devanagari(word):
        letters = acronym(word)
        if letters:
            keys.append(ACRONYM + letters)
    elif 2 <= len(word) <= 6 and word.isascii() and word.isalpha():
        keys.append(ACRONYM + word.lower())
    return tuple(keys)
