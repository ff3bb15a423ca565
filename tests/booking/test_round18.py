"""Round 18 (issue #11, blind14 read): the age said with a later change of service is the
person's age, not an answer being corrected. New wording."""

from __future__ import annotations

import pytest

import actions.booking as booking_actions
from tests.booking.test_actions import run, tracker  # noqa: F401
from tests.booking.test_actions import fixed_now  # noqa: F401 - a fixture

FORM = booking_actions.ValidateBookingForm


@pytest.mark.parametrize("said", [
    "说错了 不是剃头 是助浴 我爸九十了",
    "哦不对，不是理发，是上门洗澡的那个，老太太都八十五岁了",
    "不是理发是助浴 她腿脚不好走不了路",
])
def test_the_age_said_with_a_later_change_of_service_is_kept(app_env, domain, said):
    slots, messages, _ = run(FORM(), tracker(said, slots={
        "booking_service": "理发", "requested_slot": "booking_time"}), domain)
    assert slots.get("booking_service") == "助浴"
    assert slots.get("booking_eligibility") == said
    assert not any("多大年纪" in m for m in messages)


def test_a_change_of_service_without_an_age_still_asks_it(app_env, domain):
    slots, _, _ = run(FORM(), tracker("不对不对 不是理发 要助浴", slots={
        "booking_service": "理发", "requested_slot": "booking_time"}), domain)
    assert slots.get("booking_service") == "助浴"
    assert not slots.get("booking_eligibility")


def test_a_number_in_a_change_of_another_answer_is_no_age(app_env, domain):
    # 改成81号楼 corrects the address: 81 is no age, and the eligibility is not touched.
    slots, _, _ = run(FORM(), tracker("地址不对 改成81号楼2单元301", slots={
        "booking_service": "助浴", "booking_address": "18号楼2单元301",
        "requested_slot": "booking_phone"}), domain)
    assert not slots.get("booking_eligibility")


@pytest.mark.parametrize("said", ["不是理发 是助浴 送到81号楼", "不是理发是助浴 28号下午两点"])
def test_numbers_of_a_place_or_a_day_with_the_change_are_no_age(app_env, domain, said):
    slots, _, _ = run(FORM(), tracker(said, slots={
        "booking_service": "理发", "requested_slot": "booking_time"}), domain)
    assert not slots.get("booking_eligibility")
