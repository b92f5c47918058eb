"""Helpers for the web view's tests: a crawled news web with hostile markup, the real `newswatch
web` command on a free loopback port, a small HTTP client that keeps cookies and does not follow
redirects, and headless Chromium driven by Selenium."""

from __future__ import annotations

import http.cookiejar
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from newswatch.scheduler.newsweb import NewsWeb
from tests.alerts_helpers import JsonReceiver
from tests.conftest import NEWSWATCH, SITE, run_newswatch, write_config

HOSTILE_SITE = Path(__file__).with_name("webview_site")
HOSTILE_TITLE = (
    'Quantum computing pact under iCET signed in Pune <script>alert("pwned-title")</script> '
    "<img src=x onerror=alert(1)>"
)
HOSTILE_OUTLET = '<i>Evil</i> Outlet <script>alert("pwned-outlet")</script>'
JAVASCRIPT_TITLE = 'iCET space launch cell <b>bold</b> "quoted" & linked nowhere'
JAVASCRIPT_URL = 'javascript:alert("pwned-url")'
SECRET = "S3cretPassw0rd42"


@dataclass
class Crawled:
    """A configuration whose database holds a crawl of the fixture news web plus hostile pages,
    alerts sent to `receiver` and failed at `refusing` (a target whose URL carries SECRET)."""

    folder: Path
    config: Path
    web: NewsWeb
    receiver: JsonReceiver
    refusing: JsonReceiver

    def copy(self, folder: Path, extra: str = "") -> Path:
        """The same configuration and database in `folder`, for a test that changes them."""
        shutil.copytree(self.folder, folder, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.log"))
        config = folder / self.config.name
        if extra:
            config.write_text(config.read_text(encoding="utf-8").replace("[alerts]", extra + "\n[alerts]", 1))
        return config

    def close(self) -> None:
        for server in (self.refusing, self.receiver, self.web):
            server.__exit__(None, None, None)

    def articles(self) -> list[dict]:
        result = run_newswatch("export", "--all", config=self.config)
        return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def crawl_hostile_web(folder: Path) -> Crawled:
    """Serve tests/site with tests/webview_site on top, crawl it once into a fresh database, and
    add one matched article whose address is a javascript: URL (the crawler never stores one;
    another writer might)."""
    root = folder / "site"
    shutil.copytree(SITE, root)
    shutil.copytree(HOSTILE_SITE, root, dirs_exist_ok=True)
    web = NewsWeb(root).__enter__()
    receiver = JsonReceiver().__enter__()
    refusing = JsonReceiver(refuse=10_000).__enter__()
    sources = "".join(
        f'[[sources]]\nname = "{name}"\ntype = "feed"\nurl = "{web.url(feed)}"\ninterval = "5m"\n'
        for name, feed in (
            ("ledger-national", "feeds/national.rss"),
            ("frontier-defence", "feeds/defence.atom"),
            ("broken-feed", "feeds/broken.rss"),
            ("hostile-wire", "feeds/wire.rss"),
        )
    )
    secret_url = f"json://watcher:{SECRET}@127.0.0.1:{refusing.port}/hook"
    data = folder / "data"
    data.mkdir()
    config = write_config(data / "newswatch.toml", web, [receiver.apprise_url, secret_url], sources=sources)
    config.write_text(config.read_text().replace("[alerts]\n", "[alerts]\nretry_limit = 1\n", 1))
    result = run_newswatch("crawl", config=config)
    assert result.returncode == 0, result.stderr
    _add_javascript_article(config)
    return Crawled(data, config, web, receiver, refusing)


def _add_javascript_article(config: Path) -> None:
    from newswatch.db import store
    from newswatch.db.session import open_database
    from newswatch.domain.items import Article, Hit, Match

    sessions = open_database(f"sqlite:///{config.parent / 'newswatch.db'}")
    now = datetime.now(UTC)
    article = Article(
        url=JAVASCRIPT_URL,
        canonical_url=JAVASCRIPT_URL,
        source="hostile-wire",
        title=JAVASCRIPT_TITLE,
        text="An iCET working group on commercial space launches met in Hyderabad with Virginia firms.",
        fetched_at=now,
        published_at=now,
        outlet=HOSTILE_OUTLET,
    )
    with sessions.begin() as session:
        store.save_article(session, article, [Match("icet", 4.0, [Hit("iCET", "title", JAVASCRIPT_TITLE)])], now)
    sessions.kw["bind"].dispose()


class WebCommand:
    """`newswatch web --port 0` as a user starts it; `url` once it listens. Stopped with SIGTERM,
    which must end it with status 0."""

    def __init__(self, config: Path, *args: str):
        self.log = config.with_name(f"web-{time.monotonic_ns()}.log")
        self.process = subprocess.Popen(
            [NEWSWATCH, "--config", str(config), "web", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=self.log.open("w"),
            text=True,
            env={k: v for k, v in os.environ.items() if k != "NEWSWATCH_CONFIG"},
        )
        line = self.process.stdout.readline()
        if "serving" not in line:
            self.process.kill()
            raise AssertionError(f"newswatch web did not start: {line!r} {self.log.read_text()}")
        self.url = line.split("serving ", 1)[1].split()[0].rstrip("/")

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        finally:
            self.process.kill()

    def __enter__(self) -> WebCommand:
        return self

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            self.stop()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # names in lower case
    body: str

    def json(self):
        return json.loads(self.body)


def _headers(message) -> dict[str, str]:
    """Header names in lower case; repeated headers (Set-Cookie) joined with ", "."""
    return {name.lower(): ", ".join(message.get_all(name)) for name in dict.fromkeys(message.keys())}


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """A browser-like HTTP client for one site: keeps cookies, shows redirects as they are."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects)

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None) -> Answer:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers or {})
        try:
            with self.opener.open(request, timeout=60) as response:
                return Answer(response.status, _headers(response.headers), response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            return Answer(error.code, _headers(error.headers), error.read().decode("utf-8", "replace"))

    def get(self, path: str, headers: dict | None = None) -> Answer:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, form: dict, headers: dict | None = None) -> Answer:
        return self.request("POST", path, form=form, headers=headers)

    def csrf_token(self, path: str = "/topics/icet") -> str:
        """The CSRF token of a form on `path` (fetching it sets the cookie the token goes with)."""
        body = self.get(path).body
        marker = 'name="csrf_token" value="'
        start = body.index(marker) + len(marker)
        return body[start : body.index('"', start)]


def chromium(folder: Path, width: int = 1280, height: int = 900):
    """Debian's headless Chromium through its chromedriver: no browser download, no network."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={folder / 'chromium-profile'}",
        f"--window-size={width},{height}",
    ):
        options.add_argument(flag)
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(options=options, service=service)
