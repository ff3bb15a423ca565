"""Round 14 (blind10, tuned): a time taken back in the same breath, the hour before noon
said with 中午, Wu 上半天 / 下半天. Own sentences (never a bench line), a fixed "today"
(Sunday 2026-11-29 10:00, Asia/Shanghai), a real migrated database; the actions run
without Rasa."""

from __future__ import annotations

from datetime import datetime

import pytest

import actions.booking as booking_actions
from assistant.booking import conversation
from assistant.booking.timeparse import extract_time
from tests.booking.form_helpers import NOW, run, texts
from tests.booking.form_helpers import tracker as _tracker


def tracker(text: str, **kwargs):
    return _tracker(text, **{"sender": "web:r14", **kwargs})


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(booking_actions, "now", lambda: NOW)


# --- a time taken back in the same breath ---------------------------------------------------

@pytest.mark.parametrize(("said", "value"), [
    ("后天上午九点 哦不对 下午两点", "后天下午两点"),
    ("周二早上八点，不对，九点", "周二早上九点"),  # the part of the day stays with the day (round 22)
    ("大后天十点 说错了 大后天下午四点", "大后天下午四点"),
    ("明天下午三点 不对不对 是四点", "明天下午四点"),
])
def test_the_time_said_after_the_take_back_counts_with_the_day_said_before(said, value):
    correction = conversation.correction_from(said, now=NOW)
    assert correction == conversation.Correction("booking_time", value)


@pytest.mark.parametrize(("said", "slot", "value"), [
    ("不对 5号楼", "booking_address", "5号楼"),
    ("地址不对，是7号楼1单元101", "booking_address", "7号楼1单元101"),
    ("不对，时间改成后天上午十点", "booking_time", "后天上午十点"),
])
def test_corrections_without_a_value_taken_back_read_as_before(said, slot, value):
    assert conversation.correction_from(said, now=NOW) == conversation.Correction(slot, value)


def test_the_booking_form_takes_the_second_time_at_the_time_question(app_env, domain):
    slots, _, _ = run(booking_actions.ValidateBookingForm(), tracker(
        "后天上午十点 不对不对 下午两点半",
        slots={"booking_service": "理发", "requested_slot": "booking_time"}), domain)
    assert slots["booking_time"] == "2026-12-01T14:30"


# --- parts of the day -----------------------------------------------------------------------

@pytest.mark.parametrize(("said", "hour", "minute"), [
    ("帮我订后天中午的饭 十一点", 11, 0),
    ("明天中午吧，十一点半", 11, 30),
    ("明天中午 十二点半", 12, 30),
])
def test_the_hour_before_noon_said_with_zhongwu_is_that_hour(said, hour, minute):
    parsed = extract_time(said, NOW)
    assert parsed is not None and parsed.has_clock
    assert (parsed.start.hour, parsed.start.minute) == (hour, minute)


@pytest.mark.parametrize(("said", "hour"), [
    ("后天上半天九点钟", 9),
    ("明朝下半天两点钟", 14),
    ("后天下半日三点", 15),
])
def test_wu_halves_of_the_day(said, hour):
    parsed = extract_time(said, NOW)
    assert parsed is not None and parsed.has_clock and parsed.start.hour == hour


# --- cancelling one of several ------------------------------------------------------------

def _haircut_and_cleaning(db):
    from assistant.booking.service import book

    haircut = book(db, sender_id="web:r14", service="理发", starts_at=datetime(2026, 12, 1, 9, 30),
                   address="8号楼1单元101", now=NOW)
    cleaning = book(db, sender_id="web:r14", service="保洁", starts_at=datetime(2026, 12, 1, 13),
                    address="8号楼1单元101", now=NOW)
    return haircut, cleaning


def test_which_one_names_each_booking_in_words(app_env, domain):
    _haircut_and_cleaning(app_env)
    _, said, _ = run(booking_actions.ActionCancelBooking(),
                     tracker("我要退掉一个预约", intent="cancel_booking", form_active=False), domain)
    assert "理发" in texts(said) and "保洁" in texts(said) and "下午1点" in texts(said)


@pytest.mark.parametrize("said", ["确定 取消保洁", "是的，把保洁那个取消了吧", "嗯 保洁取消掉", "确定"])
def test_the_cancel_said_again_with_the_service_is_a_yes(app_env, domain, said):
    _, cleaning = _haircut_and_cleaning(app_env)
    slots, messages, _ = run(booking_actions.ActionCancelBooking(), tracker(
        said, intent="cancel_booking", form_active=False,
        slots={"booking_cancel_id": cleaning.id, "booking_cancel_pending": True}), domain)
    assert f"已经取消了预约{cleaning.id}" in texts(messages)


def test_another_service_named_is_no_yes_to_the_question(app_env, domain):
    haircut, cleaning = _haircut_and_cleaning(app_env)
    slots, messages, _ = run(booking_actions.ActionCancelBooking(), tracker(
        "确定 取消理发", intent="affirm", form_active=False,
        slots={"booking_cancel_id": cleaning.id, "booking_cancel_pending": True}), domain)
    assert "已经取消" not in texts(messages)
    assert slots == {"booking_cancel_id": haircut.id, "booking_cancel_pending": True}


# --- which services there are, asked in other words ------------------------------------------

@pytest.mark.parametrize("said", ["想约个服务，你们都有些啥", "社区都有哪些服务呀", "服务都有什么"])
def test_what_services_there_are_in_other_words(said):
    assert conversation.asks_service_list(said)


@pytest.mark.parametrize("said", ["助浴服务都有什么要求", "服务中心有啥活动吗"])
def test_what_one_service_asks_or_something_else(said):
    assert not conversation.asks_service_list(said)


# --- a booking wished for right after an answer about one service -----------------------------

def _after(answer: str, said: str) -> list[dict]:
    return [{"event": "user", "text": "老人打疫苗的事问一下"}, {"event": "bot", "text": answer},
            {"event": "user", "text": said}]


def test_the_service_just_talked_about_is_the_one_booked(app_env, domain):
    said = "那就约一个吧"
    answer = "65岁以上的老人每年可以免费做一次体检，带身份证预约。"
    slots, messages, _ = run(booking_actions.ValidateBookingForm(), tracker(
        said, intent="book_service", form_active=False, events=_after(answer, said)), domain)
    assert slots["booking_service"] == "体检"
    assert slots["requested_slot"] == "booking_time"
    assert "体检" in texts(messages)


def test_no_service_is_guessed_from_an_answer_naming_several(app_env, domain):
    said = "那就约一个吧"
    answer = "社区有理发、助餐、保洁等服务。"
    slots, _, _ = run(booking_actions.ValidateBookingForm(), tracker(
        said, intent="book_service", form_active=False, events=_after(answer, said)), domain)
    assert not slots.get("booking_service")


# --- a daily reminder asked for with a booking --------------------------------------------------

def test_a_daily_reminder_heard_as_a_booking_is_said_honestly_first(app_env, domain):
    slots, messages, _ = run(booking_actions.ValidateBookingForm(), tracker(
        "我老忘事 你每天晚上提醒我去食堂吃饭行不", intent="book_service", form_active=False), domain)
    assert slots["booking_service"] == "助餐"
    assert messages[0]["text"] == booking_actions.CANNOT_REMIND_TEXT
    assert "会提醒" not in texts(messages)


def test_the_form_started_by_rasa_says_it_too(app_env, domain):
    # Rasa runs the validation of a form that starts with the form already active.
    _, messages, _ = run(booking_actions.ValidateBookingForm(), tracker(
        "我记性差 你每天中午提醒我去食堂吃饭", intent="book_service", form_active=True), domain)
    assert messages[0]["text"] == booking_actions.CANNOT_REMIND_TEXT
    _, messages, _ = run(booking_actions.ValidateBookingForm(), tracker(
        "天天提醒我去吃午饭", slots={"booking_service": "助餐", "requested_slot": "booking_time"}), domain)
    assert booking_actions.CANNOT_REMIND_TEXT not in texts(messages)  # not in the middle of it


def test_a_booking_without_a_daily_reminder_says_nothing_of_reminders(app_env, domain):
    _, messages, _ = run(booking_actions.ValidateBookingForm(), tracker(
        "帮我约个助餐 到时候提醒我一下", intent="book_service", form_active=False), domain)
    assert booking_actions.CANNOT_REMIND_TEXT not in texts(messages)


# --- an address said in pieces with spaces --------------------------------------------------------

@pytest.mark.parametrize(("said", "address"), [
    ("17栋2单元 三楼 302", "17栋2单元 三楼 302"),
    ("6号楼1单元 1101", "6号楼1单元 1101"),
    ("21栋 2单元 801室", "21栋 2单元 801室"),
])
def test_the_room_said_after_a_space_stays_with_the_address(said, address):
    assert conversation.address_in(said) == address


@pytest.mark.parametrize(("said", "address"), [
    ("9号楼 后天上午", "9号楼"),
    ("地址12号楼3单元402，电话13900002222", "12号楼3单元402"),
])
def test_what_is_no_address_is_not_joined(said, address):
    assert conversation.address_in(said) == address
