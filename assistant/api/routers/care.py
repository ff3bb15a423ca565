"""Staff API of elder care (issue #14): the register with each elder's last sign of
life, the escalation ladder's open alerts, and the management of the register (create,
change, deactivate, map and unmap home sensors: admins and dispatchers). Personal data
masked except for the roles allowed to see it (``UNMASKED_ROLES``). Every rule is in
``assistant.care.service`` (the CLI calls the same functions); every change is audited
there (``care_events``). Errors: 404 ``care_not_found`` / ``device_not_found``, 409
``care_conflict`` (a chat account or device already registered), 422
``invalid_care_entry`` (a value the register refuses) or ``invalid_request``."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from assistant.api.deps import db_session, get_db
from assistant.api.errors import ApiError, error_responses
from assistant.auth.deps import require_role
from assistant.auth.models import StaffUser
from assistant.auth.service import UNMASKED_ROLES
from assistant.care import service
from assistant.care.models import DEVICE_KINDS
from assistant.care.service import open_alerts, register_rows
from assistant.db import Database

router = APIRouter(prefix="/api/v1/care", tags=["care"], responses=error_responses(401, 403, 422))
DB = Annotated[Database, Depends(get_db)]
# Who may change the register: as for ticket corrections (routing decisions).
Manager = Annotated[StaffUser, Depends(require_role("admin", "dispatcher"))]
CareId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class WindowOut(BaseModel):
    start: str
    end: str


class ContactOut(BaseModel):
    name: str | None
    phone: str | None
    relation: str
    sender_id: str | None = None  # the contact's own chat account (the urgent alert is pushed there)


class CareResidentOut(BaseModel):
    id: int
    name: str
    phone: str
    address: str
    sender_id: str | None
    grid_worker: str | None
    window: WindowOut
    quiet_days: int
    consent: bool
    emergency_contacts: list[ContactOut]
    last_sign_of_life: str | None


class CareAlertOut(BaseModel):
    id: int
    care_id: int
    name: str
    phone: str
    address: str
    grid_worker: str | None
    step: str  # second_prompt | ticket | alert | contact
    at: str
    silent_since: str | None
    reason: str | None
    ticket_id: str | None
    last_sign_of_life: str | None


@router.get("/residents", response_model=list[CareResidentOut])
def residents_route(user: Annotated[StaffUser, Depends(require_role())],
                    session: Annotated[Session, Depends(db_session)]) -> list[dict]:
    return register_rows(session, masked=user.role not in UNMASKED_ROLES)


@router.get("/alerts", response_model=list[CareAlertOut])
def alerts_route(user: Annotated[StaffUser, Depends(require_role())],
                 session: Annotated[Session, Depends(db_session)]) -> list[dict]:
    return open_alerts(session, masked=user.role not in UNMASKED_ROLES)


# ---- managing the register ------------------------------------------------------------

class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64)
    phone: str = Field(min_length=1, max_length=32)
    relation: str = Field(default="", max_length=16)
    sender_id: str | None = Field(default=None, max_length=160)


class CareResidentIn(BaseModel):
    """The fields of ``butler care register``; checked again by the register's own rules."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=200)
    phone: str = Field(max_length=64)
    address: str = Field(max_length=1000)
    sender_id: str | None = Field(default=None, max_length=200)
    grid_worker: str | None = Field(default=None, max_length=200)
    window_start: str = Field(default="08:00", max_length=8)
    window_end: str = Field(default="10:00", max_length=8)
    quiet_days: int = Field(default=3, ge=1, le=30)
    consent: bool = True
    emergency_contacts: list[ContactIn] = Field(default_factory=list, max_length=10)


class CareResidentPatch(BaseModel):
    """Only the fields sent change; ``active`` false is the same as DELETE."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=64)
    address: str | None = Field(default=None, max_length=1000)
    sender_id: str | None = Field(default=None, max_length=200)
    grid_worker: str | None = Field(default=None, max_length=200)
    window_start: str | None = Field(default=None, max_length=8)
    window_end: str | None = Field(default=None, max_length=8)
    quiet_days: int | None = Field(default=None, ge=1, le=30)
    consent: bool | None = None
    active: bool | None = None
    emergency_contacts: list[ContactIn] | None = Field(default=None, max_length=10)


class DeviceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    device_id: str = Field(min_length=1, max_length=64)
    kind: Literal[DEVICE_KINDS]  # type: ignore[valid-type]


class DeviceOut(BaseModel):
    device_id: str
    care_id: int
    kind: str
    created_at: str


class CareEventOut(BaseModel):
    at: str
    actor: str
    action: str
    changes: dict | None


class CareResidentDetailOut(CareResidentOut):
    active: bool
    devices: list[DeviceOut]
    events: list[CareEventOut]


def _as_api_error(exc: service.CareError) -> ApiError:
    status = 404 if isinstance(exc, service.CareNotFound) else 409 if isinstance(exc, service.CareConflict) else 422
    return ApiError(status, exc.code, str(exc))


def _detail(db: Database, care_id: int, user: StaffUser) -> dict:
    with db.session() as session:
        try:
            elder = service.get_elder(session, care_id)
        except service.CareError as exc:
            raise _as_api_error(exc) from exc
        last = service.last_signs(session, [care_id]).get(care_id)
        out = service.elder_to_dict(elder, last, masked=user.role not in UNMASKED_ROLES)
        out["active"] = elder.active
        out["devices"] = [{"device_id": d.device_id, "care_id": d.care_id, "kind": d.kind,
                           "created_at": service._aware(d.created_at).isoformat()}
                          for d in service.devices_of(session, care_id)]
        out["events"] = service.events_of(session, care_id)
    return out


def _actor(user: StaffUser) -> str:
    return f"staff:{user.username}"


@router.post("/residents", status_code=201, response_model=CareResidentDetailOut,
             responses=error_responses(409))
def create_route(body: CareResidentIn, user: Manager, db: DB) -> dict:
    """Register an elder (the fields and rules of ``butler care register``)."""
    try:
        elder = service.register(db, **body.model_dump(exclude={"emergency_contacts"}),
                                 emergency_contacts=[c.model_dump() for c in body.emergency_contacts],
                                 actor=_actor(user))
    except service.CareError as exc:
        raise _as_api_error(exc) from exc
    return _detail(db, elder.id, user)


@router.get("/residents/{care_id}", response_model=CareResidentDetailOut, responses=error_responses(404))
def detail_route(care_id: CareId, user: Annotated[StaffUser, Depends(require_role())], db: DB) -> dict:
    """One entry with its devices and its audit trail (active or not)."""
    return _detail(db, care_id, user)


@router.patch("/residents/{care_id}", response_model=CareResidentDetailOut, responses=error_responses(404, 409))
def update_route(care_id: CareId, body: CareResidentPatch, user: Manager, db: DB) -> dict:
    """Change the window, quiet days, grid worker, contacts, consent... (only the fields sent)."""
    changes = body.model_dump(exclude_unset=True)
    if "emergency_contacts" in changes:
        changes["emergency_contacts"] = changes["emergency_contacts"] or []
    for required in ("name", "phone", "address", "window_start", "window_end", "quiet_days", "consent", "active"):
        if required in changes and changes[required] is None:
            raise ApiError(422, "invalid_request", f"{required} cannot be null")
    try:
        service.update_elder(db, care_id, changes, actor=_actor(user))
    except service.CareError as exc:
        raise _as_api_error(exc) from exc
    return _detail(db, care_id, user)


@router.delete("/residents/{care_id}", status_code=204, response_class=Response, responses=error_responses(404))
def deactivate_route(care_id: CareId, user: Manager, db: DB) -> Response:
    """Take the elder off the register: no more prompts or alerts (the record stays)."""
    try:
        service.deactivate(db, care_id, actor=_actor(user))
    except service.CareError as exc:
        raise _as_api_error(exc) from exc
    return Response(status_code=204)


@router.post("/residents/{care_id}/devices", status_code=201, response_model=DeviceOut,
             responses=error_responses(404, 409))
def add_device_route(care_id: CareId, body: DeviceIn, user: Manager, db: DB) -> dict:
    """Map a home sensor to the elder (``butler care device add``)."""
    try:
        device = service.add_device(db, device_id=body.device_id, care_id=care_id, kind=body.kind,
                                    actor=_actor(user))
    except service.CareError as exc:
        raise _as_api_error(exc) from exc
    return {"device_id": device.device_id, "care_id": device.care_id, "kind": device.kind,
            "created_at": service._aware(device.created_at).isoformat()}


@router.delete("/residents/{care_id}/devices/{device_id}", status_code=204, response_class=Response,
               responses=error_responses(404))
def remove_device_route(care_id: CareId, device_id: Annotated[str, Path(max_length=64)], user: Manager,
                        db: DB) -> Response:
    """Unmap a home sensor (its readings stay)."""
    try:
        service.remove_device(db, device_id, care_id=care_id, actor=_actor(user))
    except service.CareError as exc:
        raise _as_api_error(exc) from exc
    return Response(status_code=204)
