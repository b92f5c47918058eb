"""HTTP basic authentication for sources whose URL carries credentials (`http://bob:pw@host/feed`).

The user part is taken off the URL before Scrapy sees it (Scrapy cannot fetch a URL that has one,
and its errors would quote it) and sent as an `Authorization` header, only to the origin (scheme,
host and port) of the source's own URL: a listing that links to, or redirects to, another host
never receives it. Scrapy's HttpAuthMiddleware stays off (crawler/cycle.py): it knows one user per
spider, and a cycle crawls many sources.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Credentials:
    """Where a source's credentials may go, and the header that carries them."""

    origin: tuple[str, str, int]
    header: bytes


def origin_of(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of a URL, ports filled in; None when it has no host."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if not parts.hostname:
        return None
    return scheme, parts.hostname.lower().rstrip("."), port or _DEFAULT_PORTS.get(scheme, 0)


def split_credentials(url: str) -> tuple[str, Credentials | None]:
    """The URL without its user part, and the credentials it carried (None when it had none)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url, None
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    bare = urlunsplit((parts.scheme, hostport, parts.path, parts.query, parts.fragment))
    origin = origin_of(bare)
    if origin is None:
        return bare, None
    token = base64.b64encode(f"{unquote(user)}:{unquote(password)}".encode()).decode("ascii")
    return bare, Credentials(origin, f"Basic {token}".encode("ascii"))


class SourceAuthMiddleware:
    """Scrapy downloader middleware: each request of a source with credentials gets its
    Authorization header when it goes to that source's origin, and loses it anywhere else. It runs
    for every request, redirects included (a redirect copies the headers of the request it
    follows)."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self._by_source: dict[str, Credentials] | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _credentials(self) -> dict[str, Credentials]:
        if self._by_source is None:
            found = {}
            for spec in self.crawler.spider.context.sources:
                credentials = split_credentials(spec.url)[1]
                if credentials is not None:
                    found[spec.name] = credentials
            self._by_source = found
        return self._by_source

    def process_request(self, request, spider=None):
        credentials = self._credentials().get(request.meta.get("source"))
        if credentials is not None and origin_of(request.url) == credentials.origin:
            request.headers[b"Authorization"] = credentials.header
        elif b"Authorization" in request.headers:
            del request.headers[b"Authorization"]
        return None
