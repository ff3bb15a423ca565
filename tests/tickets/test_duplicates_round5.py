"""Duplicate linking, round 5 (issue #12 item 6): sentences written for this file, not
taken from any bench set. Most pairs must stay apart: a false link tells a resident
已有居民反映过 when nobody reported their building or their problem."""

from __future__ import annotations

import pytest

from assistant.location import compatible, find_locations, resolve
from assistant.tickets.duplicates import read_problem, same_problem
from assistant.tickets.intake import extract_location


def _where(text: str):
    return resolve(extract_location(text), text)


def linked(a: str, b: str) -> bool:
    """What the duplicate check decides for two reports read the way the chat reads them."""
    return compatible(_where(a), _where(b)) and same_problem(a, b)


@pytest.mark.parametrize(("a", "b"), [
    # other parts of the estate, other units, other floors
    ("东区6栋楼道灯不亮", "西区6栋楼道灯不亮"),
    ("新区2号楼水管爆了", "老区2号楼水管爆了"),
    ("一区8栋电梯坏了", "二区8栋电梯坏了"),
    ("6号楼2门洞楼道灯坏了", "6号楼4门洞楼道灯坏了"),
    ("15号楼顶楼渗水", "15号楼五楼渗水"),
    ("15号楼顶层渗水", "15号楼502渗水"),
    ("北边车棚灯不亮", "南边的车棚灯不亮"),
    ("地下车库有积水", "地面停车场有积水"),
    # a gate: inside is not outside
    ("西门里面的路灯不亮", "西门外面的路灯不亮"),
    # the same thing, another fault
    ("4栋单元门刷卡刷不开", "4栋单元门一直开着，关不上"),
    ("9号楼门禁坏了打不开", "9号楼门禁合不拢"),
    ("6栋楼下垃圾桶满了", "6栋楼下垃圾桶被人拿走了，现在没处扔"),
    ("3号楼暖气不热", "3号楼暖气费收得太多"),
    ("10栋电梯坏了，按了没反应", "10栋电梯坏了，门关不上"),
    ("2号楼化粪池满了", "2号楼化粪池盖子丢了"),
    # another problem at the same place
    ("5栋楼下有人养鸡", "5栋楼下有人遛狗不拴绳"),
    ("7栋楼下炸鸡店油烟大", "7栋楼下有人养鸡"),
    ("8栋门口的信箱被撬了", "8栋门口的单元门被撬了"),
    ("喷水池停了", "电梯停了"),
    ("5栋楼下垃圾桶满了溢出来", "5栋楼下垃圾桶漏水"),  # a bin running over is full, not leaking
    ("7栋车棚灯坏了", "7栋楼道灯坏了"),
    ("东门外面有人摆摊", "东门里面有人摆摊"),
    ("3号楼电梯停了好久", "3号楼门口车停了好久"),  # a lift stopped is no abandoned car
    ("4栋门口的伸缩门坏了", "4栋单元门坏了"),
    ("负一层停车场积水", "负二层停车场积水"),
])
def test_different_places_or_problems_stay_apart(a, b):
    assert not linked(a, b)


@pytest.mark.parametrize(("a", "b"), [
    ("廿三栋路灯不亮", "23号楼路灯不亮"),
    ("卅号楼电梯坏了", "三十栋电梯坏了"),
    ("6号楼3门洞楼道灯不亮", "6号楼三单元楼道灯坏了"),
    ("南区4栋水管爆了", "南区4号楼水管爆了"),
    ("11号楼顶楼漏雨", "十一栋顶层一下雨就漏"),
    ("负二层停车场积水了", "地下车库负二层进水了"),
    ("5号楼B1储藏室进水了", "5号楼地下一层储藏间被水泡了"),
    ("西边大门保安亭没人", "西门岗一个保安都没有"),
    ("正大门的伸缩门夹到人了", "小区大门电动门夹了人"),
    ("北门的杆子抬不起来", "北门道闸坏了"),
    ("6栋1单元那个铁门关不上", "6栋1单元单元门合不拢"),
    ("3栋门口下水道盖子松了", "3栋门口井盖晃得厉害"),
    ("9号楼垃圾箱装不下了", "9号楼垃圾桶满了"),
    ("4号楼化粪池冒出来了", "4号楼化粪池满了"),
    ("12栋楼下空调外机滴水", "12栋楼下冷气机滴水"),
    ("7号楼电梯坏了", "7号楼部𨋢唔郁"),
    ("2栋楼道里有小强", "2栋楼道蟑螂多"),
    ("8栋门口信报箱被撬了", "8栋门口的信箱让人撬开了"),
    ("5栋楼下有人遛狗不牵绳", "5栋楼下狗乱跑，绳子也不拴"),
    ("10号楼楼下有人剁骨头", "10号楼楼下半夜剁东西太吵"),
    ("3栋楼道里有人养鸭子", "3栋楼道有人养了几只鸭，好臭"),
    ("16栋门口消防通道被堵", "十六栋门口消防通道停满了车"),
    ("2栋楼道等不亮", "2栋楼道灯不亮"),
    ("9号楼绿化带没人修剪", "九号楼那块草长得好高"),
    ("1号楼2单元楼道一股天然气味", "1号楼2单元燃气有股味道"),
    ("7栋3单元热水器打不着，水压太低", "7栋3单元水压低"),
])
def test_same_place_and_problem_said_two_ways_link(a, b):
    assert linked(a, b)


def test_location_readings():
    assert _where("廿二栋").building == "22"
    assert _where("8号楼3门洞").unit == 3
    assert _where("老区5栋").area == "老"
    assert _where("5号楼顶层").top and _where("5号楼顶楼").top
    assert not find_locations("顶楼漏水")  # the top floor of no building said is no address
    assert _where("负一层停车场").place == "地下车库"
    assert _where("北边自行车棚").place == "北车棚"
    assert _where("南边大门").place == "南门"
    assert _where("2号楼B1储藏间").floor == -1


def test_problem_readings():
    assert "门锁" not in read_problem("3号门锁上了").objects  # a gate locked, not its lock
    assert "僵尸车" not in read_problem("电梯停了好久了").objects
    assert "天花板" not in read_problem("5号楼顶上有人搭棚子").objects  # the roof, not a ceiling
    assert "吵" in read_problem("楼上半夜剁肉").faults
    assert same_problem("电梯坏了，一直响", "电梯坏了")  # one says how, the other only 坏
    assert same_problem("北门道闸坏了车出不去", "北门道闸抬不起来")  # what 坏 does is no kind of 坏
    assert not same_problem("门禁坏了刷不开", "门禁坏了，关不上")  # both say how: the hows differ
