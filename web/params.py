"""Reading query parameters: a bad one is a `BadInput` whose message says which and why."""

from __future__ import annotations

import re
from datetime import datetime

from starlette.requests import Request

from newswatch.scheduler.durations import parse_since


class BadInput(ValueError):
    """A query parameter that cannot be used."""


# Ids and counts as the database holds them: ASCII digits ("²" and "٧" are digits to str.isdigit,
# not to a form), and few enough that the number fits a 64-bit column.
_WHOLE = re.compile(r"[0-9]{1,18}")


def whole_number(raw: str) -> int | None:
    """`raw` as a whole number the database can hold, or None."""
    return int(raw) if _WHOLE.fullmatch(raw) else None


def int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadInput(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise BadInput(f"{name} must be between {low} and {high}, not {value}")
    return value


def since_param(request: Request, name: str, now: datetime) -> datetime | None:
    """A moment from 2d, 6h or an ISO date, as `--since` takes it; None when not given."""
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    try:
        return parse_since(raw, now)
    except ValueError as exc:
        raise BadInput(f"{name}: {exc}") from None
