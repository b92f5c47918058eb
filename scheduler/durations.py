"""Human-written durations, sizes and daily time windows from the configuration and the command line."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, time, timedelta

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|k|m|g)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"b": 1, "k": 1024, "kb": 1024, "m": 1024**2, "mb": 1024**2, "g": 1024**3, "gb": 1024**3}
_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
# No setting or --since means more than ten years, and much longer ones overflow date arithmetic.
MAX_DURATION = 3650 * 86400.0
MAX_SIZE = 1024**4  # a terabyte: far past any page size, well inside every integer column


def parse_duration(value: str | int | float) -> float:
    """Seconds in `value`: a number of seconds or text such as 30s, 15m, 1h, 1d, 2w; at most ten
    years."""
    if isinstance(value, bool):
        raise ValueError(f"invalid duration {value!r} (use 30s, 15m, 1h, 1d)")
    if isinstance(value, (int, float)):
        seconds = float(value)
        if seconds < 0:
            raise ValueError(f"invalid duration {value!r}: must not be negative")
    else:
        found = _DURATION.match(value)
        if not found:
            raise ValueError(f"invalid duration {value!r} (use 30s, 15m, 1h, 1d)")
        seconds = float(found.group(1)) * _UNITS[found.group(2).lower()]
    if not math.isfinite(seconds):
        raise ValueError(f"invalid duration {value!r}: not a number of seconds")
    if seconds > MAX_DURATION:
        raise ValueError(f"duration {value!r} is too long (at most 3650d)")
    return seconds


def parse_size(value: str | int) -> int:
    """Bytes in `value`: a number of bytes or text such as 512KB, 5MB; at most a terabyte."""
    if isinstance(value, bool):
        raise ValueError(f"invalid size {value!r} (use 512KB, 5MB)")
    if isinstance(value, int):
        size = value
    else:
        found = _SIZE.match(value)
        if not found:
            raise ValueError(f"invalid size {value!r} (use 512KB, 5MB)")
        size = int(float(found.group(1)) * _SIZE_UNITS[(found.group(2) or "b").lower()])
    if size < 0:
        raise ValueError(f"invalid size {value!r}: must not be negative")
    if size > MAX_SIZE:
        raise ValueError(f"size {value!r} is too large (at most 1024GB)")
    return size


def parse_since(value: str, now: datetime) -> datetime:
    """A point in time from `--since`: a duration back from `now` (2d, 6h) or an ISO date/time."""
    if _DURATION.match(value):
        return now - timedelta(seconds=parse_duration(value))
    try:
        moment = datetime.fromisoformat(value)
        # In UTC at once: a date at the edge of the calendar fails here, not deep in a query.
        return (moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment).astimezone(UTC)
    except (ValueError, OverflowError):
        raise ValueError(f"invalid time {value!r} (use 2d, 6h, 2026-11-25 or 2026-11-25T09:00)") from None


def size_within(low: int, high: int, shown: str):
    """A check that a size lies in [low, high] bytes (`shown`: "1KB and 1GB"), for the
    configuration's fields."""

    def check(size: int) -> int:
        if not low <= size <= high:
            raise ValueError(f"must be between {shown}")
        return size

    return check


def within(low: float, high: float):
    """A check that a duration lies in [low, high] seconds, for the configuration's fields."""

    def check(seconds: float) -> float:
        if not low <= seconds <= high:
            raise ValueError(f"must be between {format_duration(low)} and {format_duration(high)}")
        return seconds

    return check


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
