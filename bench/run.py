"""The newswatch benchmark suite: one command, a table, JSON in bench/results/.

    python bench/run.py            # everything (about 30-40 minutes on 2 cores)
    python bench/run.py --quick    # smaller sizes, a few minutes
    python bench/run.py --only cold,warm --cycles 100

Sections (each prints its own table; ratios are taken against a baseline measured in the same run,
since machines are noisy):

- cold:   a crawl cycle from source discovery to stored, matched and deduplicated articles, on a
          fresh SQLite database, against a generated news web served by an aiohttp server in its
          own process; the baseline is bare `trafilatura.extract` over the same pages, read from
          memory, on one core.
- warm:   the same kind of web with nothing new: every listing answers 304. The cycle's wall
          time for 100 sources, process start-up reported apart; the baseline is 100 plain
          conditional GETs from one Python thread.
- dedup:  `db.store._find_original` (exact hash, LSH bands, signatures) on newswatch's own tables
          with 100k and 1M stored articles: p50/p95, index bytes per article; the baseline is a
          primary-key read of one row.
- cli:    `newswatch articles/search/show` on a database of 100k articles, wall time of the
          installed command including interpreter start (median of 5), with the configuration
          validated before (and once, the first run after the file changed); the baseline is the
          interpreter importing what any database-reading command needs (click, SQLAlchemy Core).
- memory: `newswatch run` for N crawl cycles at 5 s intervals on a growing web: RSS of the service
          process over the cycles and the peak RSS of its crawl children.
- coldrun: a fresh database and hundreds of new pages in the first cycle, crawled by `newswatch
          run` (the service's first cycles) and by `newswatch crawl` on the same web: wall time from
          the command's start until every article is stored; the baseline is the `crawl` run.
- latency: `newswatch run` polling one feed every 5 s on the fixture news web; new articles are
          published at random moments and timed until their alert reaches a json:// receiver
          (bench/latency.py); the bound is the interval plus 10 s.
- web:    the web view on the 100k database (bench/web.py): server time of the stories page,
          search, one article, the topic feed, the JSON API and a topic preview (p50/p95), called
          in-process and over HTTP from `newswatch web`; the baseline is a primary-key read.

The soak test (faults, an hour) is bench/soak.py.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import harness, newsgen
from bench.harness import median, percentile, table
from bench.newsserver import NewsServer

SECTIONS = ("cold", "warm", "dedup", "cli", "memory", "coldrun", "latency", "web")


# --- cold crawl ---------------------------------------------------------------------------------


def sample_pages(spec: newsgen.WebSpec, count: int) -> list[tuple[int, int, bytes]]:
    """`count` article pages spread over every source, as the server sends them."""
    keys = [(s, i) for i in range(spec.articles) for s in range(spec.sources)]
    step = max(1, len(keys) // count)
    return [(s, i, newsgen.article_html(spec, s, i).encode("utf-8")) for s, i in keys[::step][:count]]


def bare_trafilatura(pages: list[tuple[int, int, bytes]]) -> float:
    """Pages per second through `trafilatura.extract`, pinned to one core."""
    import trafilatura

    cpus = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(cpus)})
    try:
        for _, _, html in pages[:3]:
            trafilatura.extract(html)
        begin = time.perf_counter()
        for _, _, html in pages:
            trafilatura.extract(html)
        return len(pages) / (time.perf_counter() - begin)
    finally:
        os.sched_setaffinity(0, cpus)


def stage_costs(spec: newsgen.WebSpec, pages: list[tuple[int, int, bytes]]) -> dict[str, float]:
    """Milliseconds per page of each CPU step the crawler runs per article, on one core."""
    from newswatch.crawler.extract import extract_article
    from newswatch.domain import fingerprint
    from newswatch.domain.matching import compile_topics, match
    from newswatch.domain.topics import BUILTIN_TOPICS

    topics = compile_topics(BUILTIN_TOPICS)
    now = datetime.now(UTC)
    timings = {"extract_article": 0.0, "fingerprint": 0.0, "match": 0.0, "event_profile": 0.0}
    for _, _, html in pages[:3]:
        extract_article(html, "http://x/a.html", "x", now)
    for source, index, html in pages:
        begin = time.perf_counter()
        article = extract_article(html, newsgen.article_url(spec, source, index), "x", now)
        middle = time.perf_counter()
        fingerprint.fingerprint(article.text)
        after_fp = time.perf_counter()
        match(article, topics)
        after_match = time.perf_counter()
        fingerprint.title_terms(article.title)  # what a story lookup compares: headline words
        fingerprint.key_terms(article.title, article.text)  # and names and figures
        end = time.perf_counter()
        timings["extract_article"] += middle - begin
        timings["fingerprint"] += after_fp - middle
        timings["match"] += after_match - after_fp
        timings["event_profile"] += end - after_match
    return {key: round(value / len(pages) * 1000, 2) for key, value in timings.items()}


def cold(args, out: dict) -> list[tuple]:
    sources, per_source = (10, 30) if args.quick else (20, 100)
    sample = 100 if args.quick else 300
    result: dict = {"sources": sources, "articles_listed": sources * per_source}
    with NewsServer(sources=sources, articles=per_source) as server:
        spec = server.spec
        kinds = [newsgen.kind_of(spec, s, i) for s in range(sources) for i in range(per_source)]
        result["copies_in_web"] = kinds.count("copy")
        pages = sample_pages(spec, sample)
        result["page_kb_median"] = round(median([len(p[2]) for p in pages]) / 1024, 1)
        result["machine_busy_before"] = harness.wait_for_quiet()
        before = bare_trafilatura(pages)
        result["stage_ms_per_page"] = stage_costs(spec, pages)
        runs = [("auto", {})] + ([] if args.quick else [("1 thread", {"extract_workers": 1})])
        result["runs"] = {}
        for label, crawl in runs:
            folder = Path(tempfile.mkdtemp(prefix=f"newswatch-cold-{label.replace(' ', '')}-"))
            config = harness.write_config(folder, spec, crawl=crawl)
            probe = harness.probe_cycle(config)
            report = probe["report"]
            result["runs"][label] = {
                "cycle_seconds": round(probe["cycle_seconds"], 2),
                "startup_seconds": round(probe["startup_seconds"], 2),
                "stored": report["stored"],
                "matched": report["matched"],
                "duplicates": report["duplicates"],
                "alerts_planned": report["alerts"],
                "failed": sum(s["failed"] for s in report["sources"]),
                "articles_per_second": round(report["stored"] / probe["cycle_seconds"], 1),
            }
        after = bare_trafilatura(pages)
        result["server"] = server.stats()["counts"]
    bare = (before + after) / 2
    result["bare_trafilatura_pages_per_second"] = {
        "before": round(before, 1),
        "after": round(after, 1),
        "mean": round(bare, 1),
    }
    rows = []
    for label, run in result["runs"].items():
        run["ratio_to_bare"] = round(run["articles_per_second"] / bare, 2)
        rows.append(
            (
                f"cold crawl, {result['articles_listed']} articles, {sources} sources, workers {label}",
                f"{run['articles_per_second']} articles/s ({run['cycle_seconds']} s; start-up "
                f"{run['startup_seconds']} s apart)",
                f"bare trafilatura, 1 core: {bare:.1f} pages/s",
                f"{run['ratio_to_bare']}x",
                "1.5x",
            )
        )
    costs = result["stage_ms_per_page"]
    rows.append(
        (
            "per-article CPU on 1 core (ms)",
            ", ".join(f"{k} {v}" for k, v in costs.items()) + f"; total {sum(costs.values()):.1f}",
            f"bare trafilatura {1000 / bare:.1f} ms",
            f"{sum(costs.values()) * bare / 1000:.2f}x",
            "",
        )
    )
    out["cold"] = result
    return rows


# --- warm cycle ---------------------------------------------------------------------------------


def conditional_gets(server: NewsServer, spec: newsgen.WebSpec, etags: dict[int, str]) -> float:
    """Seconds for one conditional GET per source, one after another on a kept-alive connection."""
    import http.client

    host, port = spec.base_url.split("//")[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    begin = time.perf_counter()
    for source in range(spec.sources):
        connection.request("GET", spec.listing_path(source), headers={"If-None-Match": etags[source]})
        response = connection.getresponse()
        response.read()
    seconds = time.perf_counter() - begin
    connection.close()
    return seconds


def listing_etags(spec: newsgen.WebSpec) -> dict[int, str]:
    import urllib.request

    etags = {}
    for source in range(spec.sources):
        with urllib.request.urlopen(spec.base_url + spec.listing_path(source), timeout=10) as response:
            etags[source] = response.headers["ETag"]
    return etags


def warm(args, out: dict) -> list[tuple]:
    sources = 100
    repeats = 2 if args.quick else 5
    result: dict = {"sources": sources}
    with NewsServer(sources=sources, articles=2) as server:
        spec = server.spec
        folder = Path(tempfile.mkdtemp(prefix="newswatch-warm-"))
        config = harness.write_config(folder, spec)
        first = harness.probe_cycle(config)
        result["first_cycle"] = {"cycle_seconds": round(first["cycle_seconds"], 2), "stored": first["report"]["stored"]}
        result["machine_busy_before"] = harness.wait_for_quiet()
        cycles, startups, requests = [], [], []
        for _ in range(repeats):
            before = server.stats()["counts"]
            probe = harness.probe_cycle(config)
            after = server.stats()["counts"]
            cycles.append(probe["cycle_seconds"])
            startups.append(probe["startup_seconds"])
            requests.append({key: after.get(key, 0) - before.get(key, 0) for key in after})
        # One loopback address is one "site" to Scrapy, so its per-site limit (2 requests at a
        # time) serialises all 100 polls; real sources mostly live on different sites.
        separate = harness.write_config(folder, spec, crawl={"per_domain_concurrency": 16}, name="separate-sites.toml")
        separate_cycles = [harness.probe_cycle(separate)["cycle_seconds"] for _ in range(repeats)]
        cli_walls = []
        for _ in range(repeats):
            _command, wall = harness.run_newswatch(config, "crawl", "--no-alerts")
            cli_walls.append(wall)
        etags = listing_etags(spec)
        baseline = median([conditional_gets(server, spec, etags) for _ in range(repeats)])
    result.update(
        {
            "cycle_seconds": [round(c, 3) for c in cycles],
            "cycle_seconds_median": round(median(cycles), 3),
            "startup_seconds_median": round(median(startups), 2),
            "requests_per_cycle": requests,
            "newswatch_crawl_wall_seconds_median": round(median(cli_walls), 2),
            "cycle_seconds_median_as_separate_sites": round(median(separate_cycles), 3),
            "baseline_100_conditional_gets_seconds": round(baseline, 4),
            "ratio_to_baseline": round(median(cycles) / baseline, 1),
        }
    )
    out["warm"] = result
    last = requests[-1]
    return [
        (
            f"warm cycle, {sources} sources, all 304 ({last.get('listing_304', 0)} x 304, "
            f"{last.get('article', 0)} article fetches)",
            f"{result['cycle_seconds_median']} s crawl; start-up {result['startup_seconds_median']} s apart; "
            f"`newswatch crawl` {result['newswatch_crawl_wall_seconds_median']} s in all",
            f"100 conditional GETs, 1 thread: {baseline * 1000:.0f} ms",
            f"{result['ratio_to_baseline']}x",
            "< 1 s",
        ),
        (
            f"warm cycle, {sources} sources, as if each were its own site (per-site limit 16)",
            f"{result['cycle_seconds_median_as_separate_sites']} s crawl",
            f"100 conditional GETs, 1 thread: {baseline * 1000:.0f} ms",
            f"{result['cycle_seconds_median_as_separate_sites'] / baseline:.1f}x",
            "< 1 s",
        ),
    ]


# --- dedup lookups ------------------------------------------------------------------------------


def dedup(args, out: dict) -> list[tuple]:
    from sqlalchemy import select

    from bench import archive
    from newswatch.db import store
    from newswatch.db.models import Article
    from newswatch.db.session import open_database
    from newswatch.domain import fingerprint as fp

    sizes = args.dedup_sizes or ([20_000] if args.quick else [100_000, 1_000_000])
    queries = 200 if args.quick else 400
    rows, results = [], []
    for size in sizes:
        built = archive.build(size, text_share=1.0 if size <= 100_000 else 0.1)
        spec = built.spec
        planted = list(built.planted.items())
        copy_queries = []
        for n in range(queries * 3 // 4):
            article_id, (source, index) = planted[n % len(planted)]
            story = newsgen.story(spec, source, index)
            paragraphs = list(story.paragraphs)
            del paragraphs[1 + n % (len(paragraphs) - 1)]
            text = "NEW DELHI (PTI) — " + "\n\n".join(paragraphs) + "\n\n(With inputs from PTI)"
            copy_queries.append((article_id, fp.fingerprint(text)))
        other = newsgen.WebSpec(base_url="https://other.example", epoch=spec.epoch, seed=99, sources=20)
        unrelated = [
            (None, fp.fingerprint("\n\n".join(newsgen.story(other, n % 20, n // 20).paragraphs)))
            for n in range(queries - len(copy_queries))
        ]
        asked = copy_queries + unrelated
        sessions = open_database(f"sqlite:///{built.path}")
        harness.wait_for_quiet()
        passes = []
        for _ in range(2):
            latencies, found, false_hits = [], 0, 0
            with sessions() as session:
                for expected, query in asked:
                    keys = fp.band_keys(query)
                    begin = time.perf_counter()
                    hit = store._find_original(session, query.content_hash, query, keys)
                    latencies.append((time.perf_counter() - begin) * 1000)
                    if expected is None:
                        false_hits += hit is not None
                    else:
                        found += hit is not None and hit[0].id == expected
                    session.expunge_all()
            passes.append((latencies, found, false_hits))
        baseline = []
        with sessions() as session:
            for article_id in range(1, len(asked) + 1):
                begin = time.perf_counter()
                session.execute(
                    select(Article.signature).where(Article.id == article_id * (size // len(asked)))
                ).first()
                baseline.append((time.perf_counter() - begin) * 1000)
        sessions.kw["bind"].dispose()
        sizes_on_disk = archive.table_bytes(built.path)
        band_bytes = sizes_on_disk.get("lsh_bands", 0) + sizes_on_disk.get("ix_lsh_bands_key", 0)
        hash_index = sizes_on_disk.get("ix_articles_content_hash", 0)
        (first, _, _), (warm_pass, found, false_hits) = passes
        record = {
            "stored": size,
            "build_seconds": round(built.build_seconds, 1),
            "reused_file": built.reused,
            "first_pass_p50_ms": round(percentile(first, 0.5), 3),
            "first_pass_p95_ms": round(percentile(first, 0.95), 3),
            "p50_ms": round(percentile(warm_pass, 0.5), 3),
            "p95_ms": round(percentile(warm_pass, 0.95), 3),
            "max_ms": round(max(warm_pass), 3),
            "baseline_pk_read_p50_ms": round(percentile(baseline, 0.5), 4),
            "copies_found": f"{found}/{len(copy_queries)}",
            "unrelated_with_a_hit": f"{false_hits}/{len(unrelated)}",
            "lsh_bytes_per_article": round(band_bytes / size, 1),
            "signature_bytes_per_article": 21 + 4 * fp.NUM_PERM,
            "content_hash_index_bytes_per_article": round(hash_index / size, 1),
            "file_bytes_per_article": round(os.path.getsize(built.path) / size, 1),
        }
        record["p50_vs_baseline"] = round(record["p50_ms"] / record["baseline_pk_read_p50_ms"], 1)
        results.append(record)
        rows.append(
            (
                f"dedup lookup, {size:,} stored (newswatch tables)",
                f"p50 {record['p50_ms']} ms, p95 {record['p95_ms']} ms; copies found {record['copies_found']}, "
                f"false hits {record['unrelated_with_a_hit']}; index {record['lsh_bytes_per_article']:.0f} B/article "
                f"(LSH) + {record['signature_bytes_per_article']} B signature + "
                f"{record['content_hash_index_bytes_per_article']:.0f} B hash index",
                f"primary-key read: {record['baseline_pk_read_p50_ms']} ms",
                f"{record['p50_vs_baseline']}x",
                "",
            )
        )
    bare = harness.RESULTS / "dedup.json"
    if bare.exists():
        for lookup in json.loads(bare.read_text()).get("lookup", []):
            if lookup.get("layout") == "table+index":
                rows.append(
                    (
                        f"dedup lookup, {lookup['stored']:,} stored (bare table, bench_dedup.py, earlier run)",
                        f"p50 {lookup['p50_ms']} ms, p95 {lookup['p95_ms']} ms; "
                        f"{lookup['band_bytes_per_article']:.0f} B/article (bands)",
                        f"primary-key read: {lookup['baseline_pk_read_p50_ms']} ms",
                        f"{lookup['p50_vs_baseline']}x",
                        "",
                    )
                )
    out["dedup"] = results
    return rows


# --- CLI ----------------------------------------------------------------------------------------


HEAVY = (
    "scrapy",
    "twisted",
    "trafilatura",
    "apprise",
    "lxml",
    "numpy",
    "datasketch",
    "scipy",
    "alembic",
    "jinja2",
    "feedparser",
    "courlan",
    "htmldate",
    "pydantic",
)


def cli_imports(config: Path, args: list[str], env: dict) -> dict:
    """Which heavy packages a command imports, and its most expensive imports."""
    import subprocess

    result = subprocess.run(
        [sys.executable, "-X", "importtime", harness.NEWSWATCH, "--config", str(config), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    top: list[tuple[int, str]] = []
    heavy = set()
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        _, cumulative, name = (part.strip() for part in line[len("import time:") :].split("|"))
        indent = len(line.split("|")[2]) - len(line.split("|")[2].lstrip())
        root = name.split(".")[0]
        if root in HEAVY:
            heavy.add(root)
        if indent <= 1:
            top.append((int(cumulative), name))
    top.sort(reverse=True)
    return {"heavy": sorted(heavy), "top_ms": {name: round(us / 1000) for us, name in top[:6]}}


def cli(args, out: dict) -> list[tuple]:
    import subprocess

    from bench import archive

    size = args.cli_size or (20_000 if args.quick else 100_000)
    repeats = 3 if args.quick else 5
    built = archive.build(size)
    config = archive.config_for(built, Path(tempfile.mkdtemp(prefix="newswatch-cli-")))
    # As installed: bytecode is cached (this sandbox sets PYTHONDONTWRITEBYTECODE; users don't).
    env = {k: v for k, v in os.environ.items() if k not in ("NEWSWATCH_CONFIG", "PYTHONDONTWRITEBYTECODE")}
    # The read commands' validated-configuration cache, in a folder of this run's own.
    env["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="newswatch-cli-cache-")
    shown = str(next(iter(built.planted)))
    commands = [
        ("articles --limit 50", ["articles", "--limit", "50"]),
        ("articles --limit 50 --json", ["articles", "--limit", "50", "--json"]),
        ("articles --topic icet --limit 50", ["articles", "--topic", "icet", "--limit", "50"]),
        ("articles --all --limit 50", ["articles", "--all", "--limit", "50"]),
        ("search minister", ["search", "minister"]),
        ('search "jet engine" --json', ["search", '"jet engine"', "--json"]),
        (f"show {shown}", ["show", shown]),
        (f"show {shown} --json", ["show", shown, "--json"]),
    ]

    def wall(command: list[str]) -> float:
        subprocess.run(command, capture_output=True, env=env, timeout=120)  # warm-up (bytecode, page cache)
        times = []
        for _ in range(repeats):
            begin = time.perf_counter()
            done = subprocess.run(command, capture_output=True, env=env, timeout=120)
            times.append(time.perf_counter() - begin)
            if done.returncode != 0:
                raise RuntimeError(f"{command} failed: {done.stderr[-2000:]}")
        return median(times)

    result: dict = {"stored": size, "machine_busy_before": harness.wait_for_quiet(), "commands": {}}
    python = sys.executable
    result["python_start_seconds"] = round(wall([python, "-c", "pass"]), 3)
    # What a read command can't do without: the interpreter, click and SQLAlchemy (Core).
    floor = wall([python, "-c", "import click, sqlalchemy"])
    result["floor_seconds"] = round(floor, 3)
    result["floor_with_orm_and_pydantic_seconds"] = round(
        wall([python, "-c", "import click, pydantic, sqlalchemy.orm"]), 3
    )
    rows = []
    # The first read after the configuration changed validates it in full (and caches the result).
    edited = []
    for number in range(repeats):
        with config.open("a", encoding="utf-8") as handle:
            handle.write(f"# edit {number}\n")
        begin = time.perf_counter()
        subprocess.run(
            [harness.NEWSWATCH, "--config", str(config), "articles", "--limit", "50"],
            capture_output=True,
            env=env,
            timeout=120,
            check=True,
        )
        edited.append(time.perf_counter() - begin)
    result["articles_after_config_edit_seconds"] = round(median(edited), 3)
    rows.append(
        (
            f"`newswatch articles --limit 50`, {size:,} stored, first run after the config file changed",
            f"{median(edited):.2f} s (validates the whole file, caches the outcome)",
            f"python + click + SQLAlchemy Core: {floor:.2f} s",
            f"{median(edited) / floor:.2f}x",
            "",
        )
    )
    for label, command in commands:
        seconds = wall([harness.NEWSWATCH, "--config", str(config), *command])
        imports = cli_imports(config, command, env)
        result["commands"][label] = {
            "seconds": round(seconds, 3),
            "ratio_to_floor": round(seconds / floor, 2),
            **imports,
        }
        rows.append(
            (
                f"`newswatch {label}`, {size:,} stored",
                f"{seconds:.2f} s (heavy imports: {', '.join(imports['heavy']) or 'none'})",
                f"python + click + SQLAlchemy Core: {floor:.2f} s",
                f"{seconds / floor:.2f}x",
                "< 0.5 s",
            )
        )
    out["cli"] = result
    return rows


# --- service memory -----------------------------------------------------------------------------


def memory(args, out: dict) -> list[tuple]:
    cycles = args.cycles or (40 if args.quick else 500)
    sources = 20 if args.quick else 40
    with NewsServer(sources=sources, articles=3, feed_items=20, publish_every=60.0) as server:
        folder = Path(tempfile.mkdtemp(prefix="newswatch-memory-"))
        config = harness.write_config(
            folder,
            server.spec,
            interval="5s",
            alerts=[f"json://127.0.0.1:{server.base_url.rsplit(':', 1)[1]}/hook"],
            service={"heartbeat": "5s", "send_every": "2s", "crawl_timeout": "60s", "jitter": "0s"},
        )
        run = harness.ServiceRun(config).start()
        deadline = time.monotonic() + max(300.0, cycles * 6.0)
        try:
            while run.cycles < cycles and time.monotonic() < deadline and run.process.poll() is None:
                time.sleep(1.0)
                run.sample()
        finally:
            code, stop_seconds = run.stop()
        hooks = server.stats()["hooks"]
    samples = [s for s in run.samples if s["rss_kb"]]
    settle = next((s for s in samples if s["cycles"] >= max(10, cycles // 10)), samples[0])
    after = [s for s in samples if s["t"] >= settle["t"]]
    result = {
        "cycles": run.cycles,
        "failed_cycles": run.failed_cycles,
        "sources": sources,
        "seconds": round(samples[-1]["t"], 1),
        "cycles_per_minute": round(run.cycles / samples[-1]["t"] * 60, 1),
        "service_rss_kb_start": samples[0]["rss_kb"],
        "service_rss_kb_settled": settle["rss_kb"],
        "service_rss_kb_end": samples[-1]["rss_kb"],
        "service_rss_kb_max": max(s["rss_kb"] for s in samples),
        "growth_kb_after_settling": samples[-1]["rss_kb"] - settle["rss_kb"],
        "slope_kb_per_100_cycles": round(harness.slope_per(after, "cycles", "rss_kb", 100), 1),
        "children_peak_rss_kb": run.child_peak_kb,
        "children_peak_total_rss_kb": max((s["children_rss_kb"] for s in samples), default=0),
        "alerts_received": hooks,
        "exit_code": code,
        "stop_seconds": stop_seconds,
    }
    out["memory"] = result
    return [
        (
            f"`newswatch run`, {run.cycles} crawl cycles, {sources} sources at 5 s",
            f"service RSS {result['service_rss_kb_settled'] / 1024:.1f} -> {result['service_rss_kb_end'] / 1024:.1f} MB "
            f"({result['slope_kb_per_100_cycles']:+.0f} KB per 100 cycles); crawl child peak "
            f"{result['children_peak_rss_kb'] / 1024:.0f} MB; {result['cycles_per_minute']} cycles/min; "
            f"stop on SIGTERM: exit {code} in {stop_seconds} s",
            f"service RSS after {settle['cycles']} cycles",
            f"{result['service_rss_kb_end'] / settle['rss_kb']:.2f}x",
            "flat",
        )
    ]


def _stored_count(database: Path) -> int:
    import sqlite3

    if not database.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # not migrated yet
        return 0


def coldrun(args, out: dict) -> list[tuple]:
    """The first cycle of `newswatch run` on a fresh database with hundreds of new pages, against
    the same crawl by `newswatch crawl`."""
    sources, per_source = (6, 50) if args.quick else (10, 60)
    result: dict = {"sources": sources, "articles": sources * per_source}
    with NewsServer(sources=sources, articles=per_source, feed_items=per_source) as server:
        spec = server.spec
        # `crawl`: one cycle, every source at once; the baseline.
        folder = Path(tempfile.mkdtemp(prefix="newswatch-coldrun-crawl-"))
        config = harness.write_config(folder, spec, crawl={"max_articles_per_source": per_source})
        crawled, crawl_seconds = harness.run_newswatch(config, "crawl", "--no-alerts")
        if crawled.returncode != 0:
            raise RuntimeError(crawled.stderr[-2000:])
        expected = _stored_count(folder / "newswatch.db")
        # `run`: the service's first cycles; stopped once every article is stored.
        folder = Path(tempfile.mkdtemp(prefix="newswatch-coldrun-run-"))
        config = harness.write_config(
            folder,
            spec,
            crawl={"max_articles_per_source": per_source},
            interval="1m",
            service={"heartbeat": "5s", "send_every": "2s", "crawl_timeout": "5m", "jitter": "0s"},
        )
        run = harness.ServiceRun(config).start()
        deadline, stored = time.monotonic() + 600, 0
        try:
            while time.monotonic() < deadline and run.process.poll() is None:
                stored = _stored_count(folder / "newswatch.db")
                if stored >= expected:
                    break
                time.sleep(0.2)
            run_seconds = time.monotonic() - run.started
        finally:
            code, _ = run.stop()
        failed_lines = run.log_text().count("extraction failed")
    result.update(
        {
            "crawl_seconds": round(crawl_seconds, 2),
            "crawl_stored": expected,
            "run_seconds_to_all_stored": round(run_seconds, 2),
            "run_stored": stored,
            "run_extraction_failures": failed_lines,
            "run_exit_code": code,
        }
    )
    out["coldrun"] = result
    return [
        (
            f"cold start, {result['articles']} new pages from {sources} sources in the first cycle",
            f"`newswatch run`: all {stored} stored {run_seconds:.1f} s after start ({failed_lines} extraction "
            f"failures)",
            f"`newswatch crawl`: {expected} stored in {crawl_seconds:.1f} s",
            f"{run_seconds / crawl_seconds:.2f}x",
            "all stored",
        )
    ]


def latency(args, out: dict) -> list[tuple]:
    from bench import latency as bench_latency

    return bench_latency.section(args, out)


def web(args, out: dict) -> list[tuple]:
    from bench import web as bench_web

    return bench_web.section(args, out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes: a few minutes")
    parser.add_argument("--only", help=f"comma-separated sections of {','.join(SECTIONS)}")
    parser.add_argument("--cycles", type=int, help="crawl cycles for the memory section (default 500, quick 40)")
    parser.add_argument("--dedup-sizes", type=int, nargs="*", help="stored articles for dedup lookups")
    parser.add_argument("--cli-size", type=int, help="stored articles for the CLI section")
    args = parser.parse_args()
    chosen = args.only.split(",") if args.only else list(SECTIONS)
    unknown = set(chosen) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    out: dict = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": harness.machine(),
    }
    rows: list[tuple] = []
    for name in SECTIONS:
        if name not in chosen:
            continue
        begin = time.perf_counter()
        print(f"== {name} ...", flush=True)
        section_rows = globals()[name](args, out)
        out.setdefault("section_seconds", {})[name] = round(time.perf_counter() - begin, 1)
        print(table(section_rows, ("measure", "newswatch", "baseline (same run)", "ratio", "target")), flush=True)
        rows += section_rows
    print("\n" + table(rows, ("measure", "newswatch", "baseline (same run)", "ratio", "target")))
    harness.RESULTS.mkdir(parents=True, exist_ok=True)
    name = "run-quick.json" if args.quick else "run.json"
    if args.only:
        name = name.replace(".json", f"-{'-'.join(chosen)}.json")
    path = harness.RESULTS / name
    path.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
