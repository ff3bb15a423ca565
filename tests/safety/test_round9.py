"""The ninth round of the safety net (issue #10): general rules for the phrasings
the round's own development set (bench/emergency_dev9.jsonl, written for the round
in the registers earlier rounds missed) showed it missed or over-read. Sentences
written for these tests, not copied from any set. Each new cue is checked to fire
from the lexicon (not the n-gram model), and each new suppressor both ways."""

from __future__ import annotations

import pytest

from assistant.safety import assess

LEXICON_EMERGENCIES = [
    # someone calling out inside the lift shaft
    ("货梯井里有人在敲门喊，听着很急", "trapped: someone inside the shaft"),
    # shut in, the place said before (被关里面)
    ("车库那扇铁门坏了，我爸被关里面出不来", "trapped: shut inside, place said before"),
    # an elder or a woman being beaten
    ("小区门口有个男的在踢老大爷", "violence: an old man kicked"),
    # a threat that is about now (过 in 好过 is no past aspect)
    ("他在楼下喊说今晚不让我好过，我一个人在家", "violence: a threat"),
    # out all night, not at school
    ("我闺女一夜没回家，电话也关机了", "missing: out all night"),
    ("儿子早上背着书包出门，老师打电话说学校也没到", "missing: never reached school"),
    # a child lost somewhere, the search asked for
    ("我外孙在超市门口丢的，快帮我找找", "missing: where the child was lost"),
    # the meal brought every day left at the door
    ("我天天给楼下老周送菜，今天菜还在门口没人拿", "silent_elder: the daily meal not taken"),
    # Cantonese 成个礼拜: a whole week
    ("对面屋阿婆成个礼拜冇出门，拍门冇人应", "silent_elder: a whole week"),
]

NOT_EMERGENCIES = [
    # it is over: no smell now, calm now, taken away, the doctor says it is fine
    ("中午厨房有点燃气味，开窗通风以后现在没味了", "a smell gone"),
    ("刚才两个醉汉在门口打架，保安已经给带走了", "a fight ended"),
    ("楼上刚才吵得厉害，现在安静了", "quiet now"),
    ("宝宝舔了一口洗手液，医生说没事", "the doctor says it is fine"),
    ("我侄子摔了一下，已经不哭了", "a child calmed down"),
    # idioms and harmless things
    ("我平板屏幕炸了，附近有修的吗", "a cracked screen"),
    ("打死我也不再买这家的菜了", "a vow"),
    ("周末社区讲预防煤气中毒，要报名吗", "a safety talk"),
    ("几个小孩在楼道躲在门后面玩捉迷藏", "hide and seek"),
    ("我把钥匙锁在车里了，车门打不开，有开锁的吗", "keys locked in a car"),
    ("我的耳环掉进下水道了，能帮忙捞吗", "an earring down the drain"),
    # accounted for: she said why she stays in
    ("隔壁刘阿姨三天没下楼，她说腿酸懒得下楼，在家歇着", "an elder who chose to stay in"),
    # an event already past
    ("小孩卡在栏杆里的事去年就发生过，栏杆该换了", "an event that happened before"),
]


@pytest.mark.parametrize(("text", "why"), LEXICON_EMERGENCIES)
def test_round9_cues_fire_from_the_lexicon(text, why):
    verdict = assess(text, quiet=True)
    assert verdict.emergency, (why, verdict)
    assert not verdict.cues[0].startswith("model:"), (why, verdict)


@pytest.mark.parametrize(("text", "why"), NOT_EMERGENCIES)
def test_round9_look_alikes_do_not_fire(text, why):
    verdict = assess(text, quiet=True)
    assert not verdict.emergency, (why, verdict)


@pytest.mark.parametrize("text", [
    # the suppressors above must not silence the same words happening now
    "燃气味越来越重，关了阀门还是有味，我头好晕",
    "楼下有人拿刀追着打人，保安还没来",
    "我儿子把我锁在车里了，车里好热，车门打不开",
    "孩子躲在厕所里，他爸拿着刀在砸门",
    "我孙子掉进窨井里了，快来人",
])
def test_round9_suppressors_keep_the_real_ones(text):
    assert assess(text, quiet=True).emergency
