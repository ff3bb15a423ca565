"""A day without a clock time is asked, not guessed (issue #11). 明天 alone keeps the
day and asks 几点方便？ with the day's free starts; the next clock time is read on the
kept day. Own sentences, a fixed "today" (Sunday 2026-11-29 10:00, Asia/Shanghai), a
real migrated database; the form is driven without Rasa."""

from __future__ import annotations

import asyncio
from datetime import date, datetime

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.booking as booking_actions
from assistant.booking import conversation
from assistant.booking.timeparse import TZ, extract_time, normalise

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=TZ)  # Sunday; 明天 = Monday 11-30, 后天 = Tuesday 12-01
MONDAY = date(2026, 11, 30)
KEPT = "2026年11月30日"
SLOT_NAMES = [*booking_actions.ALL_SLOTS, "requested_slot"]


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(booking_actions, "now", lambda: NOW)


def tracker(text: str, *, intent: str = "inform", slots: dict | None = None, form_active: bool = True) -> Tracker:
    values = dict.fromkeys(SLOT_NAMES)
    values.update(booking_confirming=False, booking_cancel_pending=False)
    values.update(slots or {})
    return Tracker("web:dayonly", values, {"text": text, "intent": {"name": intent, "confidence": 0.99},
                                            "entities": []},
                   [], False, None, {"name": "booking_form"} if form_active else {}, "action_listen")


def run(trk: Tracker, domain: dict) -> tuple[dict, list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(booking_actions.ValidateBookingForm().run(dispatcher, trk, domain))
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}, dispatcher.messages


def texts(messages: list[dict]) -> str:
    return " ".join(m.get("text") or "" for m in messages)


def at_clock_question(**extra) -> dict:
    return {"booking_service": "理发", "booking_time_text": KEPT, "requested_slot": booking_actions.CLOCK_SLOT,
            **extra}


# --- the words ----------------------------------------------------------------------------

@pytest.mark.parametrize(("said", "day"), [
    ("明天", MONDAY), ("周三", date(2026, 12, 2)), ("12月8日", date(2026, 12, 8)), ("约维修，明天，地址92号楼3单元201", MONDAY),
])
def test_a_whole_day_is_a_day_only(said, day):
    assert conversation.day_only(said, NOW) == day


@pytest.mark.parametrize("said", ["明天上午", "后天下午", "明天三点", "明天下五三点", "2026-11-30T10:00"])
def test_a_part_of_the_day_or_a_clock_time_is_not(said):
    assert conversation.day_only(said, NOW) is None


@pytest.mark.parametrize(("said", "expected"), [
    ("上午十点", KEPT + "上午十点"), ("都行", KEPT + "都行"),
    ("改后天吧", "改后天吧"), ("2026-11-30T14:00", "2026-11-30T14:00"),
])
def test_only_words_without_a_day_are_read_on_the_kept_day(said, expected):
    assert conversation.on_kept_day(said, KEPT) == expected
    assert conversation.on_kept_day(said, "我想预约，明天") == said  # no kept day: as said


@pytest.mark.parametrize(("said", "expected"), [
    ("明天下五三点", "11-30 15:00"), ("明天夏午3点半", "11-30 15:30"), ("后天尚午十点", "12-01 10:00"),
    ("明天中五十二点", "11-30 12:00"), ("明天下五点", "11-30 17:00"), ("下五点", "11-29 17:00"),
])
def test_homophone_typos_of_the_parts_of_the_day(said, expected):
    parsed = extract_time(said, NOW)
    assert parsed is not None and parsed.has_clock
    assert parsed.start.strftime("%m-%d %H:%M") == expected


def test_a_typo_part_alone_is_that_part_and_five_elsewhere_stays_five():
    parsed = extract_time("明天下五", NOW)
    assert parsed is not None and not parsed.has_clock and parsed.start.hour >= 12
    assert normalise("我住下五楼") == "我住下五楼"
    assert normalise("上五天班") == "上五天班"


def test_the_buttons_spread_over_the_day(app_env):
    from assistant.db import get_database

    starts = conversation.day_starts(get_database(), "理发", MONDAY, now=NOW)
    hours = [s.starts_at.strftime("%H:%M") for s in starts]
    assert hours == ["09:00", "11:00", "14:30", "16:30"]  # first, last, and evenly between


# --- the form -----------------------------------------------------------------------------

def test_a_day_alone_is_kept_and_its_clock_time_asked(app_env, domain):
    slots, messages = run(tracker("明天", slots={"booking_service": "理发", "requested_slot": "booking_time"}), domain)
    assert slots.get("booking_time") is None
    assert slots["booking_time_text"] == KEPT
    assert slots["requested_slot"] == booking_actions.CLOCK_SLOT  # Rasa asks nothing after it
    assert "明天（11月30日）几点方便" in texts(messages)
    buttons = messages[-1]["buttons"]
    assert 1 < len(buttons) <= conversation.DAY_BUTTONS
    assert all("2026-11-30T" in b["payload"] for b in buttons)


@pytest.mark.parametrize(("said", "expected"), [
    ("上午十点", "2026-11-30T10:00"), ("三点半", "2026-11-30T15:30"), ("10点", "2026-11-30T10:00"),
    ("/inform{\"time\": \"2026-11-30T14:00\"}", "2026-11-30T14:00"),
])
def test_the_next_clock_time_is_on_the_kept_day(app_env, domain, said, expected):
    slots, messages = run(tracker(said, slots=at_clock_question()), domain)
    assert slots["booking_time"] == expected
    assert slots.get("booking_time_text") is None
    assert "几点方便" not in texts(messages)


@pytest.mark.parametrize(("said", "slots_before"), [
    ("都行", at_clock_question()),
    ("你看着安排吧", at_clock_question()),
    ("明天几点都行", {"booking_service": "理发", "requested_slot": "booking_time"}),
])
def test_any_time_takes_the_first_free_slot(app_env, domain, said, slots_before):
    slots, _ = run(tracker(said, slots=slots_before), domain)
    assert slots["booking_time"] == "2026-11-30T09:00"


@pytest.mark.parametrize("said", ["好的", "对", "嗯"])
def test_a_yes_at_the_clock_question_takes_the_first_free_start(app_env, domain, said):
    # No time of their own: the first free start, read back before booking (never asked again and again).
    slots, messages = run(tracker(said, intent="affirm", slots=at_clock_question()), domain)
    assert slots["booking_time"] == "2026-11-30T09:00"
    assert "约不了" not in texts(messages)


def test_a_new_day_at_the_clock_question_is_asked_again(app_env, domain):
    slots, messages = run(tracker("还是后天吧", slots=at_clock_question()), domain)
    assert slots["booking_time_text"] == "2026年12月1日"
    assert "后天（12月1日）几点方便" in texts(messages)


def test_a_day_with_a_part_of_the_day_still_takes_its_first_free_slot(app_env, domain):
    slots, messages = run(tracker("明天下午", slots={"booking_service": "理发", "requested_slot": "booking_time"}),
                          domain)
    assert slots["booking_time"] == "2026-11-30T13:30"
    assert "几点方便" not in texts(messages)


def test_a_day_without_a_free_start_says_so_and_offers_the_nearest(app_env, domain):
    # 理发 does not work on Sundays: 下周日 has no start to ask about.
    slots, messages = run(tracker("下周日", slots={"booking_service": "理发", "requested_slot": "booking_time"}),
                          domain)
    assert slots.get("booking_time") is None and slots.get("booking_time_text") is None
    assert "不上班" in texts(messages) and "几点方便" not in texts(messages)
    assert any(m.get("buttons") for m in messages)


def test_a_day_with_other_values_in_one_message(app_env, domain):
    slots, messages = run(tracker("约维修，明天，地址92号楼3单元201，电话13912340203", intent="book_service",
                                  form_active=False), domain)
    assert slots["booking_service"] == "维修"
    assert slots["booking_address"] == "92号楼3单元201"
    assert slots["booking_phone"] == "13912340203"
    assert slots.get("booking_time") is None and slots["booking_time_text"] == KEPT
    assert "明天（11月30日）几点方便" in texts(messages)
    assert slots["requested_slot"] == booking_actions.CLOCK_SLOT


def test_a_day_said_before_the_service_is_asked_once_the_service_is_known(app_env, domain):
    slots, _ = run(tracker("明天", slots={"requested_slot": "booking_time"}), domain)
    assert slots["booking_time_text"] == "明天" and slots.get("booking_time") is None
    slots, messages = run(tracker("理发", slots={"booking_time_text": "明天", "requested_slot": "booking_service"}),
                          domain)
    assert slots["booking_service"] == "理发"
    assert slots["booking_time_text"] == KEPT and slots.get("booking_time") is None
    assert "几点方便" in texts(messages)


def test_the_age_is_asked_before_the_clock_time(app_env, domain):
    slots, messages = run(tracker("约助浴，明天", intent="book_service", form_active=False), domain)
    assert slots["booking_time_text"] == KEPT
    assert "几点方便" not in texts(messages)
    slots, messages = run(tracker("我七十五岁", slots={"booking_service": "助浴", "booking_time_text": KEPT,
                                                      "requested_slot": "booking_eligibility"}), domain)
    assert slots["booking_eligibility"] == "我七十五岁"
    assert "几点方便" in texts(messages)


def test_an_address_at_the_clock_question_is_kept_and_the_question_comes_back(app_env, domain):
    slots, messages = run(tracker("5号楼2单元301", slots=at_clock_question()), domain)
    assert slots["booking_address"] == "5号楼2单元301"
    assert slots.get("booking_time") is None
    assert "几点方便" in texts(messages)


def test_back_from_a_question_in_the_middle_the_clock_question_is_asked(app_env, domain):
    dispatcher = CollectingDispatcher()
    trk = tracker("好", slots=at_clock_question(requested_slot="form_resume", form_resume="booking_form"))
    events = asyncio.run(booking_actions.ValidateBookingForm().run(dispatcher, trk, domain))
    # Rasa asks the first requested_slot named: only ours, so no 您想约哪天几点 follows.
    asked = [e["value"] for e in events if e.get("event") == "slot" and e.get("name") == "requested_slot"]
    assert asked == [booking_actions.CLOCK_SLOT]
    assert "几点方便" in texts(dispatcher.messages)


# --- a part of the day said at the clock question: half a time (blind9, round 13) -------------

@pytest.mark.parametrize(("said", "kept"), [
    ("上午吧", KEPT + "上午"), ("下午", KEPT + "下午"), ("那就下午吧", KEPT + "下午"),
    ("后天上午", "2026年12月1日上午"),
])
def test_a_part_of_the_day_at_the_clock_question_is_half_a_time(said, kept):
    assert conversation.part_of_kept_day(said, KEPT, NOW) == kept


@pytest.mark.parametrize("said", ["上午十点", "都行", "明天", "上午下午都行", "三点"])
def test_a_clock_time_or_a_whole_day_is_no_half_time(said):
    assert conversation.part_of_kept_day(said, KEPT, NOW) is None
    assert conversation.part_of_kept_day(said, None, NOW) is None


@pytest.mark.parametrize(("said", "expected"), [
    ("十点", KEPT + "上午十点"), ("下午两点", KEPT + "下午两点"), ("2026-11-30T14:00", "2026-11-30T14:00"),
])
def test_a_clock_time_is_read_on_the_kept_part(said, expected):
    assert conversation.on_kept_day(said, KEPT + "上午") == expected


def test_the_part_is_kept_and_its_clock_time_asked_with_its_starts(app_env, domain):
    slots, messages = run(tracker("上午吧", slots=at_clock_question()), domain)
    assert slots.get("booking_time") is None
    assert slots["booking_time_text"] == KEPT + "上午"
    assert slots["requested_slot"] == booking_actions.CLOCK_SLOT
    assert "上午几点方便" in texts(messages)
    hours = [int(b["payload"].split("T")[1][:2]) for b in messages[-1]["buttons"]]
    assert hours and all(9 <= h < 12 for h in hours)  # 理发's morning, nothing of the afternoon


def test_the_clock_time_after_the_part_is_taken_on_that_day(app_env, domain):
    slots, _ = run(tracker("十点", slots=at_clock_question(booking_time_text=KEPT + "上午")), domain)
    assert slots["booking_time"] == "2026-11-30T10:00"


def test_a_part_without_a_free_start_is_not_kept(app_env, domain):
    # 体检 works only in the morning: its afternoon has no start, so the day's times are offered.
    slots, messages = run(tracker("下午", slots=at_clock_question(booking_service="体检",
                                                                 booking_time_text="2026年12月1日")), domain)
    assert slots.get("booking_time_text") != "2026年12月1日下午"
