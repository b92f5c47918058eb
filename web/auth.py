"""Who may use the web view, and proof that a form was sent from one of its own pages.

- Without `[web] password` the view serves loopback only, and answers only requests addressed to
  a loopback name (so a web page that rebinds its own domain to 127.0.0.1 cannot read it).
- With a password, pages need a session cookie (from /login); feeds and the JSON API also take
  HTTP basic authentication (any user name), so feed readers and scripts can use them.
- Every state-changing request (POST) carries a CSRF token: an HMAC of a random cookie value
  under the server's secret, which another site can neither read nor forge.

Tokens are stateless: HMACs under a secret drawn when the server starts, so a restart signs
everyone out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
import time
from dataclasses import dataclass, field

SESSION_COOKIE = "nw_session"
CSRF_COOKIE = "nw_csrf"
SESSION_SECONDS = 30 * 86400
OPEN_PATHS = ("/login", "/static/")
MACHINE_PATHS = ("/api/", "/feeds/")  # answered with a basic-auth challenge, not a login page


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


@dataclass
class Guard:
    """The password (None: loopback only) and the server's secret."""

    password: str | None = None
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))

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
        return issued.isdigit() and 0 <= moment - int(issued) < SESSION_SECONDS

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
