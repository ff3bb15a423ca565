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
