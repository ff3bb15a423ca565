"""The booking actions on hand-built trackers (the shape rasa-sdk receives), on a
real migrated database and a fixed "today". The real Rasa server is exercised by
tests/e2e/test_booking_chat.py."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.booking as booking_actions
from assistant.booking.service import book
from assistant.booking.timeparse import TZ

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=TZ)   # Sunday
SLOT_NAMES = [*booking_actions.ALL_SLOTS, "requested_slot"]


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(booking_actions, "now", lambda: NOW)


def tracker(text: str, *, intent: str = "inform", entities: list | None = None, slots: dict | None = None,
            sender: str = "web:t1", form_active: bool = True) -> Tracker:
    values = dict.fromkeys(SLOT_NAMES)
    values.update(booking_confirming=False, booking_cancel_pending=False)
    values.update(slots or {})
    return Tracker(sender, values, {"text": text, "intent": {"name": intent, "confidence": 0.99},
                                    "entities": entities or []},
                   [], False, None, {"name": "booking_form"} if form_active else {}, "action_listen")


def run(action, trk: Tracker, domain: dict) -> tuple[dict, list[str], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, trk, domain))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return slots, [m.get("text") or "" for m in dispatcher.messages], [e for e in events if e.get("event") != "slot"]


def test_first_message_fills_service_and_time_then_asks_for_the_address(app_env, domain):
    slots, said, _ = run(booking_actions.ValidateBookingForm(),
                         tracker("我想预约明天下午三点上门理发", intent="book_service",
                                 entities=[{"entity": "service_type", "value": "理发"}]), domain)
    assert slots["booking_service"] == "理发"
    assert slots["booking_time"] == "2026-11-30T15:00"
    assert slots["requested_slot"] == "booking_address"
    assert said == []


def test_time_before_service_is_resolved_when_the_service_arrives(app_env, domain):
    first, _, _ = run(booking_actions.ValidateBookingForm(), tracker("明天下午三点", intent="book_service"), domain)
    assert first["booking_time_text"] == "明天下午三点" and first.get("booking_time") is None
    second, _, _ = run(booking_actions.ValidateBookingForm(),
                       tracker("理发", slots={"requested_slot": "booking_service", **first}), domain)
    assert second["booking_service"] == "理发" and second["booking_time"] == "2026-11-30T15:00"


def test_closed_day_offers_the_nearest_free_slots_as_buttons(app_env, domain):
    dispatcher = CollectingDispatcher()
    trk = tracker("今天下午三点", slots={"booking_service": "理发", "requested_slot": "booking_time"})
    events = asyncio.run(booking_actions.ValidateBookingForm().run(dispatcher, trk, domain))
    assert {"event": "slot", "name": "booking_time", "value": None, "timestamp": None} in events
    message = dispatcher.messages[0]
    assert "周日不上班" in message["text"] and "最近可以约的时间有" in message["text"]
    assert [b["payload"] for b in message["buttons"]][0] == '/inform{"time": "2026-11-30T09:00"}'


def test_button_payload_is_taken_exactly(app_env, domain):
    slots, _, _ = run(booking_actions.ValidateBookingForm(),
                      tracker('/inform{"time": "2026-12-01T14:30"}',
                              entities=[{"entity": "time", "value": "2026-12-01T14:30"}],
                              slots={"booking_service": "理发", "requested_slot": "booking_time"}), domain)
    assert slots["booking_time"] == "2026-12-01T14:30"


@pytest.mark.parametrize(("requested", "text", "slot", "value", "reask"), [
    ("booking_address", "我住在幸福路8号3号楼201室", "booking_address", "幸福路8号3号楼201室", None),
    ("booking_address", "好的", "booking_address", None, "具体地址"),
    ("booking_phone", "139 1234 5678", "booking_phone", "13912345678", None),
    ("booking_phone", "12345", "booking_phone", None, "11位手机号"),
    ("booking_service", "按摩", "booking_service", None, "暂时没有"),
])
def test_answers_are_validated_with_short_reasks(app_env, domain, requested, text, slot, value, reask):
    slots, said, _ = run(booking_actions.ValidateBookingForm(),
                         tracker(text, slots={"booking_service": "理发" if requested != "booking_service" else None,
                                              "booking_time": "2026-11-30T15:00", "requested_slot": requested}),
                         domain)
    assert slots[slot] == value
    if reask:
        assert any(reask in s for s in said)
    else:
        assert said == []


def test_bathing_asks_age_and_refuses_the_young(app_env, domain):
    first, _, _ = run(booking_actions.ValidateBookingForm(), tracker("我要预约助浴", intent="book_service"), domain)
    # Every form slot is needed for 助浴, so Rasa asks the first missing one (the age).
    assert first["booking_service"] == "助浴" and first.get("requested_slot") is None
    young, said, _ = run(booking_actions.ValidateBookingForm(),
                         tracker("我五十岁", slots={"booking_service": "助浴", "requested_slot": "booking_eligibility"}),
                         domain)
    assert young["booking_service"] is None and young["requested_slot"] is None and "70岁以上" in said[0]
    old, _, _ = run(booking_actions.ValidateBookingForm(),
                    tracker("八十二了", slots={"booking_service": "助浴", "requested_slot": "booking_eligibility"}),
                    domain)
    assert old["booking_eligibility"] == "八十二了" and old.get("requested_slot") is None


def test_centre_services_do_not_ask_for_an_address(app_env, domain):
    slots, _, _ = run(booking_actions.ValidateBookingForm(),
                      tracker("预约下周二上午体检", intent="book_service"), domain)
    assert slots["booking_service"] == "体检" and slots["booking_time"] == "2026-12-01T08:00"
    assert slots["requested_slot"] == "booking_phone"


def test_read_back_then_book_then_remembered_next_time(app_env, domain):
    filled = {"booking_service": "理发", "booking_time": "2026-11-30T15:00", "booking_address": "幸福路8号",
              "booking_phone": "13912345678"}
    slots, said, _ = run(booking_actions.ActionSubmitBooking(), tracker("", slots=filled, form_active=False), domain)
    assert slots == {"booking_confirming": True}
    assert said == ["您要预约11月30日（周一）下午3点的上门理发，地址幸福路8号，联系电话139****5678，费用10元，对吗？"]
    slots, said, _ = run(booking_actions.ActionSubmitBooking(),
                         tracker("对", intent="affirm", slots={**filled, "booking_confirming": True},
                                 form_active=False), domain)
    assert "预约号YY" in said[0] and slots["booking_confirming"] is False and slots["booking_time"] is None
    # The next form offers the remembered address and phone.
    again, _, _ = run(booking_actions.ValidateBookingForm(),
                      tracker("我想预约后天上午保洁", intent="book_service"), domain)
    assert again["booking_address"] == "幸福路8号" and again["booking_phone"] == "13912345678"
    assert again["requested_slot"] is None


def test_deny_after_read_back_books_nothing(app_env, domain):
    filled = {"booking_service": "理发", "booking_time": "2026-11-30T15:00", "booking_address": "幸福路8号",
              "booking_phone": "13912345678", "booking_confirming": True}
    slots, said, other = run(booking_actions.ActionSubmitBooking(),
                             tracker("不对", intent="deny", slots=filled, form_active=False), domain)
    assert "重新确认" in said[0]
    # Back into the form: the service is kept, time, address and phone are asked again
    # (the remembered ones are not offered again after a 不对).
    assert slots == {"booking_confirming": False, "booking_time": None, "booking_address": None,
                     "booking_phone": None}
    assert other == [{"event": "followup", "name": "booking_form", "timestamp": None}]
    booking_actions.conversation.remember(app_env, "web:t1", address="旧地址1号楼", phone="13800001111")
    again, _, _ = run(booking_actions.ValidateBookingForm(),
                      tracker("不对", intent="deny", slots={"booking_service": "理发"}), domain)
    assert again.get("booking_address") is None and again["requested_slot"] == "booking_time"
    assert again.get("booking_phone") is None
    _, listed, _ = run(booking_actions.ActionQueryBooking(), tracker("我约了什么", form_active=False), domain)
    assert "没有预约" in listed[0]


def test_full_slot_at_submit_goes_back_to_the_form_with_buttons(app_env, domain):
    for i in range(3):
        book(app_env, sender_id=f"web:o{i}", service="理发", starts_at=datetime(2026, 11, 30, 15), address="x",
             now=NOW)
    filled = {"booking_service": "理发", "booking_time": "2026-11-30T15:00", "booking_address": "幸福路8号",
              "booking_phone": "13912345678", "booking_confirming": True}
    dispatcher = CollectingDispatcher()
    events = asyncio.run(booking_actions.ActionSubmitBooking().run(
        dispatcher, tracker("对", intent="affirm", slots=filled, form_active=False), domain))
    assert "约满" in dispatcher.messages[0]["text"] and len(dispatcher.messages[0]["buttons"]) == 3
    assert {"event": "followup", "name": "booking_form", "timestamp": None} in events


def test_cancel_by_service_with_confirmation_then_list(app_env, domain):
    haircut = book(app_env, sender_id="web:t1", service="理发", starts_at=datetime(2026, 11, 30, 15),
                   address="幸福路8号", now=NOW)
    _, listed, _ = run(booking_actions.ActionQueryBooking(), tracker("我约了什么", form_active=False), domain)
    assert haircut.id in listed[0] and "11月30日（周一）下午3点" in listed[0]
    slots, said, _ = run(booking_actions.ActionCancelBooking(),
                         tracker("取消我那个理发的预约", intent="cancel_booking", form_active=False), domain)
    assert slots == {"booking_cancel_id": haircut.id, "booking_cancel_pending": True}
    assert said == [f"要取消11月30日（周一）下午3点的上门理发（预约号{haircut.id}）吗？"]
    _, done, _ = run(booking_actions.ActionCancelBooking(),
                     tracker("对", intent="affirm", slots=slots, form_active=False), domain)
    assert done == [f"已经取消了预约{haircut.id}。"]
    _, listed, _ = run(booking_actions.ActionQueryBooking(), tracker("我约了什么", form_active=False), domain)
    assert "没有预约" in listed[0]


def test_cancel_by_id_of_someone_else_finds_nothing(app_env, domain):
    other = book(app_env, sender_id="web:other", service="理发", starts_at=datetime(2026, 11, 30, 15),
                 address="幸福路8号", now=NOW)
    _, said, _ = run(booking_actions.ActionCancelBooking(),
                     tracker(f"取消{other.id}", intent="cancel_booking", form_active=False), domain)
    assert "没有" in said[0]
