"""Review 15 of the safety net (328e4d4, 45925e3): each note fixed by its reason, tested both ways
in our own wording (the note's examples and variants of ours). No sentence here is taken from a set."""

from __future__ import annotations

import json

import pytest

from assistant.safety import assess
from assistant.safety import build_model
from tests.safety._helpers import fires


# ---- note 20: the second opinion is trained on committed files only --------------------------

def test_the_model_is_trained_on_committed_nlu_files_only():
    shipped = json.loads(build_model.MODEL_JSON.read_text(encoding="utf-8"))
    committed = {p.relative_to(build_model.ROOT).as_posix() for p in build_model.committed_nlu_files()}
    nlu_sources = {name for name in shipped["sources"] if name.startswith("nlu_data/")}
    assert nlu_sources <= committed, nlu_sources - committed


def test_the_shipped_counts_are_those_of_the_files_committed_with_the_model():
    """Reproducible: every NLU file of the commit that last changed model.json is a source, with the
    counts of its committed bytes (the NLU owner's later commits may run ahead until the next rebuild)."""
    import subprocess

    shipped = json.loads(build_model.MODEL_JSON.read_text(encoding="utf-8"))
    try:
        commit = subprocess.run(["git", "-C", str(build_model.ROOT), "log", "-1", "--format=%H", "--",
                                 "assistant/safety/data/model.json"],
                                capture_output=True, text=True, check=True).stdout.strip()
        listed = subprocess.run(["git", "-C", str(build_model.ROOT), "ls-tree", "-r", "--name-only", commit, "--",
                                 "nlu_data/nlu"], capture_output=True, text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    if not commit:
        pytest.skip("model.json not committed yet")
    at_commit = {name for name in listed if name.endswith(".yml")}
    assert {name for name in shipped["sources"] if name.startswith("nlu_data/")} == at_commit
    for name in sorted(at_commit):
        rows = build_model.load_committed(build_model.ROOT / name, commit)
        assert shipped["sources"][name] == [len(rows), sum(bool(r["emergency"]) for r in rows)], name


# ---- note 1: a flame that goes out is a stove fault, a fire that cannot be put out is a fire -----

@pytest.mark.parametrize("text", [
    "油锅点着火了灭不掉",
    "锅里点着火就灭不了了",
    "灶台边的抹布点着火了，灭也灭不了",
    "窗帘打着火了，熄不掉啊",
])
def test_a_fire_that_cannot_be_put_out_fires(text):
    verdict = assess(text, quiet=True)
    assert verdict.emergency and "fire" in verdict.kinds, verdict


@pytest.mark.parametrize("text", ["热水器点着火几秒就灭了", "燃气灶点着火一会儿就灭", "这灶点着火老是熄，火苗一下就没了"])
def test_a_flame_that_goes_out_stays_quiet(text):
    assert not fires(text)


# ---- notes 2 and 3: a way out, a price, a choice of numbers asked from inside the emergency -------

@pytest.mark.parametrize("text", [
    "我被反锁在卫生间了，有没有办法出来",
    "老人摔了起不来，有没有办法",
    "老人起不来，有没有办法",
    "我爸被困电梯里了，有没有办法快点",
    "孩子误喝了消毒水，有没有什么法子",
    "俺娘喝了农药，有没有啥法子",
    "老人被困电梯里，救援要多少钱",
    "我奶奶被关在电梯里头了，开锁要多少钱",
    "着火了是打119还是打110",
    "煤气泄漏了是打119还是打燃气公司",
    "油锅着火了，是先灭火还是打119",
    "我爸晕倒，是先扶还是打120",
])
def test_asked_from_inside_the_emergency_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "跌倒报警的手环要多少钱",
    "燃气泄漏报警器装一个要多少钱",
    "被困电梯有没有办法自救",
    "老人摔倒有没有什么办法预防",
    "着火是打119还是打110",
    "闻到煤气味是打燃气公司还是打119",
    "我妈记性差，担心她吃多了，有没有提醒的办法",
])
def test_a_general_way_price_or_number_question_stays_quiet(text):
    assert not fires(text)


# ---- note 4: one adult tablet taken by a young child is a poisoning ------------------------------

@pytest.mark.parametrize("text", [
    "孩子吃了一片安眠药",
    "孩子偷吃了奶奶一片降糖药",
    "小孩偷吃了一片安眠药怎么办",
    "宝宝刚才舔了一颗爷爷的降压药",
    "我家娃偷吃了姥姥的药",
])
def test_a_child_who_took_an_adults_medicine_is_poisoned(text):
    verdict = assess(text, quiet=True)
    assert verdict.emergency and "poisoning" in verdict.kinds, verdict


@pytest.mark.parametrize("text", ["睡前吃了一颗安眠药", "我儿子失眠，吃了一片安眠药睡了", "孩子感冒了，吃了药睡了",
                                  "怎么防止孩子偷吃老人的药"])
def test_an_adults_dose_or_a_childs_own_medicine_stays_quiet(text):
    assert not fires(text)


# ---- note 5: a drainpipe hides only the 落水 cue; a child can fall into a drain opening -----------

@pytest.mark.parametrize("text", [
    "落水管爆了水漫到插座",
    "落水口有个孩子掉进去了",
    "孩子掉进落水口了",
    "小孩滑进路边的落水口了",
])
def test_a_drainpipe_hides_no_other_cue_and_a_fall_into_a_drain_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", ["落水管堵了", "阳台的落水管漏水了", "落水口盖子坏了谁来修", "路边的落水口堵了，水漫上来了",
                                  "我快被我儿子气得冒火了", "累得我要死了"])
def test_a_drainpipe_or_an_idiom_of_feeling_stays_quiet(text):
    assert not fires(text)


# ---- note 7: stuffy (闷) is no hyperbole, it may be carbon monoxide --------------------------------

@pytest.mark.parametrize("text", ["闷得我要死了，头好晕", "屋里烧着炭，闷得人快死了", "渴得我要死了，嘴唇发紫说不出话"])
def test_stuffy_or_thirsty_to_death_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", ["热得我要死了", "今天加班累得我要死了", "吵得人要死，楼上又在装修"])
def test_hyperbole_of_heat_work_or_noise_stays_quiet(text):
    assert not fires(text)


# ---- note 10: a habit of going out does not account for a child who cannot be reached now ---------

@pytest.mark.parametrize("text", ["孩子天天出去玩，手机关机了", "我儿子每天都出去耍，这会儿电话没人接"])
def test_a_child_out_every_day_who_cannot_be_reached_now_fires(text):
    assert fires(text)


def test_a_child_out_every_day_stays_quiet():
    assert not fires("孩子天天出去玩，不着家")


# ---- note 6: a new symptom said after "it is over" reopens it ------------------------------------

@pytest.mark.parametrize("text", [
    "刚才老人摔倒了，后来扶起来了，可是现在说头疼想吐",
    "我爸下午摔了一跤，已经扶起来了，但是这会儿老说头晕",
    "煤气味开窗散了，可是我妈现在头晕恶心",
])
def test_a_symptom_after_the_event_was_over_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", ["刚才老人摔倒了，后来扶起来了，现在不头疼了", "我妈前天摔了一跤，后来没事了",
                                  "昨天厨房着火，已经灭了，现在没事"])
def test_an_event_over_with_no_new_symptom_stays_quiet(text):
    assert not fires(text)


# ---- note 26: 有什么办法 follows the same rule as 有没有办法; a worry governs a cue it precedes -------

@pytest.mark.parametrize("text", [
    "邻居家着火了，有没有什么办法",
    "煤气泄漏了，有没有什么办法",
    "厨房着火了有什么办法",
    "我妈噎住了有啥办法",
    "我好担心，我妈摔了起不来",
    "担心她摔了，快来人",
])
def test_what_to_do_asked_about_an_actual_emergency_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", [
    "电梯困人有没得办法自救",
    "家里小孩把自己反锁在房间里的时候有没有什么办法从外面打开",
    "我妈一个人住，担心她晚上摔了没人知道，有什么办法",
])
def test_a_general_way_or_a_worry_stays_quiet(text):
    assert not fires(text)


# ---- note 9: a child locked alone in a car is the danger whatever the air -------------------------

@pytest.mark.parametrize("text", [
    "孩子在车里睡着了，车锁了，空调开着",
    "宝宝在车上睡着了，我把钥匙锁里面了，车窗开着",
    "闺女在车里，车门锁了开着空调，我进不去",
])
def test_a_child_locked_in_a_car_with_the_air_on_fires(text):
    assert fires(text)


@pytest.mark.parametrize("text", ["孩子在车里睡觉，车没锁，我就在旁边", "宝宝在车上睡着了，车锁了，我就在车旁边看着"])
def test_a_child_in_an_open_car_or_watched_by_it_stays_quiet(text):
    assert not fires(text)


# ---- note 8: a treatment or a habit of medicine, a near faint from riding, are no emergency -------

@pytest.mark.parametrize("text", [
    "我妈血压高，吃了好多药，有时候头晕，能约个上门体检吗",
    "感冒了吃了好多药，还是头晕",
    "这个月吃了好多药，胃不舒服想吐",
    "坐车差点晕倒，有点恶心",
])
def test_a_treatment_or_motion_sickness_stays_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "我爸一口气吃了好多药，现在头晕想吐",
    "她吃了好多药，叫不醒了",
    "头晕恶心吐，刚才差点晕倒",
])
def test_an_overdose_or_a_faint_coming_on_fires(text):
    assert fires(text)


# ---- note 31: a report chased after days is a ticket, not a cry for help --------------------------

@pytest.mark.parametrize("text", [
    "到底来不来人 我都报三天了",
    "到底来不来人啊，我都报了三天了",
    "水管漏水报修好几天了，快来人啊",
])
def test_a_report_chased_after_days_stays_quiet(text):
    assert not fires(text)


@pytest.mark.parametrize("text", [
    "快来人啊",
    "楼上漏水漏到电闸了，报了三天了，快来人啊",
    "报了三天了，我爸现在头晕站不稳，快来人",
    "煤气味好重，报了两天了还不来人",
    "我报修了三天了，电梯今天把我妈关里面了，快来人",
    "报了两天了，孩子刚才被关在电梯里，快来人啊",
    "电梯把我妈关里面了",
])
def test_a_cry_with_a_danger_fires_whatever_the_wait(text):
    assert fires(text)


# ---- L5: the Cantonese progressive 紧 is something going on now ---------------------------------

@pytest.mark.parametrize("text", [
    "投诉下 楼下啲电单车充电 宜家冒紧烟 好大件事",
    "啲电池出紧烟",
    "我屋企电箱冒紧烟",
    "厨房着紧火呀",
])
def test_cantonese_smoke_or_fire_going_on_fires(text):
    verdict = assess(text, quiet=True)
    assert verdict.emergency and {"fire", "electric_water"} & set(verdict.kinds), verdict


@pytest.mark.parametrize("text", ["投诉下楼下啲电单车成日喺楼道充电，好危险", "电单车充电冒烟点算"])
def test_cantonese_hazard_complaint_or_question_stays_quiet(text):
    assert not fires(text)
