"""The write paths of a chat turn under contention on a real SQLite file (issue #12:
``make bench-load`` on SQLite answered 2 of 2825 messages without recording them, and
the action server failed 62 times with "database is locked" in residents' get-or-create).

Several threads each run what one chat turn writes, on one database file: the
idempotency claim, the inbox record, the resident's get-or-create, contact details and
a hand-off request in plain ``Database.session()`` blocks (as the booking form and the
hand-off action use them), the inbox outcome and the stored answer. Nothing may fail
and every write must be there.

Why the plain sessions failed: a deferred SQLite transaction that has read and then
writes cannot wait for the write lock (SQLite refuses at once while another connection
writes). ``take_write_lock`` makes it wait; ``retry_when_locked`` retries whole
transactions with back-off.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from sqlalchemy import func, select

from assistant.db import Database, take_write_lock
from assistant.inbox import service as inbox
from assistant.inbox.models import InboxMessage
from assistant.residents import idempotency
from assistant.residents.models import ChatIdempotencyKey, HandoffRequest, Resident
from assistant.residents.service import get_or_create_resident, remember_contact, request_handoff

THREADS = 6
TURNS = 25


def _chat_turn(db: Database, sender: str, turn: int, now) -> None:  # noqa: ANN001
    key = f"msg-{turn}"
    text = f"{turn}号楼楼道灯坏了"
    fp = idempotency.fingerprint(text, None)
    assert idempotency.claim(db, sender, key, fp, ttl=timedelta(hours=1), stale_after=timedelta(minutes=1),
                             now=now).state == "new"
    inbox_id = inbox.record(db, sender_id=sender, text=text, idempotency_key=key, now=now)
    with db.session() as session:  # as the booking form reads the remembered contact
        get_or_create_resident(session, sender)
    with db.session() as session:  # as the booking form keeps the address and phone
        remember_contact(session, sender, address=f"{turn}号楼101室", phone=f"139{turn:08d}")
    if turn % 5 == 0:
        with db.session() as session:  # as action_request_human asks for a person
            request_handoff(session, sender, "asked", text)
    reply = [{"text": "已记下"}]
    inbox.finish(db, inbox_id, state="answered", action="dialogue", reply=reply, now=now)
    idempotency.complete(db, sender, key, {"replies": reply})


def test_chat_turn_writes_from_many_threads_all_land(db: Database, clock) -> None:  # noqa: ANN001
    now = clock.now()
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def resident(n: int) -> None:
        start.wait()
        for turn in range(TURNS):
            try:
                # A new resident each turn: the get-or-create inserts, under contention.
                _chat_turn(db, f"web:r-load{n}-{turn}", turn, now)
            except BaseException as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

    threads = [threading.Thread(target=resident, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not any(thread.is_alive() for thread in threads)
    assert errors == [], f"{len(errors)} failed, first: {errors[0]!r}"
    total = THREADS * TURNS
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Resident)) == total
        assert session.scalar(select(func.count()).select_from(Resident).where(Resident.phone.is_not(None))) == total
        assert session.scalar(select(func.count()).select_from(HandoffRequest)) == THREADS * len(range(0, TURNS, 5))
        assert session.scalar(select(func.count()).select_from(ChatIdempotencyKey)
                              .where(ChatIdempotencyKey.status == "done")) == total
    assert inbox.counts(db) == {"answered": total}


def test_one_resident_created_once_by_racing_sessions(db: Database) -> None:
    """Eight plain sessions create the same new resident at once: one row, no error
    (the loser of the race finds the winner's row once it has the write lock)."""
    errors: list[BaseException] = []
    ids: list[int] = []
    start = threading.Barrier(8)

    def create() -> None:
        start.wait()
        try:
            with db.session() as session:
                ids.append(get_or_create_resident(session, "web:r-same").id)
        except BaseException as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(set(ids)) == 1
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Resident)) == 1


def test_take_write_lock_waits_for_another_writer(tmp_path, db: Database) -> None:  # noqa: ANN001
    """A session that has read waits for the write lock another connection holds,
    instead of failing at once; what it reads afterwards is what that writer committed."""
    with db.session() as session:
        get_or_create_resident(session, "web:r-old")
    holding = threading.Event()

    def writer() -> None:
        with db.transaction() as session:
            session.add(Resident(sender_id="web:r-writer"))
            session.flush()
            holding.set()
            time.sleep(0.5)

    thread = threading.Thread(target=writer)
    with db.session() as session:
        assert session.scalar(select(Resident).where(Resident.sender_id == "web:r-old")) is not None
        thread.start()
        assert holding.wait(10)
        take_write_lock(session)  # waits until the writer commits
        assert session.scalar(select(Resident).where(Resident.sender_id == "web:r-writer")) is not None
        session.add(Resident(sender_id="web:r-reader"))
    thread.join(10)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Resident)) == 3
    with db.session() as session:  # the inbox table is untouched by all this
        assert session.scalar(select(func.count()).select_from(InboxMessage)) == 0
