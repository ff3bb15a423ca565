"""Duplicate linking, round 6 (issue #12 item 6): structural rules, with sentences written
for these tests (not taken from any bench set)."""

import pytest

from assistant.location import compatible, resolve
from assistant.tickets.duplicates import places_disagree, same_problem


def linked(a: str, b: str) -> bool:
    return same_problem(a, b) and compatible(resolve(None, a), resolve(None, b))


@pytest.mark.parametrize("a, b", [
    ("南门边上的41栋化粪池满了", "南门边上的47栋化粪池满了"),  # a gate shared, buildings not
    ("66栋2-502厨房漏水", "66栋2-602厨房漏水"),
    ("12号楼底商2号铺排油烟", "12号楼底商5号铺排油烟"),
    ("丁香苑8栋停水了", "丁香湾8栋停水了"),
    ("梅苑3栋楼道灯坏了", "竹苑3栋楼道灯坏了"),
    ("新小区那边2号楼停电了", "老小区这边2号楼停电了"),
    ("25栋西头单元门禁坏了", "25栋中间单元门禁坏了"),
    ("游乐场的跷跷板断了", "游乐场的滑梯断了"),
    ("14栋楼道里有人养狗", "14栋楼道里有只流浪狗"),
    ("17栋有蟑螂", "17栋放的蟑螂药被猫吃了"),
    ("9号楼顶楼漏雨", "9号楼顶楼太阳能的水管漏水"),
    ("6号楼顶楼漏雨", "6号楼底楼漏雨"),
    ("4栋电梯有异响", "4栋电梯没有异响，就是门关得太快夹人"),
    ("30栋楼下有人摆摊卖水果", "30栋楼下卖水果的喇叭吆喝太吵"),
])
def test_different_places_or_problems_are_not_linked(a, b):
    assert not linked(a, b)


@pytest.mark.parametrize("a, b", [
    ("8栋，不对，是9栋，楼道灯坏了", "9栋楼道灯坏了"),  # the place meant, not the one corrected
    ("二十六栋三单元电梯坏了", "26-3电梯坏了"),
    ("廿六号楼楼道灯不亮", "26栋楼道灯坏了"),
    ("31號樓停水了", "31号楼停水了"),
    ("12栋有老鼠", "12栋楼道里老鼠乱窜，晚上吱吱叫"),
    ("凉亭顶破了漏雨", "凉亭顶上破了个洞，下雨就漏"),
])
def test_the_same_place_said_two_ways_is_linked(a, b):
    assert linked(a, b)


def test_place_numbers_must_agree():
    assert places_disagree("33栋旁边下水道堵了", "38栋旁边下水道堵了")
    assert places_disagree("1号铺门口堆垃圾", "三号铺门口堆垃圾")
    assert not places_disagree("5号楼门口", "五号楼门口")
    assert not places_disagree("7栋楼下积水", "东门口积水")  # only one names a building: not decided here
