"""A small local "news web" on 127.0.0.1: serves a folder of feeds and pages, for `newswatch
demo` and for the test suite.

Files may hold date placeholders, filled in at request time so a bundled site always looks
fresh: `{{rfc822:-2h}}` (RSS dates), `{{iso:-30m}}` (Atom, HTML meta). Responses carry an ETag
and Last-Modified and answer conditional requests with 304. Faults (a status, a delay, extra
headers) can be set per path, and every request is logged, so tests can see what was fetched.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

_PLACEHOLDER = re.compile(r"\{\{(rfc822|iso|date):([+-]\d+)([smhd])\}\}")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_TYPES = {
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".xml": "application/xml",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
}


@dataclass
class Fault:
    status: int = 500
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)  # a Content-Type here replaces text/plain
    body: bytes = b"error"
    times: int | None = None  # fail this many requests, then serve normally (None: always)


def render_dates(text: str, now: datetime) -> str:
    def _fill(found: re.Match) -> str:
        moment = now + timedelta(seconds=int(found.group(2)) * _UNITS[found.group(3)])
        kind = found.group(1)
        if kind == "rfc822":
            return format_datetime(moment, usegmt=True)
        if kind == "date":
            return moment.date().isoformat()
        return moment.isoformat()

    return _PLACEHOLDER.sub(_fill, text)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """Clients that give up (time-outs, size limits) reset connections: not worth a traceback."""


class NewsWeb:
    """Serve `root` on 127.0.0.1 (a free port unless given) in a background thread."""

    def __init__(self, root: Path, port: int = 0, now: datetime | None = None) -> None:
        self.root = Path(root)
        # Relative dates ({{iso:-30m}}) count from when this web was made, not from when the
        # process started: a test late in a long run must see "30 minutes ago" as 30 minutes ago.
        self.now = now or datetime.now(UTC).replace(microsecond=0)
        self.faults: dict[str, Fault] = {}
        self.overrides: dict[str, tuple[bytes, str]] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", port), self._handler())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base_url + "/" + path.lstrip("/")

    def start(self) -> NewsWeb:
        self._thread = threading.Thread(target=self._server.serve_forever, name="newsweb", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> NewsWeb:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def serve(self, path: str, body: bytes | str, content_type: str = "text/html; charset=utf-8") -> None:
        """Serve `body` at `path` instead of (or in addition to) the folder's files."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        with self._lock:
            self.overrides["/" + path.lstrip("/")] = (data, content_type)

    def fail(self, path: str, fault: Fault) -> None:
        with self._lock:
            self.faults["/" + path.lstrip("/")] = fault

    def hits(self, path: str) -> int:
        path = "/" + path.lstrip("/")
        return sum(1 for _, p, _ in self.requests if p == path)

    def _content(self, path: str) -> tuple[bytes, str] | None:
        if path in self.overrides:
            return self.overrides[path]
        relative = path.lstrip("/") or "index.html"
        target = (self.root / relative).resolve()
        if target.is_dir():
            target = target / "index.html"
        if self.root.resolve() not in target.parents or not target.is_file():
            return None
        data = target.read_bytes()
        if b"{{" in data:
            data = render_dates(data.decode("utf-8"), self.now).encode("utf-8")
        return data, _TYPES.get(target.suffix, "application/octet-stream")

    def _handler(self):
        web = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet: the request log is kept in memory
                pass

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                with web._lock:
                    web.requests.append(("GET", path, dict(self.headers)))
                    fault = web.faults.get(path)
                    left = fault.times if fault is not None else None
                    if fault is not None and left is not None:
                        if left <= 0:
                            fault = None
                        else:
                            fault.times = left - 1
                if fault is not None:
                    if fault.delay:
                        time.sleep(fault.delay)
                    content_type = None if "Content-Type" in fault.headers else "text/plain"
                    self._send(fault.status, fault.body, content_type, fault.headers)
                    return
                content = web._content(path)
                if content is None:
                    self._send(404, b"<html><body><h1>Not found</h1></body></html>", "text/html")
                    return
                body, content_type = content
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                modified = format_datetime(web.now, usegmt=True)
                if self.headers.get("If-None-Match") == etag:
                    self._send(304, b"", None, {"ETag": etag, "Last-Modified": modified})
                    return
                self._send(200, body, content_type, {"ETag": etag, "Last-Modified": modified})

            def _send(self, status: int, body: bytes, content_type: str | None, headers=None) -> None:
                try:
                    self.send_response(status)
                    if content_type:
                        self.send_header("Content-Type", content_type)
                    for key, value in (headers or {}).items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if body:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler
