"""Real receivers for alert tests, both on 127.0.0.1 and a random port: a JSON webhook (what
apprise's json:// posts to; it can refuse the first posts with 503) and an SMTP server (aiosmtpd,
with a login), plus small builders for database rows."""

from __future__ import annotations

import email
import email.policy
import json
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from newswatch.db.models import Article, TopicMatch
from newswatch.db.session import open_database
from tests.services import free_port

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


class JsonReceiver:
    """A webhook that records every JSON post. `refuse(n)` answers the next n posts with 503."""

    def __init__(self, refuse: int = 0, delay: float = 0.0):
        self.posts: list[dict] = []  # accepted posts, as JSON
        self.attempts: list[dict] = []  # every post, accepted or refused
        self._refuse = refuse
        self._delay = delay
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if receiver._delay:
                    time.sleep(receiver._delay)
                with receiver._lock:
                    refused = receiver._refuse > 0
                    if refused:
                        receiver._refuse -= 1
                    record = {"path": self.path, "body": json.loads(body or b"{}"), "refused": refused}
                    receiver.attempts.append(record)
                    if not refused:
                        receiver.posts.append(record["body"])
                self.send_response(503 if refused else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread: threading.Thread | None = None

    def refuse(self, count: int) -> None:
        with self._lock:
            self._refuse = count

    def url(self, path: str = "/hook") -> str:
        return f"json://127.0.0.1:{self.port}{path}"

    @property
    def apprise_url(self) -> str:
        return self.url()

    def __enter__(self) -> JsonReceiver:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


class SmtpReceiver:
    """An SMTP server that asks for a login (over plain SMTP, as a LAN relay might) and keeps
    every message it accepts."""

    def __init__(self, user: str = "alerts", password: str = "Sm7pPassw0rd-secret"):
        self.user, self.password = user, password
        self.messages: list[email.message.EmailMessage] = []
        self.logins: list[str] = []
        receiver = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                receiver.messages.append(
                    email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
                )
                return "250 OK"

        def authenticate(server, session, envelope, mechanism, auth_data):
            login = auth_data.login.decode() if isinstance(auth_data.login, bytes) else auth_data.login
            password = auth_data.password.decode() if isinstance(auth_data.password, bytes) else auth_data.password
            ok = (login, password) == (self.user, self.password)
            if ok:
                receiver.logins.append(login)
            return AuthResult(success=ok)

        self.port = free_port()
        self._controller = Controller(
            Handler(), hostname="127.0.0.1", port=self.port, authenticator=authenticate, auth_require_tls=False
        )

    @property
    def apprise_url(self) -> str:
        return (
            f"mailto://{self.user}:{self.password}@127.0.0.1:{self.port}"
            f"?from=newswatch@example.com&to=reader@example.com&smtp=127.0.0.1"
        )

    def __enter__(self) -> SmtpReceiver:
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._controller.stop()


def database(tmp_path):
    return open_database(f"sqlite:///{tmp_path}/t.db")


_counter = iter(range(1, 10**9))


def add_article(
    session,
    *,
    title: str = "India, US launch TRUST to replace iCET",
    source: str = "the-ledger",
    url: str | None = None,
    published_at: datetime | None = NOW - timedelta(hours=1),
    fetched_at: datetime = NOW,
    story_id: int | None = None,
    duplicate_of: int | None = None,
    outlet: str | None = None,
    text: str | None = None,
    topics: dict[str, list[str]] | None = None,
    matched_at: datetime | None = None,
) -> tuple[Article, list[TopicMatch]]:
    """An article as the crawler stores it (its own story unless `story_id`), with one match per
    topic in `topics` ({topic: [terms]}), flushed so it has an id."""
    number = next(_counter)
    url = url or f"https://ledger.example/news/{number}-story.html"
    article = Article(
        url=url,
        canonical_url=url,
        source=source,
        title=title,
        published_at=published_at,
        fetched_at=fetched_at,
        outlet=outlet,
        duplicate_of=duplicate_of,
        story_id=story_id,
        text=text
        or f"{title}. Officials said the initiative on critical and emerging technology "
        "would continue under a new name.",
        authors=[],
    )
    session.add(article)
    session.flush()
    if article.story_id is None:
        article.story_id = article.id
    matches = []
    for topic, terms in (topics if topics is not None else {"icet": ["iCET", "TRUST"]}).items():
        hits = [{"term": term, "field": "text", "snippet": f"... the {term} talks went ahead ..."} for term in terms]
        match = TopicMatch(
            article_id=article.id, topic=topic, score=float(len(terms)), hits=hits, created_at=matched_at or fetched_at
        )
        session.add(match)
        matches.append(match)
    session.flush()
    return article, matches


def alert_settings(**changes):
    """The `[alerts]` settings as newswatch builds them from a configuration that sets only
    `changes` (field names of AlertSettings): the configuration models own every default."""
    from dataclasses import replace

    from newswatch.scheduler.app import alert_settings as from_config
    from newswatch.scheduler.config import validate

    return replace(from_config(validate({}, "<test>", None, check_targets=False)), **changes)
