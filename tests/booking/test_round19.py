"""Round 19 (issue #11, blind15 read): a booking's time changed by a change of mind after
it was chosen from a list — by its place in the list or by its clock — at a later question.
Own sentences, a fixed "today" (Sunday 2026-11-29 10:00), the actions run without Rasa."""

from __future__ import annotations

import copy

import pytest

import actions.booking as booking_actions
from tests.booking.form_helpers import NOW, run
from tests.booking.form_helpers import tracker as _tracker

LISTED = [{"title": f"12月1日（周二）上午{t}", "payload": f'/inform{{"time": "2026-12-01T{iso}"}}'}
          for t, iso in (("8点半", "08:30"), ("9点半", "09:30"), ("10点半", "10:30"))]
EVENTS = [{"event": "active_loop", "name": "booking_form"},
          {"event": "bot", "text": "可以约的时间有：……", "data": {"buttons": LISTED}}]


def tracker(text: str, requested: str = "booking_address", **slots):
    return _tracker(text, sender="web:r19", events=copy.deepcopy(EVENTS), slots={
        "booking_service": "维修", "booking_time": "2026-12-01T08:30", "requested_slot": requested, **slots})


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(booking_actions, "now", lambda: NOW)


@pytest.mark.parametrize(("said", "iso"), [
    ("等等 头一个太早了 还是要最后那个", "2026-12-01T10:30"),
    ("还是第二个吧", "2026-12-01T09:30"),
    ("哎 换成第三个", "2026-12-01T10:30"),
    ("不好意思 还是九点半那个吧 八点半起不来", "2026-12-01T09:30"),  # by its clock
    ("等下 还是十点半的吧", "2026-12-01T10:30"),
])
def test_a_change_of_mind_at_the_address_question_moves_the_time(app_env, domain, said, iso):
    slots, _, _ = run(booking_actions.ValidateBookingForm(), tracker(said), domain)
    assert slots.get("booking_time") == iso


@pytest.mark.parametrize("said", ["还是第五个吧", "第二个是几点来着？", "5号楼2单元301"])
def test_no_change_of_mind_keeps_the_time(app_env, domain, said):
    slots, _, _ = run(booking_actions.ValidateBookingForm(), tracker(said), domain)
    assert slots.get("booking_time") in (None, "2026-12-01T08:30")

