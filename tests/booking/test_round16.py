"""Round 16 (blind12, tuned): a part of the day said before the day (饭堂中午那顿 明天十二点),
a room number corrected alone (门牌号错了 是402), and whether a service comes to the home
asked as a question the classifier hears as one about bookings. Own sentences (never a
bench line), a fixed "today", a real migrated database; the actions run without Rasa."""

from __future__ import annotations

from datetime import datetime

import pytest

import actions.booking as booking_actions
from assistant.booking import conversation
from assistant.booking.timeparse import TZ, extract_time
from tests.booking.form_helpers import NOW, run, texts
from tests.booking.form_helpers import tracker as _tracker


def tracker(text: str, **kwargs):
    return _tracker(text, **{"sender": "web:r16", **kwargs})


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(booking_actions, "now", lambda: NOW)


# Just after midnight, when "today's noon" and "tomorrow's noon" are both ahead.
SMALL_HOURS = datetime(2026, 3, 10, 1, 30, tzinfo=TZ)


@pytest.mark.parametrize(("said", "day", "hour", "minute"), [
    ("食堂中午那顿饭 明天十一点半吧", 11, 11, 30),
    ("中午那餐，后天十二点", 12, 12, 0),
    ("十点吧，明天", 11, 10, 0),
    ("中午不合适，明天下午四点", 11, 16, 0),  # a whole time after a bare part of the day: that one
])
def test_a_part_of_the_day_said_before_the_day_is_on_that_day(said, day, hour, minute):
    parsed = extract_time(said, SMALL_HOURS)
    assert parsed is not None and parsed.has_clock
    assert (parsed.start.day, parsed.start.hour, parsed.start.minute) == (day, hour, minute)


def test_a_day_said_first_still_reads_as_before():
    parsed = extract_time("明天中午十二点", SMALL_HOURS)
    assert (parsed.start.day, parsed.start.hour) == (11, 12)


@pytest.mark.parametrize(("before", "said", "after"), [
    ("88号楼3单元502", "402", "88号楼3单元402"),
    ("88号楼3单元502", "四零二", "88号楼3单元402"),
    ("88号楼3单元502", "402室", "88号楼3单元402室"),
    ("88号楼3单元502", "1单元402", "88号楼1单元402室"),
    ("北门", "402", "402"),  # no building to keep: the words as said
    ("88号楼3单元502", "90号楼", "90号楼3单元502"),  # round 15's rule stays
])
def test_a_room_or_unit_corrected_alone_keeps_the_building(before, said, after):
    assert conversation.amended_address(before, said) == after


def test_the_room_number_corrected_at_the_read_back_keeps_the_building(app_env, domain):
    slots, _, _ = run(booking_actions.ValidateBookingForm(), tracker(
        "房号说错了 应该是402 不是502", slots={
            "booking_service": "保洁", "booking_time": "2026-12-01T15:00",
            "booking_address": "88号楼3单元502", "booking_phone": "13912345678",
            "booking_confirming": True, "requested_slot": "booking_address"}), domain)
    assert slots.get("booking_address") == "88号楼3单元402"


@pytest.mark.parametrize(("said", "service"), [
    ("听人说你们能派人上门给老人洗澡 真的假的", "助浴"),
    ("社区是不是有上门剪头发的", "理发"),
    ("我家水管坏了 你们能叫个维修师傅过来吗", "维修"),
    ("我约的保洁明天几点来", None),  # a booking made
    ("我有没有约体检", None),
    ("我的预约都有啥", None),
    ("能帮我查一下体检吗", None),  # looked up, not asked for
])
def test_whether_a_service_comes_is_asked_to_have_it(said, service):
    assert conversation.asks_service_offered(said) == service


def test_a_service_asked_about_as_a_booking_query_starts_the_form(app_env, domain):
    slots, messages, others = run(
        booking_actions.ActionQueryBooking(),
        tracker("听人说你们能派人上门给老人剃头 是吧", intent="query_booking", form_active=False),
        domain,
    )
    assert slots.get("booking_service") == "理发"
    assert any(e.get("name") == "booking_form" for e in others)  # the form asks the day and time
    assert "没有预约" not in texts(messages)


def test_a_question_about_the_age_rule_with_the_facts_answers_the_age_question(app_env, domain):
    # 是不是 asks; it corrects nothing, so the age and the cane said with it are the answer.
    slots, messages, _ = run(booking_actions.ValidateBookingForm(), tracker(
        "等下我先问问 洗澡这个是不是得七十岁才行 我爸六十八 走路得扶着墙 拄拐",
        intent="ask_policy",
        slots={"booking_service": "助浴", "requested_slot": "booking_eligibility"}), domain)
    assert slots.get("booking_eligibility")
    assert "符合" in texts(messages)


def test_a_question_with_shi_bu_shi_is_no_correction():
    assert conversation.correction_from("保洁是不是要自己准备工具") is None
    assert conversation.correction_from("是5号楼不是3号楼") is not None


@pytest.mark.parametrize(("said", "address"), [
    ("我爸住在41号楼2单元603", "41号楼2单元603"),
    ("他家在9栋1单元", "9栋1单元"),
    ("俺娘住43号楼101", "43号楼101"),
])
def test_who_lives_there_is_not_part_of_the_address(said, address):
    assert conversation.address_from(said) == address


def test_a_question_about_an_earlier_report_does_not_answer_the_time_question():
    said = "哎 我前几天在这投诉过一个井盖 现在弄到哪一步了"
    assert not conversation.answers_slot("booking_time", said)
    assert conversation.answers_slot("booking_time", "周五上午十点")


@pytest.mark.parametrize("said", ["我姓王 今年七十九了 想叫人上门理个发", "俺爹今年都83了 想约个助浴"])
def test_the_year_of_an_age_is_no_booking_time(said):
    assert extract_time(said, SMALL_HOURS) is None


def test_a_time_after_an_age_is_still_read():
    parsed = extract_time("我今年七十九 想约后天上午十点", SMALL_HOURS)
    assert (parsed.start.day, parsed.start.hour) == (12, 10)
