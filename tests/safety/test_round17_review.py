"""Review 17: the round's suppressors narrowed by reason (who the cue is about, the clause it belongs to,
whether it is happening now). The reviewer's counter-examples and look-alikes of our own, both ways.
No sentence here is taken from a set.
"""

from __future__ import annotations

import pytest

from assistant.safety import assess


def verdict(text: str):
    return assess(text, quiet=True)


def fires(text: str) -> bool:
    return verdict(text).emergency


def lexicon_kinds(text: str) -> tuple[str, ...]:
    """The kinds the cues found (not the n-gram model's `general`)."""
    v = verdict(text)
    return v.kinds if v.emergency and not v.cues[0].startswith("model:") else ()


# ---- note 6: 它 silences a person's cue only when it is the cue's own subject ---------------------

@pytest.mark.parametrize("text, kind", [
    ("狗追着孩子咬，它把孩子腿咬出血了", "medical"),
    ("那条狗扑上来 它把我孙子咬得满脸是血", "medical"),
    ("它是我家狗 我出去找它的时候 我爸在路边摔倒了起不来", "medical"),
    ("电梯它卡住了把我们困在里面", "trapped"),
    ("那只野猫它一爪子挠在我外孙脸上 脸上流了好多血", "medical"),
    ("家里那台旧电梯它半路停了 把我和我妈关在里头了", "trapped"),
])
def test_an_animal_or_thing_hurting_or_holding_a_person(text, kind):
    assert kind in lexicon_kinds(text)


def test_a_person_after_eating_it_is_the_one_in_trouble():
    v = verdict("我爸吃了它以后就倒在地上没反应了")
    assert v.emergency and "medical" in v.kinds


@pytest.mark.parametrize("text", [
    "它们被困在笼子里了",
    "我家小乌龟它好几天不动了",
    "小黄狗它跑丢了 谁看到了告诉我一声",
])
def test_an_animal_as_the_subject_stays_quiet(text):
    assert not fires(text)


# ---- note 7: a day to come governs only its own event ---------------------------------------------

@pytest.mark.parametrize("text, kind", [
    ("后天就过年了 我家厨房着火了", "fire"),
    ("下周就要搬家了结果我爸从梯子上摔下来流了好多血", "medical"),
    ("下个月孙子就要考试了 他刚才从楼梯上滚下来头破了", "medical"),
    ("明天还要去复查呢 我妈突然晕过去了", "medical"),
])
def test_a_realised_event_after_a_future_day(text, kind):
    assert kind in lexicon_kinds(text)


@pytest.mark.parametrize("text", [
    "明天物业要停电梯 一整天",
    "下礼拜小区搞一次着火逃生的演练",
    "后天工人来换燃气管 要停气",
])
def test_what_is_planned_for_a_day_to_come_stays_quiet(text):
    assert not fires(text)


# ---- note 8: a show governs only what happens in it ------------------------------------------------

@pytest.mark.parametrize("text, kind", [
    ("我在看韩剧，突然闻到好大一股煤气味", "gas"),
    ("我老伴看节目看着看着突然倒了，叫不醒", "medical"),
    ("这个节目刚看完 我老公突然胸口疼得不行", "medical"),
    ("那个养生节目看完以后 我爸忽然说喘不上气", "medical"),
])
def test_a_person_taken_while_or_after_watching(text, kind):
    assert kind in lexicon_kinds(text)


@pytest.mark.parametrize("text", [
    "节目里那个老头突然晕倒了 演得跟真的一样",
    "昨晚那个韩剧 女主被困在地下室了 好揪心",
])
def test_what_happens_in_the_show_stays_quiet(text):
    assert not fires(text)


# ---- note 9: a question passed on about something happening to someone ----------------------------

@pytest.mark.parametrize("text, kind", [
    ("邻居问楼道里着火了要不要往下跑，烟都上来了", "fire"),
    ("楼下邻居托我问，他家老人晕倒了叫不醒，能不能帮忙叫救护车", "medical"),
    ("奶奶让我问 她摔倒了起不来怎么办", "medical"),
    ("我同事问 她爸刚才摔倒了头破了 能不能派人去看看", "medical"),
])
def test_a_relayed_emergency(text, kind):
    assert kind in lexicon_kinds(text)


@pytest.mark.parametrize("text", [
    "邻居问家里着火了应该往哪边跑",
    "我妈让我问 老人摔倒了要不要马上扶起来",
    "我老婆问燃气泄漏了能不能开灯",
])
def test_a_general_question_passed_on_stays_quiet(text):
    assert not fires(text)


# ---- note 10: a device or a meeting is the cue's subject, not just nearby --------------------------

@pytest.mark.parametrize("text, kind", [
    ("按了呼叫器，我爸躺着没反应", "medical"),
    ("摁了好几下呼叫铃 我妈躺在床上还是没反应", "medical"),
    ("我们被困在会议室了，门锁坏了打不开", "trapped"),
    ("开会的时候电梯坏了 我们几个被困在里面了", "trapped"),
])
def test_a_person_near_a_device_or_a_meeting(text, kind):
    assert kind in lexicon_kinds(text)


@pytest.mark.parametrize("text", [
    "按了呼叫器半天没反应 是不是坏了",
    "天天被会议困住 连陪孙子的时间都没有",
])
def test_the_device_or_the_meeting_itself_stays_quiet(text):
    assert not fires(text)


# ---- note 14: a threat to one's own grandchild never hides an injury told before it ----------------

@pytest.mark.parametrize("text", [
    "我孙子调皮得很 爬柜子摔下来头磕破了血流不止 我真想打死他",
    "孙子从楼梯上摔下来满头是血 我真想打死他",
    "我外孙从床上翻下来额头磕破了 这孩子我真想揍死他",
])
def test_an_injury_before_the_threat(text):
    assert "medical" in lexicon_kinds(text)
    assert "violence" not in lexicon_kinds(text)  # the threat alone is still exasperation


@pytest.mark.parametrize("text", [
    "我孙子作业又没写完 气得我真想打死他",
    "这个外孙天天玩手机不睡觉 我迟早要揍死他",
])
def test_the_threat_alone_stays_quiet(text):
    assert not fires(text)


# ---- note 17: a state said without 了 is happening, not feared -------------------------------------

@pytest.mark.parametrize("text", [
    "好怕呀，老人倒地不起",
    "我好怕，孩子高烧抽筋",
    "担心，老人晕倒不省人事",
    "害怕啊，老太太满脸是血",
    "好担心，孩子喘不上气",
])
def test_a_state_after_the_fear(text):
    assert "medical" in lexicon_kinds(text)


@pytest.mark.parametrize("text", [
    "真怕啊，老人摔倒",
    "担心，孩子走丢",
    "真怕啊，老人半夜昏迷没人管",
])
def test_a_bare_feared_event_stays_a_worry(text):
    assert not fires(text)


def test_a_device_that_does_not_answer_does_not_hide_a_person_who_does_not():
    assert "medical" in lexicon_kinds("按了报警器没反应 我妈也没反应")


# ---- note 11 (SHOULD): a fire or gas after a laugh while watching is not guessed to be the show's --------------

@pytest.mark.parametrize("text", [
    "我在看电视 哈哈 厨房着火了",
    "正在追剧呢 嘿嘿 突然闻到一股煤气味",
])
def test_fire_or_gas_after_a_laugh_while_watching(text):
    assert fires(text)


def test_fire_inside_the_show_after_a_laugh_stays_quiet():
    assert not fires("动画片里房子着火了，哈哈，我在看呢")


# ---- note 15 (SHOULD): water leaking at a gas appliance is no gas leak --------------------------------------

@pytest.mark.parametrize("text", [
    "燃气热水器下面一直漏 地上湿了一大片",
    "燃气灶旁边的水龙头还是漏 找人来修一下",
    "煤气公司的人说管子没事 可厨房水槽还在漏",
    "天然气热水器底下还在漏 一直滴答滴答",
])
def test_water_at_a_gas_appliance_stays_quiet(text):
    assert "gas" not in lexicon_kinds(text)


@pytest.mark.parametrize("text", [
    "燃气管子那里现在又漏了 一股臭味",
    "液化气罐阀门一直漏 味道好大",
])
def test_a_gas_pipe_or_valve_leaking_again(text):
    assert "gas" in lexicon_kinds(text)


# ---- note 16 (SHOULD): a numb limb after sleeping is no one pinned ------------------------------------------

def test_a_limb_numb_from_sleeping_on_it_is_not_pinned():
    assert "trapped" not in lexicon_kinds("睡觉压着胳膊了 早上起来手麻得动不了")
    assert "trapped" not in lexicon_kinds("昨晚睡姿不对压着腿了 现在腿麻得起不来")


@pytest.mark.parametrize("text", [
    "柜子倒下来压着我妈的腿 她动不了",
    "书架翻了压住了孩子的腿 抽不出来",
])
def test_a_person_pinned_by_a_fall(text):
    assert "trapped" in lexicon_kinds(text)


# ---- note 8: no show smells: a smell noticed suddenly while watching is the watcher's -----------------------

@pytest.mark.parametrize("text, kind", [
    ("正在追剧呢 突然闻到一股煤气味", "gas"),
    ("在看电影 突然闻到烧焦的味道", "fire"),
])
def test_a_smell_noticed_while_watching(text, kind):
    assert kind in lexicon_kinds(text)


def test_a_smell_in_the_film_stays_quiet():
    assert not fires("电影里突然闻到煤气味的那个情节好吓人")


# ---- fixer A's request (blind13, tuned): a booking's words are no emergency's -------------------------------
# A time too early to get up for (起不来 after 太早/这么早) and tidying up (过来收拾, with nobody as its object).

@pytest.mark.parametrize("text", [
    "约这么早 我可起不来",
    "七点那个太早了 老头子起不来的",
    "我闺女说周末来帮我收拾一下",
    "儿子说他下班过来收拾，保洁先不约了",
])
def test_too_early_to_get_up_or_tidying_up_stays_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text, kind", [
    ("我爸起那么早 在厕所晕倒了起不来", "medical"),
    ("我妈太早出门摔了一跤起不来了", "medical"),
    ("楼上那个男的说要收拾我 还拿着棍子", "violence"),
])
def test_a_fall_or_a_threat_with_the_same_words(text, kind):
    assert kind in lexicon_kinds(text)


# ---- own look-alikes of notes 7 and 8 (spoken, no comma): the day to come, the show -------------------------

@pytest.mark.parametrize("text, kind", [
    ("到时候再约 我家厨房冒烟了好大的烟", "fire"),
    ("看新闻的时候 外面突然着火了", "fire"),
    ("刚看完电视剧 老伴就倒在沙发上叫不醒", "medical"),
])
def test_today_after_a_day_to_come_or_a_show(text, kind):
    assert kind in lexicon_kinds(text)


@pytest.mark.parametrize("text", [
    "明天电梯要停了",
    "在看电影 电影里楼下突然着火了",
    "看了那部电视剧 男主就晕倒了",
])
def test_the_day_to_come_or_the_show_still_governs_its_own(text):
    assert not fires(text)


# ---- note 8's reason at a rehearsal or a game of pretend: something real happened there ---------------------

@pytest.mark.parametrize("text, kind", [
    ("我们在排练节目 领舞的阿姨突然倒下了 叫不醒", "medical"),
    ("社区文艺节目彩排的时候 有个大爷晕倒了", "medical"),
    ("过家家玩着玩着 孩子从床上摔下来头破了", "medical"),
    ("看节目的时候闻到焦味 出来一看厨房冒烟了", "fire"),
])
def test_something_real_at_a_show_or_a_game(text, kind):
    assert kind in lexicon_kinds(text)


@pytest.mark.parametrize("text", [
    "小品里老人摔倒了 大家笑得不行",
    "节目里有个大爷突然晕倒了 是演的",
    "这个节目 主持人突然晕倒了",
])
def test_what_is_played_stays_quiet(text):
    assert not fires(text)


# ---- own look-alikes: a condition or a fear of some day before a turn of events ----------------------------

@pytest.mark.parametrize("text, kind", [
    ("我一直怕哪天她摔了 结果今天真摔了 起不来", "medical"),
    ("就怕哪天着火 这下真着火了 烟好大", "fire"),
    ("有没有那种报警的手环 我妈刚才摔倒了起不来", "medical"),
    ("老师叫我们问的 我同学被困在电梯里了", "trapped"),
])
def test_it_happened_since(text, kind):
    assert kind in lexicon_kinds(text)


@pytest.mark.parametrize("text", [
    "有没有那种摔倒了能自动报警的手环",
    "万一今天电梯困人了怎么办",
    "万一摔了起不来 结果没人知道咋办",
])
def test_the_condition_still_governs(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "朋友托我问 她孩子被困在电梯里过 物业要不要赔",
    "我妈问 她上次摔倒了起不来 社区能不能装扶手",
])
def test_a_passed_on_question_about_what_is_over_stays_quiet(text):
    assert not fires(text)


# ---- notes 29, 30 and note 8's residue (reviewer, 01:22) -------------------------------------------------------

@pytest.mark.parametrize("text, kind", [
    ("孙子摔得头破血流 我真想打死他爸", "medical"),
    ("老伴磕得头破血流了", "medical"),
    ("外孙在院子里撞得头破血流 他妈还不管", "medical"),
    ("我在看追剧 厨房突然冒黑烟了", "fire"),
])
def test_a_head_broken_open_or_the_kitchen_while_watching(text, kind):
    assert kind in lexicon_kinds(text)


@pytest.mark.parametrize("text", [
    "上个月老伴磕得头破血流 现在好了",
    "我们在排练小品 剧情是老人摔倒了",
    "排练小品呢 剧本里写的是老太太晕倒了",
])
def test_over_or_written_in_the_play_stays_quiet(text):
    assert not fires(text)


# ---- note 28 (SHOULD): a gas leak back after a repair, said with 又开始漏 ---------------------------------------

def test_a_gas_leak_back_after_a_repair():
    assert "gas" in lexicon_kinds("燃气管子 上礼拜修了 今天又开始漏 一股味")


def test_water_back_at_a_gas_heater_after_a_repair_stays_quiet():
    assert not fires("燃气热水器上礼拜修了 今天又开始漏 地上一滩水")


# ---- note 31: 如果/要是 + 可以/方便/有空…的话 is politeness, not a condition --------------------------

@pytest.mark.parametrize("text, kind", [
    ("如果可以的话请快点派人 我老伴晕过去了", "medical"),
    ("要是方便的话你们赶紧来一下 厨房着火了", "fire"),
    ("如果有空的话帮忙叫个人 我妈在卫生间摔倒了爬不起来", "medical"),
])
def test_a_polite_if_governs_no_real_emergency(text, kind):
    assert kind in lexicon_kinds(text)


@pytest.mark.parametrize("text", [
    "如果方便的话想问一下 如果老人在家摔倒了起不来该怎么办",
    "要是可以的话 教教我万一厨房着火了怎么自救",
    "如果老人晕倒了 应该先打120还是先扶起来",
])
def test_a_real_what_if_after_a_polite_if_stays_quiet(text):
    assert not fires(text)
