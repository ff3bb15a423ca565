"""Where something is, as residents say it: the one reader of locations.

Complaints, emergencies, references to earlier tickets, booking addresses and the
Open311 publication all read places through this module, so that 203号楼 is building
203 everywhere (issue #12: a regex that kept two digits linked complaints from
buildings 201-220 to tickets of 101-120).

``parse_location(text)`` reads the first location in a text, ``find_locations(text)``
every one; each is a ``Location`` with the building, unit, floor and room as numbers
(Chinese numerals read by cn2an: 十二号楼 -> 12, 二单元 -> 2, 三零二室 -> "302"), the
estate and road when said, a free-text place (东门, 地下车库B区), the words as said
(``span``) and a ``canonical`` string (12号楼2单元302室). ``compatible(a, b)`` says
whether two locations can be the same place: the duplicate check of tickets rests on it.

Sub-buildings and other ways of naming a building: a courtyard (3号院5号楼: courtyard 3,
building 5; 三号院), 3#楼 (# for 号), financial numerals (肆号楼, 壹拾贰栋), a prefix of
the Heavenly Stems (甲1号楼: building 甲1), letters (A座), buildings named by where they
stand or what they are (北楼, 主楼, 配楼: the building; after a numbered one, 3号楼配楼, a
wing of it), areas (东区) and 3栋2门 (unit 2). Parts of a building named, not numbered,
after it (3号楼A座, 2号楼东单元, 10号楼A梯) are its ``wing`` too: 3号楼A座 is not 3号楼B座.
Also read: 16-602 (building-room), estates of one name by side (北苑 / 南苑), gates by number
(3号门, not 3号楼), a place at a place (东门岗亭 is not 东门驿站), and a resident correcting
themselves (……不对是29栋, 七栋三零三，哦不，三零二: ``resolve`` takes the place meant).
A room's number says its floor (203 is on floor 2, not 20; 十一层01户 is 1101); 地下二层 is
负二层; a gate's booth (南门岗, 南门保安亭) is one place; what lies across from a gate (东门对面)
or the bus stop outside it is not the gate. Round 5: 3门洞 is unit 3; 老区 / 新区 / 二区 are
areas; the top floor (5号楼顶楼, 顶层; ``top``) is not a floor said by its number (三楼, 502);
廿二 is 22; B1储藏室 is on floor -1; 负一层停车场 is the underground garage; 南边大门 is 南门;
车棚 (北边车棚 is not 南边车棚), 储藏室 and 游乐区 are places.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
import warnings
from dataclasses import dataclass, field

import cn2an

# A number as residents write it: Arabic digits (full-width ones are NFKC-normalised
# first), or Chinese numerals, read positionally (十二, 二百零三) or digit by digit
# (三零二, 幺零一).
# 两 is left out: 两栋楼之间 is two buildings, not building 2. A Chinese numeral right
# after 这/那/同/每... is a count, not a number (这一栋, 同一单元).
_CN = "零〇一二三四五六七八九十百千幺廿卅壹贰叁肆伍陆柒捌玖拾佰仟"  # with the financial numerals (廿 is 二十)
_NUM = rf"(?:(?<![0-9])[0-9]+|(?<![这那同每哪整某另几{_CN}])[{_CN}]+)"
# Characters a name of an estate or road may hold: CJK, but not the words that join
# a sentence to it (我住在幸福小区 -> 幸福小区).
_NAME = r"(?:(?![的在住是我你他她家楼和与跟到从给期])[\u4e00-\u9fff])"

# Components, tried in this order at each position (longer markers first).
_COMPONENTS: list[tuple[str, str]] = [
    # The whole community (整个小区停水了, 小区所有路灯都不亮): a place of its own, tried
    # before estates so that 整个小区 is not read as an estate named 整个. 我们小区 alone
    # is only "our estate", so it counts only before 全/都/所有.
    ("whole", r"整个小区|全小区|(?:我们|咱们)?小区(?=里?(?:所有|全部|到处|整片|家家户户|每家每户|全|都))"),
    # 中心花园 is a garden inside the estate, not an estate named 中心.
    ("landmark", r"(?:小区)?中心花园|(?P<garden>小区的?花园|(?<![\u4e00-\u9fff])花园(?=那|里|的|边))"),
    # 3-2-302 / 3-2-1201: building-unit-room, the way forms and parcels write it.
    (
        "dashed",
        r"(?<![0-9\-])(?P<d_b>[0-9]{1,3})\s*[-－—]\s*(?P<d_u>[0-9]{1,2})\s*[-－—]\s*(?P<d_r>[0-9]{3,4})(?![0-9\-])",
    ),
    # 19-1 / 38-2单元: building-unit (not 3-5天, not a date or a score).
    (
        "dashed_bu",
        r"(?<![0-9\-])(?P<du_b>[0-9]{1,3})\s*[-－—]\s*(?P<du_u>[0-9]{1,2})(?:\s*单元)?"
        r"(?![0-9\-]|\s*(?:天|月|日|号|点|分|年|个|次|元|块|岁|%|人|米|层|楼|小时|周))",
    ),
    # 16-602: building-room.
    ("dashed2", r"(?<![0-9\-])(?P<d2_b>[0-9]{1,3})\s*[-－—]\s*(?P<d2_r>[0-9]{3,4})(?![0-9\-])"),
    # 北苑 / 南苑: the parts of one estate, named by where they are.
    # 桂苑 / 兰苑: one character names a 苑; 海棠湾, 枫林园, 江南府 are estates too (not 幼儿园,
    # 公园, 乐园, 菜园, 政府, 港湾...).
    # 星河湾畔: 畔 ends the name (an estate of its own, not 星河湾), so the building after it stays in the chain.
    (
        "estate",
        rf"{_NAME}{{2,6}}?(?:小区|花园|家园|公寓|新村|苑|(?<!幼儿)(?<![公乐菜果校庄])园|(?<![港海])湾畔?|(?<![政王])府)"
        rf"|{_NAME}苑|[东南西北中]苑",
    ),
    ("road", rf"{_NAME}{{1,6}}?(?:路|街|巷|弄)\s*(?P<road_no>{_NUM})\s*号(?![楼院房])"),
    ("phase", rf"(?P<p>{_NUM})\s*期"),
    # 东区 / 南区 / B区 / 老区 / 新区 / 二区: an area of the estate (a garage's B区 is read with the garage).
    # 老小区 / 新小区: the old and the new part of one estate.
    (
        "area",
        r"(?P<a2>[新老])小区|(?P<a>[东南西北中新老]|[A-Za-z]|(?<![0-9])[0-9]{1,2}|(?:(?<![\u4e00-\u9fff])|(?<=小区))[一二三四五六七八九十]{1,2})\s*区",
    ),
    # 3号院 / 三号院 / 甲3号院: a courtyard, a compound of several buildings (3号院5号楼).
    ("courtyard", rf"(?<!月)(?P<cp>[甲乙丙丁])?(?P<c>{_NUM})\s*号\s*院"),
    # 3号楼, 五栋, 12幢, 2座, 第三栋, A座, 甲1号楼, 3#楼 (# for 号); a bare 号 or # (3号2单元)
    # only when a unit or a room follows (12月3号 is a date).
    (
        "building",
        rf"(?<!月)第?(?P<bp>[甲乙丙丁])?(?P<b>{_NUM}|[A-Za-z])\s*(?:号楼|#\s*楼|栋楼|栋|幢|座"
        rf"|楼(?=\s*{_NUM}\s*单元)|[号#](?=\s*(?:{_NUM}\s*单元|[0-9]{{3,4}}(?![0-9]))))",
    ),
    # 北楼, 主楼, 配楼, 副楼, 裙楼: a building named by where it stands or what it is (after a
    # numbered building, 3号楼配楼, a wing of it). Not 北楼道 / 东楼下 / 业主楼上.
    ("named_building", r"(?<![东南西北业])(?P<nb>[东南西北主副配裙])\s*楼(?![道梯顶上下层房号盘])"),
    # 东单元 / A单元 / A梯 (Guangdong: a lift core, one stair of flats): a unit named, not numbered; only
    # right after a building (3号楼东单元), kept as the building's part (``wing``).
    ("unit_label", r"(?P<ul>[东南西北中]|[A-Za-z])\s*(?:[头间边](?:那个|的)?\s*)?(?:单元|梯(?![子田]))"),
    # 3门洞 is a unit in northern usage (a doorway, one stair of flats).
    ("unit", rf"(?P<u>{_NUM})\s*(?:单元|门洞)"),
    # 2门 is unit 2 in northern usage (5号楼2门1楼); only right after a building.
    ("unit_men", rf"(?P<um>{_NUM})\s*门(?![口卫禁前外里内边岗洞])"),
    ("room", rf"(?P<r>{_NUM}|[A-Za-z][0-9]{{3,4}})\s*(?:室|号房|房间|户)"),
    # 5层, 三楼, 负一层, B2层; 801楼上 is the flat above 801, not floor 801.
    # B1车库: the garage's level (B1 and B2 are two places).
    (
        "floor",
        rf"(?P<f>(?:负|地下)?{_NUM}|[Bb][0-9])\s*(?:层|楼(?![号道梯顶上下]))"
        r"|(?P<fg>(?<![A-Za-z0-9])[Bb][0-9])(?=\s*(?:地下)?(?:车库|停车场|地下室|储藏|杂物间|层))"
        # The top floor (顶楼, 顶层), only after a building or unit: not floor 3, not known to be floor 18.
        r"|(?P<ft>顶楼(?![上下顶])|顶层|最高层|最顶层)"
        # The ground floor (底楼, 底层), only after a building or unit: floor 1.
        r"|(?P<fd>底楼(?![上下])|底层)",
    ),
    # A room number with no marker: only right after a building, unit or floor
    # (3号楼2单元302, 五栋二单元三零二); checked when the components are chained.
    (
        "bare_room",
        r"(?P<br>(?<![0-9])[0-9]{3,4}(?![0-9])|[零〇一二三四五六七八九幺壹贰叁肆伍陆柒捌玖]{3,4})(?:号(?![楼院]))?",
    ),
    # A gate, its booth (南门岗, 南门保安亭) and what lies outside or across from it (南门外,
    # 东门对面: not the gate itself).
    (
        "place",
        r"(?:小区|社区)?(?:[东南西北]{1,2}\s*(?:边|面)?\s*(?:侧\s*大门|大门|门|侧门|角门)|正大门|[正前后]门)口?"
        r"(?:岗亭?|保安亭)?(?:对面|外边|外头|外面|外)?"
        r"|(?:小区|社区)(?:大)?门口?|大门口?"
        rf"|{_NUM}\s*号?\s*(?:门岗|岗亭)|{_NUM}\s*号\s*大?门口?(?![卫禁岗])|门岗|岗亭|(?:快递|菜鸟)?驿站|游泳馆"
        r"|(?:儿童)?(?:游乐场|乐园|游乐区)|(?:[东南西北](?:边|面|侧)?的?)?(?:自行|电动|电瓶|非机动)?车?车棚|储藏(?:室|间)|快递柜|丰巢(?:柜|快递柜)?|配电(?:房|室|间)|人工湖|(?<=小区)湖|湖(?=里|边|水)"
        r"|卫生(?:服务)?站|[东西][南北]角"
        r"|地(?:下车)?库(?:\s*[A-Za-z0-9一二三四五六七八九十]+\s*区)?|地下室|地[下面]停车场|停车场|车库|(?:[东南西北]|中心)?广场(?!舞)"
        r"|健身器材区?|健身角|(?:健身|(?:老年|青少年|儿童)?活动)(?:区|中心|室)|垃圾(?:中转)?(?:站|房)|菜市场|幼儿园"
        r"|物业(?:办公室)?|公交(?:车)?站台?|(?:篮球|羽毛球|网球|足球|乒乓球|排球)场|凉亭|保安亭|(?:游)?泳池|会所|主干道|主路"
        r"|楼顶|天台|屋顶|(?<=号楼|栋楼)顶(?!楼|层)",
    ),  # 9栋楼顶: building 9, its roof
    # The side of a building (东侧, 西边, 楼前, 后面): only right after a building.
    ("side", r"(?P<s>[东南西北])\s*(?:侧|边|面)(?!门)|(?P<fb>[前后])(?:面|边|方)?(?![门台])"),
]
_SCANNER = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in _COMPONENTS))
# The order in which components follow each other inside one location.
_RANK = {
    "whole": 0,
    "landmark": 8,
    "estate": 0,
    "road": 1,
    "phase": 2,
    "area": 2,
    "courtyard": 2.5,
    "building": 3,
    "dashed": 3,
    "dashed2": 3,
    "dashed_bu": 3,
    "named_building": 3.5,
    "unit": 4,
    "unit_men": 4,
    "unit_label": 4,
    "floor": 5,
    "room": 6,
    "bare_room": 6,
    "side": 7,
    "place": 8,
}
# Ranks after which a bare room, a 2门 unit or a side may follow (a building, a unit, a floor...).
_AFTER_BUILDING = (3, 3.5, 4, 5)
# What may stand between two components of one location (3号楼 2单元, 3号楼的东门).
_JOIN = re.compile(r"^[\s,，、]*(?:的)?\s*$")
# Name characters between an estate and what follows in it (蓝湾国际2栋, 长虹新村南片3栋): no word
# of a sentence or of a problem.
_NAME_GAP = re.compile(r"[\u4e00-\u9fff]{0,4}")
_NOT_NAME_GAP = re.compile(r"[的在住是我你他她家和与跟到从给了吗呢吧啊呀坏漏堵没不停有都也很太旁边对那这里]")
# Between a place and a place at it (西门外面那个公交站).
_PLACE_JOIN = re.compile(r"^[\s,，、]*(?:的|那个|那边的?)?\s*$")


@dataclass(frozen=True)
class Location:
    """A place as said, normalised. Numbers are ints (the room a string of digits,
    kept as said: 0302 stays 0302 would be odd, so leading zeros are dropped)."""

    building: str | None = None  # "203", "12", "A", "甲1", "北楼"
    unit: int | None = None
    floor: int | None = None
    room: str | None = None  # "302", "1201", "B201"
    phase: int | None = None
    estate: str | None = None  # 幸福小区
    road: str | None = None  # 人民路88号
    place: str | None = None  # 东门, 地下车库B区
    area: str | None = None  # 东区, B区
    side: str | None = None  # 东侧, 前, 后 (of the building)
    top: bool = False  # the top floor (顶楼, 顶层), its number not said
    courtyard: str | None = None  # "3" of 3号院5号楼, "甲3"
    wing: str | None = None  # 配楼 of 3号楼配楼, A座 of 3号楼A座, 东单元, A梯
    span: str = field(default="", compare=False)  # the words as said (spaces removed)
    start: int = field(default=0, compare=False)  # where in the normalised text
    end: int = field(default=0, compare=False)
    # Where the building ends and the unit/floor/room begins in the normalised text
    # (Open311 publishes an address cut there); None when not said.
    building_end: int | None = field(default=None, compare=False)
    detail_start: int | None = field(default=None, compare=False)

    @property
    def canonical(self) -> str:
        building = ""
        if self.building:
            building = self.building if self.building.endswith("楼") else f"{self.building}号楼"
        parts = [
            self.estate or "",
            self.road or "",
            f"{self.phase}期" if self.phase else "",
            f"{self.area}区" if self.area else "",
            f"{self.courtyard}号院" if self.courtyard else "",
            building,
            self.wing or "",
            f"{self.unit}单元" if self.unit else "",
            (f"负{-self.floor}层" if self.floor < 0 else f"{self.floor}层")
            if self.floor is not None and not self.room
            else "",
            f"{self.room}室" if self.room else "",
            self.side or "",
            self.place or "",
        ]
        return "".join(parts)

    @property
    def is_structured(self) -> bool:
        """Says a courtyard, building, unit, floor or room (not only a named place)."""
        return any(v is not None for v in (self.courtyard, self.building, self.unit, self.floor, self.room))

    def __str__(self) -> str:
        return self.canonical


# Traditional characters of an address (24號樓, 22棟) read as simplified ones.
_TRADITIONAL = str.maketrans("號樓棟層單門區園灣", "号楼栋层单门区园湾")


def normalise(text: str | None) -> str:
    """NFKC (full-width digits and letters become ASCII), traditional address characters
    simplified (號樓 -> 号楼), spaces kept."""
    return unicodedata.normalize("NFKC", text or "").translate(_TRADITIONAL)


def to_int(numeral: str) -> int | None:
    """3 / 203 / 十二 / 二百零三 / 三零二 (digit by digit) as an int; None if unreadable."""
    numeral = numeral.strip()
    if not numeral:
        return None
    if numeral.isdigit():
        return int(numeral)
    # 幺 is 一 when numbers are read digit by digit (幺零一).
    numeral = numeral.replace("幺", "一").replace("〇", "零")
    # 廿二 is 二十二, 卅 thirty.
    numeral = re.sub(r"^廿(?=[一二三四五六七八九]?$)", "二十", numeral)
    numeral = re.sub(r"^卅(?=[一二三四五六七八九]?$)", "三十", numeral)
    with warnings.catch_warnings(), contextlib.suppress(Exception):
        warnings.simplefilter("ignore")
        # Without 十/百/千, a run of digits is read digit by digit (三零二 -> 302);
        # cn2an's "smart" mode does both readings.
        value = cn2an.cn2an(numeral, "smart")
        if float(value).is_integer() and value >= 0:
            return int(value)
    return None


def _room(raw: str) -> str | None:
    raw = raw.strip().upper()
    if raw[:1].isalpha() and raw[:1].isascii():
        return raw
    value = to_int(raw)
    return str(value) if value is not None and value > 0 else None


def _building(raw: str) -> str | None:
    raw = raw.strip()
    if len(raw) == 1 and raw.isascii() and raw.isalpha():
        return raw.upper()
    value = to_int(raw)
    return str(value) if value is not None and value > 0 else None


# What lies across from a place (东门对面) is not the place; outside a gate (南门外, 北门外边)
# is where residents meet at the gate, the gate's place.
_BEYOND = re.compile(r"(?:对面|外边|外头|外面|外)$")


def _place(raw: str) -> str:
    """A place as said, normalised (see ``_gate_or_place``); what lies outside or across
    from it keeps its word (南门口外 -> 南门外, 东大门对面 -> 东门对面)."""
    raw = re.sub(r"\s+", "", raw)
    beyond = _BEYOND.search(raw)
    if beyond and len(raw) > len(beyond.group()):
        gate = _gate_or_place(raw[: beyond.start()])
        return gate if beyond.group().startswith("外") else gate + beyond.group()
    return _gate_or_place(raw)


def _gate_or_place(raw: str) -> str:
    """东门口 / 小区东门 / 东大门 -> 东门; 小区门口 / 大门口 / 正门 -> 大门; 地下车库 B 区 ->
    地下车库B区; 3号门岗 / 三号岗亭 -> 3号岗亭; 快递驿站 / 菜鸟驿站 -> 驿站."""
    raw = re.sub(r"\s+", "", raw)
    raw = re.sub(r"^(?:小区|社区)", "", raw)
    if raw.endswith("口") and "门" in raw:
        raw = raw[:-1]
    booth = re.fullmatch(r"([东南西北正前后侧角大][^0-9]*门)口?(?:岗亭?|保安亭)", raw)
    if booth:  # 南门岗 / 南门保安亭: the gate's booth
        return _gate_or_place(booth.group(1)) + "岗亭"
    raw = re.sub(r"^([东南西北])侧大门$", r"\1大门", raw)  # 东侧大门 is 东门
    raw = re.sub(r"^([东南西北]{1,2})[边面]\s*(大?门)", r"\1\2", raw)  # 南边大门 is 南门
    if raw == "正大门":
        raw = "大门"
    if raw.startswith("储藏"):
        return "储藏室"
    if raw.endswith("车棚"):
        return raw[0] + "车棚" if raw[0] in "东南西北" else "车棚"  # 北边车棚 is not 南边车棚
    if raw == "保安亭":
        raw = "岗亭"
    if raw in ("泳池", "游泳池"):
        return "游泳池"
    if raw == "主干道":
        return "主路"
    if raw.startswith("公交"):
        return "公交站"
    if raw in ("门", "大门", "正门"):
        return "大门"
    if re.fullmatch(r"[东南西北]{1,2}大门", raw):
        return raw.replace("大门", "门")
    if raw in ("天台", "屋顶", "顶"):
        return "楼顶"
    booth = re.fullmatch(r"(.+?)号?(?:门岗|岗亭)", raw)
    if booth:
        number = to_int(booth.group(1))
        return f"{number}号岗亭" if number is not None else raw
    if raw in ("门岗", "岗亭"):
        return "岗亭"
    if raw.endswith("驿站"):
        return "驿站"
    if raw in ("健身器材区", "健身器材", "健身角"):
        return "健身区"
    gate = re.fullmatch(r"(.+?)号大?门", raw)
    if gate:  # 3号门 / 三号大门口: gate 3 (not building 3)
        number = to_int(gate.group(1))
        return f"{number}号门" if number is not None else raw
    if raw.startswith("丰巢"):
        return "快递柜"
    if raw.startswith("配电"):
        return "配电房"
    if raw.startswith("垃圾"):
        return "垃圾站"  # 垃圾房, 垃圾中转站: one per estate unless said otherwise
    if raw.endswith(("游乐场", "乐园", "游乐区")):
        return "游乐场"
    if raw.endswith("湖"):
        return "湖"
    if raw == "地下停车场":
        return "地下车库"  # 地面停车场 is the one above ground
    if raw.startswith("地库"):
        raw = "地下车库" + raw[2:]
    if raw.startswith("卫生") and raw.endswith("站"):
        return "卫生站"
    if raw.endswith("活动室"):
        return raw[:-1] + "中心"  # 老年活动室 is the 老年活动中心
    return raw.upper() if raw.startswith("地下车库") else raw


def _component(kind: str, match: re.Match) -> dict | None:
    """The fields one component sets; None when its number cannot be read."""
    g = match.groupdict()
    if kind == "dashed":
        return {"building": _building(g["d_b"]), "unit": to_int(g["d_u"]), "room": _room(g["d_r"])}
    if kind == "dashed2":
        return {"building": _building(g["d2_b"]), "room": _room(g["d2_r"])}
    if kind == "dashed_bu":
        return {"building": _building(g["du_b"]), "unit": to_int(g["du_u"]) or None}
    if kind == "unit_label":
        return {"wing": g["ul"].upper() + ("单元" if match.group(kind).endswith("单元") else "梯")}
    if kind == "estate":
        return {"estate": match.group(kind)}
    if kind == "road":
        number = to_int(g["road_no"])
        if number is None:
            return None
        name = re.sub(r"\s+", "", match.group(kind))
        return {"road": name[: name.rindex(g["road_no"].strip()[0])] + f"{number}号"}
    if kind == "phase":
        return {"phase": to_int(g["p"])}
    if kind == "building":
        value = _building(g["b"])
        return {"building": (g["bp"] or "") + value} if value else None
    if kind == "courtyard":
        value = _building(g["c"])
        return {"courtyard": (g["cp"] or "") + value} if value else None
    if kind == "named_building":
        return {"building": f"{g['nb']}楼"}
    if kind in ("unit", "unit_men"):
        value = to_int(g["u"] if kind == "unit" else g["um"])
        return {"unit": value} if value else None
    if kind == "floor":
        if g["ft"]:
            return {"top": True}
        if g["fd"]:
            return {"floor": 1}
        raw = (g["f"] or g["fg"]).strip()
        if raw[:1] in "Bb":
            value = -int(raw[1:])
        else:
            below = raw.startswith(("负", "地下"))
            value = to_int(raw.removeprefix("负").removeprefix("地下"))
            value = -value if value is not None and below else value
        return {"floor": value} if value is not None and value < 200 else None
    if kind == "area":
        return {"area": (g["a"] or g["a2"]).upper()}
    if kind == "side":
        return {"side": f"{g['s']}侧" if g["s"] else g["fb"]}
    if kind in ("room", "bare_room"):
        value = _room(g["r"] if kind == "room" else g["br"])
        return {"room": value} if value else None
    if kind == "place":
        return {"place": _place(match.group(kind))}
    if kind == "whole":
        return {"place": "全小区"}
    if kind == "landmark":
        return {"place": "小区花园" if g["garden"] else "中心花园"}
    return None


def find_locations(text: str | None) -> list[Location]:
    """Every location in ``text``, in order. Components that follow each other (a
    building, then its unit, then its room; 3号楼 2单元, 3号楼的东门) make one location."""
    norm = normalise(text)
    found: list[Location] = []
    current: dict | None = None
    last_rank, last_end, start, last_kind = -1, 0, 0, ""

    def close() -> None:
        if current:
            room, floor = current.get("room"), current.get("floor")
            if room and room.isdigit() and len(room) <= 2 and floor and floor > 0:
                current["room"] = f"{floor}{int(room):02d}"  # 十一层01户 is 1101
            if current.get("place") in ("停车场", "车库") and floor is not None and floor < 0:
                current["place"] = "地下车库"  # 负一层停车场 is the underground garage
            span = re.sub(r"\s+", "", norm[start:last_end])
            found.append(Location(**current, span=span, start=start, end=last_end))

    for match in _SCANNER.finditer(norm):
        # The kind is the first component whose group matched (inner groups are fields).
        kind = next(name for name, _ in _COMPONENTS if match.group(name) is not None)
        fields = _component(kind, match)
        if fields is None:
            continue
        rank = _RANK[kind]
        gap_joins = current is not None and _JOIN.match(norm[last_end : match.start()])
        if (
            kind == "building"
            and gap_joins
            and current.get("building")
            and "wing" not in current
            and match.group(kind).endswith("座")
        ):
            # 3号楼A座: a part of building 3, not building A (3号楼A座 and 3号楼B座 are two places).
            current["wing"] = f"{fields['building']}座"
            last_end, last_kind = match.end(), "wing"
            continue
        if (
            kind == "place"
            and last_kind == "place"
            and current.get("place")
            and _PLACE_JOIN.match(norm[last_end : match.start()])
        ):
            # 东门岗亭, 东门快递驿站: a place at a place, the two together (东门岗亭 is not 东门驿站).
            current["place"] += fields["place"]
            last_end = match.end()
            continue
        # A floor may follow a place (地下车库负一层, 车库B2层): the level of that place.
        joined = (
            current is not None
            and (rank > last_rank or (kind == "floor" and "floor" not in current and current.get("place")))
            and _JOIN.match(norm[last_end : match.start()])
        )
        if (
            not joined
            and current is not None
            and last_kind == "estate"
            and set(current) == {"estate"}
            and (rank > last_rank or kind == "whole")
            and _NAME_GAP.fullmatch(norm[last_end : match.start()])
            and not _NOT_NAME_GAP.search(norm[last_end : match.start()])
        ):
            # 蓝湾国际2栋: the estate read (蓝湾) was the start of its name; 长虹新村南片3栋: a part
            # of the estate not read; 清河家园全小区: the whole of it. One location all the same.
            joined = True
        if kind == "bare_room" and not (joined and last_rank in _AFTER_BUILDING):
            continue  # a bare number is a room only right after a building, unit or floor
        if (
            kind in ("unit_men", "side", "unit_label")
            or (kind == "floor" and (match.group("ft") or match.group("fd")))
        ) and not (joined and last_rank in (*_AFTER_BUILDING, 6)):
            continue  # 2门, 东侧, 前面, 东单元 belong to a building said just before
        if (
            kind == "dashed2"
            and current is not None
            and current.get("building")
            and "unit" not in current
            and _JOIN.match(norm[last_end : match.start()])
        ):
            # 58栋1-301: after a building, unit 1 room 301 (not building 1).
            current.update(
                {"unit": to_int(g2) if (g2 := match.group("d2_b")) else None, "room": fields["room"]}
            )
            last_rank, last_end, last_kind = 6, match.end(), "room"
            continue
        if kind == "named_building" and joined and current.get("building"):
            fields = {"wing": fields["building"]}  # 3号楼配楼: a wing of building 3
        if kind == "floor" and not joined and re.match(r"[0-9]{3,}", match.group("f") or ""):
            continue  # 2026楼? a number that long is no floor
        if joined:
            current.update({k: v for k, v in fields.items() if v is not None})
        else:
            close()
            current, start = {k: v for k, v in fields.items() if v is not None}, match.start()
        if kind in ("building", "dashed", "dashed2", "dashed_bu", "named_building"):
            current["building_end"] = {
                "dashed": match.end("d_b"),
                "dashed2": match.end("d2_b"),
                "dashed_bu": match.end("du_b"),
            }.get(kind, match.end())
        if (
            kind in ("unit", "floor", "room", "bare_room", "dashed", "dashed2")
            and "detail_start" not in current
        ):
            current["detail_start"] = {"dashed": match.start("d_u"), "dashed2": match.start("d2_r")}.get(
                kind, match.start()
            )
        last_rank, last_end, last_kind = rank, match.end(), kind
    close()
    # A floor said with its room is implied by the room; keep what was said.
    return [loc for loc in found if loc.span]


def parse_location(text: str | None) -> Location | None:
    """The first location in ``text`` (None when there is none)."""
    found = find_locations(text)
    return found[0] if found else None


# Numbers said digit by digit (一二四七, 三零一, 幺零二): how speech recognition writes a spoken
# building or room number. Staff cannot dispatch to 一二四七号楼 at a glance.
_DIGIT_BY_DIGIT = re.compile(r"(?<![十百千廿卅])[零〇一二三四五六七八九幺]{2,}(?![十百千])")
# A Chinese number in a place: before what it numbers (号楼, 栋, 单元, 楼, 室...), or a run said
# digit by digit (the bare room of 二单元三零一). Not a count (这一栋, 同一单元), not a name (三里屯).
_PLACE_NUMBER = re.compile(
    rf"(?<![这那同每哪整某另几{_CN}])[{_CN}]+(?=\s*(?:号|栋|幢|座|单元|门洞|门|层|楼|室|户|期|院|#))"
    r"|(?<![这那同每哪整某另几零〇一二三四五六七八九十百千幺廿卅])[零〇一二三四五六七八九幺]{2,}"
    r"(?![零〇一二三四五六七八九十百千幺廿卅])"
)


# Two neighbouring numerals (三四, 五六, 七八) are the everyday "three or four", "between five
# and six" (三四号楼之间的路灯, 七八楼的楼道灯), not a number said digit by digit: such a pair stays as
# said (review 21, F3). Any other pair (七七, 幺零, 二五) and every longer run is a number.
_DIGIT_VALUE = {c: i for i, chars in enumerate(("零〇", "一幺", "二", "三", "四", "五", "六", "七", "八", "九")) for c in chars}


def _is_range_pair(run: str) -> bool:
    return len(run) == 2 and _DIGIT_VALUE.get(run[1], -1) - _DIGIT_VALUE.get(run[0], -9) == 1


def _said_digit_by_digit(span: str) -> bool:
    return any(not _is_range_pair(m.group()) for m in _DIGIT_BY_DIGIT.finditer(span))


def with_digits(text: str | None) -> str | None:
    """A place as written for staff: when a number of it was said digit by digit (一二四七号楼
    二单元三零一, as speech recognition writes what an elder says), every number of the place
    in Arabic digits (1247号楼2单元301); a place said with positional numerals only (五栋,
    十二号楼) or in digits stays as said."""
    if not text:
        return text
    found = [loc for loc in find_locations(text) if _said_digit_by_digit(loc.span)]
    if not found:
        return text
    norm = normalise(text)
    out, at = [], 0
    for loc in found:
        out.append(norm[at : loc.start])

        def digits(match: re.Match) -> str:
            if _is_range_pair(match.group()):
                return match.group()
            value = to_int(match.group())
            return str(value) if value is not None else match.group()

        out.append(_PLACE_NUMBER.sub(digits, norm[loc.start : loc.end]))
        at = loc.end
    out.append(norm[at:])
    return "".join(out)


def location_span(text: str | None) -> str | None:
    """The words of the first location as said, spaces removed (3号楼2单元, 小区东门)."""
    found = parse_location(text)
    return found.span if found else None


def strip_locations(text: str | None, repl: str = " ") -> str:
    """``text`` with every location replaced by ``repl`` (what is left says what, not where)."""
    norm = normalise(text)
    for loc in reversed(find_locations(norm)):
        norm = norm[: loc.start] + repl + norm[loc.end :]
    return norm


# Words that put a later location in place of the one said before: a self-correction
# (19栋……不对是29栋, 3单元……哦不对是1单元, 3单元，不是，4单元) or the neighbour meant
# (5栋二单元隔壁那个3单元). 不是 counts only with a pause after it: in 是25号楼，不是24号楼 it
# denies the place that follows, which stays wrong.
# 二十栋那个不是二十是二十二栋: the denied number said again bare, then the one meant.
_INSTEAD = re.compile(
    rf"(?:不对|(?:哦|噢|呃|啊)不(?=[，,、\s])|(?:哦|噢|呃|啊)?不是(?=[，,、。…\s])|不是\s*(?:[0-9]+|[{_CN}]+)\s*|说错了?|搞错了?|弄错了?|错了|口误|更正一下|隔壁)[，,、。\s哦啊呃噢]*(?:应该|其实)?"
    r"(?:是|在)?(?:的|那个|那边的?)?\s*$"
)
_NOT_BUT = re.compile(r"^[，,、\s]*(?:而|应该)?是\s*$")
# From the coarsest to the finest: a correction keeps what it does not reach (the building of
# 3单元……不对是1单元) and drops what it makes unknown (the unit of 19栋2单元……不对是29栋).
_LEVELS = (
    "estate",
    "road",
    "phase",
    "area",
    "courtyard",
    "building",
    "wing",
    "unit",
    "floor",
    "room",
    "side",
    "place",
)


# A room corrected by its number alone (七栋三零三，哦不，三零二): the number is no location
# by itself, so it is read here.
_ROOM_INSTEAD = re.compile(
    r"^[，,、\s]*(?:哦|噢|呃|啊)?\s*(?:不对|说错了?|不是|不)[，,、\s哦啊]*(?:应该)?(?:是)?\s*"
    r"(?P<r>(?<![0-9])[0-9]{3,4}(?![0-9])|[零〇一二三四五六七八九幺]{3,4})(?![0-9号楼栋幢单层])"
)


def _instead(base: Location, later: list[Location], norm: str) -> Location:
    """``base`` as corrected by the locations said after it (see ``_INSTEAD``)."""
    fix = _ROOM_INSTEAD.match(norm[base.end :]) if base.room else None
    if fix and _room(fix.group("r")):
        fields = {name: getattr(base, name) for name in _LEVELS}
        base = Location(
            **{**fields, "room": _room(fix.group("r"))},
            span=base.span,
            start=base.start,
            end=base.end + fix.end(),
        )
    for loc in later:
        gap = norm[base.end : loc.start]
        # 不是19栋，是29栋: the first one denied, the second said instead.
        denied = _NOT_BUT.match(gap) and re.search(r"不是\s*$", norm[: base.start])
        if loc.start < base.end or not (denied or _INSTEAD.search(gap)):
            continue
        said = [name for name in _LEVELS if getattr(loc, name) is not None]
        if not said:
            continue
        cut = _LEVELS.index(said[0])
        fields = {name: getattr(base, name) for name in _LEVELS[:cut]}
        fields.update({name: getattr(loc, name) for name in _LEVELS[cut:]})
        base = Location(**fields, span=base.span, start=base.start, end=loc.end)
    return base


def resolve(address: str | None, text: str | None = None) -> Location | None:
    """The location of a report: its address, read with the parser; but when the
    resident's own words (``text``) hold a fuller location that contains the address
    as said (an NLU entity cut 203号楼 to 20, 117号楼 to 17号楼), the fuller one; the same
    words are read in their sentence too (小区 of 我们小区全停水了 is the whole community,
    and the address alone cannot say so). Without an address, the first location in the text.
    A location the words then correct (19栋2单元……不对是29栋) or point away from (5栋二单元隔壁
    那个3单元) gives way to the one meant (29栋, 5栋3单元)."""
    from_text = find_locations(text) if text else []
    norm = normalise(text)
    if address:
        said = re.sub(r"\s+", "", normalise(address))
        for i, loc in enumerate(from_text):
            if said and said in loc.span:
                return _instead(loc, from_text[i + 1 :], norm)
        parsed = parse_location(address)
        if parsed is not None:
            return parsed
        # Words the parser cannot read (超市后面那条路) are kept as a place, compared
        # by containment; punctuation and case do not make two places differ.
        place = re.sub(r"[,，。.、\-—!！?？]", "", said).lower()
        return Location(place=place, span=said, end=len(said)) if place else None
    return _instead(from_text[0], from_text[1:], norm) if from_text else None


def complete(address: str | None, text: str | None) -> str | None:
    """The address as the resident said it: when ``text`` (their own words) holds a
    fuller location that contains ``address`` (an NLU entity that kept 17号楼 of 117号楼,
    or 20 of 203号楼), that location's words; otherwise ``address`` unchanged."""
    if not address or not text:
        return address
    said = re.sub(r"\s+", "", normalise(address))
    for loc in find_locations(text):
        if said and said in loc.span and said != loc.span:
            return loc.span
    return address


def _road_key(road: str | None) -> str | None:
    """幸福路8号 / 就在幸福路8号 -> 幸福路8号: the road's own name (its last characters
    before 路/街...) and number, without whatever words the parser took in front."""
    if not road:
        return None
    match = re.search(r"(.{0,2}[路街巷弄])([0-9]+号)$", road)
    return match.group(1)[-3:] + match.group(2) if match else road


def _estate_key(estate: str | None) -> str | None:
    """紫荆苑 / 丁香苑, 幸福小区: the estate's last two name characters and its suffix
    (words the parser took in front of the name do not count)."""
    if not estate:
        return None
    match = re.search(r"(.{0,2})(小区|花园|家园|公寓|新村|苑|园|湾|府)$", estate)
    return match.group(1) + match.group(2) if match else estate


def _places_match(a: str, b: str) -> bool:
    """The same place, or one said more fully (车库 / 地下车库, 东门 / 东门岗亭); a number is
    not part of a longer one (1号门 is not 11号门)."""
    if a == b:
        return True
    if a.endswith("对面") != b.endswith("对面") or a.endswith("公交站") != b.endswith("公交站"):
        return False  # 东门对面 is not 东门, nor is the bus stop outside it
    short, long = sorted((a, b), key=len)
    return re.search(rf"(?<![0-9]){re.escape(short)}(?![0-9])", long) is not None


# What tells apart two buildings of one number (3号院5号楼 / 4号院5号楼, 东区3号楼 / 西区3号楼).
_QUALIFIERS = ("courtyard", "area", "phase")


def compatible(a: Location | None, b: Location | None, *, strict: bool = False) -> bool:
    """Can ``a`` and ``b`` be the same place? The same building (12栋 is 十二号楼; 20号楼
    is not 203号楼) and, where both say them, the same unit, floor, room, phase and road.
    Without buildings: the same named place (北门 is 小区北门), or the same road, or the
    same unit and room. One naming a building and the other not is not known to be the
    same place. Sides (东侧/西侧, 前/后), areas (南区/北区), courtyards (3号院5号楼 is
    5号楼 said more fully; not 4号院5号楼), wings (3号楼配楼) and estates (紫荆苑/丁香苑, by
    their last name characters) differ only when both say them. Two reports that name
    the same courtyard and no building are at the same place unless their named places
    differ.

    ``strict`` (an emergency joining another resident's ticket, which sends no alert of
    its own): what tells two buildings of one number apart (a courtyard, an area, a
    phase, an estate, a road) must be said by both or neither: 5号楼 is not known to be
    3号院5号楼 there."""
    if a is None or b is None:
        return False
    if strict:
        said = [(getattr(a, name) is None, getattr(b, name) is None) for name in _QUALIFIERS]
        said += [
            (not _estate_key(a.estate), not _estate_key(b.estate)),
            (not _road_key(a.road), not _road_key(b.road)),
        ]
        if any(x != y for x, y in said):
            return False
    for name in ("unit", "floor", "room", "phase", "area", "side", "courtyard", "wing"):
        x, y = getattr(a, name), getattr(b, name)
        if x is not None and y is not None and x != y:
            return False
    for x, y in ((a, b), (b, a)):  # the top floor is not a floor said by its number (顶层 / 三楼)
        if (
            x.top
            and not y.top
            and (y.floor is not None or (y.room and y.room.isdigit() and len(y.room) in (3, 4)))
        ):
            return False
    for x, y in ((a, b), (b, a)):  # a room's number says its floor: 203 is on floor 2, not 20
        if (
            x.floor
            and x.floor > 0
            and y.floor is None
            and y.room
            and y.room.isdigit()
            and len(y.room) in (3, 4)
            and int(y.room[:-2]) != x.floor
        ):
            return False
    ra, rb = _road_key(a.road), _road_key(b.road)
    if ra and rb and ra != rb:
        return False
    ea, eb = _estate_key(a.estate), _estate_key(b.estate)
    if ea and eb and ea != eb:
        return False
    if a.building or b.building:
        # The same building; a place both name (楼顶 / 地下室, 东门 / 西门) must agree too.
        return a.building == b.building and (not (a.place and b.place) or _places_match(a.place, b.place))
    if a.courtyard and b.courtyard:  # the same courtyard (checked above), no building said
        return not (a.place and b.place) or _places_match(a.place, b.place)
    if a.place or b.place:
        return bool(a.place and b.place) and _places_match(a.place, b.place)
    if ra and rb:
        return True
    return (a.unit is not None and b.unit is not None) or bool(a.room and b.room)


__all__ = [
    "Location",
    "compatible",
    "complete",
    "find_locations",
    "location_span",
    "normalise",
    "parse_location",
    "resolve",
    "strip_locations",
    "to_int",
    "with_digits",
]
