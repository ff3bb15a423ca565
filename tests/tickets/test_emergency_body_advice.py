"""Pain and dizziness get their first-aid advice only in a fall, injury or illness (never
before the way out of a fire, a gas leak, live water or a trap), said to 您 when the resident
speaks of themselves; 恶心 is a body sense only with a person (not 这物业真恶心)."""

from __future__ import annotations

import pytest

from assistant.tickets.emergency import follow_up_advice

LIE_STILL = "别让他乱动"


def test_gas_comes_first_and_no_lying_still():
    lines = follow_up_advice("煤气味越来越大，我头好疼")
    assert "人先到室外" in lines[0]
    assert not any("别扶" in line or "乱动" in line or "头晕、恶心" in line for line in lines)


def test_fire_with_legs_that_do_not_move_gets_no_lying_still():
    lines = follow_up_advice("家里着火了，我腿动不了")
    assert "119" in lines[0] and not any("乱动" in line for line in lines)


def test_trapped_gets_no_dizzy_advice():
    assert not any("头晕、恶心" in line for line in follow_up_advice("被困在电梯里了头晕"))


def test_a_fall_gets_the_pain_advice_about_him():
    lines = follow_up_advice("我妈摔倒了腿疼")
    assert LIE_STILL in lines[0] and "120" in "".join(lines)


def test_the_resident_hurt_is_told_you():
    lines = follow_up_advice("我腿动不了")
    assert lines[0].startswith("您先别起来") and "他" not in lines[0]


@pytest.mark.parametrize("text", ("我有点恶心想吐", "他犯恶心", "我头好晕"))
def test_a_body_sense_gets_the_dizzy_advice(text):
    assert any("头晕、恶心" in line for line in follow_up_advice(text))


@pytest.mark.parametrize("text", ("这物业真恶心", "物业有点恶心", "太恶心了"))
def test_an_insult_gets_no_advice(text):
    assert follow_up_advice(text) == []
