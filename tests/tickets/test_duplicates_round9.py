"""Duplicate linking, round 9 (issue #12): general rules for the parts of a place the parser
does not read (estate names of any suffix, positions before a word of place, numbered things,
a whole against a part of it). Sentences written for these tests, not taken from a bench set."""

import pytest

from assistant.location import compatible, find_locations, resolve
from assistant.tickets.duplicates import places_disagree, read_problem, same_problem


def linked(a: str, b: str) -> bool:
    return same_problem(a, b) and compatible(resolve(None, a), resolve(None, b))


@pytest.mark.parametrize(
    "a, b",
    [
        # Estates named by a suffix no table knows.
        ("云杉公馆4号楼门禁坏了", "云杉名都4号楼门禁坏了"),
        ("我住富力天禧7栋，停水了", "富力天骄7栋停水了"),
        ("金辉城市花园2号楼路灯不亮", "金辉城2号楼路灯不亮"),  # one name is not the start of the other
        ("海悦尚城的中心花园狗屎太多", "海悦瀚城的中心花园狗屎太多"),
        # Positions before a word of place.
        ("云杉公馆3号楼东塔电梯坏了", "云杉公馆3号楼西塔电梯坏了"),
        ("云杉公馆南片6栋下水道堵了", "云杉公馆北片6栋下水道堵了"),
        ("云杉公馆2栋左边那个单元门禁坏了", "云杉公馆2栋右边那个单元门禁坏了"),
        ("云杉公馆地库上层漏水", "云杉公馆地库下层漏水"),
        ("云杉公馆环路内圈路灯不亮", "云杉公馆环路外圈路灯不亮"),
        ("云杉公馆8号楼楼前的树倒了", "云杉公馆8号楼楼后的树倒了"),
        ("云杉公馆老院子5号楼停电", "云杉公馆新院子5号楼停电"),
        # Numbered things.
        ("云杉公馆车库2号充电桩坏了", "云杉公馆车库4号充电桩坏了"),
        ("云杉公馆车库1号口道闸坏了", "云杉公馆车库3号口道闸坏了"),
        ("云杉公馆9号楼A口门禁坏了", "云杉公馆9号楼C口门禁坏了"),
        ("云杉公馆第三排车库门坏了", "云杉公馆第五排车库门坏了"),
        ("云杉公馆一组团3号楼停水", "云杉公馆三组团3号楼停水"),
        ("云杉公馆5号楼地下室4号储藏室进水", "云杉公馆5号楼地下室14号储藏室进水"),
        # A whole against a part of it.
        ("云杉公馆6号楼3单元停电了", "云杉公馆6号楼整栋楼都停电了"),
        ("云杉公馆6号楼502停水了", "云杉公馆6号楼全楼停水了"),
        ("云杉公馆东门路灯不亮", "云杉公馆整个小区路灯都不亮"),
    ],
)
def test_parts_that_differ(a, b):
    assert places_disagree(a, b)
    assert not linked(a, b)


@pytest.mark.parametrize(
    "a, b",
    [
        # The same estate written with more or fewer words.
        ("云杉公馆4号楼门禁坏了", "我住云杉公馆4号楼，门禁刷不开"),
        ("云杉公馆4号楼门禁坏了", "云杉公馆小区4号楼门禁刷不开"),
        ("阿拉云杉公馆4号楼门禁坏了", "云杉公馆四号楼门禁坏了"),
        # The same position or number said again, or said by one report only (an elaboration).
        ("云杉公馆3号楼东塔电梯坏了", "云杉公馆三号楼东塔电梯不动了"),
        ("云杉公馆3号楼东头楼道灯坏了", "云杉公馆3号楼东边楼道灯不亮"),  # 东头 is 东边
        ("云杉公馆车库2号充电桩坏了", "云杉公馆车库二号充电桩充不进电"),
        ("云杉公馆车库2号充电桩坏了", "云杉公馆车库充电桩坏了"),
        ("云杉公馆6号楼停电了", "云杉公馆6号楼整栋楼都没电了"),  # the building both times
        (
            "云杉公馆6号楼502停水了",
            "云杉公馆6号楼整栋楼都停水了，6号楼502也没水",
        ),  # the whole, and the part too
        ("云杉公馆6号楼电梯坏了", "云杉公馆6号楼2单元电梯坏了，老人下不了楼"),
        ("云杉公馆第八栋二单元门禁坏了", "云杉公馆8号楼2单元门禁刷不开"),  # 第 is read with the building
        ("我说一下云杉公馆4号楼门禁坏了", "云杉公馆4号楼门禁坏了"),  # words in front of the name
    ],
)
def test_parts_that_agree(a, b):
    assert not places_disagree(a, b)
    assert linked(a, b)


@pytest.mark.parametrize(
    "text",
    [
        "堆了好多东西在楼道",
        "电梯停在5楼不动了",
        "排了一排车",
        "上下楼都不方便",
        "等了3天没人来",
    ],
)
def test_no_part_read_from_ordinary_words(text):
    assert not places_disagree(text, text.replace("了", "", 1) or text)


def test_estate_name_is_not_the_problem():
    # 松 of an estate's name is no 松 (loose), 绿地 of one no lawn.
    assert "歪" not in read_problem("松涛苑2栋门禁刷不开").faults
    assert read_problem("绿地新都会12栋下水道堵了").objects == frozenset({"下水道"})


@pytest.mark.parametrize(
    "text, canonical",
    [
        ("阿拉碧湾国际2栋路灯不亮", "阿拉碧湾2号楼"),  # the estate read is the start of its name
        ("青松新村南片3栋路灯不亮", "青松新村3号楼"),  # a part of the estate not read
        ("青松家园全小区停水了", "青松家园全小区"),  # the whole of it
    ],
)
def test_estate_chains_with_what_follows(text, canonical):
    assert find_locations(text)[0].canonical == canonical


def test_estate_does_not_chain_across_a_sentence():
    assert len(find_locations("幸福小区停电了3号楼也是")) == 2


def test_parking_above_ground_is_not_the_garage():
    above, below = resolve(None, "云杉公馆地面停车场道闸坏了"), resolve(None, "云杉公馆地下停车场道闸坏了")
    assert below.place == "地下车库"
    assert not compatible(above, below)
    assert compatible(below, resolve(None, "云杉公馆地下车库道闸坏了"))


@pytest.mark.parametrize(
    "a, b",
    [
        ("云杉新区5栋停电了", "我家在云杉小区5栋，停电了"),  # 新区 after a name is part of it
        ("云杉公馆二区9栋外墙空鼓", "云杉公馆四区9栋外墙空鼓"),  # areas by a Chinese numeral
    ],
)
def test_estates_and_areas_that_differ(a, b):
    assert places_disagree(a, b)


def test_front_of_a_place_is_not_its_back():
    assert not same_problem("云杉公馆会所门口井盖没了", "云杉公馆会所后面井盖没了")
    assert same_problem("云杉公馆会所门口井盖没了", "云杉公馆会所前面井盖不见了")


# Words said before the place that are no estate's name: what the resident does (麻烦反映一下),
# when (昨晚开始, 早上8点多, 中午), fillers and who (就是, 又, 我们). They were read as two estates.
@pytest.mark.parametrize(
    "a, b",
    [
        ("麻烦反映一下3号楼电梯坏了", "昨晚开始3号楼电梯坏了"),
        ("早上8点多3号楼停水了", "中午3号楼还是停水"),
        ("请帮忙看看7栋门禁，刷不开", "今天上午7栋门禁坏了"),
        ("投诉一下5号楼楼道灯不亮", "这两天5号楼楼道灯一直不亮"),
        ("师傅你好，4号楼电梯坏了", "下午三点左右4号楼电梯坏了"),
        ("我们锦江公馆3号楼电梯坏了", "锦江公馆3号楼电梯坏了"),  # the name after the words is kept
        ("锦江公馆昨晚开始3号楼停水", "锦江公馆3号楼停水了"),  # and the name before them
        ("麻烦反映一下锦江小区3号楼电梯坏了", "昨晚开始锦江小区3号楼电梯坏了"),  # an estate the parser reads
    ],
)
def test_words_before_the_place_are_no_estate(a, b):
    assert not places_disagree(a, b)
    assert linked(a, b)


@pytest.mark.parametrize(
    "a, b",
    [
        ("锦江公馆3号楼电梯坏了", "锦江名都3号楼电梯坏了"),  # 都 of a name is no filler
        ("麻烦反映一下锦江公馆3号楼电梯坏了", "锦江名都3号楼电梯坏了"),
        ("锦江公馆昨晚开始3号楼停水", "锦江名都3号楼停水了"),
        ("我们锦江公馆3号楼漏水", "就是锦江名都3号楼漏水"),
        ("春天花园3号楼停电了", "明珠花园3号楼停电了"),  # 天 and 明 of a name are no time
    ],
)
def test_estate_names_kept_among_such_words(a, b):
    assert places_disagree(a, b)
    assert not linked(a, b)
