"""The seventh round of the safety net (issue #10): phrasings emergency set 7
(bench/emergency_blind7.jsonl, measured once at the sixth round's end, tuned on
since) showed it missed or over-read. Written for these tests, not copied from the set.
Each new cue and each new or narrowed suppressor is tested both ways."""

from __future__ import annotations

import pytest

from assistant.safety import assess
from assistant.safety.net import settle_intent

EMERGENCIES = [
    # 那天然气 is 那 + 天然气, not "that day"
    ("妈呀那天然气表后面的管子断了，一直往外冒气", "gas: 那天然气 is not a past day"),
    # a hazard complaint that has lasted a span of the day, or a smell that stings
    ("你们到底管不管，地下室燃气管漏气一下午了", "gas: a complaint, but leaking all afternoon"),
    ("物业管不管啊，楼梯间煤气漏了，味道呛得眼睛都睁不开", "gas: a complaint, but the smell stings"),
    # Minnan 瓦斯, 紧来
    ("阿嬷厝内的瓦斯漏了，紧来", "gas: 瓦斯 leaking"),
    ("厝边瓦斯桶一直在漏", "gas: a 瓦斯 cylinder leaking"),
    # held and beaten; a drunk hitting someone
    ("我家钟点工在电梯口被两个人按住打了", "violence: held down and beaten"),
    ("门卫大叔被一个酒鬼踹了好几脚，人还在那闹", "violence: a drunk kicking"),
    # a child who cannot find the parents; 车库 is a place
    ("超市门口有个小男孩一直哭，说找不着家长了", "missing: a child who lost the parents"),
    ("地下车库有个小孩找不到了，他妈妈急疯了", "missing: 车库 is a place, not a car"),
    # a denied whereabouts accounts for nobody
    ("我奶奶电话一天都打不通，她从来不出远门的", "silent elder: 从来不出远门"),
    # shut in for hours
    ("我被反锁在储藏室，门打不开，已经关了两个小时", "trapped: shut in for hours"),
    ("电梯门开不开了，我妈在里面", "trapped: a lift door that will not open"),
    # water pouring into the fuse box
    ("楼上漏水，水往我家配电箱里流", "water on electricity: into the fuse box"),
    ("暴雨，电表箱里灌了水", "water on electricity: the meter box flooded"),
    # a daily habit broken: the milk or the paper left out, the curtains shut, no light
    ("对门王奶奶的报纸在门口堆了三天了，平常她一早就收", "silent elder: papers left out for days"),
    ("我送牛奶的，5栋独居的大爷奶两天没取了", "silent elder: milk not taken for days"),
    ("楼下孤老张伯，敲门按门铃都没人", "silent elder: nobody answers the bell"),
    ("隔壁独居的阿婆这几天窗帘一直没拉，灯也没亮过", "silent elder: curtains shut, no light"),
    # a posting habit in the family chat is not hearsay
    ("我外公每天都在家族群里发早上好，今天到中午都没发，电话也没人接", "silent elder: the daily greeting missed"),
    # the gas company's "no problem" said back as a question is not over
    ("燃气公司还说没问题？现在厨房煤气味又大了", "gas: 还说没问题 is no all-clear"),
    # the narrowed suppressors leave these alone
    ("小区宣传栏那边着火了", "fire: 宣传栏 is a place, not a campaign"),
    ("孩子去买鸡蛋走丢了", "missing: 鸡蛋 is no animal"),
    ("我一只手抱着小的，大的跑丢了", "missing: 一只手 is no animal"),
    ("我爸痴呆容易迷路，今天自己走出去了到现在没回", "missing: 容易 describes him, he has gone"),
]

NOT_EMERGENCIES = [
    ("这人说话真冲，满身煤气味一样", "a simile on a person"),
    ("早上那股煤气味的事，燃气公司来查过说没问题了", "checked, all clear"),
    ("小区燃气管道外的保护套破了一截，找人换一下", "the pipe's protective sleeve"),
    ("我爸上周在菜场滑了一下摔了，拍了片子没有骨折", "a fall, no fracture"),
    ("楼下有户人家用炭盆烧炭取暖，会不会中毒啊", "a charcoal question"),
    ("下周社区有防煤气中毒宣传，谁去发传单", "a campaign"),
    ("老年痴呆的老人容易自己走出去，小区门口能不能装个提醒", "a worry about the gate"),
    ("我家那只鸭子跑丢了，谁见了帮我逮一下", "an animal"),
    ("地库的卡刷不了，我的车出不去了，赶紧派人来开一下", "a car, not a person"),
    ("上午被困在电梯里的那个阿姨出来了吗", "asking after a past event"),
]

# No cue at all, on purpose: the new cues do not reach these.
NO_CUE = [
    ("刚进小区被门口保安拦住打了个招呼", "a greeting, not a blow"),
    ("一个陌生人打了个电话给我，说是物业的", "a phone call"),
    ("牛奶在冰箱里放了两天了，还能喝吗", "milk in the fridge, not at the door"),
    ("我的醉汉朋友打了个呼噜", "snoring"),
]


@pytest.mark.parametrize(("text", "why"), EMERGENCIES)
def test_fires(text: str, why: str) -> None:
    verdict = assess(text)
    assert verdict.emergency, (text, why, verdict)


@pytest.mark.parametrize(("text", "why"), NOT_EMERGENCIES)
def test_stays_quiet(text: str, why: str) -> None:
    verdict = assess(text)
    assert not verdict.emergency, (text, why, verdict)


@pytest.mark.parametrize(("text", "why"), NO_CUE)
def test_no_cue(text: str, why: str) -> None:
    verdict = assess(text)
    assert not verdict.cues and not verdict.suppressed, (text, why, verdict)


def test_quiet_ones_still_suppress_for_a_reason() -> None:
    """The look-alikes are quiet because a suppressor read their cue, so the net can
    say why (and the classifier's vote can weigh it)."""
    for text, _ in NOT_EMERGENCIES:
        assert assess(text).suppressed, text


def test_settle_intent_keeps_the_net_first() -> None:
    fired = assess("阿嬷厝内的瓦斯漏了，紧来")
    assert settle_intent("book_service", fired) == "emergency"
