"""Review 19 (booking): the reviewer's notes on the booking conversation, one section each
(the note's number in its heading). Own sentences, a fixed "today" (Sunday 2026-11-29
10:00); the actions run without Rasa."""

from __future__ import annotations

import pytest

import actions.booking as booking_actions
from assistant.booking import conversation
from tests.booking.form_helpers import NOW, run, texts
from tests.booking.form_helpers import tracker as _tracker
from tests.booking.test_round13 import FILLED


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(booking_actions, "now", lambda: NOW)


def _readback(said: str):
    return _tracker(said, sender="web:rv19b", intent="inform", slots=FILLED, form_active=False)


# --- #6: a day named with a deferral puts the decision off, not the booking ---------------

@pytest.mark.parametrize("said", [
    "那还是后天跟我老伴商量了再说",
    "还是周五再定吧",
    "还是下礼拜再看看吧",
    "还是明早考虑考虑",
    "还是下午等我儿子回来问问",
])
def test_a_hedge_naming_a_day_at_the_readback_waits(app_env, domain, said):
    slots, messages, _ = run(booking_actions.ActionSubmitBooking(), _readback(said), domain)
    assert "不着急" in texts(messages)
    assert slots.get("booking_time") in (None, FILLED["booking_time"])
    assert conversation.correction_from(said, now=NOW) is None


@pytest.mark.parametrize("said", ["还是周四吧", "改三点吧", "换到后天上午 我再问问别的事"])
def test_a_change_of_mind_with_a_day_still_corrects_the_time(app_env, domain, said):
    slots, messages, _ = run(booking_actions.ActionSubmitBooking(), _readback(said), domain)
    assert "不着急" not in texts(messages)
    assert conversation.correction_from(said, now=NOW).slot == "booking_time"


def test_a_booking_again_is_no_deferral():
    # 再定个… books another: 再定 alone is the deferral.
    assert conversation.correction_from("改明天 再定个理发", now=NOW).slot == "booking_time"


# --- #33: a contact said to differ from last time is not last time's ---------------------------

def _at_the_address_question(db, said):
    from assistant.booking.conversation import remember

    remember(db, "web:rv19k", address="6号楼1单元302", phone="13812345678")
    events = [{"event": "active_loop", "name": "booking_form"}, {"event": "user", "text": said}]
    return _tracker(said, sender="web:rv19k", events=events, slots={
        "booking_service": "保洁", "booking_time": "2026-12-01T09:00", "requested_slot": "booking_address"})


@pytest.mark.parametrize("said", ["住址和上回不一样了", "地址可别跟之前一样 我搬新家了", "地址跟原来的没一样 换地方住了"])
def test_an_address_said_to_differ_is_asked_for(app_env, domain, said):
    slots, _, _ = run(booking_actions.ValidateBookingForm(), _at_the_address_question(app_env, said), domain)
    assert slots.get("booking_address") != "6号楼1单元302"
    assert conversation.keeps_contact(said) is None


@pytest.mark.parametrize("said", ["住址跟上回一样", "地址没变"])
def test_an_address_said_to_stay_is_last_times(app_env, domain, said):
    slots, _, _ = run(booking_actions.ValidateBookingForm(), _at_the_address_question(app_env, said), domain)
    assert slots.get("booking_address") == "6号楼1单元302"


# --- #7: a fallback time said after the choice ---------------------------------------------

@pytest.mark.parametrize(("said", "kept"), [
    ("改五点吧 五点半也可以", "五点"),
    ("还是十点，十点半都行", "十点"),
    ("换成下午三点 三点一刻也成", "下午三点"),
    ("不对 两点我要接孙子 三点吧", "三点"),  # a time given up is still passed over
    ("不对 两点不行 三点也行", "三点"),  # the fallback, when it is all there is
])
def test_the_time_chosen_wins_over_a_fallback(said, kept):
    found = conversation.correction_from(said, now=NOW)
    assert found.slot == "booking_time" and found.value.startswith(kept)
    assert not found.value.startswith(kept + "半") and "一刻" not in found.value


# --- #8: a change of mind and the address in one message ------------------------------------

@pytest.mark.parametrize("said", ["还是第一个 地址是5号楼2单元301", "哎 换成头一个吧，住址7栋1单元402"])
def test_a_repick_with_the_address_keeps_both(app_env, domain, said):
    from tests.booking.test_round19 import tracker as listed_tracker

    slots, _, _ = run(booking_actions.ValidateBookingForm(),
                      listed_tracker(said, booking_time="2026-12-01T09:30"), domain)
    assert slots.get("booking_time") == "2026-12-01T08:30"
    assert slots.get("booking_address", "").startswith(("5号楼", "7栋"))


@pytest.mark.parametrize(("said", "address"), [
    ("住址7栋1单元402", "7栋1单元402"),
    ("约个保洁，住址是十二栋三单元六零一", "十二栋三单元六零一"),
    ("地址：3号楼2单元501 电话13912345678", "3号楼2单元501"),
])
def test_the_address_marker_goes_whole(said, address):
    assert conversation.address_in(said) == address
