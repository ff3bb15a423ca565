"""The advice: the number first, short imperative Chinese, gas before fire."""

from __future__ import annotations

import re

import pytest

from assistant.safety import GENERAL_ADVICE, advice_for, advice_for_topics, assess
from assistant.safety.advice import ADVICE
from assistant.safety.lexicon import TOPIC_ORDER


def test_gas_comes_before_fire_and_says_touch_no_switch():
    verdict = assess("厨房燃气泄漏了还冒烟")
    assert verdict.kinds[:2] == ("gas", "fire")
    advice = advice_for(verdict)
    assert "不要开关电灯" in advice[0]
    assert any("119" in line for line in advice)


@pytest.mark.parametrize("text, number", [
    ("楼道里着火了", "119"), ("我爸突然晕倒了", "120"), ("有人拿刀在楼下打人", "110"),
    ("电梯困人了，里面有老人", "119"), ("孩子把一整瓶药都吃了", "120"), ("我家孩子走丢了", "110"),
    ("对门独居老人三天没见了，敲门没人应", "110"), ("有人触电倒地了", "120"),
    ("屋里烧炭取暖，一家人都头晕想吐", "120"), ("楼顶有人要跳楼", "110"),
])
def test_first_line_names_the_number(text: str, number: str):
    advice = advice_for(assess(text))
    assert number in advice[0], advice


@pytest.mark.parametrize("topic", [t for t in TOPIC_ORDER if t != "gas"])
def test_every_topic_calls_first(topic: str):
    assert re.search(r"11[09]|120", ADVICE[topic][0]), topic


@pytest.mark.parametrize("topic", TOPIC_ORDER)
def test_advice_is_short_plain_chinese(topic: str):
    lines = ADVICE[topic]
    assert 1 <= len(lines) <= 3
    for line in lines:
        assert not re.search(r"[A-Za-z]", line), line       # no English
        assert len(line) <= 40, line                         # one breath
        assert line.endswith("。"), line


def test_several_kinds_stay_short():
    verdict = assess("着火了，有人晕倒了，还有人被困在电梯里")
    advice = advice_for(verdict)
    assert verdict.kinds[0] == "fire" and "medical" in verdict.kinds and "trapped" in verdict.kinds
    assert advice[0] == ADVICE["fire"][0]
    assert len(advice) <= 5
    assert any("120" in line for line in advice)


def test_unclear_danger_gets_all_three_numbers():
    advice = advice_for(assess("快来人啊"))
    assert all(n in advice[0] for n in ("110", "119", "120"))


def test_when_the_net_held_back_the_classifier_still_gets_fitting_advice():
    # Rasa may call this an emergency although the net read it as a question.
    verdict = assess("着火了应该打什么电话")
    assert not verdict.emergency
    assert "119" in advice_for(verdict)[0]
    # An ordinary sense gives no topic: general numbers.
    assert advice_for(assess("想吃火锅")) == list(GENERAL_ADVICE)


def test_unknown_topics_fall_back_to_general():
    assert advice_for_topics(["nonsense"]) == list(GENERAL_ADVICE)
    assert advice_for_topics([]) == list(GENERAL_ADVICE)
