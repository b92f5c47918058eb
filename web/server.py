"""Serving the web view: `newswatch web` in the foreground, or beside `newswatch run` in a thread.

The listening socket is bound here, before uvicorn starts, so that a bad address or a port in
use is one clear error, and `--port 0` (any free port) can say which port it got.
"""

from __future__ import annotations

import contextlib
import functools
import signal
import socket
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from newswatch.scheduler.config import Config
from newswatch.scheduler.split import split_reports
from newswatch.web.auth import is_loopback
from newswatch.web.site import WebOptions

if TYPE_CHECKING:
    from newswatch.alerts.outbox import SendReport


class ServeError(Exception):
    """The web view cannot start; the message says why, in one line."""


def options_from(config: Config, send_due: Callable[[], SendReport] | None = None) -> WebOptions:
    return WebOptions(
        database_url=config.database_url,
        topics=tuple(config.topic_specs()),
        sources=tuple(config.source_specs()),
        max_age=config.settings.alerts.max_age,
        password=config.settings.web.password,
        alert_urls=tuple(config.settings.alerts.urls),
        send_due=send_due,
        split=functools.partial(split_reports, config),
    )


def check_host(host: str, password: str | None) -> None:
    if not password and not is_loopback(host):
        raise ServeError(
            f"{host} is beyond loopback and the web view has no password: set [web] password in the "
            "configuration first (or listen on 127.0.0.1)"
        )


def bind(host: str, port: int) -> socket.socket:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def _server(options: WebOptions, log_level: str):
    import uvicorn

    from newswatch.web.app import create_app

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self):
            """Stop on SIGINT/SIGTERM and return normally (uvicorn's own raises the signal again
            after shutting down, which would end the command with the signal's status)."""
            if threading.current_thread() is not threading.main_thread():
                yield
                return
            previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

    app = create_app(options)
    config = uvicorn.Config(app, log_level=log_level.lower(), access_log=False, server_header=False, lifespan="off")
    return Server(config)


def serve(options: WebOptions, sock: socket.socket, log_level: str = "warning") -> None:
    """Serve on `sock` until SIGINT/SIGTERM (uvicorn's own handlers stop it cleanly)."""
    _server(options, log_level).run(sockets=[sock])


class Background:
    """The web view on a thread of another process (`newswatch run` with `[web] listen`)."""

    def __init__(self, options: WebOptions, sock: socket.socket, log_level: str = "warning"):
        self.server = _server(options, log_level)  # off the main thread: it leaves signals alone
        self.sock = sock
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, name="web", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)
        self.sock.close()
