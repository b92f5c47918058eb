"""The newswatch topic query language: text normalisation, tokenizer, parser, AST and evaluator.

A topic is a query such as ``=iCET OR ("jet engine*" NEAR/10 HAL) NOT cricket``. This module turns
the query text into a tree once (`parse_query`, cached) and evaluates that tree against a
`Document`, which holds the word positions of one article's title and text. A document is built
once per article and shared by every topic, so fifty topics cost one tokenisation, and the
occurrences of sub-queries that several topics share are computed once per document.

Words are compared after Unicode NFKC normalisation, with curly quotes and dash variants folded
to ASCII, hyphens splitting words, dotted abbreviations joined ("U.S." is the word "us"),
possessive 's dropped, accents stripped, digits of other scripts read as ASCII digits (३१ is
31) and case folded. Exact-case terms (``=US``) compare the
word as written, accents still stripped. A sentence end is a token of its own: phrases never
cross it, and NEAR/WITH/EXCEPT distances count it as SENTENCE_GAP words.

The language is documented for users in the README ("The query language"). This module does not
score: it reports where positive terms matched, and domain/matching.py weighs them.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import defaultdict
from functools import lru_cache
from itertools import accumulate, chain
from operator import itemgetter
from typing import Any, NamedTuple

from newswatch.domain.items import Article, Hit

FIELDS = ("title", "text")
_TITLE, _TEXT = 0, 1
_ALL = (_TITLE, _TEXT)
_ONLY = {_TITLE: (_TITLE,), _TEXT: (_TEXT,)}
_NONE: tuple[int, ...] = ()

DEFAULT_WITHIN = 10  # words, for WITH(...) and EXCEPT(...) without within=N
# A sentence end counts as this many words for NEAR/WITH/EXCEPT distances, so that
# "...talks in Washington. Analysts in New Delhi said..." does not pair the two cities.
SENTENCE_GAP = 5
SNIPPET_CHARS = 120


# ---------------------------------------------------------------------------------------------
# Text normalisation and word keys
# ---------------------------------------------------------------------------------------------

_FOLD = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4\u0060\u02bc", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
    # Invisible characters that would otherwise split a word in two.
    **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", ""),
    "_": " ",
}
# A regex finds the few characters to fold much faster than str.translate walks every one.
_FOLDABLE = re.compile("[" + re.escape("".join(_FOLD)) + "]")
_QUOTE_TABLE = str.maketrans(dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'))


def _fold(match: re.Match) -> str:
    return _FOLD[match.group()]


def _mark_class() -> str:
    """Combining marks of the Basic Multilingual Plane as a regex class body: Devanagari vowel
    signs and the like are marks, not \\w, and must not split the words they belong to."""
    ranges: list[list[int]] = []
    for cp in range(0x10000):
        if unicodedata.category(chr(cp)).startswith("M"):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1][1] = cp
            else:
                ranges.append([cp, cp])
    return "".join(f"\\u{a:04x}-\\u{b:04x}" if a != b else f"\\u{a:04x}" for a, b in ranges)


@lru_cache(maxsize=1)
def _mark_patterns() -> tuple[re.Pattern, re.Pattern]:
    """(any combining mark, the token pattern with marks inside words), built on first need:
    classifying the BMP takes tens of milliseconds, and most commands never tokenize."""
    marks = _mark_class()
    return re.compile(f"[{marks}]"), _token_pattern(rf"[\w{marks}]")


_ENDERS = ".!?\u0964\u0965"
# Words after which a full stop is usually not a sentence end ("Mr. Doval", "Rs. 500"), grouped
# by length because a lookbehind must have a fixed width. The lookbehinds come after the first
# punctuation character so that every alternative of the token pattern starts with a character
# class, which lets the regex engine skip spaces quickly.
_NOT_ENDS = (
    "v",
    "mr ms dr st sr jr lt co no vs rs mt ft",
    "mrs gen col maj sgt adm gov sen rep rev hon nos inc ltd fig jan feb mar apr jun jul aug sep oct nov dec",
    "prof capt brig cmdr corp dept govt sept",
    "approx",
)
_ENDER = (
    rf"[{_ENDERS}]"
    + "".join(rf"(?<!\b(?i:{'|'.join(group.split())})\.)" for group in _NOT_ENDS)
    + rf"[{_ENDERS}]*(?=[\s\"')\]]|$)"
)


def _token_pattern(word: str) -> re.Pattern:
    # A dotted abbreviation of single letters (U.S., U.S.A., A.I.) is one word; otherwise a word
    # is a run of letters and digits, apostrophes allowed inside (India's, O'Brien). Sentence-
    # ending punctuation followed by a space is a token too. One capturing group: re.split then
    # returns gaps and tokens alternately, which gives character offsets without match objects.
    # Multi-letter words first: they are most tokens, and cannot start an abbreviation.
    abbreviation = r"[^\W\d_](?:\.[^\W\d_])+\.?(?!\w)"
    return re.compile(rf"({word}{word}+(?:'{word}+)*|{abbreviation}|{word}(?:'{word}+)*|{_ENDER})")


# Scripts with combining marks need them inside words (_mark_patterns); the plain pattern is
# twice as fast and gives the same tokens for text without marks.
_TOKEN = _token_pattern(r"\w")
# Accents, and the Devanagari nukta: Hindi outlets write फ़्रेमवर्क and फ्रेमवर्क, ज़ and ज, alike.
_DIACRITIC = re.compile("[\u093c\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_SENTENCE_END = "\n"  # the key of sentence-end tokens: no word can have it


class _AsciiDigits(dict):
    """A str.translate table turning the decimal digits of any script into ASCII ones (Hindi
    outlets write ३१ and 31 alike), filled lazily: each distinct character is looked up once."""

    def __missing__(self, code: int) -> str:
        digit = unicodedata.decimal(chr(code), None)
        self[code] = chr(code) if digit is None else str(digit)
        return self[code]


_ASCII_DIGITS = _AsciiDigits()


def normalise_text(text: str) -> str:
    """NFKC, quotes and dashes folded to ASCII, invisible characters dropped. Snippets are cut
    from this form, whitespace collapsed."""
    if not text.isascii():
        text = _FOLDABLE.sub(_fold, unicodedata.normalize("NFKC", text))
    elif "_" in text or "`" in text:
        text = _FOLDABLE.sub(_fold, text)
    return text


def _pattern_for(text: str) -> re.Pattern:
    if text.isascii():
        return _TOKEN
    has_mark, with_marks = _mark_patterns()
    return with_marks if has_mark.search(text) else _TOKEN


def _exact_form(surface: str) -> str:
    if surface[0] in _ENDERS:
        return _SENTENCE_END
    if "." in surface:
        surface = surface.replace(".", "")
    if "'" in surface:
        if surface.endswith(("'s", "'S")):
            surface = surface[:-2]
        surface = surface.replace("'", "")
    if not surface.isascii():
        surface = unicodedata.normalize("NFC", _DIACRITIC.sub("", unicodedata.normalize("NFD", surface)))
        surface = surface.translate(_ASCII_DIGITS)
    return surface


class _FormCache(dict):
    """token -> comparison form, computed on first sight. A subscript that hits costs no Python
    call, which matters at a few hundred tokens per article."""

    def __init__(self, form):
        super().__init__()
        self.form = form

    def __missing__(self, token: str) -> str:
        if len(self) >= 200_000:  # a long-running service sees ever new chunks: start afresh
            self.clear()
        value = self[token] = self.form(token)
        return value


_KEYS = _FormCache(lambda token: _SENTENCE_END if token[0] in _ENDERS else _exact_form(token).casefold())
_EXACTS = _FormCache(_exact_form)  # exact case
# Tokens never contain whitespace, and the token pattern treats whitespace and the ends of the
# string alike, so a whitespace-separated chunk tokenises the same alone as within its text.
# News repeats its chunks ("the", "said.", "India's"), so tokenising a text is mostly str.split
# and these two caches: chunk -> tokens, chunk -> their keys.
_CHUNK_TOKENS = _FormCache(lambda chunk: tuple(_pattern_for(chunk).split(chunk)[1::2]))
_CHUNK_KEYS = _FormCache(lambda chunk: tuple(map(_KEYS.__getitem__, _CHUNK_TOKENS[chunk])))
_CHUNK_EXACTS = _FormCache(lambda chunk: tuple(map(_EXACTS.__getitem__, _CHUNK_TOKENS[chunk])))


def _token_offsets(chunk: str) -> tuple[tuple[int, int], ...]:
    # re.split alternates gaps and tokens: running sums of their lengths are the offsets.
    ends = list(accumulate(map(len, _pattern_for(chunk).split(chunk)), initial=0))
    return tuple((ends[2 * k + 1], ends[2 * k + 2]) for k in range(len(ends) // 2 - 1 if len(ends) > 1 else 0))


_CHUNK_OFFSETS = _FormCache(_token_offsets)  # chunk -> (start, end) of each of its tokens


def _word_surfaces(text: str) -> list[str]:
    text = normalise_text(text)
    return [s for s in _pattern_for(text).split(text)[1::2] if s[0] not in _ENDERS]


def fold_for_search(text: str) -> str:
    """The text folded as word keys are (accents stripped, case folded, dots and apostrophes
    dropped) but not cut into words: every word key of the text is a substring of it."""
    text = normalise_text(text or "")
    if not text.isascii():
        text = unicodedata.normalize("NFC", _DIACRITIC.sub("", unicodedata.normalize("NFD", text)))
    return text.casefold().replace(".", "").replace("'", "")


def words(text: str) -> list[str]:
    """The case-insensitive word keys of a text, as the matcher sees them."""
    return [_KEYS[s] for s in _word_surfaces(text)]


def sentences(text: str) -> list[list[tuple[str, str]]]:
    """The text's sentences, each a list of (key, written form) of its words: the key as the
    matcher compares it, the written form with its case (dots and a possessive 's dropped)."""
    text = normalise_text(text)
    found: list[list[tuple[str, str]]] = [[]]
    for token in _pattern_for(text).split(text)[1::2]:
        if token[0] in _ENDERS:
            if found[-1]:
                found.append([])
        else:
            found[-1].append((_KEYS[token], _EXACTS[token]))
    return [sentence for sentence in found if sentence]


# ---------------------------------------------------------------------------------------------
# Document
# ---------------------------------------------------------------------------------------------


class _Field:
    """Token positions of one field, with lazily built extras: exact-case positions, sorted
    vocabulary for prefixes, position sets for phrases, character spans for snippets.

    Tokens are words and sentence ends. A sentence end takes SENTENCE_GAP positions, so the
    distance between two places is a plain subtraction and consecutive words of a phrase are
    never in two sentences; `token_index` maps a position back to the token's index.

    `vocabulary` (a set) answers whether a word is there; the positions behind `index` are
    built on first use, since many documents are rejected by vocabulary checks alone."""

    __slots__ = (
        "text",
        "keys",
        "vocabulary",
        "_chunks",
        "_tokens",
        "_exact_vocabulary",
        "_index",
        "_enders",
        "_chunk_tokens",
        "_chunk_offsets",
        "_unquoted",
        "_exact",
        "_sorted",
        "_prefixes",
        "_sets",
        "_has",
    )

    def __init__(self, text: str):
        self._chunks = text.split()
        self.text = " ".join(self._chunks)  # whitespace collapsed: chunk offsets are sums
        self.keys = list(chain.from_iterable(map(_CHUNK_KEYS.__getitem__, self._chunks)))
        self.vocabulary = set(self.keys)
        self._tokens: list[str] | None = None
        self._exact_vocabulary: set[str] | None = None
        self._unquoted: str | None = None
        self._chunk_tokens: list[int] | None = None
        self._chunk_offsets: list[int] = []
        self._index: dict[str, list[int]] | None = None
        self._enders: list[int] = []
        self._exact: dict[str, list[int]] = {}
        self._sorted: list[str] | None = None
        self._prefixes: dict[tuple[str, bool], list[int]] = {}
        self._sets: dict[tuple[str, bool, bool], frozenset[int]] = {}
        self._has: dict[str, bool] = {}

    @property
    def tokens(self) -> list[str]:
        """The tokens as written (exact-case checks need them)."""
        if self._tokens is None:
            self._tokens = list(chain.from_iterable(map(_CHUNK_TOKENS.__getitem__, self._chunks)))
        return self._tokens

    def may_contain_exact(self, word: str) -> bool:
        """A cheap necessary condition for an exact-case word. In ASCII text a token with dots
        is single letters dotted ("U.S." is "US") and other tokens lose only apostrophes
        ("O'Neil's" is "ONeil"), so the word is in the text with apostrophes removed, plain or
        dotted."""
        if word in self.text or not (self.text.isascii() and word.isascii()):
            return True
        if self._unquoted is None:
            self._unquoted = self.text.replace("'", "")
        return word in self._unquoted or ".".join(word) in self._unquoted

    def has_exact(self, word: str) -> bool:
        return self.may_contain_exact(word) and word in self.exact_vocabulary

    @property
    def exact_vocabulary(self) -> set[str]:
        """The words as written (accents stripped): whether an exact-case term is there."""
        if self._exact_vocabulary is None:
            self._exact_vocabulary = set(chain.from_iterable(map(_CHUNK_EXACTS.__getitem__, self._chunks)))
        return self._exact_vocabulary

    @property
    def index(self) -> dict[str, list[int]]:
        """word key -> sorted positions. Read with .get: it is a defaultdict."""
        if self._index is None:
            index: defaultdict[str, list[int]] = defaultdict(list)
            end, extra, shift = _SENTENCE_END, SENTENCE_GAP - 1, 0
            for i, key in enumerate(self.keys):
                if key is end:
                    shift += extra
                index[key].append(i + shift)
            self._index = index
            self._enders = index.get(_SENTENCE_END) or []
        return self._index

    def token_index(self, position: int) -> int:
        """The index in `tokens` of the word at `position`."""
        if self._index is None:
            _ = self.index  # builds _enders
        return position - (SENTENCE_GAP - 1) * bisect_left(self._enders, position)

    def exact_positions(self, word: str) -> list[int]:
        """Positions of tokens whose exact form is `word`: among those with its folded key."""
        found = self._exact.get(word)
        if found is None:
            if not self.has_exact(word):
                self._exact[word] = []
                return []
            tokens, exacts, at = self.tokens, _EXACTS, self.token_index
            found = [p for p in self.index.get(word.casefold(), ()) if exacts[tokens[at(p)]] == word]
            self._exact[word] = found
        return found

    def positions(self, word: str, exact: bool) -> list[int]:
        return self.exact_positions(word) if exact else (self._index or self.index).get(word) or []

    def prefix_positions(self, prefix: str, exact: bool) -> list[int]:
        cached = self._prefixes.get((prefix, exact))
        if cached is not None:
            return cached
        vocabulary, index = self.sorted_vocabulary(), self.index
        folded = prefix.casefold() if exact else prefix
        i = bisect_left(vocabulary, folded)
        found: list[int] = []
        while i < len(vocabulary) and vocabulary[i].startswith(folded):
            found.extend(index[vocabulary[i]])
            i += 1
        found.sort()
        if exact:
            tokens, exacts, at = self.tokens, _EXACTS, self.token_index
            found = [p for p in found if exacts[tokens[at(p)]].startswith(prefix)]
        self._prefixes[(prefix, exact)] = found
        return found

    def sorted_vocabulary(self) -> list[str]:
        if self._sorted is None:
            self._sorted = sorted(self.vocabulary)
        return self._sorted

    def has_prefix(self, prefix: str) -> bool:
        found = self._has.get(prefix)
        if found is None:
            vocabulary = self.sorted_vocabulary()
            i = bisect_left(vocabulary, prefix)
            found = self._has[prefix] = i < len(vocabulary) and vocabulary[i].startswith(prefix)
        return found

    def position_set(self, word: str, exact: bool, prefix: bool) -> frozenset[int]:
        key = (word, exact, prefix)
        cached = self._sets.get(key)
        if cached is None:
            found = self.prefix_positions(word, exact) if prefix else self.positions(word, exact)
            cached = self._sets[key] = frozenset(found)
        return cached

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Character offsets of tokens start..end-1 (token indexes, not positions)."""
        return self._token_span(start)[0], self._token_span(end - 1)[1]

    def _token_span(self, i: int) -> tuple[int, int]:
        if self._chunk_tokens is None:
            # The index of each chunk's first token, and the length of the chunks before it
            # (chunk j starts after those and j spaces).
            counts = map(len, map(_CHUNK_TOKENS.__getitem__, self._chunks))
            self._chunk_tokens = list(accumulate(counts, initial=0))
            self._chunk_offsets = list(accumulate(map(len, self._chunks), initial=0))
        j = bisect_right(self._chunk_tokens, i) - 1
        a, b = _CHUNK_OFFSETS[self._chunks[j]][i - self._chunk_tokens[j]]
        base = self._chunk_offsets[j] + j
        return base + a, base + b


class Document:
    """One article as the matcher sees it: the title and text tokenised once, with a memo that
    lets every topic evaluated against it reuse the occurrences of shared sub-queries."""

    __slots__ = ("title", "text", "fields", "vocabulary", "memo", "parts_memo", "hits_memo", "_prefixes")

    def __init__(self, title: str = "", text: str = ""):
        self.fields = (_Field(normalise_text(title or "")), _Field(normalise_text(text or "")))
        self.title = self.fields[_TITLE].text  # normalised, whitespace collapsed
        self.text = self.fields[_TEXT].text
        self.vocabulary = self.fields[_TITLE].vocabulary | self.fields[_TEXT].vocabulary
        self.memo: dict[tuple[str, tuple[int, ...]], list] = {}
        self.parts_memo: dict[tuple[str, tuple[int, ...]], list] = {}
        self.hits_memo: dict[tuple[str, tuple[int, ...]], list] = {}
        self._prefixes: dict[str, bool] = {}

    @classmethod
    def from_article(cls, article: Article) -> Document:
        return cls(article.title, article.text)

    def has_prefix(self, prefix: str) -> bool:
        found = self._prefixes.get(prefix)
        if found is None:
            found = self._prefixes[prefix] = self.fields[_TEXT].has_prefix(prefix) or self.fields[_TITLE].has_prefix(
                prefix
            )
        return found

    def snippet(self, field: str, start: int, end: int, width: int = SNIPPET_CHARS) -> str:
        """About `width` characters of the field around tokens start..end-1 (as in Occurrence),
        cut at spaces, with an ellipsis on each side that was cut."""
        f = self.fields[FIELDS.index(field)]
        text = f.text
        hit_a, hit_b = f.span(start, end)
        if hit_b - hit_a >= width:
            a, b = hit_a, hit_a + width
        else:
            room = width - (hit_b - hit_a)
            a = max(0, hit_a - room // 2)
            b = min(len(text), a + width)
            a = max(0, b - width)
        if a > 0:
            cut = text.find(" ", a, hit_a)
            if cut != -1:
                a = cut + 1
        if b < len(text):
            cut = text.rfind(" ", max(a, hit_b), b + 1)
            if cut != -1:
                b = cut
        return ("\u2026" if a > 0 else "") + text[a:b].strip() + ("\u2026" if b < len(text) else "")


# ---------------------------------------------------------------------------------------------
# Evaluation results
# ---------------------------------------------------------------------------------------------

# Internally a place is one int, start << 16 | length, for positions start..start+length-1 of
# one field: places sort like (start, end) pairs, bisect directly, and cost no allocation of a
# container. An occurrence is a tuple (start, end, parts), where a part is (term label, field
# index, start, end, boost): the leaf hits that make it up; only queries that matched build
# them. `Occurrence` is what callers get.


class Occurrence(NamedTuple):
    """One place where a positive term of a query matched: tokens start..end-1 of a field,
    counted from 0 (a token is a word or a sentence end)."""

    term: str
    field: str
    start: int
    end: int
    boost: float = 1.0


class QueryError(ValueError):
    """A query that cannot be parsed: what is wrong (`message`) and where: `position`, a 0-based
    character offset, and once the query's text is known (parse_query sets it), `line` and
    `column` (1-based) and `excerpt()`, that line with a caret under the spot."""

    def __init__(self, message: str, position: int, text: str = ""):
        super().__init__(message, position)
        self.message = message
        self.position = position
        self.text = text

    @property
    def line(self) -> int:
        return self.text.count("\n", 0, self.position) + 1

    @property
    def column(self) -> int:
        return self.position - (self.text.rfind("\n", 0, self.position) + 1) + 1

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"

    def excerpt(self, indent: str = "    ", width: int = 72) -> str:
        """The query's line where the problem is, and a caret under the spot: two lines, the
        line cut to `width` characters around the spot when it is longer."""
        start = self.text.rfind("\n", 0, self.position) + 1
        end = self.text.find("\n", self.position)
        line = self.text[start : end if end != -1 else len(self.text)].rstrip("\r")
        # Control characters would move the caret (a tab) or garble the terminal: one space each.
        line = "".join(ch if ch.isprintable() else " " for ch in line)
        at = self.column - 1
        if len(line) > width:
            first = max(0, min(at - width // 2, len(line) - width))
            cut = line[first : first + width]
            if first > 0:
                cut = "…" + cut[1:]
            if first + width < len(line):
                cut = cut[:-1] + "…"
            line, at = cut, at - first
        return f"{indent}{line}\n{indent}{' ' * at}^"


_SHIFT = 16
_LENGTH = (1 << _SHIFT) - 1
# Words too common in news to make good triggers for a phrase that contains a rarer one.
_COMMON_WORDS = frozenset(
    "a about after all also an and are as at be been but by can co could de did do for from had has have he"
    " her his i if in into is it its la more new no not of on one or our out over said says she so than that"
    " the their them there they this to two up us was we were what when which who will with would year you"
    " advanced civil critical defence defense export first government international joint major minister"
    " national open people police president public rare says security state states strategic time united"
    " world years".split()
)
_by_place = itemgetter(0, 1)
_by_end_boost = itemgetter(3, 4)
_by_field_start = itemgetter(1, 2)


def _empty() -> list:
    return [(), ()]


def _in_vocabulary(doc: Document, word: str, fields: tuple[int, ...]) -> bool:
    if fields is _ALL:
        return word in doc.vocabulary
    return any(word in doc.fields[f].vocabulary for f in fields)


# ---------------------------------------------------------------------------------------------
# AST
# ---------------------------------------------------------------------------------------------


class Node:
    """A query node, evaluated in two phases. `matches` answers yes or no, cheaply: span nodes
    compute their `places` (per field, a sorted list of encoded places) and nothing else. `hits`
    runs only for queries that matched and returns the positive leaf parts behind them, from
    `occurrences` (places that also carry those parts) where places alone cannot tell."""

    span = False
    key: str
    # depth: levels of nodes from this one down to its deepest leaf (the parser bounds it).
    depth: int
    __slots__ = ("key", "depth")

    def matches(self, doc: Document, fields: tuple[int, ...]) -> bool:
        raise NotImplementedError

    def hits(self, doc: Document, fields: tuple[int, ...]) -> list[tuple]:
        raise NotImplementedError

    def trigger(self) -> tuple[frozenset[str], frozenset[str]] | None:
        """Words (and prefixes) of which a document must contain at least one for this node to
        match, or None when no such set exists (a NOT can match an empty document)."""
        raise NotImplementedError

    # Only nodes with `span` true answer these two (SpanNode, and Boost or FieldScope around
    # one); the parser puts nothing else under NEAR, WITH or EXCEPT, which read them.
    def places(self, doc: Document, fields: tuple[int, ...]) -> list:
        raise NotImplementedError

    def occurrences(self, doc: Document, fields: tuple[int, ...]) -> list:
        raise NotImplementedError

    def __str__(self) -> str:
        return self.key

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.key}>"


class SpanNode(Node):
    span = True
    # Simple: each of its hits is exactly one of its places (not so for NEAR, whose places
    # cover two hits), so a context filter can act on the hits directly.
    simple = False
    __slots__ = ()

    def places(self, doc: Document, fields: tuple[int, ...]) -> list:
        memo_key = (self.key, fields)
        found = doc.memo.get(memo_key)
        if found is None:
            found = doc.memo[memo_key] = self._places(doc, fields)
        return found

    def occurrences(self, doc: Document, fields: tuple[int, ...]) -> list:
        memo_key = (self.key, fields)
        found = doc.parts_memo.get(memo_key)
        if found is None:
            found = doc.parts_memo[memo_key] = self._occurrences(doc, fields)
        return found

    def _places(self, doc: Document, fields: tuple[int, ...]) -> list:
        raise NotImplementedError

    def _occurrences(self, doc: Document, fields: tuple[int, ...]) -> list:
        raise NotImplementedError

    def matches(self, doc: Document, fields: tuple[int, ...]) -> bool:
        found = self.places(doc, fields)
        return bool(found[0] or found[1])

    def hits(self, doc: Document, fields: tuple[int, ...]) -> list[tuple]:
        memo_key = (self.key, fields)
        found = doc.hits_memo.get(memo_key)
        if found is None:
            found = doc.hits_memo[memo_key] = self._hits(doc, fields)
        return found

    def _hits(self, doc: Document, fields: tuple[int, ...]) -> list[tuple]:
        return [part for occurrences in self.occurrences(doc, fields) for o in occurrences for part in o[2]]


def _single(label: str, f: int, positions: list[int]) -> list[tuple]:
    return [(p, p + 1, ((label, f, p, p + 1, 1.0),)) for p in positions]


class _Leaf(SpanNode):
    """A node whose places are single positions or fixed-length runs found by `_starts`."""

    simple = True
    depth = 1
    label: str
    exact: bool
    size: int
    __slots__ = ("label", "exact", "size")

    def _starts(self, doc: Document, f: int) -> list[int]:
        raise NotImplementedError

    def _places(self, doc, fields):
        found = _empty()
        size = self.size
        for f in fields:
            starts = self._starts(doc, f)
            if starts:
                found[f] = [p << _SHIFT | size for p in starts]
        return found

    def _occurrences(self, doc, fields):
        found = _empty()
        label, size = self.label, self.size
        for f in fields:
            starts = self._starts(doc, f)
            if starts:
                found[f] = [(p, p + size, ((label, f, p, p + size, 1.0),)) for p in starts]
        return found

    def _hits(self, doc, fields):
        label, size = self.label, self.size
        return [(label, f, p, p + size, 1.0) for f in fields for p in self._starts(doc, f)]


class Term(_Leaf):
    """One word, case-insensitive, or exact-case when `exact`."""

    __slots__ = ("word",)

    def __init__(self, word: str, label: str, exact: bool):
        self.word, self.label, self.exact, self.size = word, label, exact, 1
        self.key = ("=" if exact else "") + label + "{" + word + "}"

    def matches(self, doc, fields):
        if not _in_vocabulary(doc, self.word.casefold() if self.exact else self.word, fields):
            return False
        return not self.exact or any(doc.fields[f].has_exact(self.word) for f in fields)

    def _starts(self, doc, f):
        return doc.fields[f].positions(self.word, self.exact)

    def trigger(self):
        return frozenset((self.word.casefold(),)), frozenset()


class Prefix(_Leaf):
    """Every word starting with `word` (``technolog*``)."""

    __slots__ = ("word",)

    def __init__(self, word: str, label: str, exact: bool):
        self.word, self.label, self.exact, self.size = word, label, exact, 1
        self.key = ("=" if exact else "") + label + "{" + word + "*}"

    def matches(self, doc, fields):
        if not self.exact:
            if fields is _ALL:
                return doc.has_prefix(self.word)
            return any(doc.fields[f].has_prefix(self.word) for f in fields)
        return any(doc.fields[f].prefix_positions(self.word, True) for f in fields)

    def _starts(self, doc, f):
        return doc.fields[f].prefix_positions(self.word, self.exact)

    def trigger(self):
        return frozenset(), frozenset((self.word.casefold(),))


class Phrase(_Leaf):
    """Consecutive words; any of them may be a prefix (``"emerging technolog*"``). Sentence
    ends are tokens, so a phrase never spans two sentences."""

    __slots__ = ("words", "_literal")

    def __init__(self, words: tuple[tuple[str, bool], ...], label: str, exact: bool):
        self.words, self.label, self.exact, self.size = words, label, exact, len(words)
        self._literal = tuple({(w.casefold() if exact else w) for w, p in words if not p})
        inner = " ".join(w + ("*" if p else "") for w, p in words)
        self.key = ("=" if exact else "") + '"' + label + '"{' + inner + "}"

    def matches(self, doc, fields):
        for word in self._literal:
            if not _in_vocabulary(doc, word, fields):
                return False
        return super().matches(doc, fields)

    def _starts(self, doc, f):
        memo_key = (self.key, f)
        found = doc.memo.get(memo_key)
        if found is None:
            found = doc.memo[memo_key] = self._find(doc.fields[f])
        return found

    def _find(self, field: _Field) -> list[int]:
        vocabulary = field.vocabulary
        for word in self._literal:
            if word not in vocabulary:
                return []
        exact = self.exact
        lists = []
        for word, prefix in self.words:
            positions = field.prefix_positions(word, exact) if prefix else field.positions(word, exact)
            if not positions:
                return []
            lists.append(positions)
        rarest = min(range(self.size), key=lambda i: len(lists[i]))
        others = [
            (i - rarest, field.position_set(word, exact, prefix))
            for i, (word, prefix) in enumerate(self.words)
            if i != rarest
        ]
        return [q - rarest for q in lists[rarest] if all(q + offset in s for offset, s in others)]

    def trigger(self):
        # Any one word of a phrase is a necessary condition; the least common one filters best.
        literal = [w.casefold() for w, p in self.words if not p]
        if literal:
            return frozenset((min(literal, key=lambda w: (w in _COMMON_WORDS, -len(w))),)), frozenset()
        return frozenset(), frozenset((self.words[0][0].casefold(),))


class AnyOf(SpanNode):
    """OR whose operands are all span nodes: itself a span, usable inside NEAR and WITH. Its
    plain case-insensitive terms are tested as one set, which keeps long OR-lists cheap."""

    __slots__ = ("children", "_labels", "_plain", "_others", "simple")

    def __init__(self, children: list[Node]):
        # A parenthesised group stays one child, not flattened into this list: the same group
        # used in several places of a query (or several topics) is then evaluated once per
        # document and shared through the memo.
        flat = list(children)
        self.children = tuple(flat)
        self.depth = 1 + max(c.depth for c in flat)
        self.simple = all(getattr(c, "simple", False) for c in flat)
        self.key = "(" + " OR ".join(c.key for c in self.children) + ")"
        self._labels: dict[str, str] = {}
        others = []
        for child in flat:
            if type(child) is Term and not child.exact:
                self._labels.setdefault(child.word, child.label)
            else:
                others.append(child)
        self._plain = frozenset(self._labels)
        self._others = tuple(others)

    def matches(self, doc, fields):
        plain = self._plain
        if plain:
            if fields is _ALL:
                if not plain.isdisjoint(doc.vocabulary):
                    return True
            else:
                for f in fields:
                    if not plain.isdisjoint(doc.fields[f].vocabulary):
                        return True
        return any(child.matches(doc, fields) for child in self._others)

    def _present(self, field: _Field) -> list[str]:
        plain, vocabulary = self._plain, field.vocabulary
        if len(vocabulary) < len(plain):
            return [w for w in vocabulary if w in plain]
        return [w for w in plain if w in vocabulary]

    def _places(self, doc, fields):
        found = _empty()
        others = [child.places(doc, fields) for child in self._others if child.matches(doc, fields)]
        for f in fields:
            field = doc.fields[f]
            present = self._present(field)
            index = field.index if present else {}
            merged = [p << _SHIFT | 1 for word in present for p in index[word]]
            for places in others:
                merged.extend(places[f])
            if merged:
                merged.sort()
                found[f] = merged
        return found

    def _hits(self, doc, fields):
        labels = self._labels
        found = []
        for f in fields:
            field = doc.fields[f]
            index = field.index
            for word in self._present(field):
                label = labels[word]
                found.extend([(label, f, p, p + 1, 1.0) for p in index[word]])
        for child in self._others:
            if child.matches(doc, fields):
                found.extend(child.hits(doc, fields))
        return found

    def _occurrences(self, doc, fields):
        found = _empty()
        labels = self._labels
        others = [child.occurrences(doc, fields) for child in self._others]
        for f in fields:
            field = doc.fields[f]
            index = field.index
            merged: list[tuple] = []
            for word in self._present(field):
                merged.extend(_single(labels[word], f, index[word]))
            for occurrences in others:
                merged.extend(occurrences[f])
            if merged:
                merged.sort(key=_by_place)
                found[f] = merged
        return found

    def trigger(self):
        return _union(c.trigger() for c in self.children)


def _pairs(left: list, right: list, n: int):
    """(a, b) for occurrences a of left and b of right at most n words apart, not overlapping."""
    starts = [b[0] for b in right]
    longest = max(b[1] - b[0] for b in right)
    for a in left:
        a0, a1 = a[0], a[1]
        for b in right[bisect_left(starts, a0 - n - longest) : bisect_right(starts, a1 + n)]:
            if (b[0] - a1 if b[0] >= a1 else a0 - b[1] if a0 >= b[1] else -1) >= 0:
                yield a, b


def _near_places(left: list[int], right: list[int], n: int) -> list[int]:
    """The places covering a place of left and one of right at most n words apart (not
    overlapping), sorted, each once."""
    longest = max(b & _LENGTH for b in right)
    covering = set()
    for a in left:
        a0 = a >> _SHIFT
        a1 = a0 + (a & _LENGTH)
        for b in right[bisect_left(right, (a0 - n - longest) << _SHIFT) : bisect_left(right, (a1 + n + 1) << _SHIFT)]:
            b0 = b >> _SHIFT
            b1 = b0 + (b & _LENGTH)
            if b0 >= a1:
                if b0 - a1 <= n:
                    covering.add(a0 << _SHIFT | (b1 - a0))
            elif a0 >= b1 and a0 - b1 <= n:
                covering.add(b0 << _SHIFT | (a1 - b0))
    return sorted(covering)


def _near_any(a: int, context: list[int], longest: int, n: int) -> bool:
    """Whether a place of `context` other than `a` itself is within n words of a (overlap
    counts)."""
    a0 = a >> _SHIFT
    a1 = a0 + (a & _LENGTH)
    for b in context[bisect_left(context, (a0 - n - longest) << _SHIFT) : bisect_left(context, (a1 + n + 1) << _SHIFT)]:
        b0 = b >> _SHIFT
        if b0 >= a1:
            if b0 - a1 <= n:
                return True
        else:
            b1 = b0 + (b & _LENGTH)
            if a0 >= b1:
                if a0 - b1 <= n:
                    return True
            elif b != a:
                return True
    return False


class Near(SpanNode):
    """``a NEAR/n b``: a and b at two different places, at most n words between them, in either
    order, in the same field. Its places cover both; its occurrences carry both as parts."""

    __slots__ = ("left", "right", "distance")

    def __init__(self, left: Node, right: Node, distance: int):
        self.left, self.right, self.distance = left, right, distance
        self.depth = 1 + max(left.depth, right.depth)
        self.key = f"({left.key} NEAR/{distance} {right.key})"

    def matches(self, doc, fields):
        if not (self.left.matches(doc, fields) and self.right.matches(doc, fields)):
            return False
        return super().matches(doc, fields)

    def _places(self, doc, fields):
        found = _empty()
        lefts, rights = self.left.places(doc, fields), self.right.places(doc, fields)
        for f in fields:
            if lefts[f] and rights[f]:
                covering = _near_places(lefts[f], rights[f], self.distance)
                if covering:
                    found[f] = covering
        return found

    def _occurrences(self, doc, fields):
        found = _empty()
        lefts, rights = self.left.occurrences(doc, fields), self.right.occurrences(doc, fields)
        for f in fields:
            if lefts[f] and rights[f]:
                pairs = [
                    (min(a[0], b[0]), max(a[1], b[1]), a[2] + b[2])
                    for a, b in _pairs(lefts[f], rights[f], self.distance)
                ]
                if pairs:
                    pairs.sort(key=_by_place)
                    found[f] = pairs
        return found

    def trigger(self):
        return _smallest([self.left.trigger(), self.right.trigger()])


class Context(SpanNode):
    """``a WITH(c..., within=n)`` keeps the places of a that have a context place at most n
    words away (overlapping counts, the very same words do not); ``a EXCEPT(...)`` keeps those
    that have none. Context words are conditions, not hits."""

    __slots__ = ("operand", "context", "distance", "exclude", "simple")

    def __init__(self, operand: Node, context: Node, distance: int, exclude: bool):
        self.operand, self.context, self.distance, self.exclude = operand, context, distance, exclude
        self.depth = 1 + max(operand.depth, context.depth)
        self.simple = getattr(operand, "simple", False)
        word = "EXCEPT" if exclude else "WITH"
        self.key = f"{operand.key} {word}({context.key}, within={distance})"

    def matches(self, doc, fields):
        if not self.operand.matches(doc, fields):
            return False
        if not self.context.matches(doc, fields):
            return self.exclude
        return super().matches(doc, fields)

    def _places(self, doc, fields):
        found = _empty()
        n, exclude = self.distance, self.exclude
        operands, contexts = self.operand.places(doc, fields), self.context.places(doc, fields)
        for f in fields:
            operand, context = operands[f], contexts[f]
            if not operand:
                continue
            if not context:
                if exclude:
                    found[f] = operand
                continue
            longest = max(b & _LENGTH for b in context)
            kept = [a for a in operand if _near_any(a, context, longest, n) is not exclude]
            if kept:
                found[f] = kept
        return found

    def _hits(self, doc, fields):
        if not self.simple:
            return super()._hits(doc, fields)
        places = self.places(doc, fields)
        kept = (set(places[0]), set(places[1]))
        return [
            part
            for part in self.operand.hits(doc, fields)
            if (part[2] << _SHIFT | (part[3] - part[2])) in kept[part[1]]
        ]

    def _occurrences(self, doc, fields):
        found = _empty()
        kept_places = self.places(doc, fields)
        operands = self.operand.occurrences(doc, fields)
        for f in fields:
            if kept_places[f]:
                kept = set(kept_places[f])
                found[f] = [o for o in operands[f] if (o[0] << _SHIFT | (o[1] - o[0])) in kept]
        return found

    def trigger(self):
        return self.operand.trigger()


class Boost(Node):
    """``x^2``: the hits of x weigh `factor` times as much in the topic score."""

    __slots__ = ("child", "factor", "span", "simple")

    def __init__(self, child: Node, factor: float):
        self.child, self.factor, self.span = child, factor, child.span
        self.depth = 1 + child.depth
        self.simple = getattr(child, "simple", False)
        self.key = f"{child.key}^{factor:g}"

    def matches(self, doc, fields):
        return self.child.matches(doc, fields)

    def hits(self, doc, fields):
        k = self.factor
        return [(t, f, s, e, b * k) for t, f, s, e, b in self.child.hits(doc, fields)]

    def places(self, doc, fields):
        return self.child.places(doc, fields)

    def occurrences(self, doc, fields):
        k = self.factor
        return [
            [(s, e, tuple((t, f, ps, pe, b * k) for t, f, ps, pe, b in parts)) for s, e, parts in occurrences]
            for occurrences in self.child.occurrences(doc, fields)
        ]

    def trigger(self):
        return self.child.trigger()


class FieldScope(Node):
    """``title:x`` / ``text:x``: x evaluated on one field only."""

    __slots__ = ("child", "field", "span", "simple")

    def __init__(self, child: Node, field: int):
        self.child, self.field, self.span = child, field, child.span
        self.depth = 1 + child.depth
        self.simple = getattr(child, "simple", False)
        self.key = f"{FIELDS[field]}:{child.key}"

    def _restrict(self, fields):
        return _ONLY[self.field] if self.field in fields else _NONE

    def matches(self, doc, fields):
        return self.child.matches(doc, self._restrict(fields))

    def hits(self, doc, fields):
        return self.child.hits(doc, self._restrict(fields))

    def places(self, doc, fields):
        return self.child.places(doc, self._restrict(fields))

    def occurrences(self, doc, fields):
        return self.child.occurrences(doc, self._restrict(fields))

    def trigger(self):
        return self.child.trigger()


class And(Node):
    children: tuple[Node, ...]
    __slots__ = ("children",)

    def __init__(self, children: list[Node]):
        self.children = tuple(children)
        self.depth = 1 + max(c.depth for c in self.children)
        self.key = "(" + " AND ".join(c.key for c in self.children) + ")"

    def matches(self, doc, fields):
        return all(child.matches(doc, fields) for child in self.children)

    def hits(self, doc, fields):
        return [part for c in self.children for part in c.hits(doc, fields)]

    def trigger(self):
        return _smallest([c.trigger() for c in self.children])


class Or(Node):
    children: tuple[Node, ...]
    __slots__ = ("children",)

    def __init__(self, children: list[Node]):
        flat: list[Node] = []
        for child in children:
            flat.extend(child.children if isinstance(child, (Or, AnyOf)) else (child,))
        self.children = tuple(flat)
        self.depth = 1 + max(c.depth for c in self.children)
        self.key = "(" + " OR ".join(c.key for c in self.children) + ")"

    def matches(self, doc, fields):
        return any(child.matches(doc, fields) for child in self.children)

    def hits(self, doc, fields):
        return [part for c in self.children if c.matches(doc, fields) for part in c.hits(doc, fields)]

    def trigger(self):
        return _union(c.trigger() for c in self.children)


class Not(Node):
    __slots__ = ("child",)

    def __init__(self, child: Node):
        self.child = child
        self.depth = 1 + child.depth
        self.key = f"NOT {child.key}"

    def matches(self, doc, fields):
        return not self.child.matches(doc, fields)

    def hits(self, doc, fields):
        return []

    def trigger(self):
        return None


def _union(triggers) -> tuple[frozenset[str], frozenset[str]] | None:
    words: set[str] = set()
    prefixes: set[str] = set()
    for trigger in triggers:
        if trigger is None:
            return None
        words |= trigger[0]
        prefixes |= trigger[1]
    return frozenset(words), frozenset(prefixes)


def _smallest(triggers):
    known = [t for t in triggers if t is not None]
    if not known:
        return None
    # Prefixes cost a bisect each; plain words are a set lookup: prefer triggers without them.
    return min(known, key=lambda t: len(t[0]) + 4 * len(t[1]))


# ---------------------------------------------------------------------------------------------
# Query
# ---------------------------------------------------------------------------------------------


class Query:
    """A parsed query. Evaluate it against `Document`s; it holds no per-document state."""

    __slots__ = ("text", "root", "_words", "_prefixes", "_always")

    def __init__(self, text: str, root: Node):
        self.text = text
        self.root = root
        trigger = root.trigger()
        self._always = trigger is None
        self._words, self._prefixes = trigger if trigger is not None else (frozenset(), frozenset())

    @property
    def needs(self) -> tuple[frozenset[str], frozenset[str]] | None:
        """Words and prefixes (as word keys) of which a matching document contains at least one,
        for a prefilter; None when a document without any may match (a query of NOTs)."""
        return None if self._always else (self._words, self._prefixes)

    def _may_match(self, doc: Document) -> bool:
        if self._always or not self._words.isdisjoint(doc.vocabulary):
            return True
        return any(doc.has_prefix(p) for p in self._prefixes)

    def matches(self, doc: Document) -> bool:
        return self._may_match(doc) and self.root.matches(doc, _ALL)

    def could_match(self, title: str, text: str) -> bool:
        """A cheap necessary condition on an article's raw title and text, for scanning many
        stored articles without building a Document for each: False only when none of the words
        the query needs appears in them, not even inside another word."""
        if self._always:
            return True
        folded = fold_for_search(title) + "\n" + fold_for_search(text)
        return any(word in folded for word in self._words) or any(p in folded for p in self._prefixes)

    def parts(self, doc: Document) -> list[list] | None:
        """`locate` as plain lists [term, field index, start, end, boost], for callers that
        handle many of them (the scorer)."""
        if not self.matches(doc):
            return None
        parts = self.root.hits(doc, _ALL)
        # Field, start, longest first (two stable sorts), so that a place that contains
        # another comes before it.
        parts = sorted(parts, key=_by_end_boost, reverse=True)
        parts.sort(key=_by_field_start)
        kept: list[list] = []
        for term, f, start, end, boost in parts:
            if kept:
                outer = kept[-1]
                if outer[1] == f and end <= outer[3]:
                    if boost > outer[4]:
                        outer[4] = boost
                    continue
            kept.append([term, f, start, end, boost])
        fields = doc.fields
        for part in kept:
            at = fields[part[1]].token_index
            part[2], part[3] = at(part[2]), at(part[3] - 1) + 1
        return kept

    def locate(self, doc: Document) -> list[Occurrence] | None:
        """None when the document does not match; else where the positive terms matched, title
        first, each place once: words matched by several terms ("emerging technolog*" inside
        "initiative on critical and emerging technolog*") count as the longest of them, with the
        highest boost among them."""
        kept = self.parts(doc)
        if kept is None:
            return None
        return [Occurrence(t, FIELDS[f], s, e, b) for t, f, s, e, b in kept]

    def evaluate(self, doc: Document) -> list[Hit] | None:
        """None when the document does not match; else one Hit per place a positive term matched
        (an empty list for a query made only of NOTs)."""
        found = self.locate(doc)
        if found is None:
            return None
        return [Hit(o.term, o.field, doc.snippet(o.field, o.start, o.end)) for o in found]

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Query({self.text!r})"


# ---------------------------------------------------------------------------------------------
# Tokenizer
# ---------------------------------------------------------------------------------------------


class _Token(NamedTuple):
    kind: str  # WORD PHRASE FIELD BOOST NEAR WITHIN AND OR NOT WITH EXCEPT ( ) , EOF
    value: Any  # by kind: str (WORD, PHRASE), int (FIELD, NEAR, WITHIN), float (BOOST)
    pos: int
    exact: bool = False


_NEAR = re.compile(r"NEAR/(\d+)")
_WITHIN = re.compile(r"within=(\d+)")
_FIELD = re.compile(r"([A-Za-z]+):")
_NUMBER = re.compile(r"\d+(?:\.\d+)?|\.\d+")
_RUN_END = frozenset('()",')


def _scan(text: str) -> list[_Token]:
    text = text.translate(_QUOTE_TABLE)
    tokens: list[_Token] = []
    i, n = 0, len(text)
    last = 0  # where the last token ended: "the end of the query" is shown there, not after comments
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if c == "#":  # a comment, to the end of the line
            end = text.find("\n", i)
            i = n if end == -1 else end
            continue
        if c in "(),":
            tokens.append(_Token(c, c, i))
            i += 1
        elif c == '"' or (c == "=" and text.startswith('"', i + 1)):
            exact = c == "="
            opening = i + 1 if exact else i
            close = text.find('"', opening + 1)
            if close == -1:
                raise QueryError("unterminated phrase: missing closing '\"'", opening)
            tokens.append(_Token("PHRASE", text[opening + 1 : close], i, exact))
            i = close + 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in _RUN_END:
                j += 1
            _classify(text[i:j], i, tokens)
            i = j
        last = i
    tokens.append(_Token("EOF", None, last))
    return tokens


def _classify(run: str, pos: int, tokens: list[_Token]) -> None:
    # A loop, not recursion, for runs of field prefixes ("title:title:...x"): their number is
    # the user's to choose.
    while True:
        if run in ("AND", "OR", "NOT", "WITH", "EXCEPT"):
            tokens.append(_Token(run, run, pos))
            return
        if run.startswith("NEAR"):
            m = _NEAR.fullmatch(run)
            if not m:
                raise QueryError("expected NEAR/n with a number of words, e.g. NEAR/5", pos)
            tokens.append(_Token("NEAR", int(m.group(1)), pos))
            return
        if run.startswith("within="):
            m = _WITHIN.fullmatch(run)
            if not m:
                raise QueryError("expected within=N with a number of words, e.g. within=10", pos)
            tokens.append(_Token("WITHIN", int(m.group(1)), pos))
            return
        m = _FIELD.match(run)
        if not m:
            break
        name = m.group(1).lower()
        if name not in FIELDS:
            raise QueryError(f"unknown field '{m.group(1)}' (fields: title, text)", pos)
        tokens.append(_Token("FIELD", FIELDS.index(name), pos))
        if m.end() == len(run):
            return
        run, pos = run[m.end() :], pos + m.end()
    caret = run.find("^")
    if caret != -1:
        if caret:
            tokens.append(_Token("WORD", run[:caret], pos))
        number = run[caret + 1 :]
        if not _NUMBER.fullmatch(number) or float(number) <= 0:
            raise QueryError("expected a positive number after '^', e.g. ^2", pos + caret + 1)
        tokens.append(_Token("BOOST", float(number), pos + caret))
        return
    tokens.append(_Token("WORD", run, pos))


# ---------------------------------------------------------------------------------------------
# Parser
# ---------------------------------------------------------------------------------------------

_STARTS = frozenset(("WORD", "PHRASE", "(", "NOT", "FIELD"))
# How deep a query may nest: brackets, NOTs, field scopes and WITH/EXCEPT lists inside each
# other, and chains of NEAR, ^ and WITH, which each wrap what comes before. Parsing and matching
# recurse once per level; a real topic uses a dozen, and a limit far below Python's recursion
# limit makes a pathological query a QueryError rather than a crash.
MAX_DEPTH = 50
_TOO_DEEP = f"the query nests too deeply: more than {MAX_DEPTH} levels of brackets, NOT, NEAR, WITH/EXCEPT, ^ or fields"
_SPAN_HELP = "terms, phrases or OR-groups of them"


def _describe(token: _Token) -> str:
    if token.kind == "EOF":
        return "end of query"
    if token.kind in ("WORD", "PHRASE"):
        return f"'{token.value}'"
    if token.kind == "NEAR":
        return f"'NEAR/{token.value}'"
    if token.kind == "BOOST":
        return "'^'"
    if token.kind == "WITHIN":
        return "'within='"
    if token.kind == "FIELD":
        return f"'{FIELDS[token.value]}:'"
    return f"'{token.value}'"


class _Parser:
    """Recursive descent over this grammar:

    query   := or EOF
    or      := and ("OR" and)*
    and     := unary (["AND"] unary)*
    unary   := "NOT" unary | near
    near    := postfix ("NEAR/n" postfix)*
    postfix := primary ("^n" | "WITH(" items ")" | "EXCEPT(" items ")")*
    primary := "(" or ")" | field ":" primary | term | phrase
    """

    def __init__(self, text: str):
        self.text = text
        self.tokens = _scan(text)
        self.i = 0
        self.nesting = 0  # brackets, NOTs, fields and WITH lists open at the current token

    def enter(self, token: _Token) -> None:
        self.nesting += 1
        if self.nesting > MAX_DEPTH:
            raise self.fail(_TOO_DEEP, token)

    def leave(self) -> None:
        self.nesting -= 1

    def bounded(self, node: Node, token: _Token) -> Node:
        """`node`, unless its tree is deeper than MAX_DEPTH (a chain of NEARs, say)."""
        if node.depth > MAX_DEPTH:
            raise self.fail(_TOO_DEEP, token)
        return node

    def peek(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def fail(self, message: str, token: _Token | None = None) -> QueryError:
        return QueryError(message, (token or self.peek()).pos)

    def parse(self) -> Node:
        if self.peek().kind == "EOF":
            raise QueryError("empty query", 0)
        node = self.or_expr()
        token = self.peek()
        if token.kind != "EOF":
            raise self.fail(f"unexpected {_describe(token)}")
        return node

    def or_expr(self) -> Node:
        start = self.peek()
        children = [self.and_expr(None)]
        while self.peek().kind == "OR":
            self.take()
            children.append(self.and_expr("OR"))
        if len(children) == 1:
            return children[0]
        return self.bounded(AnyOf(children) if all(c.span for c in children) else Or(children), start)

    def and_expr(self, after: str | None) -> Node:
        start = self.peek()
        children = [self.unary(after)]
        while True:
            kind = self.peek().kind
            if kind == "AND":
                self.take()
                children.append(self.unary("AND"))
            elif kind in _STARTS:
                children.append(self.unary(None))
            else:
                break
        return children[0] if len(children) == 1 else self.bounded(And(children), start)

    def unary(self, after: str | None) -> Node:
        if self.peek().kind == "NOT":
            token = self.take()
            self.enter(token)
            try:
                return self.bounded(Not(self.unary("NOT")), token)
            finally:
                self.leave()
        return self.near(after)

    def near(self, after: str | None) -> Node:
        node = self.postfix(after)
        while self.peek().kind == "NEAR":
            token = self.take()
            right = self.postfix(f"NEAR/{token.value}")
            if not (node.span and right.span):
                raise self.fail(f"NEAR joins {_SPAN_HELP}; put AND/NOT outside it", token)
            node = self.bounded(Near(node, right, token.value), token)
        return node

    def postfix(self, after: str | None) -> Node:
        node = self.primary(after)
        while True:
            token = self.peek()
            if token.kind == "BOOST":
                self.take()
                node = self.bounded(Boost(node, token.value), token) if token.value != 1 else node
            elif token.kind in ("WITH", "EXCEPT"):
                node = self.bounded(self.context(node), token)
            else:
                return node

    def context(self, node: Node) -> Node:
        keyword = self.take()
        name = keyword.kind
        if not node.span:
            raise self.fail(f"{name} applies to {_SPAN_HELP}", keyword)
        if self.peek().kind != "(":
            raise self.fail(f"expected '(' after {name}")
        self.take()
        items: list[Node] = []
        within = DEFAULT_WITHIN
        while True:
            token = self.peek()
            if token.kind == ")":
                self.take()
                break
            if token.kind in (",", "OR"):
                self.take()
                continue
            if token.kind == "WITHIN":
                self.take()
                within = token.value
                if self.peek().kind != ")":
                    raise self.fail("expected ')' after within=N")
                continue
            if token.kind == "EOF":
                raise self.fail("expected ')'")
            if token.kind not in ("WORD", "PHRASE", "(", "FIELD"):
                raise self.fail(f"{name}(...) takes {_SPAN_HELP}, separated by commas")
            self.enter(token)
            try:
                item = self.near(name)
            finally:
                self.leave()
            if not item.span:
                raise self.fail(f"{name}(...) takes {_SPAN_HELP}, separated by commas", token)
            items.append(item)
        if not items:
            raise self.fail(f"{name}(...) needs at least one term", keyword)
        context = items[0] if len(items) == 1 else AnyOf(items)
        return Context(node, context, within, name == "EXCEPT")

    def primary(self, after: str | None) -> Node:
        token = self.peek()
        kind = token.kind
        if kind == "(":
            self.take()
            self.enter(token)
            try:
                node = self.or_expr()
            finally:
                self.leave()
            if self.peek().kind != ")":
                raise self.fail("expected ')'")
            self.take()
            return node
        if kind == "FIELD":
            self.take()
            if self.peek().kind not in ("WORD", "PHRASE", "("):
                raise self.fail(f"expected a term, phrase or '(' after '{FIELDS[token.value]}:'")
            self.enter(token)
            try:
                return self.bounded(FieldScope(self.primary(None), token.value), token)
            finally:
                self.leave()
        if kind == "WORD":
            self.take()
            return _word_node(token.value, token.pos)
        if kind == "PHRASE":
            self.take()
            return _phrase_node(token.value, token.pos, token.exact)
        if kind == ")":
            raise self.fail(f"expected a term after {after}" if after else "unexpected ')'")
        if kind == "EOF":
            raise self.fail(f"expected a term after {after}" if after else "expected a term")
        if kind == "BOOST":
            raise self.fail("'^' must follow a term, phrase or ')'")
        raise self.fail(f"expected a term, found {_describe(token)}")


def _word_node(raw: str, pos: int) -> Node:
    exact = raw.startswith("=")
    if exact:
        raw, pos = raw[1:], pos + 1
        if not raw:
            raise QueryError("expected a term after '='", pos)
    if raw.startswith("-"):
        raise QueryError("write NOT before a term to exclude it", pos)
    prefix = raw.endswith("*")
    body = raw[:-1] if prefix else raw
    star = body.find("*")
    if star != -1:
        raise QueryError("'*' is only allowed at the end of a term", pos + star)
    surfaces = _word_surfaces(body)
    if not surfaces:
        raise QueryError(f"'{raw}' has no letters or digits", pos)
    forms = [_exact_form(s) if exact else _exact_form(s).casefold() for s in surfaces]
    if len(forms) == 1:
        return (Prefix if prefix else Term)(forms[0], raw, exact)
    # "India-US" or "U.S.-India": one written term, several words.
    return Phrase(tuple((w, prefix and i == len(forms) - 1) for i, w in enumerate(forms)), raw, exact)


def _phrase_node(content: str, pos: int, exact: bool) -> Node:
    parts: list[tuple[str, bool]] = []
    offset = 0
    for chunk in content.split():
        offset = content.index(chunk, offset)
        prefix = chunk.endswith("*")
        body = chunk[:-1] if prefix else chunk
        star = body.find("*")
        if star != -1:
            raise QueryError("'*' is only allowed at the end of a word", pos + 1 + (1 if exact else 0) + offset + star)
        surfaces = _word_surfaces(body)
        for i, s in enumerate(surfaces):
            form = _exact_form(s) if exact else _exact_form(s).casefold()
            parts.append((form, prefix and i == len(surfaces) - 1))
        offset += len(chunk)
    if not parts:
        raise QueryError("empty phrase", pos)
    label = " ".join(content.split())
    if len(parts) == 1:
        word, prefix = parts[0]
        return (Prefix if prefix else Term)(word, label, exact)
    return Phrase(tuple(parts), label, exact)


class QueryVocabulary:
    """Every word a query names, anywhere in it (terms, context words, NOTs), as keys."""

    __slots__ = ("words", "prefixes", "phrases", "_runs", "_wild", "_wild_words", "_wild_prefixes", "_named")

    def __init__(self, words: set[str], prefixes: set[str], phrases: set[tuple[str, ...]]):
        self.words = frozenset(words)
        self.prefixes = tuple(sorted(prefixes))
        self.phrases = frozenset(phrases)  # multi-word phrases; a prefix word ends in "*"
        # Every run of consecutive words inside a phrase without prefix words, for set lookups;
        # the few phrases with a prefix word are checked word by word.
        self._runs = {
            p[i:j]
            for p in self.phrases
            if not any(w.endswith("*") for w in p)
            for i in range(len(p))
            for j in range(i + 1, len(p) + 1)
        }
        self._wild = [p for p in self.phrases if any(w.endswith("*") for w in p)]
        self._wild_words = {w for p in self._wild for w in p if not w.endswith("*")}
        self._wild_prefixes = tuple({w[:-1] for p in self._wild for w in p if w.endswith("*")})
        self._named: dict[tuple[str, ...], bool] = {}

    def names(self, key: str) -> bool:
        """True when the query names this word key (directly or through a prefix)."""
        return key in self.words or key.startswith(self.prefixes)

    def names_phrase(self, keys: tuple[str, ...]) -> bool:
        """True when the query names these consecutive words: a word it names, or a run of
        words inside one of its phrases ("silica" and "pax silica" in "Pax Silica Declaration")."""
        found = self._named.get(keys)
        if found is None:
            found = self._named[keys] = self._names_phrase(keys)
        return found

    def _names_phrase(self, keys: tuple[str, ...]) -> bool:
        if (len(keys) == 1 and self.names(keys[0])) or keys in self._runs:
            return True
        if not all(k in self._wild_words or k.startswith(self._wild_prefixes) for k in keys):
            return False
        n = len(keys)
        for phrase in self._wild:
            for i in range(len(phrase) - n + 1):
                if all(_phrase_word_matches(p, k) for p, k in zip(phrase[i : i + n], keys, strict=True)):
                    return True
        return False


def _phrase_word_matches(pattern: str, key: str) -> bool:
    return key.startswith(pattern[:-1]) if pattern.endswith("*") else key == pattern


def query_vocabulary(query: Query) -> QueryVocabulary:
    """The words, prefixes and phrases a parsed query names anywhere in its tree."""
    words_: set[str] = set()
    prefixes: set[str] = set()
    phrases: set[tuple[str, ...]] = set()
    stack: list[Node] = [query.root]
    while stack:
        node = stack.pop()
        if isinstance(node, Term):
            words_.add(node.word.casefold())
        elif isinstance(node, Prefix):
            prefixes.add(node.word.casefold())
        elif isinstance(node, Phrase):
            phrases.add(tuple(w.casefold() + ("*" if p else "") for w, p in node.words))
        for name in ("child", "left", "right", "operand", "context"):
            child = getattr(node, name, None)
            if child is not None:
                stack.append(child)
        stack.extend(getattr(node, "children", ()))
    return QueryVocabulary(words_, prefixes, phrases)


@lru_cache(maxsize=1024)
def parse_query(text: str) -> Query:
    """Parse a query; raises QueryError naming the line and column of the first problem."""
    try:
        return Query(text, _Parser(text).parse())
    except QueryError as error:
        error.text = text
        raise
