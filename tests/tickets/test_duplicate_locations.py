"""Duplicate linking by the whole location (issue #12 item 6): the same building,
and where both reports say them, the same unit and room; 12栋 is 十二号楼, 20号楼 is
not 203号楼. On a real SQLite database through ``file_ticket``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from assistant.db import Database
from assistant.tickets import service
from assistant.tickets.models import Ticket

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # Monday 10:00 Shanghai


def _pair(db: Database, first: tuple[str, str | None], second: tuple[str, str | None]) -> bool:
    a = service.file_ticket(db, description=first[0], address=first[1], sender_id="web:r-a", now=NOW)
    b = service.file_ticket(db, description=second[0], address=second[1], sender_id="web:r-b",
                            now=NOW + timedelta(hours=1))
    return not b.created and b.ticket.id == a.ticket.id


@pytest.mark.parametrize(("first", "second", "linked"), [
    (("203号楼楼道灯坏了", "203号楼"), ("20号楼楼道灯坏了", "20号楼"), False),
    (("117号楼门口井盖丢了", "117号楼"), ("17号楼门口井盖丢了", "17号楼"), False),
    (("201号楼路灯不亮", "201号楼"), ("101号楼路灯不亮", "101号楼"), False),
    (("12栋电梯坏了", "12栋"), ("十二号楼的电梯又坏了", "十二号楼"), True),
    (("五栋楼道灯不亮了", "五栋"), ("5号楼楼道灯不亮了", "5号楼"), True),
    (("3号楼2单元楼道灯坏了", "3号楼2单元"), ("3号楼1单元楼道灯坏了", "3号楼1单元"), False),
    (("5栋2单元302室天花板漏水", "5栋2单元302室"), ("五栋二单元三零二室顶上漏水", "五栋二单元三零二室"), True),
    (("5栋2单元302漏水", "5栋2单元302"), ("5栋2单元402漏水", "5栋2单元402"), False),
    (("幸福路8号3号楼路灯坏了", "幸福路8号3号楼"), ("幸福路8号5号楼路灯坏了", "幸福路8号5号楼"), False),
])
def test_linked_only_at_a_compatible_location(db: Database, first, second, linked):
    assert _pair(db, first, second) is linked


def test_a_truncated_address_is_completed_from_the_residents_words(db: Database):
    """An NLU entity that kept 17号楼 of 117号楼: the ticket keeps 117号楼 and is not
    linked to building 17's ticket."""
    service.file_ticket(db, description="17号楼门口路灯坏了", address="17号楼", now=NOW)
    filed = service.file_ticket(db, description="117号楼门口路灯坏了", address="17号楼", now=NOW + timedelta(hours=1))
    assert filed.created and filed.ticket.address == "117号楼"


def test_without_an_address_the_description_says_where(db: Database):
    first = service.file_ticket(db, description="203号楼楼道灯坏了", now=NOW)
    other = service.file_ticket(db, description="20号楼楼道灯坏了", now=NOW + timedelta(hours=1))
    same = service.file_ticket(db, description="二百零三号楼楼道灯又坏了", now=NOW + timedelta(hours=2))
    assert other.created
    assert not same.created and same.ticket.id == first.ticket.id


def test_coordinates_and_buildings_both_count():
    here = Ticket(address="3号楼", description="3号楼路灯坏了", lat=31.2304, long=121.4737)
    # 75 m apart but another building: not the same place.
    assert not service.is_nearby(here, address="13号楼", lat=31.2310, long=121.4740)
    assert service.is_nearby(here, address="三号楼", lat=31.2310, long=121.4740)
    # A report without a building, 75 m away: the coordinates decide.
    assert service.is_nearby(here, address=None, lat=31.2310, long=121.4740)
    assert not service.is_nearby(here, address="3号楼", lat=31.2404, long=121.4737)  # 1.1 km
