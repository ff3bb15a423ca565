"""Round 15 (issue #10): set 14's errors, by their general reasons, in our own words.

Each reason is tested both ways: the look-alike it explains stays quiet and the
emergency that shares its words still fires. No sentence here is taken from a set.
"""

from __future__ import annotations

import pytest

from assistant.safety import assess
from tests.safety._helpers import fires


# ---- misses -------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "我同学吃了很多 tablets，现在叫他都迷迷糊糊的",          # English tablets, a symptom now
    "我弟吞了一大把药，人有点不太清醒",
])
def test_a_lot_of_medicine_and_a_person_not_clear_now_is_poisoning(text):
    verdict = assess(text, quiet=True)
    assert verdict.emergency and "poisoning" in verdict.kinds, verdict


@pytest.mark.parametrize("text", ["这个月吃了好多药，胃口都不好了", "我最近吃了很多中药调理身体"])
def test_a_lot_of_medicine_without_a_symptom_is_no_overdose(text):
    assert not fires(text)


@pytest.mark.parametrize("text", ["我吃了一片感冒药", "睡前吃了一颗安眠药，还是睡不好", "刚吃了半片安定，还能再吃半片吗"])
def test_a_single_tablet_is_a_dose_not_an_overdose(text):
    assert not fires(text)


@pytest.mark.parametrize("text", ["我妈吃了一瓶安眠药", "我爸吃了半板降压药", "奶奶吃了一片安眠药，现在叫不醒"])
def test_a_container_or_a_sleeper_who_cannot_be_woken_still_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "我姑婆一个人住，48 小时没接电话了",
    "舅舅独居，二十四小时都联系不上了",
    "我奶奶一个人住，已经 30个小时没接 phone 了",
])
def test_a_day_counted_in_hours_is_a_silence(text):
    verdict = assess(text, quiet=True)
    assert verdict.emergency and "silent_elder" in verdict.kinds, verdict


def test_a_few_hours_is_no_days_silence():
    assert not fires("我奶奶一个人住，两个小时没接电话，估计在睡午觉")


@pytest.mark.parametrize("text", [
    "我外甥在车里，车门锁了打不开，外面三十多度",
    "孙女还在车上，钥匙落在里面锁上了",
])
def test_a_child_in_a_locked_car_is_trapped(text):
    verdict = assess(text, quiet=True)
    assert verdict.emergency and "trapped" in verdict.kinds, verdict


def test_a_child_in_a_car_that_is_not_locked_is_no_cue():
    verdict = assess("孩子在车里，空调开着，窗户开着，我在旁边买水", quiet=True)
    assert not any(c == "孩子在锁着的车里" for c in verdict.cues)


@pytest.mark.parametrize("text", ["卫生间顶上渗水，浴霸里进了水，开关一开就啪的一声", "水漏到插座里了，啪一下就黑了"])
def test_water_and_an_electrical_pop_is_water_on_electricity(text):
    verdict = assess(text, quiet=True)
    assert verdict.emergency and "electric_water" in verdict.kinds, verdict


def test_a_pop_without_water_is_not_this_cue():
    assert "electric_water" not in assess("开关一按就啪的一声，灯泡好像坏了", quiet=True).kinds


def test_a_smell_that_overwhelms_people_is_perceived_now_even_in_a_complaint():
    assert fires("你们到底管不管，车库里煤气味熏得人头晕")


def test_a_gas_hazard_complaint_without_a_smell_now_stays_quiet():
    assert not fires("投诉一下，楼道里乱接燃气管，太危险了，万一漏气怎么办")


# ---- false alarms -------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "小孩烫伤了是先冲凉水还是先打120",
    "家里闻到焦味是打物业电话还是打119",
    "有人砸车是打110还是找保安",
])
def test_a_choice_of_numbers_or_steps_is_a_question(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "我妈摔了一跤爬不起来，是先拉她还是打120",      # the older choice markers (先…还是) want no pause too
    "我家着火了，是打119还是先往下跑",
    "厨房煤气味好大，是打119还是打燃气公司",
    "快点，还是打120吧，他脸都白了",
])
def test_a_cue_said_of_now_before_a_choice_still_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", ["热得我快死了，空调又坏了", "今天搬家累得人要死"])
def test_hyperbole_with_de_is_ordinary(text):
    assert not fires(text)


def test_a_drainpipe_is_no_one_in_the_water():
    assert not fires("阳台的落水管裂了，能派人来换一下吗")
    assert fires("有个小孩落水了，在小区池塘里")


def test_a_flame_that_goes_out_is_a_stove_fault():
    assert not fires("热水器点着火几秒就灭了，麻烦来修")
    assert fires("锅里的油着火了，灭不掉")


def test_a_count_of_falls_in_a_repair_complaint_is_the_hazards_record():
    assert not fires("广场那个滑梯坏了，小孩摔了好几个了，快修修吧")
    assert fires("广场滑梯坏了，我孙子刚才摔了，头在流血")


def test_a_child_out_playing_every_day_is_accounted_for():
    assert not fires("我家小子一到周末就不见人影，成天出去玩，说也不听")
    assert fires("我家小子成天出去玩，今天到现在都不见人影了，电话打不通")


def test_a_sleeper_who_woke_is_accounted_for():
    assert not fires("前两天楼下阿婆一天没见着，后来敲门她才醒，是睡着了")


def test_a_cue_right_before_a_concessive_is_a_what_if():
    assert not fires("电梯里监控坏了，老人摔了都看不到，赶紧修好")
    assert fires("我家老人摔了，监控都没拍到，现在起不来")


def test_a_price_question_is_no_emergency():
    assert not fires("跌倒报警的手环要多少钱")
    assert fires("我妈摔倒了起不来，叫救护车要多少钱")


def test_a_method_asked_for_is_a_question():
    assert not fires("怕我爸药吃多了，有没有什么好的法子提醒他")


# ---- the rebuilt second opinion and what its rebuild showed --------------------------

def test_set_14_is_in_the_second_opinions_training_data():
    import json

    from assistant.safety import build_model, model

    shipped = json.loads(model.MODEL_JSON.read_text(encoding="utf-8"))
    assert "bench/emergency_blind14.jsonl" in shipped["sources"]
    first = (build_model.ROOT / "bench" / "emergency_blind14.jsonl").read_text(encoding="utf-8").splitlines()[0]
    assert json.loads(first)["text"] in {r["text"] for r in build_model.training_rows()}


def test_an_idiom_that_holds_the_whole_cue_is_never_overruled(monkeypatch):
    from assistant.safety import model

    monkeypatch.setattr(model, "probability", lambda normalised: 0.99 if normalised else None)
    assert not fires("被隔壁装修吵得气得冒烟了")
    # an ordinary word beside the cue, not holding it, may still be overruled by a very sure model
    assert fires("楼道里堆满了纸箱，有火灾隐患")


def test_a_same_sounding_typo_of_stalking_is_stalking():
    verdict = assess("下班路上有个男的一直跟纵我，我不敢回家", quiet=True)
    assert verdict.emergency and "violence" in verdict.kinds


def test_something_burning_falling_from_a_window_is_a_fire():
    assert fires("对面楼有人往下扔着火的纸箱子")
    assert not fires("楼上往下扔垃圾，太没素质了")


def test_an_elder_found_out_who_cannot_say_where_they_live_is_missing():
    verdict = assess("小区门口有个老奶奶一个人站了好久，问她住哪她也说不上来", quiet=True)
    assert verdict.emergency and "missing" in verdict.kinds
    assert not fires("快递员问我住哪栋，我说不清楼号")


def test_nearly_fainting_with_symptoms_now_is_the_faint_coming_on():
    assert fires("这几天一直恶心想吐，刚才在厨房差点晕过去")
    assert not fires("今天站太久了差点晕倒，坐下就好了")
    assert not fires("太阳太毒了，差点晕倒")


# ---- the classifier's vote ------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "上个月我爸在公园晕倒过一次，现在好了",        # over
    "厨房没有着火，就是锅糊了",                    # denied
])
def test_a_cue_denied_or_over_outvotes_the_classifier_however_sure_the_model(monkeypatch, text):
    from assistant.safety import model
    from assistant.safety.net import settle_intent

    monkeypatch.setattr(model, "probability", lambda normalised: 0.94 if normalised else None)
    verdict = assess(text, quiet=True)
    assert not verdict.emergency and not verdict.plausible, verdict
    assert settle_intent("emergency", verdict) is None


def test_a_cue_explained_otherwise_still_lets_a_sure_model_back_the_classifier(monkeypatch):
    from assistant.safety import model

    monkeypatch.setattr(model, "probability", lambda normalised: 0.9 if normalised else None)
    verdict = assess("你们管不管，楼道里全是电动车，万一着火了呢", quiet=True)
    assert not verdict.emergency and verdict.suppressed and verdict.plausible
