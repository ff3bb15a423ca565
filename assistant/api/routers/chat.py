"""Resident chat: one message in, the butler's replies out.

Who speaks is decided by the server, never by the body (``assistant/residents/identity.py``):
a resident session (cookie ``butler_session``, or its token as ``X-Butler-Session`` /
``Authorization: Bearer``; a first request without one gets a fresh identity) or a
trusted integration (``Authorization: Bearer <BUTLER_CHAT_API_KEY>``) speaking for its
own, namespaced users. An ``Idempotency-Key`` header makes a retry return the first
answer (``assistant/residents/idempotency.py``).

Every message is written to the durable inbox before it is answered
(``DialogueClient.send_or_degrade``); while Rasa or the action server is down the
gateway answers in degraded mode (``assistant/degraded.py``), and this router's
lifespan runs the replay of what was only recorded (``assistant/inbox/replay.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, FastAPI, Header, Request, Response
from pydantic import BaseModel, Field, field_validator
from sqlalchemy.exc import OperationalError

from assistant.api.chat_metadata import ChatMetadata
from assistant.api.deps import dialogue, get_db
from assistant.api.errors import ApiError, ErrorOut
from assistant.api.identity_deps import ANONYMOUS_ALLOWED, chat_identity, set_session
from assistant.db import Database
from assistant.dialogue import DialogueClient, InboxUnavailable, namespaced_sender
from assistant.residents import idempotency
from assistant.residents.identity import ChatIdentity, IdentityError
from assistant.settings import Settings, get_settings

# chat_identity lives in identity_deps (the voice routes share it); still importable from here.
__all__ = ["router", "chat_identity", "ReplyOut", "ButtonOut"]


@asynccontextmanager
async def _replay_inbox(_app: FastAPI):
    """The inbox replay runs beside the gateway while it is up (one pass at a time on
    the machine: the ``inbox-replay`` lease)."""
    from assistant.db import get_database
    from assistant.inbox.replay import replay_forever

    settings = get_settings()
    client = DialogueClient(settings)
    task = asyncio.create_task(replay_forever(get_database, client, settings))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await client.aclose()


router = APIRouter(prefix="/api/v1", tags=["chat"], lifespan=_replay_inbox)

# How long a retry waits for the first request holding its Idempotency-Key before 409.
IDEMPOTENCY_WAIT_SECONDS = 10.0
IDEMPOTENCY_POLL_SECONDS = 0.2


class ChatRequest(BaseModel):
    sender_id: str | None = Field(
        default=None, min_length=1, max_length=128,
        description="Optional for a resident session (it must then equal the session's id); "
                    "required for a trusted integration (the integration's own user id).")
    text: str = Field(min_length=1, max_length=2000)
    metadata: ChatMetadata = None

    @field_validator("text")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text must not be blank")
        return value


class ButtonOut(BaseModel):
    title: str
    payload: str


class ReplyOut(BaseModel):
    text: str
    buttons: list[ButtonOut] = []
    custom: dict | None = None


class ChatResponse(BaseModel):
    sender_id: str = Field(description="who spoke: the session's resident id, or the integration's user id")
    session_token: str | None = Field(
        default=None, description="resident sessions only: send it back as X-Butler-Session or "
                                  "Authorization: Bearer (browsers get the same in an HttpOnly cookie)")
    replies: list[ReplyOut]


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorOut, "description": description, "content": {"application/json": {}}}


CHAT_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _error("bad_request: a body that cannot be parsed (not UTF-8)"),
    401: _error("invalid_credentials (a bearer credential that is neither an integration key nor a session "
                "token) or invalid_session (a bad or expired X-Butler-Session)"),
    403: _error("sender_not_owned: the body's sender_id is not the session's"),
    409: _error("request_in_progress: a request with this Idempotency-Key is still running; retry later"),
    422: _error("invalid_request, sender_id_required (integrations), bad_idempotency_key, "
                "idempotency_key_reused (the key came with another message)"),
    413: _error("payload_too_large: the body is over the gateway's cap"),
    429: _error("rate_limited: too many messages from this identity or address (Retry-After; a Chinese message)"),
    503: _error("inbox_unavailable: the message could not be recorded (the database is down or busy), so it was "
                "not acted on; retry with the same Idempotency-Key (Retry-After; a Chinese message). An emergency "
                "is still answered with its advice (200)"),
}

# The 503 when the inbox cannot record a message: it was not acted on, the retry runs it.
INBOX_UNAVAILABLE_ZH = "系统繁忙，这条消息没能记下。请稍后再发一次。紧急情况请直接拨打 110、119 或 120。"
INBOX_RETRY_AFTER_SECONDS = 2


async def _claim_or_wait(db: Database, sender: str, key: str, fingerprint: str,
                         settings: Settings) -> dict[str, Any] | None:
    """None when this request holds the key now; the first answer when it is a retry."""
    ttl = timedelta(hours=settings.chat_idempotency_hours)
    stale_after = timedelta(seconds=max(2 * settings.rasa_timeout, 60.0))
    waited = 0.0
    while True:
        claim = await anyio.to_thread.run_sync(lambda: idempotency.claim(
            db, sender, key, fingerprint, ttl=ttl, stale_after=stale_after))
        if claim.state == "new":
            return None
        if claim.state == "replay":
            return claim.response or {}
        if claim.state == "mismatch":
            raise ApiError(422, "idempotency_key_reused",
                           "this Idempotency-Key was used for another message: use a new key per message")
        if waited >= IDEMPOTENCY_WAIT_SECONDS:
            raise ApiError(409, "request_in_progress",
                           "a request with this Idempotency-Key is still running: retry in a moment",
                           headers={"Retry-After": "2"})
        await anyio.sleep(IDEMPOTENCY_POLL_SECONDS)
        waited += IDEMPOTENCY_POLL_SECONDS


@router.post("/chat", response_model=ChatResponse, response_model_exclude_none=True, responses=CHAT_ERRORS,
             summary="Send one resident message; get the butler's replies", openapi_extra=ANONYMOUS_ALLOWED)
async def chat(body: ChatRequest, request: Request, response: Response,
               caller: Annotated[ChatIdentity, Depends(chat_identity)],
               client: Annotated[DialogueClient, Depends(dialogue)],
               db: Annotated[Database, Depends(get_db)],
               idempotency_key: Annotated[str | None, Header(
                   alias="Idempotency-Key", pattern=idempotency.KEY_PATTERN,
                   description="the channel's message id: a retry with the same key (from the same identity) "
                               "gets the first answer and is never acted on twice")] = None,
               ) -> dict[str, Any]:
    settings = get_settings()
    try:
        local = caller.local_sender(body.sender_id)
    except IdentityError as exc:
        raise ApiError(exc.status, exc.code, exc.message) from exc
    sender = namespaced_sender("web", local)
    request.state.chat_sender = sender
    out: dict[str, Any] = {"sender_id": body.sender_id if caller.kind == "integration" else caller.subject}
    if caller.kind == "session":
        out["session_token"] = set_session(request, response, settings, caller.subject)

    text = body.text.strip()
    if idempotency_key is not None:
        if not idempotency.valid_key(idempotency_key):
            raise ApiError(422, "bad_idempotency_key", "Idempotency-Key: 1-255 visible ASCII characters")
        first = await _claim_or_wait(db, sender, idempotency_key, idempotency.fingerprint(text, body.metadata),
                                     settings)
        if first is not None:
            response.headers["Idempotent-Replayed"] = "true"
            return {**out, "replies": first.get("replies", [])}

    try:
        # require_record: a 200 only for a message on disk (an emergency's advice excepted).
        replies = await client.send_or_degrade(sender, text, body.metadata, idempotency_key=idempotency_key,
                                               require_record=True)
    except BaseException as exc:
        if idempotency_key is not None:
            # The database that refused the inbox may refuse this too: the 503 still goes
            # out (the key, left claimed, is taken over once stale).
            with anyio.CancelScope(shield=True), contextlib.suppress(
                    *((Exception,) if isinstance(exc, InboxUnavailable) else ())):
                await anyio.to_thread.run_sync(lambda: idempotency.release(db, sender, idempotency_key))
        if isinstance(exc, InboxUnavailable):
            raise ApiError(503, "inbox_unavailable", INBOX_UNAVAILABLE_ZH,
                           headers={"Retry-After": str(INBOX_RETRY_AFTER_SECONDS)}) from exc
        raise
    out["replies"] = [ReplyOut(text=r.text, buttons=[ButtonOut(title=b.title, payload=b.payload) for b in r.buttons],
                               custom=r.custom).model_dump(exclude_none=True) for r in replies]
    if idempotency_key is not None:
        with anyio.CancelScope(shield=True):
            await _keep_answer(db, sender, idempotency_key, {"replies": out["replies"]})
    return out


async def _keep_answer(db: Database, sender: str, key: str, answer: dict[str, Any], attempts: int = 5) -> None:
    """Store the answer for retries. The message has been acted on by now: failing here
    would answer 500 and leave the key claimed, so the retry would run the message
    again a minute later. SQLite can refuse a write under load ("database is locked":
    ``idempotency.complete`` reads, then writes, in a deferred transaction), so try a
    few times before giving up."""
    for attempt in range(attempts):
        try:
            await anyio.to_thread.run_sync(lambda: idempotency.complete(db, sender, key, answer))
            return
        except OperationalError:
            if attempt == attempts - 1:
                raise
            await anyio.sleep(0.05 * (attempt + 1))
