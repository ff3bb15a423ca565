"""Capacity and booking ids under real concurrency: real threads, real SQLite and
real PostgreSQL (``any_db``), no mocks."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from assistant.booking.models import Booking, BookingSlot
from assistant.booking.service import BookingError, book, cancel, count_live, reschedule

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


@pytest.mark.slow
def test_concurrent_overlapping_starts_never_exceed_capacity(any_db, catalogue):
    """保洁 (2 h, capacity 2) asked for at 8:00, 8:30, 9:00, 9:30 and 10:00 by 40
    residents at once: every pair but (8:00, 10:00) overlaps, so at no moment may more
    than two be booked, and every cell's counter must equal the bookings under way."""
    day = datetime(2026, 12, 1)
    starts = [day.replace(hour=8) + timedelta(minutes=30 * (i % 5)) for i in range(40)]
    results = _race(40, lambda i: book(any_db, sender_id=f"web:o{i}", service="保洁", starts_at=starts[i],
                                       address="幸福路8号", now=NOW, catalogue=catalogue))
    assert {code for code, _ in results} <= {"ok", "full"}
    booked = [b for code, b in results if code == "ok"]
    assert 2 <= len(booked) <= 4
    cells = [day.replace(hour=8) + timedelta(minutes=30 * k) for k in range(8)]   # 8:00 .. 11:30
    with any_db.session() as s:
        counters = dict(s.execute(select(BookingSlot.starts_at, BookingSlot.booked)
                                  .where(BookingSlot.service == "保洁")).all())
        for cell in cells:
            under_way = sum(b.starts_at <= cell < b.ends_at for b in booked)
            assert under_way == count_live(s, "保洁", cell) == counters.get(cell, 0) <= 2


@pytest.mark.slow
def test_cancels_reschedules_and_books_of_overlapping_times_race_safely(any_db, catalogue):
    """场地预约 (2 h, capacity 1): two bookings are cancelled or moved while 18 others
    ask for overlapping afternoon starts; afterwards no two overlap and the counters
    match the bookings."""
    day = datetime(2026, 12, 1)
    first = book(any_db, sender_id="web:x", service="场地预约", starts_at=day.replace(hour=14),
                 address="幸福路8号", now=NOW, catalogue=catalogue)
    second = book(any_db, sender_id="web:y", service="场地预约", starts_at=day.replace(hour=17),
                  address="幸福路8号", now=NOW, catalogue=catalogue)
    wanted = [day.replace(hour=14) + timedelta(minutes=30 * (i % 9)) for i in range(20)]   # 14:00 .. 18:00

    def task(i):
        if i == 0:
            return cancel(any_db, first.id, now=NOW, catalogue=catalogue)
        if i == 1:
            return reschedule(any_db, second.id, day.replace(hour=15, minute=30), now=NOW, catalogue=catalogue)
        return book(any_db, sender_id=f"web:z{i}", service="场地预约", starts_at=wanted[i],
                    address="幸福路8号", now=NOW, catalogue=catalogue)

    results = _race(20, task)
    assert results[0][0] == "ok" and {code for code, _ in results} <= {"ok", "full"}
    with any_db.session() as s:
        live = [b for b in s.scalars(select(Booking).where(Booking.service == "场地预约",
                                                           Booking.status == "booked"))]
        counters = dict(s.execute(select(BookingSlot.starts_at, BookingSlot.booked)
                                  .where(BookingSlot.service == "场地预约")).all())
        for k in range(12):                                          # 14:00 .. 19:30
            cell = day.replace(hour=14) + timedelta(minutes=30 * k)
            under_way = sum(b.starts_at <= cell < b.ends_at for b in live)
            assert under_way == count_live(s, "场地预约", cell) == counters.get(cell, 0) <= 1
    assert live
