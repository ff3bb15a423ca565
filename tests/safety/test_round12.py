"""The twelfth round of the safety net (issue #10): general rules for the causes of
blind set 11's misses and false alarms (the set became a tuning set after it was
measured once), and two review findings (the typo 一氧化探; a lift that trapped the
resident before, nobody trapped now). Sentences written for these tests, not copied
from any set. Each new cue is checked to fire from the lexicon (not the n-gram
model), each new suppressor both ways."""

from __future__ import annotations

import pytest

from assistant.safety import assess
from assistant.safety.normalise import normalise

LEXICON_EMERGENCIES = [
    # a homophone typo of 一氧化碳
    ("我家一氧化探中毒了，两个人都晕", "poisoning: 一氧化探"),
    # Shanghainese 勿 and Cantonese 返屋企
    ("阿拉阿爹早浪出去，到现在还勿回来", "missing: Shanghainese 勿回来"),
    ("我个女放学冇返屋企，而家八点了", "missing: Cantonese 冇返屋企"),
    # the child should be home by now and the phone is off
    ("孙女早该到家了，打电话关机", "missing: expected home, phone off"),
    # out for hours, cannot remember the way
    ("我妈说去菜场买菜，三个小时了，她记不住路", "missing: out for hours, forgets the way"),
    # a parcel locker is a place, not a lost parcel
    ("我儿子在快递柜旁边玩，一转眼就不见了", "missing: near a parcel locker"),
    # the resident inside a room whose lock is broken
    ("我在厕所里，门把坏了门打不开，手机快没电了", "trapped: locked in, door broken"),
    # lights that went out are not a fire put out
    ("电梯卡在半空，灯全灭了，里面有老人", "trapped: the lights went out"),
    # someone overcome by a fume, whatever the habit before
    ("楼下那家老是烧东西，今天烟太大，我妈被熏晕了", "poisoning: overcome by smoke"),
]

NOT_EMERGENCIES = [
    # a hazard complaint's consequence: could not even run
    ("过道里全是纸箱，着火了逃都逃不掉，物业管一下", "a hazard's consequence"),
    # romance
    ("我跟他第一次见面就擦出了火花", "a spark between two people"),
    # hyperbole about food
    ("这个蛋糕太腻了，吃完感觉要中毒了", "food hyperbole"),
    # a peer fight an adult has dealt with
    ("弟弟在幼儿园和小朋友打架，老师已经处理了", "a fight dealt with"),
    ("他推了我一把，保安过来劝开了", "a push, the guard separated them"),
    # asked about in jest
    ("这么久不回消息，你晕倒了吗哈哈", "a jest to the listener"),
    # stuck at home doing something
    ("被困在家里赶方案，一个礼拜没出门", "stuck at home working"),
    # a past event a month ago
    ("上个月我奶奶走失那回，多亏邻居帮忙", "a past event"),
    # a smell denied in Sichuanese; a leak denied with a bare 不
    ("插座有点发烫，没得焦糊味", "a smell denied"),
    ("热水器打不着火，不漏气，想约个师傅", "a leak denied"),
    # a person as the agent of 电 is figurative
    ("上课走神被班主任电了一顿", "scolded"),
    # the door of a gas box left open is a hazard, not gas left on
    ("小区燃气表箱的门开着，谁都能去拧", "a gas box's door open"),
    # asking where to seek help, for a friend
    ("同事让我问一下，被家暴了可以去哪里求助", "asking for a friend"),
    # spraying pesticide in the greenery (no cue; the model may not fire alone)
    ("物业在草坪上打了好多农药，味道好大", "pesticide spraying"),
    # a lift that trapped the resident before, nobody trapped now
    ("电梯又坏了 关了我好几回了", "a recurring lift fault"),
    ("这个电梯困过我三次了，你们到底修不修", "a recurring lift fault, counted"),
    # general first-aid questions: learning, "in general", "the right way"
    ("有人晕倒了一般怎么处理，我想了解一下", "first aid in general"),
    ("老人跌倒后正确的扶起方法是什么", "the right way to help"),
    # an A-not-A question about a cue not said to be happening
    ("电器着火可不可以用水泼", "an A-not-A question"),
    ("厨房着火用啥灭比较好", "what puts it out"),
    # burning leaves in the yard; a past event with an inspection still pending
    ("楼下保洁在烧树叶，烟好大，呛人", "burning leaves"),
    ("前年这栋楼有人煤气中毒，燃气管到现在都没查过", "a past event, no inspection since"),
]


def test_round12_co_typo_is_normalised():
    assert "一氧化碳" in normalise("一氧化探报警器在响")


@pytest.mark.parametrize(("text", "why"), LEXICON_EMERGENCIES)
def test_round12_cues_fire_from_the_lexicon(text, why):
    verdict = assess(text, quiet=True)
    assert verdict.emergency, (why, verdict)
    assert not verdict.cues[0].startswith("model:"), (why, verdict)


@pytest.mark.parametrize(("text", "why"), NOT_EMERGENCIES)
def test_round12_look_alikes_do_not_fire(text, why):
    verdict = assess(text, quiet=True)
    assert not verdict.emergency, (why, verdict)


@pytest.mark.parametrize(
    "text",
    [
        # the same words in a real emergency still fire
        "楼道里着火了，我们跑不出去了，快来",
        "哈哈哈快来人，我爸晕倒了",
        "嘿嘿，楼下着火了",
        "电梯又坏了，把我关在里面了，现在出不去",
        "电梯关了我半个小时了，快来",
        "楼里煤气味好大，像是漏气了",
        "我被插座电了一下，手到现在还麻",
        "孩子把农药喝了一口",
        "我在卫生间摔倒了起不来",
        "昨天开始我爸就没回来，到现在还没消息",
        "我奶奶走丢一下午了，你们能不能帮忙查监控",
        "老公在浴室晕倒了，能不能先把他扶起来",
        "闻到好大的煤气味，能不能开灯",
        "燃气！快",
    ],
)
def test_round12_suppressors_keep_the_real_ones(text):
    assert assess(text, quiet=True).emergency


@pytest.mark.parametrize("text", ["现在", "好的", "是我"])
def test_round12_the_model_does_not_fire_alone_on_two_characters(text):
    verdict = assess(text, quiet=True)
    assert not verdict.emergency, verdict


def test_round12_no_longer_is_over():
    # "it no longer leaks": no cue, a reason read, so a classifier's "emergency" is outvoted
    verdict = assess("下午水管漏的那个，关了总阀，现在不漏了", quiet=True)
    assert not verdict.emergency and not verdict.plausible, verdict
    # a cue after it still fires; a person hurt is not "over" because the place is fenced off
    assert assess("水管现在不漏了，可是插座在冒火花", quiet=True).emergency
    assert assess("有人被电了，已经围起来了", quiet=True).emergency


# ---------------------------------------------------------------------------
# Round 12 review (#10): each finding both ways. Sentences written for these tests.

REVIEW_MUST_FIRE = [
    # 1. a wish to learn does not hide the resident's own emergency
    ("我想了解一下，我妈摔倒了起不来了", "learning frame, own person, actual"),
    ("我妈摔倒了起不来，想了解下怎么办", "learning frame in another clause"),
    ("我家孩子误吃了药，一般怎么处理", "own child, 'in general' in another clause"),
    ("刚才有人晕倒了，想了解一下怎么办", "learning frame, said of just now"),
    # 2. a victim asking where to report, now
    ("我老公刚打了我，我去哪报案", "a victim asks where to report"),
    ("邻居把我打伤了，该去哪报案", "a victim asks where to report (该去哪)"),
    # 3. someone unwell around a pesticide
    ("楼下打了农药，孩子头晕呕吐", "pesticide and symptoms"),
    ("物业刚喷了杀虫剂，我妈闻了以后恶心想吐", "insecticide and nausea"),
    # 4. "everything else is fine" / "is everything fine?" is not "it is over"
    ("我爸摔倒了，头流血，其他一切都好", "the rest is fine"),
    ("老人倒地不起了，一切正常吗", "asked, not said"),
    # 5. a socket sparking is no romance
    ("插座擦出火花了", "a socket sparks"),
    ("电线和插头之间擦出火花", "two things, no person"),
    # 10. short cries the n-gram model no longer reads alone
    ("快来", "a short cry"),
    ("我倒了", "I fell"),
    ("救救", "a short cry"),
    ("来人", "a short cry"),
    ("妈晕了", "a person down, said short"),
    # should-fix 1: a count of times is no habit for a fire or a person trapped
    ("家里电线起火好几次", "a fire, counted"),
    ("电梯困了我三次了", "trapped, counted, nothing said of a breakdown"),
    # should-fix 2: an adult dealt with a fight, but someone is injured
    ("打架打得头破血流，物业处理了", "injured, whoever separated them"),
    ("两个人打起来了，有人受伤了，保安拉开了", "injured, separated by the guard"),
    # should-fix 3: a leak asked about, or with a smell, is no denial
    ("煤气罐没漏气吧？好大味", "a leak asked about, with a smell"),
    ("有没漏气", "is it leaking?"),
]

REVIEW_MUST_STAY_QUIET = [
    # 1. general questions
    ("噎住了怎么急救，想学学", "learning first aid"),
    ("想了解一下老人摔倒怎么扶", "a general question, same clause"),
    ("家里老人摔了，正确的扶法是啥", "the right way, nobody of one's own named"),
    # 2. where to seek help, in general or for a friend
    ("家暴去哪求助", "where to seek help in general"),
    ("被家暴了可以去哪里求助，我朋友想问", "asking for a friend"),
    # 3. pesticide with nobody unwell
    ("物业在草坪上打了好多农药，味道好大", "pesticide, nobody unwell"),
    ("喷农药会不会让人头晕", "a what-if about pesticide"),
    # 4. everything fine, said
    ("报个平安，今天一切正常", "all is well"),
    ("今天一切都好", "all is well"),
    # 5. romance
    ("我跟他第一次见面就擦出了火花", "a spark between two people"),
    ("她和新来的同事擦出了火花", "a spark with a colleague"),
    ("我同佢好有火花，好来电", "Cantonese romance"),
    # 10. the floor still holds for answers
    ("现在", "an answer to 'when?'"),
    ("师傅快来了吗", "is the repairman nearly here?"),
    ("垃圾我倒了", "took out the rubbish"),
    # should-fix 1: a lift breakdown complained about, counted
    ("电梯又坏了 关了我好几回了", "a recurring lift fault"),
    # should-fix 2: a push, nobody hurt, the guard dealt with it
    ("他推了我一把，保安过来劝开了", "a push dealt with"),
    # should-fix 3: a leak denied
    ("燃气灶点不着火了，不漏气，能来修吗", "a leak denied"),
]


@pytest.mark.parametrize(("text", "why"), REVIEW_MUST_FIRE)
def test_round12_review_must_fire(text, why):
    verdict = assess(text, quiet=True)
    assert verdict.emergency, (why, verdict)


@pytest.mark.parametrize(("text", "why"), REVIEW_MUST_STAY_QUIET)
def test_round12_review_must_stay_quiet(text, why):
    verdict = assess(text, quiet=True)
    assert not verdict.emergency, (why, verdict)


@pytest.mark.parametrize("text", ["快来", "我倒了", "救救", "楼下打了农药，孩子头晕呕吐"])
def test_round12_review_short_cries_and_symptoms_fire_from_the_lexicon(text):
    verdict = assess(text, quiet=True)
    assert verdict.emergency and not verdict.cues[0].startswith("model:"), verdict


def test_round12_review_bare_laidian_is_no_romance():
    # 没回来电话: 来电 straddles two words; it must not hide the missing person's cues
    verdict = assess("我奶奶不见了早上说去买菜到现在都没回来电话也打不通", quiet=True)
    assert verdict.emergency
    assert not any("来电" in s for s in verdict.suppressed), verdict


@pytest.mark.parametrize("text", ["楼下打农药，味道好恶心", "杀虫剂味道让人不舒服"])
def test_round12_review_a_smell_disliked_is_no_symptom(text):
    # the pesticide cue needs a person and a symptom; 恶心 of a smell is dislike
    assert not assess(text, quiet=True).emergency


@pytest.mark.parametrize("text", ["物业来人了吗", "快快乐乐", "赶紧来修", "快来修啊"])
def test_round12_review_short_cry_cues_are_not_visits_or_joy(text):
    # 来人了 (someone came), 快来修 (come and repair), 快快乐乐: no cry
    assert not assess(text, quiet=True).emergency


def test_round12_review_an_injury_denied_keeps_a_quarrel_over():
    assert not assess("打架的已经被保安拉开了，没人受伤", quiet=True).emergency
    assert assess("两个人打起来了，有人受伤了，保安拉开了", quiet=True).emergency


@pytest.mark.parametrize("text", ["我屋头厕所漏水 漏到楼下去了 楼下嬢嬢都来敲门了", "我家卫生间漏水漏到楼下了，楼下阿姨来敲门"])
def test_round12_a_leak_to_the_flat_below_is_a_repair_not_an_emergency(text):
    # the n-gram model scored these 0.81-0.84: a household leak is the property's, and with
    # nothing of fire, electricity or a person at risk no classifier "emergency" stands either
    verdict = assess(text, quiet=True)
    assert not verdict.emergency and not verdict.plausible


@pytest.mark.parametrize("text", ["水漏到楼下电表箱里了 冒火花", "漏水漏到楼下 有人触电了"])
def test_round12_a_leak_with_sparks_or_a_person_hurt_still_fires(text):
    assert assess(text, quiet=True).emergency
