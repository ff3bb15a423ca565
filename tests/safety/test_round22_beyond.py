"""Round 22 (issue #10): round 21's leftovers and emergencies of an old compound that no set has had yet.

Each new cue is tested both ways, in our own words: the emergency fires, its everyday look-alike stays quiet.
"""

from __future__ import annotations

import pytest

from assistant.safety import advice_for
from tests.safety._helpers import fires, kinds, verdict


@pytest.mark.parametrize(("text", "kind"), [
    # English mixed into Chinese: sparks, breathing
    ("厨房那个插头在sparking，还有焦味", "fire"),
    ("the socket sparked 了一下 又冒烟", "fire"),
    ("我爷爷breathe不过来了", "medical"),
    # cries still cried
    ("HELP!! 我老公倒在地上了", "medical"),
    ("🔥🔥🔥", "fire"),
    # a battery swelling while hot
    ("电动车电池在楼道充电，鼓包了还滋滋响", "fire"),
    # hardly wakes by a coal stove
    ("我婆婆屋里烧着煤球炉，人叫不太醒了", "poisoning"),
    # a child out on a ledge or a window sill, the window open
    ("我家娃爬到空调外机上去了", "trapped"),
    ("孙子站在窗台上，窗户大开着，住六楼", "general"),
    # a child behind a locked door, out of reach
    ("我闺女在车里，车门锁了钥匙在里面", "trapped"),
    ("风把门带上反锁了，孩子一个人在屋里", "trapped"),
    # someone gone down a well or a septic tank
    ("有个工人下了窨井，到现在没上来", "trapped"),
    # a lift door open onto an empty shaft
    ("三楼的电梯门自己开了，里面轿厢不在，黑洞洞的", "trapped"),
    # a hand caught in a wheel or a chain
    ("老人的手指被卷进自行车链条里了", "medical"),
    # a vehicle that hit someone
    ("一辆电动车把小孩撞倒了", "medical"),
    ("快递车撞到一个老人了", "medical"),
    # a crash with someone down, then who pays: the person down still fires
    ("电动车撞人了，人躺在地上不动，保险咋赔啊", "medical"),
    ("充电宝鼓包了烫手，在冒烟", "fire"),
    # things thrown down at people, going on
    ("楼上一直在往下砸酒瓶，已经砸伤人了", "violence"),
    # a dog attacking or a bite that bleeds
    ("有只疯狗见人就咬，在三号楼下", "violence"),
    ("我妈被流浪狗咬了，小腿一直流血", "medical"),
    # a child snatched
    ("刚才有个女的抢了个孩子就跑", "violence"),
    # someone struggling in water; 找 typed for 着 in set alight
    ("有个老太太在河里扑腾，快不行了", "trapped"),
    ("谁把楼道的纸壳子点找了，烟好大", "fire"),
    # a stove that will not light, with a smell after it
    ("煤气灶怎么都点不着，屋里一股臭鸡蛋味", "gas"),
    # Cantonese lift (喺…度困咗, 成个钟), Hokkien fall (跋倒, 起袂来), 没出过门 of an elder alone
    ("我阿爷喺电梯度困咗成个钟", "trapped"),
    ("阮阿公跋倒了起袂来", "medical"),
    ("独居的刘奶奶好几天没出过门了", "silent_elder"),
    # fighting heard with a scream; hardly answers
    ("对门传来扭打的声音，还有女的在惨叫", "violence"),
    ("我外婆低血糖，迷迷糊糊的，喊不太应", "medical"),
])
def test_round22_beyond_fires(text, kind):
    assert kind in kinds(text), verdict(text)


@pytest.mark.parametrize("text", [
    # round 21's leftovers
    "HELP!! 这个预约在哪里点",
    "help help 怎么设置提醒",
    "👍🔥",
    "这家店🔥👍👍",
    "电视 上 说 隔壁 小区 着火 了",
    # English look-alikes
    "spark这个词怎么念",
    "这个活动想spark一下邻里的热情",
    "车的spark plug该换了",
    # a phone battery swollen, a repair; a swollen power bank asked about
    "手机电池鼓包了，哪里能换",
    "充电宝鼓起来了还有点热，还能用吗",
    # who pays after a crash
    "电动车撞了人，保险怎么赔",
    # a child at a window with the guard on, or doing homework
    "孩子趴在窗台上写作业",
    "孙子坐在窗台上看书，有防盗网的",
    # a pet or a thing behind a door; the car key
    "钥匙锁在车里了，帮我找个开锁的",
    # a lift door under repair
    "电梯门开着在检修，围起来了",
    "电梯门开了但轿厢不在，这种情况以前出过吗",
    # clothes in the washing machine; a near miss
    "衣服被卷进洗衣机滚筒里了",
    "孩子手差点被门缝夹到",
    # a car hit, no person; a near miss
    "刚才一辆车差点撞到人",
    "倒车把我家的电动车撞倒了",
    # a complaint about throwing things down
    "楼上老往下扔烟头，物业管管",
    # a dog: a vaccine after an old bite, a slipper, a question
    "上个月被狗咬了，狂犬疫苗还要打几针",
    "我家狗咬了我的拖鞋",
    "这狗会不会咬人啊",
    # a stove that will not light, no smell; an umbrella left in the lift (Cantonese)
    "燃气灶打不着火，没什么味，来修一下吧",
    "我部手机跌咗喺电梯度，边个执到唔该话我知",
    # play or a swimming lesson in water
    "我家小孩在水池里扑腾着学游泳",
    "孙子在游泳池里扑腾着玩水",
    # fighting and screams on a screen
    "我老公在打游戏，全是打斗声和惨叫，吵死了",
    # children snatching toys; a custody fight
    "俩孩子在抢小孩的玩具",
    "离婚了在跟他抢孩子的抚养权",
])
def test_round22_beyond_quiet(text):
    assert not fires(text), verdict(text)


def test_a_fall_gets_the_call_and_do_not_move():
    # The kind of a fall stays medical: its advice already says call 120 and do not move the person.
    lines = advice_for(verdict("我爸在卫生间滑倒了，起不来"))
    assert "120" in lines[0]
    assert any("不要随意搬动" in line for line in lines)
    # ... and what the resident tells next about the fall (起不来) gets "do not lift him".
    from assistant.tickets.emergency import follow_up_advice

    assert any("先别扶" in line for line in follow_up_advice("她摔在厨房地上了，起不来"))


def test_a_smoke_alarm_sounding_now_fires_and_one_complained_of_does_not():
    # Over-sensitive but sounding now, nothing said against a fire: recall first.
    assert "fire" in kinds("那个一炒菜就响的烟感 这会儿一直在叫")
    # Complained of, not sounding now; or sounding with the fault said.
    assert not fires("楼道的烟感太灵敏了，一抽烟就响，能调一下吗")
    assert not fires("烟感失灵了一直乱叫，来个人换一下")
