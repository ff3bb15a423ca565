"""Review 12 of the booking commits: a cancel said with a reason is no keeping, a
question whether a booking went through is no wish to book, a doorway or a whole
building is no home repair, a price of something else is no fee question, and the
reminder asked is about the booking just made."""

from __future__ import annotations

from datetime import datetime

import pytest

from assistant.booking import about, conversation
from assistant.booking.service import book, get_booking
from tests.booking.test_actions import NOW, fixed_now, run, tracker  # noqa: F401 - fixed_now is a fixture

import actions.booking as booking_actions

# --- MUST 7: a cancel said with a reason ---------------------------------------------------

CANCEL_WITH_A_REASON = ["取消吧，我还去不了", "取消吧，不想留着了", "确认取消，钱不退了也行", "谁还去啊，取消"]


@pytest.mark.parametrize("said", CANCEL_WITH_A_REASON)
def test_a_cancel_with_a_reason_is_a_yes_and_no_keeping(said):
    assert conversation.confirms_cancel(said)
    assert not conversation.keeps_booking(said)


@pytest.mark.parametrize("said", ["我还是去吧", "算了，还去", "好，留着吧", "给我保留着", "那不退了"])
def test_keeping_the_booking_said_otherwise(said):
    assert conversation.keeps_booking(said)
    assert not conversation.confirms_cancel(said)


def test_still_cancel_is_a_yes():
    assert conversation.confirms_cancel("还是取消吧")


@pytest.mark.parametrize("said", CANCEL_WITH_A_REASON)
def test_a_cancel_with_a_reason_cancels_the_booking(app_env, domain, said):
    meal = book(app_env, sender_id="web:t1", service="助餐", starts_at=datetime(2026, 11, 30, 12), now=NOW)
    _, messages, _ = run(
        booking_actions.ActionCancelBooking(),
        tracker(said, intent="cancel_booking", form_active=False,
                slots={"booking_cancel_id": meal.id, "booking_cancel_pending": True}),
        domain,
    )
    assert messages[0].startswith("已经取消了预约")
    with app_env.session() as session:
        assert get_booking(session, meal.id).status != "booked"


# --- MUST 8: did my booking go through ----------------------------------------------------

@pytest.mark.parametrize("said", ["帮我查一下约上没有", "帮我看下约上没", "帮我看看约上了没有啊", "给我查查约上了没"])
def test_asking_whether_a_booking_went_through_is_no_wish(said):
    assert not conversation.wishes_to_book(said)


@pytest.mark.parametrize("said", ["帮我约上", "那就约一个吧", "给我妈预约一下"])
def test_a_wish_to_book_is_still_one(said):
    assert conversation.wishes_to_book(said)


# --- SHOULD 10: a doorway, a whole building ----------------------------------------------

@pytest.mark.parametrize("said", ["整个门口都堵了", "整个楼的灯都不亮", "整栋楼都停水了，水管坏了", "大门的锁坏了"])
def test_a_doorway_or_a_whole_building_is_no_home_repair(said):
    assert conversation.service_in_everyday_words(said) is None


@pytest.mark.parametrize("said", ["修个马桶", "我家灯不亮了", "门锁坏了", "厕所堵了"])
def test_a_home_fixture_is_still_a_repair(said):
    assert conversation.service_in_everyday_words(said) == "维修"


# --- SHOULD 4: a price of something else ------------------------------------------------

@pytest.mark.parametrize("said", ["物业费多少钱", "医保报多少钱", "津贴多少钱", "停车费几块"])
def test_a_price_of_something_else_is_no_bare_price_question(said):
    assert not about.bare_price_question(said)


@pytest.mark.parametrize("said", ["多少钱啊", "要钱吗", "收费吗", "要钱不", "大概多少钱一次", "上门修东西收不收钱啊"])
def test_a_bare_price_question(said):
    assert about.bare_price_question(said)


@pytest.mark.parametrize("said", ["物业费多少钱", "津贴多少钱"])
def test_a_price_of_something_else_inside_a_repair_booking_gets_no_repair_price(app_env, domain, said):
    from tests.booking.test_actions import validate

    _, messages = validate(tracker(said, intent="inform", confidence=0.4,
                                   slots={"booking_service": "维修", "booking_time": "2026-11-30T09:30",
                                          "requested_slot": "booking_address"}), domain)
    assert not any("免费" in (m.get("text") or "") for m in messages)


# --- SHOULD 9: the reminder asked is about the booking just made ------------------------

def test_the_reminder_answer_names_the_booking_just_made(app_env):
    book(app_env, sender_id="web:t1", service="理发", starts_at=datetime(2026, 11, 30, 11), address="241栋", now=NOW)
    book(app_env, sender_id="web:t1", service="助餐", starts_at=datetime(2026, 12, 3, 12), now=NOW)
    text = conversation.reminder_asked_text(app_env, "web:t1", now=NOW)
    assert "助餐" in text and "理发" not in text
