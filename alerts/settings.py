"""What alerting is configured to do: plain, frozen data built from the validated configuration
(scheduler/app.py), which owns every default; nothing here reads files or talks to anyone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import time, tzinfo

from newswatch.domain.items import ALERT_MODES

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TopicAlerting:
    """How one topic alerts: its mode and the tags routing it to targets (empty: every target)."""

    name: str
    mode: str = "instant"
    tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.mode not in ALERT_MODES:
            raise ValueError(f"topic {self.name!r}: alert mode must be one of {', '.join(ALERT_MODES)}")


@dataclass(frozen=True)
class AlertSettings:
    """The `[alerts]` table, with durations already in seconds."""

    urls: tuple[str, ...]
    config_file: str | None  # an apprise YAML or TEXT config file (targets with tags)
    max_age: float
    max_per_cycle: int
    updates: bool
    retry_limit: int
    retry_base: float
    rate_limit: float  # minimum seconds between two sends to one target
    quiet_hours: tuple[time, time] | None
    timezone: str | None  # IANA name for quiet hours and displayed times; None: local time
    digest_cron: str
    title_template: str | None
    body_template: str | None  # Markdown; HTML for email is converted from it
    # A 'sending' claim older than this is taken to be a gone sender's (one on another host: on this
    # host a dead sender's claims are taken back at once, db/owners.py).
    lease: float
    retry_cap: float  # the longest wait between two attempts
    send_timeout: float  # the longest one send may take: then its worker process is killed
    # A story that alerted on a preview alerts once more, as an update, for the development itself.
    preview_updates: bool = False


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
