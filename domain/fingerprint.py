"""Fingerprints of article text: is this a copy of something we stored, is it the same event?

Two questions, two tools:

* Near-duplicates (a wire story republished with a new headline, a dateline, boilerplate, a
  paragraph dropped, a few words edited, cut short): MinHash over word shingles of the
  normalised text estimates the Jaccard similarity of two texts; LSH band keys let a database
  find the few stored articles worth comparing with one indexed `IN` query.
* Same event, independently written: `event_score` compares headline words and key terms (names,
  places, figures), each weighed by how rare it is among stored reports (`TermWeights`), so that
  what two reports share only counts when it is distinctive for them, not the words every outlet,
  readout or fact sheet carries; and two headlines that fill one template with different names
  ("Readout of ...'s Meeting with X" / "... with Y") are different events. A fact sheet and the
  action it summarises share few words; `companion_weight` tells them by the action's headline
  words the fact sheet carries (the store checks that one office posted them together).

Everything here is pure: no database, no configuration. The dedup numbers (`NUM_PERM`, `BANDS`,
`ROWS`, `SHINGLE_WORDS`, `DUPLICATE_THRESHOLD`) come from `bench/bench_dedup.py`, the event ones
(`STORY_THRESHOLD`, `MIN_SHARED`, `TEMPLATE_RUN`, `SMOOTHING`, `SUM_SMOOTHING`, `COMMON_SHARE`)
from `bench/bench_stories.py` on the tuned part of tests/labelled/events.jsonl (checked on the
held-out feed entries of bench/labels/corpus_events.jsonl, and every labelled set with
`bench/stories_all.py`); change them only with their measurements, and note that changing
`NUM_PERM`, `BANDS`, `ROWS`, `SHINGLE_WORDS`, `SEED` or `normalise_text` invalidates stored
signatures and band keys (re-fingerprint the stored texts).
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import MinHash

from newswatch.domain.common_terms import COMMON_TERMS
from newswatch.domain.happenings import SUMMIT, happenings, happenings_differ, without_meeting_named_for_time
from newswatch.domain.translit import ACRONYM, code, cross_keys, is_devanagari, skeleton
from newswatch.domain.weekdays import days_differ, lead_day

NUM_PERM = 128  # MinHash permutations; 4 bytes each in a stored signature
SEED = 1  # fixes the permutations, so signatures stay comparable across processes and runs
SHINGLE_WORDS = 4  # words per shingle
BANDS = 42  # LSH bands of ROWS signature values each; the last NUM_PERM - BANDS * ROWS values
ROWS = 3  # are used for similarity only. Candidate odds at similarity s: 1 - (1 - s**ROWS)**BANDS
DUPLICATE_THRESHOLD = 0.4  # estimated Jaccard at or above which a text is a copy
STORY_THRESHOLD = 0.20  # event_score at or above which two reports cover one event (bench/README.md, twelfth pass)
MIN_SHARED = 2.5  # what two reports of one event share weighs more than two distinctive things (a name is one)
RARE_SHARED = 0.6  # two reports of one event share a name, figure or uncommon word this rare (`_rare_shared`)
FIGURE_BONUS = 0.5  # a specific figure both share (7.7, 825, 29.24; not a year) counts this much more than a word
CROSS_MIN_SHARED = 4.0  # what an English and a Hindi report must share, names matched by their skeletons
CROSS_FEW_SHARED = 3.0  # or this much, when it is CROSS_FEW_SCORE of what the English report names
CROSS_FEW_SCORE = 1 / 3
CROSS_LEAD_WORDS = 80  # a Hindi report's words its English counterpart's names are looked for in
LEAD_WORDS = 80  # every name and figure of a text's first LEAD_WORDS words is a key term
REPEAT_WORDS = 200  # and those it names twice within its first REPEAT_WORDS: later paragraphs recap other news
GIST_MIN_WORDS = 200  # a text this long is a full report, and its gist (`_gist`) is kept
GIST_SHARE = 0.06  # two full reports whose gists share less than this (Dice) are two developments
LEAD_SENTENCE_WORDS = 40  # a full report's first sentence, cut at this many words, says who did what
LEAD_PEOPLE = 2  # a first sentence naming this many people is about them: one meets the other
MAX_RUN = 4  # words of a name run at most ("Defence Minister Rajnath Singh")
TEMPLATE_RUN = 3  # headlines opening with this many content words in common may be one template
SMOOTHING = 10  # term weights count this many stored reports more, carrying COMMON_TERMS at their shares
SUM_SMOOTHING = 100  # and this many, carrying nothing, in the rules that weigh shared terms against a fixed sum
COMMON_SHARE = 0.1  # a term in more of the stored reports than this starts losing weight
_COMMON_RARITY = math.log(1 / COMMON_SHARE)
# Words official releases and outlets put on many unrelated headlines: they weigh little from the
# first report on, before the stored reports' frequencies teach it.
HOUSE_STYLE = frozenset(
    """readout fact sheet statement remark release press presidential message proclamation briefing
    transcript video watch live update explained explainer opinion analysis data podcast picture
    photo gallery exclusive breaking interview editorial column review""".split()
)
HOUSE_STYLE_WEIGHT = 0.1
# Below this many normalised words a text gets no signature and is recognised by exact hash
# only. Each edited word removes up to SHINGLE_WORDS shingles, so a short text's similarity
# collapses under ordinary sub-editing: in the bench, excerpts with a dateline and two words
# changed keep a median similarity of 0.41 at 20 words (half still found), 0.56 at 30 and 0.66
# at 40 (all found); 40 leaves room for a third edit. Below it a signature would say "copy" or
# "not a copy" on too little evidence, so only an exact copy counts.
MIN_WORDS = 40
# A body shorter than this is a brief (a flash, a short statement, a paywalled page's lede). Its
# text alone is too little to call it a copy: two paywalled pages of one outlet may show the same
# lede-less notice. Its headline counts in its exact hash too.
BRIEF_CHARS = 200

_EMPTY_HASH = hashlib.sha1(b"").hexdigest()
_FORMAT_VERSION = 1
_SCHEME = "affine32"  # explicit: datasketch's default scheme changed once and may again
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=_SCHEME).permutations
_MASK63 = np.uint64((1 << 63) - 1)

# Whole lines that wire copies and republishers add or drop: they say nothing about the story.
_BOILERPLATE_LINES = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"^\(?\s*with (?:agency |wire )?inputs?(?: from [^)]{1,80})?\s*\)?\.?$",
        r"^(?:also read|also watch|also see|read also|read more|must read|don'?t miss|"
        r"related(?: stories| news| articles)?|recommended(?: stories)?|trending(?: now)?|"
        r"more on this|click here)\b\s*(?:[:|\-–—>»].*)?$",
        r"^(?:follow|join) (?:us|our|the)\b.{0,80}\b(?:on|channel|whatsapp|telegram|"
        r"twitter|facebook|instagram|youtube|google news|linkedin)\b.*$",
        r"^(?:download|get) (?:the|our) .{0,60}\bapp\b.*$",
        r"^catch all the .{0,160}$",
        r"^subscribe (?:to|for)\b.{0,160}$",
        r"^\(?\s*(?:except for the headline, )?this (?:story|article|report) has not been "
        r"edited by .{0,160}$",
        r"^.{0,200}\bauto-generated from a syndicated feed\W*$",
        r"^\(?\s*(?:reporting|writing|editing|additional reporting|compiled) by .{0,200}\)?$",
        r"^(?:published|updated|last updated|first published)\s*[-:–—]?\s*.{0,60}"
        r"(?:\d{4}|ist|gmt|utc|edt|est|bst|[ap]\.?m\.?)\.?$",
        r"^(?:advertisement|story continues below(?: this ad)?|continue reading(?: below)?|"
        r"scroll to continue(?: with content)?|share this article|share)\W*$",
        r"^(?:file )?(?:photo|image|picture|representative image)(?: credit)?\s*[:|]\s*.{1,80}$",
        r"^(?:(?:disclaimer|copyright)\b|©).*$",
    )
]
# The same notes when a republisher tacks them onto the end of a paragraph.
_BOILERPLATE_INLINE = re.compile(
    r"\(\s*(?:with (?:agency |wire )?inputs?(?: from [^)]{1,80})?|"
    r"(?:except for the headline, )?this (?:story|article|report) has not been edited[^)]{0,200}|"
    r"only the headline[^)]{0,300}|"
    r"(?:reporting|writing|editing) by [^)]{1,200})\s*\)\.?",
    re.IGNORECASE,
)
# A dateline opening the first paragraph: "NEW DELHI (Reuters) -", "New Delhi, Nov 25 (PTI)",
# "WASHINGTON —", "MUMBAI:", "Chennai, March 3:". Only the first line is looked at.
_DATE = r"(?:,\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8}\.?)(?:,?\s*\d{4})?)?"
_AGENCY = r"\((?:PTI|IANS|ANI|UNI|Reuters|AP|AFP|Bloomberg|dpa|DPA|Xinhua|CNN|BBC|NYT|AAP)\)"
_DATELINE = re.compile(
    r"^\s*(?:"
    rf"[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){{0,3}}{_DATE}\s*{_AGENCY}\s*[-–—:]*"
    rf"|[A-Z][A-Z.'’ -]{{2,40}}{_DATE}\s*[-–—:]"
    rf"|[A-Z][a-z]+(?: [A-Z][a-z]+){{0,2}}{_DATE}\s*[:–—]"
    r")\s+"
)


class _CharClasses(dict):
    """A str.translate table keeping letters, digits, combining marks (Devanagari vowel signs
    are marks) and `extra`, turning everything else into a space; with `ascii_digits`, the digits
    of other scripts become ASCII ones (Hindi reports write ३१ or 31). Filled lazily, so each
    distinct character is classified once and translate runs at C speed afterwards."""

    def __init__(self, extra: str = "", ascii_digits: bool = False) -> None:
        super().__init__()
        self.extra = extra
        self.ascii_digits = ascii_digits

    def __missing__(self, code: int) -> str:
        char = chr(code)
        kept = unicodedata.category(char)[0] in "LNM" or char in self.extra
        digit = unicodedata.decimal(char, None) if self.ascii_digits and not char.isascii() else None
        self[code] = str(digit) if digit is not None else char if kept else " "
        return self[code]


# Shingles (what a copy shares) keep digits as written, so that stored signatures stay comparable;
# event terms read them as ASCII digits.
_WORD_CHARS = _CharClasses()
_TOKEN_CHARS = _CharClasses(".,'’", ascii_digits=True)
_INNER_DOT = re.compile(r"(?<=\w)\.(?=\w)")
_TOKEN = re.compile(r"\S+")
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)*$")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_FORMAT = re.compile(r"(?<![\w+])(\d)\+(\d)(?![\w+])")  # "2+2": one word, not two 2s
_FORMAT_TERM = re.compile(r"^\dp\d$")
_DIGITS = re.compile(r"\d+")
_SPECIFIC_FIGURE = re.compile(r"^\d+(?:[.,]\d+)+$|^\d{3,}$")
# Characters after which a capital letter only says that a sentence, quote or clause begins.
_SENTENCE_ENDS = frozenset(".!?:;\"“”'‘’([|–—-•")
_STOPWORDS = frozenset(
    """a an the and or but nor of in on at to for from by with without as into onto over under
    about after before against between among through during since until up down out off
    is are was were be been being am has have had do does did will would shall should can could
    may might must not no yes it its it's this that these those there here he she they we you i
    him her them us me my our your their his hers theirs what which who whom whose when where why
    how all any both each few more most other some such only own same so than too very just also
    says said say amid via vs new s t now get gets got one two co""".split()
)
# The same for Hindi: postpositions, auxiliaries and pronouns that every Devanagari headline is
# full of ("भारत और अमेरिका के बीच ... पर हुई बातचीत"), so two unrelated Hindi reports do not look
# alike for their grammar alone.
_HINDI_STOPWORDS = frozenset(
    """का की के को में से ने पर और है हैं था थी थे हो होगा होगी होंगे होने किया किए कि गया गई
    गए हुआ हुई हुए रहा रही रहे लिए एक यह वह ये वे भी तो ही तक कर करने करेगा करेगी करेंगे करना
    करें बाद साथ बीच अब तथा एवं या कहा बोले बोलीं नहीं जो जिस जिसमें जिसे इस उस इसके उसके अपने
    अपनी अपना क्या कैसे क्यों वाले वाली वाला द्वारा बारे लेकर दिया दी दिए नए नई नया""".split()
)
_DEVANAGARI_WORD = re.compile("[\u0900-\u097f]")
# Capitalised words that start many unrelated stories' sentences or name no particular thing.
_COMMON_CAPITALISED = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december jan feb mar apr jun jul aug sep sept oct
    nov dec mr mrs ms dr sir shri smt st the a an he she it they we i you this that these those
    his her their its our in on at for but and or if as after before when while with by from to
    of read also watch photo image video file""".split()
)
# Words that stand before a person's name in English copy ("Prime Minister Narendra Modi", "US
# Secretary of State Antony Blinken", "Tesla CEO Elon Musk", "Pope Francis"), and the words of an
# office that may come between such a word and the name ("Director of National Intelligence").
_TITLES = frozenset(
    """president minister secretary adviser advisor nsa pm eam chancellor premier pope king prince
    sheikh ambassador senator governor envoy mr ms dr vice chief ceo director chairman""".split()
)
_OFFICE = frozenset("of the state defense defence national intelligence security external affairs foreign".split())


class Fingerprint:
    """What is kept of a text to recognise its copies: the exact hash of its normalised form and,
    for texts of at least `MIN_WORDS` words, a MinHash signature (`NUM_PERM` uint32 values)."""

    __slots__ = ("content_hash", "signature")

    def __init__(self, content_hash: str, signature: np.ndarray | None) -> None:
        self.content_hash = content_hash
        if signature is not None:
            signature = np.asarray(signature, dtype=np.uint32)
            if signature.shape != (NUM_PERM,):
                raise ValueError(f"signature must hold {NUM_PERM} values, not {signature.shape}")
            signature.setflags(write=False)
        self.signature = signature

    @property
    def exact_only(self) -> bool:
        """True for texts too short for a signature: only exact copies are recognised."""
        return self.signature is None

    @property
    def empty(self) -> bool:
        """True when nothing of the text survives normalisation: it matches nothing."""
        return self.content_hash == _EMPTY_HASH

    def to_bytes(self) -> bytes:
        """Version byte, 20-byte SHA-1, then the signature as little-endian uint32 (if any)."""
        data = bytes([_FORMAT_VERSION]) + bytes.fromhex(self.content_hash)
        if self.signature is not None:
            data += self.signature.astype("<u4").tobytes()
        return data

    @classmethod
    def from_bytes(cls, data: bytes) -> Fingerprint:
        data = bytes(data)
        if not data or data[0] != _FORMAT_VERSION:
            raise ValueError("not a fingerprint of this format version")
        content_hash = data[1:21].hex()
        rest = data[21:]
        if len(content_hash) != 40 or len(rest) not in (0, 4 * NUM_PERM):
            raise ValueError("truncated or foreign fingerprint")
        signature = np.frombuffer(rest, dtype="<u4").astype(np.uint32) if rest else None
        return cls(content_hash, signature)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Fingerprint):
            return NotImplemented
        if self.content_hash != other.content_hash:
            return False
        if self.signature is None or other.signature is None:
            return self.signature is None and other.signature is None
        return bool(np.array_equal(self.signature, other.signature))

    def __hash__(self) -> int:
        return hash(self.content_hash)

    def __repr__(self) -> str:
        kind = "exact-only" if self.signature is None else "minhash"
        return f"Fingerprint({self.content_hash[:12]}…, {kind})"


def normalise_text(text: str) -> str:
    """The text reduced to what survives republication: NFKC, casefolded, punctuation removed,
    whitespace collapsed, wire boilerplate lines and the opening dateline dropped."""
    text = "\n".join(_story_lines(text)).casefold()
    return " ".join(text.translate(_WORD_CHARS).split())


def _story_lines(text: str) -> list[str]:
    """NFKC lines of the text without boilerplate lines, inline notes and the opening dateline."""
    text = _BOILERPLATE_INLINE.sub(" ", unicodedata.normalize("NFKC", text or ""))
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not _is_boilerplate(line)]
    if lines:
        lines[0] = _DATELINE.sub("", lines[0], count=1)
    return [line for line in lines if line]


def _is_boilerplate(line: str) -> bool:
    return len(line) <= 400 and any(pattern.match(line) for pattern in _BOILERPLATE_LINES)


def content_hash(text: str) -> str:
    """SHA-1 (hex) of the normalised text: equal for exact copies and trivial re-formattings."""
    return hashlib.sha1(normalise_text(text).encode("utf-8")).hexdigest()


def shingles(normalised: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """The distinct runs of `size` consecutive words of an already normalised text."""
    words = normalised.split()
    if len(words) < size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def fingerprint(text: str, title: str = "") -> Fingerprint:
    """Fingerprint of an article body (title excluded: copies often get a new headline), except
    for a brief (under BRIEF_CHARS), whose exact hash covers its headline as well."""
    normalised = normalise_text(text)
    if normalised and title and len(text.strip()) < BRIEF_CHARS:
        brief = normalise_text(title) + " | " + normalised
        return Fingerprint(hashlib.sha1(brief.encode("utf-8")).hexdigest(), None)
    digest = hashlib.sha1(normalised.encode("utf-8")).hexdigest()
    if len(normalised.split()) < MIN_WORDS:
        return Fingerprint(digest, None)
    return Fingerprint(digest, signature_of_shingles(shingles(normalised)))


def signature_of_shingles(items: Iterable[bytes]) -> np.ndarray:
    """MinHash signature (uint32[NUM_PERM]) of a set of byte strings."""
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=_SCHEME, permutations=_PERMUTATIONS)
    minhash.update_batch(list(items))
    return minhash.hashvalues.astype(np.uint32)


def similarity(a: Fingerprint, b: Fingerprint) -> float:
    """Estimated Jaccard similarity of the two texts' shingle sets (0..1).

    Identical normalised texts score 1.0; a text without a signature (too short) scores 0.0
    against anything but its exact copy; an empty text scores 0.0 against everything (two
    articles whose bodies failed to extract are not copies of each other).
    """
    if a.empty or b.empty:
        return 0.0
    if a.content_hash == b.content_hash:
        return 1.0
    if a.signature is None or b.signature is None:
        return 0.0
    return float(np.count_nonzero(a.signature == b.signature)) / NUM_PERM


def is_duplicate(a: Fingerprint, b: Fingerprint) -> bool:
    """True when one text is a near-copy of the other."""
    return similarity(a, b) >= DUPLICATE_THRESHOLD


def band_keys(fp: Fingerprint) -> list[int]:
    """LSH keys to index and to look up (non-negative, < 2**63, so they fit a signed BIGINT).

    Band i hashes signature rows [i*ROWS, (i+1)*ROWS) together with i, so two texts whose
    signatures agree on one whole band share a key. Store one (band_key, article_id) row per key;
    candidates are `SELECT article_id FROM bands WHERE band_key IN (...)`. A text without a
    signature gets a single key derived from its exact hash, so the same query finds its copies;
    an empty text gets none.
    """
    if fp.empty:
        return []
    if fp.signature is None:
        exact = np.frombuffer(bytes.fromhex(fp.content_hash)[:8], dtype="<u8").copy()
        return [int(_mix(exact ^ _band_seed(np.array([BANDS], dtype=np.uint64)))[0] & _MASK63)]
    return [int(key) for key in band_key_matrix(fp.signature[np.newaxis, :])[0]]


def band_key_matrix(signatures: np.ndarray) -> np.ndarray:
    """Band keys (int64[n, BANDS]) of many signatures (uint32[n, NUM_PERM]) at once."""
    signatures = np.asarray(signatures, dtype=np.uint64)
    rows = signatures[:, : BANDS * ROWS].reshape(len(signatures), BANDS, ROWS)
    keys = np.broadcast_to(_band_seed(np.arange(BANDS, dtype=np.uint64)), rows.shape[:2]).copy()
    for row in range(ROWS):
        keys = _mix(keys ^ rows[:, :, row])
    return (keys & _MASK63).astype(np.int64)


def _band_seed(band: np.ndarray) -> np.ndarray:
    return _mix((band + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15))


def _mix(values: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser: a fixed bijection on uint64 that spreads every input bit."""
    z = values.astype(np.uint64)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def title_terms(title: str) -> set[str]:
    """Content words of a headline: casefolded, English and Hindi stopwords dropped (but "US" the
    acronym is not "us" the pronoun), plural/possessive trimmed, numbers kept whole ("5,000" ->
    "5000"). Other scripts keep all their words: there is no stopword list for them."""
    terms = set()
    for _, word in _words(unicodedata.normalize("NFKC", title or "")):
        folded = word.casefold()
        if _is_content_word(folded) or (len(word) > 1 and word.isupper()):
            terms.add(_stem(folded))
    return terms


def key_terms(title: str, text: str, lead_words: int = LEAD_WORDS) -> set[str]:
    """Names and figures that pin down an event: capitalised words that do not merely open a
    sentence, and numbers other than years; from the title, the lead, and anything the body names
    at least twice within its first REPEAT_WORDS words (a long report's later paragraphs recap the
    other developments of a visit or a week, which are no part of its event). Devanagari has no
    capital letters: there a name is a headline word (not a stopword) that the body repeats at
    least twice (राजनाथ, हेगसेथ, पैक्स, सिलिका)."""
    return _key_terms_and_runs(title, text, lead_words)[0]


def name_runs(text: str) -> tuple[tuple[str, ...], ...]:
    """The names the body writes as a run of capitalised words, as key terms: "Donald Trump",
    "Marine Le Pen", "Minister Rajnath Singh" (at most MAX_RUN words; figures end a run). Each
    is one thing however many words it has, so two reports sharing only "Donald Trump" and "US"
    share two things, not three. Headlines are left out: many outlets capitalise every word."""
    return _key_terms_and_runs("", text)[1]


def _key_terms_and_runs(
    title: str, text: str, lead_words: int = LEAD_WORDS
) -> tuple[set[str], tuple[tuple[str, ...], ...]]:
    terms, runs, _ = _terms_and_runs(*_split(title, text), lead_words)
    return terms, runs


def _split(title: str, text: str) -> tuple[str, list[tuple[int, str]], str, list[tuple[int, str]]]:
    """The NFKC title, its words, the text without boilerplate and dateline (`_story_lines`), its words."""
    title = unicodedata.normalize("NFKC", title or "")
    body = "\n".join(_story_lines(text))
    return title, _words(title), body, _words(body)


def _terms_and_runs(
    title: str,
    title_words: list[tuple[int, str]],
    body: str,
    body_words: list[tuple[int, str]],
    lead_words: int = LEAD_WORDS,
) -> tuple[set[str], tuple[tuple[str, ...], ...], list[tuple[int, str]]]:
    """The key terms (`key_terms`), the name runs (`name_runs`) and the body's names and figures
    with their word indexes (`_names_and_figures`)."""
    lowercase = {_stem(word) for word in {word for _, word in title_words + body_words if word.islower()}}
    named = _capitalised_inside_sentences(title, title_words) | _capitalised_inside_sentences(body, body_words)
    body_terms = _names_and_figures(body, body_words, lowercase, named)
    counts: dict[str, int] = {}
    for index, term in body_terms:
        if index < REPEAT_WORDS:
            counts[term] = counts.get(term, 0) + 1
    terms = {term for _, term in _names_and_figures(title, title_words, lowercase, named)}
    terms.update(term for index, term in body_terms if index < lead_words)
    terms.update(term for term, count in counts.items() if count >= 2)
    if not title.isascii():
        repeated = Counter(word for _, word in body_words if _DEVANAGARI_WORD.match(word))
        terms.update(word for _, word in title_words if repeated[word] >= 2 and _is_content_word(word))
    return terms, _runs(body, body_words, body_terms), body_terms


def _runs(body: str, words: list[tuple[int, str]], names: list[tuple[int, str]]) -> tuple[tuple[str, ...], ...]:
    """The runs of adjacent names (not figures) among `names` (word index, term) of `body`."""
    found: set[tuple[str, ...]] = set()
    run: list[str] = []
    previous = -2
    for index, term in names:
        figure = term[0].isdigit()
        if index == previous + 1 and run and not figure and len(run) < MAX_RUN:
            end = words[previous][0] + len(words[previous][1])
            if not body[end : words[index][0]].strip():  # nothing but space between: one name
                run.append(term)
                previous = index
                continue
        if len(run) > 1:
            found.add(tuple(run))
        run = [] if figure else [term]
        previous = index
    if len(run) > 1:
        found.add(tuple(run))
    return tuple(sorted(found))


@dataclass(frozen=True)
class EventProfile:
    """What `event_score` compares, computed once per article: the headline's content words, the
    key terms (names, figures) of headline and text, the headline's content words in order (to
    recognise a templated headline), the names the text writes in several words (`name_runs`), and
    the terms it names only as another event that places it in time ("ahead of the 2+2 dialogue");
    and, to compare an English with a Hindi report, its script and its cross-script keys: the
    keys (`translit.cross_keys`) of an English report's terms, of a Hindi report's headline and lead
    words; what its headline and first sentence say happened (`happenings.happenings`: talks, an
    award, an address, a signing, a visit) and on what day of the week (`weekdays.lead_day`); for
    a full report, its gist (`_gist`) and the people and names of its headline and first sentence
    (`_lead_people`); and the outlet that published it, when known (`house`), whose headline
    templates are its own."""

    headline: frozenset[str]
    keys: frozenset[str]
    title: tuple[str, ...] = ()
    runs: tuple[tuple[str, ...], ...] = ()
    context: frozenset[str] = frozenset()  # terms named only where the report places itself in time
    script: str = "latn"  # "deva" for a report written mostly in Devanagari (Hindi)
    cross: frozenset[str] = frozenset()  # keys that match names across scripts (translit.cross_keys)
    gist: frozenset[str] = frozenset()  # a full report's words of what happened (`_gist`); empty for a short text
    people: tuple[frozenset[str], ...] = ()  # the people a full report's first sentence names (`_lead_people`)
    lead: frozenset[str] = frozenset()  # the names of its headline and first sentence, with their cross keys
    acts: frozenset[str] = frozenset()  # what its headline and first sentence say happened (`happenings`)
    day: str = ""  # the weekday its first sentence says that happened (`weekdays.lead_day`)
    house: str = ""  # the outlet that published it, casefolded; "" when not known
    places: frozenset[str] = frozenset()  # names it writes only as where something is (`_places`)

    @property
    def terms(self) -> frozenset[str]:
        return self.headline | self.keys


# "X ahead of Y", "X on the eve of Y", "X as a precursor to Y", "X on the sidelines of Y": Y is
# another event, named to place X in time or in a venue. What such a cue names, up to the end of
# its clause (at most CONTEXT_WORDS words), is the report's context: an investors' meet held ahead
# of a ministerial dialogue is not the dialogue, a deal signed on the sidelines of a summit is not
# the summit.
CONTEXT_WORDS = 8
_CONTEXT_CLAUSE = re.compile(
    r"\b(?:ahead\s+of|in\s+the\s+run[- ]up\s+to|on\s+(?:the\s+)?eve\s+of|as\s+a\s+precursor\s+to|prior\s+to"
    r"|on\s+the\s+(?:sidelines|margins)\s+of"
    r"|(?:a|one|two|three|four|five|six|\d+)\s+(?:days?|weeks?)\s+(?:before|ahead\s+of)"
    r"|hours\s+(?:before|ahead\s+of))"
    # Words of the clause: no clause punctuation, and a full stop only inside a word (2.75) or
    # after an initial (U.S.).
    rf"(?:\s+(?:[^\s,;:!?()\[\].]|\.(?=\w)|(?<=\b[A-Z])\.)+){{1,{CONTEXT_WORDS}}}",
    re.IGNORECASE,
)


def without_context(text: str) -> str:
    """`text` with the clauses that only name another event to place this one in time left out."""
    return _CONTEXT_CLAUSE.sub("", text)


def event_profile(title: str | None, text: str | None, outlet: str | None = None) -> EventProfile:
    title, text = title or "", text or ""
    nfkc_title, title_words, body, body_words = _split(title, text)
    keys, runs, body_terms = _terms_and_runs(nfkc_title, title_words, body, body_words)
    headline = frozenset(title_terms(title))
    context: frozenset[str] = frozenset()
    if _CONTEXT_CLAUSE.search(title) or _CONTEXT_CLAUSE.search(text):
        own_title = without_context(title)
        own = title_terms(own_title) | _key_terms_and_runs(own_title, without_context(text))[0]
        context = (headline | keys) - own
    script = "deva" if _mostly_devanagari(title + " " + text[:2000]) else "latn"
    if script == "deva":
        lead = [word for _, word in _words(unicodedata.normalize("NFKC", title))]
        lead += [word for _, word in _words(unicodedata.normalize("NFKC", text))][:CROSS_LEAD_WORDS]
        words: Iterable[str] = (w for w in lead if is_devanagari(w) and _is_content_word(w))
    else:
        # Hindi writes some names of several words as one (Kuala Lumpur, कुआलालंपुर).
        words = itertools.chain(
            (t for t in headline | keys if not is_devanagari(t) and not _figure(t)),
            ("".join(run) for run in runs if len(run) == 2),
        )
    cross = frozenset(key for word in words for key in cross_keys(word))
    gist = _gist(title_words, body_words)
    people: tuple[frozenset[str], ...] = ()
    opening: frozenset[str] = frozenset()
    acts: frozenset[str] = frozenset()
    day = ""
    if script == "latn":  # a gist, its people, the kinds of happening and its day: English copy only
        end = _first_sentence_end(body, body_words)
        sentence = body[: body_words[end - 1][0] + len(body_words[end - 1][1])] if end else ""
        acts = happenings(without_context(title + "\n" + sentence))
        day = lead_day(without_meeting_named_for_time(without_context(sentence)))
        if gist:
            # Whom the sentence names to place itself in time ("hours before his talks with
            # President Donald Trump") is not whom it says met.
            spans = [match.span() for match in _CONTEXT_CLAUSE.finditer(sentence)]
            own_words = [(at, word) for at, word in body_words[:end] if not any(x <= at < y for x, y in spans)]
            people = tuple(frozenset(_with_cross_keys(name)) for name in _lead_people(own_words))
            opening = frozenset(_with_cross_keys(headline.union(term for index, term in body_terms if index < end)))
    return EventProfile(
        headline,
        frozenset(keys),
        title_sequence(title),
        runs,
        context,
        script,
        cross,
        gist,
        people,
        opening,
        acts,
        day,
        outlet_house(outlet),
        _places(keys, title_words + body_words[:REPEAT_WORDS]),
    )


# Words before a name that say it is where something is or goes: "in Hyderabad", "at Sanand".
_PLACE_CUES = frozenset({"in", "at", "near", "from", "to"})


def _places(keys: AbstractSet[str], words: list[tuple[int, str]]) -> frozenset[str]:
    """The names among `keys` (not figures) that every time `words` write them follow a word of
    _PLACE_CUES, or a name that does ("in New Delhi"): the cities, states and countries where a
    report's happening takes place."""
    cued: dict[str, bool] = {}
    after_cue = False
    for _, word in words:
        term = _stem(word.casefold())
        if term in keys and not _figure(term):
            cued[term] = cued.get(term, True) and after_cue
        else:
            after_cue = word.casefold() in _PLACE_CUES
    return frozenset(term for term, always in cued.items() if always)


def outlet_house(outlet: str | None) -> str:
    """An outlet's name as `EventProfile.house` keeps it: spaces collapsed, casefolded."""
    return " ".join((outlet or "").split()).casefold()


def _gist(title_words: list[tuple[int, str]], body_words: list[tuple[int, str]]) -> frozenset[str]:
    """What a full report (GIST_MIN_WORDS words or more) says happened, in the words that are not
    names: the lowercase content words of its headline and first LEAD_WORDS words ("unveil",
    "maritime", "surveillance", "dark", "ships"; "meets", "sworn", "trade", "pact"), trimmed like
    headline words. Empty for a shorter text, whose every word is its lead, and for a text in a
    script without letter case (Hindi), whose names cannot be told from its other words. Reports of
    one visit name the same people, places and titles, and a long report recaps the visit's other
    developments; what its lead says happened is its own. `title_words` and `body_words` are
    `_split`'s: the headline's, and the text's without boilerplate and dateline."""
    if len(body_words) < GIST_MIN_WORDS:
        return frozenset()
    words = title_words + body_words[:LEAD_WORDS]
    return frozenset(_stem(word) for _, word in words if len(word) > 2 and word.islower() and _is_content_word(word))


def _first_sentence_end(body: str, words: list[tuple[int, str]]) -> int:
    """The number of `words` (of `body`) in its first sentence, at most LEAD_SENTENCE_WORDS: up to
    the first full stop after eight words that does not end an initial ("S. Jaishankar", "Mr.")."""
    for index, (offset, word) in enumerate(words[:LEAD_SENTENCE_WORDS]):
        end = offset + len(word)
        if index >= 8 and body[end : end + 1] == "." and not (len(word) <= 2 and word[0].isupper()):
            return index + 1
    return min(len(words), LEAD_SENTENCE_WORDS)


def _lead_people(words: list[tuple[int, str]]) -> list[tuple[str, ...]]:
    """The people `words` name after a title, each as its name's words, trimmed and casefolded:
    "Prime Minister Narendra Modi" (narendra, modi), "US Secretary of State Antony Blinken"
    (antony, blinken), "Pope Francis" (francis). An office "of the ..." names no one ("Minister of
    the United States"). English copy only: other languages' titles are not in `_TITLES`."""
    people = []
    index, count = 0, len(words)
    while index < count:
        if words[index][1].lower() not in _TITLES:
            index += 1
            continue
        index += 1
        if index + 1 < count and words[index][1] == "of" and words[index + 1][1] == "the":
            index += 2
            while index < count and words[index][1][0].isupper():
                index += 1
            continue
        name: list[str] = []
        while index < count:
            word = words[index][1]
            if word.lower() in _TITLES or word.lower() in _OFFICE:
                if name:
                    break
            elif word[0].isupper():
                name.append(_stem(word.casefold()))
            else:
                break
            index += 1
        if name:
            people.append(tuple(name))
    return people


def _with_cross_keys(words: Iterable[str]) -> set[str]:
    """`words` and their cross keys (`translit.cross_keys`), so Zelenskyy is Zelenskiy and Zelensky."""
    found = set()
    for word in words:
        found.add(word)
        found.update(cross_keys(word))
    return found


def people_conflict(a: EventProfile, b: EventProfile) -> bool:
    """True when the first sentences of two full reports each name LEAD_PEOPLE people or more, and
    each names someone of whom the other's headline and first sentence name no word: Jaishankar's
    talks with Blinken and Modi's meeting with Blinken the same evening, whoever their later
    paragraphs recap. Reports of one meeting open on the same two people."""
    if len(a.people) < LEAD_PEOPLE or len(b.people) < LEAD_PEOPLE:
        return False
    return any(b.lead.isdisjoint(name) for name in a.people) and any(a.lead.isdisjoint(name) for name in b.people)


def gist_conflict(a: EventProfile, b: EventProfile) -> bool:
    """True when two full reports' gists share less than GIST_SHARE of their words (Dice): each
    opens on something else happening, whoever and wherever they name."""
    if not a.gist or not b.gist:
        return False
    return 2 * len(a.gist & b.gist) < GIST_SHARE * (len(a.gist) + len(b.gist))


def day_conflict(a: EventProfile, b: EventProfile) -> bool:
    """True when two leads say their happenings took place on different days of the week
    (`weekdays.days_differ`) and one of them says what kind of happening it was (talks, an award,
    an address, a signing, a visit, a launch): one trip's forum on Thursday and its dialogue on
    Friday; a programme's challenge launched on Monday and its finalists named on Wednesday. Two
    leads that name no kind may tell one event day by day (the earthquake on Friday, the rescue
    on Saturday)."""
    return days_differ(a.day, b.day) and bool((a.acts | b.acts) - {SUMMIT})


_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)$")


def _designations(profile: EventProfile) -> set[str]:
    """The designations of letters and digits a headline names (F414, Mk2, G20, 6G; `translit.code`),
    ordinals (13th) left out."""
    found = {code(word) for word in profile.title}
    return {word for word in found if word and not _ORDINAL.match(word)}


def designation_conflict(a: EventProfile, b: EventProfile) -> bool:
    """True when each headline names a designation of one family (the same letters around other
    digits: F414 and F404, G7 and G20, 5G and 6G) that the other report does not name at all: the
    F414's co-production contract and an F404 overhaul line are two developments of the same
    engine makers, whatever else their reports share. A report naming both is about both."""
    named_a, named_b = _designations(a), _designations(b)
    if not named_a or not named_b:
        return False
    all_a, all_b = {code(term) for term in a.terms}, {code(term) for term in b.terms}
    own_a = {_shape(word) for word in named_a - all_b}
    own_b = {_shape(word) for word in named_b - all_a}
    return not own_a.isdisjoint(own_b)


def _shape(designation: str) -> str:
    return _DIGITS.sub("#", designation)


def _mostly_devanagari(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(1 for c in letters if "\u0900" <= c <= "\u097f") > len(letters) / 2


def profile_to_json(profile: EventProfile) -> dict:
    return {
        "headline": sorted(profile.headline),
        "keys": sorted(profile.keys),
        "title": list(profile.title),
        "runs": [list(run) for run in profile.runs],
        "context": sorted(profile.context),
        "script": profile.script,
        "cross": sorted(profile.cross),
        "gist": sorted(profile.gist),
        "people": [sorted(name) for name in profile.people],
        "lead": sorted(profile.lead),
        "acts": sorted(profile.acts),
        "day": profile.day,
        "house": profile.house,
        "places": sorted(profile.places),
    }


def profile_from_json(data: dict) -> EventProfile:
    # Profiles stored before headlines were kept in order have no "title": no template check; those
    # stored before name runs have no "runs": the other report's runs still group the shared words;
    # those stored before context clauses have no "context": all their terms are their own; those
    # stored before scripts were compared have no "script" (read from the headline) and no "cross"
    # (an English one is then matched through its terms, a Hindi one not at all); those stored
    # before gists have no "gist": no gist check; those stored before lead people have no "people"
    # and no "lead": no people check; those stored before happenings have no "acts", those
    # stored before lead days no "day", and those stored before houses no "house": no such check;
    # those stored before places have no "places": their places count as names like any other.
    return EventProfile(
        frozenset(data["headline"]),
        frozenset(data["keys"]),
        tuple(data.get("title") or ()),
        tuple(tuple(run) for run in data.get("runs") or ()),
        frozenset(data.get("context") or ()),
        data.get("script") or ("deva" if _mostly_devanagari(" ".join(data["headline"])) else "latn"),
        frozenset(data.get("cross") or ()),
        frozenset(data.get("gist") or ()),
        tuple(frozenset(name) for name in data.get("people") or ()),
        frozenset(data.get("lead") or ()),
        frozenset(data.get("acts") or ()),
        data.get("day") or "",
        data.get("house") or "",
        frozenset(data.get("places") or ()),
    )


def title_sequence(title: str) -> tuple[str, ...]:
    """The headline's content words in order, as `title_terms` keeps them."""
    sequence = []
    for _, word in _words(unicodedata.normalize("NFKC", title or "")):
        folded = word.casefold()
        if _is_content_word(folded) or (len(word) > 1 and word.isupper()):
            sequence.append(_stem(folded))
    return tuple(sequence)


class TermWeights:
    """How much sharing a term says about two reports being one event (0..1), from how many of
    `documents` stored reports carry it (`frequency`, a term -> count mapping).

    Only common terms are discounted: a term in at most COMMON_SHARE of the reports weighs 1, one
    in every report 0, logarithmically in between. `smoothing` reports are counted as if they
    lacked the term, so that a young store (a few reports about one event) does not take the
    event's own names for common words; SMOOTHING is low enough that the first crawl of a busy
    few days learns that India and the United States are in every report. Of those imagined
    reports, the shares of `prior` carry its terms (COMMON_TERMS: India, Modi, minister... in
    reports about India and the United States), so that a new store of two reports does not
    take those for what two developments have in common. House-style words of official
    releases and outlets' headlines (readout, fact sheet, video...) weigh little from the start.
    The rules that count shared things against a fixed sum (`MIN_SHARED`, `cross_event_score`,
    `companion_weight`) weigh by `for_sums`, smoothed by SUM_SMOOTHING."""

    __slots__ = ("_cache", "_prior", "_sums", "_zero", "documents", "frequency", "smoothing")

    def __init__(
        self,
        documents: int = 0,
        frequency=None,
        smoothing: int = SMOOTHING,
        zero: frozenset[str] = frozenset(),
        prior: Mapping[str, float] = COMMON_TERMS,
    ) -> None:
        self.documents = documents
        self.frequency = frequency if frequency is not None else {}
        self.smoothing = smoothing
        self._zero = zero
        self._prior = prior
        self._cache: dict[str, float] = dict.fromkeys(zero, 0.0)
        self._sums: TermWeights | None = self if smoothing == SUM_SMOOTHING and not prior else None

    def __call__(self, term: str) -> float:
        weight = self._cache.get(term)
        if weight is None:
            assumed = self.smoothing * self._prior.get(term, 0.0)
            rarity = math.log((self.documents + self.smoothing) / (self.frequency.get(term, 0) + assumed + 1))
            weight = min(1.0, max(0.0, rarity / _COMMON_RARITY))
            if term in HOUSE_STYLE:
                weight *= HOUSE_STYLE_WEIGHT
            self._cache[term] = weight
        return weight

    def total(self, terms: Iterable[str]) -> float:
        return sum(self(term) for term in terms)

    def without(self, terms: Iterable[str]) -> TermWeights:
        """These weights, with `terms` weighing 0."""
        return TermWeights(self.documents, self.frequency, self.smoothing, self._zero.union(terms), self._prior)

    def for_sums(self) -> TermWeights:
        """These weights smoothed by SUM_SMOOTHING, none of the imagined reports carrying a term
        (never lower than these): what the rules that weigh shared things against a fixed sum
        were measured with, where a name weighs about 1 until a store holds a few hundred reports."""
        if self._sums is None:
            self._sums = TermWeights(self.documents, self.frequency, SUM_SMOOTHING, self._zero, {})
        return self._sums

    def distinctive(self, term: str) -> bool:
        return self(term) >= 0.5

    def usual(self, term: str) -> bool:
        """True when the prior lists `term` among the words many such reports carry (COMMON_TERMS)."""
        return term in self._prior


def template_conflict(a: EventProfile, b: EventProfile, weights: TermWeights) -> bool:
    """True when two headlines share only a template: they open with the same TEMPLATE_RUN or more
    content words ("Readout of President Biden's Meeting with Prime Minister ...", "Presidential
    Message on ...", "India, US sign ...") and then each names something of its own, with nothing
    distinctive in common. Different slots in one template are different events, however much the
    rest of the two releases repeats the same boilerplate. Two headlines of one outlet (`house`)
    need less: each slot says more of its own, in distinctive words, than the slots share ("President
    Trump Delivers Largest Drop in Violent Crime ..." and "... Largest Prescription Drug Price Drop
    ..." share "drop"). Different outlets' headlines of one event often open alike ("US Congress
    clears ..."), but one outlet does not headline the same event twice on one opening with
    different slots."""
    x, y = a.title, b.title
    run = 0
    while run < min(len(x), len(y)) and x[run] == y[run]:
        run += 1
    if run < TEMPLATE_RUN:
        return False
    rest_a, rest_b = set(x[run:]), set(y[run:])
    shared = _distinctive_weight(rest_a & rest_b, weights)
    own_a, own_b = _distinctive_weight(rest_a - rest_b, weights), _distinctive_weight(rest_b - rest_a, weights)
    if a.house and a.house == b.house:
        return own_a > shared and own_b > shared
    return own_a > 0 and own_b > 0 and shared == 0


def _distinctive_weight(terms: AbstractSet[str], weights: TermWeights) -> float:
    return sum(weights(term) for term in terms if weights.distinctive(term))


def names_conflict(a: EventProfile, b: EventProfile) -> bool:
    """True when each headline names someone or something, in words its text writes as one name
    ("Elon Musk", "Tulsi Gabbard", "Pope Francis"), of which the other report names no word. Modi
    meeting Musk and Modi meeting Gabbard at Blair House the same day are two developments, however
    much else their reports share: the visit's people, places and titles."""
    return bool(_unshared_headline_names(a, b)) and bool(_unshared_headline_names(b, a))


# Countries a report may name by their initials or short names: "U.S." for the United States.
_COUNTRY_NAMES = {
    "us": ("united", "state", "america"),
    "usa": ("united", "state", "america"),
    "america": ("united", "state"),
    "american": ("united", "state", "america"),
    "uk": ("united", "kingdom", "britain"),
    "britain": ("united", "kingdom"),
    "british": ("united", "kingdom", "britain"),
    "uae": ("united", "arab", "emirate"),
    "eu": ("european", "union"),
}


def _named(terms: frozenset[str]) -> frozenset[str]:
    """`terms` with the words of the full names of the countries they name by initials or short name."""
    extra = [word for term in terms & _COUNTRY_NAMES.keys() for word in _COUNTRY_NAMES[term]]
    return terms.union(extra) if extra else terms


def _unshared_headline_names(a: EventProfile, b: EventProfile) -> list[tuple[str, ...]]:
    """The names of `a`'s text (`runs`) whose last word is in its headline and of which `b` names no
    word, a country counting as named by its initials ("United States", "U.S.")."""
    named = _named(b.terms)
    return [run for run in a.runs if run[-1] in a.headline and named.isdisjoint(run)]


def is_fact_sheet(profile: EventProfile) -> bool:
    """True when the headline opens "Fact Sheet:", a government's summary of an action it
    publishes beside the action's own text."""
    return profile.title[:2] == ("fact", "sheet")


def companion_weight(
    a: EventProfile, b: EventProfile, weights: TermWeights, elsewhere: AbstractSet[str] = frozenset()
) -> float:
    """What a fact sheet and another release of the same outlet (`house`) share that says they are
    one action, 0 for any other pair: the distinctive words (`TermWeights.distinctive`) of the
    action's headline that the fact sheet carries, those of both headlines counting twice. Not
    counted: the fact sheet's subject and verb (the MAX_RUN words after "Fact Sheet:", "President
    Donald J. Trump Launches"), which every fact sheet of the office opens with, titles, and the
    terms of `elsewhere` (what the office's other releases of those days carry: its country, its
    president), which are not the pair's own. A proclamation, order or policy and its fact sheet
    are written for different readers ("Adjusting Imports of Unmanned Aircraft Systems and ...
    Components ...", "... Imposing Tariffs on Drones and Their Parts and Components") and share
    too little for `event_score`; the caller checks that they were published together."""
    if not a.house or a.house != b.house or is_fact_sheet(a) == is_fact_sheet(b):
        return 0.0
    weights = weights.for_sums()
    sheet, action = (a, b) if is_fact_sheet(a) else (b, a)
    subject = set(sheet.title[2 : 2 + MAX_RUN])
    shared = (action.headline & sheet.terms) - subject - _TITLES - (a.context ^ b.context) - elsewhere
    return _distinctive_weight(shared, weights) + _distinctive_weight(shared & sheet.headline, weights)


def event_score(a: EventProfile, b: EventProfile, weights: TermWeights | None = None) -> float:
    """How strongly two reports look like coverage of one event (0..1): the mean of two weighted
    Dice coefficients, headline content words and key terms, each term weighed by `weights`
    (rarity among stored reports). 0 when what they share weighs less than MIN_SHARED (weighed
    by `TermWeights.for_sums`), the words of one name run counting once ("Donald Trump" and "US"
    are two things, not three) and a specific figure (7.7, 825, not a year) counting
    FIGURE_BONUS more than a word, or when none of its names, figures and uncommon words weighs
    RARE_SHARED (`_rare_shared`: India, the United States, a minister and the initiative every
    report of a young store names are the topic, and a pact signed is its usual news, not an
    event), or when their headlines are one template with different slots, or each names
    someone the other does not (`names_conflict`), or both are full reports that open on
    different happenings (`gist_conflict`) or on meetings of different people
    (`people_conflict`), or their leads name kinds of happening that cannot be one
    (`happenings.happenings_differ`: an award and talks, a speech and a signing, talks and a
    signing) or say it took place on different days of the week (`day_conflict`: the forum on
    Thursday, the dialogue on Friday), or their headlines name designations of one family that
    the other report lacks (`designation_conflict`: F414 and F404). A term one report names only
    as its context ("ahead of the 2+2 dialogue") and the other as its own is not shared. An
    English and a Hindi report are compared by `cross_event_score` instead. Compare with
    `STORY_THRESHOLD`."""
    weights = weights or TermWeights()
    if a.script != b.script:
        return cross_event_score(*((a, b) if b.script == "deva" else (b, a)), weights)
    # What one report names as its context and the other as its subject says nothing of them being
    # one event: the meet "ahead of the 2+2 dialogue" and the dialogue itself share those words.
    unlike = a.context ^ b.context
    shared = (a.terms & b.terms) - unlike
    sums = weights.for_sums()
    weight = _run_weight(shared, sums, a.runs + b.runs) + _figure_bonus(shared, sums)
    if (
        weight < MIN_SHARED
        or not _rare_shared(shared - (a.places & b.places), a.keys & b.keys, weights)
        or template_conflict(a, b, weights)
        or names_conflict(a, b)
        or gist_conflict(a, b)
        or people_conflict(a, b)
        or happenings_differ(a.acts, b.acts)
        or day_conflict(a, b)
        or designation_conflict(a, b)
    ):
        return 0.0
    return (
        _weighted_dice(a.headline, b.headline, weights, unlike) + _weighted_dice(a.keys, b.keys, weights, unlike)
    ) / 2


def _rare_shared(shared: AbstractSet[str], named: AbstractSet[str], weights: TermWeights) -> bool:
    """True when one of the `shared` terms weighs RARE_SHARED or more and is either a name or
    figure both reports carry as a key term (`named`) or a word the prior does not list as common
    in such reports (`TermWeights.usual`): two reports that "sign" a "pact" under one initiative
    share its frame and a verb, two that announce "reciprocal" tariffs share their subject. The
    caller leaves out the places both write only as places (`EventProfile.places`): two deals in
    Hyderabad share a city."""
    return any(weights(term) >= RARE_SHARED for term in shared if term in named or not weights.usual(term))


def cross_event_score(latin: EventProfile, deva: EventProfile, weights: TermWeights | None = None) -> float:
    """`event_score` of an English (Latin-script) and a Hindi report: the names, places and
    borrowed words of the English report found in the Hindi report's headline and lead by their
    consonant skeletons (Micron, माइक्रोन; a two-word name also written as one, Kuala Lumpur and
    कुआलालंपुर) or spelt-out letters (HAL, एचएएल; G20, जी20), with the figures and Latin-script
    words both carry. The score is the share of the English report's terms that have a skeleton
    (weighed by rarity) that the Hindi report carries; 0 unless what they share weighs
    CROSS_MIN_SHARED things (a name in several words counting once, a specific figure
    FIGURE_BONUS more), or CROSS_FEW_SHARED when the score is CROSS_FEW_SCORE or more (short
    reports name few things). Weighed by `TermWeights.for_sums`."""
    weights = (weights or TermWeights()).for_sums()
    shared, matchable, figures = _cross_shared(latin, deva)
    weight = _run_weight(shared, weights, latin.runs) + _figure_bonus(shared, weights)
    if weight < CROSS_FEW_SHARED:
        return 0.0
    told = weights.total(matchable | figures | shared)
    score = weights.total(shared) / told if told else 0.0
    return score if weight >= CROSS_MIN_SHARED or score >= CROSS_FEW_SCORE else 0.0


def _cross_shared(latin: EventProfile, deva: EventProfile) -> tuple[AbstractSet[str], set[str], set[str]]:
    """The English report's terms the Hindi report carries (by skeleton, letters or as they are),
    those of its terms that have a skeleton, and its figures (`cross_event_score`)."""
    names: dict[str, tuple[str, ...]] = {}
    matchable = set()  # terms with a skeleton; any short word has acronym letters, which only count when found
    own = latin.terms - latin.context
    for term in sorted(own):
        if not _figure(term) and not is_devanagari(term):
            for key in cross_keys(term):
                names.setdefault(key, (term,))
                if not key.startswith(ACRONYM):
                    matchable.add(term)
    for run in latin.runs:
        if len(run) == 2 and own.issuperset(run):
            joined = skeleton("".join(run))
            if joined in deva.cross:
                names.setdefault(joined, run)
    figures = {t for t in own if _figure(t)}
    shared = ((latin.terms & deva.terms) - latin.context - deva.context).union(
        *(names[key] for key in names.keys() & deva.cross)
    )
    return shared, matchable, figures


def shared_terms(a: EventProfile, b: EventProfile) -> AbstractSet[str]:
    """What two reports share, as `event_score` counts it: their common terms but those one names
    only as its context; of an English and a Hindi report, the English report's terms the Hindi
    report carries (`cross_event_score`)."""
    if a.script != b.script:
        return _cross_shared(*((a, b) if b.script == "deva" else (b, a)))[0]
    return (a.terms & b.terms) - (a.context ^ b.context)


def _figure(term: str) -> bool:
    """A number ("2.75", "5000"), as against a designation that starts with one ("9b")."""
    return term[0].isdigit() and code(term) is None


class EventIndex:
    """Event profiles of recent reports by key, with an inverted index of their terms, so that
    finding the best match for a new report costs the postings of its own (not too common) terms
    rather than a comparison with every recent report."""

    def __init__(self) -> None:
        self.profiles: dict[Hashable, EventProfile] = {}
        self._postings: dict[str, set] = {}
        self._cross: dict[str, dict[str, set]] = {}  # script -> cross-script key -> keys

    def __contains__(self, key: Hashable) -> bool:
        return key in self.profiles

    def __len__(self) -> int:
        return len(self.profiles)

    def add(self, key: Hashable, profile: EventProfile) -> None:
        if key in self.profiles:
            self.remove(key)
        self.profiles[key] = profile
        for term in profile.terms:
            self._postings.setdefault(term, set()).add(key)
        cross = self._cross.setdefault(profile.script, {})
        for found in profile.cross:
            cross.setdefault(found, set()).add(key)

    def remove(self, key: Hashable) -> None:
        profile = self.profiles.pop(key, None)
        if profile is None:
            return
        for postings, terms in ((self._postings, profile.terms), (self._cross.get(profile.script, {}), profile.cross)):
            for term in terms:
                keys = postings.get(term)
                if keys is not None:
                    keys.discard(key)
                    if not keys:
                        del postings[term]

    def best(
        self,
        profile: EventProfile,
        among: Iterable[Hashable],
        threshold: float = STORY_THRESHOLD,
        weights: TermWeights | None = None,
    ) -> tuple[Hashable, float] | None:
        """The key among `among` (indexed ones only) whose profile has the highest `event_score`
        with `profile`, at or above `threshold`, and that score; the first of equals in `among`'s
        order wins; None if none reaches the threshold."""
        weights = weights or TermWeights()
        # Only keys sharing enough weight can score: a term of weight 0 (in nearly every report)
        # never adds to what two reports share, so its postings are not walked. Summed by the
        # weights MIN_SHARED and CROSS_FEW_SHARED are measured with (`TermWeights.for_sums`).
        sums = weights.for_sums()
        shared: Counter = Counter()
        for term in profile.terms:
            weight = sums(term)
            if weight > 0:
                if _specific_figure(term):
                    weight *= 1 + FIGURE_BONUS
                for key in self._postings.get(term, ()):
                    shared[key] += weight  # type: ignore[assignment]  # a Counter sums floats too
        # Reports in the other script share names only through their skeletons (one each, as an
        # upper bound of its weight).
        other = "latn" if profile.script == "deva" else "deva"
        cross: Counter = Counter()
        postings = self._cross.get(other, {})
        for found in profile.cross if postings else ():
            for key in postings.get(found, ()):
                cross[key] += 1
        best: tuple[Hashable, float] | None = None
        for key in among:
            if key in cross or (key in self.profiles and self.profiles[key].script != profile.script):
                if shared.get(key, 0.0) + cross.get(key, 0) < CROSS_FEW_SHARED:
                    continue
            elif shared.get(key, 0.0) < MIN_SHARED:
                continue
            score = event_score(profile, self.profiles[key], weights)
            if score >= threshold and (best is None or score > best[1]):
                best = (key, score)
        return best


def same_event(title_a: str, text_a: str, title_b: str, text_b: str, weights: TermWeights | None = None) -> float:
    """`event_score` of two reports given as title and text."""
    return event_score(
        _event_profile(title_a or "", text_a or ""), _event_profile(title_b or "", text_b or ""), weights
    )


@lru_cache(maxsize=1024)
def _event_profile(title: str, text: str) -> EventProfile:
    # Cached: a new article is scored against the same recent articles over and over.
    return event_profile(title, text)


def _weighted_dice(
    a: frozenset[str], b: frozenset[str], weights: TermWeights, unlike: AbstractSet[str] = frozenset()
) -> float:
    total = weights.total(a) + weights.total(b)
    if not total:
        return 0.0
    return 2 * weights.total((a & b) - unlike) / total


def _specific_figure(term: str) -> bool:
    """A number that says which event it is (a magnitude of 7.7, $825 million, a 29.24% turnout),
    not a year or a count of one or two digits."""
    return _SPECIFIC_FIGURE.match(term) is not None and _YEAR.match(term) is None


def _figure_bonus(shared: AbstractSet[str], weights: TermWeights) -> float:
    """What the specific figures two reports share add to their weight as shared things: two
    reports of one earthquake share its place and its magnitude, and little else in a short item."""
    return FIGURE_BONUS * sum(weights(term) for term in shared if term[0].isdigit() and _specific_figure(term))


def _run_weight(terms: AbstractSet[str], weights: TermWeights, runs: tuple[tuple[str, ...], ...]) -> float:
    """The weight of `terms`, the words of a name run among them weighing as one (the heaviest);
    runs sharing a word among `terms` merge."""
    parent: dict[str, str] = {}

    def root(term: str) -> str:
        while parent.get(term, term) != term:
            term = parent[term]
        return term

    for run in runs:
        inside = [term for term in run if term in terms]
        for term in inside[1:]:
            first, other = root(inside[0]), root(term)
            if first != other:
                parent[other] = first
    if not parent:
        return weights.total(terms)
    heaviest: dict[str, float] = {}
    for term in terms:
        group = root(term)
        heaviest[group] = max(heaviest.get(group, 0.0), weights(term))
    return sum(heaviest.values())


def _words(text: str) -> list[tuple[int, str]]:
    """(offset, word) pairs of an NFKC text. A word is a run of letters, digits and combining
    marks (so Devanagari words stay whole); "5,000" and "1.5" stay one number; "U.S." is "US"."""
    words: list[tuple[int, str]] = []
    append = words.append
    text = _FORMAT.sub(r"\1p\2", text) if "+" in text else text  # "2+2" -> "2p2", as long
    for match in _TOKEN.finditer(text.translate(_TOKEN_CHARS)):
        word = match.group().strip(".,'’")
        if not word:
            continue
        if "," not in word and "." not in word and "'" not in word and "’" not in word:
            append((match.start(), word))  # the common case: nothing to split or trim
            continue
        if word[0].isdigit() and _NUMBER.match(word):
            append((match.start(), word.replace(",", "")))
            continue
        for part in word.split(","):
            if "." in part:
                part = _INNER_DOT.sub("", part)
            part = part.strip(".'’")
            if part:
                append((match.start(), part))
    return words


def written_as(names: Iterable[tuple[str, ...]], *texts: str | None) -> dict[tuple[str, ...], str]:
    """How `texts` first write each of `names`, runs of event terms (a term is a stemmed, folded
    word: "dalla" is written "Dallas", "2p2" "2+2"; ("pentagon", "defense") "Pentagon's Defense");
    a name they never write in a row is left out."""
    wanted, found = set(names), {}
    longest = max((len(name) for name in wanted), default=0)
    for text in texts:
        if not text:
            continue
        text = unicodedata.normalize("NFKC", text)
        words = _words(text)
        terms = [_stem(word.casefold()) for _, word in words]
        for start in range(len(words)):
            for size in range(1, min(longest, len(words) - start) + 1):
                name = tuple(terms[start : start + size])
                if name in wanted and name not in found:
                    (offset, _), (last, word) = words[start], words[start + size - 1]
                    written = text[offset : _written_end(text, last, word)]
                    found[name] = written[:-2] if written.endswith(("'s", "’s")) else written
    return found


def _written_end(text: str, start: int, word: str) -> int:
    """Where the word `_words` read as `word` at `start` ends in `text`: "91,000" is read "91000",
    "U.S." "US", and the text's own spelling is longer."""
    end = start + len(word)
    if text[start:end] == word:
        return end
    end = start
    while end < len(text) and text[end] != " " and text[end : end + 1].translate(_TOKEN_CHARS) != " ":
        end += 1
    while end > start:  # the sentence's full stop and commas are not the word's; "U.S." keeps its last dot
        last = text[end - 1]
        if last not in ",'’" and not (last == "." and text[start:end].count(".") == 1):
            break
        end -= 1
    return end


def _is_content_word(word: str) -> bool:
    if word in _STOPWORDS or word in _HINDI_STOPWORDS:
        return False
    return len(word) > 1 or word.isdigit()


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    for suffix in ("'s", "’s"):
        if word.endswith(suffix):
            word = word[: -len(suffix)]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _opens_sentence(text: str, offset: int) -> bool:
    before = text[max(0, offset - 8) : offset]
    kept = before.rstrip()
    return not kept or kept[-1] in _SENTENCE_ENDS or "\n" in before[len(kept) :]


def _capitalised_inside_sentences(text: str, words: list[tuple[int, str]]) -> set[str]:
    """Terms the text writes capitalised where no sentence opens: names ("... said Sullivan")."""
    return {
        _stem(word.casefold())
        for offset, word in words
        if word.lower() != word and not word[0].isdigit() and not _opens_sentence(text, offset)
    }


def _names_and_figures(
    text: str, words: list[tuple[int, str]], lowercase: set[str], named: AbstractSet[str] = frozenset()
) -> list[tuple[int, str]]:
    """(word index, term) of the numbers (not years) and names among `words` of `text`. A
    capitalised word opening a sentence is a name only if the document writes it capitalised
    somewhere no sentence opens ("India" yes; "Officials said" no, unless the text has "US
    Officials" too) and never in lower case ("The" no)."""
    terms = []
    for index, (offset, word) in enumerate(words):
        if _FORMAT_TERM.match(word):  # a meeting format that names the meeting: the 2+2 dialogue
            terms.append((index, word))
            continue
        if word[0].isdigit() and _NUMBER.match(word):
            if len(word) >= 2 and not _YEAR.match(word):
                terms.append((index, word))
            continue
        if word.lower() == word:  # no capital letter in it
            continue
        term = _stem(word.casefold())
        if _opens_sentence(text, offset) and word[1:].lower() == word[1:] and (term in lowercase or term not in named):
            continue
        if len(term) > 1 and term not in _COMMON_CAPITALISED:
            terms.append((index, term))
    return terms
