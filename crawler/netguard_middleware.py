"""Scrapy downloader middleware that refuses requests to hosts newswatch must not reach.

Runs before every download, redirects included (a redirected request passes through the
downloader middlewares again), so a public URL can't bounce the crawler onto a private host.
"""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest

from newswatch.crawler.netguard import BlockedAddress, UnresolvableHost, check_url


class NetGuardMiddleware:
    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getbool("NEWSWATCH_ALLOW_PRIVATE"))

    def process_request(self, request, spider=None):
        try:
            check_url(request.url, self.allow_private)
        except UnresolvableHost as exc:
            raise IgnoreRequest(f"DNS lookup failed: {exc}") from None
        except BlockedAddress as exc:
            raise IgnoreRequest(f"refused: {exc}") from None
        return None
