"""One crawl cycle in a fresh interpreter, timed: what `newswatch crawl` does, with the process
start-up (interpreter, imports, configuration, database) reported apart from the cycle itself.

    python bench/probe_cycle.py CONFIG [--no-alerts] [--profile FILE]

Prints one JSON line: Unix times `ready_at`, `cycle_started_at`, `cycle_finished_at`, the cycle's
wall seconds and its report. Alerts are planned (the pipeline's transaction includes them) but not
sent: sending is the outbox's work, measured elsewhere.
"""

from __future__ import annotations

import time

STARTED = time.time()

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("config")
    parser.add_argument("--no-alerts", action="store_true")
    parser.add_argument("--profile", help="write a cProfile of the cycle (the crawl process only) here")
    args = parser.parse_args()

    # What `newswatch crawl` imports before and during the cycle, loaded before the clock starts.
    import scrapy.crawler  # noqa: F401

    import crawler.pipelines
    import crawler.spider  # noqa: F401
    from newswatch.crawler.cycle import run_cycle
    from newswatch.db import store  # noqa: F401
    from newswatch.scheduler.app import cycle_context, open_db, select_sources
    from newswatch.scheduler.config import load_config
    from newswatch.scheduler.logs import setup_logging

    _import_scrapy_components()
    setup_logging("WARNING", "text")
    config = load_config(args.config, env={})
    sessions = open_db(config)
    context = cycle_context(config, sessions, select_sources(config), alerts=not args.no_alerts)
    ready = time.time()
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    begin = time.perf_counter()
    started_at = time.time()
    report = run_cycle(context)
    seconds = time.perf_counter() - begin
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.profile)
    print(
        json.dumps(
            {
                "started_at": STARTED,
                "ready_at": ready,
                "cycle_started_at": started_at,
                "cycle_finished_at": time.time(),
                "cycle_seconds": seconds,
                "report": report.to_dict(),
            }
        )
    )


def _import_scrapy_components() -> None:
    """Scrapy imports its middlewares, extensions and download handlers when a crawl starts;
    that is process start-up too, so it happens before the clock starts."""
    from scrapy.settings import default_settings
    from scrapy.utils.misc import load_object

    names = [
        *default_settings.DOWNLOADER_MIDDLEWARES_BASE,
        *default_settings.SPIDER_MIDDLEWARES_BASE,
        *default_settings.EXTENSIONS_BASE,
        default_settings.DOWNLOAD_HANDLERS_BASE["http"],
        default_settings.SCHEDULER,
        default_settings.STATS_CLASS,
        default_settings.LOG_FORMATTER,
    ]
    for name in names:
        try:
            load_object(name)
        except Exception:  # optional components (botocore, ...) that are not installed
            pass


if __name__ == "__main__":
    main()
