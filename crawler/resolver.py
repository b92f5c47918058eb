"""The DNS resolver a crawl connects with: Scrapy's caching resolver, refusing any answer the
address guard would refuse (crawler/netguard.py).

Twisted connects to the address this resolver returns, so the address checked is the address
used: a name that answers with a public address when the guard looks and a private one when the
fetch connects (DNS rebinding) is refused. A configured HTTP proxy is exempt: the crawl connects
to it, and the proxy resolves the names it is asked for.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit
from urllib.request import getproxies

from scrapy.resolver import CachingThreadedResolver

from newswatch.crawler.netguard import BlockedAddress, check_answer

log = logging.getLogger("newswatch.netguard")


def _proxy_hosts() -> frozenset[str]:
    hosts = set()
    for proxy in getproxies().values():
        try:
            host = urlsplit(proxy if "://" in proxy else f"http://{proxy}").hostname
        except ValueError:
            continue
        if host:
            hosts.add(host.lower())
    return frozenset(hosts)


class GuardedResolver(CachingThreadedResolver):
    allow_private = False
    exempt: frozenset[str] = frozenset()

    @classmethod
    def from_crawler(cls, crawler, reactor):
        resolver = super().from_crawler(crawler, reactor)
        resolver.allow_private = crawler.settings.getbool("NEWSWATCH_ALLOW_PRIVATE")
        resolver.exempt = _proxy_hosts()
        return resolver

    def getHostByName(self, name, timeout=()):
        found = super().getHostByName(name, timeout)
        if not self.allow_private and name.lower() not in self.exempt:
            found.addCallback(_checked, name)
        return found


def _checked(address: str, name: str) -> str:
    try:
        check_answer(name, address)
    except BlockedAddress as refused:
        # Twisted reports any failed lookup as "no results": the reason goes to the log.
        log.warning("refused at connection time (the name's answer changed after the check?): %s", refused.reason)
        raise
    return address
