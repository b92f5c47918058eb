"""Human-written durations, sizes and daily time windows from the configuration and the command line."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|k|m|g)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"b": 1, "k": 1024, "kb": 1024, "m": 1024**2, "mb": 1024**2, "g": 1024**3, "gb": 1024**3}
_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_duration(value: str | int | float) -> float:
    """Seconds in `value`: a number of seconds or text such as 30s, 15m, 1h, 1d, 2w."""
    if isinstance(value, bool):
        raise ValueError(f"invalid duration {value!r} (use 30s, 15m, 1h, 1d)")
    if isinstance(value, (int, float)):
        if value < 0:
            raise ValueError(f"invalid duration {value!r}: must not be negative")
        return float(value)
    found = _DURATION.match(value)
    if not found:
        raise ValueError(f"invalid duration {value!r} (use 30s, 15m, 1h, 1d)")
    return float(found.group(1)) * _UNITS[found.group(2).lower()]


def parse_size(value: str | int) -> int:
    """Bytes in `value`: a number of bytes or text such as 512KB, 5MB."""
    if isinstance(value, bool):
        raise ValueError(f"invalid size {value!r} (use 512KB, 5MB)")
    if isinstance(value, int):
        return value
    found = _SIZE.match(value)
    if not found:
        raise ValueError(f"invalid size {value!r} (use 512KB, 5MB)")
    return int(float(found.group(1)) * _SIZE_UNITS[(found.group(2) or "b").lower()])


def parse_since(value: str, now: datetime) -> datetime:
    """A point in time from `--since`: a duration back from `now` (2d, 6h) or an ISO date/time."""
    try:
        return now - timedelta(seconds=parse_duration(value))
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"invalid time {value!r} (use 2d, 6h, 2026-11-25 or 2026-11-25T09:00)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def parse_quiet_hours(value: str | None) -> tuple[time, time] | None:
    """ "22:00-07:00" -> (time(22, 0), time(7, 0)); None stays None. A window may cross midnight;
    one that starts when it ends is empty, hence a mistake."""
    if value is None:
        return None
    found = _WINDOW.match(value) if isinstance(value, str) else None
    if not found:
        raise ValueError(f"invalid quiet hours {value!r} (use HH:MM-HH:MM, e.g. 22:00-07:00)")
    h1, m1, h2, m2 = (int(part) for part in found.groups())
    try:
        start, end = time(h1, m1), time(h2, m2)
    except ValueError as exc:
        raise ValueError(f"invalid quiet hours {value!r}: {exc}") from None
    if start == end:
        raise ValueError(f"invalid quiet hours {value!r}: the window is empty (it ends when it starts)")
    return start, end


def format_duration(seconds: float) -> str:
    """`seconds` as a configuration file writes it: 3d, 6h, 15m, 90s."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"
