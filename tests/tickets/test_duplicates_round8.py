"""Duplicate linking, round 8 (issue #12): the causes of blind set 7's errors, as general
rules, with sentences written for these tests (not taken from any bench set)."""

import pytest

from assistant.location import compatible, resolve
from assistant.tickets.duplicates import places_disagree, read_problem, same_problem


def linked(a: str, b: str) -> bool:
    return same_problem(a, b) and compatible(resolve(None, a), resolve(None, b))


@pytest.mark.parametrize("a, b", [
    ("海棠苑4栋1梯电梯停了", "海棠苑4栋2梯电梯停了"),  # the lifts of a building by number
    ("海棠苑4栋一号梯按钮坏了", "海棠苑4栋二号梯按钮坏了"),
    ("海棠苑4栋2号电梯停了", "海棠苑4栋4号电梯停了"),
    ("桃李园2号楼车库3号储藏间进水", "桃李园2号楼车库13号储藏间进水"),  # numbered storerooms
    ("桃李园A-12车位被占了", "桃李园A21车位被占了"),  # parking spaces
    ("建设东路8号院路灯坏了", "建设西路8号院路灯坏了"),  # the road of a house number
    ("诗书门第2栋停电", "诗书苑2栋停电"),  # an estate ending in 门第
    ("海棠苑4栋一单元5楼下水道堵了", "海棠苑4栋一单元15楼下水道堵了"),  # 5楼下水道 is floor 5
    ("海棠苑4栋502卫生间漏水", "海棠苑4栋5楼电梯厅漏水"),  # a flat, not the floor's lift hall
    ("海棠苑4栋2楼楼道堆满杂物", "海棠苑4栋2单元楼道堆满杂物"),  # a floor alone is not a unit alone
])
def test_places_that_differ(a, b):
    assert places_disagree(a, b)


@pytest.mark.parametrize("a, b", [
    ("海棠苑4栋1梯电梯停了", "海棠苑4栋1号梯电梯不动了"),
    ("桃李园A-12车位被占了", "桃李园A12车位被人占了"),
    ("建设东路8号院路灯坏了", "建设东路8号院的路灯不亮"),
    ("海棠苑4栋502卫生间漏水", "海棠苑4栋502卫生间往下滴水"),
    ("海棠苑4栋一梯两户，楼道灯坏了", "海棠苑4栋楼道灯不亮"),  # 一梯两户 is a layout, not a lift
    ("海棠苑4号楼电梯停了", "海棠苑4号楼的电梯不动了"),  # the building's number is not a lift's
])
def test_places_that_agree(a, b):
    assert not places_disagree(a, b)


@pytest.mark.parametrize("a, b", [
    ("海棠苑4栋低区电梯坏了", "海棠苑4栋高区电梯坏了"),  # the low and the high lifts
    ("海棠苑6栋后面化粪池满了", "海棠苑6栋前面化粪池满了"),  # behind a building, in front of it
    ("海棠苑4栋东边那个单元门禁坏了", "海棠苑4栋西边那个单元门禁坏了"),  # sides of one place
    ("海棠苑6栋荷花池北岸护栏断了", "海棠苑6栋荷花池南岸护栏断了"),
    ("海棠苑4栋电梯有怪声音", "海棠苑4栋电梯年检过期了"),  # a strange noise is a noise
    ("海棠苑4栋健身器材坏了", "海棠苑4栋健身器材旁边地砖松了"),  # the paving by it, not the thing
    ("海棠苑4栋2单元门禁失灵", "海棠苑4栋2单元地库门禁失灵"),  # the unit's door, not the garage's
])
def test_different_problems(a, b):
    assert not linked(a, b)


@pytest.mark.parametrize("a, b", [
    ("海棠苑4栋电梯有怪声音", "海棠苑4栋电梯异响很大"),
    ("海棠苑6栋后面化粪池满了", "海棠苑6栋后头化粪池满得往外溢"),  # 后头 is 后面
    ("海棠苑6栋荷花池北岸护栏断了", "海棠苑6栋荷花池北边护栏断了"),
    ("海棠苑4栋低区电梯坏了", "海棠苑4栋低区电梯不动了"),
    ("海棠苑4栋2单元门禁失灵", "海棠苑4栋2单元门禁刷不开"),
])
def test_same_problems(a, b):
    assert linked(a, b)


def test_tile_is_an_object():
    assert "地砖" in read_problem("广场地砖翘起来了").objects


@pytest.mark.parametrize("a, b", [
    ("海棠苑6栋楼道堆物", "海棠苑6栋楼道里堆满了杂物"),  # 堆物 is things piled up
    ("海棠苑6栋楼顶漏睡", "海棠苑6栋楼顶漏水了"),  # voice-typed 漏水
    ("海棠苑6栋后面化粪池满了", "海棠苑6栋后面化粪池往外冒"),  # running over is full
    ("海棠苑6栋楼下路灯成晚闪下闪下", "海棠苑6栋楼下路灯一直闪"),  # Cantonese flicker
    ("海棠苑6栋楼上装修，夜里向也勿停", "海棠苑6栋楼上装修吵得要命"),  # Wu: 里向, 勿停
    ("海棠苑6栋楼上装修队大清早就开始了", "海棠苑6栋楼上装修叮叮咣咣"),
    ("海棠苑6栋单元门口违停好几辆车", "海棠苑6栋单元门口乱停车堵了门"),
])
def test_same_problems_said_otherwise(a, b):
    assert linked(a, b)
