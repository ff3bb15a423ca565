"""Round 21 (issue #10): set 20's errors and round 20's leftovers, by reason, in our own words.

Every rule that silences something was written with its probes first: real emergencies that share its
words must still fire; the look-alikes of the same kind stay quiet. No sentence here is taken from a set.
"""

from __future__ import annotations

import pytest

from tests.safety._helpers import fires, kinds, verdict


# --- misses: cues the lexicon lacked, or a reason read too wide ---------------------------------------------

@pytest.mark.parametrize(("text", "kind"), [
    # a held weapon swung at someone's head or body (not only a chase)
    ("有个醉汉拎着铁棍照着我老公身上抡", "violence"),
    ("那伙人拿着棒子朝保安脑袋上削", "violence"),
    ("他举着砖头往人头上招呼", "violence"),
    # the blood said first, then how much
    ("我爸摔了一跤，血流了一地", "medical"),
    ("孩子被玻璃划了，血淌了一手", "medical"),
    ("帮我约个理发，还有我婆婆刚才剪指甲剪到肉了血流得满手都是", "medical"),
    # called or shaken and still not moving, someone asleep, down or drunk
    ("我爸喝了酒躺沙发上，叫他也不醒", "medical"),
    ("我奶奶躺地上，推她也不动", "medical"),
    # a carer searching everywhere, with where and how said between
    ("奶奶在小区里哭着到处找，孙子不见了", "missing"),
    ("有谁见过一个穿红衣服的小女孩吗，她爸在北门急得到处找", "missing"),
    # the little one of the family
    ("我家小的在游泳池不见了", "missing"),
    ("家里小的上学到现在都五个钟头了还没回家，电话也打不通", "missing"),
    # the people shut in named first, no 被
    ("我和我妈困里面半个小时了，电梯不动", "trapped"),
    ("俺们几个锁里头了，卫生间门打不开", "trapped"),
    # stepping through water, then the feet or legs tingle
    ("地下室全是水，我踩过去腿一麻差点倒了", "electric_water"),
    ("一楼大堂积水，走过去脚底麻酥酥的", "electric_water"),
    # the writer asks what to do after telling it (not a bare question)
    ("插座里滋滋响，冒火星子，我咋办", "fire"),
    ("走廊里水漫过来了，插线板泡着，我们该咋办", "electric_water"),
])
def test_new_cues_fire_with_their_kind(text, kind):
    assert fires(text)
    assert kinds(text)[0] == kind


def test_strange_is_not_curious():
    # 好奇怪 (so strange) is no 好奇 (curious: a general question)
    assert fires("我老伴刚才吐了，现在一直睡，叫他也不动，喘气声音好奇怪")
    assert fires("我爸脸色好奇怪 叫他也没反应")
    assert not fires("我就是好奇问问 老人摔倒了怎么扶")


def test_typos_by_sound():
    # 耽心 for 担心 (a reassurance: it is over), 物页 for 物业, 包警 for 报警
    assert not fires("我妈说这几天手机坏了在修，你们联系不上别耽心，她好好的")
    assert fires("我爸三天没接电话了，物页也敲不开门")
    assert fires("快包警 有人拿刀砍人")


@pytest.mark.parametrize("text", [
    "冬天踩着冰水走过去，脚都冻麻了",
    "雨天走过去积水，脚冻得发麻",
    "我儿子一直睡懒觉，叫他也不动",
    "喊他起床吃饭，叫了半天也不动，又在玩手机",
    "我妈在家里到处找她的老花镜",
    "遇到电梯困人我们该怎么办",  # review 21 (S16): the general frame; said bare, several people ask from inside
    "着火怎么办",
])
def test_the_new_cues_keep_off_ordinary_messages(text):
    assert not fires(text)


# --- false alarms, by reason ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    # animals fighting each other
    "楼下那两条狗又咬起来了，吵死了",
    "家里的鹦鹉和猫打架了，羽毛掉了一地",
    "小区里的流浪猫半夜又打起来了",
    # 抢钱 of a price
    "你们这物业费收得跟抢钱一样",
    "停车费一个月八百，这不是明抢钱吗",
    "菜价涨成这样 跟抢钱一样",
    # a machine that gives no air
    "氧气瓶不出气了，能换一个吗",
    "家里制氧机突然不出气了，能派人修吗",
    # a burden that presses or traps one
    "房贷压得我喘不过气来",
    "天天加班被业绩逼得透不过气",
    "最近被作业困住了，孩子说快喘不过气了",
    # the cue names a media item's topic
    "网上那个煤气爆炸的新闻你们看了吗",
    "昨晚刷到一个小孩走丢的视频，好可怜",
    "微博上有个电梯困人的帖子挺吓人",
    # a device's trigger
    "门口装个烟感，冒烟就推送到手机的那种多少钱",
    "有没有那种系统，老人两天没出门就通知社区的",
    # prevention or a simulation just before the cue
    "预防触电的宣传单能多拿几张吗",
    "防走丢的手环哪里领",
    "商场有个模拟触电的体验装置，挺吓人",
    # one cause guessed against another, nothing sensed
    "水电费这个月多了一倍，是不是表坏了还是哪里漏电",
    "燃气费怎么这么高，是不是抄错了还是哪里漏气，帮忙查查",
    # when will someone come (a visit chased)
    "啥时候能来人啊",
    "几点来人啊，我在家等着",
])
def test_look_alikes_stay_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    # animals: a person bitten, or people fighting
    "两只狗打起来了，把我孙子咬了",
    "两只狗和我老公打起来了",
    "邻居两口子打起来了",
    "狗主人和保安打起来了，头都打破了",
    # 抢钱: a robbery
    "楼下有人抢钱 快报警",
    "收费员被抢钱了",
    "超市收银台有个人冲进来抢钱",
    # not breathing: a person, even with a machine on
    "我爸躺着不出气了",
    "老伴戴着制氧机还是不出气了",
    "我老婆不出气了，快来人",
    # breath: the body, or sudden
    "我妈做家务做着做着喘不上气了",
    "加班到半夜突然喘不过气",
    "我爸加班回来胸口疼，喘不过气",
    # a media word after a cue said to have happened or urgent
    "楼下着火了 视频发你们了",
    "着火了着火了 快来人 新闻里都播了",
    # a device named, the event happened (了) or no trigger
    "我妈一天没开门 我就通知你们了",
    "装了门磁也没用，奶奶两天没开门了",
    # prevention words not just before the cue
    "消防通道着火了",
    "模拟演练的时候真有人晕倒了",
    # a guess with something sensed in the sentence
    "厨房一股味，是不是灶坏了还是哪里漏气",
    "我一摸洗衣机就麻，是不是接地坏了还是漏电",
    "插座冒烟了，是不是短路还是漏电",
    # a cry with no visit asked
    "什么时候都行 快来人啊",
    "快来人啊",
    "来人啊 我妈晕倒了",
])
def test_emergencies_sharing_the_new_rules_words_fire(text):
    assert fires(text)


def test_what_the_topic_rules_report():
    assert "hypothetical:防→触电" in verdict("防触电培训明天几点").suppressed
    assert any(x.startswith("hypothetical:") and x.endswith("→着火") for x in verdict("抖音上那个着火的视频").suppressed)


# --- the classifier's vote (plausible): a repair complained of, English danger --------------------------------

@pytest.mark.parametrize("text", [
    "小区后门的门禁坏了好几天了，外卖小哥随便进出",
    "楼下的感应灯不亮好些天了，也没人来修",
    "独居老人家里的一键呼叫器没电了，也没人来换",
    "充电桩旁边的电线裸露着，小孩总在那边跑，so dangerous",
])
def test_repairs_complained_of_do_not_back_a_classifier_emergency(text):
    v = verdict(text)
    assert not v.emergency
    assert not v.plausible


@pytest.mark.parametrize("text", [
    "楼道的灯坏了好几天了 我妈今天摔了起不来",
    "电梯坏了三天了 我爸被关在里面出不来",
    "独居的王大爷家门铃坏了好几天了，这两天都没见他出门",
    "电梯的紧急按钮没电了，也没人来修，我爸现在关在里面",
    "孩子丢了两天了",
    "插座冒火花了 so dangerous 快来人",
])
def test_emergencies_beside_a_repair_complaint_fire(text):
    assert fires(text)
