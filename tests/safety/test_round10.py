"""The tenth round of the safety net (issue #10): general rules for the causes of
blind set 9's misses and false alarms (the set became a tuning set after it was
measured once). Sentences written for these tests, not copied from any set. Each
new cue is checked to fire from the lexicon (not the n-gram model), and each new
suppressor both ways: the look-alike stays quiet, the real emergency still fires."""

from __future__ import annotations

import pytest

from assistant.safety import assess

LEXICON_EMERGENCIES = [
    # a gas leak heard, growing or filling the building is happening, complaint or not
    ("物业管不管啊，五楼煤气管子一直嘶嘶地响", "gas: a leak heard inside a complaint"),
    ("楼上燃气味越来越浓，你们物业到底管不管", "gas: a smell growing inside a complaint"),
    # power still on amid water; a charging post is a place, not talk about charging
    ("停车场淹水了，那排充电桩还通着电", "electric_water: power still on amid water"),
    ("小区积水都漫到充电桩了", "electric_water: water reaching a charging post"),
    ("电梯井里灌满了水，电梯还在运行", "electric_water: a flooded lift shaft, lift running"),
    # a rebuke ending in 吗 demands action, it does not ask
    ("地下室配电箱泡在水里冒火花你们还不拉闸吗", "electric_water: a rebuke, no question"),
    # a person searched for everywhere
    ("我外公早上出门到现在没回，小区都找遍了", "missing: searched everywhere"),
    # the lift stopped and its door will not open whatever one does
    ("电梯咣当一声卡住了，门怎么按都不开", "trapped: lift stopped, door shut"),
]

NOT_EMERGENCIES = [
    # ordinary senses spanning the cue
    ("阿拉火老大，侬讲这种物业有啥用", "Shanghainese: very angry"),
    ("厨房热水器点了几次，打火都打不着，没热水", "an igniter that will not catch"),
    ("今天天气太闷了，闷得我喘不上气，空调能早点开吗", "stuffy weather"),
    ("办个证跑了四趟，气都喘不过来了", "out of breath from errands"),
    ("弟弟跟我抢平板打起来了，被爸爸说了一顿", "siblings squabbling"),
    ("我想约维修，卧室门把手转不动了", "a lock that will not turn"),
    ("那个歌手眼神会放电，我被电到了", "a flirt's electricity"),
    # a dispute taken to mediation, not violence now
    ("楼上老是威胁说要告我，社区能帮忙调解吗", "a threat taken to mediation"),
    # over: recovered, or a child collected by family
    ("我妈上个月摔了一跤，现在能下床了", "a fall, recovered"),
    ("商场里那个走失的小孩已经被爸爸接走了", "a lost child collected by family"),
    # a typo of 找到了 still says it is over
    ("孙女在超市跑丢了一下，保安帮忙找道了", "typo of 找到了"),
    # 有时候: a recurring complaint asked about
    ("我有时候胸口闷，该看哪个科", "sometimes, asked about"),
    # everyday look-alikes the n-gram model over-reads
    ("我荷包唔见咗，有冇人执到", "Cantonese: a lost purse"),
    ("周末一直在家躺平，没下楼", "staying in by choice"),
    ("我公公这个月来我家住，他那边的报纸先别送了", "an elder staying with family"),
]


@pytest.mark.parametrize(("text", "why"), LEXICON_EMERGENCIES)
def test_round10_cues_fire_from_the_lexicon(text, why):
    verdict = assess(text, quiet=True)
    assert verdict.emergency, (why, verdict)
    assert not verdict.cues[0].startswith("model:"), (why, verdict)


@pytest.mark.parametrize(("text", "why"), NOT_EMERGENCIES)
def test_round10_look_alikes_do_not_fire(text, why):
    verdict = assess(text, quiet=True)
    assert not verdict.emergency, (why, verdict)


@pytest.mark.parametrize("text", [
    # the same words in a real emergency still fire
    "热水器打火的地方着火了，火苗窜出来了",
    "我爸突然喘不上气，嘴唇都紫了",
    "邻居拿着刀威胁要砍我，就在门口",
    "商场里我儿子走丢了，被一个陌生人抱走了",
    "楼上漏水漏到电闸上了，一直滋滋响",
    "我奶奶有时候会糊涂，今天出门到现在都没回来",
])
def test_round10_suppressors_keep_the_real_ones(text):
    assert assess(text, quiet=True).emergency


@pytest.mark.parametrize(("text", "kind"), [
    # spaced toneless pinyin: people, places and water reaching power are read as Chinese
    ("wo nv er zai gong yuan zou diu le", "missing"),
    ("dui men lao ren hao ji tian mei chu men le", "silent_elder"),
    ("shui yan dao cha xian ban le hai zai mao huo hua", "electric_water"),
])
def test_round10_spaced_pinyin_reports_fire(text, kind):
    verdict = assess(text, quiet=True)
    assert verdict.emergency and kind in verdict.kinds, verdict


def test_round10_pinyin_how_to_question_stays_quiet():
    assert not assess("cha zuo zen me an zhuang", quiet=True).emergency


@pytest.mark.parametrize(("text", "emergency"), [
    # A yes/no question about what to do is a cry for help when the danger is said to be going on.
    ("电箱泡在水里冒火花能拉闸吗", True),
    ("楼道配电箱还在冒烟能用水泼吗", True),
    ("厨房着火能用水浇吗", False),  # no sign it is happening: a question
])
def test_round10_a_question_about_an_ongoing_danger_fires(text, emergency):
    assert assess(text, quiet=True).emergency is emergency
