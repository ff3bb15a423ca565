"""Round 18 review notes on the conversation/booking commits (REVIEW18.md), each by reason."""

from __future__ import annotations

import pytest

from assistant.booking.conversation import booking_line
from tests.conversation._helpers import WordDialogue, converse_once

SENDER = "web:round18review"


_Dialogue = WordDialogue


def _say(dialogue, db, text):
    return converse_once(dialogue, db, SENDER, text)


# --- note 8: a booking already made, told with its values, is no new booking ----------------------


@pytest.mark.parametrize(
    "said",
    [
        "我约了保洁 周四 下午两点 7号楼",  # 约了: made already
        "我订了助餐 后天中午十二点",
        "约的理发 周五上午十点半",
        "上次约的维修 后天 上午九点",
    ],
)
def test_a_booking_already_made_is_no_booking_line(said):
    assert booking_line(said) is None


def test_a_new_booking_with_the_same_values_still_is_one():
    assert booking_line("保洁 周四 下午两点 7号楼") == "保洁"


@pytest.mark.parametrize("heard", ["query_booking", "reschedule_booking"])
def test_a_booking_line_heard_as_a_query_or_a_move_goes_on_as_said(db, clock, heard):
    said = "助浴 周六 下午三点 12号楼2单元"
    dialogue = _Dialogue({"助浴": heard})
    _say(dialogue, db, said)
    assert dialogue.sent == [said]


def test_a_booking_line_the_classifier_cannot_place_still_starts_the_booking(db, clock):
    said = "助浴 周六 下午三点 12号楼2单元"
    dialogue = _Dialogue({"助浴": "nlu_fallback"})
    _say(dialogue, db, said)
    assert dialogue.sent[0] == '/book_service{"service_type": "助浴"}'


# --- note 17 NIT 1: inside a running form a time named is about the question asked -------------


def _two_bookings_at_different_times(db):
    from datetime import datetime

    from assistant.booking.service import book

    now = datetime(2026, 11, 29, 10, 0)
    book(db, sender_id=SENDER, service="场地预约", starts_at=datetime(2026, 12, 1, 9), now=now)
    return book(db, sender_id=SENDER, service="场地预约", starts_at=datetime(2026, 12, 1, 16), now=now)


def test_a_cancel_by_time_waits_while_a_form_runs(db, clock):
    from datetime import datetime

    clock.move_to(datetime(2026, 11, 29, 10, 0))
    _two_bookings_at_different_times(db)
    dialogue = _Dialogue({}, loop="booking_form")
    _say(dialogue, db, "下午四点钟那个场地退掉")
    assert dialogue.sent == ["下午四点钟那个场地退掉"]


def test_a_cancel_by_time_without_a_form_is_the_cancel(db, clock):
    from datetime import datetime

    clock.move_to(datetime(2026, 11, 29, 10, 0))
    late = _two_bookings_at_different_times(db)
    dialogue = _Dialogue({})
    _say(dialogue, db, "下午四点钟那个场地退掉")
    assert dialogue.sent == [f'/cancel_booking{{"booking_id": "{late.id}"}}']


# --- note 24: the resident's home, or another thing put right, is no place of the ticket --------


@pytest.mark.parametrize(
    "said",
    [
        "号码不对 我家住14栋 直接来家里找我",
        "我不是6号楼的 我是9号楼的",
        "手机号说错了 住在21号楼那边",
        "不对 我住的是东区3栋",
    ],
)
def test_the_residents_home_or_another_thing_put_right_is_no_place_fix(said):
    from assistant.tickets.intake import corrects_place

    assert not corrects_place(said)


@pytest.mark.parametrize("said", ["不对 是14栋后面那盏", "说错了 应该在21号楼西门"])
def test_a_place_put_right_still_is_one(said):
    from assistant.tickets.intake import corrects_place

    assert corrects_place(said)
