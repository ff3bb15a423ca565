"""Review 22 (safety MUSTs 1-5, 11-14; SHOULD 10): recall lost in the round-22 safety commits, fixed by reason.

Each rule that silences something keeps its look-alikes quiet and lets the emergencies sharing its words fire again.
The reviewer's probes and our own new wordings, both ways; no sentence is taken from a set.
"""

from __future__ import annotations

import pytest

from tests.safety._helpers import fires, kinds


# --- MUST 11, 14, SHOULD 10: a time or a what-if said after the cue is no account of it ------------------------

@pytest.mark.parametrize("text", [
    "小区里有车撞到一个小孩了 上次也是这个路口",
    "路口有辆车撞倒一个老人了 去年这里也出过事",
    "有辆电瓶车把小孩撞了 以前就有人说这里危险",
])
def test_a_hit_now_with_the_places_history_after_it_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "上次有辆车撞到一个行人 现在那个路口装了红绿灯",
    "去年小区门口有车撞了人 后来加了减速带",
])
def test_a_hit_dated_before_it_stays_quiet(text):
    assert not fires(text)


def test_things_thrown_hitting_someone_with_a_habit_said_after_fires():
    assert "violence" in kinds("有人从楼上往下扔砖头 砸到人了 以前也扔过")


def test_things_thrown_as_a_habit_stay_quiet():
    assert not fires("楼上经常往下扔酒瓶子 物业也不管")


@pytest.mark.parametrize("text", [
    "电梯门开了 轿厢没在 这种情况太危险了",
    "3号楼电梯门开着 里面是空的 轿厢不在 要是有人踩进去就完了",
    "5号楼电梯门开了 轿厢不在 这种情况谁负责",
    "电梯门开着 轿厢没在 要是小孩掉下去就完了",
])
def test_an_open_shaft_with_its_danger_said_after_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "这种情况以前出过吗 电梯门开着轿厢不在",
    "万一电梯门开着轿厢不在 该怎么办",
    "如果电梯门开了里面是空的 轿厢不在 怎么处理",
])
def test_an_open_shaft_asked_about_stays_quiet(text):
    assert not fires(text)


def test_fighting_heard_again_today_after_last_night_fires():
    assert "violence" in kinds("昨天隔壁有打斗声和尖叫 现在又开始了")


def test_fighting_heard_last_night_only_stays_quiet():
    assert not fires("昨晚隔壁有打斗声和尖叫 吵得我一夜没睡好")


# --- MUST 1, 12: prevention, who pays, "can it still be used" asked while it is on now ----------------------------

@pytest.mark.parametrize("text", [
    "我妈在卫生间摔倒了 防范有啥用 人都起不来了",
    "老人摔倒了 预防跌倒的扶手也没装 头上流血了",
    "我爸在楼梯上摔倒了 预防有什么用 腿都肿了",
    "天然气泄漏了 防范工作根本没做 一屋子的味",
])
def test_a_fall_or_a_leak_now_blamed_on_no_prevention_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "居委会办了个讲座 讲老人跌倒预防的知识",
    "想了解一下煤气泄漏防范",
    "老人跌倒预防怎么做",
])
def test_prevention_as_a_topic_stays_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "刚才电瓶车撞倒一个老太太 谁来赔 她坐地上哭",
    "车撞到人了 赔多少 人还在地上躺着",
    "一辆货车把我爸撞了 怎么定责",
    "刚刚一辆摩托撞倒了个大爷 赔偿谁出 大爷躺着不动",
    "电动车把我儿子撞了 谁的责任",
    "小车撞到人了 咋赔 那人腿上全是血",
])
def test_who_pays_asked_with_the_hit_on_now_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "上个月骑车撞了人 保险怎么理赔",
    "电瓶车撞了行人 赔多少合适",
    "电动车撞了人 保险怎么赔",
])
def test_who_pays_asked_as_the_aftermath_stays_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "电池鼓包了 还在冒烟 还能用吗",
    "充电宝鼓包了 一直在冒烟 还能用吗",
])
def test_a_battery_still_smoking_asked_about_fires(text):
    assert "fire" in kinds(text)


def test_a_warm_swollen_battery_asked_about_stays_quiet():
    assert not fires("充电宝鼓起来了有点烫 还能用吗")


# --- MUST 2: gone every weekend is a habit only with nothing alarming in the sentence --------------------------------

@pytest.mark.parametrize("text", [
    "我妈有点糊涂 一到晚上就没影了 这会儿天都黑透了",
    "我爸老年痴呆 每到晚上就不见人影 我们到处找",
    "孙子一放假就没影了 已经两天没回家了",
    "我外公有点糊涂 每到晚上就不见人影 现在天都黑了",
    "我爷爷老年痴呆 一到周末就没影了 家里人在找",
    "外孙一放暑假就没影了 都三天没回来了",
])
def test_a_confused_elder_or_a_child_gone_for_days_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "孙子一放假就没影了 天天在外面打球",
    "我儿子一到周末就不见人影 跟同学打球去了",
    "老伴每逢休息日就没影了 去公园下棋",
])
def test_gone_every_weekend_as_a_habit_stays_quiet(text):
    assert not fires(text)


# --- MUST 3: children fighting is a trifle only with no push, kick, stairs, stool or pain after it -----------------

@pytest.mark.parametrize("text", [
    "两个孙子打架 大的把小的推下楼梯了",
    "俩熊孩子打起来了 一个拿板凳抡另一个",
    "俩孩子打起来了 小的被踢到肚子 疼得直哭",
    "两个外孙打架 哥哥把弟弟从台阶上推下去了",
    "俩娃打起来了 大的抡起凳子就往下砸",
    "几个孩子打起来了 小的被踹了一脚 肚子疼",
])
def test_children_fighting_with_harm_after_it_fire(text):
    assert "violence" in kinds(text)


@pytest.mark.parametrize("text", [
    "俩孙子为抢遥控器又打起来了 烦死了",
    "俩孩子为抢零食又打起来了 吵得我头疼",
    "两个孙女为个娃娃掐起来了 烦死人",
])
def test_children_fighting_over_a_trifle_stay_quiet(text):
    assert not fires(text)


# --- MUST 4: a game accounts for an elder only with no absence told after it, and not as a habit -------------------

@pytest.mark.parametrize("text", [
    "我妈在屋里打麻将呢 手机一直没人接 打了一下午了",
    "独居的张奶奶平时在活动室打牌 这三天都没见她下楼",
    "独居的张奶奶平时在打麻将 这三天都没见她下楼",
    "我爸在茶馆打牌 电话打了十几遍都没人接",
    "楼下独居的王爷爷平时在棋牌室打麻将 好几天没见人了",
])
def test_a_game_with_the_silence_told_after_it_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "我妈电话没人接 在活动室打牌呢",
    "我爸没接电话 在楼下打麻将",
])
def test_a_game_that_explains_the_silence_stays_quiet(text):
    assert not fires(text)


# --- MUST 13: the writer's guess that someone sleeps is no account of an elder not answering the door ----------------

@pytest.mark.parametrize("text", [
    "我妈一个人住 敲门叫了半天没应 估计睡熟了吧",
    "我爷爷一个人住 敲门半天没人应 可能睡着了吧",
])
def test_an_elder_alone_not_answering_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "叫了两声没应 估计睡熟了",
    "喊了几声没人应 可能睡着了",
    "我老公喊他没应 估计睡死了",
])
def test_a_guess_at_home_stays_quiet(text):
    assert not fires(text)


# --- MUST 5: 可能 blocks a spark cue only as a modal, not before a short told as happened ---------------------------

@pytest.mark.parametrize("text", [
    "插座可能短路了 噼里啪啦的 还有火星",
    "电线可能短路了 一直滋滋响",
    "墙上的开关可能短路了 一直在冒火花",
])
def test_a_short_told_as_happened_with_a_hedge_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "电线可能短路吗",
    "插座可能会短路吗",
    "这个插线板可能容易短路吧",
])
def test_a_short_asked_about_stays_quiet(text):
    assert not fires(text)


# --- SHOULD 1: 差不多天天 is no 多天 -----------------------------------------------------------------------------------

def test_almost_every_day_is_no_span_of_days():
    assert not fires("我妈差不多天天不接电话 她耳朵背 你们上门时多敲几下门")
    assert not fires("我爸差不多天天不下楼 腿脚不方便 想约个上门理发")


@pytest.mark.parametrize("text", ["独居的李奶奶多天没下楼了 敲门也没人应", "我妈多日联系不上 电话一直关机"])
def test_many_days_silent_still_fires(text):
    assert "silent_elder" in kinds(text)


# --- SHOULD 2: a window or balcony forced is the verb's own object, with the commonest subjects ---------------------

@pytest.mark.parametrize("text", [
    "有个男的正在掰我家防盗窗 我和孩子在家",
    "有个女的在扒我家防盗网 想进来",
    "有人在拉我家窗户 我一个人在家好害怕",
    "有个陌生人正在翻隔壁阳台",
    "有个男的顺着空调外机爬上阳台了",
])
def test_someone_forcing_or_climbing_a_window_fires(text):
    assert "violence" in kinds(text)


@pytest.mark.parametrize("text", [
    "有人在拉窗户上的小广告 撕得满地都是",
    "有个人在翻隔壁阳台的花盆 是他家亲戚吧",
    "楼上有人在爬阳台外面装空调",
    "有个人在拉阳台上的晾衣绳",
])
def test_a_thing_at_a_window_handled_stays_quiet(text):
    assert not fires(text)


def test_a_woman_is_not_read_as_a_daughter():
    from assistant.safety.normalise import normalise
    assert "女儿" not in normalise("有个女的在楼下等人")
    assert "女儿" not in normalise("一个女孩在跳绳")
    assert normalise("我个女发烧了") == "我女儿发烧了"


# --- SHOULD 11: the knocks counted at an elder's door are the silence ------------------------------------------------

@pytest.mark.parametrize("text", [
    "我外婆独居 今天敲了好几次门都没应 可能在睡觉",
    "隔壁独居的刘大爷 敲了半天门没应 估计在睡觉",
    "我姥姥一个人住 上午敲了三次门都没人开",
])
def test_knocks_counted_at_an_elders_door_fire(text):
    assert "silent_elder" in kinds(text)


@pytest.mark.parametrize("text", [
    "敲了好几次门都没应 快递只好放门口了",
    "给独居老人送饭 敲了两下门 她就出来拿了",
])
def test_knocks_with_no_elder_or_answered_stay_quiet(text):
    assert not fires(text)


# --- MUST 1, its other side: a prevention word before a cue said to have happened governs nothing -----------------

@pytest.mark.parametrize("text", [
    "说了多少次要防范 煤气还是泄漏了 满屋子味",
    "物业从来不搞预防 现在3号楼着火了",
    "防范意识太差了 楼下有人晕倒了",
])
def test_prevention_blamed_before_a_cue_that_happened_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", ["怎么预防老人摔倒", "预防煤气泄漏有什么办法", "如何防止孩子触电"])
def test_prevention_asked_before_a_cue_stays_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "天天讲预防 结果我妈在楼道摔倒了起不来",
    "老是说楼道太黑 这下我爸真摔倒了 头磕破了",
])
def test_a_habit_then_a_turn_of_events_fires(text):
    assert "medical" in kinds(text)


@pytest.mark.parametrize("text", ["电梯老是坏 结果今天又要爬楼", "我妈天天摔东西 烦死了"])
def test_a_habit_alone_stays_quiet(text):
    assert not fires(text)


# --- MUST 5's 火星: sparks had or flying are sparks, not Mars -------------------------------------------------------

@pytest.mark.parametrize("text", ["插座火星四溅", "插座那边有火星 噼啪响", "墙上插板可能烧了 还溅出火星"])
def test_sparks_had_or_flying_fire(text):
    assert "fire" in kinds(text)


@pytest.mark.parametrize("text", ["火星上有没有水", "我孙子说长大要去火星", "电焊火星四溅 工人在干活"])
def test_mars_or_welding_stays_quiet(text):
    assert not fires(text)
