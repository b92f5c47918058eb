"""The JSON API: the same records as the CLI's `--json` (db/records.py, db.reading.article_json),
as a JSON array per request. Bad parameters answer 400 with {"error": "..."}."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from newswatch.db import feedback, reading
from newswatch.domain.query import QueryError
from newswatch.scheduler.config_files import unknown_name
from newswatch.web import queries
from newswatch.web.params import BadInput, int_param, since_param
from newswatch.web.site import Site, now


def _site(request: Request) -> Site:
    return request.app.state.site


def _json(data, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status)


def _filters(request: Request, conn) -> tuple[str | None, str | None]:
    """The ?topic= and ?source= of a listing, each a configured name (or one stored matches or
    articles still carry) or None. Another name is a 400 naming the configured ones, as
    `newswatch articles --topic` exits 2, not an empty list that reads as "nothing happened"."""
    options = _site(request).options
    chosen = []
    for kind, known in (("topic", [t.name for t in options.topics]), ("source", [s.name for s in options.sources])):
        name = request.query_params.get(kind, "").strip() or None
        if name is not None and name not in known and not reading.name_is_stored(conn, kind, name):
            raise BadInput(unknown_name(kind, name, known))
        chosen.append(name)
    return chosen[0], chosen[1]


def api(handler):
    """Answer a BadInput as a 400 with its message."""

    def wrapper(request: Request) -> Response:
        try:
            return handler(request)
        except BadInput as exc:
            return _json({"error": str(exc)}, 400)

    wrapper.__name__ = handler.__name__
    return wrapper


@api
def list_articles(request: Request) -> Response:
    """`newswatch articles --json`: ?topic=T&source=S&since=2d&limit=N&all=1"""
    params = request.query_params
    since = since_param(request, "since", now())
    limit = int_param(request, "limit", 50, 1, 5000)
    with _site(request).engine.connect() as conn:
        topic, source = _filters(request, conn)
        rows = reading.list_articles(
            conn,
            topic=topic,
            source=source,
            since=since,
            matched_only=params.get("all") != "1",
            limit=limit,
        )
        found = reading.matches_of(conn, [row.id for row in rows])
    return _json([reading.article_json(row, found[row.id]) for row in rows])


@api
def one_article(request: Request) -> Response:
    """`newswatch show ID --json`: the article with its text, alert and copies."""
    from newswatch.db.records import article_detail

    article_id = request.path_params["article_id"]
    with _site(request).engine.connect() as conn:
        row = reading.get_article(conn, article_id)
        if row is None:
            return _json({"error": f"no article with id {article_id}"}, 404)
        data = article_detail(conn, row)
    return _json(data)


@api
def search(request: Request) -> Response:
    """`newswatch search QUERY --json`: ?q=QUERY&limit=N"""
    text = request.query_params.get("q", "").strip()
    if not text:
        raise BadInput("q (the search) is required")
    limit = int_param(request, "limit", 50, 1, 500)
    with _site(request).engine.connect() as conn:
        try:
            rows = reading.search_articles(conn, text, limit)
        except QueryError as exc:
            raise BadInput(f"invalid query: {exc}") from None
        found = reading.matches_of(conn, [row.id for row in rows])
    return _json([reading.article_json(row, found[row.id]) for row in rows])


@api
def list_stories(request: Request) -> Response:
    """`newswatch stories --json`: ?topic=T&source=S&since=2d&limit=N"""
    since = since_param(request, "since", now())
    limit = int_param(request, "limit", 30, 1, 1000)
    with _site(request).engine.connect() as conn:
        topic, source = _filters(request, conn)
        ids = queries.story_ids(conn, topic=topic, source=source, since=since, limit=limit)
        found = queries.stories(conn, ids)
    return _json([story.record() for story in found])


def list_sources(request: Request) -> Response:
    """`newswatch sources --json`."""
    from newswatch.db import store
    from newswatch.db.records import source_records

    site = _site(request)
    with site.sessions.begin() as session:
        store.sync_sources(session, site.options.sources)
    with site.sessions() as session:
        return _json(source_records(session, site.options.sources))


def topic_evaluations(request: Request) -> Response:
    """`newswatch topics evaluate --json`: precision and false positives from feedback."""
    site = _site(request)
    with site.engine.connect() as conn:
        found = feedback.evaluate(conn, [t.name for t in site.options.topics])
    return _json([evaluation.to_dict() for evaluation in found])
