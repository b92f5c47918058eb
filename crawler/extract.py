"""Turn a fetched article page into an Article: decoded text, body, dates, authors, language.

trafilatura finds the article body; this module adds what it does not do well for news:

- Decoding that honours the HTTP charset, then the page's own declaration, then detection, and
  never produces mojibake from a page that is valid UTF-8 but labelled latin-1 (common when a
  server or CMS template states a default it does not use).
- Publication and update times with their time of day and offset. htmldate (inside trafilatura)
  returns a bare day; news pages state the exact time in JSON-LD `datePublished` or
  `article:published_time`, and feeds state it in `pubDate`. Everything ends up aware UTC.
- The JSON-LD `articleBody` when a site publishes the whole text there and the visible page
  yields only part of it (collapsed or lazily loaded paragraphs).
- The feed entry that led us to the page fills gaps: title, date, authors, language, image, and
  the body itself when the page yields nothing (paywalls, script-rendered pages).
- The declared language is checked against the text's script (crawler/language.py): a Hindi
  page that declares nothing, or a template's default "en", is still Hindi.
- Pages that are not articles (home and section pages, error pages, stubs) are refused with
  NotAnArticle and a one-line reason, so they are never matched or alerted on.
"""

from __future__ import annotations

import json
import re
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin, urlsplit

import lxml.html
import trafilatura
from charset_normalizer import from_bytes
from lxml import etree
from trafilatura.settings import Document
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding

from newswatch.crawler.feeds import html_to_text, normalize_language, normalize_space, parse_date
from newswatch.crawler.language import article_language
from newswatch.domain.chars import xml_safe
from newswatch.domain.items import Article, FeedEntry

MIN_ARTICLE_CHARS = 200
# A page that declares itself an article (og:type, JSON-LD, article:* meta), or that a feed or
# sitemap lists with a date under the headline the page carries, needs only this much text besides
# its headline: a flash, a two-line official statement, a paywalled page's lede are news, and a
# development they carry must not be lost for being short.
MIN_BRIEF_CHARS = 50

_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "backgroundnewsarticle",
    "askpublicnewsarticle",
    "blogposting",
    "liveblogposting",
    "socialmediaposting",
    "scholarlyarticle",
    "techarticle",
    "report",
}
# Single-byte charsets that servers and CMS templates declare by default. Real text in them
# practically never forms valid multi-byte UTF-8, so a body that does is UTF-8 mislabelled.
_LEGACY_SINGLE_BYTE = {"cp1252", "latin_1", "iso8859_1", "iso8859_15", "ascii", "cp1250", "iso8859_2"}
_HAS_TIME = re.compile(r"\d{1,2}:\d{2}")
_ERROR_TITLE = re.compile(
    r"\b(404|410|page not found|not found|no longer available|does not exist|doesn't exist|"
    r"access denied|forbidden|server error|something went wrong|error occurred)\b",
    re.IGNORECASE,
)
_BYLINE_PREFIX = re.compile(r"^\s*(by|written by|von|par|por)\s+", re.IGNORECASE)
# trafilatura cuts a byline at " of " ("John Smith of Reuters" -> "John Smith"), which also cuts
# the names of agencies and papers ("Press Trust of India" -> "Press Trust"). A cut name that
# opens with "The" or carries one of these words is an organisation's, and is given back its rest.
_ORGANISATION_WORDS = frozenset(
    "press trust times news agency ministry department bureau office government council institute "
    "university centre center embassy consulate commission board service services desk network "
    "society association federation foundation bank chamber corporation company group".split()
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# The options trafilatura parses with: comments and processing instructions left in the tree
# change what its extractor keeps.
_HTML_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False)

_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "publish-date",
    "publish_date",
    "publishdate",
    "pubdate",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.created",
    "date",
    "citation_publication_date",
    "article.published",
    "cxenseparse:recs:publishtime",
    "og:published_time",
)
_MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dcterms.modified",
    "dc.date.modified",
    "article.updated",
    "last-modified",
)


class NotAnArticle(ValueError):
    """The page holds no article we can extract. `reason` is one line, fit for a log or status."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _encoding_name(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip()
    if "/" in label or ";" in label or "=" in label:
        return http_content_type_encoding(label)
    return resolve_encoding(label.strip("\"'"))


def _looks_utf16(body: bytes) -> bool:
    """Whether the page's opening has the NUL bytes that UTF-16 gives markup and Latin text."""
    head = body[:2048]
    return head.count(0) * 8 >= len(head)


def _prefers_utf8(body: bytes, declared: str) -> bool:
    """A legacy single-byte declaration on a body that is valid UTF-8 with non-ASCII text."""
    if declared not in _LEGACY_SINGLE_BYTE or body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_declared_utf8(body: bytes) -> str:
    """Decode a body declared UTF-8 that is not entirely valid: a few stray bytes (a pasted ad
    snippet) are replaced, but a body that is mostly invalid was really a legacy charset."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = body.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    multibyte = len(text) - len(text.encode("ascii", errors="ignore")) - broken
    if broken > multibyte:
        return _detect(body)
    return text


def _detect(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    sample = body if len(body) <= 200_000 else body[:100_000] + body[-100_000:]
    best = from_bytes(sample).best()
    encoding = resolve_encoding(best.encoding) if best is not None else None
    # Undeclared non-UTF-8 pages in Latin script are overwhelmingly windows-1252 (what browsers
    # assume too), and on short pages the detector confuses it with its neighbours (cp1250,
    # latin-1); it is followed when it names another script's charset (Cyrillic, CJK, ...).
    if encoding is None or (encoding in _LEGACY_SINGLE_BYTE and encoding != "cp1252"):
        encoding = "cp1252"
    return body.decode(encoding, errors="replace")


def decode_html(body: bytes | str, headers_encoding: str | None = None) -> str:
    """Decode an HTML page: byte-order mark, then the HTTP charset (`headers_encoding`: the
    charset or the whole Content-Type header), then `<meta charset>` / http-equiv / the XML
    declaration, then detection. A page declared in a legacy single-byte charset but valid UTF-8
    is read as UTF-8."""
    if isinstance(body, str):
        return body
    bom_encoding, bom = read_bom(body)
    if bom_encoding and bom:
        return body[len(bom) :].decode(bom_encoding, errors="replace")
    in_page = html_body_declared_encoding(body)
    if in_page and in_page.startswith("utf-16"):
        # A page whose <meta> could be read as ASCII is not UTF-16, whatever it says (WHATWG).
        in_page = "utf-8"
    for declared in (_encoding_name(headers_encoding), in_page):
        if not declared:
            continue
        if declared.startswith("utf-16") and not _looks_utf16(body):
            continue  # a header's word against bytes that are plainly not two per character
        if declared == "utf_8" or declared == "utf-8":
            return _decode_declared_utf8(body)
        if _prefers_utf8(body, declared):
            return body.decode("utf-8")
        try:
            return body.decode(declared, errors="replace")
        except LookupError:
            continue
    return _detect(body)


@dataclass
class PageMetadata:
    """What a page says about itself in its head and structured data, before any extraction."""

    title: str | None = None
    headline: str | None = None  # JSON-LD headline
    og_title: str | None = None
    published: list[str] = field(default_factory=list)  # raw candidates, most trusted first
    modified: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    image: str | None = None
    canonical: str | None = None
    site_name: str | None = None
    article_body: str | None = None  # JSON-LD articleBody as plain text
    is_article: bool = False  # the page declares itself an article (og:type, JSON-LD, article:*)


def _json_ld_objects(tree: lxml.html.HtmlElement) -> list[dict]:
    objects: list[dict] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        raw = (script.text or "").strip().rstrip(";")
        if not raw:
            continue
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                objects.append(item)
                # Not itemListElement: a section page listing NewsArticles is no article itself.
                for key in ("@graph", "mainEntity"):
                    if isinstance(item.get(key), (list, dict)):
                        stack.append(item[key])
    return objects


def _types(obj: dict) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds if k}


def _names(value: object) -> list[str]:
    """Person names from a JSON-LD author value: a string, {"name": ...}, or a list of those."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, list):
            return [n for n in name if isinstance(n, str)]
        return [name] if isinstance(name, str) else []
    if isinstance(value, list):
        return [n for item in value for n in _names(item)]
    return []


def _first_url(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return _first_url(value.get("url") or value.get("contentUrl") or value.get("@id"))
    if isinstance(value, list) and value:
        return _first_url(value[0])
    return None


def clean_authors(names: list[str]) -> list[str]:
    """Author names tidied: "By " dropped, ";" and "|" lists split, URLs and duplicates removed."""
    cleaned: list[str] = []
    for raw in names:
        for part in re.split(r"\s*[;|]\s*", raw or ""):
            name = normalize_space(_BYLINE_PREFIX.sub("", html_to_text(part)))
            if not name or "://" in name or name.startswith("www.") or len(name) > 100:
                continue
            if name.casefold() not in {n.casefold() for n in cleaned}:
                cleaned.append(name)
    return cleaned


def uncut_organisations(names: list[str], page_text: str) -> list[str]:
    """`names` with each organisation's name that trafilatura cut at " of " given back its rest as
    the page writes it: "Press Trust" -> "Press Trust of India", "Ministry" -> "Ministry of External
    Affairs". A person's name ("John Smith" of "John Smith of Reuters") is left as it is."""
    restored = []
    for name in names:
        words = name.split()
        if words and (words[0].casefold() == "the" or _ORGANISATION_WORDS.intersection(w.casefold() for w in words)):
            written = re.search(
                re.escape(name) + r"\s+of\s+((?:the\s+)?[A-Z][\w&.'’-]*(?:\s+(?:and\s+|&\s+)?[A-Z][\w&.'’-]*){0,5})",
                page_text,
            )
            if written:
                name = normalize_space(f"{name} of {written.group(1)}")
        restored.append(name)
    return restored


def _meta_values(tree: lxml.html.HtmlElement) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or meta.get("http-equiv")
        content = meta.get("content")
        if key and content and content.strip():
            values.setdefault(key.strip().lower(), []).append(content.strip())
    return values


def page_metadata(tree: lxml.html.HtmlElement, url: str) -> PageMetadata:
    """Read title, dates, authors, language, image, canonical URL and JSON-LD body from a page."""
    meta = _meta_values(tree)
    info = PageMetadata()

    def first(*keys: str) -> str | None:
        for key in keys:
            if meta.get(key):
                return meta[key][0]
        return None

    title_el = tree.find(".//title")
    info.title = normalize_space(title_el.text_content()) if title_el is not None else None
    info.og_title = normalize_space(first("og:title", "twitter:title")) or None

    articles = [o for o in _json_ld_objects(tree) if _types(o) & _ARTICLE_TYPES]
    for obj in articles:
        info.is_article = True
        if not info.headline and isinstance(obj.get("headline"), str):
            info.headline = normalize_space(html_to_text(obj["headline"])) or None
        for key, bucket in (("datePublished", info.published), ("dateModified", info.modified)):
            if isinstance(obj.get(key), str):
                bucket.append(obj[key])
        if not info.authors:
            info.authors = clean_authors(_names(obj.get("author")))
        body = obj.get("articleBody")
        # Some CMSs put raw markup, escaped entities and template whitespace in articleBody.
        body = html_to_text(body) if isinstance(body, str) else ""
        if len(body) > len(info.article_body or ""):
            info.article_body = body
        info.image = info.image or _first_url(obj.get("image"))
        info.language = info.language or (obj.get("inLanguage") if isinstance(obj.get("inLanguage"), str) else None)
        publisher = obj.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            info.site_name = info.site_name or publisher["name"]

    for key in _PUBLISHED_META:
        info.published.extend(meta.get(key, []))
    for key in _MODIFIED_META:
        info.modified.extend(meta.get(key, []))
    for node in tree.xpath('//*[@itemprop="datePublished" or @pubdate][@datetime]'):
        info.published.append(node.get("datetime"))

    if (first("og:type") or "").lower() == "article" or "article:published_time" in meta:
        info.is_article = True
    if not info.authors:
        info.authors = clean_authors(meta.get("author", []) + meta.get("article:author", []))

    html_lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    info.language = normalize_language(
        html_lang or first("og:locale") or info.language or first("content-language", "language", "dc.language")
    )
    info.image = info.image or first(
        "og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src"
    )
    if info.image:
        info.image = urljoin(url, info.image.strip())

    canonical = None
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            canonical = link.get("href")
            break
    canonical = canonical or first("og:url")
    if canonical:
        canonical = urljoin(url, canonical.strip())
        info.canonical = canonical if canonical.startswith(("http://", "https://")) else None
    info.site_name = normalize_space(first("og:site_name") or info.site_name) or None
    return info


def _parse_tree(text: str) -> lxml.html.HtmlElement | None:
    # lxml refuses str input that carries an encoding declaration; the text is decoded already.
    text = _XML_DECLARATION.sub("", text, count=1)
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text, parser=_HTML_PARSER)
    except (etree.ParserError, ValueError):
        return None


def _norm_key(text: str | None) -> str:
    return re.sub(r"\W+", " ", text or "").strip().casefold()


def _pick_date(
    candidates: list[str], fallback_day: str | None, feed_date: datetime | None, latest: datetime
) -> datetime | None:
    """The first page date that parses and is not in the future; a bare day is refined by the
    feed's timestamp when both name the same day, else taken as midnight UTC."""
    for raw in candidates:
        when = parse_date(raw)
        if when is None or when > latest:
            continue
        if _HAS_TIME.search(raw):
            return when
        return _refine_day(when, feed_date)
    if fallback_day:
        when = parse_date(fallback_day)
        if when is not None and when <= latest:
            return _refine_day(when, feed_date)
    return feed_date


def _refine_day(day: datetime, feed_date: datetime | None) -> datetime:
    # The page gives a local calendar day; the feed's instant may fall on the previous or next
    # UTC day depending on the publisher's offset.
    if feed_date is not None and abs(feed_date - day) < timedelta(days=1, hours=14):
        return feed_date
    return day


def _link_texts(tree: lxml.html.HtmlElement) -> set[str]:
    anchors = {_norm_key(a.text_content()) for a in tree.iter("a")}
    anchors.discard("")
    return anchors


def _link_share(text: str, tree: lxml.html.HtmlElement) -> float:
    """Share of the extracted text that is nothing but link texts (headline lists, menus)."""
    anchors = _link_texts(tree)
    lines = [line for line in text.split("\n") if line.strip()]
    total = sum(len(line) for line in lines)
    linked = sum(len(line) for line in lines if _norm_key(line) in anchors)
    return linked / total if total else 0.0


def _word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))


def _covers(longer: str, shorter: str) -> bool:
    """Whether `longer` contains most of the word 4-grams of `shorter`."""

    def grams(text: str) -> set[tuple[str, ...]]:
        words = re.findall(r"\w+", text.casefold())
        return {tuple(words[i : i + 4]) for i in range(max(len(words) - 3, 0))}

    small = grams(shorter)
    return bool(small) and len(small & grams(longer)) >= 0.8 * len(small)


def _body_text(doc_text: str, info: PageMetadata, title: str | None) -> str:
    text = doc_text.strip()
    body = info.article_body or ""
    # Sites that publish the full text in JSON-LD often render only part of it server-side.
    if _word_count(body) > 1.3 * _word_count(text) and (not text or _covers(body, text)):
        text = body
    lines = text.split("\n")
    # trafilatura keeps the headline as the body's first line; the title is stored on its own.
    if lines and title and _norm_key(lines[0]) == _norm_key(title):
        lines = lines[1:]
    return "\n".join(lines).strip()


def _same_headline(listed: str | None, title: str | None) -> bool:
    listed, title = _norm_key(listed), _norm_key(title)
    return bool(listed and title) and (listed in title or title in listed)


def _brief_body(body: str, feed_body: str, entry: FeedEntry | None, title: str, tree: lxml.html.HtmlElement) -> str:
    """The fullest of what the page, the feed's content and the feed's summary say of a short
    article. What a short extraction picks up besides the text (the headline again, menu links)
    does not count: a page whose text did not come through must not pass for a brief."""
    furniture = _link_texts(tree) | {_norm_key(title)}
    body = "\n".join(line for line in body.split("\n") if line.strip() and _norm_key(line) not in furniture)
    summary = html_to_text(entry.summary) if entry is not None and entry.summary else ""
    candidates = [text for text in (body, feed_body, summary) if _norm_key(text) not in furniture]
    return max(candidates, key=len, default="")


def _choose_title(info: PageMetadata, doc_title: str | None, entry: FeedEntry | None) -> str | None:
    for candidate in (info.headline, doc_title, info.og_title, entry.title if entry else None, info.title):
        candidate = normalize_space(candidate)
        if candidate:
            return candidate
    return None


def extract_article(
    html: bytes | str,
    url: str,
    source: str,
    fetched_at: datetime,
    entry: FeedEntry | None = None,
    headers_encoding: str | None = None,
) -> Article:
    """Extract the article at `url` from its HTML.

    `entry` is what the feed, sitemap or search said about the article; it fills fields the page
    leaves empty and supplies the body when the page yields none. `headers_encoding` is the
    charset from the HTTP Content-Type header (or the header itself).

    Raises NotAnArticle when the page is a home, section or error page, or yields less than
    MIN_ARTICLE_CHARS characters of text with no feed content to fall back on (MIN_BRIEF_CHARS
    for a page that declares itself an article or is a dated listing item; the listing's summary
    may then be its body)."""
    if fetched_at.tzinfo is None:
        fetched_at = fetched_at.replace(tzinfo=UTC)
    fetched_at = fetched_at.astimezone(UTC)
    text = xml_safe(decode_html(html, headers_encoding))  # one stray control byte loses lxml the page
    tree = _parse_tree(text)
    if tree is None:
        raise NotAnArticle("empty or unparsable HTML")
    info = page_metadata(tree, url)

    page_title = info.og_title or info.title or ""
    if not info.is_article and _ERROR_TITLE.search(page_title):
        raise NotAnArticle(f"error page: {page_title[:80]!r}")
    path = urlsplit(url).path
    if not info.is_article and path in ("", "/"):
        raise NotAnArticle("home page, not an article")

    doc = trafilatura.bare_extraction(tree, url=url, include_comments=False, include_tables=True)
    doc_text = (doc.text or "") if isinstance(doc, Document) else ""  # a dict only when as_dict=True
    # trafilatura's own metadata pass (htmldate's date search above all) costs as much as the
    # body extraction; it only fills what the page's head and JSON-LD left open.
    fallback = Document()
    if not info.headline or not info.published or not info.authors:
        fallback = trafilatura.extract_metadata(deepcopy(tree), url)
    title = _choose_title(info, fallback.title, entry)
    body = _body_text(doc_text, info, title)

    if not info.is_article and body and _link_share(body, tree) >= 0.5:
        raise NotAnArticle("listing page: its main text is mostly links to other pages")

    feed_body = html_to_text(entry.content) if entry is not None and entry.content else ""
    # A feed that carries the full text beats a page that shows a teaser (paywall, script-rendered).
    if len(feed_body) >= MIN_ARTICLE_CHARS and len(feed_body) > 2 * len(body):
        body = feed_body
    # The page's own markers say that a page is an article, or a feed or sitemap that lists it with
    # a date and the headline the page has (not a consent wall's or a bot check's title).
    declared = info.is_article or (
        entry is not None and entry.published_at is not None and _same_headline(entry.title, title)
    )
    if len(body) < MIN_ARTICLE_CHARS and declared and title:
        body = _brief_body(body, feed_body, entry, title, tree)
    needed = MIN_BRIEF_CHARS if declared and title else MIN_ARTICLE_CHARS
    if len(body) < needed:
        raise NotAnArticle(f"too little article text ({len(body)} characters, need {needed})")

    latest = fetched_at + timedelta(days=1)
    published = _pick_date(info.published, fallback.date, entry.published_at if entry else None, latest)
    updated = _pick_date(info.modified, None, entry.updated_at if entry else None, latest)
    if updated is not None and published is not None and updated < published:
        updated = None

    authors = info.authors or uncut_organisations(
        clean_authors([fallback.author] if fallback.author else []), tree.text_content()
    )
    if not authors and entry is not None:
        authors = list(entry.authors)

    language = info.language or normalize_language(fallback.language)
    if language is None and entry is not None:
        language = entry.language
    language = article_language(language, title or "", body)
    image = info.image or fallback.image or (entry.image if entry else None)

    canonical = info.canonical
    # Only a name the publisher gives itself: trafilatura falls back to the host name, which
    # would make every article of a site without og:site_name an outlet called "example.com:8080".
    outlet = (entry.outlet if entry else None) or info.site_name
    # Nor the headline, which it takes for the site's name when the page's <title> is "headline |
    # outlet" and nothing else names the site.
    guessed = normalize_space(fallback.sitename or "")
    if outlet is None and guessed and not re.fullmatch(r"[\w.-]+(:\d+)?", guessed):
        outlet = None if guessed.casefold() == normalize_space(title or "").casefold() else guessed
    return Article(
        url=url,
        canonical_url=_usable_canonical(canonical, url) or url,
        source=source,
        title=title or body.split("\n", 1)[0][:200],
        text=body,
        fetched_at=fetched_at,
        published_at=published,
        updated_at=updated,
        authors=authors,
        language=language,
        image=urljoin(url, image) if image else None,
        outlet=normalize_space(outlet) or None,
        page_canonical=canonical,
    )


def _usable_canonical(canonical: str | None, url: str) -> str | None:
    """The page's canonical URL unless it is evidently wrong: a site's home page declared as the
    canonical of an article (a template bug that would merge every article into one)."""
    if not canonical:
        return None
    if urlsplit(canonical).path in ("", "/") and urlsplit(url).path not in ("", "/"):
        return None
    return canonical
