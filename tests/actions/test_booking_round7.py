"""Booking round 7 (issue #11): a conversation never traps a resident. Own sentences,
a fixed "today" (Sunday 2026-11-29 10:00, Asia/Shanghai), a real migrated database."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.booking as booking_actions
from assistant.booking import conversation
from assistant.booking.service import book
from assistant.booking.timeparse import TZ, extract_time, join_pieces
from assistant.db import get_database

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=TZ)  # Sunday; 明天 = Monday 11-30, 后天 = Tuesday 12-01
SLOT_NAMES = [*booking_actions.ALL_SLOTS, "requested_slot", booking_actions.RESCHEDULE_ID, booking_actions.RESCHEDULE_TO]


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(booking_actions, "now", lambda: NOW)


def tracker(text: str, *, intent: str = "inform", slots: dict | None = None, events: list | None = None,
            form_active: bool = True, sender: str = "web:r7") -> Tracker:
    values = dict.fromkeys(SLOT_NAMES)
    values.update(booking_confirming=False, booking_cancel_pending=False)
    values.update(slots or {})
    return Tracker(sender, values, {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": []},
                   events or [], False, None, {"name": "booking_form"} if form_active else {}, "action_listen")


def run(action, trk: Tracker, domain: dict) -> tuple[dict, list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, trk, domain))
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}, dispatcher.messages


def at(text: str) -> tuple[str, bool] | None:
    parsed = extract_time(text, NOW)
    return (parsed.start.strftime("%m-%d %H:%M"), parsed.has_clock) if parsed else None


# --- 1. a time said in pieces, with pauses and repetitions ------------------------------

@pytest.mark.parametrize(("said", "expected"), [
    ("后天……下午……三点", ("12-01 15:00", True)),
    ("明天上午 上午十点半 十点半", ("11-30 10:30", True)),
    ("明天 晚上 五点", ("11-30 17:00", True)),
    ("呃后天，后天下午两点吧", ("12-01 14:00", True)),
    ("那就周二吧，还是上午九点", ("12-01 09:00", True)),
    ("明天……中午……十二点", ("11-30 12:00", True)),
])
def test_a_time_said_in_pieces_is_the_one_time(said, expected):
    assert at(said) == expected


def test_pieces_that_disagree_or_belong_to_an_address_are_left_alone():
    assert join_pieces("明天还是后天") == "明天还是后天"
    assert join_pieces("明天上午 下午三点") == "明天上午 下午三点"
    assert join_pieces("明天下午3点，3号楼") == "明天下午3点，3号楼"
    assert at("明天下午三点") == ("11-30 15:00", True)


# --- 2. the part of the day asked for --------------------------------------------------

def test_free_times_of_an_afternoon_are_the_afternoon(app_env):
    slots = conversation.free_times(get_database(), "理发", "后天下午都有几点能约", now=NOW)
    assert slots and all(s.starts_at.hour >= 13 for s in slots)
    morning = conversation.free_times(get_database(), "理发", "后天上午有啥时间", now=NOW)
    assert morning and all(s.starts_at.hour < 12 for s in morning)


# --- 3. another answer while the time is still open ------------------------------------

def test_an_address_after_a_refused_time_is_kept_and_the_times_come_back(app_env, domain):
    offered = {"event": "bot", "text": "最近可以约的时间有：…",
               "data": {"buttons": [{"title": "11月30日（周一）上午9点", "payload": '/inform{"time": "2026-11-30T09:00"}'}]}}
    slots, messages = run(booking_actions.ValidateBookingForm(),
                          tracker("12号楼2单元302", slots={"booking_service": "理发", "requested_slot": "booking_time"},
                                  events=[offered, {"event": "user", "text": "12号楼2单元302"}]), domain)
    assert slots["booking_address"] == "12号楼2单元302"
    assert slots.get("booking_time") is None
    assert not any("没听清" in (m.get("text") or "") for m in messages)
    assert any(m.get("buttons") == offered["data"]["buttons"] for m in messages)


def test_a_phone_at_the_time_question_is_kept(app_env, domain):
    slots, messages = run(booking_actions.ValidateBookingForm(),
                          tracker("13800001111", slots={"booking_service": "理发", "requested_slot": "booking_time",
                                                         "booking_address": "5号楼101"}), domain)
    assert slots["booking_phone"] == "13800001111"
    assert not any("没听清" in (m.get("text") or "") for m in messages)


# --- 4. a new day keeps the clock time -------------------------------------------------

@pytest.mark.parametrize("said", ["不对，不是这天，是周二，时间不变", "换成后天吧", "那天有事，改到后天"])
def test_a_new_day_alone_keeps_the_clock_time(said):
    correction = conversation.correction_from(said, now=NOW)
    assert correction is not None and correction.slot == "booking_time"
    assert conversation.on_same_day(correction.value, "2026-11-30T15:30", NOW) == "2026-12-01T15:30"


def test_a_new_day_with_a_part_of_the_day_is_asked_again():
    assert conversation.on_same_day("后天上午", "2026-11-30T15:30", NOW) == "后天上午"


def test_a_new_day_and_clock_mid_form(app_env, domain):
    slots, _ = run(booking_actions.ValidateBookingForm(),
                   tracker("哎呀那天要去医院，换成后天吧，还是下午三点",
                           slots={"booking_service": "理发", "booking_time": "2026-11-30T15:00",
                                  "requested_slot": "booking_address"}), domain)
    assert slots["booking_time"] == "2026-12-01T15:00"


# --- 5. a question is no address --------------------------------------------------------

@pytest.mark.parametrize("said", ["先问一下，看病能报多少", "门诊几点开门？", "医保卡怎么办"])
def test_a_question_is_no_address(said):
    assert conversation.address_from(said) is None
    assert not conversation.answers_slot("booking_address", said)


@pytest.mark.parametrize("said", ["8号楼1单元202", "地址是幸福里小区3栋", "东门那栋楼"])
def test_places_are_still_addresses(said):
    assert conversation.address_from(said)


# --- 6. eligibility said the way people say it -----------------------------------------

@pytest.mark.parametrize(("said", "age", "disabled"), [
    ("我老伴81了，腿脚也不灵便", 81, True),
    ("76了", 76, None),
    ("快九十了", 90, None),
    ("她腿脚不方便", None, True),
    ("走路费劲", None, True),
])
def test_eligibility_said_loosely(said, age, disabled):
    facts = conversation.eligibility_from(said)
    assert facts is not None and facts.age == age and facts.disabled == disabled


def test_a_question_about_the_rule_is_answered_with_the_answer(app_env, domain):
    slots, messages = run(booking_actions.ValidateBookingForm(),
                          tracker("洗澡这个有年龄限制吗？我妈83了",
                                  slots={"booking_service": "助浴", "requested_slot": "booking_eligibility"}), domain)
    assert slots["booking_eligibility"]
    assert any("符合" in (m.get("text") or "") for m in messages)


# --- 7. a yes in words at the read-back books -------------------------------------------

@pytest.mark.parametrize("said", ["嗯，刚才那个信息是对的", "对，就这样", "没问题", "都对"])
def test_a_worded_yes_confirms(said):
    assert conversation.confirms(said)


@pytest.mark.parametrize("said", ["不对", "对，地址改一下", "时间是对的吗？", "算了", "电话对的，地址不对", "13800001111"])
def test_no_correction_or_question_is_a_yes(said):
    assert not conversation.confirms(said)


def test_a_worded_yes_after_a_side_question_books(app_env, domain):
    slots = {"booking_service": "维修", "booking_time": "2026-11-30T15:30", "booking_address": "6号楼1单元302",
             "booking_phone": "13800002222", "booking_confirming": True}
    _, messages = run(booking_actions.ActionSubmitBooking(),
                      tracker("好的，那刚才维修的信息是对的", intent="nlu_fallback", slots=slots, form_active=False),
                      domain)
    assert "预约好了" in messages[0]["text"]


# --- 8. right after a booking -----------------------------------------------------------

def test_this_one_right_after_booking_is_the_booking_just_made(app_env, domain):
    made = book(get_database(), sender_id="web:r7", service="理发", starts_at=datetime(2026, 11, 30, 10, 0),
                address="4号楼1单元302", phone="13800003333", now=NOW)
    slots, messages = run(booking_actions.ActionCancelBooking(),
                          tracker("下周末我儿子带我去理发店，这个取消了吧", intent="cancel_booking",
                                  form_active=False), domain)
    assert messages[0]["text"].startswith("要取消") and made.id in messages[0]["text"]
    assert slots["booking_cancel_id"] == made.id and slots["booking_cancel_pending"] is True


def test_a_later_cancel_is_still_confirmed_first(app_env, domain):
    book(get_database(), sender_id="web:r7", service="理发", starts_at=datetime(2026, 11, 30, 10, 0),
         address="4号楼1单元302", phone="13800003333", now=NOW)
    _, messages = run(booking_actions.ActionCancelBooking(),
                      tracker("这个理发取消了吧", intent="cancel_booking", form_active=False), domain)
    assert messages[0]["text"].startswith("要取消")


def test_moving_a_booking_keeps_the_clock_and_is_read_back_first(app_env, domain):
    made = book(get_database(), sender_id="web:r7", service="维修", starts_at=datetime(2026, 11, 30, 9, 30),
                address="2号楼202", phone="13800004444", now=NOW)
    slots, messages = run(booking_actions.ActionRescheduleBooking(),
                          tracker("那天家里没人，能改到周二吗，还是九点半", intent="reschedule_booking",
                                  form_active=False), domain)
    assert slots == {"booking_reschedule_id": made.id, "booking_reschedule_to": "2026-12-01T09:30"}
    assert "改到12月1日（周二）上午9点半" in messages[0]["text"]
    done, messages = run(booking_actions.ActionRescheduleBooking(),
                         tracker("对", intent="affirm", slots=slots, form_active=False), domain)
    assert "改好了" in messages[0]["text"] and made.id in messages[0]["text"]
    assert done == {"booking_reschedule_id": None, "booking_reschedule_to": None}
    assert "12月1日（周二）上午9点半" in conversation.upcoming_text(get_database(), "web:r7", now=NOW)


def test_another_service_with_its_own_time_mid_form_takes_that_time(app_env, domain):
    slots, _ = run(booking_actions.ValidateBookingForm(),
                   tracker("哦对了，还是先约个明天中午十二点的助餐吧，电话13800005555",
                           slots={"booking_service": "理发", "booking_time": "2026-11-30T16:30",
                                  "requested_slot": "booking_address"}), domain)
    assert slots["booking_service"] == "助餐"
    assert slots["booking_time"] == "2026-11-30T12:00"
    assert slots["booking_phone"] == "13800005555"


def test_everything_in_one_breath_without_commas_gives_the_address():
    said = "我家灯不亮了想约师傅来修后天上午十点我住9号楼2单元301手机13800006666"
    assert conversation.address_in(said) == "9号楼2单元301"
    assert conversation.phone_from(said) == "13800006666"


def test_a_yes_after_a_refused_time_says_the_time_is_still_open(app_env, domain):
    offered = {"event": "bot", "text": "最近可以约的时间有：…",
               "data": {"buttons": [{"title": "11月30日（周一）上午9点", "payload": '/inform{"time": "2026-11-30T09:00"}'}]}}
    slots, messages = run(booking_actions.ValidateBookingForm(),
                          tracker("嗯对的", slots={"booking_service": "理发", "requested_slot": "booking_time"},
                                  events=[offered]), domain)
    assert slots.get("booking_time") is None
    assert "时间还没定" in messages[0]["text"] and messages[0]["buttons"] == offered["data"]["buttons"]
