"""The inbox and the idempotency keys when SQLite's write lock stays taken longer than
a connection's busy timeout (issue #12: under ``make bench-load`` on SQLite, 2 of 2825
messages were answered but not in the inbox, ``inbox.record`` having met "database is
locked"). The writes are retried with a bounded back-off (``retry_when_locked``).

The gateway waits 30 s for the lock; here a database handle that waits only 0.25 s
stands for a writer starved that long, so the test takes seconds, not minutes.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from assistant.db import Database, retry_when_locked
from assistant.inbox import service as inbox
from assistant.residents import idempotency

THREADS = 5
TURNS = 10


@pytest.fixture
def impatient(db: Database):  # noqa: ANN201
    """The same SQLite file, with connections that give up on a lock after 0.25 s."""
    handle = Database(db.url, busy_timeout=0.25)
    yield handle
    handle.dispose()


def _hold_write_lock(db: Database, seconds: float, held: threading.Event) -> None:
    with db.transaction() as session:  # BEGIN IMMEDIATE: the write lock
        session.execute(text("SELECT 1"))
        held.set()
        time.sleep(seconds)


def test_record_and_finish_wait_out_a_long_writer(db: Database, impatient: Database, clock) -> None:  # noqa: ANN001
    now = clock.now()
    held = threading.Event()
    blocker = threading.Thread(target=_hold_write_lock, args=(db, 1.0, held))
    blocker.start()
    assert held.wait(10)
    started = time.monotonic()
    inbox_id = inbox.record(impatient, sender_id="web:r-1", text="3号楼着火了", idempotency_key="k1", now=now)
    assert time.monotonic() - started >= 0.5  # it did wait for the writer, past its own busy timeout
    blocker.join(10)

    held.clear()
    blocker = threading.Thread(target=_hold_write_lock, args=(db, 1.0, held))
    blocker.start()
    assert held.wait(10)
    inbox.finish(impatient, inbox_id, state="answered", action="emergency", reply=[{"text": "请立即拨打119"}],
                 now=now)
    blocker.join(10)
    [entry] = inbox.list_messages(db, sender_id="web:r-1")
    assert (entry.state, entry.action, entry.reply) == ("answered", "emergency", [{"text": "请立即拨打119"}])


def test_idempotency_claim_and_complete_wait_out_a_long_writer(db: Database, impatient: Database,
                                                               clock) -> None:  # noqa: ANN001
    now = clock.now()
    fp = idempotency.fingerprint("我要投诉", None)
    held = threading.Event()
    blocker = threading.Thread(target=_hold_write_lock, args=(db, 1.0, held))
    blocker.start()
    assert held.wait(10)
    claim = idempotency.claim(impatient, "web:r-2", "k2", fp, ttl=timedelta(hours=1),
                              stale_after=timedelta(minutes=1), now=now)
    assert claim.state == "new"
    blocker.join(10)

    held.clear()
    blocker = threading.Thread(target=_hold_write_lock, args=(db, 1.0, held))
    blocker.start()
    assert held.wait(10)
    idempotency.complete(impatient, "web:r-2", "k2", {"replies": [{"text": "工单号 GD1"}]})
    blocker.join(10)
    again = idempotency.claim(db, "web:r-2", "k2", fp, ttl=timedelta(hours=1), stale_after=timedelta(minutes=1),
                              now=now)
    assert (again.state, again.response) == ("replay", {"replies": [{"text": "工单号 GD1"}]})


def test_many_turns_beside_a_writer_that_keeps_the_lock(db: Database, impatient: Database,
                                                        clock) -> None:  # noqa: ANN001
    """Five residents' turns (claim, record, finish, complete) while another writer
    takes the lock again and again, each time for longer than their busy timeout
    (3 × 0.6 s in 2 s; the back-off outlasts that): all land, in order."""
    now = clock.now()
    first = threading.Event()
    errors: list[BaseException] = []

    def hog() -> None:
        for _ in range(3):
            _hold_write_lock(db, 0.6, first)
            time.sleep(0.05)

    def resident(n: int) -> None:
        for turn in range(TURNS):
            sender, key, words = f"web:r-{n}", f"m{turn}", f"第{turn}句话"
            try:
                fp = idempotency.fingerprint(words, None)
                assert idempotency.claim(impatient, sender, key, fp, ttl=timedelta(hours=1),
                                         stale_after=timedelta(minutes=1), now=now).state == "new"
                inbox_id = inbox.record(impatient, sender_id=sender, text=words, idempotency_key=key, now=now)
                inbox.finish(impatient, inbox_id, state="answered", action="dialogue", reply=[{"text": "好的"}],
                             now=now)
                idempotency.complete(impatient, sender, key, {"replies": [{"text": "好的"}]})
            except BaseException as exc:  # noqa: BLE001 - asserted below
                errors.append(exc)

    hogger = threading.Thread(target=hog)
    hogger.start()
    assert first.wait(10)
    workers = [threading.Thread(target=resident, args=(n,)) for n in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    hogger.join(10)
    assert errors == [], f"{len(errors)} failed, first: {errors[0]!r}"
    assert inbox.counts(db) == {"answered": THREADS * TURNS}
    for n in range(THREADS):
        assert [e.text for e in inbox.list_messages(db, sender_id=f"web:r-{n}")] == [f"第{t}句话" for t in range(TURNS)]


def test_the_retry_is_bounded(impatient: Database) -> None:
    """A lock that never comes free still fails, after the last try (no endless wait)."""
    calls = []

    def always_locked() -> None:
        calls.append(1)
        raise OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))

    started = time.monotonic()
    with pytest.raises(OperationalError):
        retry_when_locked(always_locked, what="test", attempts=3)
    assert len(calls) == 3
    assert time.monotonic() - started < 5


def test_other_errors_are_not_retried() -> None:
    calls = []

    def broken() -> None:
        calls.append(1)
        raise OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: chat_inbox"))

    with pytest.raises(OperationalError):
        retry_when_locked(broken, what="test")
    assert calls == [1]
