"""Benchmark: articles per second through `match()` over 50 topics, on one core.

Texts: ~2000 article-sized texts (about 600 words each) from word-level Markov chains. A
*topical* article comes from a chain trained on tests/labelled/icet.jsonl: every sentence is
about India, the US, technology, exams, cricket or tariffs, so the topics' words are everywhere
(the icet topic matches about half of them). A *general* article comes from a chain trained on
the real articles of the shared corpus (bench/corpus.py, read at run time, never
copied; the labelled negatives stand in when it is missing).

Topics: the two built-ins plus 48 generated queries of realistic complexity (OR-lists, AND,
NOT, phrases, prefixes, exact case, NEAR, field scopes, WITH/EXCEPT), built from the labelled
set's content words (names, technologies: words that are rare in it), or, for the stress
workload, from any of its words.

Workloads: `mixed` (headline: 20% topical, 80% general articles), `topical` (all topical) and
`stress` (all topical, common-word topics). Each is timed against a baseline measured in the
same run: lowercasing and regex-tokenising every article once. Times are process CPU time, the
best of --repeat runs, so other processes on the machine do not count. Results go to
bench/results/matching.json.

Run: python bench/bench_matching.py [--articles 2000] [--repeat 3] [--topics FILE]

`--topics FILE` takes the two built-in topics from a Python file defining BUILTIN_TOPICS (an older
domain/topics.py, say). `--compare FILE` times only the built-in topics, the current ones and
those of FILE, on the same texts, alternating A, B, A, B... so that the machine's drift during
the run falls on both alike; it prints each one's articles per second and their ratio.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import os
import platform
import random
import re
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import corpus  # noqa: E402
from newswatch.domain.items import Article, TopicSpec  # noqa: E402
from newswatch.domain.matching import compile_topics, match  # noqa: E402

LABELLED = ROOT / "tests" / "labelled" / "icet.jsonl"
SHARED_CORPUS = corpus.PAGES
TOPICAL_SHARE = 0.2
RESULTS = ROOT / "bench" / "results" / "matching.json"
_WORD = re.compile(r"\w+|[.,;:!?]")


def load_corpus(negatives_only: bool = False) -> list[str]:
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row["title"] + ". " + row["text"] for row in rows if not (negatives_only and row["label"])]


def load_general() -> tuple[list[str], str]:
    """Real news articles on every subject, and where they came from."""
    texts = []
    for path in sorted(SHARED_CORPUS.glob("*.json")):
        page = json.loads(path.read_text(encoding="utf-8"))
        if page.get("articleBody"):
            texts.append(f"{page.get('title') or ''}. {page['articleBody']}")
    if texts:
        return texts, str(SHARED_CORPUS)
    return load_corpus(negatives_only=True), "labelled negatives (shared corpus not found)"


def markov_chain(texts: list[str]) -> dict[str, list[str]]:
    chain: dict[str, list[str]] = {}
    for text in texts:
        tokens = _WORD.findall(text)
        for a, b in itertools.pairwise(tokens):
            chain.setdefault(a, []).append(b)
    return chain


def generate_text(chain: dict[str, list[str]], starts: list[str], words: int, rng: random.Random) -> str:
    out: list[str] = []
    token = rng.choice(starts)
    count = 0
    while count < words:
        out.append(token)
        if token[0].isalnum():
            count += 1
        followers = chain.get(token)
        token = rng.choice(followers) if followers else rng.choice(starts)
    text = " ".join(out)
    return re.sub(r" ([.,;:!?])", r"\1", text)


def generate_articles(n: int, rng: random.Random, texts: list[str] | None = None) -> list[Article]:
    chain = markov_chain(texts if texts is not None else load_corpus())
    starts = [w for w in chain if w[:1].isupper()]
    now = datetime.now(UTC)
    articles = []
    for i in range(n):
        title = generate_text(chain, starts, rng.randint(8, 14), rng).rstrip(".,;:!?")
        text = generate_text(chain, starts, rng.randint(500, 700), rng)
        articles.append(
            Article(
                url=f"https://example.org/{i}",
                canonical_url=f"https://example.org/{i}",
                source="bench",
                title=title,
                text=text,
                fetched_at=now,
            )
        )
    return articles


_STOPWORDS = frozenset(
    "about above after again against along also among another because been before being below between both"
    " cannot could during each every first from further have having here into itself last later many more"
    " most much must next only other over said same says several should since some such than that their"
    " them then there these they this those through under until upon very were what when where which while"
    " will with within would year years".split()
)


def topic_vocabulary(common: bool, general: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Words, names and two-word phrases for generated topics. Realistic topics name things
    (people, organisations, technologies): words of the labelled set that general news rarely
    uses. `common` picks from every word instead, which makes nearly every topic match nearly
    every text."""
    texts = load_corpus()
    counts: Counter[str] = Counter(w for text in texts for w in re.findall(r"[A-Za-z][A-Za-z0-9]+", text))
    everyday = Counter(w.lower() for text in general for w in re.findall(r"[A-Za-z][A-Za-z0-9]+", text))
    usable = [w for w in counts if len(w) >= 4 and w.lower() not in _STOPWORDS and (common or everyday[w.lower()] <= 1)]
    words = sorted(w for w in usable if w[0].islower())
    names = sorted(w for w in usable if w[0].isupper())
    allowed = set(usable)
    phrases = sorted(
        {
            f"{a} {b}"
            for text in texts
            for a, b in zip(re.findall(r"[A-Za-z][A-Za-z0-9]+", text), re.findall(r"[A-Za-z][A-Za-z0-9]+", text)[1:])
            if a in allowed and b in allowed
        }
    )
    return words, names, phrases


def generate_topics(n: int, rng: random.Random, common: bool = False) -> list[TopicSpec]:
    """n queries mixing every construct of the language: OR-lists, AND, NOT, phrases, prefixes,
    exact case, NEAR, field scopes, WITH/EXCEPT."""
    words, names, phrases = topic_vocabulary(common, load_general()[0])

    def term() -> str:
        roll = rng.random()
        if roll < 0.2:
            return f'"{rng.choice(phrases)}"'
        if roll < 0.3:
            return rng.choice(words)[: rng.randint(5, 7)] + "*"
        if roll < 0.4:
            return "=" + rng.choice(names)
        return rng.choice(words + names)

    def any_of(k: int) -> str:
        return "(" + " OR ".join(term() for _ in range(k)) + ")"

    shapes = [
        lambda: f"{any_of(rng.randint(4, 10))} AND {any_of(rng.randint(3, 8))}",
        lambda: f"{any_of(rng.randint(3, 6))} NEAR/{rng.randint(3, 15)} {any_of(rng.randint(3, 6))}",
        lambda: f"title:{any_of(rng.randint(2, 5))} OR ({any_of(4)} AND {any_of(4)})",
        lambda: (
            f"{term()} WITH({', '.join(term() for _ in range(5))}, within={rng.randint(5, 30)})"
            f" EXCEPT({', '.join(term() for _ in range(3))}) OR {any_of(6)}"
        ),
        lambda: f'({any_of(rng.randint(5, 12))} NOT {any_of(3)}) OR "{rng.choice(phrases)}"',
        lambda: f"({any_of(3)} NEAR/5 {any_of(3)}) NEAR/20 {any_of(5)} NOT title:{term()}",
    ]
    return [TopicSpec(name=f"generated-{i}", query=rng.choice(shapes)()) for i in range(n)]


def builtin_topics(path: str | None) -> tuple[TopicSpec, ...]:
    """The built-in topics, or those of an older topics module given as a file."""
    if path is None:
        from newswatch.domain.topics import BUILTIN_TOPICS

        return BUILTIN_TOPICS
    spec = importlib.util.spec_from_file_location("topics_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.BUILTIN_TOPICS


def best_of(repeat: int, fn) -> float:
    """Fastest of `repeat` runs in process CPU time: the work of one core, not disturbed by
    other processes sharing the machine."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def compare(old_file: str, repeat: int, articles: dict[str, list[Article]]) -> dict:
    """The current built-in topics against those of `old_file`, interleaved, per workload."""
    current = compile_topics(builtin_topics(None))
    old = compile_topics(builtin_topics(old_file))
    result: dict = {"compared_with": old_file}
    for name, texts in articles.items():
        seconds = {"current": float("inf"), "old": float("inf")}
        for _ in range(repeat):
            for label, topics in (("old", old), ("current", current)):
                start = time.process_time()
                for a in texts:
                    match(a, topics)
                seconds[label] = min(seconds[label], time.process_time() - start)
        rates = {label: round(len(texts) / s, 1) for label, s in seconds.items()}
        result[name] = {
            **{f"{k}_articles_per_second": v for k, v in rates.items()},
            "current_time_vs_old": round(seconds["current"] / seconds["old"], 3),
        }
        print(
            f"{name:8s} built-in topics: current {rates['current']:8.1f}/s, old {rates['old']:8.1f}/s,"
            f" current takes {seconds['current'] / seconds['old']:.2f}x the old time"
        )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--topics", help="a Python file defining BUILTIN_TOPICS (default: the built-in ones)")
    parser.add_argument("--compare", metavar="FILE", help="time the built-in topics against those of FILE")
    args = parser.parse_args()
    builtin = builtin_topics(args.topics)

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as promised

    rng = random.Random(args.seed)
    topical = generate_articles(args.articles, rng)
    general_texts, general_source = load_general()
    general = generate_articles(args.articles, rng, general_texts)
    mixed = [topical[i] if rng.random() < TOPICAL_SHARE else general[i] for i in range(args.articles)]
    if args.compare:
        result = compare(args.compare, args.repeat, {"mixed": mixed, "topical": topical})
        out = RESULTS.with_name("matching_compare.json")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"written to {out.relative_to(ROOT)}")
        return
    realistic_topics = list(builtin) + generate_topics(48, random.Random(args.seed + 1))
    common_topics = list(builtin) + generate_topics(48, random.Random(args.seed + 1), common=True)
    workloads = {
        "mixed": (mixed, realistic_topics),
        "topical": (topical, realistic_topics),
        "stress": (topical, common_topics),
    }
    words = sum(len(a.text.split()) for a in mixed) / len(mixed)

    token = re.compile(r"\w+")
    result: dict = {
        "articles": args.articles,
        "mean_words_per_article": round(words, 1),
        "topics": 50,
        "builtin_topics_from": args.topics or "newswatch.domain.topics",
        "general_articles_from": general_source,
        "topical_share_in_mixed": TOPICAL_SHARE,
        "clock": "process CPU time, one core, best of repeats",
        "baseline": "lowercase + regex-tokenise each article once",
        "target_articles_per_second": 1000,
    }
    print(f"{args.articles} articles of ~{words:.0f} words, 50 topics, one core (CPU time, best of {args.repeat})")
    print(f"general articles from {general_source}")
    for name, (articles, specs) in workloads.items():
        topics = compile_topics(specs)

        def baseline() -> None:
            for a in articles:
                token.findall((a.title + " " + a.text).lower())

        baseline_seconds = best_of(args.repeat, baseline)
        matched: dict[str, int] = {}

        def run() -> None:
            matched.clear()
            for a in articles:
                for m in match(a, topics):
                    matched[m.topic] = matched.get(m.topic, 0) + 1

        seconds = best_of(args.repeat, run)
        rate = len(articles) / seconds
        result[name] = {
            "articles_per_second": round(rate, 1),
            "baseline_articles_per_second": round(len(articles) / baseline_seconds, 1),
            "time_vs_baseline": round(seconds / baseline_seconds, 2),
            "meets_target": rate >= 1000,
            "matches_per_article": round(sum(matched.values()) / len(articles), 2),
            "articles_matching_icet": matched.get("icet", 0),
            "articles_matching_india_us": matched.get("india-us", 0),
        }
        print(
            f"{name:8s} match() {rate:8.1f} articles/s | baseline {len(articles) / baseline_seconds:8.1f} articles/s"
            f" | {seconds / baseline_seconds:5.1f}x the baseline's time | {result[name]['matches_per_article']}"
            f" matches/article, icet {result[name]['articles_matching_icet']}"
        )
    result["articles_per_second"] = result["mixed"]["articles_per_second"]
    result["python"] = platform.python_version()
    result["machine"] = platform.machine()
    result["measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
