"""Round 15 (blind11, tuned): an hour before noon said with 中午, and a service corrected in
the same breath as the age. Own sentences (never a bench line), a fixed "today" (Sunday
2026-11-29 10:00, Asia/Shanghai), a real migrated database; the actions run without Rasa."""

from __future__ import annotations

import pytest

import actions.booking as booking_actions
from assistant.booking import conversation
from assistant.booking.timeparse import extract_time
from tests.booking.form_helpers import NOW, run, texts
from tests.booking.form_helpers import tracker as _tracker


def tracker(text: str, **kwargs):
    return _tracker(text, **{"sender": "web:r15", **kwargs})


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(booking_actions, "now", lambda: NOW)


@pytest.mark.parametrize(("said", "hour", "minute"), [
    ("后天中午 10点", 10, 0),
    ("后天中午十点半", 10, 30),
    ("后天中午九点", 9, 0),
    ("后天中午12点", 12, 0),
    ("后天中午一点", 13, 0),
    ("后天晚上十点", 22, 0),
])
def test_noon_with_a_morning_hour_is_that_morning_never_the_evening(said, hour, minute):
    parsed = extract_time(said, now=NOW)
    assert (parsed.start.day, parsed.start.hour, parsed.start.minute) == (1, hour, minute)


def test_a_service_corrected_in_the_same_breath_keeps_the_age_said_with_it(app_env, domain):
    said = "帮我约个保洁 啊不对 是助浴 我爸都八十五了"
    slots, messages, _ = run(booking_actions.ValidateBookingForm(), tracker(
        said, intent="book_service", slots={"requested_slot": None}), domain)
    assert slots.get("booking_service") == "助浴"
    assert slots.get("booking_eligibility") == said
    assert "助浴" in texts(messages)  # the service understood is said back: two were named


def test_a_service_correction_at_the_age_question_is_no_age(app_env, domain):
    slots, _, _ = run(booking_actions.ValidateBookingForm(), tracker(
        "不对 是助浴", slots={"booking_service": "助浴", "requested_slot": "booking_eligibility"}), domain)
    assert not slots.get("booking_eligibility")


@pytest.mark.parametrize("said", ["对 没毛病", "嗯呐 是的"])
def test_a_yes_at_the_service_question_names_no_service(app_env, domain, said):
    slots, messages, _ = run(booking_actions.ValidateBookingForm(), tracker(
        said, slots={"requested_slot": "booking_service"}), domain)
    assert not slots.get("booking_service")
    assert "暂时没有" not in texts(messages)


@pytest.mark.parametrize(("before", "said", "after"), [
    ("312号楼1单元202", "314号楼", "314号楼1单元202"),
    ("阳光花园7号楼3单元", "9号楼", "阳光花园9号楼3单元"),
    ("312号楼1单元202", "314号楼2单元101", "314号楼2单元101"),  # a whole address said: it replaces
    ("312号楼", "314号楼", "314号楼"),
    ("312号楼1单元202", "北门", "北门"),
])
def test_a_building_corrected_keeps_the_unit_and_room_said(before, said, after):
    assert conversation.amended_address(before, said) == after


def test_the_building_corrected_at_the_phone_question_keeps_the_rest(app_env, domain):
    slots, _, _ = run(booking_actions.ValidateBookingForm(), tracker(
        "哎 楼号说错了 应该是314号楼 不是312", slots={
            "booking_service": "保洁", "booking_time": "2026-12-01T15:00",
            "booking_address": "312号楼1单元202", "requested_slot": "booking_phone"}), domain)
    assert slots.get("booking_address") == "314号楼1单元202"


def test_a_clock_said_after_one_days_free_times_is_on_that_day(app_env, domain):
    offered = [{"title": f"12月1日（周二）{t}", "payload": f'/inform{{"time": "2026-12-01T{iso}"}}'}
               for t, iso in (("下午2点", "14:00"), ("下午4点", "16:00"))]
    events = [{"event": "active_loop", "name": "booking_form"},
              {"event": "bot", "text": "最近可以约的时间有：", "data": {"buttons": offered}}]
    slots, _, _ = run(booking_actions.ValidateBookingForm(), tracker(
        "改成下午4点吧 2点太早了", events=events,
        slots={"booking_service": "理发", "requested_slot": "booking_time"}), domain)
    assert slots.get("booking_time") == "2026-12-01T16:00"  # not today (Sunday), the day offered


def test_a_clock_with_its_own_day_is_taken_as_said(app_env, domain):
    offered = [{"title": "12月1日（周二）下午2点", "payload": '/inform{"time": "2026-12-01T14:00"}'}]
    events = [{"event": "active_loop", "name": "booking_form"},
              {"event": "bot", "text": "最近可以约的时间有：", "data": {"buttons": offered}}]
    slots, _, _ = run(booking_actions.ValidateBookingForm(), tracker(
        "大后天上午十点", events=events,
        slots={"booking_service": "理发", "requested_slot": "booking_time"}), domain)
    assert slots.get("booking_time") == "2026-12-02T10:00"
