"""Staff view and setting of a resident's speech profile (issue #13, the elderly path).

``GET /api/v1/residents/{sender_id}/profile`` (any staff role) and
``PUT /api/v1/residents/{sender_id}/profile`` ``{"elderly": true}`` (admin, dispatcher,
worker). The rules live in ``assistant/residents/profile.py``; the change is logged
there with the staff member (masked). A sender the butler never met: 404
``resident_not_found``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, ConfigDict, StrictBool

from assistant.api.deps import get_db
from assistant.api.errors import ApiError
from assistant.auth.deps import require_role
from assistant.auth.models import StaffUser
from assistant.db import Database
from assistant.residents.profile import ProfileRecord, profile_record, set_elderly

router = APIRouter(prefix="/api/v1/residents", tags=["residents"])

SenderId = Annotated[str, Path(min_length=1, max_length=160, description="the channel-namespaced sender (web:r-…)")]


class ProfileIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    elderly: StrictBool


class ProfileOut(BaseModel):
    sender_id: str
    elderly: bool
    # Speech rate relative to normal speech (1.0); elderly residents are spoken to slower.
    rate_factor: float
    # "resident" (said 我年纪大了 / 说慢点) or "staff:<username>"; null: never set.
    set_by: str | None
    updated_at: datetime | None


def _out(record: ProfileRecord) -> ProfileOut:
    return ProfileOut(sender_id=record.sender_id, elderly=record.elderly, rate_factor=record.rate_factor,
                      set_by=record.set_by, updated_at=record.updated_at)


def _known(db: Database, sender_id: str) -> ProfileRecord:
    record = profile_record(db, sender_id)
    if record is None:
        raise ApiError(404, "resident_not_found", f"no resident {sender_id!r}")
    return record


@router.get("/{sender_id}/profile", response_model=ProfileOut)
def get_profile(sender_id: SenderId,
                _user: Annotated[StaffUser, Depends(require_role())],
                db: Annotated[Database, Depends(get_db)]) -> ProfileOut:
    return _out(_known(db, sender_id))


@router.put("/{sender_id}/profile", response_model=ProfileOut)
def put_profile(sender_id: SenderId, body: ProfileIn,
                user: Annotated[StaffUser, Depends(require_role("admin", "dispatcher", "worker"))],
                db: Annotated[Database, Depends(get_db)]) -> ProfileOut:
    _known(db, sender_id)
    set_elderly(db, sender_id, body.elderly, by=f"staff:{user.username}")
    return _out(_known(db, sender_id))
