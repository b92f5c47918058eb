"""Why a matched article did or did not alert, told from what the store records today.

The alert policy (alerts/policy.py) writes a row for each decision to alert and none for a
decision not to, so the reasons for silence are read back from the article (a copy, too old when
stored), the topic's alert mode, and the alerts its story already had. Pure functions of plain
values; the page gathers them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from newswatch.scheduler.durations import format_duration
from newswatch.web.queries import AlertFact


@dataclass(frozen=True)
class Reason:
    state: str  # alerted | pending | failed | told | silent
    text: str


def deliveries(statuses: Sequence[str]) -> str:
    """'sent to 2 targets', 'sent to 1 target, 1 failed', 'waiting to be sent'..."""
    if not statuses:
        return "no target received it"
    counts = {status: statuses.count(status) for status in dict.fromkeys(statuses)}
    parts = []
    for status, words in (("sent", "sent to"), ("failed", "failed for"), ("pending", "waiting for")):
        if counts.get(status):
            n = counts[status]
            parts.append(f"{words} {n} target{'s' if n != 1 else ''}")
    if counts.get("sending"):
        parts.append("being sent")
    return ", ".join(parts)


def _state(statuses: Sequence[str]) -> str:
    if "failed" in statuses:
        return "failed"
    if "sent" in statuses or not statuses:
        return "alerted"
    return "pending"


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def explain(
    article,
    topic: str,
    matched_at: datetime | None,
    mode: str | None,
    facts: Sequence[AlertFact],
    max_age: float,
    original_topics: Collection[str] | None = None,
) -> Reason:
    """Why `article` (a row with id, duplicate_of, story_id, published_at, fetched_at) did or did
    not alert for `topic`, which it matched at `matched_at`. `mode`: the topic's alert mode in the
    configuration (None: no longer configured); `facts`: the alerts about its story; `max_age`:
    alerts.max_age in seconds; `original_topics`: the topics a copy's original matched (None:
    not known, taken as all of them). A copy alerts only for a topic its original did not match."""
    mine = [f for f in facts if f.topic == topic]
    for fact in mine:
        if fact.article_id == article.id and fact.kind in ("instant", "update"):
            kind = "an update of its story" if fact.kind == "update" else "a new story"
            return Reason(
                _state(fact.statuses), f"Alerted as {kind} on {_when(fact.created_at)}: {deliveries(fact.statuses)}."
            )
        if fact.article_id == article.id and fact.kind == "folded":
            return Reason(
                "told",
                f"Over the cycle's limit of instant alerts (alerts.max_per_cycle) on {_when(fact.created_at)}: "
                "told in that cycle's summary alert instead.",
            )
    if article.duplicate_of is not None and (original_topics is None or topic in original_topics):
        return Reason("silent", f"A copy of #{article.duplicate_of}: copies never alert.")
    for fact in mine:
        if fact.kind in ("instant", "update", "folded"):
            return Reason(
                "silent",
                f"Its story had alerted already, with report #{fact.article_id} on {_when(fact.created_at)}: "
                "one alert per story and topic.",
            )
        if fact.kind == "digest-item":
            return Reason(
                _state(fact.statuses) if fact.statuses else "told",
                f"Told in the {topic} digest of {_when(fact.created_at)}: {deliveries(fact.statuses)}.",
            )
    if mode is None:
        return Reason("silent", f"Topic {topic} is no longer in the configuration.")
    if mode == "off":
        return Reason("silent", f'Topic {topic} has alert = "off".')
    if mode == "digest":
        return Reason("silent", f"Topic {topic} alerts in digests: the story waits for the next one.")
    published = article.published_at
    if max_age > 0 and published is not None and published < article.fetched_at - timedelta(seconds=max_age):
        return Reason(
            "silent",
            f"Published {_when(published)}, more than alerts.max_age ({format_duration(max_age)}) before it was "
            "stored: kept without alerting.",
        )
    if matched_at is not None and matched_at > article.fetched_at + timedelta(minutes=5):
        return Reason(
            "silent",
            f"Matched on {_when(matched_at)}, after it was stored (by `newswatch rematch`, which alerts only "
            "with --alert).",
        )
    return Reason(
        "silent",
        "No alert is recorded: it was stored by a crawl without alerts (--no-alerts), or its topic did not alert "
        "when it was stored.",
    )
