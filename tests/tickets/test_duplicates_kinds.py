"""The "same problem" rule, round 2 (issue #12 item 6): kinds of 坏, faults the tables did
not know (太亮, 不热, 过期), a report that says more than the other, rooms of a flat, and
synonyms residents use (耗子, 地库, 返水, 煤气味). Sentences written for these tests."""

from __future__ import annotations

import pytest

from assistant.tickets.duplicates import faults_match, read_problem, same_problem


@pytest.mark.parametrize(("a", "b"), [
    ("7号楼门禁坏了", "7号楼门禁刷卡没反应"),  # 坏 is any kind of 坏; 刷卡 is the access control
    ("2栋单杠坏了", "2栋单杠折了"),
    ("9号楼地下室积水", "9号楼地下室进水了淹到脚脖子"),  # 进水 / 淹 = 积水
    ("17号楼楼道有老鼠", "17号楼楼道里耗子到处跑"),
    ("5栋楼道有股煤气味", "5栋楼道燃气泄漏"),  # a smell of gas is how a leak is reported
    ("2号楼302厨房水槽往上返水", "2号楼302厨房下水道堵了"),  # backing up is a blocked drain
    ("6栋楼梯间漆黑一片", "6栋楼道灯不亮"),  # a dark stairwell is its lamp out
    ("10号楼外墙的砖往下掉", "10号楼瓷砖脱落"),
    ("20号楼下水井没有盖子了", "20号楼井盖丢了"),
    ("4号楼消防车道被私家车堵了", "4号楼消防通道被车占了"),
    ("24号楼楼上装修叮叮当当", "24号楼楼上装修太吵"),
    ("3栋楼下共享单车摆得乱七八糟", "3栋楼下共享单车乱停"),
    ("8栋水管爆了", "八栋水管裂了往外喷水"),
    ("11号楼停水了没通知", "11号楼突然停水也不通知"),  # 不通知 is not 不通 (blocked)
    ("5号楼消防通道被电瓶车堵住了", "5号楼消防通道停满了电瓶车"),
    ("东门跳广场舞的音响太大声", "东门广场舞吵死了"),
    ("二十号楼电梯困人了", "20号楼电梯里关了人"),
    ("18号楼下那辆车半年没人开", "18号楼楼下有僵尸车"),  # 18号楼下 is building 18, then 下: no 楼下 said
])
def test_the_same_problem_in_other_words(a: str, b: str):
    assert same_problem(a, b)
    assert same_problem(b, a)


@pytest.mark.parametrize(("a", "b"), [
    ("11号楼井盖松了", "11号楼井盖被偷了"),  # two kinds of 坏
    ("9号楼窗户玻璃碎了", "9号楼窗户关不上"),
    ("6号楼路灯不亮", "6号楼路灯太刺眼"),  # too bright is not out
    ("21栋暖气不热", "21栋暖气片漏水了"),  # not warm is not a leak
    ("5号楼电梯坏了", "5号楼电梯年检超期了"),  # an overdue inspection is not a breakdown
    ("14号楼楼道灯坏了", "14号楼楼道灯边上有个蜂窝"),  # says more than the lamp
    ("东门停车乱", "东门停车费太高"),  # what parking costs
    ("8号楼燃气漏气", "8号楼燃气表跑得快"),  # the meter is not the gas
    ("12号楼下有人烧垃圾", "12号楼下垃圾没人收"),  # burning is not rubbish left
    ("3栋401厨房漏水", "3栋401卫生间漏水"),  # two rooms of one flat
    ("菜市场门口乱摆摊", "菜市场门口电动车乱停"),
    ("篮球场晚上有人打球", "篮球场的篮筐坏了"),
    ("8号楼下电动车乱停", "8号楼下汽车乱停"),  # two kinds of vehicle
    ("8号楼301楼上漏水", "8号楼301漏到楼下了"),  # the flat above, the flat below
])
def test_other_problems_at_one_place(a: str, b: str):
    assert not same_problem(a, b)
    assert not same_problem(b, a)


def test_kinds_of_fault():
    assert read_problem("3号楼路灯不亮").faults == {"不亮"}
    assert read_problem("3号楼路灯杆子歪了").faults == {"歪"}
    assert read_problem("3号楼卫生间返水").faults == {"漏", "堵"}  # one fault, two kinds
    assert faults_match(frozenset({"坏"}), frozenset({"不亮"}))
    assert not faults_match(frozenset({"不亮"}), frozenset({"歪"}))
    assert read_problem("12号楼302厨房漏水").spots == {"厨房"}
    assert read_problem("12号楼302洗手间漏水").spots == {"卫生间"}
