"""Reading a complaint from what a resident says, for the complaint form: is this
message a description, where is it, did they leave a phone number or choose to
stay anonymous. Plain functions so the dialogue stays free of rules."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

import structlog

from assistant.location import complete, find_locations, location_span, resolve
from assistant.privacy import MOBILE_RE, mask_text, mobile_in

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from assistant.db import Database

log = structlog.get_logger(__name__)

# Openers that say "I have a complaint" without saying what it is.
_GENERIC = re.compile(
    r"(我|俺)?(想|要|要去|想要|来)?(投诉|反映|举报|报修|报告|提意见|提个意见|反馈)"
    r"(一下|一个|个|下)?(问题|事|事情|情况)?|有(个|一个|件)?(问题|事|事情)(要|想)?(反映|说)?|"
    r"你好|您好|请问|喂|麻烦|帮(我|忙)?|一下|那个|就是|我们|小区的?|社区的?|这边|[的了吧啊呀呢吗嘛]"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")

# 匿名 and its homophone typos (匿明, 逆名, ni ming): residents type it in a hurry.
_ANONYMOUS = re.compile(
    r"匿名|匿明|逆名|溺名|ni ?ming|不留|不用留|不想留|不方便|不用了|不要了|算了|不需要|没有电话|不给"
)


def normalise(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def is_substantive(text: str | None) -> bool:
    """Does the message say what is wrong (not only "我要投诉")?"""
    rest = _GENERIC.sub("", normalise(text))
    return len(_CJK.findall(rest)) >= 3


def names_a_problem(text: str | None) -> bool:
    """The message has a word for something wrong (坏了, 漏水, 太吵, 水一直滴…)."""
    return bool(_PROBLEM_WORDS.search(normalise(text)))


def says_what_is_wrong(text: str | None) -> bool:
    """A short report that names a thing and what is wrong with it (灯坏了, 门不灵): too
    short for ``is_substantive``, still a description."""
    said = normalise(text)
    return bool(_PROBLEM_WORDS.search(said)) and len(_CJK.findall(_GENERIC.sub("", said))) >= 2


# Questions and requests for information (停水通知是什么时候发的, 5号楼的高龄津贴怎么办理,
# 明天停电吗？): not a report of a problem, whatever words they share with one.
_QUESTION = re.compile(
    r"[吗么][\s。.？?！!~～]*$|请问|咨询|怎么办理|怎么申请|哪里办|通知|什么时候|几点|几号|哪天"
    r"|啥时候|多久|政策|规定|流程|要带什么|在哪|如何|怎么办|怎么处理|怎么去|怎么(投诉|举报|报修)|问问|行不行"
    # 这两天小区是不是要停水？我看群里有人在说: an outage to come, asked about (nothing is
    # wrong yet: there is nothing to file).
    r"|(?:是不是|会不会|是否|要不要|听说)(?:又|还)?(?:要|会)?(?:停水|停电|停气|断水|断电|断气)"
)
# 也没贴通知 / 物业也不通知一声 / 没提前通知: a notice that never came is part of the complaint,
# no question about a notice (停水通知是什么时候发的 still asks).
_NO_NOTICE = re.compile(r"(?<!有)(?<!是)(?:没有?|不|未|也没有?|也不|都没有?|都不)(?:贴|发|出|给|提前|事先|预先)?(?:个|一个|张|一张)?通知(?:一声|一下)?")
# Asking about an earlier report (我报修的电梯修了没, 上次投诉的结果呢, 反映了那么久的噪音
# 到底有没有人在处理) or booking a service (想约个清洗油烟机, 约人修水龙头): the dialogue
# answers those; they are not a new report.
_NOT_A_NEW_REPORT = re.compile(
    r"(我的|我那个|上次|上回|上趟|之前|前几天|前两天|前天|昨天)[^，,。！!]{0,12}(投诉|报修|反映|提交|报的|说的|说了)"
    r"|(投诉|报修|反映)(的|滴|过|单|记录)|(投诉|报修|反映)了(半个月|那么久|好久|好些天|好几天)"
    r"|处理得|处理了没|处理完|有人处理没|在处理|怎么样了?|咋样|咋个样|哪一步|那事|那个事"
    # 修好了伐 / 弄好了伐: Shanghai speech asks with 伐 as others with 没.
    r"|有人来看没|修了(?:没|伐)|修好了?(?:没|伐)|(?:管|清|弄|搞|处理)(?:好|完)?了(?:没|伐)|gd\d"
    r"|预约|约个|约一下|想约|帮我约|约做|约修|约人|请个师傅|订个|想借|借个"
)
# Words about an answer or a price (结果, 回复, 多少): a question about an earlier report or
# a fee (投诉的结果呢, 换个灯泡多少钱) unless the message also says what is wrong — then
# they are the complaint's own words (电梯坏了，物业一直不回复; 垃圾堆了多少天了都没人清).
_STATUS_OR_PRICE = re.compile(r"结果|进展|进度|回复|回音|回话|下文|状态|动静|多少")
# Words that name the report itself: with a description (工作人员态度很差，我要投诉) the
# message is a complaint whatever its topic. Not 维修/修理: 维修 is a service residents
# book (assistant/booking/catalogue.yml), so "明天约个维修" is a booking.
_REPORT = re.compile(r"投诉|举报|报修|反映|反馈")
# Words that say something is wrong, whatever the category: a message with a place and
# one of these describes a problem even when no category keyword is known (养鸡 一股骚味儿).
_PROBLEM_WORDS = re.compile(
    r"坏了|坏掉|损坏|不亮|不灭|不灵|不动了|不转|不通|故障|跳闸|漏水|漏了|渗水|滴水|爆管|堵了|堵住|堵死|堵塞"
    r"|臭|味儿|异味|骚味|吵|太响|脏|乱扔|乱停|违停|乱贴|乱堆|堆满|占了|占着|占道|破了|破损|裂了|裂缝|塌了"
    r"|掉了|掉下来|脱落|松了|歪了|积水|一闪一闪|闪个不停|没人管|没人修|没人收|没人清|不管|好几天了|好久了"
    # 灯一直闪 / 老是闪 / 闪来闪去: a light that flickers; 返味 / 串味: a smell coming up a drain.
    r"|(?:一直|老是?|总是?|不停地?|直)闪|闪来闪去|闪个没完|返味|反味|串味|冒味"
    r"|隐患|晃眼|扰民|影响休息|太危险|高空抛物|电梯.{0,4}(停|卡|不动|关人)"
    r"|滴到|渗到|漏到|往下滴|水[^，,。！!？?]{0,4}滴|坏球|坏求|坏逑|烂球|黑黢黢|黑漆漆|黑咕隆咚|黑乎乎"
    # 龙头坏脱了 / 水管爆脱了 / 灯泡闷脱了: Shanghai speech ends the fault with 脱 (坏掉了).
    r"|(?:坏|爆|断|裂|漏|塌|闷|烧)脱"
)
# Everyday places residents name instead of a building number (我家楼上漏水): for this
# rule they place the problem as a building number would.
# 屋里厢 / 屋里向 / 灶披间: "at home" and "the kitchen" in Shanghai speech.
_EVERYDAY_PLACE = re.compile(
    r"我家|俺家|我们家|楼上|楼下|隔壁|对门|楼道|单元门|小区门口|地下室|车库|电梯里|屋里[厢向头]|阿拉屋里|灶披间|灶头间"
)
# A category keyword at least this heavy (``classify.LEXICON``: 路灯, 楼道灯, 电梯, 养鸡...)
# names what the problem is about.
_STRONG_WEIGHT = 2.0


def reads_as_complaint(text: str | None) -> bool:
    """Does the message report a problem (a complaint or a repair to file)?

    The one reading of "is this a complaint" for every path that has no intent to go
    on: the misunderstanding path (``actions/core.py``: a report in words the
    classifier has not seen, 51号楼东边的路灯一闪一闪的 晚上晃眼, must not get
    "没听明白") and degraded mode (``assistant/degraded.py``: Rasa is down, a complaint
    gets a ticket). Careful both ways: a question, a request for information, a
    question about an earlier report or a booking is never a complaint; otherwise it
    is one when it says what is wrong: a report word with a description (投诉 +
    工作人员态度很差), a place with a problem word or a category keyword (8号楼 +
    一闪一闪, 12号楼 + 养鸡), or a problem word with a category keyword (楼道灯 + 坏了).
    Anything else waits for the dialogue (the replay, or 没听明白 and a person).
    """
    from assistant.tickets.classify import FALLBACK_CATEGORY, lexicon_scores

    said = normalise(text)
    if not said or _QUESTION.search(_NO_NOTICE.sub("", said)) or _NOT_A_NEW_REPORT.search(said.lower()):
        return False
    problem = bool(_PROBLEM_WORDS.search(said))
    if _STATUS_OR_PRICE.search(said) and not problem:
        return False
    if _REPORT.search(said) and is_substantive(said):
        return True
    scores = {c: s for c, s in lexicon_scores(said).items() if c != FALLBACK_CATEGORY}
    heaviest = max((weight for weight, _ in scores.values()), default=0.0)
    if extract_location(said) or _EVERYDAY_PLACE.search(said):
        return problem or heaviest >= _STRONG_WEIGHT or _thing_and_its_fault(said)
    return problem and heaviest >= _STRONG_WEIGHT


_NOISE_FAULT = "吵"  # duplicates.read_problem's name for a noise (嗡嗡响, 吵死了, 轰轰的)


def _thing_and_its_fault(said: str) -> bool:
    """楼上那家天天后半夜拖椅子蹦跶 … 我住1528号楼802: a thing and what is wrong with it, as the
    duplicate reader reads a report (楼上走动 + 吵), said with a place: a report in words no
    problem word or category keyword names."""
    from assistant.tickets.duplicates import read_problem

    found = read_problem(said)
    # 191号楼楼下小饭馆的排风机一直嗡嗡响: a noise is what is wrong whatever makes it, so a noise
    # said at a place needs no thing the reader knows.
    return bool(found.objects and found.faults) or _NOISE_FAULT in found.faults


def extract_location(text: str | None) -> str | None:
    """The first location in ``text`` as the resident said it ("203号楼", "五栋2单元",
    "小区东门"...), read by ``assistant.location`` (the one location parser)."""
    return location_span(text)


# 改成 / 换成 between two places: the later one is meant (213栋 哦不对 改成214栋).
_CHANGED_TO = re.compile(r"[，,、\s]*(?:应该)?(?:改成|改为|换成|更正为|改一下[，,\s]*是)\s*")


# 不是3单元 是2单元: the wrong part named again before the right one; only the right one counts.
_DENIED_PART = re.compile(
    r"不是\s*[0-9]+\s*(?:号楼|号院|栋|幢|座|单元|门|楼|层|室|号)\s*[，,、\s]*(?:而是|应该是|是)\s*(?=[0-9])"
)


def corrected_place(text: str | None) -> str | None:
    """The place a message corrects itself to (15号楼…哦不对，是16号楼 -> 16号楼, 5号楼3单元，
    不是，4单元 -> 5号楼4单元), None when it corrects nothing. The words of the later place
    when they say it all (29栋), else the parser's whole place (the building kept from before)."""
    text = _CHANGED_TO.sub("，不对是", normalise(text))  # 213栋 哦不对 改成214栋: 改成 says which is meant
    text = _DENIED_PART.sub("，不对是", text)
    found = find_locations(text)
    if len(found) < 2:
        return None
    meant = resolve(None, text)
    if meant is None or meant == found[0]:
        return None
    last = next((loc for loc in found[1:] if loc.end == meant.end), None)
    return last.span if last is not None and last == meant else meant.canonical


def only_a_floor(place: str | None) -> bool:
    """A place that is only a floor (一楼, 三层): said in a report (我们楼那个下水道堵了 一楼都
    冒水了) it tells how far the problem reaches, not where staff should go; the building
    is still to be asked."""
    found = find_locations(place)
    if len(found) != 1:
        return False
    loc = found[0]
    return (loc.floor is not None or loc.top) and not any(
        (loc.building, loc.unit, loc.room, loc.estate, loc.road, loc.place, loc.area, loc.courtyard, loc.wing,
         loc.side, loc.phase)
    )


# 那边的路灯也不亮 / 同一个地方 / 也在那儿: the place just talked about, not a new one.
# 那边 owned by someone (你们那边 / 我那边 / 我家那里 / 物业那儿) is that person's or office's
# side, not the place just reported (review 16 note 7).
_POINTS_BACK = re.compile(
    r"(?<!你们)(?<!我们)(?<!咱们)(?<!他们)(?<!她们)(?<![你我他她俺咱家里业区会儿女子妈爸])"
    r"(?:那边|那里|那儿|那块儿?|那旁边)"
    r"|同一个?地方|同一处|同一个?位置|一样的地方|也在那"
)


def points_back(text: str | None) -> bool:
    """The message places its problem where the one just reported was (二是那边的路灯也不亮),
    naming no place of its own."""
    said = normalise(text)
    return bool(_POINTS_BACK.search(said)) and not find_locations(said)


# Facilities an estate has several of (垃圾站, 车棚, 快递柜…): named alone, with no building,
# gate or side, staff do not know which one.
_ONE_OF_SEVERAL = re.compile(
    r"^(?:垃圾(?:中转)?(?:站|房)|(?:自行|电动|电瓶|非机动)?车?车棚|快递柜|丰巢(?:柜|快递柜)?|(?:快递|菜鸟)?驿站"
    r"|配电(?:房|室|间)|储藏(?:室|间)|健身器材区?|凉亭|保安亭|岗亭|门岗)$"
)


def needs_more_place(place: str | None) -> bool:
    """A place said in a report that staff cannot go to as it is: only a floor (一楼 of 我们楼
    那个下水道…一楼都冒水了: how far it reaches, not where), or one of several like facilities
    named alone (垃圾站好几天没清了: which one?). The building is asked."""
    if only_a_floor(place):
        return True
    found = find_locations(place)
    if len(found) != 1:
        return False
    loc = found[0]
    return bool(loc.place and _ONE_OF_SEVERAL.match(loc.place)) and not any(
        (loc.building, loc.unit, loc.room, loc.estate, loc.road, loc.area, loc.courtyard, loc.side, loc.phase)
    )


# 改成北边那个 / 应该是西边: the side of the same building, said again.
_SIDE_CHANGED = re.compile(r"(?:改成|改为|换成|应该是|其实是|不对是|(?<!不)是)\s*(?:在)?\s*(?P<d>[东南西北])\s*(?:边|面|侧|头)")


def side_corrected(address: str | None, text: str | None) -> str | None:
    """The place of a ticket corrected to another side of its building (615号楼东边, then
    哦不对 改成北边那个 -> 615号楼北边); None when the message names no side or the address
    no building. The building said before is kept, not lost to the correction."""
    said = normalise(text)
    match = _SIDE_CHANGED.search(said)
    if not match or not address:
        return None
    if any(p.building for p in find_locations(said)) or re.search(r"(?:那|这)(?:栋|幢|座|个楼|号楼)", said):
        # 不是东边，是西边的12号楼 / 是南面那栋楼: another building named, not a side of this one
        # (review 16 note 8): place_said decides.
        return None
    loc = find_locations(address)
    if not loc or not loc[0].building:
        return None
    first = loc[0]
    base = normalise(address)[first.start:first.building_end] if first.building_end else ""
    base = base or (first.building if first.building.endswith("楼") else f"{first.building}号楼")
    return f"{base}{match.group('d')}边"


def place_said(text: str | None, entity: str | None = None) -> str | None:
    """Where a message says the problem is: the place it corrects itself to, if it does
    (the NLU entity often holds the first, wrong one); else the NLU ``location`` entity,
    completed from the message when the tokenizer cut it (jieba's dictionary splits 117号楼
    into 1 + 17号楼, so the entity says 17号楼: the resident said 117号楼); else the first
    location the parser finds in the message."""
    return corrected_place(text) or complete(entity, text) or extract_location(text)


# A neighbour's home named from the resident's own (我楼上1201那家, 楼下那户, 隔壁邻居): with
# the resident's address known, it says where.
_NEIGHBOUR = re.compile(
    r"(?P<rel>楼上|楼下|隔壁|对门)[的那个\s]{0,3}"
    r"(?:(?P<room>(?<![0-9])[0-9]{3,4})(?![0-9])[的那个\s]{0,3}(?:那家|那户|家|住户|邻居|人家)?"
    r"|(?:那家|那户|那一家|那一户|邻居|住户|人家))"
)


def names_neighbour(text: str | None) -> bool:
    """The message names a neighbour's home from the resident's own (楼上1201那家)."""
    return bool(_NEIGHBOUR.search(normalise(text)))


def neighbour_place(text: str | None, home: str | None) -> str | None:
    """Where a neighbour named from the resident's home is (我楼上1201那家 with home 225栋2单元
    1101 -> 225栋2单元1201; 楼下那户 -> 225栋2单元1101楼下), when the message names no place
    of its own and the resident's address (``home``, remembered from a booking) has a
    building. None otherwise: the butler asks."""
    said = normalise(text)
    if not home or find_locations(said) or MOBILE_RE.search(said):
        return None
    match = _NEIGHBOUR.search(said)
    if match is None:
        return None
    found = find_locations(home)
    at_home = found[0] if found else None
    if at_home is None or at_home.building is None:
        return None
    building = f"{at_home.building}栋" if at_home.building.isdigit() else at_home.building
    unit = f"{at_home.unit}单元" if at_home.unit else ""
    if match.group("room"):
        return f"{building}{unit}{match.group('room')}"
    return f"{at_home.span}{match.group('rel')}"



def neighbour_place_for(database: Callable[[], Database], sender_id: str, text: str | None) -> str | None:
    """我楼上1201那家: the neighbour's home (``neighbour_place``) from the address the
    resident gave before (a booking's), read from their record. ``database`` is opened
    only when the message names a neighbour. None when it names none, no home is known,
    or the record cannot be read (the butler asks where)."""
    if not names_neighbour(text):
        return None
    from sqlalchemy import select

    from assistant.residents.models import Resident

    try:
        with database().session() as session:
            resident = session.scalar(select(Resident).where(Resident.sender_id == sender_id))
            home = resident.address if resident is not None else None
    except Exception:  # noqa: BLE001 - without the address the butler asks where
        log.warning("complaint_home_unavailable", sender_id=sender_id)
        return None
    return neighbour_place(text, home)

# --- a complaint said in pieces (灯坏了 / 楼道 / 三楼那个) -----------------------------

# Where inside a building, not which building: staff cannot find 楼道 alone, so at the
# location question it is a piece of the story and the question is asked again.
_VAGUE_PLACE = re.compile(
    r"^(?:楼道|楼梯间?|走廊|过道|楼上|楼下|门口|家门口|单元门口?|电梯里?|隔壁|对门|楼顶|天台"
    r"|地下室|车库|里面|外面|旁边|边上|附近|后面|前面|对面|那条路|路边|路口)+$"
)
# Words that carry nothing of their own in a piece (在5号楼, 三楼那个, 就是这边).
_FILLER = re.compile(r"就在|是在|在|就是|那个|这个|那边|这边|那里|这里|那儿|这儿|[的了吧啊呀呢嘛哦噢呃嗯]")
# A yes or no (to a read-back or a question): never part of the story.
_YES_NO = re.compile(r"^(?:好的?|对的?|是的?|嗯+|恩|行|可以|没有?|没了|不是|不对|没错|ok)$", re.IGNORECASE)
# Words that tell more of what is wrong or since when (一直不亮, 晚上, 好几天了): with
# ``_PROBLEM_WORDS`` they make a message at the location question a detail, not a place.
_DETAIL = re.compile(
    r"一直|总是|老是|经常|每天|天天|晚上|夜里|半夜|白天|早上|中午|下午|凌晨|几天|好久|已经|又"
)
# The words of a self-correction (哦不对，是 / 不是): they said where, not what is wrong.
_CORRECTION_ONLY = re.compile(
    r"^(?:不对|不是|不|(?:我|俺)?(?:老|总|又|总是|老是)?(?:说错|搞错|弄错|记错|记混|说岔|写错)了?|错了|口误|更正一下"
    r"|改成|改为|换成|改一下|应该|其实|是)+$"
)
_EDGES = "，,。.、；;！!？?~～… "
_MAX_PIECE = 200


def _content(piece: str) -> str:
    return _FILLER.sub("", piece).strip(_EDGES)


def story_piece(text: str | None) -> str | None:
    """What a message adds to the description of a complaint already described, said at
    the description or location question: its words without the place (在5号楼，晚上一直
    不亮 -> 晚上一直不亮), or a place too vague to find (楼道). None for a place alone
    (在5号楼, 超市后面那条路: the answer to "where?"), a yes or no, a phone number or 匿名."""
    said = normalise(text)
    if not said or said.startswith("/") or _YES_NO.match(_content(said)) or parse_contact(said):
        return None
    found = find_locations(said)
    if not found:
        content = _content(said)
        if _VAGUE_PLACE.match(content) or _PROBLEM_WORDS.search(said) or _DETAIL.search(said):
            return said.strip(_EDGES)[:_MAX_PIECE]
        return None  # a place in words (超市后面那条路) is the location's
    rest = said
    for loc in reversed(found):
        rest = rest[: loc.start] + "，" + rest[loc.end :]
    pieces = [p.strip(_EDGES) for p in re.split(r"[，,。.、；;！!？?\s]+", rest)]
    kept = [
        p
        for p in pieces
        if _content(p) and not _VAGUE_PLACE.match(_content(p)) and not _CORRECTION_ONLY.match(_content(p))
    ]
    detail = "，".join(re.sub(r"^(?:就在|是在|在|就是|那个|这个)", "", p) for p in kept)
    if not detail or len(_CJK.findall(_content(detail))) < 2:
        return None
    return detail[:_MAX_PIECE]


def is_story_not_place(text: str | None) -> bool:
    """At the location question: the message tells more of the problem (晚上一直不亮) or
    a place too vague to find (楼道), and names no place staff can find."""
    return not find_locations(text) and story_piece(text) is not None


def add_to_description(description: str, text: str | None) -> str | None:
    """The description with what a later message adds (灯坏了 + 楼道 + 三楼那个 ->
    灯坏了，楼道三楼; 路灯坏了 + 在5号楼，晚上一直不亮 -> 路灯坏了，晚上一直不亮), None when it
    adds nothing. A place right after a vague one joins it (楼道 + 三楼): together they say
    where, and the description reads as the resident told it."""
    said = normalise(text)
    last = re.split(r"[，,]", description)[-1]
    addition = ""
    place = place_said(said)
    if place and _VAGUE_PLACE.match(_content(last)):
        addition = place
    piece = story_piece(said)
    if piece:
        addition = f"{addition}，{piece}" if addition else f"，{piece}"
    if not addition or (piece and piece in description):
        return None
    return description + addition


def location_from_metadata(metadata: dict | None) -> tuple[float, float] | None:
    """A shared location sent by a channel: ``{"lat", "long"}`` at the top level or
    under ``location`` (Telegram and browsers name the keys differently)."""
    if not isinstance(metadata, dict):
        return None
    for source in (metadata, metadata.get("location")):
        if not isinstance(source, dict):
            continue
        lat = next((source[k] for k in ("lat", "latitude") if k in source), None)
        lon = next((source[k] for k in ("long", "lon", "lng", "longitude") if k in source), None)
        try:
            lat, lon = float(lat), float(lon)
        except (TypeError, ValueError):
            continue
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            return lat, lon
    return None


def media_from_metadata(metadata: dict | None) -> str | None:
    if not isinstance(metadata, dict):
        return None
    url = metadata.get("photo_url") or metadata.get("media_url")
    return str(url)[:512] if isinstance(url, str) and url.startswith(("http://", "https://")) else None


ANONYMOUS = "匿名"

# "我的投诉" alone is a question about one's own tickets, not a new complaint.
_OWN_TICKETS = re.compile(
    r"^(帮我)?(查|看|查查|看看|查一下|看一下)?(我|俺)(的|之前的|上次的)?"
    r"(投诉|工单|报修|反映|诉求)(记录|列表|单子|情况)?[吗呢啊？?。！!]*$"
)


# 我报的事 / 我反映的那些 / 这几件事 / 都咋样了: the resident's reports, none picked out.
# Counted by any counter (我报的那几个事 / 那俩问题 / 这两样): several, none picked out.
_ALL_MINE = re.compile(
    r"(?:我|俺)(?:之前|今天|刚才)?(?:报|反映|投诉|说|提)的(?:那|这)?(?:事|那些|这些|几|两|俩|东西)"
    r"|(?:那|这)(?:几|两|俩)(?:个|件|样|桩)?(?:事|问题|情况)|(?:那|这)(?:几|两)件|(?:那|这)些事|(?:两|几)件事"
    r"|都(?:怎么样|咋样|啥进度|有进度|处理)"
)


def names_no_report(text: str | None) -> bool:
    """The question is about the resident's reports as a whole (我报的事现在啥进度了), not
    one picked out by its words."""
    return bool(_ALL_MINE.search(normalise(text)))


def is_progress_query(text: str | None) -> bool:
    """Asking about tickets (an id, or 我的投诉) rather than reporting a problem."""
    from assistant.tickets.ids import find_ticket_id

    text = normalise(text)
    return bool(find_ticket_id(text) or _OWN_TICKETS.match(text))


def parse_contact(text: str | None) -> tuple[str, str | None] | None:
    """("phone", "13912345678"), ("anonymous", None), or None when the message is
    neither a phone number nor a wish to stay anonymous."""
    text = normalise(text)
    phone = mobile_in(text)  # 幺三八…: read out digit by digit too, as bookings take it
    if phone:
        return "phone", phone
    if _ANONYMOUS.search(text) or text in ("不", "不用", "没有", "no"):
        return "anonymous", None
    return None


# 能不能办个家庭医生签约 / 归谁管 / 医保卡掉了: a question, an application or a document, said
# with an address or a phone, is still a question (review 16 note 9).
_ASKS_OR_APPLIES = re.compile(
    r"能不能|能否|可不可以|可以[^，,。！!？?]{0,8}[吗嘛么]|归谁|找谁|谁管|哪里管|哪个部门|办(?!公)|申请|补办|签约|挂失"
    r"|激活|领取|报销|报名|(?:怎么|咋)(?:弄|交|查|领|补|处理|解决)"
)
_DOCUMENTS = re.compile(r"医保卡|社保卡|身份证|户口本|居住证|老年证|残疾证|银行卡|补贴|养老金|低保|医保|社保")


def reports_a_problem(text: str | None) -> bool:
    """A report heard as a policy question: it reads as a complaint (``reads_as_complaint``),
    asks nothing, applies for nothing, names no document or benefit, and says where or
    leaves a phone for the outcome (665号楼下水道返味 电话139…). 医保卡掉了 我住7号楼 电话…
    and 5号楼有人乱停车 归谁管 stay questions."""
    if not text or text.startswith("/") or not reads_as_complaint(text):
        return False
    said = normalise(text)
    if _ASKS_OR_APPLIES.search(said) or _DOCUMENTS.search(said):
        return False
    contact = parse_contact(text)
    return bool(extract_location(text)) or bool(contact and contact[0] == "phone")


# --- right after filing: which of the resident's reports a message is about ------------------
# The follow-up actions (actions/tickets.py) only say what these return.

# 路灯那个也给登记上 / 那件也帮我报一下: asking to file a matter (of those just reported).
_FILE_IT_TOO = re.compile(r"(?:也|一起|一块儿?|都)(?:给|帮我?|帮忙|替我)?(?:登记|记|报|录|反映)")


def asks_to_file_it_too(text: str | None) -> bool:
    """The message asks to file a matter too (那件也帮我报一下), typed, not a button."""
    return bool(text) and not text.startswith("/") and bool(_FILE_IT_TOO.search(text))


def already_filed(db: Database, sender_id: str, text: str | None, *, now: datetime | None = None) -> str | None:
    """两个事…路灯也不亮 filed as two tickets, then 路灯那个也给登记上: the matter named is
    filed already, and this says so with its number (never filed a second time). None when
    the message asks to file nothing, or names none of the resident's reports of the last
    minutes."""
    if not asks_to_file_it_too(text):
        return None
    from assistant.tickets.feedback import still_waiting
    from assistant.tickets.references import resolve_ticket_reference
    from assistant.tickets.service import own_words

    with db.session() as session:
        ticket = resolve_ticket_reference(session, sender_id, text, now=now).ticket
        if ticket is None or not still_waiting(ticket.created_at, now):
            return None
        ticket_id, words = ticket.id, own_words(ticket, sender_id)
    about = f"“{mask_text(words)[:16]}”" if words else "这件事"
    return f"{about}已经登记上了，工单号 {ticket_id}。进度随时说“{ticket_id} 怎么样了”查询。"


def asks_about_earlier(db: Database, sender_id: str, text: str | None, *, now: datetime | None = None) -> bool:
    """A message that opened the complaint form but asks about an earlier matter: an id,
    我的投诉, or a reference to one of the resident's own tickets (那个漏水的事有回复了吗).
    A reference to nothing the resident has filed stays a new complaint."""
    from assistant.tickets.references import is_reference_to_existing, resolve_ticket_reference

    if is_progress_query(text):
        return True
    if not is_reference_to_existing(text):
        return False
    with db.session() as session:
        return resolve_ticket_reference(session, sender_id, text or "", now=now).match != "none"


def names_one_of_mine(db: Database, sender_id: str, text: str | None, *, now: datetime | None = None) -> bool:
    """路灯那个 / GD… after the reports were listed: the message picks out one of the
    resident's own tickets (an id, or words that fit exactly one). A button's payload
    picks one only by its id."""
    from assistant.tickets.ids import find_ticket_id
    from assistant.tickets.references import resolve_ticket_reference

    text = text or ""
    if text.startswith("/") or find_ticket_id(text):
        return bool(find_ticket_id(text))
    with db.session() as session:
        return resolve_ticket_reference(session, sender_id, text, now=now).match == "one"


def which_of_mine_to_ask(
    db: Database, sender_id: str, text: str | None, *, now: datetime | None = None
) -> str | None:
    """我报的事现在啥进度了 right after two reports: the question names no ticket (no id, no
    words that pick one of the resident's), so this lists each and asks which (the next
    message, 路灯那个, is a reference the progress answer resolves). None when the message
    picks one, names the reports not as a whole, or fewer than two were just filed."""
    from assistant.tickets.ids import find_ticket_id
    from assistant.tickets.references import is_reference_to_existing, resolve_ticket_reference
    from assistant.tickets.service import which_of_several

    text = text or ""
    if text.startswith("/") or find_ticket_id(text) or not names_no_report(text):
        return None
    if is_reference_to_existing(text):
        with db.session() as session:
            if resolve_ticket_reference(session, sender_id, text, now=now).match == "one":
                return None
    return which_of_several(db, sender_id, now=now)


def corrects_place(text: str | None) -> bool:
    """不对，是13号楼 / 勿对，是816号楼门口 / 说岔了 改成西边那个: the message puts a place
    right (a correction and a place or a side said again), no phone in it; for the ticket
    just filed, whatever intent the classifier hears in it."""
    from assistant import form_turns

    said = normalise(text)
    if not said or said.startswith("/") or not form_turns.corrects(said) or re.search(r"\d{7,}", said):
        return False
    if reads_as_complaint(said):
        return False  # 不对 3号楼也有人乱停车: another report, at another place
    if _NOT_THE_TICKETS_PLACE.search(said):
        # 号码不对 我家住14栋 / 我不是6号楼的: the resident's home, or another thing put right,
        # is no place of the ticket; the clauses besides them may still put its place right
        # (说错了 是911栋门口 不是910 我住911: the home only says why the resident knows).
        said = "，".join(c for c in _CLAUSE_EDGE.split(said) if c and not _NOT_THE_TICKETS_PLACE.search(c))
        if not said or not form_turns.corrects(said):
            return False
    return bool(_SIDE_CHANGED.search(said) or place_said(said))


# Where the resident lives (我住 / 我家在 / 住在 / 我是…的) is no place of the ticket, and a
# correction of something else (电话不是 / 号码不对 / 我不是…) puts no place right.
_NOT_THE_TICKETS_PLACE = re.compile(
    r"我(?:家)?(?:就)?住|俺(?:家)?住|住在|住的是|我家(?:在|是)|俺家(?:在|是)|我是\S{0,8}的"
    r"|我不是|(?:电话|号码|手机|名字|称呼|时间)(?:号码?)?(?:不是|不对|错了|说错)"
)


def place_corrected_on(db: Database, ticket_id: str, text: str | None) -> str | None:
    """The place a correction right after filing means for that ticket: another side of
    the building it was filed at (615号楼东边, then 改成北边那个 东边那个是快递柜 ->
    615号楼北边), else the place the correction names (不对，是13号楼). None when it names
    none."""
    from assistant.tickets.lifecycle import TicketError
    from assistant.tickets.service import get_ticket

    with db.session() as session:
        try:
            address = get_ticket(session, ticket_id).address
        except TicketError:
            address = None
    return side_corrected(address, text) or place_said(text)


# --- a report said with staff asked for ------------------------------------------------------

# A clause of the message (residents use a space as a comma).
_CLAUSE_EDGE = re.compile(r"[，,。.！!？?；;、\s]+")
# Someone sent to do the job (叫值班的人来换一下, 快叫管理员来看看, 找人过来处理): the person
# comes to work on the thing, nobody asks to talk to staff.
_SENT_TO_WORK = re.compile(
    # The job right after 来, no word of talking between (来跟我说清楚 is no 来…清: someone to talk).
    r"(?:来|过来|上来|下来|过去|上门)[^，,。！!？?说谈讲聊]{0,3}"
    r"(?:修|换|看|瞧|瞅|处理|弄|清(?!楚)|收|搞|整|查|管|解决|打扫|疏通)"
    # 叫管理员赶紧来 / 叫值班的人过来: someone called to the place, not to talk (叫负责人来跟我说 is).
    r"|(?:叫|喊|让|派)[^，,。！!？?]{0,8}(?:来|过来|上来|下来|上门)(?![^，,。！!？?]{0,4}(?:说|谈|讲|解释|聊|交代))"
)
# Staff told before (找管理员反映过了, 跟工作人员说过好几次): what was done, a story.
_TOLD_BEFORE = re.compile(r"(?:反映|说|讲|投诉|提|打电话)(?:过|了好几|了几|了多少)")


def asks_staff_with_report(text: str | None) -> bool:
    """A report said with a member of staff asked for now (…给我转人工 / 顺便帮我联系一下社区负责人
    / 我想跟你们工作人员直接讲): the report is filed and handed off too. Decided clause by
    clause on ``form_turns.wants_person(staff_only=True)``, without a clause that sends
    someone to do the job (叫值班的人来换一下) or tells what staff heard before (找管理员
    反映过了): those ask for no person."""
    from assistant import form_turns

    said = normalise(text)
    if not said or said.startswith("/") or not form_turns.wants_person(said, staff_only=True):
        return False
    clauses = [c for c in _CLAUSE_EDGE.split(said) if c]
    return any(
        form_turns.wants_person(c, staff_only=True) and not _SENT_TO_WORK.search(c) and not _TOLD_BEFORE.search(c)
        for c in clauses
    )


# --- more words on a report already made -------------------------------------------------------

# 补充一下 / 再给他们加一句 / 忘了说 / 还有个情况: more of a matter already told.
_ADDS = re.compile(
    r"补充(?:一下|一点|一句|说明|两句|个情况)?|(?:再|还|多)?(?:加|补|带|捎|多说)(?:上)?(?:一|两|几)?句"
    r"|忘了?(?:说|讲|告诉你)|刚才(?:没|漏)(?:说|讲)|漏(?:说|讲)了|还有个情况|还有一个情况|再提一(?:下|句|点)"
)
# …also, another thing: a new matter (补充一下 我家门口的路灯也坏了 / 还有一件事).
_ANOTHER_MATTER = re.compile(
    r"(?:还有|另外|另)(?:一件|一个|个|件)?(?:事|问题)|别的事|也(?:坏|漏|堵|不亮|不行|有|是|没人|出|满|臭|吵|要|想)"
    r"|(?:约|预约|订|办|问)(?:个|一下|下)"
)


def adds_to_report(text: str | None) -> bool:
    """Does the message add to a matter already reported (补充一下 味儿是从地下室出来的 /
    再给他们加一句 他们半夜还在唱歌 / 忘了说 是东边那盏), rather than report another (补充一下
    我家门口的路灯也坏了) or ask for something else? The words must say it is more."""
    said = normalise(text)
    if not said or said.startswith("/") or not _ADDS.search(said):
        return False
    return not _ANOTHER_MATTER.search(said)


# 就当噪音投诉吧 / 那还是给我报上去 / 登记一下吧: the resident asks to file it (after a 算了 about
# something else: a call the butler cannot make, a booking).
_FILE_IT = re.compile(
    r"(?:就当|当成|当作|还是|那就|就)(?:个|是|给我|帮我)?[^，,。！!？?\s]{0,4}(?<![不别])(?:投诉|报修|反映|登记|报上去|报一下)"
    r"|(?<![不别])(?:投诉|报修|反映|登记|报)(?:一下|上去)?吧"
)


def asks_to_file(text: str | None) -> bool:
    """Does the message ask for the report to be filed (那算了 就当噪音投诉吧 847号楼…)? Its 算了
    then lets go of something else, never of the report."""
    said = normalise(text)
    return bool(said) and not said.startswith("/") and bool(_FILE_IT.search(said))
