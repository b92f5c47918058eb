"""Where alerts go: targets built from apprise URLs, their secrets masked, and topic routing.

An apprise URL carries passwords and tokens, so the URL itself only ever travels to the transport.
Everything that is stored, shown or logged uses `Target.id` (a short stable hash of the URL) and
`Target.label` (the URL with its secrets masked).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from newswatch.alerts.settings import AlertSettings, TopicAlerting

CONSOLE_ID = "console"
MASK = "****"

# Schemes whose services take HTML natively (apprise's email plugins); machine hooks get plain text.
_HTML_SCHEMES = {"mailto", "mailtos"}
_TEXT_SCHEMES = {"json", "jsons", "xml", "xmls", "form", "forms"}

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://(.*)$", re.S)
_HOSTNAME = re.compile(r"^(localhost|[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+\.?|\[[0-9A-Fa-f:.]+\])$")
_SECRET_KEYS = (
    "token",
    "key",
    "secret",
    "pass",
    "pwd",
    "auth",
    "sig",
    "code",
    "hash",
    "cred",
    "session",
    "bearer",
    "webhook",
    "apikey",
    "pw",
)


@dataclass(frozen=True)
class Target:
    """One place to send alerts. `url` never appears in repr, logs or the database."""

    id: str
    label: str
    url: str = field(repr=False)
    tags: frozenset[str] = frozenset()
    format: str = "markdown"  # "markdown" | "html" | "text": the body format this target is sent

    @property
    def is_console(self) -> bool:
        return self.id == CONSOLE_ID


def console_target() -> Target:
    """The stand-in when no target is configured: a readable block per alert on a stream."""
    return Target(id=CONSOLE_ID, label="console", url="", tags=frozenset(), format="text")


def target_id(url: str) -> str:
    """A short, stable name for a target URL, safe to store and show (it reveals nothing)."""
    return hashlib.sha256(url.strip().encode("utf-8")).hexdigest()[:16]


def format_for(url: str) -> str:
    found = _SCHEME.match(url.strip())
    scheme = found.group(1).lower() if found else ""
    if scheme in _HTML_SCHEMES:
        return "html"
    if scheme in _TEXT_SCHEMES:
        return "text"
    return "markdown"


def make_target(url: str, tags=()) -> Target:
    url = url.strip()
    return Target(
        id=target_id(url),
        label=mask_url(url),
        url=url,
        tags=frozenset(str(tag).strip().lower() for tag in tags if str(tag).strip()),
        format=format_for(url),
    )


def targets_from(settings: AlertSettings) -> list[Target]:
    """Every configured target (URLs, then the apprise config file), each once; the console
    target when there are none. Raises transport.TransportError when the config file is unusable."""
    found: dict[str, Target] = {}
    for url in settings.urls:
        if url and url.strip():
            target = make_target(url)
            found.setdefault(target.id, target)
    if settings.config_file:
        from newswatch.alerts.transport import load_config_targets  # apprise is loaded only when needed

        for target in load_config_targets(settings.config_file):
            known = found.get(target.id)
            if known is not None and target.tags - known.tags:
                target = Target(known.id, known.label, known.url, known.tags | target.tags, known.format)
            found[target.id] = target
    return list(found.values()) or [console_target()]


def targets_for(topic: TopicAlerting, targets: list[Target]) -> list[Target]:
    """The targets a topic alerts: those carrying one of its tags, or all when it has none.
    The console target stands for "no targets configured", so it receives every topic."""
    wanted = {tag.strip().lower() for tag in topic.tags if tag.strip()}
    if not wanted:
        return list(targets)
    return [target for target in targets if target.is_console or target.tags & wanted]


# Schemes whose user part, written without a password, is an access token (ntfy://TOKEN@host/topic).
_TOKEN_USER_SCHEMES = frozenset(("ntfy", "ntfys"))


def _looks_secret(piece: str) -> bool:
    """Tokens and ids are long, or mix letters with digits; path words such as `hook` are not."""
    text = unquote(piece)
    if len(text) >= 24:
        return True
    has_digit = any(ch.isdigit() for ch in text)
    has_alpha = any(ch.isalpha() for ch in text)
    if len(text) >= 8 and has_digit and (has_alpha or text.isdigit() or "-" in text):
        return True
    return bool(len(text) >= 12 and any(ch.isupper() for ch in text) and any(ch.islower() for ch in text))


def _secret_key(name: str) -> bool:
    name = unquote(name).lower()
    return any(word in name for word in _SECRET_KEYS)


def _split(url: str) -> tuple[str, list[str]]:
    """The masked URL and the secret pieces it hid."""
    url = url.strip()
    found = _SCHEME.match(url)
    if not found:
        return MASK, [url] if url else []
    scheme, rest = found.groups()
    secrets: list[str] = [url]

    def hide(piece: str) -> str:
        secrets.append(piece)
        return MASK

    fragment = ""
    if "#" in rest:
        rest, frag = rest.split("#", 1)
        fragment = "#" + hide(frag) if frag else ""
    query = ""
    if "?" in rest:
        rest, raw_query = rest.split("?", 1)
        pairs = []
        for pair in raw_query.split("&"):
            if not pair:
                continue
            name, eq, value = pair.partition("=")
            if value and (_secret_key(name) or _looks_secret(value)):
                value = hide(value)
            pairs.append(f"{name}{eq}{value}")
        query = "?" + "&".join(pairs) if pairs else ""
    authority, slash, path = rest.partition("/")
    userinfo, at, hostport = authority.rpartition("@")
    masked_user = ""
    if at:
        user, colon, password = userinfo.partition(":")
        if user and (_looks_secret(user) or (not colon and scheme.lower() in _TOKEN_USER_SCHEMES)):
            user = hide(user)
        if colon:
            password = hide(password) if password else ""
        masked_user = f"{user}{colon}{password}@"
    host, colon, port = hostport.partition(":")
    if hostport.startswith("["):  # IPv6 literal: the port follows the closing bracket
        end = hostport.find("]")
        host, port = hostport[: end + 1], hostport[end + 2 :]
        colon = ":" if port else ""
    if colon and not port.isdigit():
        secrets.extend((host, port))
        hostport = hide(hostport)  # e.g. tgram://123456:AAH.../: the "host:port" is a bot token
    elif host and not _HOSTNAME.match(host) and _looks_secret(host):
        hostport = hide(host) + (f":{port}" if colon else "")
    segments = [hide(seg) if seg and _looks_secret(seg) else seg for seg in path.split("/")] if slash else []
    masked = f"{scheme}://{masked_user}{hostport}{slash}{'/'.join(segments)}{query}{fragment}"
    return masked, secrets


def mask_url(url: str) -> str:
    """The URL with passwords, tokens and secret-looking path pieces replaced by ****; scheme,
    host, port and plain path words stay, so a user can still tell targets apart."""
    return _split(url)[0]


def secret_pieces(url: str) -> list[str]:
    """The parts of `url` that must never be shown (the whole URL first), longest first."""
    _, secrets = _split(url)
    pieces = {url.strip()}
    for piece in secrets:
        if len(piece) >= 3:
            pieces.add(piece)
            pieces.add(unquote(piece))
    return sorted(pieces, key=len, reverse=True)


def scrub(text: str, url: str) -> str:
    """`text` (an error message) with every secret piece of `url` masked."""
    if not text:
        return text
    masked = mask_url(url)
    for piece in secret_pieces(url):
        text = text.replace(piece, masked if piece == url.strip() else MASK)
    return text
