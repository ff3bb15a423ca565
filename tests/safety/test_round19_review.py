"""Review 19: the reviewer's notes on round 19's safety rules, by their reasons, in new words.

Each reason both ways: the real emergency fires (a relative, a place, a person inside), and the look-alike the
rule was written for stays quiet. No sentence is taken from a set or from the review's counter-examples.
"""

from __future__ import annotations

import pytest

from tests.safety._helpers import fires, verdict


# ---- note 1: hyperbole of effort (加班加到吐血) is the writer's own complaint with no result ------------------------

@pytest.mark.parametrize("text", [
    "我婆婆干了一天农活 累得吐血了",
    "我老伴忙得吐血了 刚才又吐了一口",
    "孩子练琴练得吐血了",
    "他熬夜熬到吐血 现在还在吐 止不住",
])
def test_blood_said_as_a_result_or_of_a_relative_fires(text):
    result = verdict(text)
    assert "medical" in result.kinds and "吐血" in result.cues


@pytest.mark.parametrize("text", [
    "背书背到吐血 明天还要考",
    "这个月加班加得快要吐血了",
    "被这破网气到吐血",
])
def test_the_complaint_of_effort_stays_quiet(text):
    assert not fires(text)
