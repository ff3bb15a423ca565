"""Staff view of residents who asked for a person."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from sqlalchemy.orm import Session

from assistant.api.deps import db_session
from assistant.api.errors import ApiError
from assistant.auth.deps import require_role
from assistant.auth.models import StaffUser
from assistant.auth.service import UNMASKED_ROLES
from assistant.privacy import mask_phone, mask_text
from assistant.residents.service import close_handoff, list_handoffs

router = APIRouter(prefix="/api/v1/handoffs", tags=["handoffs"])


class HandoffOut(BaseModel):
    id: int
    sender_id: str
    phone: str | None
    reason: str
    last_message: str | None
    status: str
    created_at: datetime


@router.get("", response_model=list[HandoffOut])
def list_route(
    user: Annotated[StaffUser, Depends(require_role())],
    session: Annotated[Session, Depends(db_session)],
    status: Annotated[Literal["open", "done", "all"], Query()] = "open",
) -> list[HandoffOut]:
    unmasked = user.role in UNMASKED_ROLES
    return [HandoffOut(id=h.id, sender_id=r.sender_id,
                       phone=r.phone if unmasked else mask_phone(r.phone),
                       reason=h.reason,
                       last_message=h.last_message if unmasked else mask_text(h.last_message),
                       status=h.status, created_at=h.created_at)
            for h, r in list_handoffs(session, None if status == "all" else status)]


@router.post("/{handoff_id}/done", response_model=dict)
def done_route(handoff_id: int,
               _user: Annotated[StaffUser, Depends(require_role("admin", "dispatcher", "worker"))],
               session: Annotated[Session, Depends(db_session)]) -> dict:
    if close_handoff(session, handoff_id) is None:
        raise ApiError(404, "handoff_not_found", f"no hand-off request {handoff_id}")
    return {"id": handoff_id, "status": "done"}
