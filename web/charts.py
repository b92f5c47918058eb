"""Small bar charts drawn on the server as inline SVG: counts per day, no JavaScript."""

from __future__ import annotations

from datetime import date, timedelta

from markupsafe import Markup, escape


def days_back(today: date, count: int) -> list[date]:
    """The `count` days ending with `today`, oldest first."""
    return [today - timedelta(days=offset) for offset in range(count - 1, -1, -1)]


def day_bars(counts: dict[date, int], days: list[date], label: str, width: int = 280, height: int = 48) -> Markup:
    """A bar per day (oldest left), each with a tooltip; `label` names the chart for screen readers."""
    highest = max((counts.get(day, 0) for day in days), default=0)
    step = width / max(len(days), 1)
    bars = []
    for index, day in enumerate(days):
        count = counts.get(day, 0)
        bar = 0.0 if not highest else max((height - 2) * count / highest, 1.0 if count else 0.0)
        bars.append(
            f'<rect x="{index * step + 1:.1f}" y="{height - bar:.1f}" width="{max(step - 2, 1):.1f}" '
            f'height="{bar:.1f}"><title>{day.isoformat()}: {count}</title></rect>'
        )
    total = sum(counts.get(day, 0) for day in days)
    summary = f"{label}: {total} in {len(days)} days, at most {highest} a day"
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(summary)}" preserveAspectRatio="none">'
        f'<line x1="0" y1="{height - 0.5}" x2="{width}" y2="{height - 0.5}" class="axis"/>' + "".join(bars) + "</svg>"
    )
