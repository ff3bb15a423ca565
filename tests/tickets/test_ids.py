"""Ticket ids: format, daily sequence, uniqueness under concurrent writers."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime

from sqlalchemy import select

from assistant.db import Database
from assistant.tickets.ids import find_ticket_id, local_day, next_ticket_id
from assistant.tickets.models import TicketDayCounter


def test_format_and_daily_sequence(any_db: Database):
    day1 = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)
    with any_db.transaction() as s:
        a, b = next_ticket_id(s, day1), next_ticket_id(s, day1)
    assert a == "GD202611290001" and b == "GD202611290002"
    with any_db.transaction() as s:
        # 16:30 UTC is already the next day in Asia/Shanghai: a new sequence starts.
        c = next_ticket_id(s, datetime(2026, 11, 29, 16, 30, tzinfo=UTC))
    assert c == "GD202611300001"
    assert re.fullmatch(r"GD\d{12}", c)


def test_local_day_uses_configured_timezone():
    assert local_day(datetime(2026, 11, 29, 15, 59, tzinfo=UTC)) == "20261129"
    assert local_day(datetime(2026, 11, 29, 16, 0, tzinfo=UTC)) == "20261130"


def test_unique_under_concurrency(any_db: Database):
    """8 threads x 15 ids each, all on the same (new) day: every id distinct and the
    sequence has no gaps."""
    now = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    ids: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def worker():
        try:
            barrier.wait()
            for _ in range(15):
                with any_db.transaction() as s:
                    new_id = next_ticket_id(s, now)
                with lock:
                    ids.append(new_id)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(ids) == 120 and len(set(ids)) == 120
    assert sorted(ids) == [f"GD20261201{n:04d}" for n in range(1, 121)]
    with any_db.session() as s:
        assert s.scalar(select(TicketDayCounter.last_seq).where(TicketDayCounter.day == "20261201")) == 120


def test_find_ticket_id_in_free_text():
    assert find_ticket_id("GD202611290007 怎么样了") == "GD202611290007"
    assert find_ticket_id("我的工单gd２０２６１１２９０００７处理了吗") == "GD202611290007"
    assert find_ticket_id("GD 2026 1129 0007") == "GD202611290007"
    assert find_ticket_id("GD20261129000") is None  # 11 digits
    assert find_ticket_id("GD2026112900071") is None  # 13 digits
    assert find_ticket_id(None) is None


def test_concurrent_filing_on_both_databases(any_db: Database):
    """Residents filing at the same moment through the whole service: distinct ids,
    one ticket each, nothing lost."""
    from assistant.tickets import service

    results: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def resident(n: int):
        try:
            barrier.wait()
            for k in range(4):
                filed = service.file_ticket(any_db, description=f"{n}号楼第{k}个问题：楼道灯坏了", address=f"{n}号楼",
                                            sender_id=f"web:r{n}", check_duplicates=False)
                results.append(filed.ticket.id)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=resident, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(results) == 24 and len(set(results)) == 24
    from assistant.tickets.service import list_tickets

    with any_db.session() as s:
        assert list_tickets(s, limit=None)[1] == 24
