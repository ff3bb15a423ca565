"""Capacity and booking ids under real concurrency: real threads, real SQLite and
real PostgreSQL (``any_db``), no mocks."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest
from sqlalchemy import select

from assistant.booking.models import BookingSlot
from assistant.booking.service import BookingError, book, cancel, count_live

NOW = datetime(2026, 11, 29, 10, 0)
SLOT = datetime(2026, 12, 1, 15, 0)   # 理发, capacity 3


def _race(n: int, task):
    barrier = threading.Barrier(n)

    def run(i):
        barrier.wait()          # release every thread at once
        try:
            return "ok", task(i)
        except BookingError as exc:
            return exc.code, None

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


@pytest.mark.slow
def test_fifty_concurrent_requests_for_a_capacity_three_slot(any_db, catalogue):
    results = _race(50, lambda i: book(any_db, sender_id=f"web:r{i}", service="理发", starts_at=SLOT,
                                       address="幸福路8号", now=NOW, catalogue=catalogue))
    outcomes = Counter(code for code, _ in results)
    assert outcomes == {"ok": 3, "full": 47}
    ids = [b.id for code, b in results if code == "ok"]
    assert sorted(ids) == ["YY202611290001", "YY202611290002", "YY202611290003"]
    with any_db.session() as s:
        assert count_live(s, "理发", SLOT) == 3
        assert s.scalar(select(BookingSlot.booked).where(BookingSlot.starts_at == SLOT)) == 3


@pytest.mark.slow
def test_ids_are_unique_when_many_book_different_slots_at_once(any_db, catalogue):
    starts = [t for t in (datetime.combine(datetime(2026, 12, day).date(), slot)
                          for day in (1, 2, 3) for slot in catalogue.service("理发").slot_starts())]
    results = _race(30, lambda i: book(any_db, sender_id=f"web:u{i}", service="理发", starts_at=starts[i],
                                       address="幸福路8号", now=NOW, catalogue=catalogue))
    ids = [b.id for code, b in results if code == "ok"]
    assert len(ids) == 30
    assert sorted(ids) == [f"YY20261129{n:04d}" for n in range(1, 31)]


@pytest.mark.slow
def test_cancel_and_book_race_never_overbooks(any_db, catalogue):
    first = [book(any_db, sender_id=f"web:c{i}", service="理发", starts_at=SLOT, address="幸福路8号",
                  now=NOW, catalogue=catalogue) for i in range(3)]

    def task(i):
        if i < 3:
            return cancel(any_db, first[i].id, now=NOW)
        return book(any_db, sender_id=f"web:n{i}", service="理发", starts_at=SLOT, address="幸福路8号",
                    now=NOW, catalogue=catalogue)

    results = _race(23, task)
    booked_now = sum(1 for i, (code, _) in enumerate(results) if i >= 3 and code == "ok")
    assert sum(1 for code, _ in results[:3] if code == "ok") == 3
    assert 0 <= booked_now <= 3
    with any_db.session() as s:
        live = count_live(s, "理发", SLOT)
        counter = s.scalar(select(BookingSlot.booked).where(BookingSlot.starts_at == SLOT))
    assert live == counter == booked_now
