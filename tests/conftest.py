"""Shared fixtures: the fixture news web on 127.0.0.1, a loopback apprise receiver, config files,
and a helper that runs the installed `newswatch` command as a user would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newswatch.scheduler.newsweb import Fault, NewsWeb

SITE = Path(__file__).with_name("site")
NEWSWATCH = shutil.which("newswatch") or str(Path(sys.executable).with_name("newswatch"))
_SERVERS: list = []


def pytest_configure(config):
    """PostgreSQL, Redis and Chromium are part of the suite (tests/services.py): a machine without
    them stops here with what to install; without NEWSWATCH_TEST_POSTGRES a private PostgreSQL
    starts for the run. Runs before collection, so modules that read the URL at import see it."""
    from tests import services

    if hasattr(config, "workerinput"):
        return
    missing = services.missing_services()
    if missing and not services.skipping_allowed():
        raise pytest.UsageError(
            f"the suite needs {', '.join(missing)}: {services.INSTALL} "
            "(or set NEWSWATCH_TEST_SKIP_SERVICES=1 to skip the tests that need them)"
        )
    if not os.environ.get("NEWSWATCH_TEST_POSTGRES") and "PostgreSQL (initdb, pg_ctl)" not in missing:
        server = services.PrivatePostgres()
        try:
            os.environ["NEWSWATCH_TEST_POSTGRES"] = server.start()
        except Exception as exc:
            server.stop()
            raise pytest.UsageError(f"could not start a private PostgreSQL for the tests: {exc}") from None
        _SERVERS.append(server)


def pytest_unconfigure(config):
    while _SERVERS:
        _SERVERS.pop().stop()


@pytest.fixture(autouse=True, scope="session")
def _private_cache_folder(tmp_path_factory):
    """The validated-configuration cache (scheduler/config_cache.py) of every command the tests
    run goes to a folder of the test session's own, never the user's."""
    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if previous is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = previous


def wait_for(predicate, deadline: float = 120.0, step: float = 0.3) -> bool:
    """Poll `predicate` until it is true (True) or `deadline` seconds have passed (False)."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return False


@pytest.fixture
def postgres_url():
    """A URL of the test PostgreSQL whose tables live in a schema of the test's own (dropped after)."""
    from tests.cluster_helpers import postgres_schema

    with postgres_schema() as url:
        yield url


@pytest.fixture
def newsweb():
    web = NewsWeb(SITE)
    web.fail("/news/server-error.html", Fault(status=500))
    with web:
        yield web


@pytest.fixture
def receiver():
    from tests.alerts_helpers import JsonReceiver

    with JsonReceiver() as hook:
        yield hook


def topic_toml(name: str, query: str, alert: str = "instant") -> str:
    return f"[[topics]]\nname = {json.dumps(name)}\nquery = {json.dumps(query)}\nalert = {json.dumps(alert)}\n"


def write_config(
    path: Path,
    web: NewsWeb,
    alert_urls: list[str] | None = None,
    sources: str | None = None,
    topics: str | None = None,
    extra: str = "",
) -> Path:
    """A config for the fixture news web: the built-in icet topic unless `topics` is given."""
    from newswatch.domain.topics import ICET

    if sources is None:
        sources = "".join(
            f'[[sources]]\nname = "{name}"\ntype = "feed"\nurl = "{web.url(feed)}"\ninterval = "5m"\n'
            for name, feed in (
                ("ledger-national", "feeds/national.rss"),
                ("frontier-defence", "feeds/defence.atom"),
                ("broken-feed", "feeds/broken.rss"),
            )
        )
    if topics is None:
        topics = topic_toml("icet", ICET.query)
    urls = json.dumps(alert_urls or [])
    path.write_text(
        f'[database]\nurl = "sqlite:///newswatch.db"\n\n[crawl]\nallow_private_addresses = true\n'
        f'obey_robots_txt = true\ntimeout = "10s"\nretries = 0\n\n[alerts]\nurls = {urls}\n{extra}\n'
        f"{sources}\n{topics}",
        encoding="utf-8",
    )
    return path


def run_newswatch(
    *args: str, config: Path | None = None, cwd: Path | None = None, timeout: float = 180, env: dict | None = None
) -> subprocess.CompletedProcess:
    command = [NEWSWATCH]
    if config is not None:
        command += ["--config", str(config)]
    command += list(args)
    full_env = {k: v for k, v in os.environ.items() if k != "NEWSWATCH_CONFIG"}
    full_env.update(env or {})
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=full_env)


def json_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]
