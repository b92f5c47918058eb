"""Find the article links on a listing page (a section front, a "latest news" page, a home page).

For `page` sources the configured CSS selector says where the article links are. Without one,
the links are chosen by their shape: on the same site, outside the page's header, navigation,
footer and asides, and with a path that looks like an article (a long hyphenated slug, a numeric
id, a date, or an .html/.cms/.ece ending) rather than a section, tag, author, login or share page.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

import lxml.html
from cssselect import SelectorError
from lxml import etree
from tld import get_fld

from newswatch.crawler.extract import decode_html

_CHROME_TAGS = {"header", "nav", "footer", "aside", "form"}
_CHROME_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar"}
# Class and id words that mark furniture. Plain "header"/"footer" are left out: teaser cards
# use "card-header" for the very headline link we want.
_CHROME_CLASS = re.compile(
    r"(^|[\s_-])(nav|navbar|navigation|menu|megamenu|breadcrumbs?|masthead|site-header|site-footer|"
    r"global-header|global-footer|share|sharing|social|pagination|pager|skip-link|cookie)($|[\s_-])",
    re.IGNORECASE,
)
_NON_PAGE_EXTENSIONS = re.compile(
    r"\.(jpe?g|png|gif|webp|avif|svg|ico|bmp|tiff?|pdf|zip|gz|rar|7z|mp3|mp4|m4a|wav|ogg|webm|mov|avi|"
    r"docx?|xlsx?|pptx?|csv|json|xml|rss|atom|js|css|woff2?|ttf|eot|apk|exe|dmg)$",
    re.IGNORECASE,
)
_ARTICLE_ENDINGS = re.compile(r"\.(html?|shtml|cms|ece|php|aspx?)$", re.IGNORECASE)
# Path segments that name an index, a person, an account or a utility page, not an article.
_INDEX_SEGMENTS = {
    "tag",
    "tags",
    "topic",
    "topics",
    "category",
    "categories",
    "section",
    "sections",
    "author",
    "authors",
    "profile",
    "profiles",
    "people",
    "contributor",
    "contributors",
    "writer",
    "columnist",
    "search",
    "login",
    "signin",
    "sign-in",
    "logout",
    "signup",
    "sign-up",
    "register",
    "account",
    "my-account",
    "subscribe",
    "subscription",
    "subscriptions",
    "newsletter",
    "newsletters",
    "about",
    "about-us",
    "contact",
    "contact-us",
    "privacy",
    "privacy-policy",
    "terms",
    "terms-of-use",
    "terms-and-conditions",
    "cookie-policy",
    "cookies",
    "advertise",
    "careers",
    "jobs",
    "sitemap",
    "feed",
    "feeds",
    "rss",
    "share",
    "sharer",
    "print",
    "page",
    "archive",
    "archives",
    "epaper",
    "e-paper",
    "podcasts",
    "subscribe-now",
    "help",
    "faq",
    "wp-login.php",
    "cdn-cgi",
    "wp-admin",
    "wp-json",
}
_INDEX_PREFIXES = {"author", "tag", "tags", "topic", "topics", "category"}
_INDEX_STEMS = {"index", "default", "home", "main", "about", "contact", "privacy", "terms", "sitemap", "login"}
_SHARE_QUERY = re.compile(r"(^|&)(share|utm_medium=social|sharer|shareurl)=", re.IGNORECASE)
_DATE_IN_PATH = re.compile(
    r"/(19|20)\d{2}[/-](0?[1-9]|1[0-2]|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[/-](0?[1-9]|[12]\d|3[01])(/|-|$)"
    r"|/(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(/|-|$)"
    r"|/(19|20)\d{2}/(0?[1-9]|1[0-2]|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*/[^/]+",
    re.IGNORECASE,
)
_NUMERIC_ID = re.compile(r"(?<![0-9])\d{5,}(?![0-9])")
_YEAR_ONLY = re.compile(r"^(19|20)\d{2}$")


def _is_chrome(element: etree._Element) -> bool:
    """Whether the element sits in page furniture: header, navigation, footer, aside, menus."""
    for node in element.iterancestors():
        if not isinstance(node.tag, str):
            continue
        if node.tag in _CHROME_TAGS:
            return True
        if (node.get("role") or "").lower() in _CHROME_ROLES:
            return True
        marker = f"{node.get('class') or ''} {node.get('id') or ''}"
        if marker.strip() and _CHROME_CLASS.search(marker):
            return True
    return False


def _site(host: str) -> str:
    """The registered domain (thehindu.com for www.thehindu.com), or the host when unknown."""
    host = host.lower().rstrip(".")
    domain = get_fld(host, fix_protocol=True, fail_silently=True)
    return domain or host.removeprefix("www.")


def _clean(href: str | None, base: str) -> str | None:
    """Absolute http(s) URL without fragment, or None for mailto:, javascript:, tel:, anchors."""
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    url = urljoin(base, href)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def looks_like_article(url: str) -> bool:
    """Whether a URL's shape says "one article": an article-like path and no index segment."""
    parts = urlsplit(url)
    path = parts.path
    segments = [s for s in path.split("/") if s]
    if not segments:
        return False
    if _NON_PAGE_EXTENSIONS.search(path) or _SHARE_QUERY.search(parts.query):
        return False
    for segment in segments:
        name = _ARTICLE_ENDINGS.sub("", segment).lower()
        # "author-jane-doe-123.cms" is a profile however long its slug.
        if name in _INDEX_SEGMENTS or name.split("-", 1)[0] in _INDEX_PREFIXES:
            return False
    last = segments[-1]
    stem = _ARTICLE_ENDINGS.sub("", last)
    words = [w for w in re.split(r"[-_+]", stem) if w]
    if len(words) >= 4 and len(stem) >= 15:
        return True
    numbers = [n for n in _NUMERIC_ID.findall(path + "?" + parts.query) if not _YEAR_ONLY.match(n)]
    if numbers:
        return True
    if _DATE_IN_PATH.search(path):
        return True
    return bool(_ARTICLE_ENDINGS.search(last)) and stem.lower() not in _INDEX_STEMS and len(stem) >= 8


def _parse(html: bytes | str) -> lxml.html.HtmlElement | None:
    text = decode_html(html)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


def _base_url(tree: lxml.html.HtmlElement, url: str) -> str:
    base = tree.find(".//base[@href]")
    return urljoin(url, base.get("href").strip()) if base is not None else url


def article_links(html: bytes | str, url: str, selector: str | None = None) -> list[str]:
    """Absolute URLs of the articles linked from the listing page at `url`, deduplicated, in
    page order.

    With `selector` (CSS): the hrefs of the matched elements - the element itself when it is an
    `<a>`, else the `<a>` elements inside it; only non-http links are dropped. Without: the
    same-site, article-shaped links outside the page's header, navigation, footer and asides.
    Raises ValueError for a selector that is not valid CSS."""
    tree = _parse(html)
    if tree is None:
        return []
    base = _base_url(tree, url)
    page = _clean(url, url)

    if selector:
        try:
            matched = tree.cssselect(selector)
        except SelectorError as exc:
            raise ValueError(f"invalid CSS selector {selector!r}: {exc}") from None
        anchors = []
        for element in matched:
            if element.tag == "a":
                anchors.append(element)
            else:
                anchors.extend(element.iter("a"))
        candidates = [_clean(a.get("href"), base) for a in anchors]
    else:
        site = _site(urlsplit(url).hostname or "")
        candidates = []
        for anchor in tree.iter("a"):
            link = _clean(anchor.get("href"), base)
            if link is None or _site(urlsplit(link).hostname or "") != site:
                continue
            if {"author", "tag", "category"} & set((anchor.get("rel") or "").lower().split()):
                continue
            if not looks_like_article(link) or _is_chrome(anchor):
                continue
            candidates.append(link)

    seen: set[str] = set()
    links = []
    for link in candidates:
        if link and link != page and link not in seen:
            seen.add(link)
            links.append(link)
    return links
