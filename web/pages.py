"""The web view's pages: stories, one story, one article, search, sources, alerts, topics and the
topic preview. Each handler reads through one connection and renders a template; every value
from the web reaches the page through Jinja's escaping (or web/highlight.py's)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response

from newswatch.db import feedback, reading
from newswatch.db.joins import join_record
from newswatch.domain.query import Document, QueryError, parse_query
from newswatch.web import charts, highlight, queries, why
from newswatch.web.params import BadInput, int_param, since_param, whole_number
from newswatch.web.preview import MAX_DAYS, run_preview
from newswatch.web.site import Site, now

PAGE_SIZE = 50
VISIT_COOKIE = "nw_visit"
VISIT_GAP = 30 * 60  # seconds without a page view after which the next view is a new visit
CHART_DAYS = 28
PERIODS = (("", "any time"), ("24h", "last 24 hours"), ("7d", "last 7 days"), ("30d", "last 30 days"))


def _site(request: Request) -> Site:
    return request.app.state.site


def _visit(request: Request) -> tuple[datetime | None, str]:
    """The time of the previous visit (None on the first), and the cookie value to send back.
    A visit is page views less than VISIT_GAP apart, so "new" marks stay while one reads."""
    moment = int(time.time())
    parts = [whole_number(part) for part in request.cookies.get(VISIT_COOKIE, "").split(":")]
    times = [part for part in parts if part is not None and part <= moment]
    if len(parts) != 2 or len(times) != 2:
        return None, f"{moment}:{moment}"  # no cookie, or not one this page wrote
    previous, current = times
    if moment - current > VISIT_GAP:
        previous = current
    return datetime.fromtimestamp(previous, UTC), f"{previous}:{moment}"


def handle_bad_input(handler):
    def wrapper(request: Request) -> Response:
        try:
            return handler(request)
        except BadInput as exc:
            return _site(request).error(request, 400, str(exc))

    wrapper.__name__ = handler.__name__
    wrapper.__doc__ = handler.__doc__
    return wrapper


# stories ------------------------------------------------------------------------------------


@handle_bad_input
def stories_page(request: Request) -> Response:
    """Stories newest first, filtered by topic, source and period."""
    site = _site(request)
    params = request.query_params
    topic, source = params.get("topic", "").strip() or None, params.get("source", "").strip() or None
    since = since_param(request, "since", now())
    page = int_param(request, "page", 1, 1, 10_000)
    show_all = params.get("all") == "1"
    last_visit, visit_cookie = _visit(request)
    with site.engine.connect() as conn:
        ids = queries.story_ids(
            conn,
            topic=topic,
            source=source,
            since=since,
            matched_only=not show_all,
            limit=PAGE_SIZE + 1,
            offset=(page - 1) * PAGE_SIZE,
        )
        found = queries.stories(conn, ids[:PAGE_SIZE])
    response = site.render(
        request,
        "stories.html",
        stories=found,
        last_visit=last_visit,
        filters={"topic": topic or "", "source": source or "", "since": params.get("since", ""), "all": show_all},
        periods=PERIODS,
        sources=[s.name for s in site.options.sources],
        page=page,
        more=len(ids) > PAGE_SIZE,
    )
    response.set_cookie(VISIT_COOKIE, visit_cookie, max_age=365 * 86400, httponly=True, samesite="lax")
    return response


def story_page(request: Request) -> Response:
    site = _site(request)
    story_id = request.path_params["story_id"]
    with site.engine.connect() as conn:
        found = queries.stories(conn, [story_id])
    if not found:
        return site.error(request, 404, f"No story with id {story_id}.")
    story = found[0]
    reasons = {}
    for report in story.reports:
        for match in story.matches[report.id]:
            reasons[(report.id, match.topic)] = _reason(site, report, match, story)
    return site.render(request, "story.html", story=story, reasons=reasons)


def _reason(site: Site, article, match, story) -> why.Reason:
    """Why `article` did or did not alert for `match`'s topic; `story`: its story (None: none)."""
    spec = site.options.topic(match.topic)
    original = None
    if story is not None and article.duplicate_of in story.matches:
        original = {m.topic for m in story.matches[article.duplicate_of]}
    return why.explain(
        article,
        match.topic,
        match.created_at,
        spec.alert if spec else None,
        story.alerts if story is not None else [],
        site.options.max_age,
        original_topics=original,
    )


# one article --------------------------------------------------------------------------------


def article_page(request: Request) -> Response:
    site = _site(request)
    article_id = request.path_params["article_id"]
    with site.engine.connect() as conn:
        row = reading.get_article(conn, article_id)
        if row is None:
            return site.error(request, 404, f"No article with id {article_id}.")
        topic_matches = reading.matches_of(conn, [row.id])[row.id]
        copies = reading.copies_of(conn, row.id)
        story = queries.stories(conn, [row.story_id])[0] if row.story_id is not None else None
        verdicts = feedback.verdicts(conn, [row.id])
        joined = join_record(conn, row)
    doc = Document(row.title, row.text or "")
    places: list[highlight.Place] = []
    terms_seen: dict[str, set[str]] = {}
    for match in topic_matches:
        spec = site.options.topic(match.topic)
        if spec is None:
            continue
        try:
            found = highlight.places(doc, parse_query(spec.query), match.topic)
        except QueryError:
            continue
        places += found
        for label, words in highlight.surfaces(doc, found).items():
            terms_seen.setdefault(label.partition(": ")[2], set()).update(words)
    explained = []
    for match in topic_matches:
        explained.append(
            {
                "match": match,
                "terms": reading.terms_of(match.hits),
                # The headline is on the page: its terms in one line, then each other stored hit
                # with its own term's words marked (as found in today's text).
                "title_terms": reading.terms_of([hit for hit in match.hits or [] if hit["field"] == "title"]),
                "hits": [
                    {
                        "term": hit["term"],
                        "field": hit["field"],
                        "snippet": highlight.mark_words(hit["snippet"], terms_seen.get(hit["term"], set())),
                    }
                    for hit in match.hits or []
                    if hit["field"] != "title"
                ],
                "reason": _reason(site, row, match, story),
                "verdict": verdicts.get((row.id, match.topic)),
                "configured": site.options.topic(match.topic) is not None,
            }
        )
    others = [r for r in story.reports if r.id != row.id] if story else []
    unmatched = [t.name for t in site.options.topics if t.name not in {m.topic for m in topic_matches}]
    return site.render(
        request,
        "article.html",
        article=row,
        title=highlight.marked_title(doc, row.title, places),
        paragraphs=highlight.marked_field(doc, "text", row.text or "", places),
        explained=explained,
        copies=copies,
        others=others,
        story=story,
        unmatched=unmatched,
        joined=joined,
        can_split=site.options.split is not None,
    )


# search -------------------------------------------------------------------------------------


@handle_bad_input
def search_page(request: Request) -> Response:
    site = _site(request)
    text = request.query_params.get("q", "").strip()
    limit = int_param(request, "limit", 50, 1, 500)
    rows, found = [], {}
    if text:
        with site.engine.connect() as conn:
            try:
                rows = reading.search_articles(conn, text, limit)
            except QueryError as exc:
                raise BadInput(f"invalid query: {exc}") from None
            found = reading.matches_of(conn, [row.id for row in rows])
    return site.render(request, "search.html", q=text, rows=rows, found=found)


# sources ------------------------------------------------------------------------------------


def sources_page(request: Request) -> Response:
    from newswatch.db import store
    from newswatch.db.records import source_records

    site = _site(request)
    today = now().date()
    days = charts.days_back(today, CHART_DAYS)
    since = datetime.combine(days[0], datetime.min.time(), UTC)
    with site.sessions.begin() as session:
        store.sync_sources(session, site.options.sources)
    with site.sessions() as session:
        records = source_records(session, site.options.sources)
        per_day = queries.articles_per_day(session.connection(), since)
    for record in records:
        record["chart"] = charts.day_bars(per_day.get(record["name"], {}), days, f"articles of {record['name']}")
        for key in ("last_fetch_at", "next_run_at", "last_success_at", "last_new_at"):
            record[key] = datetime.fromisoformat(record[key]) if record[key] else None
    return site.render(request, "sources.html", records=records, chart_days=CHART_DAYS)


# alerts -------------------------------------------------------------------------------------


@handle_bad_input
def alerts_page(request: Request) -> Response:
    from newswatch.alerts.outbox import list_deliveries
    from newswatch.alerts.targets import scrub
    from newswatch.db.reading import QUIET_HELD

    site = _site(request)
    status = request.query_params.get("status", "").strip() or None
    if status not in (None, "pending", "sending", "sent", "failed"):
        raise BadInput(f"status must be pending, sending, sent or failed, not {status!r}")
    limit = int_param(request, "limit", 100, 1, 1000)
    with site.sessions() as session:
        rows = []
        for delivery in list_deliveries(session, status=status, limit=limit):
            error = delivery.error or ""
            for url in site.options.alert_urls:
                error = scrub(error, url)
            rows.append(
                {
                    "delivery": delivery,
                    "alert": delivery.alert,
                    "target": target_name(delivery.target, delivery.target_label),
                    "error": error.replace(delivery.target_label, target_name(delivery.target, delivery.target_label)),
                    "held": delivery.status == "pending" and error.startswith(QUIET_HELD),
                }
            )
    # What the last retry did (see actions.retry_alerts): numbers only, never text from the URL.
    keys = ("requeued", "sent", "failed", "retrying")
    numbers = {key: whole_number(request.query_params.get(key, "")) for key in keys}
    outcome = {key: number for key, number in numbers.items() if number is not None}
    return site.render(request, "alerts.html", rows=rows, status=status or "", outcome=outcome)


def target_name(target_id: str, label: str) -> str:
    """How a target is shown: its kind and a short id, never its address (which may carry secrets)."""
    if target_id == "console":
        return "console"
    scheme = label.split("://", 1)[0] if "://" in label else "target"
    return f"{scheme} · {target_id[:8]}"


# topics -------------------------------------------------------------------------------------


def topics_page(request: Request) -> Response:
    site = _site(request)
    days = charts.days_back(now().date(), CHART_DAYS)
    since = datetime.combine(days[0], datetime.min.time(), UTC)
    names = [t.name for t in site.options.topics]
    with site.engine.connect() as conn:
        per_day = queries.matches_per_day(conn, since)
        evaluations = {e.topic: e for e in feedback.evaluate(conn, names)}
    rows = [
        {
            "spec": spec,
            "chart": charts.day_bars(per_day.get(spec.name, {}), days, f"matches of {spec.name}"),
            "evaluation": evaluations[spec.name],
        }
        for spec in site.options.topics
    ]
    return site.render(request, "topics.html", rows=rows, chart_days=CHART_DAYS, preview=None, form=_preview_form())


def topic_page(request: Request) -> Response:
    site = _site(request)
    name = request.path_params["name"]
    spec = site.options.topic(name)
    if spec is None:
        return site.error(request, 404, f"No topic named {name!r} in the configuration.")
    days = charts.days_back(now().date(), CHART_DAYS)
    since = datetime.combine(days[0], datetime.min.time(), UTC)
    with site.engine.connect() as conn:
        per_day = queries.matches_per_day(conn, since).get(name, {})
        evaluation = feedback.evaluate(conn, [name])[0]
        recent = queries.topic_matches(conn, name, limit=40)
        verdicts = feedback.verdicts(conn, [row.id for row in recent])
    return site.render(
        request,
        "topic.html",
        spec=spec,
        chart=charts.day_bars(per_day, days, f"matches of {name}"),
        chart_days=CHART_DAYS,
        evaluation=evaluation,
        recent=recent,
        verdicts={article_id: verdict for (article_id, topic), verdict in verdicts.items() if topic == name},
        terms_of=reading.terms_of,
        form=_preview_form(spec.query),
    )


def _preview_form(query: str = "", days: int = 7, min_score: float = 1.0) -> dict:
    return {"q": query, "days": days, "min_score": min_score}


@handle_bad_input
def preview_page(request: Request) -> Response:
    site = _site(request)
    text = request.query_params.get("q", "")
    days = int_param(request, "days", 7, 1, MAX_DAYS)
    raw_score = request.query_params.get("min_score", "").strip() or "1"
    try:
        min_score = float(raw_score)
    except ValueError:
        raise BadInput(f"min_score must be a number, not {raw_score!r}") from None
    if not 0 <= min_score <= 1000:
        raise BadInput("min_score must be between 0 and 1000")
    preview = None
    if text.strip():
        with site.engine.connect() as conn:
            preview = run_preview(conn, text, days, now(), min_score=min_score)
    status = 400 if preview is not None and preview.error is not None else 200
    return site.render(
        request, "preview.html", http_status=status, preview=preview, form=_preview_form(text, days, min_score)
    )
