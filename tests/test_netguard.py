"""Refusing URLs that point at loopback, private, link-local and other non-public addresses."""

from __future__ import annotations

import pytest

from newswatch.crawler.netguard import BlockedAddress, UnresolvableHost, check_url, is_public_address, parse_ip_host

NON_PUBLIC = {
    "loopback": ["http://127.0.0.1/", "http://127.8.9.10:8080/x", "http://[::1]/", "http://localhost/"],
    "private": ["http://10.0.0.5/", "http://172.16.3.4/", "http://192.168.1.1/admin", "http://[fd00::1]/"],
    "link-local": ["http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/"],
    "multicast": ["http://224.0.0.1/", "http://[ff02::1]/"],
    "reserved": ["http://240.0.0.1/", "http://255.255.255.255/"],
    "unspecified": ["http://0.0.0.0/", "http://[::]/"],
    "shared address space": ["http://100.64.0.1/", "http://100.127.255.254/"],
    "special-purpose": [
        "http://192.0.0.8/",  # IETF protocol assignments (192.0.0.0/24): "global" to Python 3.11.7
        "http://192.0.0.170/",
        "http://192.0.2.10/",  # documentation
        "http://198.18.0.1/",  # benchmarking
        "http://[3fff::1]/",  # documentation (2024)
        "http://[5f00::1]/",  # SRv6 segment ids
        "http://[2001:2::1]/",  # IETF protocol assignments, IPv6
    ],
    "IPv4 inside IPv6": ["http://[::ffff:127.0.0.1]/", "http://[::ffff:169.254.169.254]/", "http://[2002:7f00:1::]/"],
    "numeric spellings": [
        "http://2130706433/",  # 127.0.0.1 as one decimal number
        "http://0x7f.1/",  # hex first byte, last part fills three bytes
        "http://0177.0.0.1/",  # octal
        "http://127.1/",
        "http://0xa9fea9fe/",  # 169.254.169.254 as one hex number
        "http://127.0.0.1./",  # trailing dot
    ],
}
CASES = [(kind, url) for kind, urls in NON_PUBLIC.items() for url in urls]


@pytest.mark.parametrize("kind, url", CASES, ids=[f"{k}:{u}" for k, u in CASES])
def test_non_public_addresses_are_refused(kind, url):
    with pytest.raises(BlockedAddress) as caught:
        check_url(url, allow_private=False)
    assert "allow_private_addresses" in caught.value.reason


@pytest.mark.parametrize("kind, url", CASES, ids=[f"{k}:{u}" for k, u in CASES])
def test_non_public_addresses_are_allowed_when_configured(kind, url):
    # Let through: the addresses it resolves to are the non-public ones it names.
    addresses = check_url(url, allow_private=True)
    assert addresses and not any(is_public_address(ip) for ip in addresses)


def test_refusal_names_the_address_class():
    with pytest.raises(BlockedAddress, match="link-local"):
        check_url("http://169.254.169.254/latest/meta-data/", allow_private=False)
    with pytest.raises(BlockedAddress, match="loopback"):
        check_url("http://0x7f.1/", allow_private=False)
    with pytest.raises(BlockedAddress, match="shared address space"):
        check_url("http://100.64.0.1/", allow_private=False)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/file",
        "gopher://127.0.0.1:6379/_INFO",
        "javascript:alert(1)",
        "//example.com/x",
        "example.com/x",
    ],
)
def test_non_http_schemes_are_refused_even_when_private_addresses_are_allowed(url):
    with pytest.raises(BlockedAddress, match="scheme"):
        check_url(url, allow_private=True)


@pytest.mark.parametrize(
    "url, address",
    [
        ("http://93.184.215.14/", "93.184.215.14"),
        ("https://8.8.8.8/dns", "8.8.8.8"),
        ("https://[2606:4700:4700::1111]/", "2606:4700:4700::1111"),
    ],
)
def test_public_addresses_pass(url, address):
    assert [str(ip) for ip in check_url(url, allow_private=False)] == [address]


def test_unresolvable_host_fails_with_its_own_error():
    with pytest.raises(UnresolvableHost, match="does not resolve"):
        check_url("https://no-such-host.invalid/news", allow_private=False)


def test_unresolvable_host_is_also_a_blocked_address():
    assert issubclass(UnresolvableHost, BlockedAddress)


@pytest.mark.parametrize("url", ["http://evil.example.com\\@127.0.0.1/", "http://exa mple.com/"])
def test_hosts_with_backslashes_or_spaces_are_refused(url):
    with pytest.raises(BlockedAddress):
        check_url(url, allow_private=True)


def test_url_without_host_is_refused():
    with pytest.raises(BlockedAddress, match="no host"):
        check_url("http:///path-only", allow_private=True)


@pytest.mark.parametrize(
    "address, public",
    [
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("224.0.0.251", False),
        ("0.0.0.0", False),
        ("::ffff:10.0.0.1", False),
        ("::ffff:8.8.8.8", True),
        ("64:ff9b::a00:1", False),  # NAT64 form of 10.0.0.1
        ("192.0.2.10", False),  # documentation range
    ],
)
def test_is_public_address(address, public):
    assert is_public_address(address) is public


@pytest.mark.parametrize(
    "host, address",
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("[::1]", "::1"),
    ],
)
def test_numeric_host_spellings_decode_to_the_address_resolvers_use(host, address):
    assert str(parse_ip_host(host)) == address


@pytest.mark.parametrize("host", ["example.com", "deadbeef", "0x", "1.2.3.4.5", "256.1.1.1", "08.1.1.1"])
def test_host_names_are_not_mistaken_for_addresses(host):
    assert parse_ip_host(host) is None


RESOLVE = """
import sys
from twisted.internet import asyncioreactor
asyncioreactor.install()
from twisted.internet import reactor
from scrapy.utils.test import get_crawler
from newswatch.crawler.cycle import scrapy_settings
from newswatch.scheduler.app import crawl_settings
from newswatch.scheduler.config import validate
from scrapy.utils.misc import load_object

crawl = {"crawl": {"allow_private_addresses": sys.argv[1] == "allow"}}
settings = scrapy_settings(crawl_settings(validate(crawl, "<test>", None, check_targets=False)))
resolver = load_object(settings["TWISTED_DNS_RESOLVER"]).from_crawler(get_crawler(settings_dict=settings), reactor)

def done(result):
    print("ANSWER", getattr(result, "value", result))
    reactor.stop()

reactor.callWhenRunning(lambda: resolver.getHostByName("localhost").addBoth(done))
reactor.run()
"""


@pytest.mark.parametrize(
    "allow, answer", [("refuse", "refusing loopback address localhost -> 127.0.0.1"), ("allow", "127.0.0.1")]
)
def test_the_crawl_connects_only_to_an_address_the_guard_has_checked(allow, answer):
    """The resolver Twisted connects with refuses what the guard refuses, at the moment of the
    connection: a name that changes its answer after the guard's check (DNS rebinding) is caught
    there too."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", RESOLVE, allow], capture_output=True, text=True, timeout=60)
    assert f"ANSWER {answer}" in result.stdout, result.stderr
