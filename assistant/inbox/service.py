"""Writing and reading the inbox (``chat_inbox``).

The happy path costs one insert (``record``, before the message reaches the dialogue)
and one update (``finish``, with the answer). Both write in ``Database.transaction()``
(SQLite: BEGIN IMMEDIATE, which waits for the write lock instead of failing) and are run
again with back-off if SQLite still says "database is locked" (``retry_when_locked``:
under ``make bench-load`` on SQLite, 2 of 2825 messages were answered without being
recorded because ``record`` met "database is locked"). A retry with the same Idempotency-Key
after a crash reuses the row the first attempt wrote (still ``received``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from assistant import clock
from assistant.db import Database, retry_when_locked
from assistant.inbox.models import ACTIONS, STATES, InboxMessage
from assistant.privacy import mask_text

log = structlog.get_logger(__name__)

MAX_LIST = 1000


def record(db: Database, *, sender_id: str, text: str, channel: str = "web", metadata: dict | None = None,
           idempotency_key: str | None = None, now: datetime | None = None) -> int:
    """Write the message (state ``received``) and return its id. Call it before the
    message is sent anywhere: once this returns, the words are on disk."""
    now = now or clock.now()

    def attempt() -> int:
        # transaction(): a read then a write in SQLite's default deferred mode fails at
        # once ("database is locked") when another writer committed in between.
        with db.transaction() as session:
            if idempotency_key is not None:
                earlier = session.scalars(select(InboxMessage).where(
                    InboxMessage.sender_id == sender_id, InboxMessage.idempotency_key == idempotency_key)).first()
                if earlier is not None:
                    # The same message again (the idempotency claim let it through: the
                    # first attempt died unanswered, or its answer expired): one row.
                    if earlier.state == "received":
                        return earlier.id
                    # An expired key reused for a new message: keep the old row's history.
                    earlier.idempotency_key = None
                    session.flush()
            row = InboxMessage(sender_id=sender_id, channel=channel, idempotency_key=idempotency_key,
                               text=text, meta=metadata or None, received_at=now, state="received")
            session.add(row)
            session.flush()
            log.debug("inbox_recorded", inbox_id=row.id, sender=sender_id, text=mask_text(text)[:200])
            return row.id

    for _ in range(2):
        try:
            # Still "database is locked" after the busy timeout: again, with back-off (a
            # message answered but not recorded is what this inbox exists to prevent).
            return retry_when_locked(attempt, what="inbox_record")
        except IntegrityError:
            continue  # a concurrent request with the same key wrote it first: read theirs
    raise RuntimeError("inbox: could not record the message")


def finish(db: Database, inbox_id: int, *, state: str, action: str, reply: list[dict] | None,
           ticket_id: str | None = None, now: datetime | None = None) -> None:
    """What became of the message and what the resident was told."""
    if state not in STATES or action not in ACTIONS:
        raise ValueError(f"inbox: bad state/action {state}/{action}")
    answered_at = now or clock.now()

    def attempt() -> None:
        with db.transaction() as session:
            row = session.get(InboxMessage, inbox_id)
            if row is None:
                return
            row.state, row.action, row.reply, row.ticket_id = state, action, reply, ticket_id
            row.answered_at = answered_at

    retry_when_locked(attempt, what="inbox_finish")


@dataclass
class InboxEntry:
    """One inbox row as staff tools and benchmarks see it."""

    id: int
    sender_id: str
    channel: str
    idempotency_key: str | None
    text: str
    received_at: str
    state: str
    action: str | None
    ticket_id: str | None
    reply: list | None
    replay_reply: list | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _entry(row: InboxMessage) -> InboxEntry:
    return InboxEntry(id=row.id, sender_id=row.sender_id, channel=row.channel, idempotency_key=row.idempotency_key,
                      text=row.text, received_at=row.received_at.isoformat(), state=row.state, action=row.action,
                      ticket_id=row.ticket_id, reply=row.reply, replay_reply=row.replay_reply)


def list_messages(db: Database, *, sender_id: str | None = None, state: str | None = None,
                  since: datetime | None = None, idempotency_key: str | None = None,
                  limit: int = 100) -> list[InboxEntry]:
    """The inbox, oldest first: every message a resident sent, what became of it and
    what they were told. The documented check for "nothing acknowledged was lost":
    a message the resident got an answer to is here with ``state`` other than
    ``received``. Filters combine; at most ``MAX_LIST`` rows."""
    query = select(InboxMessage).order_by(InboxMessage.id)
    if sender_id is not None:
        query = query.where(InboxMessage.sender_id == sender_id)
    if state is not None:
        query = query.where(InboxMessage.state == state)
    if since is not None:
        query = query.where(InboxMessage.received_at >= since)
    if idempotency_key is not None:
        query = query.where(InboxMessage.idempotency_key == idempotency_key)
    with db.session() as session:
        return [_entry(row) for row in session.scalars(query.limit(min(max(limit, 1), MAX_LIST)))]


def counts(db: Database) -> dict[str, int]:
    """Messages per state (for /readyz-style checks and the staff view)."""
    with db.session() as session:
        return {state: n for state, n in session.execute(
            select(InboxMessage.state, func.count()).group_by(InboxMessage.state))}
