"""Round 12 review (tickets): bleeding denied or stopped gets no pressing of a wound; ..."""

from __future__ import annotations

import pytest

from assistant.tickets.emergency import FOLLOW_UP_DETAILS, emergency_advice, follow_up_advice

PRESS = "用干净的毛巾或衣服用力按压伤口止血，不要松手，等救护车来。"
BLEEDING = dict((name, pattern) for name, pattern, _ in FOLLOW_UP_DETAILS)["bleeding"]


# ---- MUST 6: bleeding denied or stopped ----------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    ["我爸摔倒了，没流血，但是起不来", "血不流了", "血止住了没再流", "没有出血", "伤口不流血了", "伤口已经止住了", "不流血了"],
)
def test_bleeding_denied_or_stopped_is_not_bleeding(text):
    assert not BLEEDING.search(text)
    assert PRESS not in follow_up_advice(text)


def test_a_fall_without_bleeding_gets_no_pressing_advice():
    advice = emergency_advice("我爸摔倒了，没流血，但是起不来")
    assert PRESS not in advice
    assert any("120" in line for line in advice)


@pytest.mark.parametrize(
    "text", ["他流血了", "血止不住", "血还没止住", "血没停", "血不停地流", "流血不止", "伤口很深", "血还是哗哗的流"]
)
def test_still_bleeding_still_gets_pressure(text):
    assert BLEEDING.search(text)
    assert PRESS in follow_up_advice(text)
