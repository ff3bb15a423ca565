"""Staff view of residents waiting for a person: every reason (转人工, not understood
twice, a policy question the knowledge base could not answer, words left during an
outage) in one list (``assistant.residents.service``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel
from sqlalchemy.orm import Session

from assistant.api.deps import db_session
from assistant.api.errors import ApiError
from assistant.auth.deps import require_role
from assistant.auth.models import StaffUser
from assistant.auth.service import UNMASKED_ROLES
from assistant.privacy import mask_phone, mask_sender, mask_text
from assistant.residents.service import HANDOFF_REASONS, REASON_ZH, close_handoff, list_handoffs

router = APIRouter(prefix="/api/v1/handoffs", tags=["handoffs"])
# Bounded like the care API's ``CareId``: a negative or 30-digit id is 422 invalid_request.
HandoffId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class HandoffOut(BaseModel):
    id: int
    sender_id: str
    phone: str | None
    reason: str
    # How staff read the reason (要找工作人员, 两次没听懂, 政策问题没答上, 系统故障时留言).
    reason_text: str
    last_message: str | None
    # unanswered_question: the knowledge-base entry the search liked best.
    best_guess: str | None = None
    status: str
    created_at: datetime
    closed_at: datetime | None = None
    closed_by: str | None = None


@router.get("", response_model=list[HandoffOut])
def list_route(
    user: Annotated[StaffUser, Depends(require_role())],
    session: Annotated[Session, Depends(db_session)],
    status: Annotated[Literal["open", "done", "all"], Query()] = "open",
    reason: Annotated[Literal[HANDOFF_REASONS] | None, Query()] = None,
) -> list[HandoffOut]:
    unmasked = user.role in UNMASKED_ROLES
    return [HandoffOut(id=h.id, sender_id=r.sender_id if unmasked else mask_sender(r.sender_id),
                       phone=r.phone if unmasked else mask_phone(r.phone),
                       reason=h.reason, reason_text=REASON_ZH.get(h.reason, h.reason),
                       last_message=h.last_message if unmasked else mask_text(h.last_message),
                       best_guess=h.best_guess, status=h.status, created_at=h.created_at,
                       closed_at=h.closed_at, closed_by=h.closed_by)
            for h, r in list_handoffs(session, None if status == "all" else status,
                                      reasons=(reason,) if reason else None)]


@router.post("/{handoff_id}/done", response_model=dict)
def done_route(handoff_id: HandoffId,
               user: Annotated[StaffUser, Depends(require_role("admin", "dispatcher", "worker"))],
               session: Annotated[Session, Depends(db_session)]) -> dict:
    if close_handoff(session, handoff_id, by=f"staff:{user.username}") is None:
        raise ApiError(404, "handoff_not_found", f"no hand-off request {handoff_id}")
    return {"id": handoff_id, "status": "done"}
