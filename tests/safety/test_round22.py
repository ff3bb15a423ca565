"""Round 22 (issue #10): set 21's errors, by reason, in our own words.

Each reason is tested both ways: emergencies that share its words fire, the look-alikes it was written for stay
quiet. No sentence here is taken from a set.
"""

from __future__ import annotations

import pytest

from tests.safety._helpers import fires, kinds, verdict


# --- misses: typos, dialect, spans and cues the lexicon lacked ----------------------------------------------

@pytest.mark.parametrize(("text", "kind"), [
    # 借 typed for 接 when a phone is not answered
    ("我外公独居，这三天打他电话也没人借，麻烦去看看", "silent_elder"),
    ("我婆婆一个人在家，电话一直没人借，好几天了", "silent_elder"),
    # 单 typed for 蛋 in the rotten-egg smell, someone unwell
    ("厨房里一股臭鸡单味儿，我妈说头晕", "gas"),
    # Wu: 寻勿着 / 寻弗到 (= 找不着 / 找不到), 急煞 (= 急死)
    ("阿拉囡囡放学寻勿着了，急煞了", "missing"),
    ("我爷爷出去买菜寻弗到了，一个下午了", "missing"),
    # an onset said after the symptoms: 刚才还好好的 is how the person was just before it began
    ("我老伴突然半边脸麻了，说话不利索，刚刚还好好的", "medical"),
    ("我妈一下子站不稳倒了，叫不醒，早上还好好的", "medical"),
    # someone forcing or climbing a window guard, a window or a balcony
    ("半夜有个男的在撬我家防盗窗，我一个人在家", "violence"),
    ("有人顺着空调外机爬进二楼阳台了", "violence"),
    # still not found, said with 还是 / 仍然
    ("找了一上午了我孙子还是没找到，急死了", "missing"),
    ("我爸从早上出门到现在仍然没找到", "missing"),
    # a flame licking at something
    ("灶上的火苗燎着了抽油烟机，满屋子烟", "fire"),
    ("阳台烧纸，火都燎到晾的被单上了", "fire"),
    # a habit, then today's instance of it told after it
    ("对门经常打孩子，今天打得孩子一直哭喊救命", "violence"),
    ("楼上那男的老是打老婆，刚才又打了，还在打", "violence"),
    # the person who lives alone named first, the silence said later and far away
    ("我姑妈一个人住在32栋三单元六楼，平时天天晚上跟我视频，已经三天联系不上了", "silent_elder"),
    # 多天 / 数日 are days
    ("独居的王奶奶数日没出门了", "silent_elder"),
    ("对门孤寡老人多天没见着了", "silent_elder"),
    # a rebuke that ends in 嘛/干嘛 is no question about the cue
    ("我儿子到现在还没找到，保安到底在干嘛", "missing"),
])
def test_round22_misses_fire(text, kind):
    assert kind in kinds(text), verdict(text)


@pytest.mark.parametrize("text", [
    # 借 in its own sense stays quiet
    "找了一圈没人借我梯子",
    # 好好的 after the event still says it is over
    "我爸下午摔了一跤，现在人好好的",
    # workers at a window guard
    "物业叫了师傅来拆防盗窗",
    "工人在给隔壁装防盗网，吵死了",
    # a question whether someone is still missing
    "孩子还没找到吗",
    # a habit with nothing of today
    "楼上天天打孩子，吵得人睡不着",
    "隔壁那家经常打孩子，今天在菜场碰到他们了",
])
def test_round22_miss_rules_stay_quiet(text):
    assert not fires(text), verdict(text)


# --- false alarms --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    # the news, then 现在的人 (nowadays), not now
    "刚刷到个新闻，有人在地铁里拿刀砍人，现在的人真可怕",
    # a smoke alarm said to be faulty or with the fire denied
    "我家烟感老是嘀嘀响，根本没冒烟，能来人看看吗",
    "烟雾报警器坏了，一直叫个不停，派人来换个新的",
    # a what-if asked inside an appliance cue
    "取暖器开一整夜会不会着火啊",
    "充电器一直插着会不会烧起来",
    # motion sickness, and it has passed
    "坐了一上午船，晕船晕得我直恶心，现在缓过来了",
    # the resident's children fighting each other over a toy
    "两个孙子为个平板又打起来了，吵得我头疼",
    # a pet that falls
    "我家猫从冰箱上摔下来了",
    "邻居家的狗在楼梯上摔了一跤",
    # a demonstration
    "消防员在广场演示怎么用灭火毯扑灭油锅起火",
    "社区医生在示范教学怎么扶摔倒的老人",
    # prevention named right after the cue
    "社区开了个讲座，讲老人跌倒预防，挺实用",
    # gone every weekend, where they always are
    "我孙子一到放假就不见人影，天天泡在网吧",
    # the elder staying in, at a game at home; the writer says leave him be
    "我爸这几天没下楼，在家里打牌打得起劲，别管他",
    # the call button of a parent's home not working, a repair asked
    "我爸家的紧急呼叫按钮没反应，麻烦派人来修一下",
    # Cantonese: a clip watched of someone else's kitchen
    "睇咗条片，人哋屋企着火，好得人惊",
])
def test_round22_false_alarms_quiet(text):
    assert not fires(text), verdict(text)


@pytest.mark.parametrize(("text", "kind"), [
    # 现在 of now still urgent
    ("有人拿刀在楼道里砍人，现在还在", "violence"),
    # a smoke alarm sounding with nothing said against the fire
    ("烟感一直在响，屋里全是焦味", "fire"),
    ("楼道的烟感响个不停，我看不见哪里着火", "fire"),
    # a gas alarm with a fire denied is still the gas
    ("燃气报警器一直在响，也没着火，就是响", "gas"),
    # a spark seen, then a worry that a fire comes next
    ("插座冒火花了，会不会着火啊", "fire"),
    # motion sickness, then a faint
    ("我妈晕车下了车就晕倒了", "medical"),
    # children fighting, one hurt
    ("俩孩子打起来了，小的头撞到桌角流血了", "violence"),
    # grown brothers fighting
    ("兄弟俩为拆迁款打起来了", "violence"),
    # a pet that trips a person
    ("我家狗把我奶奶绊倒了，起不来了", "medical"),
    # a demonstration, then someone real
    ("社区在演示灭火器怎么用，演示完有个大爷突然倒地不起了", "medical"),
    ("物业在演示消防演习的时候，我家楼上真着火了", "fire"),
    # gone every weekend, and today not back
    ("我儿子一到周末就不见人影，今天到现在都没回来，电话也关机", "missing"),
    # the elder staying in, a knock unanswered
    ("我妈两天没出门了，敲门也没人应，别管她的狗了快来", "silent_elder"),
    # the call button with someone inside
    ("我妈被困在电梯里，紧急按钮没反应", "trapped"),
])
def test_round22_false_alarm_rules_still_fire(text, kind):
    assert kind in kinds(text), verdict(text)


# --- the classifier's vote: look-alikes with no cue that the n-gram model found plausible -------------------

@pytest.mark.parametrize("text", [
    "双十一抢购抢到半夜，手都点酸了",
    "对门那个孤老家里堆满了纸壳子，电暖气就放旁边，想想就不放心",
])
def test_round22_not_plausible(text):
    v = verdict(text)
    assert not v.emergency and not v.plausible, v


@pytest.mark.parametrize("text", [
    # the worry with someone not answering stays plausible (or fires)
    "我姥姥一个人在家生着炉子，电话一直没人接，真不放心",
])
def test_round22_worry_with_silence_stays_plausible(text):
    assert verdict(text).plausible, verdict(text)


@pytest.mark.parametrize("text", [
    # asleep and snoring; the writer's own guess that someone sleeps
    "我爸喝了点酒在床上睡着了，打鼾呢",
    "敲了两下我奶奶的门没应，大概是在睡午觉",
])
def test_round22_asleep_quiet(text):
    assert not fires(text), verdict(text)


@pytest.mark.parametrize("text", [
    # asleep, snoring, and cannot be woken or a body in trouble: fires
    "我爸喝醉了睡着了打呼噜，推都推不醒",
    "我妈睡着了打鼾，嘴唇发紫",
])
def test_round22_asleep_in_trouble_fires(text):
    assert fires(text), verdict(text)
