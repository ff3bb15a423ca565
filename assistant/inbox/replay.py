"""The replay: when Rasa and the action server are back, the messages degraded mode
only recorded (state ``pending``) go to Rasa, per sender in the order they were said;
one that waited longer than the hand-over limit goes to staff as a hand-off request
instead (its moment has passed: a booking for "明天" said two days ago must not be
made now). Messages degraded mode acted on (a ticket, a hand-off, an emergency) are
``answered`` and never replayed: they would be filed twice.

At most once: a row is marked ``replaying`` (committed) before it is sent; a row found
``replaying`` by a later pass (the gateway died while sending it) is handed over, never
sent again. A send refused at connect (Rasa went down again) puts the row back to
``pending``; a send that failed after Rasa got it (a timeout) hands it over.

The late answer reaches a resident on a push channel (``assistant.outbox.can_push``:
Telegram): it is queued in the shared outbox in the same transaction that marks the
row ``replayed``, once per inbox row (``late_answer_key``). The web chat cannot be
pushed to: its resident sees the answer the next time they ask.

One replay at a time on the machine: each pass holds the ``inbox-replay`` lease
(``assistant/lease.py``); a second gateway skips its pass while one runs.
"""

from __future__ import annotations

import asyncio
import os
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import anyio
import httpx
import structlog
from sqlalchemy import select, update

from assistant import clock, lease, outbox
from assistant.inbox.models import InboxMessage
from assistant.privacy import mask_text

if TYPE_CHECKING:
    from assistant.db import Database
    from assistant.dialogue import DialogueClient, Reply
    from assistant.settings import Settings

log = structlog.get_logger(__name__)

LEASE_NAME = "inbox-replay"
# Defaults for the settings the lead adds to Settings (inbox_handover_minutes,
# inbox_replay_seconds); read with getattr until then.
DEFAULT_HANDOVER_AFTER = timedelta(minutes=30)
DEFAULT_REPLAY_SECONDS = 5.0
# A message still "received" this long after it arrived was never answered (the
# gateway died mid-request) and nobody retried it: staff get it.
BATCH = 200


def handover_after(settings: Settings) -> timedelta:
    return timedelta(minutes=float(getattr(settings, "inbox_handover_minutes", 0) or 0)) or DEFAULT_HANDOVER_AFTER


def replay_interval(settings: Settings) -> float:
    value = getattr(settings, "inbox_replay_seconds", None)
    return DEFAULT_REPLAY_SECONDS if value is None else float(value)


@dataclass
class ReplayReport:
    replayed: list[int] = field(default_factory=list)
    handed_over: list[int] = field(default_factory=list)
    skipped: str | None = None  # why the pass did nothing: "engine_down", "lease_held", "nothing_pending"


def _waiting(db: Database, limit: int = BATCH) -> list[InboxMessage]:
    with db.session() as session:
        return list(session.scalars(select(InboxMessage).where(
            InboxMessage.state.in_(("pending", "replaying"))).order_by(InboxMessage.id).limit(limit)))


def _unanswered(db: Database, before: datetime, limit: int = BATCH) -> list[InboxMessage]:
    with db.session() as session:
        return list(session.scalars(select(InboxMessage).where(
            InboxMessage.state == "received", InboxMessage.received_at < before).order_by(InboxMessage.id).limit(limit)))


def has_work(db: Database, now: datetime | None = None, after: timedelta | None = None) -> bool:
    """Anything to replay or hand over (a cheap query the loop runs before it asks
    Rasa whether it is up)."""
    now = now or clock.now()
    with db.session() as session:
        pending = session.scalar(select(InboxMessage.id).where(
            InboxMessage.state.in_(("pending", "replaying"))).limit(1))
        if pending is not None:
            return True
        if after is None:
            return False
        return session.scalar(select(InboxMessage.id).where(
            InboxMessage.state == "received", InboxMessage.received_at < now - after).limit(1)) is not None


def _set_state(db: Database, inbox_id: int, *, expect: str, state: str, **values) -> bool:
    """Move one row from ``expect`` to ``state`` (False: someone else moved it)."""
    with db.transaction() as session:
        result = session.execute(update(InboxMessage).where(
            InboxMessage.id == inbox_id, InboxMessage.state == expect).values(state=state, **values)
            .execution_options(synchronize_session=False))
        return result.rowcount == 1


def late_answer_key(inbox_id: int) -> str:
    return f"inbox:{inbox_id}:late-answer"


def late_answer(said: str, replies: list[Reply]) -> tuple[str, list[dict]] | None:
    """(text, buttons) of the answer pushed after a replay, or None when the dialogue
    said nothing. Buttons whose payload is intent syntax the conversation would refuse
    now (it only takes the payloads it last showed) are left out."""
    from assistant.conversation.commands import is_allowed, looks_like_command

    lines = [r.text.strip() for r in replies if r.text and r.text.strip()]
    if not lines:
        return None
    quoted = said.strip()
    quoted = quoted if len(quoted) <= 30 else quoted[:30] + "…"
    text = f"您之前说：“{quoted}”。刚才系统忙，现在回复您：\n" + "\n".join(lines)
    buttons = [{"title": b.title, "payload": b.payload} for r in replies for b in r.buttons
               if b.payload and (not looks_like_command(b.payload) or is_allowed(b.payload, []))]
    return text, buttons


def _mark_replayed(db: Database, row: InboxMessage, replies: list[Reply], done_at: datetime) -> bool:
    """The row ``replaying`` → ``replayed`` with its answer, and the answer queued for a
    resident on a push channel, in one transaction."""
    from assistant.dialogue import _replies_json

    with db.transaction() as session:
        moved = session.execute(update(InboxMessage).where(
            InboxMessage.id == row.id, InboxMessage.state == "replaying").values(
            state="replayed", replayed_at=done_at, replay_reply=_replies_json(replies))
            .execution_options(synchronize_session=False)).rowcount == 1
        message = late_answer(row.text, replies) if moved and outbox.can_push(row.sender_id) else None
        if message is not None:
            outbox.enqueue(session, recipient=row.sender_id, text=message[0], buttons=message[1],
                           dedupe_key=late_answer_key(row.id), now=done_at)
    return moved


def hand_over(db: Database, rows: list[InboxMessage], now: datetime) -> list[int]:
    """One hand-off request per resident with their waiting words, and the rows marked
    ``handed_over`` (in the same transaction)."""
    from assistant.residents.service import request_handoff

    by_sender: dict[str, list[InboxMessage]] = defaultdict(list)
    for row in rows:
        by_sender[row.sender_id].append(row)
    done: list[int] = []
    for sender, own in by_sender.items():
        with db.transaction() as session:
            ids = [row.id for row in own]
            moved = session.execute(update(InboxMessage).where(
                InboxMessage.id.in_(ids), InboxMessage.state.in_(("pending", "replaying", "received")))
                .values(state="handed_over", replayed_at=now).execution_options(synchronize_session=False))
            if not moved.rowcount:
                continue
            words = "；".join(row.text for row in own)
            # "outage": said while the dialogue engine was down, and never answered.
            request_handoff(session, sender, "outage", f"[系统故障期间留言] {words}"[:2000])
            done.extend(ids)
        log.warning("inbox_handed_over", sender=sender, messages=len(own), text=mask_text(words)[:200])
    return done


async def replay_once(db: Database, client: DialogueClient, settings: Settings, *, now: datetime | None = None,
                      after: timedelta | None = None, check_engine: bool = True) -> ReplayReport:
    """One pass over the inbox (see the module's docstring)."""
    from assistant.dialogue import DialogueUnavailable

    report = ReplayReport()
    after = after or handover_after(settings)
    now = now or clock.now()
    if not await anyio.to_thread.run_sync(lambda: has_work(db, now, after)):
        report.skipped = "nothing_pending"
        return report
    if check_engine and not await client.engine_ready():
        report.skipped = "engine_down"
        return report
    try:
        fd = lease.acquire(LEASE_NAME, settings.data_dir, wait=False)
    except lease.LeaseHeld:
        report.skipped = "lease_held"
        return report
    try:
        unanswered = await anyio.to_thread.run_sync(lambda: _unanswered(db, now - after))
        report.handed_over += await anyio.to_thread.run_sync(lambda: hand_over(db, unanswered, now))
        rows = await anyio.to_thread.run_sync(lambda: _waiting(db))
        stale = [r for r in rows if r.state == "replaying" or now - r.received_at > after]
        report.handed_over += await anyio.to_thread.run_sync(lambda: hand_over(db, stale, now))
        stale_ids = {r.id for r in stale}
        stopped: set[str] = set()
        for row in rows:
            if row.id in stale_ids or row.sender_id in stopped:
                continue
            if not await anyio.to_thread.run_sync(lambda: _set_state(db, row.id, expect="pending", state="replaying")):
                continue
            try:
                replies = await client.send(row.sender_id, row.text, row.meta)
            except DialogueUnavailable as exc:
                if isinstance(exc.__cause__, httpx.ConnectError):  # Rasa never got it: try again later
                    await anyio.to_thread.run_sync(lambda: _set_state(db, row.id, expect="replaying",
                                                                      state="pending"))
                    log.warning("inbox_replay_stopped", reason="rasa_unreachable")
                    report.skipped = "engine_down"
                    break
                # Rasa may have acted on it: never send it twice; staff get it.
                report.handed_over += await anyio.to_thread.run_sync(lambda: hand_over(db, [row], now))
                stopped.add(row.sender_id)  # its later words wait for the next pass, in order
                continue
            done_at = clock.now()
            await anyio.to_thread.run_sync(lambda: _mark_replayed(db, row, replies, done_at))
            report.replayed.append(row.id)
            log.info("inbox_replayed", inbox_id=row.id, sender=row.sender_id, replies=len(replies))
    finally:
        os.close(fd)
    return report


async def replay_forever(db_factory, client: DialogueClient, settings: Settings) -> None:
    """The gateway's background task: a pass every ``replay_interval`` seconds."""
    interval = replay_interval(settings)
    if interval <= 0:
        return
    while True:
        await asyncio.sleep(interval)
        try:
            report = await replay_once(db_factory(), client, settings)
            if report.replayed or report.handed_over:
                log.info("inbox_replay_pass", replayed=len(report.replayed), handed_over=len(report.handed_over))
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - the next pass tries again
            log.exception("inbox_replay_failed")
