"""The shared outbound layer: messages the butler pushes to a resident who did not
just ask. Every capability reaches such a resident through it, each enqueueing in its
own transaction with its own dedupe key:

- ticket updates and the rating question (``assistant.outbox.tickets``,
  ``ticket:<id>:event:<event id>``);
- booking reminders (``assistant.booking.service.send_due_reminders``,
  ``booking:<id>:reminder:<start>``);
- the elder-care ladder's prompts, with a 报平安 button (``assistant.care.ladder``,
  ``care:<care id>:<episode>:<step>``);
- late answers to messages degraded mode only recorded (``assistant.inbox.replay``,
  ``inbox:<id>:late-answer``).

    enqueue(session, channel=..., recipient=..., text=..., buttons=..., dedupe_key=...)
        in the caller's transaction: the message exists exactly when the change that
        caused it is committed. The dedupe key is unique: the same event enqueued
        twice is one row.
    await deliver_due(db, now, adapters)
        the channel processes (the Telegram bot) deliver their rows: each row is
        claimed in its own transaction (state ``sending`` with a claim that expires),
        handed to the channel's adapter, then marked ``sent``. A temporary failure is
        retried with exponential back-off (``RETRY_FIRST`` doubling up to
        ``RETRY_MAX``, ``MAX_ATTEMPTS`` tries, or the server's own ``retry_after``);
        a refusal for good marks the row ``failed``; a recipient who blocked the
        bot (Telegram's 403) is recorded in ``outbox_blocked`` and gets nothing more
        until they write to the butler again (``unblock``).

Nothing is sent twice: the dedupe key makes one row per event, and a row is sent
only by the one who claimed it. (A process killed between the channel accepting a
message and the row being marked sent leaves the row ``sending``; it is sent again
only after its claim expires, ``CLAIM_SECONDS`` — the one window left.)

Which channels can receive pushes is ``PUSH_CHANNELS``: only those with a delivery
adapter in some running process.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import anyio
import structlog
from sqlalchemy import or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from assistant import clock
from assistant.db import Database
from assistant.outbox.models import BLOCKED, FAILED, PENDING, SENDING, SENT, OutboxBlocked, OutboxMessage

log = structlog.get_logger(__name__)

# Channels whose bot process delivers the outbox (assistant/channels/telegram.py; the
# gateway delivers wechat rows: assistant/channels/wechat.py).
PUSH_CHANNELS = frozenset({"telegram", "wechat"})
MAX_ATTEMPTS = 8
RETRY_FIRST = timedelta(seconds=30)
RETRY_MAX = timedelta(hours=1)
CLAIM_SECONDS = 300
MAX_TEXT = 4000


class DeliveryError(Exception):
    """A temporary failure: try again later (``retry_after`` seconds, when the
    channel said how long)."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class RecipientBlocked(Exception):
    """The recipient refused the butler (blocked the bot): stop pushing to them."""


class PermanentFailure(Exception):
    """This message can never be delivered (a malformed request): give it up."""


@dataclass(frozen=True)
class Outgoing:
    """What an adapter is given."""

    id: int
    channel: str
    recipient: str
    text: str
    buttons: list[dict]


Adapter = Callable[[Outgoing], Awaitable[None]]


@dataclass
class DeliveryRun:
    sent: list[int] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    blocked: list[int] = field(default_factory=list)


def channel_of(recipient: str | None) -> str | None:
    if not recipient or ":" not in recipient:
        return None
    return recipient.split(":", 1)[0]


def can_push(recipient: str | None) -> bool:
    """Whether a message pushed to this resident would reach them."""
    return channel_of(recipient) in PUSH_CHANNELS


def _insert_ignore(session: Session, values: dict) -> bool:
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    inserted = session.execute(dialect.insert(OutboxMessage).values(**values)
                               .on_conflict_do_nothing(index_elements=["dedupe_key"])
                               .returning(OutboxMessage.id)).scalar()
    return inserted is not None


def enqueue(session: Session, *, recipient: str, text: str, dedupe_key: str, buttons: list[dict] | None = None,
            channel: str | None = None, now: datetime | None = None) -> bool:
    """Queue one message in the caller's transaction. Returns False when the dedupe
    key was already queued (nothing added)."""
    channel = channel or channel_of(recipient)
    if not channel:
        raise ValueError("recipient must be a namespaced sender id (telegram:123)")
    now = now or clock.now()
    blocked = session.get(OutboxBlocked, recipient) is not None
    added = _insert_ignore(session, {
        "channel": channel, "recipient": recipient, "text": text[:MAX_TEXT],
        "buttons": [{"title": str(b["title"]), "payload": str(b["payload"])} for b in buttons or []] or None,
        "dedupe_key": dedupe_key[:200], "created_at": now, "state": BLOCKED if blocked else PENDING,
        "attempts": 0, "next_attempt_at": now})
    if added:
        log.info("outbox_enqueued", channel=channel, key=dedupe_key[:200], blocked=blocked)
    return added


def block(db: Database, recipient: str, now: datetime | None = None) -> bool:
    """The resident refused the butler (blocked the bot): nothing is pushed to them
    until they write again (``unblock``). False when they were already blocked."""
    from sqlalchemy.exc import IntegrityError

    try:
        with db.transaction() as session:
            if session.get(OutboxBlocked, recipient) is not None:
                return False
            session.add(OutboxBlocked(recipient=recipient, at=now or clock.now()))
    except IntegrityError:  # blocked at the same moment by the delivery loop
        return False
    log.info("outbox_blocked", channel=channel_of(recipient))
    return True


def unblock(db: Database, recipient: str) -> bool:
    """The resident wrote to the butler again: pushes may reach them."""
    with db.transaction() as session:
        row = session.get(OutboxBlocked, recipient)
        if row is None:
            return False
        session.delete(row)
    log.info("outbox_unblocked", channel=channel_of(recipient))
    return True


def is_blocked(db: Database, recipient: str) -> bool:
    with db.session() as session:
        return session.get(OutboxBlocked, recipient) is not None


def _backoff(attempts: int) -> timedelta:
    return min(RETRY_FIRST * (2 ** max(0, attempts - 1)), RETRY_MAX)


def _due_ids(db: Database, channels: list[str], now: datetime, limit: int) -> list[int]:
    with db.session() as session:
        return list(session.scalars(
            select(OutboxMessage.id).where(
                OutboxMessage.channel.in_(channels),
                or_(OutboxMessage.state == PENDING,
                    (OutboxMessage.state == SENDING) & (OutboxMessage.claimed_until < now)),
                OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)))


def _claim(db: Database, row_id: int, now: datetime) -> Outgoing | None:
    """Take the row for this sender, or None when someone else has it (or it is done)."""
    with db.transaction() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.id == row_id)
                              .with_for_update(skip_locked=True)
                              .execution_options(populate_existing=True)).first()
        if row is None or row.next_attempt_at > now:
            return None
        if not (row.state == PENDING or (row.state == SENDING and row.claimed_until and row.claimed_until < now)):
            return None
        if session.get(OutboxBlocked, row.recipient) is not None:
            row.state = BLOCKED
            return None
        row.state, row.claimed_until = SENDING, now + timedelta(seconds=CLAIM_SECONDS)
        row.attempts += 1
        return Outgoing(row.id, row.channel, row.recipient, row.text, list(row.buttons or []))


def _finish(db: Database, row_id: int, now: datetime, *, state: str, error: str | None = None,
            retry_after: float | None = None) -> str:
    with db.transaction() as session:
        row = session.get(OutboxMessage, row_id)
        if row is None:
            return state
        row.claimed_until = None
        row.last_error = error[:250] if error else None
        if state == SENT:
            row.state, row.sent_at = SENT, now
        elif state == PENDING and row.attempts >= MAX_ATTEMPTS:
            row.state = FAILED
        elif state == PENDING:
            row.state = PENDING
            row.next_attempt_at = now + (timedelta(seconds=retry_after) if retry_after else _backoff(row.attempts))
        else:
            row.state = state
        if state == BLOCKED and session.get(OutboxBlocked, row.recipient) is None:
            session.add(OutboxBlocked(recipient=row.recipient, at=now))
        return row.state


async def deliver_due(db: Database, now: datetime | None, adapters: dict[str, Adapter], *,
                      limit: int = 50) -> DeliveryRun:
    """Deliver the due rows of the channels in ``adapters``, one by one."""
    now = now or clock.now()
    run = DeliveryRun()
    if not adapters:
        return run
    ids = await anyio.to_thread.run_sync(lambda: _due_ids(db, list(adapters), now, limit))
    for row_id in ids:
        outgoing = await anyio.to_thread.run_sync(lambda rid=row_id: _claim(db, rid, now))
        if outgoing is None:
            continue
        state, error, retry_after = SENT, None, None
        try:
            await adapters[outgoing.channel](outgoing)
        except RecipientBlocked as exc:
            state, error = BLOCKED, f"blocked: {exc}"
        except PermanentFailure as exc:
            state, error = FAILED, f"{type(exc).__name__}: {exc}"
        except DeliveryError as exc:
            state, error, retry_after = PENDING, f"{type(exc).__name__}: {exc}", exc.retry_after
        except Exception as exc:  # noqa: BLE001 - an adapter's bug must not stop the other rows
            state, error = PENDING, f"{type(exc).__name__}: {exc}"
        final = await anyio.to_thread.run_sync(
            lambda rid=row_id, s=state, e=error, r=retry_after: _finish(db, rid, now, state=s, error=e, retry_after=r))
        {SENT: run.sent, BLOCKED: run.blocked, FAILED: run.failed}.get(final, run.retried).append(row_id)
        if state != SENT:
            log.warning("outbox_not_delivered", id=row_id, channel=outgoing.channel, state=final,
                        error=(error or "")[:120])
    if run.sent or run.failed or run.blocked or run.retried:
        log.info("outbox_run", sent=len(run.sent), retried=len(run.retried), failed=len(run.failed),
                 blocked=len(run.blocked))
    return run


__all__ = ["Adapter", "DeliveryError", "DeliveryRun", "MAX_ATTEMPTS", "Outgoing", "PUSH_CHANNELS",
           "PermanentFailure", "RecipientBlocked", "block", "can_push", "channel_of", "deliver_due", "enqueue",
           "is_blocked", "unblock"]
