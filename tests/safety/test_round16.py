"""Round 16 (issue #10): set 15's errors, by their general reasons, in our own words.

Each reason is tested both ways: the look-alike it explains stays quiet and the
emergency that shares its words still fires. No sentence here is taken from a set.
"""

from __future__ import annotations

import pytest

from assistant.safety import assess
from assistant.safety.net import settle_intent
from tests.safety._helpers import fires, kinds


# ---- misses -------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "my uncle took too many pills, 现在一直犯困",
    "roommate swallowed a whole bottle of sleeping tablets",
    "我表哥吃了很多药",                         # the whole message: a report, not a treatment (review 15 note 44)
    "外婆一口气吞了好多药，我拦都拦不住",
    "my sister took a lot of pills and now she is confused",
])
def test_a_large_dose_said_as_one_act_is_poisoning(text):
    assert "poisoning" in kinds(text)


@pytest.mark.parametrize("text", [
    "我妈每天早上都要吃好多药，能约个上门量血压吗",
    "这阵子感冒吃了很多药，嘴里发苦",
    "I take a lot of pills for my heart, can the clinic deliver them",
])
def test_a_treatment_of_many_pills_stays_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "车棚那边一滩积水，走过去脚底发麻，插座箱就泡在边上",
    "楼道水坑里踩进去腿一麻，旁边电线垂下来了",
])
def test_standing_water_that_tingles_by_electricity_fires(text):
    assert "electric_water" in kinds(text)


def test_a_leg_gone_numb_with_no_electricity_stays_quiet():
    assert not fires("在水边钓了一下午鱼，蹲得腿发麻了")


@pytest.mark.parametrize("text", [
    "楼下草坪刚喷了药，我外孙在那打滚还啃了草，现在上吐下泻",
    "物业给花坛撒了药也不立个牌子，小孙女摸了花又舔手，这会儿在吐",
])
def test_someone_unwell_after_playing_in_sprayed_greens_is_poisoning(text):
    assert "poisoning" in kinds(text)


def test_greens_sprayed_with_nobody_unwell_stays_quiet():
    assert not fires("小区绿化今天打药，提醒一下家长别让孩子去草地上玩")


@pytest.mark.parametrize("text", [
    "有个男的正在翻我家窗户，半个身子都探进来了",
    "小偷在爬我们家阳台，我一个人在屋里",
    "一个陌生人在翻我家阳太",                    # 台 typed 太
])
def test_a_stranger_climbing_into_the_home_is_violence(text):
    assert "violence" in kinds(text)


@pytest.mark.parametrize("text", ["今天太阳太大了，阳台的花都晒蔫了", "怎么防小偷翻我家窗户，装什么防盗网好"])
def test_a_balcony_or_a_burglar_asked_about_stays_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "我闺女放学到现在还没回，平常四点半就到家了，电话也打不通",
    "老头子下楼遛弯还没回来，这都三个钟头了，往常一个钟头就回来了",
])
def test_what_usually_happens_is_the_baseline_not_an_event_over(text):
    assert "missing" in kinds(text)


def test_someone_who_came_back_is_still_over():
    assert not fires("我儿子刚才没回来，后来就回来了，在同学楼下玩")


def test_you_did_not_even_know_is_a_rebuke_not_a_what_if():
    assert fires("说好每天有人来看独居老人，12栋孙奶奶三天没开门了，你们都不知道吗")


def test_nobody_would_know_is_still_a_what_if():
    assert not fires("我妈一个人住，哪天摔了都不知道")


@pytest.mark.parametrize("text", [
    "热水器一开就一股浓的没气味，我跟我老婆都有点恶心",
    "厨房一开火就有煤气味，人有点发晕",
])
def test_a_habit_of_a_gas_smell_does_not_cover_someone_unwell_now(text):
    assert "gas" in kinds(text)


def test_a_habit_of_a_gas_smell_found_nasty_is_not_someone_unwell():
    assert not fires("厨房一开火就有股煤气味，味道好恶心，能派人查查管子吗")


# ---- false alarms -------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "楼梯口那个灭火器过期了，就是着火时候要用的，能换新的吗",
    "着火时用的逃生面罩在哪里领",
])
def test_what_is_used_when_there_is_a_fire_is_no_fire(text):
    assert not fires(text)


@pytest.mark.parametrize("text", ["我奶奶记性差，怕她降压药吃重了，有提醒吃药的服务吗", "就怕孩子把药吃多了，药箱放哪好"])
def test_a_fear_of_a_double_dose_is_a_what_if(text):
    assert not fires(text)


@pytest.mark.parametrize("text", ["那个怕冷的老太太在楼道摔倒了起不来", "怕黑的小孙子被关在储物间了，一直哭"])
def test_fear_that_describes_someone_is_no_what_if(text):
    assert fires(text)


def test_a_double_dose_taken_still_fires():
    assert fires("我爸降压药吃重了，现在头晕站不住")


@pytest.mark.parametrize("text", ["医生说长期熬夜等于慢性中毒", "天天喝奶茶，我妈说这是慢性中毒"])
def test_chronic_poisoning_is_a_figure_of_speech(text):
    assert not fires(text)


def test_a_fear_that_lasts_since_a_past_fire_is_no_fire_now():
    assert not fires("去年楼上着火那次吓得不轻，到现在一听到警报声就腿软")


def test_a_past_fire_still_burning_is_a_fire():
    assert fires("昨天楼下着火了，到现在还在冒烟")


@pytest.mark.parametrize("text", ["我儿子今晚没回来，刚发消息说在老同学家过夜", "老伴没回家，原来在战友家打牌呢"])
def test_someone_at_a_friends_home_is_accounted_for(text):
    assert not fires(text)


def test_someone_who_left_a_friends_home_and_is_not_back_fires():
    assert fires("我爸说在战友家吃饭，早就走了，到现在没回来，电话打不通")


@pytest.mark.parametrize("text", ["天热得我整个人像着火似的", "今日个头好似着咗火咁，有冇凉茶"])
def test_feeling_like_on_fire_is_a_simile(text):
    assert not fires(text)


@pytest.mark.parametrize("text", ["这季度的业绩简直要杀了我", "期末考试要杀了我，作业写不完"])
def test_work_that_kills_me_is_a_figure_of_speech(text):
    assert not fires(text)


def test_a_threat_to_kill_still_fires():
    assert fires("前夫在门外喊要杀了我，一直踹门")


@pytest.mark.parametrize("text", ["千万别把孩子一个人锁在车里", "出门前不要把老人反锁在屋里", "别把宝宝关在阳台上"])
def test_a_warning_not_to_lock_someone_in_is_no_event(text):
    assert not fires(text)


def test_someone_locked_in_still_fires():
    assert fires("孩子被反锁在屋里了，我进不去")


# ---- the classifier's vote -----------------------------------------------------------

@pytest.mark.parametrize("text", ["然后呢", "嗯嗯", "？"])
def test_a_message_of_fillers_gives_the_classifier_no_support(text):
    verdict = assess(text, quiet=True)
    assert not verdict.emergency and not verdict.plausible
    assert settle_intent("emergency", verdict) is None


def test_a_condition_of_years_asked_about_gives_the_classifier_no_support():
    verdict = assess("我婆婆卧床好多年了，下不了楼，年审怎么弄", quiet=True)
    assert not verdict.emergency and not verdict.plausible


def test_a_condition_of_years_with_something_new_still_fires():
    assert fires("我爸卧床好多年了，刚才突然叫不醒")


# ---- the second opinion alone ---------------------------------------------------------

@pytest.mark.parametrize("text", [
    "邻居问钱奶奶怎么两天没出门，她儿子说她感冒了在家歇着，饭有人送",
    "我叔昨晚没回来，刚问到了，在老同学家住下了",
])
def test_someone_not_seen_but_said_to_be_somewhere_is_accounted_for(text):
    verdict = assess(text, quiet=True)
    assert not verdict.emergency and not verdict.plausible


def test_a_stranger_at_the_door_is_not_a_whereabouts():
    assert fires("有个陌生男的在我家门口转了一下午，刚才在撬锁")


@pytest.mark.parametrize("text", ["楼上漏水顺着墙往下流，还没流到插座，麻烦去说一声", "卫生间渗水了，暂时还没碰到电线"])
def test_water_that_has_not_reached_electricity_yet_is_a_leak(text):
    assert not fires(text)


def test_water_that_has_reached_electricity_fires():
    assert fires("楼上漏水已经流到插座里了，一直在冒火花")


# ---- set 15 joins the model's training data: what the rules now say themselves ---------------

@pytest.mark.parametrize("text", [
    "我奶奶织着织着毛衣头就垂下去了，叫她也不应",
    "外公看报看着看着头就耷拉下来了，手里的报纸也掉了",   # round 14 review's, read by the model alone until now
])
def test_a_head_that_drops_in_the_middle_of_something_is_a_collapse(text):
    assert "medical" in kinds(text)


def test_a_head_that_drops_from_sleepiness_stays_quiet():
    assert not fires("我做作业写着写着头就耷拉下来了，困死了")


@pytest.mark.parametrize("text", ["我家宝宝昨晚有点低烧，喂了药，现在已经退了", "老伴下午发热，吃了片药体温退下来了"])
def test_a_fever_said_to_be_down_stays_quiet(text):
    assert not fires(text)


def test_a_fever_that_comes_back_with_a_fit_fires():
    assert fires("孩子高烧吃了退烧药，刚退了又烧起来，还抽了一下")


# ---- requests16 (convA16): 打 a phone, not a person ----------------------------------------

@pytest.mark.parametrize("text", ["号码是13800001111，我外孙女的，打她的就行", "我的不常开机，打他的吧"])
def test_calling_someones_number_is_no_blow(text):
    assert not fires(text)


@pytest.mark.parametrize("text", ["隔壁男的一直打她的脸，快来人", "有人在打我的头，救命"])
def test_a_blow_to_someones_face_still_fires(text):
    assert "violence" in kinds(text)


def test_hands_numb_from_cold_water_are_no_shock():
    assert not fires("洗完碗手在冷水里泡得发麻，厨房灯也不亮")


def test_a_fever_down_then_up_again_is_not_set_aside():
    verdict = assess("孩子烧退了又烧到40度，人迷迷糊糊的", quiet=True)
    assert not any(x.startswith("everyday:") for x in verdict.suppressed), verdict


# ---- who came back ------------------------------------------------------------------------

def test_someone_else_coming_home_does_not_end_a_disappearance():
    assert "missing" in kinds("闺女放学到现在没回家，电话也不接，她爸刚到家了")


@pytest.mark.parametrize("text", [
    "我爷爷上午走丢了，隔壁王叔把他送回来了",
    "我爸走丢了，儿子带回家了",
    "老太太出去没回来，手机没电了，现在回来了",
])
def test_the_missing_person_back_or_brought_back_is_over(text):
    assert not fires(text)


def test_a_return_with_nothing_urgent_left_gives_the_classifier_no_support():
    verdict = assess("舅公今天电话打不通，原来去老年活动中心了，手机没开，现在回来了", quiet=True)
    assert not verdict.emergency and not verdict.plausible


def test_too_many_pills_asked_about_in_general_stays_quiet():
    assert not fires("is it bad to take too many vitamin pills")


# ---- review 16 (notes 1, 2, 3, 5, 6, 13, 15): this round's readings held to their reasons ---------

@pytest.mark.parametrize("text", [
    "我好怕 隔壁冒烟着火了",
    "我好怕有人在撬我家的锁",
    "我怕死了 那个男的在打我姐",
    "我外婆怕冷 在卫生间晕倒了",
    "他怕疼 摔倒了起不来",
])
def test_fear_felt_now_or_with_its_own_object_is_no_what_if(text):
    assert fires(text)


@pytest.mark.parametrize("text", ["我前夫简直疯了 要打死我", "他下班回来喝多了 说要杀了我"])
def test_a_threat_near_a_figure_of_speech_word_still_fires(text):
    assert "violence" in kinds(text)


@pytest.mark.parametrize("text", [
    "吃了好多药还是没见好", "外公吃了很多药病也不见好", "我吃了很多药 现在好多了", "他吃了好多药 药费太贵了", "这几年吃了很多药",
])
def test_a_treatment_of_many_medicines_stays_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", ["孩子说是去同学家写作业 到现在还没回来 电话也打不通", "我妈说是去菜场 天都黑了还没回 手机关机"])
def test_said_to_be_going_somewhere_and_not_back_is_missing(text):
    assert fires(text)


def test_said_to_be_staying_somewhere_is_accounted_for():
    assert not fires("我爸没下楼 说是去我哥家住几天")


@pytest.mark.parametrize("text", ["外公看电视看着看着头就耷拉下来 打起呼噜了", "孩子写作业写着写着头就歪下去了 睡着了"])
def test_dozing_off_is_sleep(text):
    assert not fires(text)


def test_dozing_off_that_cannot_be_woken_fires():
    assert fires("奶奶听收音机听着听着头就垂下来了 睡着了一样 叫不醒")


def test_water_by_the_fridge_that_tingles_fires():
    assert "electric_water" in kinds("厨房漏水 冰箱底下的水一踩脚就发麻")


def test_a_condition_of_years_with_something_acute_keeps_the_vote_open():
    verdict = assess("老伴瘫在床上好多年了 这两天不吃不喝 叫他也不太理人", quiet=True)
    assert not any(x.startswith("chronic:") for x in verdict.suppressed), verdict


def test_too_many_vitamins_stays_quiet():
    assert not fires("took too many pills this month to count, vitamins mostly")


@pytest.mark.parametrize("text", [
    "我妈上午出门一直没回来 电话也不接，妈妈刚刚回来了",      # one person in two forms (review 16 note 26)
    "老人走丢了一上午，爷爷已经回来了",                      # the general word said first
])
def test_the_same_person_named_another_way_back_is_over(text):
    assert not fires(text)


@pytest.mark.parametrize("text", ["我好怕 那个人拿着刀要砍我", "我很害怕 他拿刀要砍我"])
def test_fear_felt_now_before_a_pause_governs_nothing(text):
    assert "violence" in kinds(text)


@pytest.mark.parametrize("text", ["怕着火", "我怕煤气泄漏", "就怕孩子摔倒"])
def test_fear_of_something_is_still_a_what_if(text):
    assert not fires(text)


def test_a_dose_and_what_to_do_is_an_overdose():
    assert "poisoning" in kinds("我爸吃了好多药 咋办")


@pytest.mark.parametrize("text", [
    "外婆擦着窗户人就贴着墙出溜到地上了",
    "老伴儿晾着床单人就顺着墙滑下去了",     # round 14 review's, read by the model alone until the round-16 rebuild
])
def test_someone_sliding_down_the_wall_is_a_collapse(text):
    assert "medical" in kinds(text)


@pytest.mark.parametrize("text", ["我妈逛累了 靠着墙坐下来歇会儿", "外公贴着墙坐下来 说脚酸"])
def test_sitting_down_against_a_wall_to_rest_is_no_collapse(text):
    assert "medical" not in kinds(text)


# ---- review 16 (note 29): fear felt now is a worry unless a pause follows it -------------------------

@pytest.mark.parametrize("text", ["我好怕外孙女摔倒", "我很害怕老伴半夜摔倒", "真怕孩子被车撞"])
def test_fear_without_a_pause_is_still_a_worry(text):
    assert not fires(text)


@pytest.mark.parametrize("text", ["好害怕啊 楼道里全是烟", "我真怕呀他拿着刀在门口", "好怕 我爸倒在地上不动了"])
def test_fear_before_a_pause_leaves_the_event_to_the_next_clause(text):
    assert fires(text)


def test_a_pause_after_fear_felt_now_is_kept_as_a_clause_break():
    from assistant.safety.normalise import normalise
    assert normalise("我好怕 他来") == "我好怕,他来"
    assert normalise("我好怕他来") == "我好怕他来"


# ---- set 15's remaining false alarm: the smell a fire said to be over leaves behind -------------------

@pytest.mark.parametrize("text", [
    "前几天楼道里着过一次火 到现在还有股焦糊味 能不能派人刷刷墙",
    "上个月三楼烧过一场，走廊里一直有烧焦的味道，什么时候来粉刷",
])
def test_the_smell_left_by_a_fire_that_is_over_is_no_fire(text):
    assert "fire" not in kinds(text)


@pytest.mark.parametrize("text", [
    "上周隔壁烧过一回，现在又有焦味了",
    "昨天厨房起过火，现在还有焦味，越来越浓",
    "上个月电箱烧过，现在还有焦味，插座也发烫",
    "前两天楼下烧过一次 现在还有焦糊味 我妈闻了头晕",
])
def test_a_smell_back_or_growing_after_a_past_fire_still_fires(text):
    assert "fire" in kinds(text)


@pytest.mark.parametrize("text", ["我真的太怕了 那个男的拿刀要捅我", "好害怕了 有人拿着刀堵在我家门口"])
def test_fear_said_as_a_state_governs_nothing(text):
    assert "violence" in kinds(text)
