"""Secrets kept out of sight: the credentials and tokens a URL may carry, masked wherever text that
quotes the URL is shown, logged or stored (logs, source errors, listings, config errors, alert
bodies).

A URL carries secrets in its user part (`http://bob:PaSSw0rd@host/`) and in parameters whose
names say so (`?api_key=`, `access_token=`, `sig=`, `X-Amz-Signature=`), in the query or the
fragment. Web URLs keep their host, path and other parameters, so a user can still tell them
apart; URLs of other schemes (apprise targets, database URLs) keep only scheme and host, since
their tokens sit in the path. `scrub` also hides the pieces of a known URL wherever they appear
in a text, quoted without their URL (a library error that names only `bob:PaSSw0rd@host`).

Pure functions; nothing here imports anything of ours.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

MASK = "***"

# Parameter-name words that mark a secret ("api_key" -> api, key; "accessToken" -> access, token).
_SECRET_WORDS = frozenset(
    "token key apikey secret password passwd pwd pass passphrase sig signature auth authorization "
    "credential credentials session sessionid jwt bearer hmac otp private".split()
)
# Secret words run together in one lower-case name ("accesstoken", "client_secret" is caught above).
_SECRET_PARTS = ("token", "secret", "passw", "apikey", "signature", "credential", "sessionid")
_NAME_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_WEB_SCHEMES = frozenset(("http", "https", "ws", "wss", "ftp", "ftps"))
# A URL in free text: a scheme, "://", then everything up to a space, a quote or a closing bracket.
_URL = re.compile(r"\b([A-Za-z][A-Za-z0-9+.\-]*)://([^\s\"'<>`]+)")
# Credentials quoted without their scheme: "user:password@host" (an error naming a netloc).
_BARE_USERINFO = re.compile(r"(?<![\w/@%.+-])[\w.%+\-~!$&*=]+:[^\s@/\"'<>]+@(?=[A-Za-z0-9\[])")


def is_secret_name(name: str) -> bool:
    """Whether a query parameter named `name` holds a secret (api_key, access_token, sig, ...)."""
    name = unquote(name).strip()
    words = {word.lower() for word in _NAME_WORDS.findall(name)}
    if words & _SECRET_WORDS:
        return True
    lowered = name.lower()
    return any(part in lowered for part in _SECRET_PARTS)


def _mask_params(text: str) -> str:
    """`a=1&api_key=XYZ` -> `a=1&api_key=***`; text that is not name=value pairs is kept."""
    if "=" not in text:
        return text
    pairs = []
    for pair in text.split("&"):
        name, eq, value = pair.partition("=")
        if eq and value and is_secret_name(name):
            value = MASK
        pairs.append(f"{name}{eq}{value}")
    return "&".join(pairs)


def _mask_rest(scheme: str, rest: str) -> str:
    """Everything after "scheme://", masked."""
    authority_end = len(rest)
    for mark in "/?#":
        found = rest.find(mark)
        if found != -1:
            authority_end = min(authority_end, found)
    authority, tail = rest[:authority_end], rest[authority_end:]
    if "@" in authority:
        authority = MASK + "@" + authority.rpartition("@")[2]
    if scheme.lower() not in _WEB_SCHEMES:
        # apprise targets keep their tokens in the path (or as a "host:port" that is no port, as
        # tgram://BOT_ID:TOKEN/), database URLs their database name.
        host, colon, port = authority.rpartition(":") if not authority.endswith("]") else (authority, "", "")
        if colon and not port.isdigit():
            authority = host + ":" + MASK
        return authority + ("/" + MASK if tail.strip("/") else tail)
    tail, hash_, fragment = tail.partition("#")
    path, question, query = tail.partition("?")
    return f"{authority}{path}{question}{_mask_params(query)}{hash_}{_mask_params(fragment)}"


def mask_url(url: str) -> str:
    """`url` with its user part and secret parameters replaced by ***. Not a URL: masked as text."""
    found = _URL.fullmatch(url.strip())
    if found is None:
        return mask_text(url)
    return f"{found.group(1)}://{_mask_rest(found.group(1), found.group(2))}"


def mask_text(text: str) -> str:
    """Every URL in `text` masked (see `mask_url`), and any "user:password@host" quoted alone."""
    if not text:
        return text
    if "://" in text:
        text = _URL.sub(lambda found: f"{found.group(1)}://{_mask_rest(found.group(1), found.group(2))}", text)
    if "@" in text:
        text = _BARE_USERINFO.sub(MASK + "@", text)
    return text


def secret_pieces(url: str) -> tuple[str, ...]:
    """The secret parts of `url` (user name and password, secret parameter values), as written
    and percent-decoded, longest first; pieces shorter than 4 characters are left out (masking
    every "ab" in a text would hide more than it protects)."""
    found = _URL.fullmatch(url.strip())
    if found is None:
        return ()
    rest = found.group(2)
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    pieces: set[str] = set()
    if "@" in authority:
        userinfo = authority.rpartition("@")[0]
        pieces.add(userinfo)
        pieces.update(userinfo.split(":", 1))
    for part in re.split(r"[?#&]", rest)[1:]:
        name, eq, value = part.partition("=")
        if eq and value and is_secret_name(name):
            pieces.add(value)
    pieces |= {unquote(piece) for piece in pieces}
    return tuple(sorted((p for p in pieces if len(p) >= 4), key=len, reverse=True))


def scrub(text: str, pieces: tuple[str, ...] | list[str] = ()) -> str:
    """`text` with every URL masked and each of `pieces` (from `secret_pieces`) hidden wherever it
    appears."""
    text = mask_text(text)
    for piece in pieces:
        if piece in text:
            text = text.replace(piece, MASK)
    return text
