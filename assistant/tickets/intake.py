"""Reading a complaint from what a resident says, for the complaint form: is this
message a description, where is it, did they leave a phone number or choose to
stay anonymous. Plain functions so the dialogue stays free of rules."""

from __future__ import annotations

import re
import unicodedata

from assistant.location import complete, location_span
from assistant.privacy import MOBILE_RE

# Openers that say "I have a complaint" without saying what it is.
_GENERIC = re.compile(
    r"(我|俺)?(想|要|要去|想要|来)?(投诉|反映|举报|报修|报告|提意见|提个意见|反馈)"
    r"(一下|一个|个|下)?(问题|事|事情|情况)?|有(个|一个|件)?(问题|事|事情)(要|想)?(反映|说)?|"
    r"你好|您好|请问|喂|麻烦|帮(我|忙)?|一下|那个|就是|我们|小区的?|社区的?|这边|[的了吧啊呀呢吗嘛]")
_CJK = re.compile(r"[\u4e00-\u9fff]")

# 匿名 and its homophone typos (匿明, 逆名, ni ming): residents type it in a hurry.
_ANONYMOUS = re.compile(r"匿名|匿明|逆名|溺名|ni ?ming|不留|不用留|不想留|不方便|不用了|不要了|算了|不需要|没有电话|不给")


def normalise(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def is_substantive(text: str | None) -> bool:
    """Does the message say what is wrong (not only "我要投诉")?"""
    rest = _GENERIC.sub("", normalise(text))
    return len(_CJK.findall(rest)) >= 3


# Questions and requests for information (停水通知是什么时候发的, 5号楼的高龄津贴怎么办理,
# 明天停电吗？): not a report of a problem, whatever words they share with one.
_QUESTION = re.compile(
    r"[吗么][\s。.？?！!~～]*$|请问|咨询|怎么办理|怎么申请|哪里办|通知|什么时候|几点|几号|哪天"
    r"|啥时候|多久|政策|规定|流程|要带什么|在哪|如何|怎么办|怎么处理|怎么去|怎么(投诉|举报|报修)|问问|行不行")
# Asking about an earlier report (我报修的电梯修了没, 上次投诉的结果呢, 反映了那么久的噪音
# 到底有没有人在处理) or booking a service (想约个清洗油烟机, 约人修水龙头): the dialogue
# answers those; they are not a new report.
_NOT_A_NEW_REPORT = re.compile(
    r"(我的|我那个|上次|上回|上趟|之前|前几天|前两天|前天|昨天)[^，,。！!]{0,12}(投诉|报修|反映|提交|报的|说的|说了)"
    r"|(投诉|报修|反映)(的|滴|过|单|记录)|(投诉|报修|反映)了(半个月|那么久|好久|好些天|好几天)"
    r"|处理得|处理了没|处理完|有人处理没|在处理|怎么样了?|咋样|咋个样|哪一步|那事|那个事"
    r"|有人来看没|修了没|修好了?没|(?:管|清|弄|搞|处理)(?:好|完)?了没|gd\d"
    r"|预约|约个|约一下|想约|帮我约|约做|约修|约人|请个师傅|订个|想借|借个")
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
    r"|隐患|晃眼|扰民|影响休息|太危险|高空抛物|电梯.{0,4}(停|卡|不动|关人)")
# Everyday places residents name instead of a building number (我家楼上漏水): for this
# rule they place the problem as a building number would.
_EVERYDAY_PLACE = re.compile(r"我家|俺家|我们家|楼上|楼下|隔壁|对门|楼道|单元门|小区门口|地下室|车库|电梯里")
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
    if not said or _QUESTION.search(said) or _NOT_A_NEW_REPORT.search(said.lower()):
        return False
    problem = bool(_PROBLEM_WORDS.search(said))
    if _STATUS_OR_PRICE.search(said) and not problem:
        return False
    if _REPORT.search(said) and is_substantive(said):
        return True
    scores = {c: s for c, s in lexicon_scores(said).items() if c != FALLBACK_CATEGORY}
    heaviest = max((weight for weight, _ in scores.values()), default=0.0)
    if extract_location(said) or _EVERYDAY_PLACE.search(said):
        return problem or heaviest >= _STRONG_WEIGHT
    return problem and heaviest >= _STRONG_WEIGHT


def extract_location(text: str | None) -> str | None:
    """The first location in ``text`` as the resident said it ("203号楼", "五栋2单元",
    "小区东门"...), read by ``assistant.location`` (the one location parser)."""
    return location_span(text)


def place_said(text: str | None, entity: str | None = None) -> str | None:
    """Where a message says the problem is: the NLU ``location`` entity, completed from
    the message when the tokenizer cut it (jieba's dictionary splits 117号楼 into 1 +
    17号楼, so the entity says 17号楼: the resident said 117号楼), else the first location
    the parser finds in the message."""
    return complete(entity, text) or extract_location(text)


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
_OWN_TICKETS = re.compile(r"^(帮我)?(查|看|查查|看看|查一下|看一下)?(我|俺)(的|之前的|上次的)?"
                          r"(投诉|工单|报修|反映|诉求)(记录|列表|单子|情况)?[吗呢啊？?。！!]*$")


def is_progress_query(text: str | None) -> bool:
    """Asking about tickets (an id, or 我的投诉) rather than reporting a problem."""
    from assistant.tickets.ids import find_ticket_id

    text = normalise(text)
    return bool(find_ticket_id(text) or _OWN_TICKETS.match(text))


def parse_contact(text: str | None) -> tuple[str, str | None] | None:
    """("phone", "13912345678"), ("anonymous", None), or None when the message is
    neither a phone number nor a wish to stay anonymous."""
    text = normalise(text)
    match = MOBILE_RE.search(text)
    if match:
        return "phone", "".join(match.group(1, 2, 3))
    if _ANONYMOUS.search(text) or text in ("不", "不用", "没有", "no"):
        return "anonymous", None
    return None
