"""A review of the safety net's round 11 (issue #10): the new cues were too wide, and
laughter silenced real cries for help. Each rule is checked both ways: the look-alike
the reviewer found does not fire, and the emergency the rule was written for still
does. Sentences written for these tests, not copied from any set."""

from __future__ import annotations

import pytest

from assistant.safety import assess


def _emergency(text: str) -> bool:
    return assess(text, quiet=True).emergency


# 1. A collapse in the middle of something is a person's, not a machine's.
@pytest.mark.parametrize(
    "text",
    [
        "洗衣机洗着洗着不动了",
        "电视看着看着没声了",
        "电脑用着用着就不动了",
        "风扇转着转着就不动了，帮我约个维修",
        "电梯坐着坐着突然不动了",
        "我家洗衣机洗着洗着就不动了",
        "扫地机器人扫着扫着不动了",
        "手机用着用着突然没声了",
        "空调吹着吹着就不动了",
        "积木搭着搭着就倒了",  # a thing falling over
    ],
)
def test_a_machine_that_stops_is_no_collapse(text):
    assert not _emergency(text), assess(text, quiet=True)


@pytest.mark.parametrize(
    "text",
    [
        "我妈洗着洗着倒了",
        "老人走着走着就倒了",
        "走着走着就倒了",  # a verb only people do
        "吃着吃着就不动了",
        "洗着洗着人就倒了",
        "我奶奶吃着吃着就歪下去了",
        "我爸说着说着就没声了",
        "我爸开车开着开着就晕了",  # the car is what he drives, not who faints
        "司机开着开着突然不动了",  # a driver is a person
        "电梯里我妈坐着坐着不动了",  # a person between the machine and the verb
        "我爷爷看电视看着看着就没声了",  # the television is what he watches
    ],
)
def test_a_person_who_collapses_mid_action_still_fires(text):
    verdict = assess(text, quiet=True)
    assert verdict.emergency, verdict
    assert "medical" in verdict.kinds, verdict


# 2. A door held shut is violence only with someone outside forcing it.
@pytest.mark.parametrize(
    "text",
    [
        "单元门关不上，物业拿块砖顶着门",
        "家里门锁坏了，晚上用凳子顶着门睡",
        "我用凳子抵住门，防止风吹开",
    ],
)
def test_a_door_propped_or_held_is_no_break_in(text):
    assert not _emergency(text), assess(text, quiet=True)


@pytest.mark.parametrize(
    "text",
    [
        "有个男的硬要往屋里闯，我用桌子抵着门",
        "门口有人一直撞门，我拿椅子顶住门",
        "那个男的在外面踹门，我用柜子顶着门",
    ],
)
def test_someone_forcing_the_door_still_fires(text):
    verdict = assess(text, quiet=True)
    assert verdict.emergency and "violence" in verdict.kinds, verdict


# 3. Kept out at a gate is nobody caught.
@pytest.mark.parametrize(
    "text",
    [
        "门禁坏了，好多人被卡在门外进不来",
        "小区门禁又坏了，业主被卡在外面进不去",
    ],
)
def test_kept_out_at_a_gate_is_nobody_caught(text):
    assert not _emergency(text), assess(text, quiet=True)


@pytest.mark.parametrize(
    "text",
    [
        "车库的栏杆砸下来，有个人被卡住了",
        "孩子被卡在栏杆里了",
        "老人被压在柜子底下",
    ],
)
def test_a_person_caught_still_fires(text):
    verdict = assess(text, quiet=True)
    assert verdict.emergency and "trapped" in verdict.kinds, verdict


# 4. Gone to study or work elsewhere, not home since, is nobody missing.
@pytest.mark.parametrize(
    "text",
    [
        "我女儿去北京读书以后就没回来过",
        "我儿子去外地打工后就再没回来过年",
        "我姐去上海工作后就一直没回来过",
        "我女儿去外地上学以后就没回家",
    ],
)
def test_a_life_elsewhere_is_nobody_missing(text):
    assert not _emergency(text), assess(text, quiet=True)


@pytest.mark.parametrize(
    "text",
    [
        "我弟弟下楼去买酱油就没回来了",
        "我妈出门去买菜就一直没回来",
        "孩子早上去上学后就没回来，现在天都黑了",
        "孩子去同学家玩就没回来，天都黑了",
    ],
)
def test_someone_who_went_out_and_never_came_back_still_fires(text):
    verdict = assess(text, quiet=True)
    assert verdict.emergency and "missing" in verdict.kinds, verdict


# 5. "fight" needs blows or a cry for help around it.
@pytest.mark.parametrize(
    "text",
    [
        "两个人在fight about 停车位",
        "they are fighting about parking",
    ],
)
def test_a_quarrel_called_a_fight_is_no_violence(text):
    assert not _emergency(text), assess(text, quiet=True)


@pytest.mark.parametrize(
    "text",
    [
        "楼下有人在fighting，打得很凶",
        "有几个人在楼下fight，快报警",
    ],
)
def test_a_fight_with_blows_still_fires(text):
    verdict = assess(text, quiet=True)
    assert verdict.emergency and "violence" in verdict.kinds, verdict
    assert "fight" in "".join(verdict.cues) or "fighting" in verdict.cues, verdict


# 6. Laughter is a soft suppressor: urgency, a cue said to have happened, and
# self-harm override it.
@pytest.mark.parametrize(
    "text",
    [
        "嘿嘿嘿快来人啊，有人晕倒了",  # urgent
        "嘿嘿，楼下着火了",  # actual
        "嘻嘻我把药全吃了",  # actual, self-harm
        "嘻嘻，我不想活了",  # self-harm is never play
        "哈哈，我把自己锁在卫生间出不来了",
        "嘿嘿，我老公又打我了",
    ],
)
def test_laughter_does_not_silence_a_cry_for_help(text):
    verdict = assess(text, quiet=True)
    assert verdict.emergency, verdict
    assert not verdict.cues[0].startswith("model:"), verdict


@pytest.mark.parametrize(
    "text",
    [
        "他冲我笑了一下 我整个人跟过电似的 嘻嘻",
        "我家老头子的臭脚丫子哈哈，孙女说闻着像煤气",
        "嘿嘿",
        "嘻嘻",
        "哈哈哈我刚刚跟邻居打麻将赢了好多",
        "冬天干燥静电大，碰了下车门被电了一下嘿嘿",  # a static shock, laughed at or not
        "冬天干燥静电大，碰了下车门被电了一下",
    ],
)
def test_laughter_still_marks_play(text):
    verdict = assess(text, quiet=True)
    assert not verdict.emergency, verdict


def test_a_real_shock_is_no_static():
    assert _emergency("插座漏电，我被电了一下，手还麻")
