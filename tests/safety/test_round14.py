"""Round 14 (issue #10): structure of the safety net's second opinion.

A cue the lexicon explained away (an ordinary sense, a hazard complaint, a habit)
is overruled when the n-gram model is at least ``OVERRULE_SCORE`` sure; a denial and
an event said to be over never are. The model is replaced by a fixed score here, so
the rule is tested apart from whatever the trained model says of these sentences.
"""

from __future__ import annotations

import pytest

from assistant.safety import assess, model
from assistant.safety.net import OVERRULE_SCORE, PLAUSIBLE_SCORE, SUPPRESSED_PLAUSIBLE_SCORE


@pytest.fixture
def sure(monkeypatch):
    """The second opinion gives every message the score asked for."""

    def set_score(value: float) -> None:
        monkeypatch.setattr(model, "probability", lambda normalised: value if normalised else None)

    return set_score


def test_the_overrule_bar_is_above_the_votes():
    assert OVERRULE_SCORE > SUPPRESSED_PLAUSIBLE_SCORE > PLAUSIBLE_SCORE


def test_a_very_sure_second_opinion_overrules_an_explanation_and_keeps_the_cues_kind(sure):
    sure(0.97)
    verdict = assess("楼道里堆满了纸箱，有火灾隐患", quiet=True)
    assert verdict.emergency
    assert verdict.kinds == ("fire",) and "fire" in verdict.topics
    assert verdict.cues[0].startswith("model:") and verdict.suppressed  # says why, both ways


def test_an_ordinary_sense_overruled_gives_general_advice(sure):
    # The ordinary sense said the cue was not about an emergency: its kind is not trusted.
    # Round 15: an ordinary word beside the cue (烧烤 by 烟太大); an idiom holding the whole cue
    # (气得冒火) is never overruled (tests/safety/test_round15.py).
    sure(0.97)
    verdict = assess("隔壁烧烤店油烟太大了，窗户都关上了", quiet=True)
    assert verdict.emergency and verdict.kinds == ("general",) and verdict.topics == ("general",)


def test_below_the_bar_the_explanation_stands_and_the_model_only_votes(sure):
    sure(OVERRULE_SCORE - 0.03)
    verdict = assess("楼道里堆满了纸箱，有火灾隐患", quiet=True)
    assert not verdict.emergency and verdict.plausible  # a classifier's emergency may stand
    assert verdict.cues == ()


@pytest.mark.parametrize("text", [
    "昨天楼下着火了，已经灭了，没人受伤",   # over
    "厨房没有着火，放心",                   # denied
])
def test_a_denial_or_an_event_over_is_never_overruled(sure, text):
    sure(0.99)
    assert not assess(text, quiet=True).emergency


def test_a_cue_that_fired_is_not_rescored(sure):
    sure(0.99)
    verdict = assess("楼道里着火了", quiet=True)
    assert verdict.emergency and verdict.model_score is None and not verdict.cues[0].startswith("model:")


# ---- symptoms said in English in mixed speech -------------------------------------

@pytest.mark.parametrize("text", [
    "浴室的燃气热水器一开，全家 headache",
    "家里烤火，一家人都 dizzy 想睡觉",
    "煤炉子生着，屋里两个人都 throwing up",
])
def test_a_households_symptom_in_english_beside_a_fume_source_fires(text):
    verdict = assess(text, quiet=True)
    assert verdict.emergency and "co" in verdict.topics


@pytest.mark.parametrize("text", [
    "全家都 sick 了，感冒传染",            # no fume source: a cold
    "一家人都 headache，天天加班熬夜",
])
def test_an_english_symptom_without_a_fume_source_does_not_fire_on_this_cue(text):
    assert "co" not in assess(text, quiet=True).topics


# ---- the second opinion's training data ------------------------------------------

def test_the_shipped_model_was_built_from_todays_training_data():
    """model.json is data built by ``python -m assistant.safety.build_model``: it must be
    rebuilt whenever a training set joins (round 14: sets 10-13 and probes_round14).

    Review 14: only the safety owner's files (bench sets, probes) are compared, file by file;
    ``nlu_data/nlu/*.yml`` belongs to the NLU owner, whose commits must not fail this test
    until the safety owner rebuilds the model (the model is then a little behind that data)."""
    import json

    from assistant.safety import build_model

    def safety_files(counts: dict) -> dict:
        return {path: n for path, n in counts.items() if not path.startswith("nlu_data/")}

    shipped = json.loads(model.MODEL_JSON.read_text(encoding="utf-8"))
    assert safety_files(shipped["sources"]) == safety_files(build_model.source_counts())
    assert shipped["trained_on"] == sum(n for n, _ in shipped["sources"].values())
    rows = build_model.training_rows()
    texts = {r["text"] for r in rows}
    for k in (10, 11, 12, 13):
        first = (build_model.ROOT / "bench" / f"emergency_blind{k}.jsonl").read_text(encoding="utf-8").splitlines()[0]
        assert json.loads(first)["text"] in texts


def test_a_thing_that_stops_or_falls_while_in_use_is_not_a_person_collapsing():
    # written for this round, not taken from any set: the model alone must not fire on them
    for text in ("电饭锅煮着煮着就不动了", "鞋柜摆着摆着就倒了", "跑步机跑着跑着突然停了"):
        assert not assess(text, quiet=True).emergency, text
    assert assess("我爸吃着吃着饭突然倒了，叫不醒", quiet=True).emergency


# ---- an ordinary sense that names the cue's own subject ------------------------------

@pytest.mark.parametrize("text", ["我家鹦鹉走丢了，三天没回来", "我家猫又走丢了，两天没回来"])
def test_a_pet_named_right_before_the_cue_is_never_overruled(sure, text):
    sure(0.99)
    assert not assess(text, quiet=True).emergency



# ---- set 13's errors, by their general reasons (own sentences) ------------------------

@pytest.mark.parametrize("text", [
    "我姨一个人住，这两天微信都没回，平时天天给我发早安",         # not replied for days
    "老同事一个人住，三天没回消息了，以前秒回的",                 # lives alone: whoever the writer calls them
    "对门大姐独居，昨儿个到今儿个打她电话都不接",                 # dialect days
])
def test_a_person_living_alone_silent_for_days_fires(text):
    verdict = assess(text, quiet=True)
    assert verdict.emergency and not verdict.cues[0].startswith("model:"), verdict


@pytest.mark.parametrize("text", [
    "我姨一个人住，这两天微信都没回，原来是去旅游了",
    "同事三天没回消息了，估计在休假",
    "我一个人住，客服三天没回我消息",
])
def test_a_silence_explained_or_not_about_a_person_alone_does_not_fire(text):
    assert not assess(text, quiet=True).emergency


def test_a_parcel_station_named_after_a_bird_is_no_pet():
    assert assess("我闺女在菜鸟驿站那取快递，转眼人就走丢了，才五岁", quiet=True).emergency
    assert not assess("养的小鸟走丢了", quiet=True).emergency


@pytest.mark.parametrize("text", [
    "顺便问下停车费，另外楼下那辆电动车在燃烧",                       # 在燃烧 is 在烧
    "洗衣机的管子掉了，水流到电暖气底下了，插头还插着",               # a heater is electric
    "the pipe burst and water is running into the 电箱, sparking",    # English verbs of water and sparks
])
def test_fire_and_water_on_electricity_in_other_words_fire(text):
    verdict = assess(text, quiet=True)
    assert verdict.emergency and not verdict.cues[0].startswith("model:"), verdict


@pytest.mark.parametrize("text", ["跳操半小时，卡路里在燃烧", "我们的青春在燃烧", "蜡烛在燃烧，许个愿吧",
                                  "电暖气开着，屋里暖和", "the kids are sparking joy lol"])
def test_burning_calories_youth_or_a_candle_and_a_warm_heater_do_not_fire(text):
    assert not assess(text, quiet=True).emergency


@pytest.mark.parametrize("text", [
    "can I barbecue on the balcony, is it a fire hazard",   # a hazard asked about, in English
    "stuck in traffic, 晚点到",                              # stuck in a jam, not shut in
    "I'm stuck in a meeting, call you later",
    "生日蛋糕插上蜡烛，蜡烛上的火苗一闪一闪",                 # a candle's own flame
])
def test_english_hazards_traffic_and_candle_flames_do_not_fire(text):
    assert not assess(text, quiet=True).emergency


@pytest.mark.parametrize("text", ["help I'm stuck in the lift", "stuck in the elevator with my kid",
                                  "蜡烛倒了火苗窜到窗帘上", "蜡烛的火苗点着了桌布，快来人", "fire! the kitchen is on fire"])
def test_stuck_in_a_lift_and_a_candle_that_set_things_alight_still_fire(text):
    assert assess(text, quiet=True).emergency


def test_a_near_miss_inside_a_cue_that_names_the_person_is_a_near_miss():
    assert not assess("小区滑梯那边的地砖特别滑，我家孩子差点摔了，铺个垫子吧", quiet=True).emergency
    assert assess("我妈差点摔了，现在躺在地上起不来", quiet=True).emergency  # what follows still fires


@pytest.mark.parametrize("text", ["头几年我在电梯里被关了半个钟头，打那以后就怕坐电梯", "头些年俺家厨房着火了，烧了半个屋",
                                  "这蛋糕甜到中毒", "刚看了个节目讲野蘑菇中毒，吓人"])
def test_a_dialect_past_years_sweetness_and_a_show_are_no_emergency(text):
    assert not assess(text, quiet=True).emergency


@pytest.mark.parametrize("text", ["我爸吃了野蘑菇中毒了，在吐", "头几年就独居的王奶奶，三天没开门了"])
def test_a_poisoning_now_and_a_silence_now_still_fire(text):
    assert assess(text, quiet=True).emergency
