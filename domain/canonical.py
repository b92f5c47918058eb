"""The canonical address of an article: the one key that recognises it again.

The same article reaches us under many addresses: with campaign parameters from a feed or a
share button, as an AMP or mobile page, with or without a trailing slash, through an AMP cache.
`canonical_url` folds them into one URL, preferring the page's own rel=canonical / og:url when
that is trustworthy. It is pure: no network, no configuration, no database.

It must not guess beyond what the URL says: a desktop address that cannot be derived from an
AMP/mobile one (a different host, a site-specific AMP path) is left to the page's own canonical
link, which the caller passes in after fetching.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

import tldextract
from w3lib.url import canonicalize_url

# Exact names (compared case-insensitively) of parameters that only say where a click came from.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "ysclid",
        "twclid",
        "ttclid",
        "igshid",
        "igsh",
        "li_fat_id",
        "epik",
        "srsltid",
        "mc_cid",
        "mc_eid",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "rb_clickid",
        "s_cid",
        "vero_conv",
        "vero_id",
        "wickedid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "__hstc",
        "__hssc",
        "__hsfp",
        "hsctatracking",
        "spm",
        "scm",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "cmpid",
        "cmp",
        "ito",
        "ico",
        "ocid",
        "smid",
        "smtyp",
        "partner",
        "emc",
        "sr_share",
        "socialshare",
        "source",
        "guccounter",
        "guce_referrer",
        "guce_referrer_sig",
        "soc_src",
        "soc_trk",
        "__twitter_impression",
        "trk",
        "trkid",
        "fb_action_ids",
        "fb_action_types",
        "fb_ref",
        "fb_source",
        "action_object_map",
        "action_type_map",
        "action_ref_map",
        "ncid",
        "usqp",
        "_amp",
    }
)
# Name prefixes of tracking families (utm_source, pk_campaign, at_medium, ...).
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "at_", "hsa_", "ga_", "itm_", "amp_", "ns_", "mc_")
# Parameters that are tracking only with these values; elsewhere they may select content.
TRACKING_VALUES = {"from": {"mdr", "rss", "feed"}, "outputtype": {"amp"}, "output": {"amp"}}

# Host labels that mark a mobile or AMP edition of the desktop site.
_EDITION_LABELS = ("m", "mobile", "amp")
# Paths a CMS puts in rel=canonical when it has no better idea: a home or language-home page.
_HOME_SEGMENTS = {"index.html", "index.htm", "index.php", "index.cms", "home", "default.aspx"}
_LANGUAGE_HOME = re.compile(r"^[a-z]{2}(?:[-_][a-z]{2})?$")
_AMP_HTML_SUFFIX = re.compile(r"(?<=[0-9a-z])[-_.]amp\.html$", re.IGNORECASE)
# Feeds pretty-print links across lines ("\n        https://..."); a URL never holds a line break.
_LINE_BREAKS = re.compile(r"\s*[\r\n]\s*")

# The Public Suffix List snapshot bundled with tldextract (a Scrapy dependency); never fetched.
_SUFFIXES = tldextract.TLDExtract(
    cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True, include_psl_private_domains=True
)


def canonical_url(url: str, page_canonical: str | None = None) -> str:
    """The address under which this article is stored and recognised.

    `url` is where the article was fetched from (after redirects). `page_canonical` is the
    page's own rel=canonical or og:url, absolute or relative; it wins when it stays on the same
    registered domain and does not point at a home page. Non-http(s) input is returned trimmed.
    """
    fetched = _unwrap_amp_cache(_trim(url))
    chosen = fetched
    if page_canonical:
        declared = _trusted_page_canonical(fetched, page_canonical)
        if declared is not None:
            chosen = declared
    return _normalise(chosen)


def registered_domain(url: str) -> str:
    """The domain a registrant owns (`news.bbc.co.uk` -> `bbc.co.uk`), from a URL or a bare host.

    Uses the Public Suffix List snapshot shipped with tldextract, including its private section,
    so two blogs on one hosting service are two sites. IP addresses, `localhost` and hosts under
    no known suffix are returned as they are (lowercased, without port). Empty if there is no host.
    """
    host = _host_of(url)
    if not host:
        return ""
    if _is_ip(host):
        return host
    return _registered_domain_of_host(host)


def _trim(url: str | None) -> str:
    return _LINE_BREAKS.sub("", (url or "").strip())


def _host_of(url: str) -> str:
    text = (url or "").strip()
    if "//" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return ""
    return host.rstrip(".").lower()


@lru_cache(maxsize=4096)
def _registered_domain_of_host(host: str) -> str:
    parts = _SUFFIXES(host)
    # tldextract renamed registered_domain (deprecated since 5.3) to this.
    domain = getattr(parts, "top_domain_under_public_suffix", None)
    if domain is None:
        domain = parts.registered_domain
    return domain or host


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _unwrap_amp_cache(url: str) -> str:
    """The publisher's URL inside an AMP cache or Google AMP viewer URL, else `url`."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return url
    path = parts.path
    if host.endswith(".cdn.ampproject.org"):
        # /c/s/host/path is https, /c/host/path is http; /v/ is the viewer form of the same.
        match = re.match(r"^/[cv]/(s/)?(.+)$", path)
        if match:
            scheme = "https" if match.group(1) else "http"
            return _with_query(f"{scheme}://{match.group(2)}", parts.query)
    if host in {"www.google.com", "google.com"} and path.startswith("/amp/"):
        inner = path[len("/amp/") :]
        scheme = "http"
        if inner.startswith("s/"):
            scheme, inner = "https", inner[2:]
        if inner:
            return _with_query(f"{scheme}://{inner}", parts.query)
    return url


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def _trusted_page_canonical(fetched: str, declared: str) -> str | None:
    """The page's declared canonical, resolved against the fetched URL, if it can be trusted."""
    declared = _trim(declared)
    if not declared:
        return None
    try:
        resolved = _unwrap_amp_cache(urljoin(fetched, declared))
        parts = urlsplit(resolved)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if registered_domain(resolved) != registered_domain(fetched):
        return None
    if _is_home_page(parts.path, parts.query):
        return None
    return resolved


def _is_home_page(path: str, query: str) -> bool:
    if query:
        return False
    segments = [segment for segment in path.split("/") if segment]
    if not segments:
        return True
    if len(segments) == 1:
        segment = segments[0].lower()
        return segment in _HOME_SEGMENTS or bool(_LANGUAGE_HOME.match(segment))
    return False


def _normalise(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return url
    try:
        # Lowercases scheme and host, IDNA-encodes the host, normalises percent-escapes,
        # resolves dot segments, sorts the query and drops the fragment.
        url = canonicalize_url(url.replace("&amp;", "&"))
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme
    host = _desktop_host((parts.hostname or "").rstrip("."))
    netloc = host
    if port is not None and (scheme, port) not in (("http", 80), ("https", 443)):
        netloc = f"{host}:{port}"
    if parts.username:
        credentials = parts.username + (f":{parts.password}" if parts.password else "")
        netloc = f"{credentials}@{netloc}"
    path = _desktop_path(parts.path)
    query = _clean_query(parts.query)
    return urlunsplit((scheme, netloc, path, query, ""))


def _desktop_host(host: str) -> str:
    """`m.example.com` / `amp.example.com` / `mobile.example.com` -> `www.example.com`;
    `m.news.example.com` -> `news.example.com`; `en.m.wikipedia.org` -> `en.wikipedia.org`.

    `www.` is the guess for the bare registered domain because that is what most news sites
    serve their desktop pages on; sites that differ are corrected by their page canonical.
    """
    labels = host.split(".")
    if _is_ip(host) or len(labels) < 3:
        return host
    if labels[0] in _EDITION_LABELS:
        rest = ".".join(labels[1:])
        return "www." + rest if registered_domain(rest) == rest else rest
    if len(labels) >= 4 and labels[1] in ("m", "mobile"):
        return ".".join(labels[:1] + labels[2:])
    return host


def _desktop_path(path: str) -> str:
    """Strip AMP markers from a path and settle the trailing slash (none, except the root)."""
    segments = [segment for segment in path.split("/") if segment]
    if segments and segments[0].lower() == "amp":
        segments = segments[1:]
    if len(segments) >= 2 and segments[-2].lower() == "amp" and segments[-1].isdigit():
        segments = segments[:-2]  # NDTV-style /amp/1
    if segments and segments[-1].lower() in ("amp", "amp.html"):
        segments = segments[:-1]
    segments = [_desktop_segment(segment) for segment in segments]
    if segments:
        last = segments[-1]
        if _AMP_HTML_SUFFIX.search(last):
            last = _AMP_HTML_SUFFIX.sub(".html", last)
        elif last.lower().endswith(".amp") and len(last) > 4:
            last = last[:-4]
        segments[-1] = last
    return "/" + "/".join(segments)


def _desktop_segment(segment: str) -> str:
    # Times of India family: /amp_articleshow/123.cms is the AMP twin of /articleshow/123.cms.
    if segment.lower().startswith("amp_") and segment[4:].isalpha():
        return segment[4:]
    return segment


def _clean_query(query: str) -> str:
    """Drop noise parameters, keeping the others exactly as w3lib encoded and sorted them."""
    kept = []
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        if pair and not _is_noise_param(unquote_plus(name), unquote_plus(value)):
            kept.append(pair)
    return "&".join(kept)


def _is_noise_param(name: str, value: str) -> bool:
    lowered = name.lower()
    if lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES):
        return True
    if lowered == "amp":  # ?amp, ?amp=1, ?amp=true select the AMP rendering
        return True
    return value.lower() in TRACKING_VALUES.get(lowered, ())
