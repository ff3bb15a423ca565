"""Round 17 (issue #10): set 16's errors, by their general reasons, in our own words.

Each reason is tested both ways: the look-alike it explains stays quiet and the
emergency that shares its words still fires. No sentence here is taken from a set.
"""

from __future__ import annotations

import pytest

from assistant.safety import assess
from assistant.safety.normalise import normalise
from tests.safety._helpers import fires, kinds


# ---- false alarms: questions ---------------------------------------------------------

@pytest.mark.parametrize("text", [
    "我儿子问电梯坏了会不会掉下去",
    "我爸问燃气泄漏了要不要先开窗",
    "有人问着火了怎么办",
])
def test_a_question_passed_on_is_about_the_cue(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "我老公问我爸晕倒了怎么办，快来人",              # urgent
    "我妈问你们啥时候来，我爸摔倒了起不来",           # the cue in its own clause, a person of theirs
    "我老婆问能不能快点派人来，她被困在电梯里了",
    "朋友问孩子发高烧抽搐了怎么办，现在在抽",
])
def test_a_question_passed_on_does_not_hide_a_real_one(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "孩子走丢了一般先找谁",
    "小孩在公园走失了，一般是先报警还是先广播",
])
def test_in_general_questions_are_questions(text):
    assert not fires(text)


def test_in_general_does_not_hide_a_person_of_theirs():
    assert fires("我妈被困电梯了，一般多久能到")


@pytest.mark.parametrize("text", [
    "有没有这种煤气泄漏会自动关阀的装置",
    "老人住一楼，有没有那种晕倒了能自动打电话的手表",
])
def test_a_product_asked_about_is_no_report(text):
    assert not fires(text)


def test_someone_asking_whether_anyone_saw_a_child_still_fires():
    assert fires("有没有人看见我家孩子，他走丢了")


def test_a_relayed_assignment_is_a_question_but_a_plea_passed_on_is_not():
    assert not fires("楼道起火了往哪边跑呀，老师叫我们问的")
    assert fires("我妈让我问问你们，我爸一直联系不上")


# ---- false alarms: time and worry ------------------------------------------------------

@pytest.mark.parametrize("text", [
    "下个月燃气公司来做泄漏演示，要停气多久",
    "下礼拜小区搞火灾疏散，老人走不动的怎么办",
])
def test_a_day_to_come_in_the_cue_clause_is_not_now(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "明天来修吧，现在燃气还在漏，味道好大",
    "说好明天来修，我家厨房现在着火了",
])
def test_a_day_to_come_elsewhere_does_not_date_the_cue(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "楼下小孩老在楼梯扶手上滑，我怕哪天他摔下去了",
    "我怕哪天孩子从窗户掉下去",
])
def test_an_indefinite_day_feared_is_a_what_if(text):
    assert not fires(text)


def test_a_past_day_named_then_is_no_what_if():
    assert fires("那天我奶奶摔倒了，现在还起不来")


# ---- false alarms: shows, animals, play --------------------------------------------------

@pytest.mark.parametrize("text", [
    "看的那个节目里，有人被困在山洞",
    "这个恐怖片里好多人被砍",
    "在看海底小纵队，有只企鹅掉进水里了哈哈",
    "动画片里房子着火了，哈哈，我在看呢",
])
def test_a_show_or_a_laugh_about_it_is_no_report(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "楼下打起来了，有人被砍了，快报警",
    "我女儿被绑架了，对方要钱",
    "我在看电视，突然听到楼下有人喊救命",
])
def test_a_show_word_nowhere_near_still_fires(text):
    assert fires(text)


def test_a_programme_typed_with_a_homophone_is_a_programme():
    assert "节目" in normalise("昨晚看的那个寻亲节木")
    assert "目亲" not in normalise("过节母亲摔了")


def test_an_animal_as_the_subject_is_no_person():
    assert not fires("它们被困在笼子里了")
    assert fires("它把孩子咬了，孩子流血了")


@pytest.mark.parametrize("text", [
    "我家兔子从笼子里跑出去了，帮我在小区找找",
    "孩子看电视看得入迷，叫他都不理",
])
def test_a_pet_run_off_or_a_child_absorbed_is_everyday(text):
    verdict = assess(text, quiet=True)
    assert not verdict.emergency and not verdict.plausible


def test_a_pet_run_off_does_not_hide_a_fall():
    assert fires("我家狗跑出去了，我爸去追，摔倒起不来了")


# ---- false alarms: figures of speech ----------------------------------------------------

@pytest.mark.parametrize("text", [
    "今天加班加得我快 heart attack 了",
    "我外孙皮得要命，作业一个字没写，我要打死他",
    "被论文困住了，一个月没出门",
    "困在家里一个冬天，闷死了",
    "堵在高架桥上被困了三个钟头",
    "被 ddl 困住了，stuck 在工位上",
])
def test_hyperbole_and_figurative_traps_stay_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "my dad is having a heart attack",
    "我孙子被人打了，我要打死他",
    "我外孙在学校被高年级的欺负了，我要打死他",
    "高速上出车祸了，人被困在车里出不来",
    "被大火堵在屋里困住了",
    "老人困在家里三天了，门打不开",
])
def test_the_real_ones_sharing_their_words_fire(text):
    assert fires(text)


def test_a_call_device_that_does_not_respond_is_a_repair():
    assert not fires("家里那个紧急呼叫器按了没反应，是不是坏了")
    assert fires("我妈按了呼叫器，叫她没反应")


# ---- false alarms: over, or only its handling goes on ---------------------------------------

def test_a_past_robbery_whose_case_is_still_open_is_past():
    assert not fires("上个月被人抢了包，派出所到现在都没消息")
    assert fires("刚才被人抢了包，派出所到现在都没消息")


def test_children_who_went_back_to_playing_are_over():
    assert not fires("两个孩子打架，一个把另一个推倒了，后来又玩起来了")
    assert fires("孩子被推倒了，头磕破了在流血")


def test_a_child_already_taken_to_hospital_is_over():
    assert not fires("小孩在滑梯摔倒了，家长已经带去医院了")
    assert fires("我爸摔倒了，我已经带去医院了，医生说骨折了")


# ---- misses -------------------------------------------------------------------------------

def test_days_without_getting_through_to_an_elder_alone_fire():
    assert "silent_elder" in kinds("我外婆独居，两天没联系上了，麻烦去看看")
    assert "silent_elder" in kinds("邻居老太太一个人住，电话三天没联系上")
    assert not fires("我跟客服两天没联系上")


@pytest.mark.parametrize("text", [
    "广告牌掉下来砸在一个大爷的腿上",
    "门口的铁门倒下来压住了我爸的脚",
    "仓库的架子倒下来，一个工人被架子压住了",
])
def test_someone_pinned_by_something_that_fell_fires(text):
    assert fires(text)


def test_a_leg_pressed_in_sleep_is_no_one_pinned():
    assert not fires("我压着腿睡了一觉，腿麻了")


@pytest.mark.parametrize("text", [
    "孩子不小心掉进小区的水池里了",
    "井盖被人偷了，我孙子一脚踩空掉下去了",
    "小区池塘里我弟弟沉下去了",
])
def test_a_person_fallen_in_or_going_under_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "手机掉进水池里了",
    "阳台的花盆掉下去了，砸到车了",
    "太阳沉下去了，湖边好美",
    "怕孩子掉下去，井盖能不能盖好",
])
def test_things_fallen_in_and_fears_stay_quiet(text):
    assert not fires(text)


def test_a_gas_leak_said_to_be_back_fires_but_not_a_fee_or_water():
    assert "gas" in kinds("燃气管上次修了，这周又漏了，味儿大")
    assert not fires("燃气费上个月又漏缴了")
    assert not fires("燃气表旁边的水管又在漏水")


def test_a_habit_said_in_an_earlier_clause_does_not_cover_what_is_going_on_now():
    assert fires("天天说要检修，楼道那根煤气管又在嘶嘶响，味道冲")
    assert not fires("电梯经常困人，太烦了")


def test_a_lock_typed_with_its_homophone_is_a_lock():
    assert "被锁在" in normalise("孩子被所在屋里了")
    assert fires("小孩被所在车里了，车在晒太阳")


def test_a_carer_searching_everywhere_fires_but_not_for_a_thing():
    assert fires("有个三岁小男孩，家长在到处找")
    assert not fires("我妈在到处找她的老花镜")


def test_a_whereabouts_the_place_denies_late_at_night_fires():
    assert fires("我儿子说在网吧，网吧老板说根本没见着他，这都半夜了")
    assert not fires("我女儿说在同学家写作业，同学家长说她们在楼上")


# ---- the brief: fear felt now, then a pause ------------------------------------------------

@pytest.mark.parametrize("text", ["真怕 老人摔倒", "好怕啊 小孩子被拐"])
def test_fear_then_a_bare_event_about_nobody_in_particular_is_a_worry(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "我好怕 他拿刀要砍我",          # someone named
    "好害怕啊 楼道里全是烟",        # placed
    "好怕啊，着火",                 # a bare cry
    "真怕啊 老人摔倒了",            # said to have happened
])
def test_fear_then_what_is_happening_fires(text):
    assert fires(text)


# ---- recall: a person of the message's taken while watching a show ----------------------------

@pytest.mark.parametrize("text", [
    "我在看电视剧，我爸突然倒了",
    "看电影的时候我爸突然喘不上气了",
    "我妈追剧追到一半突然说不出话了",
])
def test_someone_taken_suddenly_while_watching_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "电视剧里我爸最喜欢的角色突然晕倒了",     # inside the show
    "我爸在看电视剧，剧里的人突然晕倒了",
    "看电视剧，男主的爸爸突然倒了",            # the show's own people
    "我妈在看综艺，主持人突然晕倒了",
    "梦见我爸突然倒了",                        # a dream stays a story
])
def test_what_happens_in_the_show_stays_the_show(text):
    assert not fires(text)


# ---- own probes after set 16: play, rehearsals, nuisance cries, the news ------------------------

@pytest.mark.parametrize("text", [
    "我们在排练小品，剧情是老人摔倒没人扶",
    "孩子们在演戏，演到有人被绑架",
    "我儿子玩吃鸡游戏一直喊救命",
    "我快被楼上装修的噪音逼疯了，救救我吧",
    "老伴炖的酸菜一股怪味 孙子捂着鼻子说是不是煤气 嘻嘻",
])
def test_play_rehearsal_and_nuisance_cries_stay_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "玩过家家的时候孩子真的摔了，头在流血",     # a real injury in play
    "彩排的时候我爸突然晕倒了",
    "楼上有人砸东西吵得要命，救命啊，他拿刀了",
    "哈哈哈刚才笑完，我妈就说胸口疼得厉害",     # a body in trouble after the laugh
    "老爸看新闻看着看着突然嘴歪了，说话不清楚",  # taken while watching the news
    "我妈看直播的时候突然晕倒了",
])
def test_the_real_ones_around_play_and_shows_fire(text):
    assert fires(text)


@pytest.mark.parametrize("text", ["新闻里一个老人突然晕倒了", "我爸在看新闻，新闻里的人突然倒了", "你失踪了吗哈哈"])
def test_the_news_and_a_jest_stay_stories(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "上周五楼道电线起火，物业到现在都没来换线",       # the repair is what goes on
    "我们单元的消防栓被人拆了，着火了都没法用",       # the hazard's what-if
    "我家老头子脾气大，跟我吵架摔了个碗",             # a thing thrown down
])
def test_repairs_pending_hazard_what_ifs_and_thrown_things_stay_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "昨天楼道电线起火，到现在都没来人修，今天又冒烟了",
    "楼道着火了，消防栓被拆了没法用",
    "我老公跟我吵架摔了我一下，我头破了",
])
def test_the_fire_now_and_the_person_thrown_still_fire(text):
    assert fires(text)
