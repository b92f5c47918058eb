"""A hostile web on 127.0.0.1 for the reliability suite: what a stranger's server, or a broken
alert target, may do to newswatch. Each path answers as a test sets it: a body with any headers
(gzip bombs with or without Content-Encoding), a redirect, a body sent a byte at a time after the
headers (a dribbling server), a login it insists on, or a JSON webhook that answers slowly.

Every request is recorded with its headers, so a test can see what newswatch sent where."""

from __future__ import annotations

import base64
import gzip
import json
import threading
import time
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


def gzip_bomb(size: int, unit: bytes = b" ") -> bytes:
    """A gzip stream of `size` bytes of `unit` (whitespace inflates to a feed parser's delight):
    a thousandth of its size or less."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = unit * (1 << 20)
    parts, left = [], size
    while left > 0:
        parts.append(compressor.compress(chunk[: min(left, len(chunk))]))
        left -= len(chunk)
    parts.append(compressor.flush())
    return b"".join(parts)


def gzipped(body: bytes) -> bytes:
    return gzip.compress(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """Clients that give up (time-outs, size limits) reset connections: expected here."""


class HostileWeb:
    """Serve answers set per path, on 127.0.0.1 and a free port, from a background thread."""

    def __init__(self) -> None:
        self.routes: dict[str, Callable] = {}
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self.port = self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + "/" + path.lstrip("/")

    def __enter__(self) -> HostileWeb:
        threading.Thread(target=self._server.serve_forever, name="hostile-web", daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    # What a path answers ------------------------------------------------------------------

    def serve(self, path: str, body: bytes | str, content_type: str = "text/html; charset=utf-8", **headers) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = lambda h: h.answer(200, data, {"Content-Type": content_type, **_names(headers)})

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.routes[path] = lambda h: h.answer(status, b"", {"Location": location})

    def dribble(self, path: str, body: bytes, every: float, content_type: str = "text/html") -> None:
        """Headers at once, then the body one byte every `every` seconds (a slowloris answer)."""
        self.routes[path] = lambda h: h.dribble(200, body, every, {"Content-Type": content_type})

    def protect(self, path: str, user: str, password: str, body: bytes | str, content_type: str) -> None:
        """Answer `body` only to a request carrying HTTP basic credentials `user`:`password`."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

        def answer(handler) -> None:
            if handler.headers.get("Authorization") == expected:
                handler.answer(200, data, {"Content-Type": content_type})
            else:
                handler.answer(401, b"login required", {"WWW-Authenticate": 'Basic realm="news"'})

        self.routes[path] = answer

    # What was asked -----------------------------------------------------------------------

    def hits(self, path: str) -> int:
        return sum(1 for _, p, _, _ in self.requests if p == path)

    def headers_of(self, path: str) -> list[dict[str, str]]:
        return [headers for _, p, headers, _ in self.requests if p == path]

    def _handler(self):
        web = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def _route(self, method: str) -> None:
                path = urlsplit(self.path).path
                length = int(self.headers.get("Content-Length") or 0)
                body = self.body = self.rfile.read(length) if length else b""
                with web._lock:
                    web.requests.append((method, path, dict(self.headers), body))
                route = web.routes.get(path)
                if route is None:
                    self.answer(404, b"<html><body>Not found</body></html>", {"Content-Type": "text/html"})
                else:
                    route(self)

            def do_GET(self) -> None:
                self._route("GET")

            def do_POST(self) -> None:
                self._route("POST")

            def answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                try:
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def dribble(self, status: int, body: bytes, every: float, headers: dict[str, str]) -> None:
                try:
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.flush()
                    for byte in body:
                        time.sleep(every)
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler


def _names(headers: dict[str, str]) -> dict[str, str]:
    """Keyword spellings to header names: content_encoding -> Content-Encoding."""
    return {"-".join(part.capitalize() for part in key.split("_")): value for key, value in headers.items()}


class SlowHook:
    """A json:// alert target that takes its time: it waits `delay` seconds before answering, or
    (with `dribble`) answers 200 at once and then sends its body a byte every `dribble` seconds.
    It records every post with its headers as it arrives, before answering. `delay` and
    `dribble` may be changed while it runs (a target that gets well again)."""

    def __init__(self, delay: float = 0.0, dribble: float = 0.0, body: bytes = b"accepted, thank you") -> None:
        self.posts: list[dict] = []
        self.headers: list[dict[str, str]] = []
        self.delay, self.dribble = delay, dribble

        def answer(handler) -> None:
            self.posts.append(json.loads(handler.body or b"{}"))
            self.headers.append(dict(handler.headers))
            if self.dribble:
                handler.dribble(200, body, self.dribble, {"Content-Type": "text/plain"})
                return
            time.sleep(self.delay)
            handler.answer(200, b"", {})

        self.web = HostileWeb()
        self.web.routes["/hook"] = answer

    @property
    def apprise_url(self) -> str:
        return f"json://127.0.0.1:{self.web.port}/hook"

    def __enter__(self) -> SlowHook:
        self.web.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.web.__exit__(*exc)
