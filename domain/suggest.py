"""Words and names a topic's query is missing: what keeps appearing in the articles it matched,
or matched only weakly, and neither in the query nor much elsewhere in the news.

A topic follows a subject whose vocabulary moves: iCET became TRUST, then came the COMPACT and
Pax Silica. The first reports of a new name usually still match on older words, or just miss;
this module lists the new names early, with how often they appear and an example, so that a
user can add them to the query before the topic goes blind to them.

The articles of a window are put in three groups, each judged with the topic as configured now:

* matched: the topic's score reaches its min_score;
* weak: the query matches but the score stays below min_score (a passing mention), or the
  article is flagged by another topic that shares a tag with this one (any other topic when
  this one has no tags): coverage of the same subject the topic itself does not reach;
* elsewhere: everything else, the background that makes a word distinctive.

Candidates are words and runs of two or three words inside one sentence, not starting or ending
with a stopword, a bare number or a word the query already names, in at least `min_articles`
matched or weak articles. A candidate is distinctive when its share of the matched and weak
articles is at least twice its share elsewhere; suggestions are ranked by
`articles x log2(that ratio) x name weight`, where the weight is 3 for an acronym or a word with
digits as usually written (COMPACT, NISAR, F414), 2 for capitalised words (Pax Silica) and 1
otherwise (Devanagari has no capitals: its words weigh 1). A shorter candidate inside a longer
one found in at least 80% as many articles ("Silica" in "Pax Silica") is not listed separately.

Pure: no database, no configuration. The caller reads the articles and passes them in.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from newswatch.domain.matching import CompiledTopic, document_score
from newswatch.domain.query import Document, normalise_text, query_vocabulary, sentences

MAX_WORDS = 3  # longest run of words suggested
MIN_RATIO = 2.0  # share among matched+weak articles over the share elsewhere
CONTAINED = 0.8  # a run inside a longer one found in this share of its articles is not listed
SNIPPET_CHARS = 120

# Function words of English and Hindi, and words every news report uses: never a suggestion on
# their own, nor at either end of one.
STOPWORDS = frozenset(
    """a an the and or but nor of in on at to for from by with without as into onto over under
    about after before against between among through during since until up down out off is are was
    were be been being am has have had do does did will would shall should can could may might must
    not no it its this that these those there here he she they we you i him her them us me my our
    your their his what which who whom whose when where why how all any both each few more most
    other some such only own same so than too very just also says said say told tell amid via vs
    new s t now get gets got one two three first last year years month months week weeks day days
    today yesterday tomorrow monday tuesday wednesday thursday friday saturday sunday january
    february march april may june july august september october november december mr mrs ms dr
    per cent percent according including include includes like well while next time part make
    made many much even still already however set based
    का की के को में से ने पर और है हैं था थी थे हो होगा होगी होंगे होने किया किए कि गया गई गए हुआ
    हुई हुए रहा रही रहे लिए एक यह वह ये वे भी तो ही तक कर करने करेगा करेगी करेंगे करना करें बाद साथ
    बीच अब तथा एवं या कहा बोले बोलीं नहीं जो जिस जिसमें जिसे इस उस इसके उसके अपने अपनी अपना क्या
    कैसे क्यों वाले वाली वाला द्वारा बारे लेकर दिया दी दिए नए नई नया साल""".split()
)


@dataclass(frozen=True)
class ArticleText:
    """What suggestions are made from: one stored article (an original, not a copy)."""

    id: int
    title: str
    text: str


@dataclass(frozen=True)
class Example:
    id: int
    title: str
    snippet: str


@dataclass(frozen=True)
class Suggestion:
    """A word or name to consider adding to the topic's query."""

    term: str  # as most often written: "COMPACT", "Pax Silica", "पैक्स सिलिका"
    matched: int  # matched articles it appears in
    weak: int  # weakly matched articles it appears in
    elsewhere: int  # other articles of the window it appears in
    score: float
    example: Example  # the newest matched or weak article it appears in

    def to_dict(self) -> dict:
        return {
            "term": self.term,
            "matched": self.matched,
            "weak": self.weak,
            "elsewhere": self.elsewhere,
            "score": round(self.score, 3),
            "example": {"id": self.example.id, "title": self.example.title, "snippet": self.example.snippet},
        }


@dataclass(frozen=True)
class Groups:
    matched: list[ArticleText]
    weak: list[ArticleText]
    elsewhere: list[ArticleText]


def group_articles(articles: Sequence[ArticleText], topic: CompiledTopic, others: Sequence[CompiledTopic]) -> Groups:
    """Matched, weakly matched and other articles for `topic`, as the module docstring says.
    `others` are the other configured topics; order is kept (newest first, say)."""
    tags = set(topic.spec.tags)
    related = [t for t in others if t.name != topic.name and (not tags or tags & set(t.spec.tags))]
    groups = Groups([], [], [])
    for article in articles:
        doc = Document(article.title, article.text)
        score = document_score(doc, topic)
        if score is not None and score >= topic.spec.min_score:
            groups.matched.append(article)
        elif (score is not None and score > 0) or any(_flags(doc, t) for t in related):
            groups.weak.append(article)
        else:
            groups.elsewhere.append(article)
    return groups


def _flags(doc: Document, topic: CompiledTopic) -> bool:
    score = document_score(doc, topic)
    return score is not None and score >= topic.spec.min_score


def suggest(topic: CompiledTopic, groups: Groups, limit: int = 20, min_articles: int = 2) -> list[Suggestion]:
    """Up to `limit` suggestions for `topic`, best first (see the module docstring)."""
    vocabulary = query_vocabulary(topic.query)
    target = [(a, True) for a in groups.matched] + [(a, False) for a in groups.weak]
    matched_df: Counter[tuple[str, ...]] = Counter()
    weak_df: Counter[tuple[str, ...]] = Counter()
    written: dict[tuple[str, ...], Counter[str]] = {}
    examples: dict[tuple[str, ...], tuple[ArticleText, str]] = {}
    for article, is_matched in sorted(target, key=lambda pair: -pair[0].id):
        seen: set[tuple[str, ...]] = set()
        for sentence in _sentences(article):
            for keys, surface in _candidates(sentence, vocabulary):
                written.setdefault(keys, Counter())[surface] += 1
                if keys not in seen:
                    seen.add(keys)
                    if keys not in examples:
                        examples[keys] = (article, surface)
        (matched_df if is_matched else weak_df).update(seen)
    candidates = {k for k in written if matched_df[k] + weak_df[k] >= min_articles}
    elsewhere_df: Counter[tuple[str, ...]] = Counter()
    for article in groups.elsewhere:
        found = {g for sentence in _sentences(article) for g in _ngrams(sentence) if g in candidates}
        elsewhere_df.update(found)
    n_target, n_elsewhere = len(target), len(groups.elsewhere)
    scored = []
    for keys in candidates:
        articles = matched_df[keys] + weak_df[keys]
        ratio = (articles / n_target) / ((elsewhere_df[keys] + 0.5) / (n_elsewhere + 1))
        if ratio >= MIN_RATIO:
            weight = _name_weight(written[keys].most_common(1)[0][0])
            scored.append((articles * math.log2(ratio) * weight, keys))
    kept = _drop_contained(scored, matched_df, weak_df)
    kept.sort(key=lambda pair: (-pair[0], pair[1]))
    return [
        Suggestion(
            term=written[keys].most_common(1)[0][0],
            matched=matched_df[keys],
            weak=weak_df[keys],
            elsewhere=elsewhere_df[keys],
            score=score,
            example=_example(*examples[keys]),
        )
        for score, keys in kept[:limit]
    ]


def _sentences(article: ArticleText) -> list[list[tuple[str, str]]]:
    return sentences(article.title) + sentences(article.text)


def _name_weight(written: str) -> float:
    words = written.split()
    if any(sum(c.isupper() for c in w) >= 2 or (any(c.isdigit() for c in w) and not w.isdigit()) for w in words):
        return 3.0
    if all(w[:1].isupper() for w in words):
        return 2.0
    return 1.0


def _usable(key: str) -> bool:
    return len(key) > 1 and key not in STOPWORDS and not key.isdigit()


def _ngrams(sentence: list[tuple[str, str]]):
    for i in range(len(sentence)):
        for n in range(1, MAX_WORDS + 1):
            if i + n <= len(sentence):
                yield tuple(key for key, _ in sentence[i : i + n])


def _candidates(sentence: list[tuple[str, str]], vocabulary):
    """(keys, written form) of the runs of words in a sentence that could be suggested."""
    for i in range(len(sentence)):
        first = sentence[i][0]
        if not _usable(first) or vocabulary.names(first):
            continue
        for n in range(1, MAX_WORDS + 1):
            if i + n > len(sentence):
                break
            last = sentence[i + n - 1][0]
            if not _usable(last) or vocabulary.names(last):
                continue
            run = sentence[i : i + n]
            keys = tuple(key for key, _ in run)
            if not vocabulary.names_phrase(keys):
                yield keys, " ".join(surface for _, surface in run)


def _drop_contained(scored, matched_df, weak_df):
    """Leave out a candidate inside a longer kept one found in nearly as many articles."""
    kept: list[tuple[float, tuple[str, ...]]] = []
    inside: dict[tuple[str, ...], int] = {}  # run -> most articles of a kept longer run holding it
    for score, keys in sorted(scored, key=lambda pair: -len(pair[1])):
        articles = matched_df[keys] + weak_df[keys]
        if inside.get(keys, 0) >= CONTAINED * articles:
            continue
        kept.append((score, keys))
        for i in range(len(keys)):
            for j in range(i + 1, len(keys) + 1):
                if j - i < len(keys):
                    run = keys[i:j]
                    inside[run] = max(inside.get(run, 0), articles)
    return kept


def _example(article: ArticleText, written: str) -> Example:
    """The article, with about SNIPPET_CHARS characters of its own text around the words."""
    pattern = re.compile(r"(?<!\w)" + r"\W+".join(re.escape(w) for w in written.split()) + r"(?!\w)", re.IGNORECASE)
    for field in (article.title, article.text):
        text = " ".join(normalise_text(field).split())
        found = pattern.search(text)
        if found:
            return Example(article.id, article.title, _around(text, found.start(), found.end()))
    return Example(article.id, article.title, written)


def _around(text: str, start: int, end: int) -> str:
    if len(text) <= SNIPPET_CHARS:
        return text
    a = max(0, min(start - (SNIPPET_CHARS - (end - start)) // 2, len(text) - SNIPPET_CHARS))
    b = a + SNIPPET_CHARS
    if a > 0:
        a = text.find(" ", a, start) + 1 or a
    if b < len(text):
        b = text.rfind(" ", end, b) if text.rfind(" ", end, b) != -1 else b
    return ("\u2026" if a > 0 else "") + text[a:b].strip() + ("\u2026" if b < len(text) else "")
