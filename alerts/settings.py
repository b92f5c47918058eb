"""What alerting is configured to do: plain, frozen data built by the config module.

Nothing here reads files or talks to anyone; `parse_quiet_hours` is the one helper, so the config
module and the tests spell a quiet-hours window the same way.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import time, tzinfo

from newswatch.domain.items import ALERT_MODES

log = logging.getLogger(__name__)

DAY = 86400.0


@dataclass(frozen=True)
class TopicAlerting:
    """How one topic alerts: its mode and the tags routing it to targets (empty: every target)."""

    name: str
    mode: str = "instant"
    tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.mode not in ALERT_MODES:
            raise ValueError(f"topic {self.name!r}: alert mode must be one of {', '.join(ALERT_MODES)}")

    @classmethod
    def from_spec(cls, spec) -> TopicAlerting:
        """From a domain.items.TopicSpec (or anything with name, alert and tags)."""
        return cls(name=spec.name, mode=spec.alert, tags=tuple(getattr(spec, "tags", ()) or ()))


@dataclass(frozen=True)
class AlertSettings:
    """The `[alerts]` table, with durations already in seconds."""

    urls: tuple[str, ...] = ()
    config_file: str | None = None  # an apprise YAML or TEXT config file (targets with tags)
    max_age: float = 3 * DAY
    max_per_cycle: int = 20
    updates: bool = False
    retry_limit: int = 8
    retry_base: float = 30.0
    rate_limit: float = 0.0  # minimum seconds between two sends to one target
    quiet_hours: tuple[time, time] | None = None
    timezone: str | None = None  # IANA name for quiet hours and displayed times; None: local time
    digest_cron: str = "0 8 * * *"
    title_template: str | None = None
    body_template: str | None = None  # Markdown; HTML for email is converted from it
    # A 'sending' claim older than this is taken to be a gone sender's (one on another host: on this
    # host a dead sender's claims are taken back at once, db/owners.py).
    lease: float = 600.0
    retry_cap: float = 6 * 3600.0  # the longest wait between two attempts
    send_timeout: float = 60.0  # the longest one send may take: then its worker process is killed


_QUIET = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_quiet_hours(text: str) -> tuple[time, time]:
    """ "22:00-07:00" -> (time(22, 0), time(7, 0)). A window may cross midnight.

    Raises ValueError with a message fit for a configuration error."""
    found = _QUIET.match(text or "")
    if not found:
        raise ValueError(f"quiet hours {text!r}: expected HH:MM-HH:MM, e.g. 22:00-07:00")
    h1, m1, h2, m2 = (int(part) for part in found.groups())
    try:
        start, end = time(h1, m1), time(h2, m2)
    except ValueError as exc:
        raise ValueError(f"quiet hours {text!r}: {exc}") from None
    if start == end:
        raise ValueError(f"quiet hours {text!r}: start and end are the same time")
    return start, end


def display_zone(settings=None) -> tzinfo | None:
    """The zone times are shown in: the configured one, else the machine's local zone (None)."""
    name = getattr(settings, "timezone", None)
    if not name:
        return None
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except Exception:
        log.warning("unknown timezone %r: showing local time", name)
        return None
