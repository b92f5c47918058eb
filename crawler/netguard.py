"""Refuse to fetch URLs that point inside the network we run in.

Feeds, sitemaps and listing pages are written by strangers, and a link in one of them can name
`http://169.254.169.254/` (a cloud metadata service), `http://localhost:6379/`, a router's admin page
or an intranet host. `check_url` is called before every request: it allows only http(s), resolves
the host the way the fetcher will, and refuses the URL unless every address it resolves to is a
public one. Numeric host spellings that resolvers accept (`2130706433`, `0x7f.1`, `0177.0.0.1`,
`127.1`, `[::ffff:127.0.0.1]`) are decoded first, so they cannot slip past as "names".

The crawl also connects only to an address that passed this check: the DNS resolver Scrapy
connects with (crawler/resolver.py) checks each answer with `check_answer` before Twisted uses it. A
name whose answer changes between the middleware's check and the fetch (DNS rebinding: public
for the check, 127.0.0.1 for the fetch) is refused at the fetch too.

Which addresses are public follows the IANA special-purpose registries, not only Python's
`ipaddress` (older Pythons call 192.0.0.8 global).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import urlsplit

ALLOWED_SCHEMES = ("http", "https")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# 100.64.0.0/10 is carrier-grade NAT space: reachable only inside an ISP or a cloud VPC.
_SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")
# NAT64 well-known prefix: the last 32 bits are an IPv4 address reached through a translator.
_NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")
_BAD_NETLOC_CHARS = re.compile(r"[\\\s\x00-\x1f\x7f]")
# IANA's special-purpose blocks that are not globally reachable, whatever this Python's ipaddress
# says of them (its lists changed in 3.11.10, 3.12.4 and 3.13). 192.0.0.0/24 is refused whole:
# its two anycast addresses serve no news.
_SPECIAL_PURPOSE = tuple(
    ipaddress.ip_network(block)
    for block in (
        "0.0.0.0/8",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "240.0.0.0/4",
        "255.255.255.255/32",
        "64:ff9b:1::/48",
        "100::/64",
        "2001::/23",
        "2001:db8::/32",
        "3fff::/20",
        "5f00::/16",
        "fc00::/7",
        "fec0::/10",
    )
)


class BlockedAddress(ValueError):
    """A URL we refuse to fetch: wrong scheme, or a host that is not (only) on the public internet.

    `reason` is a one-line explanation fit for a source's error column."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class UnresolvableHost(BlockedAddress):
    """The host name does not resolve (dead domain, typo, DNS failure). A subclass of
    BlockedAddress so one `except` covers every refusal, yet callers can tell the two apart."""


def _address_class(ip: IPAddress) -> str | None:
    """Name the non-public class `ip` belongs to, or None when it is a public unicast address."""
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv4-mapped and NAT64 addresses reach the embedded IPv4 address: it alone decides.
        translated = ip.ipv4_mapped
        if translated is None and ip in _NAT64_PREFIX:
            translated = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if translated is not None:
            inner = _address_class(translated)
            return f"{inner} (embedded in IPv6 {ip})" if inner is not None else None
        # 6to4 and Teredo tunnel towards the embedded address: refuse a non-public one.
        tunnelled = ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if tunnelled is not None and _address_class(tunnelled) is not None:
            return f"{_address_class(tunnelled)} (embedded in IPv6 {ip})"
    # Order matters only for the message: the most specific name wins.
    if ip.is_unspecified:
        return "unspecified address"
    if ip.is_loopback:
        return "loopback address"
    if ip.is_link_local:
        return "link-local address"
    if ip.is_multicast:
        return "multicast address"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED_ADDRESS_SPACE:
        return "shared address space (carrier-grade NAT)"
    if ip.is_private:
        return "private address"
    if ip.is_reserved:
        return "reserved address"
    for block in _SPECIAL_PURPOSE:
        if ip.version == block.version and ip in block:
            return f"special-purpose address ({block})"
    if not ip.is_global:
        return "non-global address"
    return None


def is_public_address(ip: str | IPAddress) -> bool:
    """True when `ip` is a public unicast address: not loopback, private, link-local, multicast,
    reserved, unspecified or shared (100.64/10), and no IPv6 wrapper around such an address."""
    if isinstance(ip, str):
        ip = ipaddress.ip_address(ip.strip("[]"))
    return _address_class(ip) is None


def _parse_ipv4_number(part: str) -> int | None:
    """One dotted component as inet_aton reads it: 0x.. hex, 0.. octal, else decimal."""
    if not part:
        return None
    try:
        if part[:2].lower() == "0x":
            return int(part[2:], 16)
        if len(part) > 1 and part[0] == "0":
            return int(part[1:], 8)
        if part.isdigit():
            return int(part, 10)
    except ValueError:
        return None
    return None


def parse_ip_host(host: str) -> IPAddress | None:
    """The IP address a URL host denotes, or None when the host is a name.

    Besides standard IPv4 and IPv6 literals, accepts the legacy forms resolvers still honour:
    one to four components, each decimal, octal or hex, the last filling the remaining bytes."""
    host = host.strip("[]").rstrip(".")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    parts = host.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    numbers = [n for n in map(_parse_ipv4_number, parts) if n is not None]
    if len(numbers) != len(parts):
        return None
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (4 - len(head)):
        return None
    value = 0
    for n in head:
        value = value * 256 + n
    value = value * 256 ** (4 - len(head)) + last
    return ipaddress.IPv4Address(value)


def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnresolvableHost(f"host {host!r} does not resolve: {exc}") from None
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        # IPv6 sockaddrs may carry a zone ("fe80::1%eth0"); the zone does not change the class.
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise UnresolvableHost(f"host {host!r} resolves to no address")
    return addresses


def check_url(url: str, allow_private: bool) -> list[IPAddress]:
    """The addresses `url`'s host resolves to (its literal address, decoded), when it is http(s)
    and every one of them is one we may fetch: public, or any when `allow_private` is true.
    Otherwise raise BlockedAddress; UnresolvableHost (a BlockedAddress) when the host name does
    not resolve."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise BlockedAddress(f"malformed URL {url!r}: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise BlockedAddress(f"scheme {scheme or '(none)'!r} is not allowed, only http and https: {url}")
    host = parts.hostname
    if not host:
        raise BlockedAddress(f"URL has no host: {url}")
    if _BAD_NETLOC_CHARS.search(parts.netloc):
        raise BlockedAddress(f"URL host part contains backslashes, spaces or control characters: {url!r}")
    if port is None:
        port = 443 if scheme == "https" else 80

    literal = parse_ip_host(host)
    addresses = [literal] if literal is not None else _resolve(host, port)
    if allow_private:
        return addresses
    for ip in addresses:
        kind = _address_class(ip)
        if kind is not None:
            shown = f"{host} -> {ip}" if str(ip) != host.strip("[]") else str(ip)
            raise BlockedAddress(f"refusing {kind} {shown} (allow_private_addresses is off): {url}")
    return addresses


def check_answer(name: str, address: str) -> None:
    """Raise BlockedAddress unless `address`, a DNS answer for `name`, is public."""
    kind = _address_class(ipaddress.ip_address(address.split("%", 1)[0]))
    if kind is not None:
        raise BlockedAddress(f"refusing {kind} {name} -> {address} (allow_private_addresses is off)")
