"""The butler's web pages (issue #16, docs/console.md): server-rendered Jinja2 pages
and small vanilla scripts, all served by the gateway itself (``/static/...``).

- ``/``: the residents' chat page (text, quick replies, microphone, 长辈模式); it calls
  the resident API (``POST /api/v1/chat``, ``POST /api/v1/voice``) with the resident's
  cookie identity.
- ``/console``: the staff console: sign-in (argon2 users, ``assistant.auth``), the work
  queue, ticket detail with its audit timeline and transitions, the 民意温度计 and its
  JSON (``/console/api/thermometer``).

Every page carries its own strict Content-Security-Policy (scripts and styles from
this origin only, no inline code); the gateway's ``SecurityHeaders`` keeps a route's
own policy. Residents' words reach the page through Jinja2's autoescaping or
``textContent``, never as markup. Every signed-in console POST goes through one
dependency, ``require_console_staff(*roles)``: its CSRF token (``assistant.web.session``)
before anything else, then a live server-side session (``assistant.auth.sessions``:
signing out revokes it), then the role. The sign-in form has its own double-submit
token (there is no session yet).

``router`` holds every route (the static files too), so registering the module in
``assistant.api.app.ROUTERS`` is all the wiring it needs; ``install(app)`` does the same
for an app built elsewhere (the tests).
"""

from __future__ import annotations

import io
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import structlog
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import or_, select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from assistant.api.errors import ApiError
from assistant.api.identity_deps import chat_identity
from assistant.api.limits import client_address
from assistant.auth.models import ROLES, StaffUser
from assistant.auth.service import UNMASKED_ROLES, AuthError, SignInLocked, sign_in
from assistant.auth.sessions import end_session, start_session
from assistant.db import get_database
from assistant.dialogue import namespaced_sender
from assistant.privacy import mask_name, mask_sender, mask_text
from assistant.residents.identity import ChatIdentity
from assistant.settings import get_settings
from assistant.tickets import attachments, lifecycle, service, thermometer
from assistant.tickets.attachment_http import parse_attachment_id, photo_response
from assistant.tickets.models import Ticket
from assistant.tickets.routing import get_routing
from assistant.web import session as web_session

log = structlog.get_logger(__name__)

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
TEMPLATES_DIR = HERE / "templates"

# The pages' own policy: this origin's scripts, styles and images only, no inline code;
# the spoken reply plays from a data: URL; forms post only here; never framed.
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; media-src 'self' data: blob:; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'")
PAGE_HEADERS = {"Content-Security-Policy": PAGE_CSP, "Cache-Control": "no-store",
                "Permissions-Policy": "microphone=(self), camera=(), geolocation=()"}

# The JSON API's rules, reused: workers handle what they were given; viewers only read.
WORKING_ROLES = frozenset({"admin", "dispatcher", "worker"})
# Routing decisions (category, department) are the dispatchers' (the JSON API's corrections).
CORRECTING_ROLES = frozenset({"admin", "dispatcher"})
PAGE_SIZE = 30
MAX_QUERY = 64
# A search for a phone or identity number would tell a role that may not see them
# whether a resident's number is on file: such searches are for unmasked roles only.
NUMBER_RE = re.compile(r"\d{7,}")

class ConsoleRefusal(Exception):
    """A console request refused before its handler ran: ``response`` is the answer
    (the refusal page, or the way to the sign-in form)."""

    def __init__(self, response: Response):
        super().__init__(response.status_code)
        self.response = response


class ConsoleRoute(APIRoute):
    """Routes whose dependencies may answer for them by raising ``ConsoleRefusal``."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except ConsoleRefusal as refusal:
                return refusal.response

        return guarded


router = APIRouter(include_in_schema=False, route_class=ConsoleRoute)
# A row id in a path, bounded like the care API's ``CareId``: a negative or 30-digit id is
# 422 ``invalid_request`` (after the CSRF check), never an integer SQLite cannot hold.
RowId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]
_env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(["html"]),
                   trim_blocks=True, lstrip_blocks=True)


def _worker_actions() -> frozenset[str]:
    from assistant.api.routers.tickets import WORKER_ACTIONS

    return WORKER_ACTIONS


def _local(value: str | datetime | None, fmt: str = "%m-%d %H:%M") -> str:
    if not value:
        return ""
    when = datetime.fromisoformat(value) if isinstance(value, str) else lifecycle.aware(value)
    return when.astimezone(ZoneInfo(get_settings().timezone)).strftime(fmt)


_env.filters["local"] = _local
_env.globals["urgency_zh"] = lifecycle.URGENCY_ZH


def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = _env.get_template(name).render(**context)
    return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)


# ---- static files -----------------------------------------------------------------

@router.get("/static/{path:path}")
def static(path: str) -> Response:
    target = (STATIC_DIR / path).resolve()
    if not target.is_relative_to(STATIC_DIR) or not target.is_file():
        return Response("not found", status_code=404, media_type="text/plain")
    media_type = "text/javascript" if target.suffix == ".js" else mimetypes.guess_type(target.name)[0]
    return FileResponse(target, media_type=media_type or "application/octet-stream",
                        headers={"Cache-Control": "public, max-age=300"})


# ---- residents ----------------------------------------------------------------------

@router.get("/", response_class=HTMLResponse)
def resident_page() -> HTMLResponse:
    settings = get_settings()
    return render("resident.html", service_phone=settings.service_phone)


# The resident's own tickets and their ratings. Under /api/v1 because the resident's
# session cookie is scoped there (assistant/api/identity_deps.py).
MY_TICKETS = "/api/v1/web/my-tickets"
MY_TICKETS_LIMIT = 10


def _resident_senders(caller: ChatIdentity) -> list[str]:
    """The resident's senders on the page's channels: what they typed and what they said."""
    from assistant.channels.speech import voice_sender

    if caller.kind != "session" or caller.fresh:
        return []
    local = caller.local_sender(None)
    return [namespaced_sender("web", local), voice_sender(local)]


def _own_ticket(ticket: Ticket, sender: str) -> dict[str, Any]:
    rated = any(r.sender_id == sender for r in ticket.ratings)
    return {"id": ticket.id, "state": ticket.status, "state_text": lifecycle.state_for_resident(ticket),
            "created_at": _local(ticket.created_at, "%Y-%m-%d %H:%M"),
            "words": service.own_words(ticket, sender) or "",
            "can_rate": ticket.status in lifecycle.DONE_STATES and not rated, "rated": rated}


def _own_tickets(senders: list[str]) -> list[tuple[Ticket, str]]:
    found: dict[str, tuple[Ticket, str]] = {}
    with get_database().session() as session:
        for sender in senders:
            for ticket in service.my_tickets(session, sender, limit=MY_TICKETS_LIMIT):
                found.setdefault(ticket.id, (ticket, sender))
            session.expunge_all()
    return sorted(found.values(), key=lambda pair: (lifecycle.aware(pair[0].created_at), pair[0].id),
                  reverse=True)[:MY_TICKETS_LIMIT]


@router.get(MY_TICKETS)
def my_tickets(caller: Annotated[ChatIdentity, Depends(chat_identity)]) -> JSONResponse:
    """The resident's own tickets (filed, or joined as a duplicate report), newest first."""
    items = [_own_ticket(ticket, sender) for ticket, sender in _own_tickets(_resident_senders(caller))]
    return JSONResponse({"items": items}, headers={"Cache-Control": "no-store"})


@router.get("/api/v1/web/my-bookings")
def my_bookings(caller: Annotated[ChatIdentity, Depends(chat_identity)]) -> JSONResponse:
    """The resident's coming bookings (typed or spoken), soonest first, each as one plain line."""
    from assistant.booking.service import describe_booking, upcoming_bookings

    items = []
    with get_database().session() as session:
        for sender in _resident_senders(caller):
            items += [(b.starts_at, b.id, describe_booking(b)) for b in upcoming_bookings(session, sender)]
    return JSONResponse({"items": [{"id": booking_id, "text": text} for _, booking_id, text in sorted(items)]},
                        headers={"Cache-Control": "no-store"})


def _rating_sender(senders: list[str], ticket_id: str) -> str | None:
    """Which of the resident's senders may rate the ticket: the feedback rule's own
    (``feedback.find_ticket_to_rate``: filed it, or joined it as a duplicate report)."""
    from assistant.tickets import feedback

    with get_database().session() as session:
        return next((sender for sender in senders
                     if feedback.find_ticket_to_rate(session, sender, "", ticket_id=ticket_id).ticket_id), None)


@router.post(MY_TICKETS + "/{ticket_id}/rating")
async def rate(ticket_id: str, request: Request,
               caller: Annotated[ChatIdentity, Depends(chat_identity)]) -> JSONResponse:
    """A resident rates a handled ticket of their own (``assistant.tickets.feedback``):
    ``{"score": 1..5, "reason"?}``. JSON only: a cross-site form cannot send it."""
    from assistant.tickets import feedback

    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise ApiError(415, "unsupported_media_type", "send JSON: {\"score\": 1..5, \"reason\": \"…\"}")
    try:
        body = await request.json()
    except ValueError as exc:
        raise ApiError(400, "bad_request", "the body is not JSON") from exc
    score = body.get("score") if isinstance(body, dict) else None
    reason = body.get("reason") if isinstance(body, dict) else None
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise ApiError(422, "invalid_request", "评分是 1 到 5 分。")
    if reason is not None and not isinstance(reason, str):
        raise ApiError(422, "invalid_request", "reason must be text")
    if not _valid_id(ticket_id):
        raise ApiError(404, "ticket_not_found", f"没有工单 {ticket_id}")
    owner = await run_in_threadpool(_rating_sender, _resident_senders(caller), ticket_id)
    if owner is None:
        raise ApiError(403, "feedback_refused", "只能评价自己反映过的事。")
    try:
        outcome = await run_in_threadpool(lambda: feedback.rate_ticket(
            get_database(), sender_id=owner, ticket_id=ticket_id, score=score, reason=reason))
    except service.TicketNotFound as exc:
        raise ApiError(404, "ticket_not_found", str(exc)) from exc
    except service.TicketError as exc:
        raise ApiError(422, exc.code, str(exc)) from exc
    return JSONResponse({"ticket_id": outcome.ticket_id, "message": outcome.message,
                         "awaiting": outcome.awaiting, "reopened": outcome.reopened})


# ---- console: sign-in -----------------------------------------------------------------

def _login_page(request: Request, *, error: str | None = None, status: int = 200,
                username: str = "") -> HTMLResponse:
    csrf = web_session.new_login_csrf()
    response = render("login.html", status=status, error=error, username=username, csrf=csrf)
    web_session.set_login_csrf(request, response, csrf)
    return response


@router.get("/console/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    if web_session.current_user(request) is not None:
        return RedirectResponse("/console", status_code=303)
    return _login_page(request)


def _refused(request: Request) -> HTMLResponse:
    log.warning("console_csrf_refused", path=request.url.path)
    return render("error.html", status=403, title="请求已失效",
                  message="这个页面已经过期或不是从本系统打开的。请刷新页面后再试。")


def _to_login(request: Request) -> Response:
    response = RedirectResponse("/console/login", status_code=303)
    web_session.clear_session(request, response)  # an ended or forged session: forget it
    return response


@dataclass
class ConsoleStaff:
    """A console POST that passed its checks: who sent it, and the form it sent."""

    user: StaffUser
    form: FormData

    def field(self, name: str, limit: int) -> str:
        return str(self.form.get(name) or "")[:limit]


Refusal = Callable[[Request, StaffUser, str], Response]


def _role_refused(request: Request, user: StaffUser, message: str) -> Response:
    return render("error.html", status=403, title="不能操作", message=message, **_staff_context(request, user))


def require_console_staff(*roles: str, what: str = "做这件事", refused: Refusal = _role_refused,
                          form_limits: dict[str, int] | None = None) -> Callable[..., Any]:
    """The dependency of every signed-in console POST, checked in this order:
    the session's CSRF token (403, nothing else is looked at), a live session
    (else to the sign-in form), a role among ``roles`` (none: any staff role; else
    ``refused`` answers, 403). Yields ``ConsoleStaff``.

    ``form_limits`` are ``request.form``'s multipart limits (``max_files``,
    ``max_fields``, ``max_part_size``). The form is parsed here, first, and Starlette
    keeps that parse: a route that takes files must pass its limits here, not later."""
    allowed = frozenset(roles or ROLES)
    if allowed - set(ROLES):
        raise ValueError(f"unknown roles: {sorted(allowed - set(ROLES))}")
    limits = dict(form_limits or {})

    async def dependency(request: Request) -> ConsoleStaff:
        form = await request.form(**limits)
        if not web_session.session_csrf_ok(request, str(form.get(web_session.CSRF_FIELD) or "")):
            raise ConsoleRefusal(_refused(request))
        user = await run_in_threadpool(web_session.current_user, request)
        if user is None:
            raise ConsoleRefusal(_to_login(request))
        if user.role not in allowed:
            message = f"您的角色（{user.role}）不能{what}。"
            raise ConsoleRefusal(await run_in_threadpool(refused, request, user, message))
        return ConsoleStaff(user, form)

    return dependency


@router.post("/console/login")
async def login(request: Request) -> Response:
    form = await request.form()
    if not web_session.login_csrf_ok(request, str(form.get(web_session.CSRF_FIELD) or "")):
        return _refused(request)
    username = str(form.get("username") or "").strip()[:64]
    password = str(form.get("password") or "")[:256]
    if not username or not password:
        return _login_page(request, error="请填写用户名和密码。", status=422, username=username)
    settings = get_settings()
    try:
        user = await run_in_threadpool(sign_in, get_database(), settings, username, password,
                                       client_address(request))
    except SignInLocked as exc:
        minutes = max(1, -(-int(exc.retry_after.total_seconds()) // 60))
        return _login_page(request, error=f"尝试次数过多，请 {minutes} 分钟后再试。", status=429,
                           username=username)
    except AuthError:
        return _login_page(request, error="用户名或密码不对。", status=401, username=username)
    token = await run_in_threadpool(start_session, get_database(), settings, user)
    response = RedirectResponse("/console", status_code=303)
    web_session.set_session(request, response, token)
    response.delete_cookie(web_session.LOGIN_CSRF_COOKIE, path=web_session.COOKIE_PATH)
    log.info("console_sign_in", staff=user.username, role=user.role)
    return response


@router.post("/console/logout")
async def logout(request: Request, staff: Annotated[ConsoleStaff, Depends(require_console_staff())]) -> Response:
    """Sign out: the session ends on the server (a copy of the cookie stops working)."""
    token = web_session.session_token(request) or ""
    await run_in_threadpool(end_session, get_database(), get_settings(), token)
    log.info("console_sign_out", staff=staff.user.username)
    return _to_login(request)


# ---- console: the work queue ------------------------------------------------------------

def _staff_context(request: Request, user: StaffUser) -> dict[str, Any]:
    token = web_session.session_token(request) or ""
    return {"user": user, "csrf": web_session.csrf_for(token), "masked": user.role not in UNMASKED_ROLES}


def _without_ticket_ids(q: str) -> str:
    from assistant.tickets.ids import TICKET_ID_RE

    return TICKET_ID_RE.sub(" ", q.upper())


def _search_ids(session, q: str) -> list[str]:
    like = f"%{q}%"
    return list(session.scalars(
        select(Ticket.id).where(or_(Ticket.id == q.upper(), Ticket.description.like(like),
                                    Ticket.address.like(like), Ticket.category.like(like)))
        .order_by(Ticket.created_at.desc()).limit(500)))


def _apply_search(session, chosen: dict[str, str], filters: service.TicketFilters, masked: bool) -> str | None:
    """Narrow ``filters`` to the tickets the search ``q`` finds; a note when refused."""
    q = chosen["q"]
    if q and masked and NUMBER_RE.search(_without_ticket_ids(q)):
        chosen["q"] = ""
        return "您的角色不能按电话或身份证号搜索。"
    if q:
        filters.ids = _search_ids(session, q) or ["-"]
    return None


def _queue_filters(request: Request) -> tuple[dict[str, str], service.TicketFilters, str | None]:
    params = request.query_params
    chosen = {key: (params.get(key) or "").strip()[:MAX_QUERY]
              for key in ("status", "category", "urgency", "department", "overdue", "q", "since", "until")}
    note = None
    days: dict[str, date | None] = {}
    for key in ("since", "until"):  # local days, both inclusive (the thermometer's drill-down)
        try:
            days[key] = date.fromisoformat(chosen[key]) if chosen[key] else None
        except ValueError:
            days[key], chosen[key] = None, ""
    since, until = thermometer.day_bounds(days["since"], days["until"])
    if chosen["status"] not in ("", *lifecycle.STATES):
        chosen["status"] = ""
    if chosen["urgency"] not in ("", *lifecycle.URGENCIES):
        chosen["urgency"] = ""
    if chosen["overdue"] not in ("", "1"):
        chosen["overdue"] = ""
    filters = service.TicketFilters(status=[chosen["status"]] if chosen["status"] else None,
                                    category=[chosen["category"]] if chosen["category"] else None,
                                    urgency=chosen["urgency"] or None, department=chosen["department"] or None,
                                    overdue=True if chosen["overdue"] else None, since=since, until=until)
    return chosen, filters, note


@router.get("/console", response_class=HTMLResponse)
def queue(request: Request) -> Response:
    user = web_session.current_user(request)
    if user is None:
        return RedirectResponse("/console/login", status_code=303)
    context = _staff_context(request, user)
    chosen, filters, note = _queue_filters(request)
    try:
        page = max(1, min(10_000, int(request.query_params.get("page") or 1)))
    except ValueError:
        page = 1
    masked = context["masked"]
    with get_database().session() as session:
        note = _apply_search(session, chosen, filters, masked) or note
        tickets, total = service.list_tickets(session, filters, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        items = [service.ticket_to_dict(t, masked=masked) for t in tickets]
        pinned_tickets, _ = service.list_tickets(session, service.TicketFilters(
            urgency="emergency", status=sorted(lifecycle.OPEN_STATES)), limit=20)
        pinned = [service.ticket_to_dict(t, masked=masked) for t in pinned_tickets]
    routing = get_routing()
    query = {k: v for k, v in chosen.items() if v}
    pages = max(1, -(-total // PAGE_SIZE))
    export_query = urlencode({k: v for k, v in chosen.items() if v})
    return render("queue.html", **context, items=items, export_query=export_query, pinned=pinned, total=total, page=page, pages=pages,
                  chosen=chosen, note=note, states=lifecycle.STATES, urgencies=lifecycle.URGENCIES,
                  categories=routing.categories, departments=routing.departments,
                  prev_url=f"/console?{urlencode({**query, 'page': page - 1})}" if page > 1 else None,
                  next_url=f"/console?{urlencode({**query, 'page': page + 1})}" if page < pages else None,
                  today=thermometer.date_range(None, None))


@router.get("/console/export")
def export(request: Request) -> Response:
    """The queue's tickets (its filters and search) as a file, masked unless an admin
    asks for ``unmasked=1``; audited in ``ticket_exports`` as the staff member."""
    from assistant.tickets.export import FORMATS, MEDIA_TYPES, export_tickets

    user = web_session.current_user(request)
    if user is None:
        return RedirectResponse("/console/login", status_code=303)
    fmt = request.query_params.get("format") or "csv"
    if fmt not in FORMATS:
        return render("error.html", status=422, title="导出格式不对", message="可以导出 csv、xlsx 或 json。",
                      **_staff_context(request, user))
    unmasked = request.query_params.get("unmasked") == "1"
    if unmasked and user.role not in UNMASKED_ROLES:
        return render("error.html", status=403, title="不能导出", message="您的角色只能导出遮挡过个人信息的数据。",
                      **_staff_context(request, user))
    chosen, filters, _ = _queue_filters(request)
    with get_database().session() as session:
        refused = _apply_search(session, chosen, filters, masked=not unmasked and user.role not in UNMASKED_ROLES)
    if refused:
        return render("error.html", status=403, title="不能导出", message=refused, **_staff_context(request, user))
    buffer = io.BytesIO()
    export_tickets(get_database(), buffer, fmt=fmt, filters=filters, actor=f"staff:{user.username}",
                   role=user.role, unmasked=unmasked)
    stamp = lifecycle.utcnow().strftime("%Y%m%d-%H%M%S")
    return Response(buffer.getvalue(), media_type=MEDIA_TYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="tickets-{stamp}.{fmt}"', "Cache-Control": "no-store"})


# ---- console: one ticket ------------------------------------------------------------------

def _allowed_for(user: StaffUser, actions: list[str]) -> list[str]:
    if user.role not in WORKING_ROLES:
        return []
    if user.role == "worker":
        return [a for a in actions if a in _worker_actions()]
    return actions


def _detail(request: Request, user: StaffUser, ticket_id: str, *, error: str | None = None,
            status: int = 200, done: str | None = None) -> Response:
    context = _staff_context(request, user)
    with get_database().session() as session:
        try:
            ticket = service.get_ticket(session, ticket_id)
        except service.TicketError:
            return render("error.html", status=404, title="没有这张工单", message=f"没有工单 {ticket_id}。",
                          **context)
        data = service.ticket_to_dict(ticket, masked=context["masked"], timeline=True)
        # Other residents' reports linked to this one as duplicates, in their own words.
        reports = [{"at": w.at, "words": mask_text(w.description) if context["masked"] else w.description}
                   for w in ticket.watchers if not w.is_filer and w.description]
        # Residents' photos: only for roles that handle tickets (a photo cannot be masked).
        photos = ([attachments.to_dict(a) for a in attachments.list_for_ticket(session, ticket_id)]
                  if user.role in WORKING_ROLES else [])
    if context["masked"]:  # a resident's sender id in the audit trail, masked as the watchers' are
        for event in data["timeline"]:
            kind, _, sender = (event["actor"] or "").partition(":")
            if kind == "resident" and sender:
                event["actor"] = f"resident:{mask_sender(sender)}"
    actions = _allowed_for(user, data["allowed_actions"])
    descriptions = {a: lifecycle.TRANSITIONS[a].description for a in actions}
    routing = get_routing()
    return render("ticket.html", status=status, **context, t=data, actions=actions, descriptions=descriptions,
                  departments=routing.departments, categories=routing.categories, reports=reports, photos=photos,
                  can_correct=user.role in CORRECTING_ROLES, error=error, done=done)


@router.get("/console/tickets/{ticket_id}/attachments/{attachment_id}")
def ticket_photo(ticket_id: str, attachment_id: str, request: Request) -> Response:
    """A resident's photo, behind the console session (the API route wants a bearer token)."""
    user = web_session.current_user(request)
    if user is None:
        return RedirectResponse("/console/login", status_code=303)
    if user.role not in WORKING_ROLES:
        return Response(status_code=403)
    number = parse_attachment_id(attachment_id)  # "²", a 30-digit id, "-1": no such photo
    if number is None:
        return Response(status_code=404)
    try:
        row, data = attachments.read(get_database(), ticket_id, number)
    except attachments.AttachmentNotFound:
        return Response(status_code=404)
    return photo_response(row, data)


def _valid_id(ticket_id: str) -> bool:
    from assistant.tickets.ids import TICKET_ID_RE

    return bool(TICKET_ID_RE.fullmatch(ticket_id))


@router.get("/console/tickets/{ticket_id}", response_class=HTMLResponse)
def ticket_page(ticket_id: str, request: Request) -> Response:
    user = web_session.current_user(request)
    if user is None:
        return RedirectResponse("/console/login", status_code=303)
    if not _valid_id(ticket_id):
        return render("error.html", status=404, title="没有这张工单", message="工单号不对。",
                      **_staff_context(request, user))
    done = request.query_params.get("done")
    return _detail(request, user, ticket_id, done=done if done in (*lifecycle.ACTIONS, "更正") else None)


def _ticket_refused(request: Request, user: StaffUser, message: str) -> Response:
    """A role refusal on a ticket's page: the page again, with why."""
    ticket_id = request.path_params.get("ticket_id", "")
    if not _valid_id(ticket_id):
        return _no_such_ticket(request, user)
    return _detail(request, user, ticket_id, status=403, error=message)


def _no_such_ticket(request: Request, user: StaffUser) -> Response:
    return render("error.html", status=404, title="没有这张工单", message="工单号不对。",
                  **_staff_context(request, user))


@router.post("/console/tickets/{ticket_id}/transition")
async def transition(ticket_id: str, request: Request, staff: Annotated[ConsoleStaff, Depends(
        require_console_staff(*WORKING_ROLES, what="处理工单", refused=_ticket_refused))]) -> Response:
    user, form = staff.user, staff.form
    if not _valid_id(ticket_id):
        return _no_such_ticket(request, user)
    action = staff.field("action", 16)
    if user.role == "worker" and action not in _worker_actions():
        refusal = f"您的角色（{user.role}）不能执行“{action}”。"
        return await run_in_threadpool(lambda: _detail(request, user, ticket_id, status=403, error=refusal))
    note = staff.field("note", 2000) or None
    department = staff.field("department", 64) or None
    raw = str(form.get("satisfaction") or "").strip()
    satisfaction = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 2 else None  # not ²
    if action not in ("派单", "重派"):
        department = None
    try:
        await run_in_threadpool(lambda: service.transition_ticket(
            get_database(), ticket_id, action, actor=f"staff:{user.username}", note=note,
            department=department, satisfaction=satisfaction))
    except service.TicketNotFound:
        return render("error.html", status=404, title="没有这张工单", message=f"没有工单 {ticket_id}。",
                      **_staff_context(request, user))
    except service.TicketError as exc:
        error = str(exc)
        return await run_in_threadpool(lambda: _detail(request, user, ticket_id, status=409, error=error))
    log.info("console_transition", ticket_id=ticket_id, action=action, staff=user.username,
             note=mask_text(note))
    return RedirectResponse(f"/console/tickets/{ticket_id}?{urlencode({'done': action})}", status_code=303)


@router.post("/console/tickets/{ticket_id}/correct")
async def correct(ticket_id: str, request: Request, staff: Annotated[ConsoleStaff, Depends(
        require_console_staff(*CORRECTING_ROLES, what="更正类别或部门", refused=_ticket_refused))]) -> Response:
    """A dispatcher corrects the category and/or reassigns the department (audited)."""
    user = staff.user
    if not _valid_id(ticket_id):
        return _no_such_ticket(request, user)
    category = staff.field("category", 16) or None
    department = staff.field("department", 64) or None
    note = staff.field("note", 2000) or None
    try:
        await run_in_threadpool(lambda: service.correct_ticket(
            get_database(), ticket_id, actor=f"staff:{user.username}", category=category, department=department,
            note=note))
    except service.TicketNotFound:
        return render("error.html", status=404, title="没有这张工单", message=f"没有工单 {ticket_id}。",
                      **_staff_context(request, user))
    except service.TicketError as exc:
        error = str(exc)
        return await run_in_threadpool(lambda: _detail(request, user, ticket_id, status=422, error=error))
    log.info("console_correction", ticket_id=ticket_id, staff=user.username, category=category,
             department=department)
    return RedirectResponse(f"/console/tickets/{ticket_id}?{urlencode({'done': '更正'})}", status_code=303)


# ---- console: bookings by day and service ----------------------------------------------------

BOOKING_STATUS_ZH = {"booked": "已预约", "cancelled": "已取消", "done": "已完成", "no_show": "未到"}
# The JSON API's rule: admins, dispatchers and workers mark done / no-show.
BOOKING_HANDLERS = WORKING_ROLES


@router.get("/console/bookings", response_class=HTMLResponse)
def bookings_page(request: Request) -> Response:
    from datetime import timedelta

    from assistant import clock
    from assistant.booking.catalogue import CatalogueError, load_catalogue
    from assistant.booking.service import list_bookings, to_local
    from assistant.privacy import mask_phone

    user = web_session.current_user(request)
    if user is None:
        return RedirectResponse("/console/login", status_code=303)
    context = _staff_context(request, user)
    try:
        day = date.fromisoformat(request.query_params.get("day") or "")
    except ValueError:
        day = clock.today()
    try:
        services = list(load_catalogue().services)
    except (CatalogueError, OSError):
        services = []
    service_name = request.query_params.get("service") or ""
    service_name = service_name if service_name in services else ""
    with get_database().session() as session:
        rows = [{"id": b.id, "service": b.service, "starts": b.starts_at.strftime("%H:%M"),
                 "ends": b.ends_at.strftime("%H:%M"), "location": b.location, "address": b.address or "",
                 "phone": (b.phone if not context["masked"] else mask_phone(b.phone)) or "",
                 "name": (r.name if not context["masked"] else mask_name(r.name)) or "",
                 "status": b.status, "status_zh": BOOKING_STATUS_ZH.get(b.status, b.status),
                 "by": b.status_changed_by or "",
                 "can_mark": b.status == "booked" and b.starts_at <= to_local(None).replace(tzinfo=None)}
                for b, r in list_bookings(session, day=day, service=service_name or None)]
    counts = {key: sum(1 for r in rows if r["status"] == key) for key in BOOKING_STATUS_ZH}
    return render("bookings.html", **context, rows=rows, day=day, services=services, service=service_name,
                  prev_day=(day - timedelta(days=1)).isoformat(), next_day=(day + timedelta(days=1)).isoformat(),
                  counts=counts, status_zh=BOOKING_STATUS_ZH, can_mark=user.role in BOOKING_HANDLERS,
                  done=request.query_params.get("done"))


@router.post("/console/bookings/{booking_id}/{status}")
async def booking_status(booking_id: str, status: str, request: Request, staff: Annotated[
        ConsoleStaff, Depends(require_console_staff(*BOOKING_HANDLERS, what="标记预约，只能查看"))]) -> Response:
    from assistant.booking.service import BookingError, set_status

    user, form = staff.user, staff.form
    if status not in ("done", "no_show"):
        return render("error.html", status=404, title="没有这个操作", message="只能标记已完成或未到。",
                      **_staff_context(request, user))
    back = urlencode({k: v for k, v in (("day", str(form.get("day") or "")[:10]),
                                         ("service", str(form.get("service") or "")[:16])) if v})
    try:
        await run_in_threadpool(lambda: set_status(get_database(), booking_id[:14], status, by=user.username))
    except BookingError as exc:
        messages = {"not_found": "没有这个预约。", "not_changeable": "这个预约已经处理过了。",
                    "not_started": "预约时间还没到，到了再标记。"}
        return render("error.html", status=404 if exc.code == "not_found" else 409, title="没有标记上",
                      message=messages.get(exc.code, exc.message), **_staff_context(request, user))
    log.info("console_booking_status", booking_id=booking_id, status=status, staff=user.username)
    return RedirectResponse(f"/console/bookings?{back}&done={status}", status_code=303)


# ---- console: residents waiting for a person ------------------------------------------------

def _waiting(session, status: str, reason: str | None, masked: bool) -> list[dict[str, Any]]:
    """Residents waiting for a person, every reason in one list, newest first
    (``assistant.residents.service``: hand-off requests, unanswered policy questions
    among them)."""
    from assistant.privacy import mask_phone
    from assistant.residents.service import REASON_ZH, list_handoffs

    rows: list[dict[str, Any]] = []
    wanted = {"open": "open", "done": "done", "all": None}[status]
    for handoff, resident in list_handoffs(session, wanted, reasons=(reason,) if reason else None, limit=200):
        rows.append({"id": handoff.id, "at": handoff.created_at, "reason": handoff.reason,
                     "reason_zh": REASON_ZH.get(handoff.reason, handoff.reason),
                     "question": handoff.reason == "unanswered_question",
                     "sender": mask_sender(resident.sender_id) if masked else resident.sender_id,
                     "phone": mask_phone(resident.phone) if masked else resident.phone,
                     "words": mask_text(handoff.last_message) if masked else handoff.last_message,
                     "guess": handoff.best_guess, "open": handoff.status == "open",
                     "closed_by": handoff.closed_by, "closed_at": handoff.closed_at})
    return rows


@router.get("/console/requests", response_class=HTMLResponse)
def requests_page(request: Request) -> Response:
    from assistant.residents.service import HANDOFF_REASONS, REASON_ZH

    user = web_session.current_user(request)
    if user is None:
        return RedirectResponse("/console/login", status_code=303)
    context = _staff_context(request, user)
    status = request.query_params.get("status") or "open"
    status = status if status in ("open", "done", "all") else "open"
    reason = request.query_params.get("reason") or ""
    reason = reason if reason in HANDOFF_REASONS else ""
    with get_database().session() as session:
        rows = _waiting(session, status, reason or None, context["masked"])
    return render("requests.html", **context, rows=rows, tab=status, reason=reason,
                  reasons=[(key, REASON_ZH[key]) for key in HANDOFF_REASONS],
                  can_close=user.role in WORKING_ROLES, done=request.query_params.get("done") == "1")


@router.post("/console/requests/{item_id}/done")
async def request_done(item_id: RowId, request: Request, staff: Annotated[
        ConsoleStaff, Depends(require_console_staff(*WORKING_ROLES, what="处理求助，只能查看"))]) -> Response:
    """Staff called the resident back or answered the question: the request is done,
    with who closed it, when, and an optional note."""
    from assistant.residents.service import close_handoff

    user = staff.user
    note = staff.field("note", 2000).strip() or None

    def close() -> object:
        # A write after a read: a write transaction from the start (SQLite waits its turn).
        with get_database().transaction() as session:
            return close_handoff(session, item_id, by=f"staff:{user.username}", note=note)

    found = await run_in_threadpool(close)
    if found is None:
        return render("error.html", status=404, title="没有这条求助", message="没有这条求助。",
                      **_staff_context(request, user))
    log.info("console_request_done", item_id=item_id, staff=user.username)
    return RedirectResponse("/console/requests?done=1", status_code=303)


# ---- console: the 民意温度计 ------------------------------------------------------------------

def _parse_day(value: str | None) -> date | None:
    if not value:
        return None
    return date.fromisoformat(value)


@router.get("/console/api/thermometer")
def thermometer_data(request: Request) -> JSONResponse:
    user = web_session.current_user(request)
    if user is None:
        return JSONResponse({"error": {"code": "unauthorized", "message": "请先登录"}}, status_code=401)
    try:
        rng = thermometer.date_range(_parse_day(request.query_params.get("start")),
                                     _parse_day(request.query_params.get("end")))
    except ValueError as exc:
        return JSONResponse({"error": {"code": "bad_date_range", "message": str(exc)}}, status_code=422)
    with get_database().session() as session:
        data = thermometer.thermometer(session, rng)
    return JSONResponse(data, headers={"Cache-Control": "no-store"})


def install(app: FastAPI) -> None:
    """Add the pages to an app (what registering this module in ROUTERS does); an app
    that has them already is left as it is."""
    if not installed(app):
        app.include_router(router)


def installed(app: FastAPI) -> bool:
    """Whether the app serves the pages already (FastAPI keeps an included router
    either as its routes or, lazily, as one entry holding the router)."""
    return any(route is router or getattr(route, "original_router", None) is router
               or getattr(route, "path", None) == "/console" for route in app.routes)
