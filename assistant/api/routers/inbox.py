"""Staff view of the durable inbox (docs/degraded.md): every resident message, what
became of it and what the resident was told. ``GET /api/v1/inbox`` is how staff and
``bench/load.py`` check that nothing acknowledged was lost; in code the same is
``assistant.inbox.service.list_messages``. Residents' words and answers are masked
(phones, identity numbers) for every role but admin, as in the hand-off list."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from assistant.api.deps import get_db
from assistant.auth.deps import require_role
from assistant.auth.models import StaffUser
from assistant.auth.service import UNMASKED_ROLES
from assistant.clock import TZ
from assistant.db import Database
from assistant.inbox import service as inbox
from assistant.privacy import mask_text

router = APIRouter(prefix="/api/v1/inbox", tags=["inbox"])

State = Literal["received", "answered", "pending", "replaying", "replayed", "handed_over"]


class InboxOut(BaseModel):
    id: int
    sender_id: str
    channel: str
    idempotency_key: str | None
    text: str
    received_at: datetime
    state: str
    action: str | None
    ticket_id: str | None
    reply: list[dict[str, Any]] | None
    replay_reply: list[dict[str, Any]] | None


def _masked(replies: list | None) -> list | None:
    if replies is None:
        return None
    return [{**r, "text": mask_text(r.get("text"))} if isinstance(r, dict) else r for r in replies]


@router.get("", response_model=list[InboxOut], summary="Resident messages and what became of them (staff)",
            responses={401: {"description": "no or bad staff token"}, 403: {"description": "role not allowed"}})
async def list_route(
    user: Annotated[StaffUser, Depends(require_role())],
    db: Annotated[Database, Depends(get_db)],
    sender_id: Annotated[str | None, Query(max_length=160)] = None,
    state: Annotated[State | None, Query()] = None,
    idempotency_key: Annotated[str | None, Query(max_length=255)] = None,
    since: Annotated[datetime | None, Query(description="ISO 8601; without an offset, Asia/Shanghai")] = None,
    limit: Annotated[int, Query(ge=1, le=inbox.MAX_LIST)] = 100,
) -> list[InboxOut]:
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=TZ)
    entries = await anyio.to_thread.run_sync(lambda: inbox.list_messages(
        db, sender_id=sender_id, state=state, since=since, idempotency_key=idempotency_key, limit=limit))
    unmasked = user.role in UNMASKED_ROLES
    out = []
    for e in entries:
        data = e.as_dict()
        if not unmasked:
            data.update(text=mask_text(e.text), reply=_masked(e.reply), replay_reply=_masked(e.replay_reply))
        out.append(InboxOut(**data))
    return out
