"""Who may use the web view, and proof that a form was sent from one of its own pages.

- Without `[web] password` the view serves loopback only, and answers only requests addressed to
  a loopback name (so a web page that rebinds its own domain to 127.0.0.1 cannot read it).
- With a password, pages need a session cookie (from /login); feeds and the JSON API also take
  HTTP basic authentication (any user name), so feed readers and scripts can use them.
- Every state-changing request (POST) carries a CSRF token: an HMAC of a random cookie value
  under the server's secret, which another site can neither read nor forge.

Tokens are HMACs under a secret drawn when the server starts, so a restart signs everyone out;
signing out revokes the session's token in this server's memory, which is all that could honour
it. Wrong passwords are counted per client (the login form and basic authentication alike):
after MAX_FAILURES within FAILURE_WINDOW, that client gets 429 until the oldest failure ages out,
without its password being looked at.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
import time
from collections import deque
from dataclasses import dataclass, field

SESSION_COOKIE = "nw_session"
CSRF_COOKIE = "nw_csrf"
SESSION_SECONDS = 30 * 86400
OPEN_PATHS = ("/login", "/static/")
MACHINE_PATHS = ("/api/", "/feeds/")  # answered with a basic-auth challenge, not a login page
MAX_FAILURES = 10  # wrong passwords one client may send within FAILURE_WINDOW seconds
FAILURE_WINDOW = 15 * 60
MAX_CLIENTS = 10_000  # clients with failures remembered at once (the oldest are forgotten first)


def is_loopback(host: str) -> bool:
    """Whether `host` (a name or an address, IPv6 with or without brackets) is this machine."""
    host = host.strip().strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The host of a Host header, without its port."""
    header = header.strip()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class Throttle:
    """Wrong passwords per client: `wait` says how long a client must wait before its next try
    counts (0: it may try now), `failed` records one. Time is passed in."""

    def __init__(self, limit: int = MAX_FAILURES, window: float = FAILURE_WINDOW) -> None:
        self.limit, self.window = limit, window
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, client: str, now: float) -> deque[float]:
        times = self._failures.get(client, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        if not times:
            self._failures.pop(client, None)
        return times

    def wait(self, client: str, now: float) -> float:
        times = self._recent(client, now)
        return times[0] + self.window - now if len(times) >= self.limit else 0.0

    def failed(self, client: str, now: float) -> None:
        times = self._recent(client, now)
        times.append(now)
        self._failures.pop(client, None)
        self._failures[client] = times  # the most recently failing client last
        while len(self._failures) > MAX_CLIENTS:
            del self._failures[next(iter(self._failures))]


@dataclass
class Guard:
    """The password (None: loopback only), the server's secret, the sessions signed out and the
    wrong-password counts."""

    password: str | None = None
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    throttle: Throttle = field(default_factory=Throttle)
    _revoked: dict[str, float] = field(default_factory=dict)  # session token -> when it expires anyway

    @property
    def protected(self) -> bool:
        return bool(self.password)

    def _sign(self, purpose: str, value: str) -> str:
        key = self.secret + (self.password or "").encode("utf-8")
        return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()

    # sessions -------------------------------------------------------------------------------

    def password_ok(self, given: str) -> bool:
        if not self.password:
            return False
        return hmac.compare_digest(given.encode("utf-8"), self.password.encode("utf-8"))

    def new_session(self, now: float | None = None) -> str:
        value = f"{int(now if now is not None else time.time())}.{secrets.token_urlsafe(12)}"
        return f"{value}.{self._sign('session', value)}"

    def session_ok(self, token: str | None, now: float | None = None) -> bool:
        if not token or token.count(".") != 2:
            return False
        value, _, signature = token.rpartition(".")
        if not hmac.compare_digest(signature, self._sign("session", value)):
            return False
        issued = value.split(".", 1)[0]
        moment = now if now is not None else time.time()
        if not (issued.isascii() and issued.isdigit() and 0 <= moment - int(issued) < SESSION_SECONDS):
            return False
        return token not in self._revoked

    def end_session(self, token: str | None, now: float | None = None) -> None:
        """Sign a session out: its token, if valid, is refused from now on."""
        moment = now if now is not None else time.time()
        if not self.session_ok(token, moment):
            return
        assert token is not None
        self._revoked = {t: until for t, until in self._revoked.items() if until > moment}
        self._revoked[token] = int(token.split(".", 1)[0]) + SESSION_SECONDS

    def basic_ok(self, header: str | None) -> bool:
        """Whether an Authorization header carries HTTP basic credentials with the password."""
        if not header or header[:6].lower() != "basic ":
            return False
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
        except ValueError:
            return False
        return self.password_ok(decoded.partition(":")[2])

    # CSRF -----------------------------------------------------------------------------------

    @staticmethod
    def new_csrf_seed() -> str:
        return secrets.token_urlsafe(24)

    def csrf_token(self, seed: str) -> str:
        return self._sign("csrf", seed)

    def csrf_ok(self, seed: str | None, token: str | None) -> bool:
        if not (seed and token):
            return False
        return hmac.compare_digest(token, self.csrf_token(seed))
