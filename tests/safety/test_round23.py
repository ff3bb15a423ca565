"""Round 23: emergency set 22's errors (now tuned) and last round's final-review gaps, fixed by reason.

Every rule is tested both ways with new wordings (no sentence of a tuned set copied or near-copied): the emergency
it is for fires, and the look-alike sharing its words stays quiet.
"""

from __future__ import annotations

import pytest

from tests.safety._helpers import fires, kinds


# --- something falling on a person named by who they are (an old woman, a child), with or without 了 -------------

@pytest.mark.parametrize("text", [
    "楼上掉下来个晾衣杆砸到一个老太太",
    "外墙的瓷砖掉下来砸中个小孩",
    "风把广告牌吹下来砸着一个大爷",
    "有人从楼上丢东西 刚才砸到一个小男孩了",
])
def test_a_falling_thing_hitting_an_elder_or_a_child_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "楼上扔了个易拉罐下来 差点砸到一个老太太",
    "去年楼上掉东西砸到过一个大妈",
    "冰雹砸到我妈的车了 保险能赔吗",
    "楼上老是有人往下扔烟头 砸到我老伴好几回了 物业管管",
])
def test_a_near_miss_an_old_story_a_car_or_a_habit_stays_quiet(text):
    assert not fires(text)


# --- a child carried off by someone the resident does not name ---------------------------------------------------

@pytest.mark.parametrize("text", [
    "刚刚有个男的把我外孙抱走了 往东门跑了",
    "一个女人在菜市场把我家闺女拉走了",
    "有人趁我买东西的工夫把我孙女抱走了",
])
def test_a_child_taken_by_someone_unnamed_fires(text):
    assert "violence" in kinds(text)


@pytest.mark.parametrize("text", [
    "我儿媳妇把孙子抱走了 说接回她娘家住几天",
    "孩子奶奶把孙子抱走了 说周末再送回来",
    "有个阿姨把小朋友带走了 原来是幼儿园老师",
    "有个人把我外孙抱走了 一看是他奶奶 吓我一跳",
])
def test_a_child_taken_by_family_or_a_teacher_stays_quiet(text):
    assert not fires(text)


# --- a dog chasing a named person to bite ------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "一条大狼狗追着小孩咬 孩子吓得直哭",
    "流浪狗追着我外婆咬 快来人",
])
def test_a_dog_chasing_someone_to_bite_fires(text):
    assert "violence" in kinds(text)


@pytest.mark.parametrize("text", [
    "邻居家的小奶狗追着孩子咬鞋带玩",
    "楼下那条狗总是追着小孩咬 能不能让主人拴上",
])
def test_a_puppy_at_play_or_a_dogs_habit_stays_quiet(text):
    assert not fires(text)


# --- someone gone down a well or a manhole who does not answer ---------------------------------------------------

@pytest.mark.parametrize("text", [
    "抽污水的师傅下井快二十分钟了 上面喊他一直没有回应",
    "检修的工人下了井 叫他名字也不吭声",
])
def test_a_worker_down_a_well_not_answering_fires(text):
    assert "trapped" in kinds(text)


@pytest.mark.parametrize("text", [
    "师傅下井修管子去了 喊了一声他说等会儿就上来",
    "工人下井作业要是喊了没人应该怎么办 想了解下规范",
])
def test_a_worker_down_a_well_who_answers_or_a_question_stays_quiet(text):
    assert not fires(text)



# --- a trip said with where it goes accounts for an elder's silence, unless the elder is unreachable after it ----

@pytest.mark.parametrize("text", [
    "独居的孙大妈三天没开门了 她儿子说她跟团去桂林旅游了",
    "对门的老两口两天没见着 去三亚旅游去了",
])
def test_an_elder_gone_on_a_trip_stays_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "我外公一个人住 说是去杭州旅游 两天了手机一直关机",
    "我姥姥一个人住 去旅游了 这两天一直联系不上",
])
def test_an_elder_on_a_trip_who_cannot_be_reached_fires(text):
    assert fires(text)


# --- the lights as a sign of life of someone living alone --------------------------------------------------------

@pytest.mark.parametrize("text", [
    "对面楼独居的刘爷爷 家里的灯三个晚上都没亮过",
    "楼下空巢的老大娘家的灯白天黑夜一直亮着 好几天了",
    "那个一个人住的老头 屋里听不到任何响动 窗帘也两天没拉开",
])
def test_an_elders_lights_dark_or_on_for_days_fires(text):
    assert "silent_elder" in kinds(text)


@pytest.mark.parametrize("text", [
    "三单元的楼道灯好几天不亮了 老人晚上下楼看不清",
    "独居的张奶奶家的灯两天没亮了 她跟团去海南旅游了",
    "小区门口的路灯三天没亮了 大爷大妈跳舞都摸黑",
])
def test_a_stair_lamp_or_an_elder_known_away_stays_quiet(text):
    assert not fires(text)


# --- learning ahead with an adverb between (想提前学一下, 想先学学) is the learning frame ----------------------------

@pytest.mark.parametrize("text", [
    "小孩吞了纽扣怎么急救 我想提前学学",
    "老人突然抽搐该怎么处理 想事先学一下",
    "煤气泄漏了第一步干啥 我想先学点",
])
def test_learning_ahead_with_an_adverb_stays_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "我想先学学怎么扶 我奶奶摔倒了站不起来",
    "我老伴刚才噎住了 脸都紫了 想提前学的来不及了",
])
def test_learning_ahead_with_ones_own_emergency_fires(text):
    assert fires(text)


# --- a story from a short-video app, English news or a drama named by its genre ----------------------------------

@pytest.mark.parametrize("text", [
    "b站上有人说他家充电宝半夜自燃了 看得我心慌",
    "刷到一条小红书 一个小孩被困在电梯里 太吓人了",
    "在看个谍战剧 里面有人被勒住脖子",
    "watched a documentary about a kidnapping 有点怕",
])
def test_a_story_seen_on_a_screen_stays_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "正刷着抖音呢 厨房突然冒烟了 有火苗",
    "看了条抖音讲燃气泄漏 结果我闻了闻 我家现在真有煤气味",
])
def test_something_here_while_on_a_screen_fires(text):
    assert fires(text)


# --- a drill typed by sound (one character of 演练 replaced) ------------------------------------------------------

@pytest.mark.parametrize("text", [
    "下周三的火灾逃生演连在几号楼 老人能参加吗",
    "小区搞煤气泄漏严练 要带什么",
])
def test_a_drill_typed_by_sound_stays_quiet(text):
    assert not fires(text)


def test_a_real_fire_beside_a_look_alike_of_the_drill_word_fires():
    assert fires("映入眼帘的是对面楼着火了 火很大")


# --- Hokkien: an injury told as over (前几日, 病院, 无代志) --------------------------------------------------------

@pytest.mark.parametrize("text", [
    "阮阿嬷前几日跋倒，头壳流血，去病院看过了，这马无代志",
    "前两日我老爸切菜割到手流血 已经缝好了 没事了",
])
def test_an_injury_told_as_over_stays_quiet(text):
    assert not fires(text)


def test_a_hokkien_fall_now_fires():
    assert fires("阮阿嬷拄才跋倒，流血，起袂来")


# --- the phone said before the verb is a call (电话打我闺女的), not a blow ---------------------------------------

@pytest.mark.parametrize("text", [
    "有急事的话电话打我女儿的 她接得快",
    "回访别找我 手机直接打我儿子的",
])
def test_the_phone_before_the_verb_is_a_call_and_stays_quiet(text):
    assert not fires(text)


def test_a_phone_swung_as_a_weapon_fires():
    assert "violence" in kinds("那个醉汉抄起手机打我 我额头流血了")


# --- sparks flying now, told inside a complaint about old wiring -------------------------------------------------

@pytest.mark.parametrize("text", [
    "线路都老化成这样了 配电箱那边火花直冒",
    "物业一直不换旧电线 这会儿开关那儿火星乱飞",
])
def test_sparks_flying_inside_a_complaint_fire(text):
    assert "fire" in kinds(text)


@pytest.mark.parametrize("text", [
    "电线太老化了 一插插销就火花四溅 你们啥时候来换",
    "楼道私拉飞线 哪天火星四溅就麻烦了",
    "楼下工地电焊火花四溅 吵得很",
])
def test_sparks_as_a_habit_a_what_if_or_welding_stay_quiet(text):
    assert not fires(text)


# --- 想起来: a memory only with a feeling or a past after it; remembering someone now is the resident's concern -----

@pytest.mark.parametrize("text", [
    "刚想问缴费的事 忽然想起来隔壁一个人住的周大爷 这都四天没见着了 敲门也没人应",
    "我想起来楼下独居的老太太 两天没来食堂吃饭了 电话也打不通",
])
def test_remembering_a_silent_elder_now_fires(text):
    assert "silent_elder" in kinds(text)


@pytest.mark.parametrize("text", [
    "小时候村里失过一次火 现在想起来心里还发毛",
    "想起来以前课上讲的 煤气泄漏了不能开灯",
])
def test_a_memory_with_a_feeling_or_a_lesson_stays_quiet(text):
    assert not fires(text)
