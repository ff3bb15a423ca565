"""Round 17: after an emergency, what it interrupted goes on — a booking asked for (with
what was said of it before), a report asked "where?" filed once the emergency is said
over. New wording, not the corpora's."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker

from actions.tickets import ActionEmergency, ActionTicketFollowup
from assistant.db import Database
from assistant.tickets import service
from assistant.tickets.emergency import booking_after, report_resumed, said_over
from tests.tickets.test_followthrough_actions import DOMAIN, followups, joined, run, tracker


def after(text: str, intent: str, slots: dict, events: list[dict], sender: str = "web:ft") -> Tracker:
    """``text`` said after the emergency, the conversation's events before it kept."""
    t = tracker(text, intent, slots, sender=sender)
    t.events = events
    return t


def form_then_emergency(form: str, said: dict) -> list[dict]:
    """The events of a form that had been told ``said``, then an emergency that dropped it."""
    return [
        {"event": "active_loop", "name": form},
        *({"event": "slot", "name": k, "value": v} for k, v in said.items()),
        {"event": "action", "name": "action_emergency"},
        {"event": "active_loop", "name": None},
        *({"event": "slot", "name": k, "value": None} for k in said),
    ]


@pytest.mark.parametrize(("text", "over"), [
    ("没啥事了 虚惊一场", True),
    ("总阀已经关上了", True),
    ("救护车到了 人抬走了", True),
    ("送到医院了 医生在看", True),
    ("小偷已经跑了", True),
    ("他没事了吧", False),  # a question
    ("人还没缓过来", False),
    ("救护车到了吗", False),
    ("火还没灭", False),
    ("在6号楼3单元", False),
])
def test_the_emergency_said_over(text: str, over: bool) -> None:
    assert said_over(text) is over


def test_a_booking_asked_for_after_an_emergency() -> None:
    assert booking_after("警察走了，帮我约个保洁，后天上午") == "保洁"
    assert booking_after("剪头发的还是约上吧", "理发") == "理发"
    assert booking_after("在6号楼3单元") is None
    assert booking_after("不约了 先顾人", "理发") is None


def test_a_report_resumed_only_once_the_emergency_is_over() -> None:
    assert report_resumed("火扑灭了 好多了 在12号楼3单元201", "厨房水管往外渗水") == "12号楼3单元201"
    assert report_resumed("在12号楼3单元201", "厨房水管往外渗水") is None  # the emergency's own place
    assert report_resumed("火扑灭了 好多了 在12号楼3单元201", None) is None


async def test_the_interrupted_booking_goes_on_with_what_was_said(app_env: Database) -> None:
    before = {"booking_service": "理发", "booking_time": "2026-12-09T10:00"}
    _, slots, _ = await run(ActionEmergency(), tracker("我老伴从凳子上摔下来了 起不来", "emergency"))
    events = form_then_emergency("booking_form", before)
    messages, after_slots, returned = await run(
        ActionTicketFollowup(),
        after("缓过来了 没啥事了，剪头发的还是约上吧，8号楼1单元502", "book_service", slots, events),
    )
    assert followups(returned) == ["booking_form"]
    assert after_slots["booking_service"] == "理发" and after_slots["booking_time"] == "2026-12-09T10:00"
    assert "8号楼1单元502" in joined(messages) and service.LOCATION_QUESTION not in joined(messages)
    with app_env.session() as s:
        assert service.get_ticket(s, slots["emergency_ticket_id"]).address == "8号楼1单元502"


async def test_a_new_booking_after_an_emergency_starts_its_form(app_env: Database) -> None:
    _, slots, _ = await run(ActionEmergency(), tracker("我妈突然晕过去了 叫不醒", "emergency"))
    _, after_slots, returned = await run(
        ActionTicketFollowup(),
        after("救护车到了。我想约个助浴 后天上午十点 3号楼2单元101", "book_service", slots, []),
    )
    assert followups(returned) == ["booking_form"] and after_slots["booking_service"] == "助浴"


async def test_the_interrupted_report_is_filed_where_the_message_says(app_env: Database) -> None:
    _, slots, _ = await run(ActionEmergency(), tracker("插座那边冒火花了 一股焦糊味", "emergency"))
    events = form_then_emergency("complaint_form", {"complaint_description": "厨房水管往外渗水 地上全湿了"})
    _, after_slots, returned = await run(
        ActionTicketFollowup(), after("总阀关上了 现在好多了。在12号楼3单元201", "inform", slots, events)
    )
    assert followups(returned) == ["action_submit_complaint"]
    assert after_slots["complaint_description"] == "厨房水管往外渗水 地上全湿了"
    assert after_slots["complaint_location"] == "12号楼3单元201"


async def test_the_emergencys_own_place_files_no_interrupted_report(app_env: Database) -> None:
    _, slots, _ = await run(ActionEmergency(), tracker("插座那边冒火花了 一股焦糊味", "emergency"))
    events = form_then_emergency("complaint_form", {"complaint_description": "厨房水管往外渗水 地上全湿了"})
    messages, _, returned = await run(ActionTicketFollowup(), after("在12号楼3单元201", "inform", slots, events))
    assert not followups(returned) and joined(messages).startswith("已记下位置：12号楼3单元201")


def test_the_domain_keeps_the_slots_restored() -> None:
    from actions.tickets import _KEPT_BOOKING

    assert set(_KEPT_BOOKING) <= set(DOMAIN["slots"])


def test_the_booking_form_taken_up_again_reads_the_rest_of_the_message(app_env: Database, domain, monkeypatch):
    """What the booking form does with the restored slots and the message after the
    emergency: the address and the phone said in it, then the read-back."""
    import asyncio
    from datetime import datetime

    import actions.booking as booking_actions
    from assistant.booking.timeparse import TZ
    from rasa_sdk.executor import CollectingDispatcher

    monkeypatch.setattr(booking_actions, "now", lambda: datetime(2026, 11, 30, 9, 0, tzinfo=TZ))  # a Monday
    values = dict.fromkeys([*booking_actions.ALL_SLOTS, "requested_slot"])
    values.update(booking_confirming=False, booking_cancel_pending=False,
                  booking_service="保洁", booking_time="2026-12-01T15:00")
    trk = Tracker("web:r17-resume", values,
                  {"text": "缓过来了 没啥事了，保洁还是约上吧，8号楼1单元502，电话13912340999",
                   "intent": {"name": "book_service", "confidence": 0.9}, "entities": []},
                  [], False, None, {"name": "booking_form"}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(booking_actions.ValidateBookingForm().run(dispatcher, trk, domain))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots.get("booking_address") == "8号楼1单元502" and slots.get("booking_phone") == "13912340999", (
        slots, dispatcher.messages)


@pytest.mark.parametrize("text", ["警察到了 可是人还在门口踹门", "闸关掉了 但插座还在冒烟"])
def test_over_then_still_going_on_is_not_over(text: str) -> None:
    """Review 17 note 24."""
    assert not said_over(text)
