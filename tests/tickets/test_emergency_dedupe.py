"""Emergency de-duplication (issue #12 item 4): the same emergency sent twice by one
resident, or reported by two residents for the same place within minutes, is one
ticket and one staff alert; the second report joins the ticket. Real database, real
webhook server on loopback (tests/tickets/test_service.py's recorder)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from assistant.settings import Settings
from assistant.tickets import service
from tests.tickets.test_service import webhook  # noqa: F401 - the recording webhook fixture

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def alerts(received) -> list[str]:
    return [r["json"]["type"] for r in received]


def test_the_same_emergency_sent_twice_is_one_ticket_and_one_alert(db, webhook):  # noqa: F811
    url, received = webhook
    settings = Settings(alert_webhook_url=url)
    first = service.respond_to_emergency(db, text="3号楼2单元楼道里着火了", sender_id="web:x", settings=settings)
    again = service.respond_to_emergency(db, text="3号楼2单元楼道里着火了", sender_id="web:x", settings=settings)
    assert again.ticket_id == first.ticket_id and again.follow_up
    assert "119" in again.lines[0]  # the advice again, first
    assert "不会重复登记" in again.lines[1]
    assert alerts(received) == ["emergency"]
    with db.session() as s:
        ticket = service.get_ticket(s, first.ticket_id)
        assert ticket.description == "3号楼2单元楼道里着火了"  # nothing appended
        assert [e.action for e in ticket.events][-1] == "重复报告"


def test_two_residents_reporting_one_fire_at_one_place_share_a_ticket(db, webhook):  # noqa: F811
    url, received = webhook
    settings = Settings(alert_webhook_url=url)
    a = service.file_emergency(db, description="5号楼着火了，好大的烟", sender_id="web:a", address="5号楼",
                               settings=settings, now=NOW)
    b = service.file_emergency(db, description="5号楼有火，烧起来了", sender_id="web:b", address="5号楼",
                               settings=settings, now=NOW + timedelta(minutes=4))
    assert a.created and not b.created and b.ticket.id == a.ticket.id
    assert any("119" in line for line in b.advice) and a.ticket.id in b.message
    assert alerts(received) == ["emergency"]
    with db.session() as s:
        ticket = service.get_ticket(s, a.ticket.id)
        assert ticket.report_count == 2
        assert {w.sender_id for w in ticket.watchers} == {"web:a", "web:b"}
        assert ticket.description == "5号楼着火了，好大的烟"  # the second resident's words stay their own
    # The second reporter's own follow-up joins the same ticket.
    follow = service.file_emergency(db, description="有人被烧伤了，在流血", sender_id="web:b", settings=settings,
                                    now=NOW + timedelta(minutes=6))
    assert follow.ticket.id == a.ticket.id
    assert service.live_emergency(db, a.ticket.id, "web:b", now=NOW + timedelta(minutes=7))


@pytest.mark.parametrize("second, address, minutes", [
    ("5号楼有人晕倒了叫不醒", "5号楼", 4),  # another kind of emergency at the same place
    ("15号楼着火了", "15号楼", 4),  # the same kind at another building
    ("5号楼着火了", "5号楼", 40),  # the same, long after the first
    ("着火了", None, 4),  # says not where: never joins another resident's ticket
])
def test_what_stays_a_ticket_of_its_own(db, webhook, second, address, minutes):  # noqa: F811
    url, received = webhook
    settings = Settings(alert_webhook_url=url)
    a = service.file_emergency(db, description="5号楼着火了", sender_id="web:a", address="5号楼",
                               settings=settings, now=NOW)
    b = service.file_emergency(db, description=second, sender_id="web:b", address=address, settings=settings,
                               now=NOW + timedelta(minutes=minutes))
    assert b.created and b.ticket.id != a.ticket.id
    assert alerts(received) == ["emergency", "emergency"]


def test_shared_positions_within_200_m_are_one_place(db, webhook):  # noqa: F811
    url, received = webhook
    settings = Settings(alert_webhook_url=url)
    a = service.file_emergency(db, description="闻到很大的燃气味", sender_id="web:a", lat=31.2300, long=121.4700,
                               settings=settings, now=NOW)
    b = service.file_emergency(db, description="这里煤气泄漏了", sender_id="web:b", lat=31.2305, long=121.4702,
                               settings=settings, now=NOW + timedelta(minutes=2))
    assert b.ticket.id == a.ticket.id and alerts(received) == ["emergency"]


def test_two_reports_at_the_same_moment_file_one_ticket(db, webhook):  # noqa: F811
    """Two threads (the gateway and the action server file through the same lock)."""
    url, received = webhook
    settings = Settings(alert_webhook_url=url)
    results = []
    barrier = threading.Barrier(4)

    def report(sender):
        barrier.wait()
        results.append(service.file_emergency(db, description="7号楼起火了", sender_id=sender, address="7号楼",
                                              settings=settings, now=NOW))

    threads = [threading.Thread(target=report, args=(f"web:t{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({r.ticket.id for r in results}) == 1 and sum(r.created for r in results) == 1
    assert alerts(received) == ["emergency"]


@pytest.mark.postgres
def test_two_reports_at_the_same_moment_on_postgres(pg_db, webhook):  # noqa: F811
    url, received = webhook
    settings = Settings(alert_webhook_url=url)
    results = []
    barrier = threading.Barrier(3)

    def report(sender):
        barrier.wait()
        results.append(service.file_emergency(pg_db, description="7号楼起火了", sender_id=sender, address="7号楼",
                                              settings=settings, now=NOW))

    threads = [threading.Thread(target=report, args=(f"web:p{i}",)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({r.ticket.id for r in results}) == 1 and alerts(received) == ["emergency"]
