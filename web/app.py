"""The web view as an ASGI application: routes, and the guard every request passes first (host
check, sign-in, the CSRF cookie, security headers)."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.convertors import IntegerConvertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from newswatch.web import actions, api, feeds, pages
from newswatch.web.auth import (
    CSRF_COOKIE,
    MACHINE_PATHS,
    OPEN_PATHS,
    SESSION_COOKIE,
    Guard,
    host_name,
    is_loopback,
)
from newswatch.web.site import Site, WebOptions

STATIC = Path(__file__).with_name("static")
# No script runs on any page; styles and images come from this site only; no page may be framed.
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


class GuardMiddleware:
    """Runs before every route: see web/auth.py for the rules."""

    def __init__(self, app, guard: Guard):
        self.app = app
        self.guard = guard

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        seed = request.cookies.get(CSRF_COOKIE, "")
        fresh = None
        if not 20 <= len(seed) <= 64:
            seed = self.guard.new_csrf_seed()
            # Feed readers and scripts post no forms: no cookie for them (it only defeats caches).
            fresh = None if request.url.path.startswith(MACHINE_PATHS) else seed
        scope.setdefault("state", {})["csrf_seed"] = seed
        refusal = self._refusal(request)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in SECURITY_HEADERS.items():
                    if name.encode() not in present:
                        headers.append((name.encode(), value.encode()))
                if fresh is not None:
                    cookie = f"{CSRF_COOKIE}={fresh}; Path=/; HttpOnly; SameSite=Lax"
                    headers.append((b"set-cookie", cookie.encode()))
                message = {**message, "headers": headers}
            await send(message)

        if refusal is not None:
            await refusal(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)

    def _refusal(self, request: Request) -> Response | None:
        path = request.url.path
        if not self.guard.protected:
            if not is_loopback(host_name(request.headers.get("host", ""))):
                return PlainTextResponse(
                    "This web view answers loopback host names only; set [web] password to serve others.\n",
                    status_code=403,
                )
            return None
        if path.startswith(OPEN_PATHS):
            return None
        if self.guard.session_ok(request.cookies.get(SESSION_COOKIE)):
            return None
        if path.startswith(MACHINE_PATHS):
            header = request.headers.get("authorization")
            if header:
                client, moment = actions.client_of(request), time.time()
                wait = self.guard.throttle.wait(client, moment)
                if wait > 0:
                    return actions.too_many_failures(wait)
                if self.guard.basic_ok(header):
                    return None
                self.guard.throttle.failed(client, moment)
            return PlainTextResponse(
                "Sign in: HTTP basic authentication with the [web] password (any user name).\n",
                status_code=401,
                headers={"WWW-Authenticate": 'Basic realm="newswatch", charset="UTF-8"'},
            )
        target = path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?next=" + quote(target, safe="/"), status_code=303)


class IdConvertor(IntegerConvertor):
    """A row id: a whole number a 64-bit column holds, so /articles/99999999999999999999 is a 404
    (no such article) rather than an overflow deep in the database driver."""

    regex = "[0-9]{1,18}"


register_url_convertor("id", IdConvertor())


def routes() -> list:
    return [
        Route("/", pages.stories_page),
        Route("/stories/{story_id:id}", pages.story_page),
        Route("/articles/{article_id:id}", pages.article_page),
        Route("/articles/{article_id:id}/split", actions.split_out, methods=["POST"]),
        Route("/search", pages.search_page),
        Route("/sources", pages.sources_page),
        Route("/alerts", pages.alerts_page),
        Route("/alerts/retry", actions.retry_alerts, methods=["POST"]),
        Route("/topics", pages.topics_page),
        Route("/topics/{name}", pages.topic_page),
        Route("/preview", pages.preview_page),
        Route("/feedback", actions.send_feedback, methods=["POST"]),
        Route("/login", actions.login_page, methods=["GET"]),
        Route("/login", actions.login, methods=["POST"]),
        Route("/logout", actions.logout, methods=["POST"]),
        Route("/feeds/{name}.atom", feeds.feed),
        Route("/api/articles", api.list_articles),
        Route("/api/articles/{article_id:id}", api.one_article),
        Route("/api/search", api.search),
        Route("/api/stories", api.list_stories),
        Route("/api/sources", api.list_sources),
        Route("/api/topics", api.topic_evaluations),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]


def create_app(options: WebOptions, guard: Guard | None = None) -> Starlette:
    """The web view on the database `options.database_url` (migrated first)."""
    from newswatch.db.session import open_engine

    guard = guard or Guard(password=options.password)
    app = Starlette(routes=routes(), exception_handlers={404: _not_found, 405: _not_allowed})
    app.state.site = Site(options=options, engine=open_engine(options.database_url), guard=guard)
    app.add_middleware(GuardMiddleware, guard=guard)
    return app


async def _not_found(request: Request, exc) -> Response:
    site: Site = request.app.state.site
    if request.url.path.startswith(("/api/", "/feeds/", "/static/")):
        return PlainTextResponse("Not found.\n", status_code=404)
    return site.error(request, 404, "There is no such page.")


async def _not_allowed(request: Request, exc) -> Response:
    return PlainTextResponse("Method not allowed.\n", status_code=405)
