"""Which language an article is in: what its page or feed declares, checked against its script.

Pages declare their language (`<html lang>`, `og:locale`, JSON-LD `inLanguage`, a feed's
`<language>`), and most Hindi outlets declare "hi". Some declare nothing, and some templates
declare "en" on every page whatever it holds. The text's script settles those cases for
Devanagari: a text mostly in Devanagari is Hindi unless the page names another language written
in it (Marathi, Nepali, Sanskrit...). A declaration is never overruled the other way: Latin
letters can be English or romanised Hindi, and nothing here can tell which.
"""

from __future__ import annotations

import re

# Languages written in Devanagari (ISO 639-1 where there is one): a page declaring one of these
# is taken at its word.
DEVANAGARI_LANGUAGES = frozenset({"hi", "mr", "ne", "sa", "mai", "bho", "kok", "doi", "new", "bh"})
_DEVANAGARI = re.compile("[\u0900-\u097f\ua8e0-\ua8ff]")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")
SAMPLE_CHARS = 4000  # the opening of the text is enough to know its script


def mostly_devanagari(text: str) -> bool:
    """True when most letters of the opening of `text` are Devanagari (vowel signs included)."""
    sample = text[:SAMPLE_CHARS]
    devanagari = len(_DEVANAGARI.findall(sample))
    return devanagari > 0 and devanagari > len(_LATIN.findall(sample))


def article_language(declared: str | None, title: str, text: str) -> str | None:
    """The article's two-letter language: `declared` (already normalised, or None), unless the
    title and text are mostly Devanagari and `declared` is not a Devanagari language: then "hi"."""
    if declared in DEVANAGARI_LANGUAGES:
        return declared
    if mostly_devanagari(f"{title}\n{text}"):
        return "hi"
    return declared
