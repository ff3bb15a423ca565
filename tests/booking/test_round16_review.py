"""Review 16's notes on bookings (new wording, not the review's lines)."""

from __future__ import annotations

from datetime import datetime

import pytest

import actions.booking as booking_actions
from assistant.booking.conversation import asks_service_offered
from assistant.booking.service import book
from tests.booking.test_actions import NOW, fixed_now, run, tracker  # noqa: F401 - fixed_now is a fixture


@pytest.mark.parametrize("text", [
    "剪头的师傅到底还来不来",
    "上门洗澡的今天下午能来吗",
    "修水管的师傅能不能早点来",
    "陪我看病的那个人会准时吧",
])
def test_a_visit_asked_after_is_no_new_booking(text: str) -> None:
    assert asks_service_offered(text) is None


def test_a_question_about_a_service_already_booked_is_about_that_booking() -> None:
    assert asks_service_offered("我爸的助浴是不是后天下午", booked={"助浴"}) is None
    assert asks_service_offered("听人说你们这有上门剃头的 是不是真的", booked={"助浴"}) == "理发"


def test_with_a_haircut_booked_the_question_lists_it(app_env, domain):
    made = book(app_env, sender_id="web:t1", service="理发", starts_at=datetime(2026, 12, 2, 9),
                address="幸福路8号", now=NOW)
    slots, said, events = run(booking_actions.ActionQueryBooking(),
                              tracker("上门剃头的是不是周三上午", intent="query_booking", form_active=False), domain)
    assert not any(e.get("event") == "followup" for e in events)
    assert "理发" in said[0] and "12月2日" in said[0], (made.id, said)


@pytest.mark.parametrize(("text", "slot", "part"), [
    ("但是不是周二 是周三", "booking_time", "周三"),
    ("可是不是8号楼 是9号楼", "booking_address", "9号楼"),
    ("就是不是上午 是下午", "booking_time", "下午"),
])
def test_but_not_this_is_still_a_correction(text: str, slot: str, part: str) -> None:
    """但是/可是/就是 + 不是: the 是 of the conjunction does not make it 是不是 (review 16 note 20)."""
    from assistant.booking.conversation import correction_from

    found = correction_from(text, now=datetime(2026, 11, 28, 10))
    assert found is not None and found.slot == slot and part in (found.value or "")


def test_is_it_so_asks_and_corrects_nothing() -> None:
    from assistant.booking.conversation import correction_from

    assert correction_from("上门洗澡是不是只给八十岁以上的", now=datetime(2026, 11, 28, 10)) is None


@pytest.mark.parametrize(("text", "day"), [
    ("早上我没时间 大后天吧", 1),
    ("晚上六点不方便 周一吧", 30),
])
def test_a_refused_part_of_the_day_is_not_carried_to_the_later_day(text: str, day: int) -> None:
    """Review 16 note 21: the later day alone; its hour is still to ask."""
    from assistant.booking.timeparse import extract_time

    found = extract_time(text, now=datetime(2026, 11, 28, 10))
    assert found is not None and found.start.day == day and not found.has_clock


def test_a_number_like_the_building_said_with_hao_is_the_building() -> None:
    """Review 16 note 19: 楼号错了 是428号 for 426号楼3单元102 moves the building, keeps the room."""
    from assistant.booking.conversation import amended_address

    assert amended_address("426号楼3单元102", "428号") == "428号楼3单元102"
    assert amended_address("426号楼3单元102", "105") == "426号楼3单元105"
