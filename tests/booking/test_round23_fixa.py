"""Round 23 (conversation fixer A, blind19 read by reason): a cancel that weighs two bookings
(which goes, which stays) is done without asking again, and the one kept is never the one asked
about; a time that ends on its clock has no address word after it (两点 房子…的事). Own sentences,
a fixed "today" (Sunday 2026-11-29 10:00), the actions run without Rasa."""

from __future__ import annotations

from datetime import datetime

import pytest

import actions.booking as booking_actions
from assistant.booking.service import book, get_booking
from assistant.booking.timeparse import extract_time
from tests.booking.form_helpers import NOW, clean_and_meal, run, texts
from tests.booking.form_helpers import tracker as _tracker

SENDER = "web:r23a"


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(booking_actions, "now", lambda: NOW)




def _cancel(db, domain, said):
    trk = _tracker(said, intent="cancel_booking", sender=SENDER, form_active=False)
    return run(booking_actions.ActionCancelBooking(), trk, domain)


@pytest.mark.parametrize("said", [
    "打扫卫生那个给我退掉 晚饭那个照常去",
    "保洁我不要了 助餐留着",
    "家政那个取消了吧 吃饭的还要",
])
def test_one_cancelled_and_another_kept_is_done_at_once(app_env, domain, said):
    clean, meal = clean_and_meal(app_env, SENDER)
    slots, messages, _ = _cancel(app_env, domain, said)
    assert "取消" in texts(messages) and "吗" not in texts(messages)
    with app_env.session() as session:
        assert get_booking(session, clean.id).status == "cancelled"
        assert get_booking(session, meal.id).status == "booked"


@pytest.mark.parametrize("said", [
    "保洁那个退了吧",  # by service alone: the other booking may not be in mind
    "保洁退了 助餐要不要留着呢",  # still weighing
    "保洁取消 助餐改到礼拜三",  # something else asked of the other
])
def test_a_cancel_that_weighs_nothing_is_still_asked(app_env, domain, said):
    clean, meal = clean_and_meal(app_env, SENDER)
    slots, messages, _ = _cancel(app_env, domain, said)
    with app_env.session() as session:
        assert get_booking(session, clean.id).status == "booked"
        assert get_booking(session, meal.id).status == "booked"


def test_the_one_kept_is_not_the_one_asked_about(app_env, domain):
    clean, meal = clean_and_meal(app_env, SENDER)
    _, messages, _ = _cancel(app_env, domain, "助餐那个退了 保洁不变")
    with app_env.session() as session:
        assert get_booking(session, meal.id).status == "cancelled"
        assert get_booking(session, clean.id).status == "booked"


def test_the_same_service_booked_twice_is_still_asked(app_env, domain):
    book(app_env, sender_id=SENDER, service="助餐", starts_at=datetime(2026, 12, 1, 11), now=NOW)
    _, meal = clean_and_meal(app_env, SENDER)
    slots, _, _ = _cancel(app_env, domain, "助餐取消掉 保洁留着")
    with app_env.session() as session:
        assert get_booking(session, meal.id).status == "booked"


@pytest.mark.parametrize(("said", "hour"), [
    ("那定一个 后天上午十点 房子过户的事", 10),
    ("大后天下午三点半 门口那家说好了的", 15),
])
def test_a_time_ending_on_its_clock_is_read_before_other_words(said, hour):
    parsed = extract_time(said, NOW)
    assert parsed is not None and parsed.start.hour == hour


@pytest.mark.parametrize("said", ["明天9号楼", "后天12栋"])
def test_an_address_after_a_number_is_still_no_time(said):
    parsed = extract_time(said, NOW)
    assert parsed is None


# --- a head count said with a booking that serves one person ------------------------------------

_MEAL = {"booking_service": "助餐", "booking_time": "2026-11-30T11:30", "booking_phone": "13912345678"}
_CLEANING = {"booking_service": "保洁", "booking_time": "2026-11-30T09:00", "booking_address": "和平里3号",
             "booking_phone": "13912345678"}


def _read_back(domain, said, slots, events=None):
    trk = _tracker(said, slots=slots, form_active=False, sender=SENDER, events=events or [])
    return run(booking_actions.ActionSubmitBooking(), trk, domain)


@pytest.mark.parametrize("said", ["订后天中午的饭 我们老两口都吃", "午饭订三份", "我和我老伴儿都去吃"])
def test_a_head_count_is_told_one_is_booked(app_env, domain, said):
    slots, messages, _ = _read_back(domain, said, _MEAL)
    assert "一位" in messages[0]["text"] and "对吗" in messages[-1]["text"]
    assert slots == {"booking_confirming": True}


def test_the_head_count_said_when_the_booking_began_is_heard_later(app_env, domain):
    events = [{"event": "user", "text": "俺们俩想约个明天的午饭"},
              {"event": "active_loop", "name": "booking_form"},
              {"event": "bot", "text": "留个手机号"},
              {"event": "user", "text": "13912345678"}]
    _, messages, _ = _read_back(domain, "13912345678", _MEAL, events)
    assert "一位" in messages[0]["text"]


@pytest.mark.parametrize(("said", "slots"), [
    ("给我老伴订个明天的午饭", _MEAL),  # one person, the spouse
    ("明天两点半的饭", _MEAL),
    ("我们两个人都在家 上午来打扫", _CLEANING),  # a home is cleaned once, whoever is in
])
def test_no_head_count_or_a_home_service_reads_back_alone(app_env, domain, said, slots):
    _, messages, _ = _read_back(domain, said, slots)
    assert len(messages) == 1 and "对吗" in messages[0]["text"]


# --- whether the person told of may have the service -------------------------------------------


def _eligibility(domain, said):
    import asyncio

    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    trk = _tracker(said, slots={"booking_service": "助浴", "requested_slot": "booking_eligibility"}, sender=SENDER)
    result = asyncio.run(booking_actions.ValidateBookingForm().validate_booking_eligibility(said, dispatcher, trk, domain))
    return result, " ".join(m.get("text") or "" for m in dispatcher.messages)


@pytest.mark.parametrize("said", ["我外婆八十五了 走路要拄拐 她能洗不", "俺爹都七十六了 够条件不"])
def test_asked_whether_the_person_may_have_it_is_answered(app_env, domain, said):
    result, text = _eligibility(domain, said)
    assert result["booking_eligibility"] == said and "可以约" in text


@pytest.mark.parametrize("said", ["我外婆八十五了", "她七十六 走路还利索"])
def test_an_age_told_without_asking_is_taken_quietly(app_env, domain, said):
    result, text = _eligibility(domain, said)
    assert result["booking_eligibility"] == said and "可以约" not in text
