"""assistant/location.py: the one reader of locations (issue #12 item 6).

Property tests (hypothesis) for the numbers: every building, unit and room from 1 to
999 read back the same whether written in digits, full-width digits, positional Chinese
numerals (cn2an's own writing, 二百零三) or digit by digit (二零三), with or without
spaces. Table tests for phrasings residents use."""

from __future__ import annotations

import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.location import (
    Location, compatible, complete, find_locations, location_span, parse_location, resolve, strip_locations, to_int,
)

numbers = st.integers(min_value=1, max_value=999)
_DIGITS_CN = "零一二三四五六七八九"


def chinese(n: int) -> str:
    return cn2an.an2cn(n, "low")  # 203 -> 二百零三


def digit_by_digit(n: int) -> str:
    return "".join(_DIGITS_CN[int(d)] for d in str(n))  # 302 -> 三零二


def full_width(n: int) -> str:
    return "".join(chr(ord(d) + 0xFEE0) for d in str(n))  # 203 -> ２０３


@given(numbers)
def test_numbers_round_trip_through_chinese_numerals(n):
    assert to_int(str(n)) == n
    assert to_int(chinese(n)) == n
    assert to_int(digit_by_digit(n)) == n


@settings(max_examples=150)
@given(numbers, st.sampled_from(["号楼", "栋", "幢", "座", "#楼"]),
       st.sampled_from([str, chinese, full_width]), st.sampled_from(["", " ", "  "]))
def test_building_keeps_every_digit(n, marker, writing, space):
    loc = parse_location(f"我家在{writing(n)}{space}{marker}，楼道灯坏了")
    assert loc is not None and loc.building == str(n)
    assert loc.canonical == f"{n}号楼"


@settings(max_examples=150)
@given(numbers, st.integers(min_value=1, max_value=30), st.integers(min_value=101, max_value=3299),
       st.sampled_from([str, chinese]), st.sampled_from(["", " "]))
def test_building_unit_room(b, u, r, writing, space):
    text = f"{writing(b)}号楼{space}{writing(u)}单元{space}{r}室漏水了"
    loc = parse_location(text)
    assert (loc.building, loc.unit, loc.room) == (str(b), u, str(r))
    assert loc.canonical == f"{b}号楼{u}单元{r}室"


@given(st.integers(min_value=101, max_value=999))
def test_room_digit_by_digit_after_a_unit(r):
    loc = parse_location(f"五栋二单元{digit_by_digit(r)}")
    assert (loc.building, loc.unit, loc.room) == ("5", 2, str(r))


@given(numbers, numbers)
def test_compatible_means_the_same_building(a, b):
    la, lb = parse_location(f"{a}号楼"), parse_location(f"{chinese(b)}栋")
    assert compatible(la, lb) == (a == b)


@pytest.mark.parametrize(("text", "building", "unit", "floor", "room", "place", "canonical"), [
    ("203号楼楼道灯坏了", "203", None, None, None, None, "203号楼"),
    ("117号楼门口井盖丢了", "117", None, None, None, None, "117号楼"),
    ("五栋的路灯不亮", "5", None, None, None, None, "5号楼"),
    ("十二号楼电梯坏了", "12", None, None, None, None, "12号楼"),
    ("我住二百零三号楼", "203", None, None, None, None, "203号楼"),
    ("5栋2单元302", "5", 2, None, "302", None, "5号楼2单元302室"),
    ("五栋二单元三零二室", "5", 2, None, "302", None, "5号楼2单元302室"),
    ("3号2单元501", "3", 2, None, "501", None, "3号楼2单元501室"),
    ("8号楼3单元5层", "8", 3, 5, None, None, "8号楼3单元5层"),
    ("３号楼２单元１２０１", "3", 2, None, "1201", None, "3号楼2单元1201室"),
    ("3-2-302楼上漏水", "3", 2, None, "302", None, "3号楼2单元302室"),
    ("第三栋楼下", "3", None, None, None, None, "3号楼"),
    ("A座大堂", "A", None, None, None, None, "A号楼"),
    ("小区东门口有人摆摊", None, None, None, None, "东门", "东门"),
    ("地下车库B区漏水", None, None, None, None, "地下车库B区", "地下车库B区"),
    ("地下车库 b 区", None, None, None, None, "地下车库B区", "地下车库B区"),
    ("3号楼东门", "3", None, None, None, "东门", "3号楼东门"),
])
def test_phrasings(text, building, unit, floor, room, place, canonical):
    loc = parse_location(text)
    assert loc is not None
    assert (loc.building, loc.unit, loc.floor, loc.room, loc.place) == (building, unit, floor, room, place)
    assert loc.canonical == canonical


def test_estate_road_and_phase():
    loc = parse_location("我住在幸福小区二期12号楼1单元201")
    assert (loc.estate, loc.phase, loc.building, loc.unit, loc.room) == ("幸福小区", 2, "12", 1, "201")
    road = parse_location("幸福路8号3号楼201室")
    assert (road.road, road.building, road.room) == ("幸福路8号", "3", "201")
    assert road.canonical == "幸福路8号3号楼201室"


@pytest.mark.parametrize("text", [
    "12月3号楼道灯坏了",  # a date, then 楼道
    "这一栋楼都停电了",   # a count, not building 1
    "两栋楼之间的路灯",
    "楼下垃圾没人收",
    "电话13912345678",
    "2026-12-05 停水",
    "我要投诉",
])
def test_no_number_where_there_is_none(text):
    loc = parse_location(text)
    assert loc is None or loc.building is None, loc


def test_every_location_and_the_span_as_said():
    found = find_locations("3号楼 2单元和5栋之间，还有北门")
    assert [loc.canonical for loc in found] == ["3号楼2单元", "5号楼", "北门"]
    assert found[0].span == "3号楼2单元"
    assert location_span("在6号楼3单元，烟很大") == "6号楼3单元"
    assert strip_locations("203号楼路灯坏了").strip() == "路灯坏了"


def test_resolve_prefers_the_residents_fuller_words():
    # An NLU entity cut by the tokenizer: 117号楼 -> 17号楼, 203号楼 -> 20.
    assert resolve("17号楼", "117号楼门口路灯坏了").building == "117"
    assert resolve("20", "203号楼路灯坏了").building == "203"
    assert resolve("3号楼", "3号楼路灯坏了").building == "3"
    assert resolve(None, "5栋电梯坏了").building == "5"
    assert resolve("超市后面那条路", "路灯坏了").place == "超市后面那条路"
    assert resolve(None, "路灯坏了") is None


@pytest.mark.parametrize(("a", "b", "same"), [
    ("12栋", "十二号楼", True),
    ("20号楼", "203号楼", False),
    ("17号楼", "117号楼", False),
    ("3号楼", "13号楼", False),
    ("3号楼2单元", "3号楼", True),
    ("3号楼2单元", "3号楼1单元", False),
    ("3号楼2单元302", "3号楼2单元402", False),
    ("3号楼2单元302", "三号楼二单元三零二室", True),
    ("北门", "小区北门口", True),
    ("北门", "南门", False),
    ("地下车库", "地下车库B区", True),
    ("地下车库A区", "地下车库B区", False),
    ("3号楼", "北门", False),
    ("幸福路8号3号楼", "幸福路8号5号楼", False),
    ("幸福路8号", "就在幸福路8号", True),
    ("幸福路8号", "人民路8号", False),
])
def test_compatible(a, b, same):
    assert compatible(parse_location(a), parse_location(b)) is same
    assert compatible(parse_location(b), parse_location(a)) is same


def test_nothing_is_compatible_with_nothing():
    assert not compatible(None, parse_location("3号楼"))
    assert not compatible(Location(), Location())


def test_complete_keeps_what_the_resident_said():
    assert complete("17号楼", "117号楼门口路灯坏了") == "117号楼"
    assert complete("20", "203号楼路灯坏了") == "203号楼"
    assert complete("3号楼", "5号楼路灯坏了") == "3号楼"
    assert complete("东门", None) == "东门"
    assert complete(None, "3号楼") is None


@pytest.mark.parametrize(("text", "canonical"), [
    ("30号楼2单元801楼上装修", "30号楼2单元801室"),  # 801楼上: the flat above 801, not floor 801
    ("四号楼一单元二零三楼上吵架", "4号楼1单元203室"),
    ("3号楼301楼下", "3号楼301室"),
    ("5号楼2门1楼楼道灯", "5号楼2单元1层"),  # 2门: unit 2
    ("南区2号楼门口", "南区2号楼"),
    ("5号楼东边绿化带", "5号楼东侧"),
    ("21号楼后面路灯", "21号楼后"),
    ("地下车库负一层积水", "负1层地下车库"),
    ("地下车库B2层", "负2层地下车库"),
    ("32号楼天台", "32号楼楼顶"),
    ("老年活动中心", "老年活动中心"),
    ("紫荆苑3号楼", "紫荆苑3号楼"),
])
def test_sides_areas_levels_and_rooms_before_upstairs(text, canonical):
    assert parse_location(text).canonical == canonical


@pytest.mark.parametrize(("a", "b", "same"), [
    ("30号楼2单元801楼上", "30号楼2单元810楼上", False),
    ("5号楼2门1楼", "5号楼1门2楼", False),
    ("南区2号楼", "北区2号楼", False),
    ("5号楼东侧", "5号楼西侧", False),
    ("5号楼东边", "五号楼东侧", True),
    ("21号楼前", "21号楼后面", False),
    ("21号楼前面", "21号楼", True),
    ("地下车库负一层", "地下车库负二层", False),
    ("地下车库B1层", "负一层车库", True),
    ("4号楼楼顶", "4号楼地下室", False),
    ("紫荆苑3号楼", "丁香苑3号楼", False),
    ("老年活动中心", "青少年活动中心", False),
    ("3号门岗", "东门", False),
])
def test_compatible_round_two(a, b, same):
    assert compatible(parse_location(a), parse_location(b)) is same


# Sub-buildings and other ways of naming a building (issue #12 leftovers). 号院 is a
# courtyard, a compound of several buildings: 3号院5号楼 is building 5 of courtyard 3,
# not building 3.


def financial(n: int) -> str:
    """203 -> 贰佰零叁 (cn2an's upper-case writing, as on cheques and old signs)."""
    return cn2an.an2cn(n, "up")


@settings(max_examples=100)
@given(numbers, st.sampled_from([str, chinese, financial]))
def test_financial_numerals_and_courtyards_keep_every_digit(n, writing):
    assert parse_location(f"{writing(n)}号楼漏水").building == str(n)
    court = parse_location(f"{writing(n)}号院{writing(n % 30 + 1)}号楼的路灯坏了")
    assert (court.courtyard, court.building) == (str(n), str(n % 30 + 1))
    assert court.canonical == f"{n}号院{n % 30 + 1}号楼"


@pytest.mark.parametrize(("text", "courtyard", "building", "wing", "unit", "canonical"), [
    ("A座大堂灯坏了", None, "A", None, None, "A号楼"),
    ("B座3单元", None, "B", None, 3, "B号楼3单元"),
    ("3号院5号楼漏水", "3", "5", None, None, "3号院5号楼"),
    ("三号院五号楼2单元301", "3", "5", None, 2, "3号院5号楼2单元301室"),
    ("三号院门口垃圾没人收", "3", None, None, None, "3号院"),
    ("3#楼楼道灯坏了", None, "3", None, None, "3号楼"),
    ("3#楼道灯坏了", None, "3", None, None, "3号楼"),
    ("12#2单元", None, "12", None, 2, "12号楼2单元"),
    ("肆号楼电梯坏了", None, "4", None, None, "4号楼"),
    ("壹拾贰栋", None, "12", None, None, "12号楼"),
    ("东区3号楼", None, "3", None, None, "东区3号楼"),
    ("西区三栋二单元", None, "3", None, 2, "西区3号楼2单元"),
    ("北楼门口的路灯", None, "北楼", None, None, "北楼"),
    ("北楼3单元201", None, "北楼", None, 3, "北楼3单元201室"),
    ("配楼二层厕所堵了", None, "配楼", None, None, "配楼2层"),
    ("3号楼配楼", None, "3", "配楼", None, "3号楼配楼"),
    ("3号院北楼", "3", "北楼", None, None, "3号院北楼"),
    ("3栋2门", None, "3", None, 2, "3号楼2单元"),
    ("甲1号楼", None, "甲1", None, None, "甲1号楼"),
    ("乙3号院甲1号楼", "乙3", "甲1", None, None, "乙3号院甲1号楼"),
])
def test_sub_buildings(text, courtyard, building, wing, unit, canonical):
    loc = parse_location(text)
    assert (loc.courtyard, loc.building, loc.wing, loc.unit) == (courtyard, building, wing, unit)
    assert loc.canonical == canonical


@pytest.mark.parametrize("text", [
    "东北楼道的灯不亮",  # 楼道, not a building named 北楼
    "业主楼上装修",       # 业主, then 楼上
    "往北楼下有积水",
    "12月3号院子里有人烧纸",  # a date, then 院子
])
def test_no_sub_building_where_there_is_none(text):
    loc = parse_location(text)
    assert loc is None or (loc.building is None and loc.courtyard is None), loc


@pytest.mark.parametrize(("a", "b", "same"), [
    ("3号院5号楼", "5号楼", True),           # one side does not say the courtyard
    ("3号院5号楼2单元", "五号楼二单元", True),
    ("3号院5号楼", "4号院5号楼", False),      # different courtyards
    ("3号院5号楼", "三号院五号楼", True),
    ("3号院5号楼", "3号院6号楼", False),
    ("3号院", "三号院", True),
    ("3号院", "4号院", False),
    ("3号院", "3号楼", False),               # a courtyard is not the building of that number
    ("3号院", "3号院5号楼", False),          # the whole courtyard or one building: not known
    ("3号院东门", "3号院西门", False),
    ("3#楼", "三号楼", True),
    ("肆号楼", "4栋", True),
    ("肆号楼", "14号楼", False),
    ("甲1号楼", "甲1号楼", True),
    ("甲1号楼", "1号楼", False),
    ("甲1号楼", "乙1号楼", False),
    ("北楼", "北楼", True),
    ("北楼", "南楼", False),
    ("北楼", "3号楼", False),
    ("3号楼配楼", "3号楼", True),
    ("3号楼配楼", "3号楼主楼", False),
    ("A座", "B座", False),
    ("东区3号楼", "3号楼", True),
    ("东区3号楼", "西区3号楼", False),
    ("3栋2门", "3号楼2单元", True),
])
def test_compatible_sub_buildings(a, b, same):
    assert compatible(parse_location(a), parse_location(b)) is same
    assert compatible(parse_location(b), parse_location(a)) is same


@pytest.mark.parametrize(("a", "b", "lenient", "strict"), [
    ("3号院5号楼", "5号楼", True, False),  # strict: which courtyard is not known
    ("3号院5号楼", "三号院五号楼", True, True),
    ("东区3号楼", "3号楼", True, False),
    ("东区3号楼", "东区三栋", True, True),
    ("紫荆苑3号楼", "3号楼", True, False),
    ("幸福路8号3号楼", "3号楼", True, False),
    ("5号楼2单元", "5号楼", True, True),  # the same building: the unit is a detail
    ("3号楼配楼", "3号楼", True, True),
    ("3号院5号楼", "4号院5号楼", False, False),
])
def test_compatible_strict_wants_the_same_qualifiers(a, b, lenient, strict):
    la, lb = parse_location(a), parse_location(b)
    assert compatible(la, lb) is lenient and compatible(lb, la) is lenient
    assert compatible(la, lb, strict=True) is strict and compatible(lb, la, strict=True) is strict


# ---- round 3: parts of a building, estates, gates, self-corrections ----------------

@pytest.mark.parametrize(("text", "building", "wing", "unit", "room", "canonical"), [
    ("7号楼C座门禁坏了", "7", "C座", None, None, "7号楼C座"),   # a part of building 7, not building C
    ("9号楼南单元楼梯灯坏了", "9", "南单元", None, None, "9号楼南单元"),
    ("6栋C梯电梯不动了", "6", "C梯", None, None, "6号楼C梯"),  # Guangdong: a lift core
    ("15栋a单元", "15", "A单元", None, None, "15号楼A单元"),
    ("10-502漏水", "10", None, None, "502", "10号楼502室"),  # building-room
])
def test_parts_of_a_building(text, building, wing, unit, room, canonical):
    loc = parse_location(text)
    assert (loc.building, loc.wing, loc.unit, loc.room) == (building, wing, unit, room)
    assert loc.canonical == canonical


@pytest.mark.parametrize("text", ["电话138-1234-5678", "一梯两户", "电梯坏了", "楼梯扶手松了"])
def test_no_part_of_a_building_where_there_is_none(text):
    assert parse_location(text) is None


@pytest.mark.parametrize(("a", "b", "same"), [
    ("7号楼C座", "7号楼D座", False),
    ("7号楼C座", "七号楼C座", True),
    ("7号楼C座", "7号楼", True),            # one side does not say which part
    ("9号楼南单元", "9号楼北单元", False),
    ("15栋A单元", "15栋B单元", False),
    ("6栋C梯", "6栋D梯", False),
    ("东苑5栋", "西苑5栋", False),
    ("东苑5栋", "东苑五栋", True),
    ("10-502", "10号楼502室", True),
    ("10-502", "10-503", False),
    ("10-502", "11号楼502", False),
    ("2号门", "12号门", False),             # a number is not part of a longer one
    ("2号门岗亭", "12号门岗亭", False),
    ("4号门", "4号楼", False),              # a gate is not the building of that number
    ("4号门", "四号门口", True),
    ("地库", "地下车库", True),
    ("配电室", "配电房", True),
    ("丰巢柜", "快递柜", True),
    ("垃圾中转站", "垃圾站", True),
    ("北广场", "南广场", False),
    ("北广场", "中心广场", False),
    ("西门驿站", "西门岗亭", False),        # a place at a place: the two together
    ("西门", "西门岗亭", True),
    ("小区花园", "中心花园", False),
    ("B1车库", "B2车库", False),           # a garage's levels
    ("B1车库", "负一层车库", True),
])
def test_compatible_round_three(a, b, same):
    assert compatible(parse_location(a), parse_location(b)) is same
    assert compatible(parse_location(b), parse_location(a)) is same


def test_a_dance_is_not_a_square():
    assert parse_location("晚上跳广场舞太吵") is None


def test_every_household_is_the_whole_community():
    assert parse_location("小区里家家户户都停电了").place == "全小区"


@pytest.mark.parametrize(("text", "canonical"), [
    ("17栋3单元楼道堆杂物，不对是4单元", "17号楼4单元"),   # the building kept, the unit corrected
    ("19号楼2单元门禁坏了，哦说错了是29号楼", "29号楼"),    # another building: its unit is not known
    ("不是19栋，是29栋电梯坏了", "29号楼"),
    ("8栋二单元隔壁那个一单元楼道灯坏了", "8号楼1单元"),   # the neighbour meant
    ("8栋二单元楼道灯坏了，5栋也是", "8号楼2单元"),         # a second place, not a correction
    ("5号楼3单元，不是，4单元", "5号楼4单元"),               # 不是 with a pause: the unit corrected
    ("15号楼…哦不对，是16号楼", "16号楼"),
    ("是25号楼，不是24号楼", "25号楼"),                      # 不是 before a place denies that one
])
def test_resolve_takes_the_place_meant(text, canonical):
    assert resolve(location_span(text), text).canonical == canonical
    assert resolve(None, text).canonical == canonical


def test_estate_ending_in_shore_keeps_its_building():
    # 湾畔 ends the estate's name: the building said after it is kept; 月亮湾畔 is not 月亮湾.
    from assistant.location import _estate_key
    loc = resolve(None, "月亮湾畔十二栋门禁坏了")
    assert loc is not None and loc.building == "12"
    assert _estate_key(loc.estate) != _estate_key("月亮湾")


@pytest.mark.parametrize("text, building", [
    ("三十栋那个不是三十是三十一栋停电了", "31"),  # the denied number said again bare, no comma
    ("8栋不是8是18栋楼道灯坏了", "18"),
    ("7号楼不是很远，电梯坏了", "7"),  # 不是 that denies nothing of the place
])
def test_denied_number_said_bare(text, building):
    loc = resolve(None, text)
    assert loc is not None and loc.building == building
