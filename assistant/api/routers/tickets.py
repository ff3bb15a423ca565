"""Staff API for complaint tickets: list, detail with timeline, transitions,
corrections, export, and the photos residents sent (attachments). Every route
needs a staff token (``require_role``).

Personal data is masked unless the user's role is in ``UNMASKED_ROLES``.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from assistant.api.deps import get_db
from assistant.api.errors import ApiError
from assistant.auth.deps import require_role
from assistant.auth.models import StaffUser
from assistant.auth.service import UNMASKED_ROLES
from assistant.db import Database
from assistant.tickets import lifecycle, service
from assistant.tickets.export import MEDIA_TYPES, ExportForbidden, export_tickets
from assistant.tickets.routing import get_routing

router = APIRouter(prefix="/api/v1/tickets", tags=["tickets"])
DB = Annotated[Database, Depends(get_db)]
AnyStaff = Annotated[StaffUser, Depends(require_role())]
Worker = Annotated[StaffUser, Depends(require_role("admin", "dispatcher", "worker"))]
Dispatcher = Annotated[StaffUser, Depends(require_role("admin", "dispatcher"))]

# Workers handle what they were given; routing decisions are the dispatchers'.
WORKER_ACTIONS = frozenset({"开始处置", "退回", "办结"})


def _as_api_error(exc: service.TicketError) -> ApiError:
    status = {service.TicketNotFound: 404, service.InvalidTransition: 409,
              ExportForbidden: 403}.get(type(exc), 422)
    return ApiError(status, exc.code, str(exc))


def _split(values: list[str] | None) -> list[str] | None:
    items = [v.strip() for value in values or [] for v in value.split(",") if v.strip()]
    return items or None


def _filters(status: list[str] | None, category: list[str] | None, department: str | None,
             urgency: str | None, overdue: bool | None, since: datetime | None,
             until: datetime | None) -> service.TicketFilters:
    statuses, categories = _split(status), _split(category)
    unknown = [s for s in statuses or [] if s not in lifecycle.STATES]
    if unknown:
        raise ApiError(422, "unknown_status", f"unknown status: {', '.join(unknown)}; "
                                              f"states are {', '.join(lifecycle.STATES)}")
    return service.TicketFilters(since=lifecycle.local_aware(since), until=lifecycle.local_aware(until),
                                 status=statuses, category=categories,
                                 department=department, urgency=urgency, overdue=overdue)


StatusQ = Annotated[list[str] | None, Query(description="受理,派单,… (comma-separated or repeated)")]
CategoryQ = Annotated[list[str] | None, Query(description="categories, comma-separated or repeated")]
UrgencyQ = Annotated[Literal["normal", "urgent", "emergency"] | None, Query()]


@router.get("/options")
def options(_user: AnyStaff) -> dict:
    """What a console needs to build its forms: states, actions, categories, departments."""
    routing = get_routing()
    return {"states": list(lifecycle.STATES), "actions": list(lifecycle.ACTIONS),
            "categories": routing.categories, "departments": routing.departments,
            "urgencies": list(lifecycle.URGENCIES)}


@router.get("")
def list_route(user: AnyStaff, db: DB, status: StatusQ = None, category: CategoryQ = None,
               department: str | None = None, urgency: UrgencyQ = None, overdue: bool | None = None,
               since: datetime | None = None, until: datetime | None = None,
               page: Annotated[int, Query(ge=1)] = 1,
               page_size: Annotated[int, Query(ge=1, le=200)] = 20) -> dict:
    filters = _filters(status, category, department, urgency, overdue, since, until)
    masked = user.role not in UNMASKED_ROLES
    with db.session() as session:
        tickets, total = service.list_tickets(session, filters, offset=(page - 1) * page_size, limit=page_size)
        items = [service.ticket_to_dict(t, masked=masked) for t in tickets]
    return {"items": items, "total": total, "page": page, "page_size": page_size}


@router.get("/export", response_class=Response, responses={200: {
    "description": "the tickets as a file (Content-Disposition: attachment)",
    "content": {media_type.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
                for media_type in MEDIA_TYPES.values()}}})
def export_route(user: AnyStaff, db: DB, format: Literal["csv", "xlsx", "json"] = "csv",  # noqa: A002
                 status: StatusQ = None, category: CategoryQ = None, department: str | None = None,
                 urgency: UrgencyQ = None, overdue: bool | None = None, since: datetime | None = None,
                 until: datetime | None = None, unmasked: bool = False) -> Response:
    filters = _filters(status, category, department, urgency, overdue, since, until)
    buffer = io.BytesIO()
    try:
        export_tickets(db, buffer, fmt=format, filters=filters, actor=f"staff:{user.username}", role=user.role,
                       unmasked=unmasked)
    except service.TicketError as exc:
        raise _as_api_error(exc) from exc
    stamp = lifecycle.utcnow().strftime("%Y%m%d-%H%M%S")
    return Response(buffer.getvalue(), media_type=MEDIA_TYPES[format],
                    headers={"Content-Disposition": f'attachment; filename="tickets-{stamp}.{format}"'})


def _ticket_id(ticket_id: str) -> str:
    from assistant.tickets.ids import TICKET_ID_RE

    if not TICKET_ID_RE.fullmatch(ticket_id):
        raise ApiError(404, "ticket_not_found", f"no ticket {ticket_id}")
    return ticket_id


@router.get("/{ticket_id}")
def detail_route(ticket_id: str, user: AnyStaff, db: DB) -> dict:
    with db.session() as session:
        try:
            ticket = service.get_ticket(session, _ticket_id(ticket_id))
        except service.TicketError as exc:
            raise _as_api_error(exc) from exc
        return service.ticket_to_dict(ticket, masked=user.role not in UNMASKED_ROLES, timeline=True)


class TransitionIn(BaseModel):
    action: str = Field(description=f"one of {', '.join(lifecycle.ACTIONS)}", max_length=16)
    note: str | None = Field(default=None, max_length=2000)
    department: str | None = Field(default=None, max_length=64)
    satisfaction: int | None = Field(default=None, description="1..5, for 回访")


@router.post("/{ticket_id}/transitions")
def transition_route(ticket_id: str, body: TransitionIn, user: Worker, db: DB) -> dict:
    if user.role == "worker" and body.action not in WORKER_ACTIONS:
        raise ApiError(403, "forbidden", f"role 'worker' may only {', '.join(sorted(WORKER_ACTIONS))}")
    try:
        ticket = service.transition_ticket(db, _ticket_id(ticket_id), body.action, actor=f"staff:{user.username}",
                                           note=body.note, department=body.department,
                                           satisfaction=body.satisfaction)
    except service.TicketError as exc:
        raise _as_api_error(exc) from exc
    return service.ticket_to_dict(ticket, masked=user.role not in UNMASKED_ROLES, timeline=True)


class CorrectionIn(BaseModel):
    category: str | None = Field(default=None, max_length=16)
    department: str | None = Field(default=None, max_length=64)
    note: str | None = Field(default=None, max_length=2000)


@router.post("/{ticket_id}/corrections")
def correction_route(ticket_id: str, body: CorrectionIn, user: Dispatcher, db: DB) -> dict:
    try:
        ticket = service.correct_ticket(db, _ticket_id(ticket_id), actor=f"staff:{user.username}",
                                        category=body.category, department=body.department, note=body.note)
    except service.TicketError as exc:
        raise _as_api_error(exc) from exc
    return service.ticket_to_dict(ticket, masked=user.role not in UNMASKED_ROLES, timeline=True)


def _ticket_exists(db: Database, ticket_id: str) -> str:
    with db.session() as session:
        try:
            service.get_ticket(session, _ticket_id(ticket_id))
        except service.TicketError as exc:
            raise _as_api_error(exc) from exc
    return ticket_id


@router.get("/{ticket_id}/attachments")
def attachments_route(ticket_id: str, _user: Worker, db: DB) -> dict:
    """The photos residents sent with the ticket (stored by the butler). For the staff
    who handle tickets: a photo cannot be masked, and viewers see masked data only."""
    from assistant.tickets import attachments

    _ticket_exists(db, ticket_id)
    with db.session() as session:
        return {"items": [attachments.to_dict(row) for row in attachments.list_for_ticket(session, ticket_id)]}


@router.get("/{ticket_id}/attachments/{attachment_id}", response_class=Response, responses={200: {
    "description": "the photo's bytes (image/jpeg, image/png or image/webp, sniffed when it was stored)",
    "content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}}})
def attachment_route(ticket_id: str, attachment_id: str, _user: Worker, db: DB) -> Response:
    from assistant.tickets import attachments
    from assistant.tickets.attachment_http import parse_attachment_id, photo_response

    _ticket_exists(db, ticket_id)
    try:
        number = parse_attachment_id(attachment_id)  # "²", a 30-digit id, "-1": no such photo
        if number is None:
            raise attachments.AttachmentNotFound(attachment_id)
        row, data = attachments.read(db, ticket_id, number)
    except attachments.AttachmentNotFound as exc:
        raise ApiError(404, exc.code, f"ticket {ticket_id} has no attachment {attachment_id[:20]}") from exc
    return photo_response(row, data)
