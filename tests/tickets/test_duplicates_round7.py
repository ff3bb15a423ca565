"""Duplicate linking, round 7 (issue #12 item 6): the causes of blind set 6's errors, as
general rules, with sentences written for these tests (not taken from any bench set)."""

import pytest

from assistant.location import compatible, resolve
from assistant.tickets.duplicates import places_disagree, read_problem, same_problem


def linked(a: str, b: str) -> bool:
    return same_problem(a, b) and compatible(resolve(None, a), resolve(None, b))


@pytest.mark.parametrize("a, b", [
    ("翠湖里3号楼停水了", "翠湖居3号楼停水了"),  # estates the parser does not know, by their suffix
    ("枫桥新村7号楼电梯坏了", "枫桥三村7号楼电梯坏了"),
    ("金沙花园9栋停电", "金沙新城9栋停电"),
    ("御景轩4座没电", "御景苑4座没电"),
    ("老院5栋路灯不亮", "新院5栋路灯不亮"),  # the old and the new compound
    ("老楼2栋外墙掉砖", "新楼2栋外墙掉砖"),
    ("地下车库B1积水", "地下车库B2积水"),  # basement levels
    ("7栋 不是7 是8栋 楼道灯坏了", "7栋楼道灯坏了"),  # the denied number said again, bare
])
def test_places_that_differ(a, b):
    assert places_disagree(a, b)


@pytest.mark.parametrize("a, b", [
    ("翠湖里3号楼停水了", "翠湖里3号楼没水了"),
    ("地下车库B1积水", "地下车库负一层积水"),  # B1 is the first basement level
    ("B座3楼漏水", "B座3楼漏水了"),  # B座 is a wing, not a level
    ("7栋 不是7 是8栋 楼道灯坏了", "8栋楼道灯坏了"),
    ("养老院5栋路灯不亮", "新院5栋路灯不亮"),  # 养老院 names no old compound
])
def test_places_that_agree(a, b):
    assert not places_disagree(a, b)


@pytest.mark.parametrize("a, b", [
    ("医院门口的路灯不亮", "医院后门的路灯不亮"),  # the main gate is not the back gate
    ("北门人行门禁刷不开", "北门车库门禁刷不开"),  # the people's gate is not the cars'
    ("5号楼门禁刷不开", "5号楼门禁的对讲没声音"),  # the intercom is a part of its own
    ("3栋外墙空鼓了", "3栋外墙挂了横幅"),  # a bulging wall is not a banner on it
    ("路灯一直闪", "路灯不亮"),  # flickering is not out
    ("充电桩旁边电瓶车着火了", "充电桩坏了"),  # a fire beside the charger is not the charger
    ("停水了", "水管爆了"),
])
def test_different_problems_are_not_linked(a, b):
    assert not same_problem(a, b)


@pytest.mark.parametrize("a, b", [
    ("外墙瓷砖空鼓了", "外墙砖鼓起来了"),
    ("11栋门口路灯一闪一闪的", "11栋门口路灯老是闪"),
    ("充电桩充不上电", "充电桩坏了"),
    ("水表不走了", "水表坏了，数字一直不动"),
    ("监控画面全黑", "摄像头拍不到东西"),  # a black picture is a camera not working
    ("停电了，家里啥都用不了", "没电了，楼道全黑"),  # what an outage does is the outage
    ("垃圾站一股臭味", "垃圾站味道难闻"),
    ("暖气勿热", "暖气不热"),  # Wu 勿
    ("垃圾冇人收", "垃圾没人收"),  # Cantonese 冇
    ("停店了", "停电了"),  # voice-typed
    ("电体坏了", "电梯坏了"),
    ("5栋顶楼天花板漏水，已经反映过好几次了", "5栋顶楼漏水"),  # what was done about it is cut
    ("化粪池满出来了", "化粪池冒了"),
    ("井盖翘起来了", "井盖松了"),
    ("车棚充电线乱拉，怕着火", "车棚飞线充电"),  # a fire feared is not a fire
    ("出口那个栏杆抬不起来", "出口道闸坏了"),
    ("菜场门口乱摆摊", "菜场门口占道经营"),
])
def test_same_problem_said_otherwise(a, b):
    assert same_problem(a, b)


def test_heating_that_leaks_is_not_gas():
    assert read_problem("暖气片漏水").objects == {"暖气"}


def test_an_estate_before_a_building_is_compared_in_linking():
    assert linked("幸福里6号楼垃圾满了", "幸福里6号楼垃圾没人收")
    assert not linked("幸福里6号楼垃圾满了", "幸福苑6号楼垃圾没人收")
