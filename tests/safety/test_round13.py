"""The thirteenth round of the safety net (issue #10): general rules for the causes of
set 12's misses and false alarms (the set became a tuning set after it was measured
once). Sentences written for these tests, not copied from any set. Each new cue is
checked to fire from the lexicon (not the n-gram model), each new suppressor both ways:
the reason it stands for, and the same words in a real emergency."""

from __future__ import annotations

import pytest

from assistant.safety import assess
from assistant.safety.net import settle_intent
from assistant.safety.normalise import normalise

LEXICON_EMERGENCIES = [
    # an open wound to the bone, whoever fell
    ("楼下有个大哥骑车摔了，小腿骨头戳出来了", "medical: bone out"),
    # a habit of the smell does not cover someone unwell now
    ("厨房一开门就一股煤气味，我奶奶说头晕想吐", "gas: a habit, someone unwell now"),
    # Shanghainese 勒 (= 在) after a verb of being shut in
    ("阿拉姆妈关勒卫生间里，门锁坏脱了打不开", "trapped: 关勒 = 关在"),
    # a day of calls: 了一天 is a span
    ("我二姨一个人住，打了一天电话都没人接", "silent elder: a day of calls"),
    ("俺舅妈一个人住，俩天没见她出门了", "silent elder: 俩天"),
    # someone inside knocking, the door locked from outside
    ("车库杂物间里头有人一直在拍门喊人，门是从外头锁上的", "trapped: locked in from outside"),
    # a child collected by someone the family did not send
    ("托管班说我女儿被人领走了，可家里没人去接啊", "missing: collected by nobody we sent"),
    # water over the power (漫过, 淹过: no experiential 过), a touch that tingles
    ("水已经淹过了插座，一摸铁门就麻", "electric_water: 淹过, a tingle"),
    ("我一碰冰箱门就被电，地上还有水", "electric_water: a touch that shocks"),
    ("水漫过了配电箱，还在嗡嗡响", "electric_water: 漫过"),
    # a rebuke, and the smell filling the place now
    ("你们到底管不管？楼道里全是煤气味", "gas: a complaint, the smell perceived now"),
    # a whereabouts said of the writer accounts for nobody
    ("我在外地出差，邻居说我妈早上出去到现在没回家，她有点糊涂", "missing: the writer is away"),
    # a fire spreading reaches its object before 了; set alight by someone
    ("楼下垃圾堆让人点着了，火都烧到二楼阳台了，物业也没人管", "fire: spreading, in a complaint"),
    # parcels piling up at an elder's door for days
    ("对门独居的老太太门口快递越堆越多，好几天了", "silent elder: parcels piling"),
    # set 12's emergencies the lexicon left to the n-gram model, by reason
    ("我奶奶一个人住，这几天敲门她都不理人", "silent elder: knocks ignored"),
    ("车库里那个老头烤着炭火，人歪在椅子上叫不动", "poisoning: a brazier, slumped"),
    ("阿拉爷爷吃了老酒，困在沙发上叫伊勿应", "medical: Shanghainese 叫伊勿应"),
    ("我舅舅一个人住，电话打了十几便都没接", "silent elder: 遍 typed 便"),
    ("地下室一股像臭鸡蛋一样的味道，越来越浓", "gas: a smell like rotten eggs"),
    ("my son lost 了，在 park 门口", "missing: lost 了"),
    ("my dad 在楼下 no breathing 了", "medical: no breathing"),
    ("我家孩子把自个儿锁车里了，出不来", "trapped: a child in a car"),
    ("奶奶吃了山上采的野菇，现在一直呕", "poisoning: wild mushrooms"),
    ("有人往保安肚子上扎了一刀", "violence: stabbed"),
    ("一个阿姨硬拉着我家孩子走，孩子哭着说不认识她", "violence: a child led away by a stranger"),
    ("有个男的从窗户外面爬上来，想爬进屋", "violence: climbing in"),
    ("电暖器倒在水盆里了，还插着电", "electric_water: plugged in, in water"),
    ("我爸在卫生间洗澡洗了好久，叫他也不答应", "medical: no answer from the bath"),
    ("外婆出去买菜到现在还没转来，伊有点糊涂", "missing: Shanghainese 没转来"),
    ("help，我同事在车库倒了，没有呼吸，你们有除颤仪吗", "medical: asking the desk for a defibrillator"),
    ("隔壁独居的大爷好几天没见人了，今天我去敲门他也不理", "silent elder: knocks ignored, days"),
    ("我孙子 lost 了，就在小区门口", "missing: lost 了, a Chinese child word"),
    ("我外孙在超市门口刚才还在我身边，一转头人就没了，他才五岁", "missing: gone, the child named farther back"),
    ("孙女出去买酱油，都一个多小时了还没回来", "missing: an hour and more"),
    ("我爸突然说不清话了，右手也抬不起来", "medical: speech and an arm"),
    ("喝了半瓶药酒，现在心跳很块，站都站不稳", "medical: 很块 typed for 很快, cannot stand"),
    ("小区门口那个接线板泡在积水里，还有小孩在旁边玩", "electric_water: an extension board in water"),
    ("电梯把我困里面了", "trapped: shut in by the lift"),
    ("我被卡在3号楼的电梯里了，呼叫按钮按了没人应", "trapped: a lift named by its building"),
    ("地下室进水了，仓库里面还有个大爷，门被水堵住推不开", "trapped: someone inside, the door held by water"),
    ("地库里有辆车一直发动着，车门关着，里面的人歪在座位上", "poisoning: a car running in a garage"),
]

NOT_EMERGENCIES = [
    # the resident's own brother or sister grabbing a thing
    ("我妹抢我的手机不还，气死我了", "a sibling grabs a phone"),
    # a parent scolding a child
    ("再不写作业我打死你这个小兔崽子", "a parent's scolding"),
    # a play fight
    ("我和表弟打起来了，闹着玩的，他输了", "a play fight"),
    # love at first sight
    ("我姐跟男朋友一见面就触电了", "love at first sight"),
    # a pet not seen for days
    ("小区那只橘猫好几天没见着了，是不是被人抓走了", "a cat not seen"),
    # anger, spice
    ("气得我直冒烟，孩子又没交作业", "angry"),
    ("麻辣烫辣得我冒火", "spicy"),
    # a burden called 救命
    ("救命，明天考试我还什么都没复习", "an exam"),
    ("被一堆卷子困住了，出不来了", "stuck with homework"),
    # back late, as always
    ("我们家老头一去钓鱼就找不到人，天黑了才回来", "back late"),
    # a blocked exit's what-if a clause later; a falling thing's what-if
    ("安全出口老被锁着，真要出点事大家都跑不出去，管一管吧", "a blocked exit"),
    ("阳台上的花盆没放稳，掉下来砸到人那还得了", "a what-if consequence"),
    # a lucky escape years ago
    ("前几年那次水灾车库全淹了，好在当时没人在车里", "a lucky escape"),
    # a time word inside the cue dates it
    ("我前年在小区门口摔骨折了，养了半年，那个坑现在填了吗", "a fall years ago"),
    # a documentary typed with a homophone
    ("昨天看了个讲煤气中毒的记录片，太吓人了", "a documentary"),
    # a piece of furniture's leg; a game and how it went
    ("沙发腿断了，想找人修一下", "a sofa leg"),
    ("打牌打得那叫一个过瘾", "a card game"),
    # an English noun modifier; a protector's name, typed with a homophone
    ("emergency light 在走廊里一闪一闪的，是不是坏了", "an emergency light"),
    ("想装个漏电保户开关，多少钱", "a leakage protector"),
    # an elder who stays away by choice (the model scores it above its threshold)
    ("我爸一个人在老家，不肯来城里住，说住不惯", "staying away by choice"),
    # a pleasant smell
    ("楼下烧烤好香啊，求个店名", "a pleasant smell"),
    # a belonging not found
    ("找不到我的耳机了，是不是被弟弟拿走了", "earphones"),
    # television, with nothing said of today
    ("电视里那个独居老人好几天没人去看他", "television"),
    # the new cues' ordinary cases
    ("猫在阳台外面爬来爬去，想进来", "a cat climbing"),
    ("孩子把钥匙锁车里了，能帮忙开一下吗", "keys locked in the car"),
    ("我老公不理人，跟我冷战三天了", "a sulk"),
    ("充电器还插着电，出门前要拔掉吗", "a charger plugged in, no water"),
    ("今天手抬不起来，肩周炎又犯了", "a stiff shoulder"),
    ("接线板是不是泡过水就不能用了", "a question about a wet board"),
    ("孙子出去玩一个多小时了还没回来，估计在同学家", "at a classmate's home"),
]


def test_round13_dialect_and_typos_are_normalised():
    assert "困在电梯" in normalise("阿拉困勒电梯里厢了")
    assert "恶心" in normalise("头晕恶信")
    assert "纪录片" in normalise("一部记录片")
    assert "保安" in normalise("快派保按来")
    assert "不应" in normalise("叫伊勿应")
    assert "没回来" in normalise("到现在还没转来")


@pytest.mark.parametrize(("text", "why"), LEXICON_EMERGENCIES)
def test_round13_cues_fire_from_the_lexicon(text, why):
    verdict = assess(text, quiet=True)
    assert verdict.emergency, (why, verdict)
    assert not verdict.cues[0].startswith("model:"), (why, verdict)


@pytest.mark.parametrize(("text", "why"), NOT_EMERGENCIES)
def test_round13_look_alikes_do_not_fire(text, why):
    verdict = assess(text, quiet=True)
    assert not verdict.emergency, (why, verdict)


@pytest.mark.parametrize(
    "text",
    [
        # strangers grabbing a phone are robbers, whatever their age
        "有两个大哥哥在楼下抢了我的手机",
        # a threat to an adult is a threat
        "他拿着刀说要打死你们全家",
        # a real fight, no game named
        "我和同事在楼下打起来了，他头破了",
        # shocked by a wire, not by love
        "我爸摸了一下电线就触电了，倒在地上",
        # a person not seen for days, not a pet
        "对门的老太太好几天没见着了，敲门也没人应",
        # real smoke, real fire
        "厨房在冒烟，锅里着火了",
        # 救命 with a burden word far away and an emergency
        "救命，我妈晕倒了",
        # someone inside a place, the fire spreading
        "被困在屋里了，火都烧到门口了",
        # back? no: still not back
        "我家老头一早出去钓鱼，到现在还没回来，他有点糊涂",
        # an exit blocked and a fire now
        "消防通道堵死了，楼下着火了，人都跑不出去",
        # a falling thing that hit someone
        "阳台上的花盆掉下来砸到人了，流了好多血",
        # a fall today, with a year said of something else
        "今天我在楼道摔了，腿骨折了，那台阶去年就坏了",
        # a hide-and-seek gone wrong
        "孩子刚才跟我玩捉迷藏，现在怎么都找不到他了",
        # a pesticide smell with someone unwell
        "楼道里一直有股怪味，我妈头晕想吐，像煤气味",
    ],
)
def test_round13_suppressors_keep_the_real_ones(text):
    assert assess(text, quiet=True).emergency, assess(text, quiet=True)


def test_round13_whereabouts_of_the_missing_person_still_account():
    # said of the person, not of the writer: they are away on business, nobody is missing
    verdict = assess("我爸有点糊涂，他出差了，这两天没回家", quiet=True)
    assert not verdict.emergency, verdict


def test_round13_television_is_no_story_when_said_of_today():
    # 视频 as a video call today, not a video watched
    verdict = assess("刚才视频的时候我妈突然说话说不清了，手也抬不起来", quiet=True)
    assert verdict.emergency, verdict
    # and "video-chatting every day" is no story either: the missed call is today's
    assert assess("我外婆一个人住，打了一天电话都不接，平时天天跟我视频", quiet=True).emergency


def test_round13_a_story_outvotes_the_classifier():
    # no cue, television: the classifier's "emergency" is outvoted, whatever the model's score
    verdict = assess("电视里的老奶奶一个人住在山里，邻居送饭给她", quiet=True)
    assert not verdict.emergency and not verdict.plausible, verdict
    assert settle_intent("emergency", verdict) is None


# ---------------------------------------------------------------------------
# The vote (settle_intent): messages without any cue that say what they are about. The
# classifier's "emergency" is outvoted whatever the model's score below its threshold
# (a what-if), or at any score (nobody in danger). Sentences written for these tests.

OUTVOTED = [
    ("那个井盖松松垮垮的，早晚有人要踩空", "a what-if: 早晚"),
    ("楼道里的电线耷拉着，迟早得出事", "a what-if: 迟早出事"),
    ("万一停电了电梯里有人咋办", "a what-if: 万一"),
    # review 13: burnt food is `not_now`, below the model's threshold only (菜烧糊了，我妈一下子坐地上不说话了
    # is an emergency the model sees); at 0.85 我婆婆做饭把锅烧糊了，菜都焦了 is now the model's call
    ("锅烧糊了，菜都焦了，今晚只能叫外卖", "food burnt"),
    ("这个药太难喝了", "a taste"),
    ("我老伴清静惯了，不爱出门", "staying in by choice"),
    ("真想把楼上那个装修的揍一顿", "a wish, anger"),
    ("电梯里的紧急按钮按了有人接吗", "a question about the emergency button"),
]


@pytest.mark.parametrize(("text", "why"), OUTVOTED)
def test_round13_no_cue_and_a_reason_outvotes_the_classifier(text, why):
    verdict = assess(text, quiet=True)
    assert not verdict.emergency and not verdict.plausible, (why, verdict)
    assert settle_intent("emergency", verdict) is None


@pytest.mark.parametrize(
    "text",
    [
        # the same words with an emergency in them
        "做饭把锅烧糊了，满屋子烟，我妈呛得喘不上气",
        "我恨不得马上飞回去，我爸一个人在家晕倒了",
        "堵车了，救护车过不来，我妈已经叫不醒了",
        "按了紧急按钮没人应，我们还关在电梯里",
        "我爸一直没接电话，万一出事了呢，你们现在赶紧派人去他家看看",
    ],
)
def test_round13_vote_reasons_keep_the_real_ones(text):
    verdict = assess(text, quiet=True)
    assert verdict.emergency, verdict
    assert settle_intent("emergency", verdict) == "emergency"
