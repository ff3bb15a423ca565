"""The eleventh round of the safety net (issue #10): general rules for the causes of
blind set 10's misses and false alarms (the set became a tuning set after it was
measured once). Sentences written for these tests, not copied from any set. Each
new cue is checked to fire from the lexicon (not the n-gram model), each new
suppressor both ways, and the harder gate on a classifier's "emergency" both ways."""

from __future__ import annotations

import pytest

from assistant.safety import assess
from assistant.safety.net import SafetyVerdict, settle_intent

LEXICON_EMERGENCIES = [
    # nieces and nephews are children
    ("我外甥放学半天了不见了，老师说早就走了", "missing: a nephew"),
    # went out for something and never came back
    ("我弟弟下楼去买酱油就没回来了", "missing: went out and never came back"),
    # out for hours, cannot recognise people or the way
    ("我外婆出门四个小时了，她认不得路", "missing: out for hours, cannot find the way"),
    ("我爷爷早上出去后一直没回，他糊涂了", "missing: 一直没回"),
    # a phone's location is no lost phone
    ("我女儿在公园玩，现在找不到了，手机定位也没有", "missing: the phone's location"),
    # a smell taken for gas; gas spraying from a valve
    ("走廊里一股怪味，冲得很，好像是煤气", "gas: a smell taken for gas"),
    ("厨房的液化气瓶阀门坏了一直在喷", "gas: a valve spraying"),
    # a complaint that ends with "does nobody deal with it?" is no question
    ("你们怎么搞的整个楼道都是燃气味没人管吗", "gas: a rebuke, no question"),
    # people fighting hard; someone forcing the door
    ("楼下有人在fighting，打得很凶", "violence: fighting"),
    ("有个男的硬要往屋里闯，我用桌子抵着门", "violence: forcing the door"),
    # a collapse in the middle of something; lying there with nobody helping
    ("我奶奶吃着吃着就歪下去了", "medical: a collapse mid-meal"),
    ("小区门口有个阿姨躺了好久没人扶", "medical: lying there, nobody helps"),
    ("开门一股味熏得人头晕，屋里老爷爷坐在沙发上不动", "medical: motionless amid fumes"),
    # someone in a stalled lift
    ("电梯里有个老人，门关了就不动了", "trapped: someone in a stalled lift"),
    ("我在地下室的电梯，然后，停了，没信号了", "trapped: I am in the lift, no signal"),
    # a person caught; a child out on a ledge
    ("车库的栏杆砸下来，有个人被卡住了", "trapped: a person caught"),
    ("我儿子爬到阳台外面的空调外机上了", "trapped: a child on a ledge"),
    # water reaching electricity: Cantonese 入咗, a wire in water, a charging shed, English
    ("水入咗插座，噼啪响", "electric_water: Cantonese 入咗"),
    ("路灯的线断了掉在积水里", "electric_water: a wire in water"),
    ("电动车充电站进水了", "electric_water: a charging station flooded"),
    ("basement flooding，水漫到配电箱了", "electric_water: English flooding"),
    # a progressive inside the cue makes it actual, whatever the complaint
    ("我要投诉，楼上的水正往我家电表箱里流", "electric_water: going on inside a complaint"),
    # a power bank on fire is no talk about charging
    ("对了我家充电宝烧起来了怎么办", "fire: a power bank burning"),
    # someone living alone, no news for days
    ("我姑妈独居，四天没消息了", "silent_elder: no news"),
]

NOT_EMERGENCIES = [
    # hyperbole after 得
    ("打牌输得我都要吐血了", "hyperbole: 吐血"),
    ("做报表做得我头都要炸了", "hyperbole: 头要炸"),
    ("爬山爬得上气不接下气，太累了", "out of breath from exercise"),
    # stuck in a meeting; a card that does not respond
    ("今天被困在单位开了一上午会", "stuck in a meeting"),
    ("水卡插进去没反应，在哪里充值", "a card that does not respond"),
    # a fire exit locked: a hazard report
    ("安全出口的门被锁死了出不去，你们管一下", "a locked fire exit"),
    # a hiding game
    ("我藏在床底下，爸爸都找不到我", "hiding"),
    # a minor injury with a plaster; something over
    ("我膝盖摔了个包，已经贴了创可贴", "a bump and a plaster"),
    ("我和同桌吵架打架了，后来又好了", "a quarrel made up"),
    ("我的脚卡在栏杆里了，爸爸帮我弄出来了", "caught, freed"),
    # procedures, how-to, how easy
    ("物业问一下电梯困人的处理流程", "a procedure"),
    ("消毒液怎么兑水比较好", "how to dilute"),
    ("围墙太矮了，翻墙进来很容易", "how easy"),
    # hazard complaints: a consequence, e-bikes in the stairwell
    ("楼道灯坏了一个月，着火了都看不见路", "a hazard's consequence"),
    ("电动车都停在楼梯间，烧起来怎么办", "e-bikes in the stairwell"),
]


@pytest.mark.parametrize(("text", "why"), LEXICON_EMERGENCIES)
def test_round11_cues_fire_from_the_lexicon(text, why):
    verdict = assess(text, quiet=True)
    assert verdict.emergency, (why, verdict)
    assert not verdict.cues[0].startswith("model:"), (why, verdict)


@pytest.mark.parametrize(("text", "why"), NOT_EMERGENCIES)
def test_round11_look_alikes_do_not_fire(text, why):
    verdict = assess(text, quiet=True)
    assert not verdict.emergency, (why, verdict)


@pytest.mark.parametrize(
    "text",
    [
        # the same words in a real emergency still fire
        "我爸突然吐血了，好多血",
        "我妈在家突然头痛欲裂，说不出话",
        "孩子被困在卫生间出不来了，门打不开",
        "我把手卡在机器里了拔不出来",
        "消防通道着火了，好多烟",
        "楼道里电动车烧起来了，好大的烟",
        "我奶奶一个人住，五天没人接电话了",
    ],
)
def test_round11_suppressors_keep_the_real_ones(text):
    assert assess(text, quiet=True).emergency


@pytest.mark.parametrize(
    "text",
    [
        # no cue at all, and the message says what it is about: anger, a habit, a thing lost,
        # something over, a repair — a classifier's "emergency" is outvoted
        "孩子又没考好，我一肚子气",
        "小区门口老有人发传单",
        "我老花镜戴在头上还到处找",
        "前天锅烧糊了一点，现在都好了",
        "阳台下水管一直渗水",
        "逛了一整天，腿都走断了",
    ],
)
def test_round11_no_cue_and_a_reason_outvotes_the_classifier(text):
    verdict = assess(text, quiet=True)
    assert not verdict.emergency, verdict
    assert verdict.suppressed and verdict.suppressed[0].endswith("→model"), verdict
    assert not verdict.plausible
    assert settle_intent("emergency", verdict) is None


def test_round11_the_gate_needs_a_reason():
    # without a reason, the old rules stand: no cue and even odds let the classifier's emergency stand
    assert SafetyVerdict(False, model_score=0.6).plausible
    # a reason read without any cue outvotes it, whatever the score below firing
    assert not SafetyVerdict(False, suppressed=("everyday:一肚子气→model",), model_score=0.79).plausible
    # a cue suppressed keeps the model's own threshold (round 15: unless denied or over, which is final)
    assert SafetyVerdict(False, suppressed=("hazard_complaint:隐患→着火",), model_score=0.85).plausible
    assert not SafetyVerdict(False, suppressed=("past:昨天→着火",), model_score=0.85).plausible


@pytest.mark.parametrize(
    "text",
    [
        # urgent words keep the habit or the past from outvoting anything
        "小区门口老有人打架，快来人",
    ],
)
def test_round11_not_now_is_not_read_when_urgent(text):
    verdict = assess(text, quiet=True)
    assert not any(s.startswith(("habitual:", "past:")) and s.endswith("→model") for s in verdict.suppressed)


@pytest.mark.parametrize(
    ("text", "emergency"),
    [
        # the new cues keep to their scope
        ("水管阀门坏了一直在喷水", False),  # water, not gas
        ("早高峰地铁大家硬往里挤", False),  # a crowd, not a break-in
        ("我爸的报销被卡在审批那一步", False),  # paperwork, not a person caught
        ("我爸爬到空调外机上去清洗了", False),  # a chore on a ledge
        ("我在电梯里没信号，等下回你", False),  # a phone without signal
        ("自来水入户管道在电表旁边", False),  # 入户 is no water entering
        ("楼下的垃圾桶倒了没人管", False),  # nobody lying there
        ("我爸坐沙发上不动，一直看电视", False),  # motionless, nothing wrong around
        # the new suppressors keep to theirs
        ("我爸晕倒了，要是有人在就好了", True),  # a wish, not "it came right"
        ("楼道堆满杂物，着火了，出不去了", True),  # a hazard complaint on fire, people trapped
        ("我妈爬两层楼就喘得上气不接下气", True),  # out of breath, not tired from sport
        ("我妈刷卡进门后倒地没反应", True),  # a person, not the card
    ],
)
def test_round11_scopes(text, emergency):
    assert assess(text, quiet=True).emergency is emergency


def test_round11_a_past_day_said_to_be_over_does_not_fire_from_the_model():
    verdict = assess("前天锅烧糊了，屋里都是味，开窗散了", quiet=True)
    assert not verdict.emergency and not verdict.plausible, verdict
    assert verdict.suppressed == ("past:前天→model",), verdict
