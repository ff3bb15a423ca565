"""Staff view of elder care (issue #14): the register with each elder's last sign of
life, and the escalation ladder's open alerts. Personal data masked except for the
roles allowed to see it (``UNMASKED_ROLES``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy.orm import Session

from assistant.api.deps import db_session
from assistant.auth.deps import require_role
from assistant.auth.models import StaffUser
from assistant.auth.service import UNMASKED_ROLES
from assistant.care.service import open_alerts, register_rows

router = APIRouter(prefix="/api/v1/care", tags=["care"])


class WindowOut(BaseModel):
    start: str
    end: str


class ContactOut(BaseModel):
    name: str | None
    phone: str | None
    relation: str


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
    step: str  # second_prompt | ticket | alert
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
