"""The web view's state-changing requests: sign in and out, feedback on a match, retrying failed
alert deliveries. Each is a POST carrying the CSRF token of the page it was sent from, and answers
with a redirect back (post/redirect/get), so reloading a page never sends it twice."""

from __future__ import annotations

import asyncio
import math
import time
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from newswatch.web.auth import SESSION_COOKIE, SESSION_SECONDS
from newswatch.web.params import whole_number
from newswatch.web.site import Site, now

FAILED_LOGIN_DELAY = 1.0  # seconds: slows down guessing


def _site(request: Request) -> Site:
    return request.app.state.site


def local_path(target: str | None, default: str = "/") -> str:
    """`target` if it is a path on this site, else `default`: a form's "back to" never leads
    elsewhere (no //host, no scheme, no backslash tricks)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if any(ord(ch) < 0x20 for ch in target):
        return default
    return target


async def _form(request: Request) -> FormData | Response:
    """The posted form, or the error response when its CSRF token is missing or wrong."""
    site = _site(request)
    try:
        form = await request.form()
    except Exception as exc:  # an unreadable body: say so in one line
        return site.error(request, 400, f"Unreadable form: {exc}")
    seed = request.cookies.get("nw_csrf")
    token = form.get("csrf_token")
    if not site.guard.csrf_ok(seed, token if isinstance(token, str) else None):
        return site.error(
            request, 403, "The form's security token is missing or out of date: reload the page and send it again."
        )
    return form


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


# sign in and out ----------------------------------------------------------------------------


def login_page(request: Request) -> Response:
    site = _site(request)
    if not site.guard.protected:
        return RedirectResponse("/", status_code=303)
    return site.render(request, "login.html", next=local_path(request.query_params.get("next")), failed=False)


def client_of(request: Request) -> str:
    """Who sent `request`, as far as failed passwords are counted."""
    return request.client.host if request.client else "unknown"


def too_many_failures(wait: float) -> Response:
    seconds = max(1, math.ceil(wait))
    return PlainTextResponse(
        f"Too many wrong passwords from this address: try again in {seconds} s.\n",
        status_code=429,
        headers={"Retry-After": str(seconds)},
    )


async def login(request: Request) -> Response:
    site = _site(request)
    form = await _form(request)
    if isinstance(form, Response):
        return form
    target = local_path(_text(form, "next"))
    if not site.guard.protected:
        return RedirectResponse(target, status_code=303)
    client, moment = client_of(request), time.time()
    wait = site.guard.throttle.wait(client, moment)
    if wait > 0:
        return too_many_failures(wait)
    password = form.get("password")
    if not isinstance(password, str) or not site.guard.password_ok(password):
        site.guard.throttle.failed(client, moment)
        await asyncio.sleep(FAILED_LOGIN_DELAY)
        return site.render(request, "login.html", http_status=401, next=target, failed=True)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        site.guard.new_session(),
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


async def logout(request: Request) -> Response:
    form = await _form(request)
    if isinstance(form, Response):
        return form
    guard = _site(request).guard
    guard.end_session(request.cookies.get(SESSION_COOKIE))  # a copy of the cookie is refused too
    response = RedirectResponse("/login" if guard.protected else "/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


# feedback -----------------------------------------------------------------------------------

VERDICTS = {"relevant": True, "not_relevant": False, "clear": None}


async def send_feedback(request: Request) -> Response:
    """Mark one match relevant or not relevant (or withdraw the mark)."""
    from newswatch.db import feedback
    from newswatch.db.reading import matches_of

    site = _site(request)
    form = await _form(request)
    if isinstance(form, Response):
        return form
    verdict, topic, raw_id = _text(form, "verdict"), _text(form, "topic"), _text(form, "article_id")
    if verdict not in VERDICTS:
        return site.error(request, 400, "verdict must be relevant, not_relevant or clear")
    article_id = whole_number(raw_id)
    if article_id is None:
        return site.error(request, 400, "article_id must be a whole number")

    def store() -> str | None:
        with site.engine.begin() as conn:
            if topic not in {m.topic for m in matches_of(conn, [article_id])[article_id]}:
                return f"Article {article_id} has no match for topic {topic!r} to judge."
            feedback.set_verdict(conn, article_id, topic, VERDICTS[verdict], now())
        return None

    problem = await run_in_threadpool(store)
    if problem:
        return site.error(request, 404, problem)
    return RedirectResponse(local_path(_text(form, "next"), f"/articles/{article_id}"), status_code=303)


# splitting a story --------------------------------------------------------------------------


async def split_out(request: Request) -> Response:
    """Take one report out of the story it joined into a story of its own, which alerts as a new
    story would (`newswatch split`), and send what is due."""
    from newswatch.db.split import SplitRefused

    site = _site(request)
    form = await _form(request)
    if isinstance(form, Response):
        return form
    article_id = request.path_params["article_id"]
    split = site.options.split
    if split is None:
        return site.error(request, 404, "This web view was started without the configuration to split stories.")

    def move() -> tuple[int, str] | None:
        try:
            split(site.sessions, [article_id], True, now())
        except SplitRefused as exc:
            return (404 if exc.missing is not None else 409), str(exc)
        if site.options.send_due is not None:
            site.options.send_due()
        return None

    problem = await run_in_threadpool(move)
    if problem:
        status, reason = problem
        return site.error(request, status, reason[0].upper() + reason[1:] + ".")
    return RedirectResponse(f"/articles/{article_id}", status_code=303)


# alert deliveries ---------------------------------------------------------------------------


async def retry_alerts(request: Request) -> Response:
    """Queue failed deliveries again (all, or one alert's) and send what is due."""
    from newswatch.alerts.outbox import retry_failed

    site = _site(request)
    form = await _form(request)
    if isinstance(form, Response):
        return form
    raw_id = _text(form, "alert_id")
    alert_id = whole_number(raw_id) if raw_id else None
    if raw_id and alert_id is None:
        return site.error(request, 400, "alert_id must be a whole number")

    def requeue() -> dict[str, int]:
        with site.sessions.begin() as session:
            outcome = {"requeued": retry_failed(session, alert_id)}
        if outcome["requeued"] and site.options.send_due is not None:
            report = site.options.send_due()
            outcome.update(sent=report.sent, failed=report.failed, retrying=report.retrying)
        return outcome

    outcome = await run_in_threadpool(requeue)
    return RedirectResponse("/alerts?" + urlencode(outcome), status_code=303)
