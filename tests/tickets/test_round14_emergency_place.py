"""Round 14: an emergency said without a place, right after a report that said one
(投诉 47座楼下电单车在充电冒烟, then 冒火星了 焦味好大), is the same matter going worse:
the emergency ticket gets the report's place, and the butler says it back so a wrong
guess is corrected. A place said with anything else (a booking) lends nothing, and
neither does a report said long before."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.tickets import ActionEmergency
from assistant.db import Database
from assistant.tickets.emergency import place_said_before
from assistant.tickets.models import Ticket
from tests.tickets.test_followthrough_actions import joined, run, tracker


def _after(earlier: str, text: str, seconds: float = 40.0, sender: str = "web:ep") -> Tracker:
    t = tracker(text, "emergency", sender=sender)
    t.events = [{"event": "user", "text": earlier, "timestamp": 1000.0},
                {"event": "bot", "text": "…", "timestamp": 1001.0},
                {"event": "user", "text": text, "timestamp": 1000.0 + seconds}]
    return t


def test_only_a_report_lends_its_place():
    assert place_said_before("投诉一下 47座楼下电单车在充电 一直冒烟") == "47座"
    assert place_said_before("58号楼3单元楼道里一股焦糊味") == "58号楼3单元"
    assert place_said_before("帮我约个理发 58号楼3单元") is None
    assert place_said_before("/emergency") is None
    assert place_said_before(None) is None


async def test_the_emergency_takes_the_place_of_the_report_just_before(app_env: Database, clock):
    messages, slots, _ = await run(
        ActionEmergency(), _after("投诉一下 47座楼下电单车在充电 一直冒烟", "冒火星了 焦味好大", sender="web:ep1"))
    tid = slots["emergency_ticket_id"]
    with app_env.session() as session:
        assert session.get(Ticket, tid).address == "47座"
    said = joined(messages)
    assert "119" in said and "47座" in said and "请告诉我准确位置" in said
    assert slots["emergency_awaiting_location"] is True  # a correction is taken as the place


async def test_no_place_is_borrowed_from_a_booking_or_from_long_ago(app_env: Database, clock):
    _, slots, _ = await run(ActionEmergency(), _after("帮我约个理发 58号楼3单元", "厨房着火了", sender="web:ep2"))
    with app_env.session() as session:
        assert session.get(Ticket, slots["emergency_ticket_id"]).address is None
    _, slots, _ = await run(
        ActionEmergency(), _after("投诉一下 49座楼下电单车一直冒烟", "冒火星了", seconds=3600, sender="web:ep3"))
    with app_env.session() as session:
        assert session.get(Ticket, slots["emergency_ticket_id"]).address is None
