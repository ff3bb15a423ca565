"""Moving a booking (issue #11: residents who change their mind): the wiring around
ActionRescheduleBooking. A fixed "today" (Sunday 2026-11-29 10:00, Asia/Shanghai), a
real migrated database; the NLU is stood in for by the intent each test gives."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.booking as booking_actions
from assistant.booking.service import book, upcoming_bookings
from assistant.booking.timeparse import TZ
from assistant.db import get_database

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=TZ)  # Sunday; 明天 = Monday 11-30, 后天 = Tuesday 12-01
ROOT = Path(__file__).resolve().parents[2]
SENDER = "web:resched"
SLOT_NAMES = [*booking_actions.ALL_SLOTS, "requested_slot", booking_actions.RESCHEDULE_ID,
              booking_actions.RESCHEDULE_TO]


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(booking_actions, "now", lambda: NOW)


def tracker(text: str, *, intent: str, slots: dict | None = None, entities: list | None = None,
            form_active: bool = False) -> Tracker:
    values = dict.fromkeys(SLOT_NAMES)
    values.update(booking_confirming=False, booking_cancel_pending=False)
    values.update(slots or {})
    message = {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": entities or []}
    return Tracker(SENDER, values, message, [], False, None, {"name": "booking_form"} if form_active else {},
                   "action_listen")


def run(action, trk: Tracker, domain: dict) -> tuple[dict, list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, trk, domain))
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}, dispatcher.messages


def make(service: str, starts_at: datetime, phone: str = "13800007777"):
    return book(get_database(), sender_id=SENDER, service=service, starts_at=starts_at,
                address="6号楼1单元101", phone=phone, now=NOW)


def live() -> list[tuple[str, str]]:
    with get_database().session() as session:
        return [(b.id, b.starts_at.strftime("%m-%d %H:%M")) for b in upcoming_bookings(session, SENDER, now=NOW)]


def test_move_a_day_keeps_the_clock_then_yes_moves_the_same_booking(app_env, domain):
    made = make("理发", datetime(2026, 11, 30, 10, 0))
    slots, messages = run(booking_actions.ActionRescheduleBooking(),
                          tracker("我约的理发能改到后天吗", intent="reschedule_booking"), domain)
    assert slots == {"booking_reschedule_id": made.id, "booking_reschedule_to": "2026-12-01T10:00"}
    assert "对吗" in messages[0]["text"]
    done, messages = run(booking_actions.ActionRescheduleBooking(),
                         tracker("对", intent="affirm", slots=slots), domain)
    assert "改好了" in messages[0]["text"]
    assert done == {"booking_reschedule_id": None, "booking_reschedule_to": None}
    assert live() == [(made.id, "12-01 10:00")]  # one booking, at the new time


def test_a_shift_by_days_moves_from_the_booking_own_day(app_env, domain):
    make("维修", datetime(2026, 11, 30, 9, 30))
    slots, messages = run(booking_actions.ActionRescheduleBooking(),
                          tracker("把明天的维修往后挪一天", intent="reschedule_booking"), domain)
    # 明天 names the booking, not the new day: the new day is the booking's day + 1.
    assert slots["booking_reschedule_to"] == "2026-12-01T09:30"
    assert "改到12月1日（周二）上午9点半" in messages[0]["text"]


def test_a_new_clock_time_alone_keeps_the_day(app_env, domain):
    made = make("理发", datetime(2026, 11, 30, 10, 0))
    slots, _ = run(booking_actions.ActionRescheduleBooking(),
                   tracker("换个时间，改成下午三点", intent="reschedule_booking"), domain)
    assert slots == {"booking_reschedule_id": made.id, "booking_reschedule_to": "2026-11-30T15:00"}


def test_no_then_keeps_the_booking_as_it_was(app_env, domain):
    made = make("理发", datetime(2026, 11, 30, 10, 0))
    slots, _ = run(booking_actions.ActionRescheduleBooking(),
                   tracker("改到后天", intent="reschedule_booking"), domain)
    done, messages = run(booking_actions.ActionRescheduleBooking(), tracker("不对", intent="deny", slots=slots),
                         domain)
    assert "不改了" in messages[0]["text"]
    assert done == {"booking_reschedule_id": None, "booking_reschedule_to": None}
    assert live() == [(made.id, "11-30 10:00")]


def test_no_with_another_time_reads_that_time_back_for_the_same_booking(app_env, domain):
    made = make("理发", datetime(2026, 11, 30, 10, 0))
    make("助餐", datetime(2026, 11, 30, 12, 0))
    slots, _ = run(booking_actions.ActionRescheduleBooking(),
                   tracker("理发的改到后天", intent="reschedule_booking"), domain)
    again, messages = run(booking_actions.ActionRescheduleBooking(),
                          tracker("不对，改到大后天", intent="deny", slots=slots), domain)
    # Two bookings, and 不对，改到大后天 names neither: still the one being moved.
    assert again == {"booking_reschedule_id": made.id, "booking_reschedule_to": "2026-12-02T10:00"}
    assert "对吗" in messages[0]["text"]


def test_without_a_time_it_asks_and_the_answer_comes_back_to_the_same_booking(app_env, domain):
    made = make("理发", datetime(2026, 11, 30, 10, 0))
    slots, messages = run(booking_actions.ActionRescheduleBooking(),
                          tracker("我那个预约能不能改个时间", intent="reschedule_booking"), domain)
    assert "哪天几点" in messages[0]["text"]
    assert slots[booking_actions.RESCHEDULE_ID] == made.id  # kept: the answer is routed back here
    slots, messages = run(booking_actions.ActionRescheduleBooking(),
                          tracker("后天下午三点", intent="inform", slots=slots), domain)
    assert slots == {"booking_reschedule_id": made.id, "booking_reschedule_to": "2026-12-01T15:00"}


def test_a_tapped_free_time_comes_back_as_the_new_time(app_env, domain):
    made = make("理发", datetime(2026, 11, 30, 10, 0))
    payload = '/inform{"time": "2026-12-01T09:30"}'
    slots, messages = run(booking_actions.ActionRescheduleBooking(),
                          tracker(payload, intent="inform", slots={booking_actions.RESCHEDULE_ID: made.id},
                                  entities=[{"entity": "time", "value": "2026-12-01T09:30"}]), domain)
    assert slots == {"booking_reschedule_id": made.id, "booking_reschedule_to": "2026-12-01T09:30"}


def test_several_bookings_offer_buttons_that_move_not_cancel(app_env, domain):
    make("理发", datetime(2026, 11, 30, 10, 0))
    second = make("理发", datetime(2026, 12, 1, 14, 0), phone="13800008888")
    slots, messages = run(booking_actions.ActionRescheduleBooking(),
                          tracker("换个时间，改成下午三点", intent="reschedule_booking"), domain)
    assert slots == {"booking_reschedule_id": None, "booking_reschedule_to": None}
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads and all(p.startswith("/reschedule_booking") for p in payloads)
    tapped = next(p for p in payloads if second.id in p)
    slots, _ = run(booking_actions.ActionRescheduleBooking(),
                   tracker(tapped, intent="reschedule_booking",
                           entities=[{"entity": "booking_id", "value": second.id},
                                     {"entity": "time", "value": "下午三点"}]), domain)
    assert slots == {"booking_reschedule_id": second.id, "booking_reschedule_to": "2026-12-01T15:00"}


def test_a_move_asked_after_a_cancel_question_replaces_it(app_env, domain):
    made = make("理发", datetime(2026, 11, 30, 10, 0))
    slots, _ = run(booking_actions.ActionRescheduleBooking(),
                   tracker("不取消了，改到后天吧", intent="reschedule_booking",
                           slots={"booking_cancel_pending": True, "booking_cancel_id": made.id}), domain)
    assert slots["booking_cancel_pending"] is False and slots["booking_cancel_id"] is None
    assert slots[booking_actions.RESCHEDULE_ID] == made.id


def test_the_same_time_is_not_read_back_as_a_move(app_env, domain):
    make("理发", datetime(2026, 11, 30, 10, 0))
    slots, messages = run(booking_actions.ActionRescheduleBooking(),
                          tracker("改到明天上午十点", intent="reschedule_booking"), domain)
    assert "一样" in messages[0]["text"] and slots[booking_actions.RESCHEDULE_TO] is None


def test_inside_the_booking_form_a_move_is_a_correction(app_env, domain):
    """改到后天 while the form asks the address: the time is corrected, the form goes on."""
    slots, _ = run(booking_actions.ValidateBookingForm(),
                   tracker("时间改到后天", intent="reschedule_booking", form_active=True,
                           slots={"booking_service": "理发", "booking_time": "2026-11-30T10:00",
                                  "requested_slot": "booking_address"}), domain)
    assert slots["booking_time"] == "2026-12-01T10:00"


def test_rules_send_answers_back_to_an_open_move_but_not_over_a_newer_question():
    rules = yaml.safe_load((ROOT / "nlu_data/rules/booking.yml").read_text(encoding="utf-8"))["rules"]
    by_intent: dict[str, list[dict]] = {}
    for rule in rules:
        if any(step.get("action") == "action_reschedule_booking" for step in rule["steps"]):
            by_intent.setdefault(rule["steps"][0]["intent"], []).append(rule)
    assert set(by_intent) == {"reschedule_booking", "affirm", "deny", "inform"}
    for intent in ("affirm", "deny", "inform"):
        for rule in by_intent[intent]:
            condition = rule["condition"][0]["slot_was_set"]
            assert "booking_reschedule_id" in condition
            assert {"booking_confirming": False} in condition and {"booking_cancel_pending": False} in condition
    domain_booking = yaml.safe_load((ROOT / "domain/booking.yml").read_text(encoding="utf-8"))
    assert domain_booking["slots"]["booking_reschedule_id"]["influence_conversation"] is True
    assert "action_reschedule_booking" in domain_booking["actions"]
