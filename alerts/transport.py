"""Sending one notification to one target through apprise: the only module that imports apprise.

A failure comes back as TransportError with apprise's own reason (from its log) so the outbox can
record it; the reason is scrubbed of the URL's secrets before it leaves this module.
"""

from __future__ import annotations

import logging
import threading

import apprise

from newswatch.alerts.targets import MASK, Target, make_target, mask_url, scrub, secret_pieces

_FORMATS = {
    "markdown": apprise.NotifyFormat.MARKDOWN,
    "html": apprise.NotifyFormat.HTML,
    "text": apprise.NotifyFormat.TEXT,
}


class _Redactor(logging.Filter):
    """Masks the secrets of every URL this module has handled in what apprise and urllib3 log:
    at DEBUG level they write request paths and URLs, tokens included."""

    def __init__(self):
        super().__init__()
        self._pieces: list[str] = []
        self._lock = threading.Lock()

    def remember(self, url: str) -> None:
        with self._lock:
            if any(piece not in self._pieces for piece in secret_pieces(url)):
                self._pieces = sorted(set(self._pieces) | set(secret_pieces(url)), key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        pieces = self._pieces
        if pieces:
            message = record.getMessage()
            clean = message
            for piece in pieces:
                clean = clean.replace(piece, MASK)
            if clean != message:
                record.msg, record.args = clean, None
        return True


_REDACTOR = _Redactor()
for _name in ("apprise", "urllib3.connectionpool", "requests_oauthlib"):
    logging.getLogger(_name).addFilter(_REDACTOR)


class TransportError(Exception):
    """A send failed. `permanent`: retrying cannot help (the URL itself is unusable)."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


def _capture():
    capture = getattr(apprise, "LogCapture", None)
    if capture is None:
        import contextlib
        import io

        return contextlib.nullcontext(io.StringIO())
    return capture(level=logging.WARNING, fmt="%(message)s")


def _reason(log_text: str, url: str, fallback: str) -> str:
    lines = [line.strip() for line in log_text.splitlines() if line.strip()]
    seen: dict[str, None] = {}
    for line in lines:
        seen.setdefault(line, None)
    text = "; ".join(seen) or fallback
    return scrub(text, url)[:1000]


# Generic webhooks whose apprise URL takes extra headers (+Name=value) and payload fields (:name=value).
_WEBHOOK_SCHEMES = {"json", "jsons", "xml", "xmls", "form", "forms"}
DELIVERY_HEADER = "X-Newswatch-Delivery"
DELIVERY_FIELD = "delivery_id"


def with_delivery_id(url: str, delivery_id: str | None) -> str:
    """A webhook URL that also sends `delivery_id` as a header and a payload field, so that a
    receiver can drop a repeat; other URLs unchanged (their message text carries the id)."""
    scheme = url.partition("://")[0].lower()
    if not delivery_id or scheme not in _WEBHOOK_SCHEMES:
        return url
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}+{DELIVERY_HEADER}={delivery_id}&:{DELIVERY_FIELD}={delivery_id}"


# A plugin's own socket time-outs end a send a little before the worker is killed for it, so that
# the error names what the target did ("read timed out") instead of the kill.
_SOCKET_SHARE = 0.9


def _own_timeouts(plugin, url: str, timeout: float | None) -> None:
    """Let the plugin wait for its target as long as `alerts.send_timeout` allows, not apprise's
    4 seconds: a target that takes 6 s to answer has accepted the notification, and giving up on
    it early only sends it again. `rto`/`cto` written in the URL itself are left as they are."""
    if not timeout or timeout <= 0:
        return
    asked = {pair.partition("=")[0].lower() for pair in url.partition("?")[2].split("&")}
    wait = max(timeout * _SOCKET_SHARE, 0.5)
    if "rto" not in asked and hasattr(plugin, "socket_read_timeout"):
        plugin.socket_read_timeout = wait
    if "cto" not in asked and hasattr(plugin, "socket_connect_timeout"):
        plugin.socket_connect_timeout = min(plugin.socket_connect_timeout, wait)


def send(
    url: str,
    title: str,
    body: str,
    body_format: str = "markdown",
    delivery_id: str | None = None,
    timeout: float | None = None,
) -> None:
    """Send one notification to one apprise URL, or raise TransportError. `timeout` (the
    configured send_timeout) sets how long the plugin waits for its target; the worker process
    this runs in is also killed when the send's time is up (alerts/courier.py)."""
    notify_format = _FORMATS.get(body_format, apprise.NotifyFormat.TEXT)
    _REDACTOR.remember(url)
    with _capture() as log:
        notifier = apprise.Apprise()
        plugin = apprise.Apprise.instantiate(with_delivery_id(url, delivery_id))
        if plugin is None or not notifier.add(plugin):
            raise TransportError(
                _reason(log.getvalue(), url, f"not a usable apprise URL: {mask_url(url)}"), permanent=True
            )
        _own_timeouts(plugin, url, timeout)
        try:
            ok = notifier.notify(body=body, title=title, body_format=notify_format)
        except Exception as exc:  # a plugin bug must not take the sender down with it
            raise TransportError(scrub(f"{type(exc).__name__}: {exc}", url)) from None
        if not ok:
            raise TransportError(_reason(log.getvalue(), url, "the service did not accept the notification"))


def validate_url(url: str) -> str | None:
    """None when apprise can use `url`, else what is wrong (secrets masked), for config errors."""
    if not url or not url.strip():
        return "empty URL"
    _REDACTOR.remember(url)
    with _capture() as log:
        service = apprise.Apprise.instantiate(url.strip())
    if service is None:
        return _reason(log.getvalue(), url, f"not a usable apprise URL: {mask_url(url)}")
    return None


def load_config_targets(path: str) -> list[Target]:
    """The targets of an apprise config file (YAML or TEXT), with their tags."""
    with _capture() as log:
        config = apprise.AppriseConfig()
        if not config.add(str(path)):
            raise TransportError(f"cannot read apprise config file {path}", permanent=True)
        services = config.services()
    if not services and log.getvalue().strip():
        raise TransportError(f"apprise config file {path}: {log.getvalue().strip()}", permanent=True)
    targets = []
    for service in services:
        tags = [getattr(tag, "name", None) or getattr(tag, "tag", None) or str(tag) for tag in service.tags]
        _REDACTOR.remember(service.url(privacy=False))
        target = make_target(service.url(privacy=False), tags)
        targets.append(Target(target.id, _tidy_label(target.label), target.url, target.tags, target.format))
    return targets


# Parameters apprise writes back into every URL it rebuilds from a config file; they only clutter labels.
_DEFAULT_PARAMS = {
    "method=POST",
    "overflow=upstream",
    "retry=0",
    "wait=0.5",
    "optional=no",
    "cto=15.0",
    "cto=4.0",
    "rto=4.0",
    "format=text",
    "format=html",
    "format=markdown",
}


def _tidy_label(label: str) -> str:
    base, question, query = label.partition("?")
    if not question:
        return label
    kept = [pair for pair in query.split("&") if pair and pair not in _DEFAULT_PARAMS]
    return base + ("?" + "&".join(kept) if kept else "")
