"""Emergency tickets as duplicate targets, with the sub-buildings the location parser
reads (issue #12 leftovers): a second resident's report of the same fire at the same
place, however the place is written (3#楼 / 三号楼, 三号院五号楼), joins the open
emergency ticket, one alert; a report from another place, or from a place that may be
another (5号楼 against 3号院5号楼: which courtyard?), is a ticket of its own whose staff
alert is sent before the filing returns. Real database, real webhook server on
loopback (tests/tickets/test_service.py's recorder)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from assistant.settings import Settings
from assistant.tickets import service
from tests.tickets.test_service import webhook  # noqa: F401 - the recording webhook fixture

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def alerts(received) -> list[str]:  # noqa: ANN001
    return [r["json"]["type"] for r in received]


@pytest.mark.parametrize(("first", "second"), [
    ("3#楼", "三号楼"),
    ("3号院5号楼", "三号院五号楼"),
    ("肆号楼2单元", "4号楼二单元"),
    ("甲1号楼", "甲1号楼"),
    ("北楼", "北楼"),
])
def test_the_same_fire_at_the_same_place_joins_the_open_emergency_ticket(db, webhook, first, second):  # noqa: F811
    url, received = webhook
    settings = Settings(alert_webhook_url=url)
    a = service.file_emergency(db, description=f"{first}着火了，好大的烟", sender_id="web:a", address=first,
                               settings=settings, now=NOW)
    b = service.file_emergency(db, description=f"{second}起火了", sender_id="web:b", address=second,
                               settings=settings, now=NOW + timedelta(minutes=3))
    assert a.created and not b.created and b.ticket.id == a.ticket.id
    assert a.ticket.id in b.message and any("119" in line for line in b.advice)
    assert alerts(received) == ["emergency"]
    with db.session() as s:
        assert service.get_ticket(s, a.ticket.id).report_count == 2


@pytest.mark.parametrize(("first", "second"), [
    ("3号院5号楼", "4号院5号楼"),  # another courtyard
    ("3号院5号楼", "5号楼"),  # which courtyard? joining would send no alert: not joined
    ("5号楼", "3号院5号楼"),
    ("东区3号楼", "3号楼"),  # which area?
    ("北楼", "南楼"),
    ("甲1号楼", "1号楼"),
    ("3#楼", "13#楼"),
])
def test_a_fire_at_another_place_keeps_its_own_ticket_and_alert(db, webhook, first, second):  # noqa: F811
    url, received = webhook
    settings = Settings(alert_webhook_url=url)
    a = service.file_emergency(db, description=f"{first}着火了", sender_id="web:a", address=first,
                               settings=settings, now=NOW)
    assert alerts(received) == ["emergency"]
    b = service.file_emergency(db, description=f"{second}着火了", sender_id="web:b", address=second,
                               settings=settings, now=NOW + timedelta(minutes=2))
    assert b.created and b.ticket.id != a.ticket.id
    # Not delayed: the alert has been delivered by the time the filing returns.
    assert b.alerted and alerts(received) == ["emergency", "emergency"]
    assert "已通知值班人员" in b.message


def test_a_complaint_at_the_place_of_a_fire_is_not_linked_to_it(db, webhook):  # noqa: F811
    url, received = webhook
    settings = Settings(alert_webhook_url=url)
    fire = service.file_emergency(db, description="5号楼着火了", sender_id="web:a", address="5号楼",
                                  settings=settings, now=NOW)
    smoke = service.file_ticket(db, description="5号楼楼道有人抽烟，烟味很大", sender_id="web:b", address="5号楼",
                                settings=settings, now=NOW + timedelta(minutes=5))
    assert smoke.created and smoke.ticket.id != fire.ticket.id
    assert alerts(received) == ["emergency"]  # a complaint alerts no one


def test_an_emergency_filed_as_a_complaint_is_never_linked(db, webhook):  # noqa: F811
    """A report at emergency level that reaches ``file_ticket`` (Open311, staff, an
    integration) is never a duplicate of the open fire ticket: its own ticket, its own
    alert."""
    url, received = webhook
    settings = Settings(alert_webhook_url=url)
    fire = service.file_emergency(db, description="5号楼着火了", sender_id="web:a", address="5号楼",
                                  settings=settings, now=NOW)
    again = service.file_ticket(db, description="5号楼着火了，烟很大", address="5号楼", channel="open311",
                                settings=settings, now=NOW + timedelta(minutes=1))
    assert again.created and again.ticket.id != fire.ticket.id and again.ticket.urgency == "emergency"
    assert alerts(received) == ["emergency", "emergency"]
