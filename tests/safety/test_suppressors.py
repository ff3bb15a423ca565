"""Each suppressor silences the cue in its scope, says why, and nothing more."""

from __future__ import annotations

import pytest

from assistant.safety import assess


def suppressed_as(text: str) -> list[str]:
    """The categories (``hypothetical``...) of the suppressed cues of a message."""
    return [entry.split(":", 1)[0] for entry in assess(text).suppressed]


@pytest.mark.parametrize("text, reason", [
    ("万一着火了怎么办", "hypothetical:万一→着火"),
    ("如果老人晕倒了要先做什么", "hypothetical:如果→晕倒"),
    ("燃气泄漏应该找谁", "hypothetical:应该→燃气泄漏"),
    ("怎么预防老人摔倒", "hypothetical:怎么预防→摔倒"),
    ("社区什么时候搞消防演练，着火了往哪跑", "hypothetical:演练→着火"),
    ("上周三楼的煤气漏过一次，修好了", "past:过一次→煤气漏"),
    ("刚才油锅起火了，已经灭了", "past:已经灭了→起火"),
    ("楼道里的纸箱是火灾隐患", "hazard_complaint:隐患→火灾"),
    ("没有着火，别担心", "negation:没有→着火"),
    ("差点摔倒，地太滑了", "negation:差点→摔倒"),
    ("今天中午吃火锅，火很大", "ordinary_sense:火锅→火很大"),
    ("电梯经常困人，赶紧修", "habitual:经常→电梯经常困人"),
])
def test_reason_is_reported(text: str, reason: str):
    verdict = assess(text)
    assert not verdict.emergency, verdict
    assert reason in verdict.suppressed, verdict.suppressed


def test_hypothetical_scope_is_the_sentence_not_the_message():
    # 如果 belongs to the first sentence; the fire in the second is real.
    verdict = assess("如果有事我再问你。现在楼道里着火了！")
    assert verdict.emergency and verdict.kinds == ("fire",)


def test_a_worry_far_before_the_cue_does_not_suppress_it():
    assert assess("俺害怕，有个人在撬俺家的门").emergency
    assert not assess("我怕着火").emergency


def test_how_to_with_perfective_is_a_cry_for_help():
    assert assess("着火了怎么办").emergency          # it is burning
    assert not assess("着火怎么办").emergency         # a question
    assert assess("我家着火怎么办").emergency         # a real place: it is burning
    assert not assess("老人摔倒怎么办").emergency


@pytest.mark.parametrize("text", [
    "昨天开始就叫不应了",                              # past start, still going on
    "我爸从昨天到现在电话一直没人接，他一个人住",
    "昨天着过一次火灭了，今天又烧起来了",                # re-escalation after it was over
    "已经灭了但是又冒烟了",
    "上周约的陪诊还在吗，我现在喘不过气了",              # the nearest time word is now
])
def test_past_that_goes_on_or_comes_back_still_fires(text: str):
    assert assess(text).emergency, assess(text)


def test_over_marker_only_covers_cues_before_it():
    verdict = assess("刚才着火了已经灭了，后来又烧起来了")
    assert verdict.emergency and "烧起来" in verdict.cues
    assert any(s.startswith("past:") for s in verdict.suppressed)


def test_negated_over_marker_is_not_over():
    assert assess("孩子走丢了还没找到").emergency
    assert not assess("孩子走丢了一会儿，后来找到了").emergency


def test_negation_applies_only_to_the_denied_cue():
    verdict = assess("不是着火，是电线在冒烟")
    assert verdict.emergency and "冒烟" in verdict.cues and "着火" not in verdict.cues
    assert "negation:不是→着火" in verdict.suppressed


def test_questions_are_not_denials():
    assert assess("是不是着火了，好大的烟味").emergency
    assert assess("有没有人啊，救命").emergency


def test_ordinary_sense_hides_only_the_overlapping_cue():
    assert assess("火车站旁边的楼着火了").emergency       # 火车 and 着火 do not overlap
    assert assess("他喝了消毒液").emergency               # 消毒 lies inside the cue
    assert not assess("楼道什么时候消毒").emergency


def test_urgency_overrides_hazard_complaint():
    assert not assess("电动车在楼道里充电，着火咋办").emergency
    assert assess("跟你们说多少次别在楼道充电，现在真烧起来了").emergency
    assert assess("物业怎么还不管，楼下冒黑烟了").emergency


def test_habit_does_not_silence_a_missing_elder():
    # "every day he plays chess" is the baseline that makes three days alarming
    assert assess("老赵头平常天天来下棋，这都三天没见了，敲门也不吭声").emergency


def test_minor_spark_is_not_a_fire_but_a_little_gas_smell_is_a_leak():
    assert not assess("插座松了，有点火花").emergency
    assert assess("家里有点煤气味").emergency


def test_every_category_is_used_by_the_table_above():
    categories = {c for text, reason in [
        ("万一着火了怎么办", ""), ("刚才油锅起火了，已经灭了", ""), ("楼道里的纸箱是火灾隐患", ""),
        ("没有着火，别担心", ""), ("今天中午吃火锅，火很大", ""), ("电梯经常困人，赶紧修", ""),
    ] for c in suppressed_as(text)}
    assert categories == {"hypothetical", "past", "hazard_complaint", "negation", "ordinary_sense", "habitual"}
