"""Deciding what to alert: one new story per topic, at most so many per cycle, never a copy.

Every decision is written as an Alert row (with one pending Delivery per routed target) in the
caller's transaction, next to the article and match that caused it: the outbox sends later, so a
crash between the two loses nothing. `Alert.key` is unique, which is what makes a decision
happen once: "instant:{topic}:story:{story}" for a story, "update:{topic}:article:{id}" for an
explicit update, "digest:{topic}:story:{story}" for a story already put in a digest.

What became of each topic a new article matched is written on the article in one line
(`Article.alert_note`: the alert it made, or why none: a copy, joined an alerted story, too old,
below min_score, digest or off, held by quiet hours, folded by the per-cycle cap), which
`newswatch show` and the crawler's log line say.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, overload

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from newswatch.alerts.outbox import quiet_until
from newswatch.alerts.render import (
    SNIPPET_LIMIT,
    ArticleView,
    MatchView,
    Rendered,
    one_line,
    render_digest,
    render_health,
    render_instant,
    render_summary,
    render_test,
)
from newswatch.alerts.settings import AlertSettings, TopicAlerting
from newswatch.alerts.targets import Target, targets_for
from newswatch.db.models import Alert, Article, Delivery, TopicMatch
from newswatch.db.reading import DIGEST_PENDING, DIGEST_TOLD, QUIET_HELD
from newswatch.domain.happenings import foretold

INSTANT_KINDS = ("instant", "update")


@dataclass
class CycleBudget:
    """How many instant alerts this cycle may still send; the ones over budget are folded into
    one summary by `finish_cycle`."""

    max_per_cycle: int = 20
    used: int = 0
    folded: list[dict] = field(default_factory=list)

    @classmethod
    def for_settings(cls, settings: AlertSettings) -> CycleBudget:
        return cls(max_per_cycle=settings.max_per_cycle)

    def take(self) -> bool:
        if self.max_per_cycle is not None and self.used >= self.max_per_cycle:
            return False
        self.used += 1
        return True


@overload
def _utc(moment: datetime) -> datetime: ...
@overload
def _utc(moment: datetime | None) -> datetime | None: ...
def _utc(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _now(now: datetime | None) -> datetime:
    return _utc(now) or datetime.now(UTC)


def story_of(article: Article) -> int:
    return article.story_id if article.story_id is not None else article.id


def too_old(article: Article, settings: AlertSettings, now: datetime) -> bool:
    """Older than max_age, by its publishing time (else when it was fetched)."""
    if not settings.max_age or settings.max_age <= 0:
        return False
    seen = _utc(article.published_at) or _utc(article.fetched_at)
    return seen is not None and seen < now - timedelta(seconds=settings.max_age)


def _snippet(article: Article, match: TopicMatch | None) -> str:
    """What the alert quotes under the headline: a hit in the text, else one in some other field,
    else the text's opening; never the headline or a piece of it (the alert shows it already)."""
    hits = list(match.hits or []) if match is not None else []
    for wanted in ("text", None):
        for hit in hits:
            if hit.get("field") == "title" or not hit.get("snippet"):
                continue
            if wanted is None or hit.get("field") == wanted:
                return hit["snippet"]
    return one_line(article.text, SNIPPET_LIMIT)


def _outlets(session: Session, article: Article) -> int:
    """How many outlets (or sources, where the outlet is not known) reported the story."""
    if article.story_id is None:
        return 1
    outlet = func.coalesce(Article.outlet, Article.source)
    return session.scalar(select(func.count(outlet.distinct())).where(Article.story_id == article.story_id)) or 1


def article_view(session: Session, article: Article, match: TopicMatch | None = None) -> ArticleView:
    return ArticleView(
        title=article.title,
        url=article.url,
        source=article.source,
        id=article.id,
        outlet=article.outlet,
        published_at=article.published_at,
        fetched_at=article.fetched_at,
        snippet=_snippet(article, match),
        story_id=story_of(article),
        outlets=_outlets(session, article),
    )


def match_view(match: TopicMatch) -> MatchView:
    return MatchView(
        topic=match.topic,
        terms=list(match.terms),
        score=match.score,
        snippets=[hit.get("snippet", "") for hit in match.hits or []],
    )


def _words(rendered: Rendered) -> dict:
    return {"title": rendered.title, "markdown": rendered.markdown, "html": rendered.html, "text": rendered.text}


def _add_alert(
    session: Session,
    *,
    key: str,
    kind: str,
    rendered: Rendered,
    targets: Iterable[Target],
    now: datetime,
    payload: dict | None = None,
    variants: dict[str, Rendered] | None = None,
    **columns,
) -> Alert:
    data = dict(payload or {})
    data["render"] = _words(rendered)
    if variants:
        data["variants"] = {target_id: _words(words) for target_id, words in variants.items()}
    alert = Alert(
        key=key, kind=kind, title=rendered.title, body=rendered.markdown, payload=data, created_at=now, **columns
    )
    seen: set[str] = set()
    for target in targets:
        if target.id in seen:
            continue
        seen.add(target.id)
        alert.deliveries.append(Delivery(target=target.id, target_label=target.label, status="pending", attempts=0))
    session.add(alert)
    session.flush()
    return alert


def _topics_of(session: Session, article_ids: Iterable[int]) -> dict[int, set[str]]:
    """The topics each article matched."""
    found: dict[int, set[str]] = {}
    ids = list(set(article_ids))
    if ids:
        for article_id, topic in session.execute(
            select(TopicMatch.article_id, TopicMatch.topic).where(TopicMatch.article_id.in_(ids))
        ):
            found.setdefault(article_id, set()).add(topic)
    return found


def _existing(session: Session, key: str) -> Alert | None:
    return session.scalar(select(Alert).where(Alert.key == key))


def plan_for_article(
    session: Session,
    article_row: Article,
    matches: list[TopicMatch],
    topics: dict[str, TopicAlerting],
    targets: list[Target],
    settings: AlertSettings,
    budget: CycleBudget | None,
    now: datetime | None = None,
    below: Iterable = (),
) -> list[Alert]:
    """The alerts one newly stored article causes, added to `session` (the caller commits).

    Call it right after the article and its matches are added and flushed. Returns the Alert
    rows created: 'instant' and 'update' ones carry pending deliveries, 'folded' ones (over this
    cycle's budget) carry none and wait for `finish_cycle`'s summary. Writes on the article, in
    one line, what became of each topic it matched (`Article.alert_note`): the alert it made, or
    why it made none; `below` (domain.matching.NearMiss) names the topics whose query matched
    with a score under their min_score, which are not matches and would otherwise go unsaid."""
    now = _now(now)
    budget = budget if budget is not None else CycleBudget.for_settings(settings)
    created: list[Alert] = []
    notes: list[str] = []
    fresh = list(matches)
    if article_row.duplicate_of is not None:
        # A copy alerts only for the topics its original did not match (an edited copy can add one).
        original = article_row.duplicate_of
        told = _topics_of(session, [original]).get(original, set())
        fresh = [match for match in matches if match.topic not in told]
        if not fresh:
            notes.append(f"not alerted: a copy of #{original}")
        elif len(fresh) < len(matches):
            notes.extend(f"{m.topic}: not alerted: a copy of #{original}" for m in matches if m.topic in told)
    if fresh and too_old(article_row, settings, now):
        seen = _utc(article_row.published_at) or _utc(article_row.fetched_at)
        notes.append(
            f"not alerted: older than alerts.max_age ({_duration(settings.max_age)}; "
            f"published {seen:%Y-%m-%d %H:%M} UTC)"
        )
    elif fresh:
        for match in fresh:
            note = _plan_topic(session, article_row, match, topics, targets, settings, budget, now, created)
            if note:
                notes.append(note)
    notes.extend(
        f"{miss.topic}: not alerted: scored {miss.score:.2f}, below the topic's min_score {miss.min_score:g}"
        for miss in below
    )
    article_row.alert_note = "; ".join(notes) or None
    return created


def _plan_topic(
    session: Session,
    article_row: Article,
    match: TopicMatch,
    topics: dict[str, TopicAlerting],
    targets: list[Target],
    settings: AlertSettings,
    budget: CycleBudget,
    now: datetime,
    created: list[Alert],
) -> str | None:
    """Plan the alert of one matched topic; returns the one-line note saying what happened."""
    story = story_of(article_row)
    topic = topics.get(match.topic)
    if topic is None:
        return f"{match.topic}: not alerted: the topic is no longer configured"
    if topic.mode == "digest":
        told = _existing(session, f"digest:{topic.name}:story:{story}")
        if told is not None:
            return f"{topic.name}: not alerted at once: {DIGEST_TOLD}{told.digest_id}"
        return f"{topic.name}: not alerted at once: {DIGEST_PENDING}"
    if topic.mode != "instant":
        return f"{topic.name}: not alerted: the topic is off"
    kind, key = "instant", f"instant:{topic.name}:story:{story}"
    update_of = f"story {story}"
    earlier = _existing(session, key)
    if earlier is not None:
        sent_as = f"alert #{earlier.id}"
        if earlier.kind == "folded":  # the story's alert went out in a summary: name it, as `alerts` lists it
            sent_as = _folded_into((earlier.payload or {}).get("summary") or earlier.id)
        joined = f"{topic.name}: not alerted: joined story {story}, already alerted for topic {topic.name}"
        joined += f" ({sent_as}" + (f", article #{earlier.article_id})" if earlier.article_id else ")")
        if settings.updates and earlier.kind in INSTANT_KINDS and earlier.article_id != article_row.id:
            kind, key = "update", f"update:{topic.name}:article:{article_row.id}"
        elif settings.preview_updates and _confirms(session, earlier, article_row):
            # The story alerted on a preview ("Cabinet likely to clear ..."): the development itself
            # ("Cabinet approves ...") is news of its own, told once as an update of the story.
            kind, key = "update", f"update:{topic.name}:confirmed:story:{story}"
            update_of = f"story {story}, whose {sent_as} was a preview of it"
        else:
            return joined
        if _existing(session, key) is not None:
            return joined
    view = article_view(session, article_row, match)
    rendered = render_instant(view, match_view(match), topic, kind=kind, settings=settings)
    routed = targets_for(topic, targets)
    payload = {
        "article_id": article_row.id,
        "url": article_row.url,
        "source": article_row.source,
        "topic": topic.name,
        "terms": list(match.terms),
    }
    columns: dict[str, Any] = {"topic": topic.name, "article_id": article_row.id, "story_id": story}
    if not routed or budget.take():  # an alert no target receives costs no budget
        alert = _add_alert(
            session, key=key, kind=kind, rendered=rendered, targets=routed, now=now, payload=payload, **columns
        )
        created.append(alert)
        what = "alerted" if kind == "instant" else f"alerted as an update of {update_of}"
        if not routed:
            return f"{topic.name}: {what} (alert #{alert.id}), but no alert target takes the topic's tags"
        quiet = quiet_until(now, settings)
        if quiet is not None and any(not target.is_console for target in routed):
            return f"{topic.name}: {what} (alert #{alert.id}), {QUIET_HELD} {quiet:%Y-%m-%d %H:%M} UTC"
        return f"{topic.name}: {what} (alert #{alert.id})"
    folded = _add_alert(
        session,
        key=key,
        kind="folded",
        rendered=rendered,
        targets=(),
        now=now,
        payload={**payload, "folded_from": kind},
        **columns,
    )
    budget.folded.append(
        {
            "alert_id": folded.id,
            "article_id": article_row.id,
            "topic": topic.name,
            "title": article_row.title,
            "url": article_row.url,
            "source": article_row.source,
            "targets": [target.id for target in routed],
        }
    )
    created.append(folded)
    return (
        f"{topic.name}: not alerted on its own: over alerts.max_per_cycle ({budget.max_per_cycle}) this cycle; "
        + _folded_into(folded.id)
    )


def _confirms(session: Session, earlier: Alert, article_row: Article) -> bool:
    """True when the story's alert `earlier` came from a report whose headline foretold the
    development (`happenings.foretold`) and `article_row`, published no earlier, reports it."""
    if earlier.kind not in ("instant", "folded") or earlier.article_id in (None, article_row.id):
        return False
    preview = session.get(Article, earlier.article_id)
    if preview is None or not foretold(preview.title or "") or foretold(article_row.title or ""):
        return False
    then, now = _utc(preview.published_at), _utc(article_row.published_at)
    return then is None or now is None or now >= then


def _duration(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


def _variants(items_by_target: dict[str, list], everything: list, render) -> tuple[Rendered, dict[str, Rendered]]:
    """The full rendering, plus a narrower one for each target that may only see some items
    (tag routing), so no target hears of a topic that is not routed to it."""
    full = render(everything)
    variants: dict[str, Rendered] = {}
    cache: dict[tuple, Rendered] = {}
    for target_id, items in items_by_target.items():
        if len(items) == len(everything):
            continue
        signature = tuple(id(item) for item in items)
        if signature not in cache:
            cache[signature] = render(items)
        variants[target_id] = cache[signature]
    return full, variants


def finish_cycle(
    session: Session, budget: CycleBudget, targets: list[Target], settings: AlertSettings, now: datetime | None = None
) -> Alert | None:
    """At the end of a crawl cycle: one 'summary' alert for the instant alerts the budget folded
    (None when nothing was folded). Resets the budget for the next cycle."""
    now = _now(now)
    folded, budget.folded, budget.used = list(budget.folded), [], 0
    if not folded:
        return None
    by_target: dict[str, list[dict]] = {}
    for item in folded:
        for target_id in item["targets"]:
            by_target.setdefault(target_id, []).append(item)
    routed = [target for target in targets if target.id in by_target]
    full, variants = _variants(by_target, folded, lambda items: render_summary(items, settings=settings))
    key = f"summary:{now.isoformat()}:{folded[0]['alert_id']}"
    summary = _add_alert(
        session,
        key=key,
        kind="summary",
        rendered=full,
        targets=routed,
        now=now,
        payload={"folded": [item["alert_id"] for item in folded]},
        variants=variants,
    )
    # Each folded report's note, and the note of any report that joined its story this cycle, named
    # its folded row, which `newswatch alerts` does not list: they name the summary that was sent
    # instead, and so will later reports of the story (the folded row keeps the summary's id).
    for item in folded:
        row = session.get(Alert, item["alert_id"])
        if row is None:
            continue
        row.payload = {**(row.payload or {}), "summary": summary.id}
        stale = _folded_into(row.id)
        joined = select(Article).where(Article.story_id == row.story_id, Article.alert_note.contains(stale))
        reports: list[Article | None] = list(session.scalars(joined)) if row.story_id is not None else []
        reports.append(session.get(Article, item["article_id"]))
        for report in reports:
            if report is not None and report.alert_note:
                report.alert_note = report.alert_note.replace(stale, _folded_into(summary.id))
    return summary


def _folded_into(alert_id: int) -> str:
    return f"listed in the cycle's summary (alert #{alert_id})"


def _as_topics(topics: Iterable[str | TopicAlerting]) -> list[TopicAlerting]:
    return [
        topic if isinstance(topic, TopicAlerting) else TopicAlerting(name=str(topic), mode="digest") for topic in topics
    ]


# How far before the previous digest a digest still looks for matches: a crawl that matched an
# article just before that digest ran may have committed it just after (its rows carry the
# crawl's time). Stories already told are skipped by their 'digest-item' row.
DIGEST_OVERLAP = timedelta(days=1)


def previous_digest_at(session: Session) -> datetime | None:
    """When the last digest was made, None before the first one."""
    return _utc(session.scalar(select(func.max(Alert.created_at)).where(Alert.kind == "digest")))


def make_digest(
    session: Session,
    topic_names: Iterable[str | TopicAlerting],
    since: datetime | None,
    until: datetime,
    targets: list[Target],
    settings: AlertSettings,
    now: datetime | None = None,
) -> Alert | None:
    """One 'digest' alert grouping, by topic, the stories first matched in [since, until) that no
    digest has told yet, each story with its number of outlets and a link. None when there is
    nothing new. `since` None: since the previous digest (`previous_digest_at`, looking back
    DIGEST_OVERLAP further), or from the start when there was none, so that a weekly digest, or
    one after the service was down at digest time, tells everything since the last one.

    A copy counts only for the topics its original did not match; items that were older than
    max_age when they were matched are left out (as an instant alert judges them): the wait for
    the digest does not age an item out.

    Pass TopicAlerting objects to route by tags (plain names go to every target). Each story
    told is remembered by a 'digest-item' row, so overlapping periods never repeat a story."""
    now = _now(now)
    topics = _as_topics(topic_names)
    by_name = {topic.name: topic for topic in topics}
    if not by_name:
        return None
    told_since = _utc(since) if since is not None else previous_digest_at(session)
    conditions = [TopicMatch.topic.in_(list(by_name)), TopicMatch.created_at < _utc(until)]
    if since is not None:
        conditions.append(TopicMatch.created_at >= _utc(since))
    elif told_since is not None:
        conditions.append(TopicMatch.created_at >= told_since - DIGEST_OVERLAP)
    rows = session.execute(
        select(TopicMatch, Article)
        .join(Article, TopicMatch.article_id == Article.id)
        .where(*conditions)
        .order_by(Article.id)
    ).all()
    originals = _topics_of(session, (article.duplicate_of for _, article in rows if article.duplicate_of is not None))
    picked: dict[str, dict[int, Article]] = {}
    first_matched: datetime | None = None
    for match, article in rows:
        if article.duplicate_of is not None and match.topic in originals.get(article.duplicate_of, ()):
            continue  # a copy: its original tells the topic
        story = story_of(article)
        if story in picked.get(match.topic, {}) or too_old(article, settings, _utc(match.created_at) or now):
            continue
        if _existing(session, f"digest:{match.topic}:story:{story}") is not None:
            continue
        picked.setdefault(match.topic, {})[story] = article
        matched = _utc(match.created_at)
        if matched is not None and (first_matched is None or matched < first_matched):
            first_matched = matched
    if not picked:
        return None
    period = (told_since or first_matched or _utc(until), _utc(until))
    story_ids = {
        article.story_id for stories in picked.values() for article in stories.values() if article.story_id is not None
    }
    counts = (
        dict(
            session.execute(
                select(Article.story_id, func.count(func.coalesce(Article.outlet, Article.source).distinct()))
                .where(Article.story_id.in_(story_ids))
                .group_by(Article.story_id)
            ).all()
        )
        if story_ids
        else {}
    )

    def newest_first(article: Article):
        return _utc(article.published_at) or _utc(article.fetched_at) or now

    groups: list[dict[str, Any]] = []
    for topic in topics:
        stories = sorted(picked.get(topic.name, {}).values(), key=newest_first, reverse=True)
        if stories:
            groups.append(
                {
                    "topic": topic.name,
                    "stories": [
                        {
                            "title": article.title,
                            "url": article.url,
                            "source": article.source,
                            "outlets": counts.get(article.story_id, 1),
                            "story_id": story_of(article),
                        }
                        for article in stories
                    ],
                }
            )
    by_target: dict[str, list[dict]] = {}
    for group in groups:
        for target in targets_for(by_name[group["topic"]], targets):
            by_target.setdefault(target.id, []).append(group)
    routed = [target for target in targets if target.id in by_target]
    full, variants = _variants(by_target, groups, lambda chosen: render_digest(chosen, period, settings=settings))
    names = ",".join(sorted(by_name))
    topics_hash = hashlib.sha256(names.encode()).hexdigest()[:12]
    key = f"digest:{_utc(until).isoformat()}:{topics_hash}:{uuid.uuid4().hex[:8]}"
    digest = _add_alert(
        session,
        key=key,
        kind="digest",
        rendered=full,
        targets=routed,
        now=now,
        topic=groups[0]["topic"] if len(groups) == 1 else None,
        payload={
            "since": period[0].isoformat(),
            "until": period[1].isoformat(),
            "topics": [group["topic"] for group in groups],
            "stories": sum(len(group["stories"]) for group in groups),
        },
        variants=variants,
    )
    for group in groups:
        for story in group["stories"]:
            session.add(
                Alert(
                    key=f"digest:{group['topic']}:story:{story['story_id']}",
                    kind="digest-item",
                    topic=group["topic"],
                    story_id=story["story_id"],
                    title=story["title"],
                    body=story["url"],
                    payload={},
                    created_at=now,
                    digest_id=digest.id,
                )
            )
    session.flush()
    return digest


def make_test_alert(
    session: Session,
    targets: list[Target],
    tag: str | None = None,
    now: datetime | None = None,
    settings: AlertSettings | None = None,
) -> Alert | None:
    """A test notification to every target (or those carrying `tag`); None when no target does.
    Tests ignore quiet hours and the rate limit: someone is waiting for them."""
    now = _now(now)
    chosen = [target for target in targets if tag is None or tag.strip().lower() in target.tags]
    if not chosen:
        return None
    return _add_alert(
        session,
        key=f"test:{now.isoformat()}:{uuid.uuid4().hex[:8]}",
        kind="test",
        rendered=render_test(now, settings=settings),
        targets=chosen,
        now=now,
    )


def make_health_alert(
    session: Session,
    source: str,
    state: str,
    targets: list[Target],
    settings: AlertSettings | None = None,
    now: datetime | None = None,
    error: str | None = None,
    since: datetime | None = None,
) -> Alert:
    """A source stopped working, or works again (the caller decides when, e.g. via
    Source.health_alerted, so it is told once per change)."""
    now = _now(now)
    return _add_alert(
        session,
        key=f"health:{source}:{state}:{now.isoformat()}",
        kind="health",
        rendered=render_health(source, state, error=error, since=since, settings=settings),
        targets=targets,
        now=now,
        payload={"source": source, "state": state},
    )
