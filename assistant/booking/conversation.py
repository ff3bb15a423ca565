"""What the booking dialogue needs from the domain, as plain functions: reading a
resident's answers (service, time, age, address, phone), resolving a time to a
slot, the texts of lists and cancellations, remembered contacts.

Rasa actions (``actions/booking.py``) only call these and turn the results into
messages and slot events; the rules live here so unit tests reach them without
Rasa.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import cn2an

from assistant import form_turns
from assistant.booking.catalogue import Catalogue, load_catalogue
from assistant.booking.models import Booking
from assistant.booking.references import NEGATED_CANCEL, NEGATED_CANCEL_RE
from assistant.booking.service import (
    BookingError,
    Slot,
    describe_booking,
    find_booking_id,
    find_slot,
    nearest_free_slots,
    normalise_phone,
    WEEKDAYS,
    clock_text,
    slot_label,
    slots_for_day,
    to_local,
    upcoming_bookings,
    when_text,
)
from assistant.booking.timeparse import CLOCK_RE, PERIOD_RE, extract_time, last_day_said, local_now, normalise
from assistant.db import Database
from assistant.location import compatible, find_locations
from assistant.location import normalise as normalise_location
from assistant.privacy import mask_phone
from assistant.residents.service import get_or_create_resident, remember_contact

ISO_SLOT_RE = re.compile(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})")
AGE_RE = re.compile(r"(?<!\d)(\d{2,3})(?!\d)\s*(?:几|来)?\s*(?:周岁|岁|多)")  # 九十几岁 / 七十来岁
BARE_AGE_RE = re.compile(r"(?:我|俺)?(?:今年|都)?(\d{2,3})(?:了|啦|吧)?")
DISABLED_RE = re.compile(
    r"行动不便|不方便|残疾|残障|轮椅|瘫|走不了|走不动|不能走|腿脚不好|腿脚不便|卧床|拄拐"
    r"|(?:腿|脚|腿脚|身子|身体)\S{0,2}(?:不利索|不灵便|不灵活|不听使唤|没劲|不行了?)|走路(?:费劲|困难|不稳)"
    r"|下不了楼|起不来床?|需要人扶|得有人扶|坐轮椅"
    # Cantonese: 行唔郁 / 行路唔方便 (cannot walk steadily, cannot move)
    r"|行(?:路)?唔(?:稳|郁|到|动|得|方便)|郁唔到"
)
# 他78了 / 快八十了 / 奔八十了 / 八十出头: an age said without 岁 (cn2an has made the digits).
LOOSE_AGE_RE = re.compile(
    r"(?:他|她|佢|我|俺|老头|老伴|老人|今年|都|已经|快|快要|将近|奔|有|满)\s*"
    r"(\d{2,3})(?!\d)\s*(?:了|啦|出头|多|岁)?|(?<!\d)(\d{2,3})\s*(?:了|啦|出头)"
)
ABLE_RE = re.compile(r"(?<!不)方便|(?<!不)能走|身体(?:很|还)?好|没有残疾|不是残疾")
ADDRESS_PREFIX_RE = re.compile(
    r"^(?:我家(?:住)?在|我(?:住)?在|我家是|家住|住在|住|地址(?:是|在)?|在"
    # 她住672号楼… / 俺娘家在… / 老人住在…: the person the booking is for, then where they live.
    r"|(?:她|他|俺|我妈|我爸|俺娘|俺爹|老人家?|老伴儿?|我们|咱)(?:家)?(?:住在|住|在|是))[:：\s]*"
)
ADDRESS_HINT_RE = re.compile(r"\d|[号楼栋幢室单元路街巷弄村院苑园里座层]|小区|社区|[东南西北大侧后]门")
# Words of a place, not of a time: 幸福路8号 is an address, though 8号 alone is a day.
PLACE_WORD_RE = re.compile(r"[楼栋幢室单元路街巷弄村院苑园里座层]|小区|社区|[东南西北大侧后]门")


def names_a_place(text: str | None) -> bool:
    """Whether a short answer names a place (幸福路8号, 3栋), so a time read in it (8号 as
    the 8th) is not a time the resident said."""
    return bool(PLACE_WORD_RE.search(unicodedata.normalize("NFKC", text or "")))
# A question is no address (先问一下，看门诊医保能报多少 at the address question).
# A ticket asked after (刚才报的那个GD202612060019现在到哪一步了) is no address either: its
# digits are an id, 哪一步 a question.
QUESTION_RE = re.compile(
    r"[?？]|吗|呢$|多少|怎么|咋|能不能|可不可以|是不是|有没有|什么|啥|先问|问一下|问问|请问"
    r"|哪(?:一步|步|儿了|里了|了)|进度|(?i:GD)\s*\d{6,}"
)


@dataclass(frozen=True)
class Eligibility:
    age: int | None = None
    disabled: bool | None = None


def service_from(
    text: str | None, entity_values: Iterable[str] = (), catalogue: Catalogue | None = None
) -> str | None:
    """The canonical service a message names (NLU entity first, then the catalogue's
    names and aliases in the text). Everyday words (修个马桶) are not read here: they
    are ``service_in_everyday_words``, for where a service is being asked for."""
    catalogue = catalogue or load_catalogue()
    for value in entity_values:
        service = catalogue.resolve_service(value)
        if service is not None:
            return service.name
    service = catalogue.resolve_service(text)
    if service is not None:
        return service.name
    return None


def service_in_everyday_words(text: str | None, catalogue: Catalogue | None = None) -> str | None:
    """The service a message asks for in everyday words, without its name or an alias
    (师傅能来修个马桶不 -> 维修, 有人陪我去医院复查 -> 陪诊, 订明天的饭 -> 助餐).

    Only where a service is being asked for: at the service question, or before any
    service is chosen. Said on another form turn these words are about something else
    (an address answer with 楼道灯坏了, 下午我要陪我妈去医院复查 while booking 理发),
    and never change the service chosen. A public place (楼道, 电梯, 路灯…) is the
    property's to fix, not a home repair; the resident going with someone to hospital
    (我要陪我妈去医院) asks for no escort."""
    said = unicodedata.normalize("NFKC", text or "")
    if not said or said.startswith("/"):
        return None
    catalogue = catalogue or load_catalogue()
    for name, pattern in SERVICE_PHRASES:
        if name not in catalogue.services or not pattern.search(said):
            continue
        if name == "维修" and names_public_place(said):
            continue
        if name == "陪诊" and _GOES_WITH_SOMEONE_RE.search(said) and not _SOMEONE_TO_GO_RE.search(said):
            continue
        return name
    return service_by_head(said, catalogue)


def service_by_head(text: str | None, catalogue: Catalogue | None = None) -> str | None:
    """A long service name said by its head, as residents shorten it (心理那个吧 -> 心理咨询,
    约个法律的 -> 法律咨询): the first two characters of a name of four or more, when no
    other service's name or alias starts with them. Only where a service is asked for."""
    said = unicodedata.normalize("NFKC", text or "")
    if not said or said.startswith("/"):
        return None
    catalogue = catalogue or load_catalogue()
    found = {
        service.name
        for service in catalogue.services.values()
        if len(service.name) >= 4 and service.name[:2] in said and _head_is_own(service.name, catalogue)
    }
    return found.pop() if len(found) == 1 else None


def _head_is_own(name: str, catalogue: Catalogue) -> bool:
    head = name[:2]
    return not any(
        word.startswith(head)
        for service in catalogue.services.values()
        if service.name != name
        for word in (service.name, *service.aliases)
    )


def service_asked_for(
    text: str | None, entity_values: Iterable[str] = (), catalogue: Catalogue | None = None
) -> str | None:
    """The service a new request names: by name or alias (``service_from``), else in
    everyday words (``service_in_everyday_words``). For a request that starts a booking,
    never for an answer given while a service is already chosen."""
    return service_from(text, entity_values, catalogue) or service_in_everyday_words(text, catalogue)


# Public places: the property fixes them (a complaint), not the home repair service.
# 小区 followed by a building number is part of an address (幸福小区5号楼), no place.
# 整个门口都堵了 / 整个楼的灯都不亮: a doorway, a whole building, is no home repair.
PUBLIC_PLACE_RE = re.compile(
    r"楼道|楼梯间|走廊|电梯|路灯|单元门|门禁|公共|车库|停车场|门口|大门|整(?:个|栋|幢)?楼|全楼|一栋楼|整个单元"
    r"|小区(?!\s*[\d一二三四五六七八九十百]+\s*(?:号|栋|幢|楼|期|区|单元))"
)


def names_public_place(text: str | None) -> bool:
    """楼道灯坏了 / 电梯坏了 / 小区门口的路灯: the message is about a public place."""
    return bool(PUBLIC_PLACE_RE.search(unicodedata.normalize("NFKC", text or "")))


# 我要陪我妈去医院 / 下午俺得陪老伴复查: the resident goes with someone (no escort asked),
# unless someone is asked for too (找个人陪 / 有人陪我).
_GOES_WITH_SOMEONE_RE = re.compile(r"(?:我|俺)[^，,。；;！!？?人]{0,3}陪")
_SOMEONE_TO_GO_RE = re.compile(r"(?:有|找|寻|搵|揾|派|来|叫|请)(?:个|一个)?(?:人|师傅|志愿者|社工)\S{0,2}陪|人陪")


# What residents say for a service without its name or an alias: 修个马桶 / 水龙头坏了
# (维修), 能不能有人陪我去医院复查 (陪诊), 订明天的饭 (助餐). Read only where a booking is
# being asked for (service_in_everyday_words).
_FIXTURES = (
    r"马桶|水龙头|龙头|水管|下水道|水池|灯泡|电灯|灯|门锁|锁|房门|门|窗户|窗|纱窗|插座|开关|电路|线路"
    r"|空调|热水器|洗衣机|冰箱|电视|燃气灶|煤气灶|油烟机|抽油烟机|暖气|水箱|电器"
    r"|水喉|喉管|渠|厕所|马桶圈"  # Cantonese 水喉 (tap, pipe), 渠 (drain)
)
SERVICE_PHRASES = (
    (
        "维修",
        re.compile(
            rf"(?:修|整(?!个))(?:一下个|下个|一个|一下|一修|理一下|理|个|下|好)?(?:家里|屋里|屋企|家|俺家|我家)?的?(?:{_FIXTURES})"
            rf"|(?:{_FIXTURES})\S{{0,4}}?(?:坏了|坏啦|堵了|堵住|漏水|不出水|不亮|不转|要修|得修|修一下|修修)"
            r"|(?:来|上门|过来|帮我|给我|帮忙)修|(?:搵|揾|找)(?:个|人|师傅)+(?:来)?(?:修|整)"
            # 约个修的 / 叫个修理的师傅 / 找个修东西的: the one who repairs, asked for.
            r"|(?:约|叫|找|请|喊|来)(?:个|一个|位)?(?:修|维修|修理)(?:东西|家电)?的"
        ),
    ),
    (
        "陪诊",
        re.compile(
            r"陪\S{0,6}(?:医院|看病|看医生|看大夫|就医|复查|复诊|门诊|拿药|配药|开药|取药|住院|检查|睇医生|睇病|睇急症|睇大夫)"
            # 阿拉老头子要去医院配药 伊一个人跑不动 侬帮我寻个人陪伊去: the hospital, then who is
            # to be accompanied, across the clauses of one breath.
            r"|(?:医院|看病|复查|复诊|就医|配药|开药|睇医生|睇病)[^。！!？?]{0,20}"
            r"(?<!不用)(?<!不要)(?<!不需要)(?<!用不着)(?<![不没])(?:有人陪|陪我|陪着|陪俺|人陪|陪伊|陪他|陪她|陪老伴|陪老头|陪老太|陪我妈|陪我爸)"
        ),
    ),
    ("理发", re.compile(r"飞(?:个|下|一下|次)发")),  # Cantonese 飞发 (a haircut), split by a measure word
    # 订明天的饭 / 订个明天上午十一点的饭: the meal ordered, its day and clock said between.
    ("助餐", re.compile(r"订(?:个|份|一份|两份|几份|点)?[^，,。；;！!？?\s]{0,10}?的?(?:饭|餐)(?![店馆桌])")),
)


_BARE_FILLER_RE = re.compile(
    r"^(?:那个|这个|嗯|呃|啊|我想|我要|想|要|帮我|给我|麻烦|约个?|订个?|预约|约一下|来个|那)+|(?:吧|啊|呀|的|那个|服务)+$"
)


def bare_service_request(text: str | None, catalogue: Catalogue | None = None) -> str | None:
    """A message that is nothing but a service's everyday name (剪头, 约剪头, 洗澡吧):
    the canonical service, read as a wish to book it; None for anything longer or else."""
    said = re.sub(r"[\s，,。.！!？?…~～]+", "", unicodedata.normalize("NFKC", text or ""))
    core = _BARE_FILLER_RE.sub("", said)
    if not core or len(core) > 5 or core.isdigit() or said.startswith("/"):
        return None
    catalogue = catalogue or load_catalogue()
    service = catalogue.resolve_service(core)
    if service is None:
        return None
    # Nothing but the name: at most one character besides it (剪头发), so 理发多少钱 is a question.
    longest = max((w for w in (service.name, *service.aliases) if w and w in core), key=len)
    return service.name if len(core) - len(longest) <= 1 else None


def time_from(text: str | None, entity_values: Iterable[str] = (), now: datetime | None = None) -> str | None:
    """The time a message asks for: an ISO slot start from a button payload
    (``2026-12-01T14:30``) or the Chinese expression said (``明天下午三点``).
    ``None`` when the message names no time."""
    for value in [*entity_values, text or ""]:
        match = ISO_SLOT_RE.search(value or "")
        if match:
            return f"{match.group(1)}T{match.group(2)}"
    # 不剪了 今天有点累 周六上午吧: a service let go and moved; the time is the new one, never
    # the day in the reason said before it.
    text = form_turns.new_time_after_let_go(text) or text
    # The whole message first: NLU may tag only part of it (下午三点 of 明天下午三点).
    candidates = ([text] if text else []) + [v for v in entity_values if v]
    for candidate in candidates:
        if extract_time(candidate, now) is not None:
            return candidate
    return None


def resolve_time(
    db: Database,
    service: str,
    requested: str,
    *,
    now: datetime | None = None,
    catalogue: Catalogue | None = None,
) -> Slot:
    """The slot for what the resident said; ``BookingError`` (with the nearest free
    slots) when it cannot be booked, or code ``no_time`` when no time is in it."""
    now = local_now(now)
    match = ISO_SLOT_RE.fullmatch(requested.strip())
    when = (
        datetime.fromisoformat(f"{match.group(1)}T{match.group(2)}")
        if match
        else extract_time(requested, now)
    )
    if when is None:
        raise BookingError("no_time", "没听清是哪天几点。请说“明天下午三点”这样的时间。")
    if (
        not isinstance(when, datetime)
        and not when.has_clock
        and (when.end - timedelta(seconds=1)).date() > when.start.date()
    ):
        # 下礼拜 / 这几天 / 下个月: several days, none said; the first free slot of the
        # span would be a day the resident never named. Asked, never guessed.
        raise BookingError("vague_time", "请说具体哪一天，比如“下周二上午”。")
    with db.session() as session:
        return find_slot(session, service, when, now=now, catalogue=catalogue)


# 能约哪些服务啊 / 都有啥服务 / 可以约些什么: the resident asks which services there are.
# Cantonese 咩 / 乜嘢 / 边啲 ask "what / which" too (有乜嘢服务).
_WHICH = r"哪些|哪几[个样项种]|什么|啥|哪样|咩|乜嘢|乜|边啲|边几[样个种]"
SERVICE_LIST_RE = re.compile(
    rf"(?:{_WHICH})(?:样的?)?(?:服务|项目)"
    rf"|(?:能|可以|可)(?:约|预约|订)(?:些|点|啲)?(?:{_WHICH})"
    rf"|有(?:{_WHICH})(?:能|可以)(?:约|预约)"
)


# 我想预约个服务 你们都有些啥 / 有哪些服务啊: "what is there", said of services.
_WHAT_IS_THERE_RE = re.compile(rf"(?:都|都有|有)(?:些|哪些|啲)?(?:{_WHICH})")


def asks_service_list(text: str | None) -> bool:
    said = unicodedata.normalize("NFKC", text or "")
    if said.startswith("/") or "约了" in said:
        return False
    if SERVICE_LIST_RE.search(said):
        return True
    # (理发服务都有什么要求 asks about one service, not which there are)
    return (
        bool(re.search(r"服务(?!中心|站|台|热线|电话|队)", said))
        and bool(_WHAT_IS_THERE_RE.search(said))
        and service_from(said) is None
    )


def services_named(text: str | None, catalogue: Catalogue | None = None) -> set[str]:
    """Every service a text names by its name or an alias (社区有理发、助餐、保洁等服务 ->
    three of them)."""
    said = unicodedata.normalize("NFKC", text or "")
    catalogue = catalogue or load_catalogue()
    return {
        service.name for service in catalogue.services.values()
        if any(word and word in said for word in (service.name, *service.aliases))
    }


def service_list_text(catalogue: Catalogue | None = None) -> str:
    names = "、".join((catalogue or load_catalogue()).services)
    return f"可以约这些服务：{names}。您想约哪一项？点一下就行。"


def service_buttons(catalogue: Catalogue | None = None) -> list[dict]:
    """Every service of the catalogue as a button (its payload books it)."""
    return [
        {"title": name, "payload": f'/book_service{{"service_type": "{name}"}}'}
        for name in (catalogue or load_catalogue()).services
    ]


# --- a day without a clock time ------------------------------------------------------
#
# 明天 / 周三 / 12月8日 said alone: taking the day's first free slot books a time the
# resident never said (and a 上午十点 said a turn later is lost). The day is kept (as an
# absolute date, so it does not move if the talk crosses midnight) and the clock time is
# asked; the next answer with only a clock time is read on the kept day.
# 上午吧 said after 明天几点方便？ is half a time: the part of the day is kept with the day
# (2026年12月7日上午) and the clock asked again with that part's free starts.
KEPT_PARTS = ("上午", "下午", "中午", "晚上", "早上", "傍晚")
KEPT_DAY_RE = re.compile(rf"^(\d{{4}})年(\d{{1,2}})月(\d{{1,2}})日({'|'.join(KEPT_PARTS)})?$")
# 都行 / 随便 / 几点都行 / 你看着安排: any time of the day is fine: the first free slot.
ANY_TIME_RE = re.compile(
    r"都行|都可以|都成|都中|随便|随意|无所谓|看着(?:安排|办|定)|你(?:来)?(?:安排|定)|听你的"
    r"|几点都|什么时候都|啥时候都|哪个都|早晚都"
)
# How many starts the clock question offers: few enough for an elderly reader.
DAY_BUTTONS = 4


def any_time(text: str | None) -> bool:
    return bool(ANY_TIME_RE.search(unicodedata.normalize("NFKC", text or "")))


def _clockless_span(said: str | None, now: datetime | None) -> tuple[datetime, datetime] | None:
    """The local start and end of a time said without a clock time (明天, 后天上午), else
    None (a clock time, a slot, nothing readable)."""
    if not said or ISO_SLOT_RE.search(said):
        return None
    parsed = extract_time(said, now)
    if parsed is None or parsed.has_clock:
        return None
    return to_local(parsed.start), to_local(parsed.end)


def _one_day(start: datetime, end: datetime) -> date | None:
    return start.date() if start.date() == (end - timedelta(seconds=1)).date() else None


def day_only(said: str | None, now: datetime | None = None) -> date | None:
    """The day of a time that names a whole day and nothing more (明天, 周三, 12月8日),
    else None (a clock time, a part of the day such as 明天上午, a span of days, a slot)."""
    span = _clockless_span(said, now)
    if span is None:
        return None
    start, end = span
    # A part of the day (上午, 下午五点前) is a shorter span than the whole day.
    if start.time() != datetime.min.time() or end - start < timedelta(hours=23, minutes=59):
        return None
    return _one_day(start, end)


def day_of_part(said: str | None, now: datetime | None = None) -> date | None:
    """The day of a time within one day said without a clock time (明天晚上, 后天上午; a
    whole day too), else None (a clock time, several days, a slot)."""
    span = _clockless_span(said, now)
    return None if span is None else _one_day(*span)


def kept_day_text(day: date) -> str:
    """The day kept while the clock time is asked (2026年11月30日): read back by
    ``extract_time`` on its own and with a clock time after it."""
    return f"{day.year}年{day.month}月{day.day}日"


def kept_day(text: str | None) -> date | None:
    match = KEPT_DAY_RE.match(text or "")
    return date(*(int(g) for g in match.groups()[:3])) if match else None


def kept_part(text: str | None) -> str | None:
    """The part of the day kept with the day (上午 of 2026年12月7日上午), or None."""
    match = KEPT_DAY_RE.match(text or "")
    return match.group(4) if match else None


def on_kept_day(said: str, kept: str | None) -> str:
    """上午十点 / 三点半 / 都行 said after 明天几点方便？: the same words on the kept day
    (十点 after 明天上午几点？ on the kept part too; 下午两点 names its own part); a slot
    (a button) or a new day (改后天吧) is taken as said."""
    day = kept_day(kept)
    if day is None or ISO_SLOT_RE.search(said or ""):
        return said
    if DAY_WORD_RE.search(normalise(said or "")):
        return said
    if kept_part(kept) and PART_OF_DAY_RE.search(unicodedata.normalize("NFKC", said or "")):
        return f"{kept_day_text(day)}{said}"
    return f"{kept}{said}"


def part_of_kept_day(said: str | None, kept: str | None, now: datetime | None = None) -> str | None:
    """上午吧 / 下午 / 后天上午 answering 明天几点方便？: half a time, the day with one part of
    it and no clock; the kept text of that day and part (2026年12月7日上午), else None."""
    if kept_day(kept) is None or not said:
        return None
    parts = {p for p in KEPT_PARTS if p in unicodedata.normalize("NFKC", said)}
    if len(parts) != 1:
        return None
    if _clockless_span(on_kept_day(said, kept), now) is None:
        return None  # 上午十点: a clock time, the whole time said
    part = next(iter(parts))
    # 那就下午吧: the part on the kept day; 后天上午: the day said with it.
    on_day = said if DAY_WORD_RE.search(normalise(said)) else f"{kept_day_text(kept_day(kept))}{part}"
    day = day_of_part(on_day, now)
    if day is None or day_only(on_day, now) is not None:
        return None
    return f"{kept_day_text(day)}{part}"


def day_name(day: date, now: datetime | None = None) -> str:
    """明天（11月30日） / 12月8日（周二）: the day as the question names it."""
    today = local_now(now).date()
    relative = {0: "今天", 1: "明天", 2: "后天"}.get((day - today).days)
    if relative:
        return f"{relative}（{day.month}月{day.day}日）"
    return f"{day.month}月{day.day}日（周{WEEKDAYS[day.weekday()]}）"


def day_starts(
    db: Database,
    service: str,
    day: date,
    *,
    now: datetime | None = None,
    limit: int = DAY_BUTTONS,
    catalogue: Catalogue | None = None,
    part: str | None = None,
) -> list[Slot]:
    """The day's free regular starts, at most ``limit``, spread evenly from the first
    to the last: the buttons show how early and how late the day can be booked (a 上午
    and a 下午 resident both find theirs) and any other time can still be said. With
    ``part`` (上午), only the starts within that part of the day."""
    now = local_now(now)
    with db.session() as session:
        free = [
            s
            for s in slots_for_day(session, service, day, catalogue)
            if s.starts_at > to_local(now) and s.free > 0
        ]
    if part:  # 明天上午几点？: that part's starts only
        span = extract_time(f"{kept_day_text(day)}{part}", now)
        free = [s for s in free if span is not None and to_local(span.start) <= s.starts_at <= to_local(span.end)]
    if len(free) <= limit or limit < 2:
        return free[:limit]
    picks = sorted({round(i * (len(free) - 1) / (limit - 1)) for i in range(limit)})
    return [free[i] for i in picks]


def clock_question(day: date, now: datetime | None = None, part: str | None = None,
                   starts: Iterable[Slot] = ()) -> str:
    """明天几点方便？ with the times its buttons offer said in words too (都有哪些时间 is
    answered in the text, and a voice channel reads the text)."""
    offered = "、".join(clock_text(s.starts_at) for s in starts)
    choose = f"可以约{offered}等时间，点下面的按钮就行" if offered else "可以选下面的时间"
    if part:
        return f"{day_name(day, now)}{part}几点方便？{choose}，也可以直接告诉我几点。"
    return f"{day_name(day, now)}几点方便？{choose}，也可以直接说“上午十点”。"


def clock_buttons(slots: Iterable[Slot]) -> list[dict]:
    """The clock question's buttons: the day is in the question, so the title is the
    clock time alone; the payload is the exact slot, as for every time button."""
    return [{"title": clock_text(s.starts_at), "payload": f'/inform{{"time": "{s.key}"}}'} for s in slots]


def eligibility_from(text: str | None) -> Eligibility | None:
    """Age and/or disability from an answer like ``七十五岁`` or ``腿脚不好``."""
    if not text:
        return None
    text = unicodedata.normalize("NFKC", text)
    with contextlib.suppress(Exception):  # cn2an raises on odd input; the text is still usable
        text = cn2an.transform(text, "cn2an")  # 七十五岁 -> 75岁
    disabled = True if DISABLED_RE.search(text) else (False if ABLE_RE.search(text) else None)
    age = None
    bare = BARE_AGE_RE.fullmatch(text.strip().rstrip("。.!！"))
    for match in ([bare] if bare else []) + list(AGE_RE.finditer(text)) + list(LOOSE_AGE_RE.finditer(text)):
        value = int(next(g for g in match.groups() if g))
        if 20 <= value <= 120:
            age = value
            break
    if age is None and disabled is None:
        return None
    return Eligibility(age=age, disabled=disabled)


# The person a booking is for, when it is not the resident (帮我妈约 / 替俺爹 / 我奶奶她82了):
# the age question asks about them, never 您.
_KIN = (
    r"(?P<she>妈妈?|娘|阿妈|奶奶|外婆|姥姥|婆婆|母亲|老母亲|老太太|阿婆|阿嫲|嫲嫲|老妈|丈母娘)"
    r"|(?P<he>爸爸?|爹|阿爸|爷爷|外公|姥爷|公公|父亲|老父亲|老爷子|老爸|老汉儿?|阿公|老豆|岳父)"
    r"|(?P<they>老伴儿?|老人家?|家里老人|家里的老人)"
)
# The relative as the booking's object: 帮/替/给/为 + kin (帮我妈约 / 替俺爹), or kin + what
# makes them the one served (我妈腿脚不好 / 我奶奶82了 / 我家老伴儿洗澡不方便). A relative
# only named (我爸走得早 / 我妈不在家) is no one served; 自己 (给我自己约) is the resident.
_CONDITION = r"(?:她|他|佢)?(?:今年|都|快|已经)?(?:要|想|需要|得|约|洗澡|冲凉|腿|脚|身体|行动|走路|年纪|岁数|中风|瘫|\d|[六七八九]十)"
_SERVED_RE = re.compile(
    rf"(?:(?P<for>帮|替|给|为)(?:我|俺|咱)?|我|俺|咱|(?=阿))(?:家|屋里|屋头)?(?:的)?(?:{_KIN})"
    rf"(?P<condition>[，,\s]*{_CONDITION})?"
)
_SELF_SERVED_RE = re.compile(r"(?:给|帮|替|为)(?:我)?自己|我自己(?:约|要)")


def person_served(texts: Iterable[str | None]) -> str:
    """Who the booking is for, as the age question names them: 她 / 他 / 老人家 for a
    relative named as the one served (帮我妈约个助浴 / 替俺爹 / 我家老伴), 您 otherwise."""
    for text in texts:
        said = unicodedata.normalize("NFKC", text or "")
        if _SELF_SERVED_RE.search(said):
            return "您"
        match = next((m for m in _SERVED_RE.finditer(said) if m.group("for") or m.group("condition")), None)
        if match:
            return "她" if match.group("she") else "他" if match.group("he") else "老人家"
    return "您"


def eligibility_question(rule: str, who: str) -> str:
    """这项服务面向70岁以上…。请问她今年多大年纪？"""
    return f"这项服务面向{rule}。请问{who}今年多大年纪？"


ASKS_RULE_RE = re.compile(
    r"(?:年龄|年纪|岁数|条件|资格)\S{0,3}(?:要求|限制|规定)|有(?:啥|什么)?(?:要求|条件|限制)|多大(?:年纪|岁数)?才|几岁(?:才|以上)"
    r"|岁(?:以上|往上)?(?:的)?才(?:能|可以|行|给)"  # 是不是得七十岁才行
    # 多大岁数能整 / 多少岁可以约 / 谁能约 / 什么人能用: who may have it, asked without a rule word.
    r"|(?:多大|多少|几)(?:岁数|年纪|岁)\S{0,2}(?:能|可以|才能|才可以|就能)|(?:谁|啥人|什么人|哪些人)(?:能|可以)(?:约|用|享受|申请|整|办)"
    # 啥条件的人才能约 / 什么样的人可以用 / 哪种情况的人能申请: the kind of person asked, 才 or not.
    r"|(?:啥|什么|哪种|哪类|啥样|什么样)(?:条件|情况|样)?的?人才?(?:能|可以)(?:约|用|享受|申请|整|办)"
)


# 两份 / 三位 / 俩人 / 我们老两口 / 我和老伴都去 / 一家三口: more than one person in one booking.
# (两点 / 2单元 / 两天 count no one; 给我老伴约 is one person, the spouse.)
_HEADS_RE = re.compile(
    r"(?<![\d一])(?:两|俩|二|三|四|五|六|[2-6])\s*(?:份|位|个人|口人|口子|人(?![民家行员]))"
    r"|老两口|两口子|一家[三四五]口|(?:我们|咱们|俺们|我|咱|俺)(?:娘|爷|姐妹|兄弟|母女|父子|夫妻|老)?俩"
    r"|(?:我们|咱们|俺们)(?:两|三|四)个"
    r"|(?:我|俺)(?:和|同|带着|加上)(?:我的?|俺的?)?(?:老伴儿?|老头子?|老婆子?|老太婆|爱人|妈|爸|爷爷|奶奶|外公|外婆|孙子|孙女|闺女|儿子)"
    # …都吃 / 一起去 / 俩: the kin is a second diner or patient only when said to take part too
    # (我和老伴商量了 给她约个助浴 / 我带着我妈去医院 约个陪诊 book for one).
    r"(?=\S{0,2}(?:都|一起|一块|俩|两个|两份))"
)


def more_than_one_asked(text: str | None) -> bool:
    """The words ask one booking for more than one person (订两份饭 / 我和老伴都剪): a booking
    serves one (``Service.per_person``), so what was booked is said."""
    said = unicodedata.normalize("NFKC", text or "")
    return bool(said) and not said.startswith("/") and bool(_HEADS_RE.search(said))


def one_person_text(service_name: str) -> str:
    """What is booked when more were asked for: one, and how to book the next."""
    return (f"{service_name}一次预约是一个人的，这次先按一位给您约；"
            "另一位等这个约好了再跟我说“再约一个”，我接着帮您约。")


def asks_eligibility_rule(text: str | None) -> bool:
    """助浴有年龄要求吗 / 要什么条件: the resident asks who the service is for."""
    return bool(ASKS_RULE_RE.search(unicodedata.normalize("NFKC", text or "")))


# 我老伴八十二了 腿脚也不利索 她能约不 / 俺妈78了 够条件吗: whether the person told of may have it.
_ASKS_IF_ELIGIBLE_RE = re.compile(
    r"(?:能|可以|能不能|可不可以|让不让)(?:约|用|享受|申请|洗|剪|去)\S{0,2}(?:不|吗|么|嘛|没|伐|冇|[？?])"
    r"|符合(?:条件|要求)?(?:不|吗|么|嘛|没)|够(?:条件|格|资格|岁数)?(?:不|吗|么|嘛|没)|够不够|算不算|行不行|可以不"
)


def asks_if_eligible(text: str | None) -> bool:
    """The message tells a person's age or disability and asks whether they may have the service
    (她能约不 / 够条件吗): the rule applied to them is the answer, not a booking question."""
    said = unicodedata.normalize("NFKC", text or "")
    facts = eligibility_from(said)
    return facts is not None and (facts.age is not None or bool(facts.disabled)) and bool(
        _ASKS_IF_ELIGIBLE_RE.search(said))


# 不是理发 是助浴 60岁以上才行吗 / 是不是要七十岁以上: the number is the rule asked about, not
# the person's age — unless a person owns the age in the same words (她都八十了 能约吗).
_ASKS_WITH_NUMBER_RE = re.compile(r"[?？吗]|是不是|是否|要不要|得不得|需不需要|够不够")
_AGE_OWNER_RE = re.compile(
    r"(?:她|他|佢|我|俺|妈|爸|爹|娘|奶奶|爷爷|外婆|外公|姥姥|姥爷|婆婆|公公|老人家?|老太太|老爷子|老伴儿?)"
    r"(?:今年|都|已经|快|有)?(?:\d|[一二三四五六七八九十])"
)


def eligibility_with_correction(text: str | None) -> str | None:
    """The words of a change of service (不是理发 是助浴 我爸九十了) as the person's eligibility
    answer, when they tell an age or a disability of the person; None for a question about the
    rule (不是理发 是助浴 60岁以上才行吗) or words without either."""
    said = unicodedata.normalize("NFKC", text or "")
    facts = eligibility_from(said)
    if facts is None or (facts.age is None and not facts.disabled):
        return None
    if facts.age is not None and not facts.disabled and (
        asks_eligibility_rule(said) or _ASKS_WITH_NUMBER_RE.search(said)
    ) and not _AGE_OWNER_RE.search(said):
        return None
    return text


def address_from(text: str | None, entity_values: Iterable[str] = ()) -> str | None:
    """An address from an answer to "请告诉我地址": the answer itself without
    我住在/地址是 (NLU often tags only part of it, 幸福路8号 of 幸福路8号3号楼201室),
    else the NLU ``location`` entity; ``None`` unless it looks like an address."""
    if text:
        text = unicodedata.normalize("NFKC", text).strip().rstrip("。.!！,，")
        if not text.startswith("/"):  # a button payload is not words
            text = ADDRESS_PREFIX_RE.sub("", text).strip()
            if (
                2 <= len(text) <= 60
                and ADDRESS_HINT_RE.search(text)
                and normalise_phone(text) != text
                and not QUESTION_RE.search(text)
            ):
                return text
    for value in entity_values:
        if value and ADDRESS_HINT_RE.search(value) and not QUESTION_RE.search(value):
            return value.strip()
    return None


_FINER_PARTS = ("wing", "unit", "floor", "room")
# 201 / 二零一 / 201室: a room said by its number alone (门牌号错了，是201不是301).
_BARE_ROOM_RE = re.compile(r"^(?:[0-9]{3,4}|[零〇一二三四五六七八九幺]{3,4})(?:室|号|房|户)?$")


def _room_amended(before: str, said: str) -> str | None:
    """The address with only its unit and/or room corrected (门牌号错了 是201 / 是3单元201
    for 617号楼2单元301): the building and what is coarser stay as said before (617号楼2单元201,
    617号楼3单元201). None when the correction names a building or more, or the address
    said before has no building to keep."""
    old = find_locations(before)
    if len(old) != 1 or old[0].building is None:
        return None
    o = old[0]
    bare = re.sub(r"\s+", "", normalise_location(said))
    new = find_locations(said)
    if not new and _BARE_ROOM_RE.match(bare):
        digits = re.sub(r"[室号房户]$", "", bare)
        if (
            bare.endswith("号") and digits.isdigit() and o.building.isdigit() and len(digits) == len(o.building)
            and digits[0] == o.building[0] and (o.room is None or digits[0] != o.room[0])
        ):
            # 楼号错了 是568号 for 566号楼2单元301: a number like the building's, unlike the
            # room's, said with 号 is the building (review 16 note 19).
            norm = normalise_location(before)
            at = norm.find(o.building, o.start)
            if at >= 0:
                return norm[:at] + digits + norm[at + len(o.building) :]
        room = re.sub(r"\D", "", cn2an.transform(digits.replace("幺", "一"), "cn2an")) if not digits.isdigit() else digits
        room = str(int(room)) if room.isdigit() else None
        if not room or o.room is None:
            return None
        norm = normalise_location(before)
        at = norm.rfind(o.room, o.start, o.end)
        if at >= 0:
            return norm[:at] + room + norm[at + len(o.room) :]
        return dataclasses.replace(o, room=room).canonical
    if len(new) != 1:
        return None
    n = new[0]
    coarse = (n.building, n.estate, n.road, n.place, n.courtyard, n.phase, n.area, n.wing)
    if any(v is not None for v in coarse) or (n.unit is None and n.room is None):
        return None
    fields = {"unit": n.unit, "room": n.room, "floor": n.floor}
    if n.unit is None:  # 是201室: the unit said before stays
        fields["unit"] = o.unit
    if n.room is None and n.floor is None:  # 单元说错了 是5单元: the room said before stays
        fields["room"], fields["floor"] = o.room, o.floor
    return dataclasses.replace(o, **fields).canonical


def amended_address(before: str | None, said: str) -> str:
    """The address after a correction that names only another building (是568号楼 不是566
    for 566号楼2单元301): that building, with the unit and room already said (568号楼2单元301);
    one that names only the room, or the unit and room (是201不是301), keeps the building
    (``_room_amended``). A correction with its own building and unit or room, an estate, a
    road or a place replaces the whole address; so does any correction of an address this
    cannot read."""
    if not before or not said:
        return said
    roomed = _room_amended(before, said)
    if roomed is not None:
        return roomed
    old, new = find_locations(before), find_locations(said)
    if len(old) != 1 or len(new) != 1:
        return said
    o, n = old[0], new[0]
    if (
        n.building is None
        or any(getattr(n, part) is not None for part in _FINER_PARTS)
        or n.estate or n.road or n.place or n.courtyard
        or o.building is None or o.building == n.building or o.building_end is None
        or not any(getattr(o, part) is not None for part in _FINER_PARTS)
    ):
        return said
    norm = normalise_location(before)
    at = norm.rfind(o.building, o.start, o.building_end)
    if at < 0:
        return said
    return norm[:at] + n.building + norm[at + len(o.building) :]


_TAIL_RE = re.compile(r"(?<!\d)(\d{2,5})(?!\d)")


def phone_tail(text: str | None) -> str | None:
    """The last digits of a phone said alone to correct it (尾号是4417 / 后三位417): the
    one group of 2 to 5 digits in the words, or None."""
    said = unicodedata.normalize("NFKC", text or "")
    if re.search(r"中间|前[两二三四五几]?位|开头|前面|打头", said):
        return None  # 中间四位是1234 / 139开头的: not the end of the number; asked again
    groups = _TAIL_RE.findall(said)
    if len(groups) != 1:
        return None
    # Said as the end (尾号 / 后三位 / 最后两位 / 末尾), or bare four digits (是5683).
    if _END_SAID_RE.search(said) or len(groups[0]) == 4:
        return groups[0]
    return None


_END_SAID_RE = re.compile(r"尾号|尾数|后[两二三四五几]?位|最后|末尾|后面|后头")


def amended_phone(before: str | None, said: str | None) -> str | None:
    """The phone after a correction: a whole number said is the number; only its last
    digits said (是4417，不是4471) replace the same number of digits at the end of the
    phone already given; None when neither reads."""
    whole = normalise_phone(said)
    if whole:
        return whole
    tail = phone_tail(said)
    old = normalise_phone(before)
    return f"{old[: -len(tail)]}{tail}" if tail and old else None


def phone_from(text: str | None) -> str | None:
    return normalise_phone(text)


# 地址电话不变 / 地址一样 / 电话还是那个 / 地址电话跟刚才一样: the contact given last time, kept.
# No negation between the contact and the word that keeps it: 地址跟上次不一样 / 电话和之前不一样了
# / 地址别跟上次一样 say it changed (the form asks for the new one).
_KEEPS_CONTACT_RE = re.compile(
    r"(?:地址|住址|电话|手机号?|号码|联系方式)(?:(?![不没别非])[^，,。；;！!？?\s]){0,5}?"
    r"(?:不变|没变|一样|照旧|同上|还是那个|还是原来的?|跟(?:刚才|上次|之前|原来|以前)(?:的)?一样)"
)


def keeps_contact(text: str | None) -> str | None:
    """Which contact the words keep from last time: "address", "phone", "both", or None
    (地址电话不变 → both; 电话一样 → phone)."""
    said = unicodedata.normalize("NFKC", text or "")
    kept = {("phone" if re.search(r"电话|手机|号码|联系方式", m.group()) and not re.match(r"地址|住址", m.group())
             else "address") for m in _KEEPS_CONTACT_RE.finditer(said)}
    if any(re.match(r"(?:地址|住址)\S{0,2}(?:电话|手机)", m.group()) for m in _KEEPS_CONTACT_RE.finditer(said)):
        kept = {"address", "phone"}
    if not kept:
        return None
    return "both" if len(kept) == 2 else kept.pop()


def is_home_address(text: str | None) -> bool:
    """An address a home visit can find: it names a room (3号楼2单元501) or a road number
    (幸福路8号); 125号楼 or 小区东门 (a complaint's place) does not."""
    return any(place.room or place.road for place in find_locations(unicodedata.normalize("NFKC", text or "")))


def remembered_contact(db: Database, sender_id: str) -> tuple[str | None, str | None]:
    """The address and phone a resident gave last time."""
    with db.session() as session:
        resident = get_or_create_resident(session, sender_id)
        return resident.address, resident.phone


def remember(db: Database, sender_id: str, *, address: str | None, phone: str | None) -> None:
    with db.session() as session:
        remember_contact(session, sender_id, address=address, phone=phone)


def bookings_to_cancel(
    db: Database, sender_id: str, text: str | None, *, service: str | None = None, now: datetime | None = None
) -> list[Booking]:
    """Which of a resident's upcoming bookings a cancel request means: the one whose
    id is in the message, else those of the service named (我那个理发的预约), else all."""
    now = local_now(now)
    with db.session() as session:
        upcoming = upcoming_bookings(session, sender_id, now=now)
    booking_id = find_booking_id(text)
    if booking_id:
        return [b for b in upcoming if b.id == booking_id]
    if service:
        return [b for b in upcoming if b.service == service]
    return upcoming


def upcoming_text(db: Database, sender_id: str, *, now: datetime | None = None) -> str:
    """The resident's upcoming bookings, one per line, or a short "none" answer."""
    with db.session() as session:
        upcoming = upcoming_bookings(session, sender_id, now=local_now(now))
    if not upcoming:
        return "您现在没有预约。想约的话，跟我说“我想预约理发”就行。"
    lines = [f"{i}. {describe_booking(b)}" for i, b in enumerate(upcoming, 1)]
    return f"您有{len(upcoming)}个预约：\n" + "\n".join(lines)


def cancel_question(booking: Booking) -> str:
    what = f"上门{booking.service}" if booking.location == "上门" else booking.service
    return f"要取消{when_text(booking.starts_at)}的{what}（预约号{booking.id}）吗？"


def alternatives_buttons(alternatives: Iterable[Slot]) -> list[dict]:
    """Buttons for the nearest free slots; the payload carries the exact slot start."""
    return [{"title": slot_label(s), "payload": f'/inform{{"time": "{s.key}"}}'} for s in alternatives]


def alternatives_text(error: BookingError) -> str:
    if not error.alternatives:
        return error.message + "最近一个月都约满了，您可以打社区电话问问。"
    return (
        error.message + "最近可以约的时间有：" + "、".join(slot_label(s) for s in error.alternatives) + "。"
    )


# --- "which times are free?" -------------------------------------------------------

# 后天有啥时间 / 明天都有哪些时段 / 几点有空 / 什么时候能约: the resident asks for the
# free times instead of naming one. Reading it as a time would silently book the day's
# first slot, so the free times are listed as buttons instead.
FREE_TIMES_RE = re.compile(
    r"(?:啥|什么|哪些|哪个|几个)(?:时间|时段|时候|钟点)(?:有空|能约|可以|空着|有|行)?[吗呢啊呀]?\s*[？?]?\s*$"
    r"|有(?:啥|什么|哪些)(?:时间|时段|空)|几点(?:有空|能约|可以约|有位|空着)|什么时候(?:有空|能约|可以约|有位)"
    r"|(?:还有|有没有)(?:空|位子|名额)|有空(?:吗|没|不)|(?:哪些|哪几个)(?:时间|时段)"
)


def asks_free_times(text: str | None) -> bool:
    return bool(text) and FREE_TIMES_RE.search(unicodedata.normalize("NFKC", text)) is not None


def free_times(
    db: Database,
    service: str,
    said: str | None,
    *,
    now: datetime | None = None,
    limit: int = 6,
    catalogue: Catalogue | None = None,
) -> list[Slot]:
    """The free slots on the day the resident named (后天), else the nearest ones from now."""
    now = local_now(now)
    catalogue = catalogue or load_catalogue()
    parsed = extract_time(said or "", now)
    with db.session() as session:
        if parsed is not None and parsed.start.date() == (parsed.end - timedelta(seconds=1)).date():
            day = [
                s
                for s in slots_for_day(session, service, parsed.start.date(), catalogue)
                if s.starts_at > to_local(now) and s.free > 0
            ]
            # 明天下午都有几点: the part of the day said first; the whole day if it has none.
            part = (
                [s for s in day if to_local(parsed.start) <= s.starts_at <= to_local(parsed.end)]
                if not parsed.has_clock
                else []
            )
            if part or day:
                return (part or day)[:limit]
            around = parsed.start
        else:
            around = now
        return nearest_free_slots(session, service, around, now=now, limit=limit, catalogue=catalogue)


FREE_TIMES_PREFIX = "可以约的时间有："


def free_times_text(slots: list[Slot]) -> str:
    if not slots:
        return "最近一个月都约满了，您可以打社区电话问问。"
    return (
        FREE_TIMES_PREFIX
        + "、".join(f"{i}. {slot_label(s)}" for i, s in enumerate(slots, 1))
        + "。请选一个，说“第一个”或具体时间都行。"
    )


# --- answers, corrections and early values -------------------------------------------
#
# While the booking form asks for one answer, a message may answer it, correct an
# answer given before (at any question, or at the read-back), or carry a value asked
# for later. These decide which, from the words alone; the form action only adapts.

FIELD_TITLES = {
    "booking_time": "时间",
    "booking_address": "地址",
    "booking_phone": "电话",
    "booking_service": "服务",
}
FIELD_WORDS = {
    "booking_time": re.compile(r"时间|日子|几点|哪天|日期|钟点"),
    "booking_address": re.compile(r"地址|住址|门牌|房号|房间号|楼号|单元号|住的地方|上门的地方"),
    "booking_phone": re.compile(r"电话|手机|号码"),
    "booking_service": re.compile(r"服务|项目"),
}
# 不对 / 改成 / 换成 / 是…不是… / 不是…是… / 说错了
# A slip said in any words (说岔了, 整反了, 讲错咗, 记错了, 说反了) is 说错了.
_SLIP = r"说错|错了|搞错|讲错|说岔|弄错|整错|记错|说反|整反|搞反|弄反|讲反"
# What a new time starts with: a part of the day, a day, a number of the clock.
_TIME_AHEAD = r"(?=[上下中早晚明后今大周星礼一二三四五六七八九十两]|\d{1,2}\s*[点:：])"
# 改四点吧 / 换下午的 / 还是上午吧…上午十点半 / 还是改回十点: a change of mind with the value
# right after the word (还是 "rather", not 电话还是139… "still").
# A day named with a deferral in its clause (还是明天再说吧 / 那还是明天问问我女儿再说 / 还是下午
# 再想想吧) puts the decision off, not the booking: no change of mind (``hedges`` reads it).
_DEFERS_AHEAD = r"(?![^，,。；;！!？?\s]*(?:再说|再定(?![个一份])|再决定|再议|再看看|再看吧|再想|想想|想一下|考虑|商量|问问|没想好))"
_CHANGED_TO = r"(?:还是|改|换|挪)(?:改回|换回|回到|回)?" + _TIME_AHEAD + _DEFERS_AHEAD
# 不剃了…还是给我订个助餐吧 / 不剪了 改约保洁: another service asked for instead.
_INSTEAD_ASKED = r"(?:还是|改|换)(?:给我|帮我|给俺|帮俺)?(?:订|约|预约)(?:个|一个|一下|上)?(?=[\u4e00-\u9fff])(?![吧了啊呀嘛])"
# 啥 十点？俺说的是下午两点 / 我要的是周三: the value the resident meant, named as theirs (what
# they thought they heard, asked before it, is not it).
_MEANT = r"(?:我|俺)(?:刚才|明明)?(?:说|讲|要|约)的(?:是|就是)"
# 明天下午三点 哦不 四点吧: a value taken back with an interjection and a bare 不, spoken; the
# new value follows (form_turns.TAKEN_BACK: not 哦不用了 / 呃不知道 / 哦不错, 不 opening a word).
_OH_NO = form_turns.TAKEN_BACK
# 对不对 (a tag question), 没说错 / 不错了 (right, good): no take-back.
CORRECTION_RE = re.compile(
    r"(?<!对)不对|(?<![^但可就还倒要]是)(?<!^是)不是|改成|改为|改到|改一下|换成|换到|换个|应该是|"
    + _CHANGED_TO + "|(?<![没不])(?:" + _SLIP + ")|" + _INSTEAD_ASKED + "|" + _MEANT + "|" + _OH_NO
)
_NEW_VALUE_RES = (
    re.compile(r"(?<!不)是(.+?)[，,。\s]*(?:而)?不是"),  # 是3号楼，不是5号楼
    re.compile(r"(?:改成|改为|改到|换成|换到|应该是)(.+)$"),  # 时间改成后天下午三点
    re.compile(_INSTEAD_ASKED + r"(.+)$"),  # 还是给我订个助餐吧
    # 不对 三点我得去接孙子 改四点吧: the value after the change, not the one it gives up.
    re.compile(_CHANGED_TO + r"(.+)$"),
    # 不是周二啊 我说的周三 / 不对 我要的是下午: the value the resident meant, named as theirs.
    re.compile(r"(?:我|俺)(?:刚才|明明)?(?:说|讲|要|约|讲)的(?:是)?(.+)$"),
    re.compile(r"(?<!不)是(.+)$"),  # 地址不对，是3号楼1单元202
    # 明天上午十点 不对不对 下午三点半: a value, taken back, and the new one in the same breath
    # (the last 不对 / 说错了 counts).
    re.compile(r"^.*(?:不对|说错了|错了|搞错了|" + _OH_NO + r")[啊呀了，,。.！!\s]*(.+)$"),
)
_NOISE_RE = re.compile(
    r"不对|不是|(?:" + _SLIP + r")了?|改一下|要改|改|换|的|了|啊|呀|吧|呢|我|俺|哦|噢|嗯|，|,|。|！|!|\s"
)
_LEADING_RE = re.compile(
    r"^(?:(?:不对|不是|(?:" + _SLIP + r")了?|时间|地址|电话|手机|号码)[，,。\s]*)+"
)
# Cantonese 唔系…系… is 不是…是…, 讲错咗 is 说错了: read as Mandarin for the correction
# (系 only opening a clause: 联系, 关系, 系统 stay).
_CANTONESE_CORRECTION = (
    (re.compile(r"唔[系係]"), "不是"),
    (re.compile(r"(?:(?<=^)|(?<=[，,。.！!\s]))[系係](?![统列数])"), "是"),
    (re.compile(r"咗"), "了"),
)
_CANTONESE_RE = re.compile(r"[唔咗嘅啱咁冇佢哋喺]")
_ESTATE_WORDS_RE = re.compile(r"小区|花园|公寓|新村")


def has_address_shape(text: str) -> bool:
    """A clear address shape: a building, unit, floor or room, or a road number, read
    by the location parser (五栋二单元 as well as 5栋2单元, 203号楼), or an estate's name."""
    return bool(
        _ESTATE_WORDS_RE.search(text)
        or any(place.is_structured or place.road for place in find_locations(text))
    )


@dataclass(frozen=True)
class Correction:
    """A resident correcting an answer: ``slot`` the answer (``None``: not said which),
    ``value`` the new value as said (``None``: only which one was named)."""

    slot: str | None
    value: str | None = None


def field_named(text: str | None) -> str | None:
    """The booking answer a message names (地址不对 → booking_address)."""
    for slot, words in FIELD_WORDS.items():
        if words.search(text or ""):
            return slot
    return None


# 换成保洁，不是理发: the value said with 不是 is the wrong one, never the new one. It ends
# with its clause: a comma, or a space after it (不是周二啊 周三: said apart, spoken).
_NEGATED_VALUE_RE = re.compile(r"[，,。\s]*(?:而)?不是[^，,。；;！!是\s]*")


def _new_part(text: str) -> str:
    for pattern in _NEW_VALUE_RES:
        match = pattern.search(text)
        if match and match.group(1).strip(" ，,。"):
            new = match.group(1).strip(" ，,。")
            return _NEGATED_VALUE_RE.sub("", new).strip(" ，,。") or new
    rest = _NEGATED_VALUE_RE.sub("", text).strip(" ，,。")  # 不是周二啊 周三: the value after it
    return _LEADING_RE.sub("", rest) or _LEADING_RE.sub("", text) or text


def value_slot(
    text: str | None,
    *,
    now: datetime | None = None,
    prefer: str | None = None,
    catalogue: Catalogue | None = None,
) -> tuple[str, str] | None:
    """Which booking answer a piece of text is a value for, and the value:
    a phone number, an address (with a clear address shape), a time, a service.
    ``prefer`` (the answer named, or the one asked) is tried first."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text or text.startswith("/"):
        return None
    readers = _readers(text, now=now, prefer=prefer, catalogue=catalogue)
    order = ([prefer] if prefer in readers else []) + [s for s in readers if s != prefer]
    for slot in order:
        value = readers[slot]()
        if value:
            return slot, value
    return None


def _readers(text: str, *, now: datetime | None, prefer: str | None, catalogue: Catalogue | None) -> dict:
    """How each booking answer is read out of ``text`` (value_slot's readers)."""
    return {
        # 手机尾号错了，是4417: only the digits said wrong, when the phone is the one named.
        "booking_phone": lambda: normalise_phone(text) or (phone_tail(text) if prefer == "booking_phone" else None),
        # 地址305号楼2单元601，电话还是139…: the address clause, not the phone said with it.
        "booking_address": lambda: (
            (address_in(text) or address_from(text))
            if (prefer == "booking_address" or has_address_shape(text))
            else None
        ),
        "booking_time": lambda: text if extract_time(text, now) is not None else None,
        # Everyday words (修个马桶) only when the service is named (服务不对，是修马桶).
        "booking_service": lambda: (
            service_asked_for(text, catalogue=catalogue)
            if prefer == "booking_service"
            else service_from(text, catalogue=catalogue)
        ),
    }


def _slots_said(text: str, *, now: datetime | None, catalogue: Catalogue | None) -> set[str]:
    """Every booking answer a piece of text has a value for."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text or text.startswith("/"):
        return set()
    return {slot for slot, read in _readers(text, now=now, prefer=None, catalogue=catalogue).items() if read()}


def _with_day_said_before(text: str, value: str, now: datetime | None) -> str:
    """明天上午十点 不对 下午三点半: the new clock time said without a day keeps the day said
    before it in the same message (明天下午三点半), and a bare clock (明天晚上七点 哦不 八点)
    the part of the day said with the one it replaces (明天晚上八点, never 8:00)."""
    at = text.rfind(value)
    if at <= 0 or last_day_said(value) is not None:
        return value
    day = last_day_said(text[:at])
    parsed = extract_time(value, now) if day else None
    if parsed is None or not parsed.has_clock:
        return value
    period = None if PERIOD_RE.search(value) else _period_of_clock_before(text[:at])
    return f"{day}{period or ''}{value}"


# 明天晚上七点 / 下午三点半: a part of the day said right before its clock time.
_PERIOD_CLOCK_RE = re.compile(r"(上午|下午|早上|早晨|晚上|中午|傍晚)[零〇一二两三四五六七八九十\d]+\s*(?:点|:|：)")


def _period_of_clock_before(text: str) -> str | None:
    """The part of the day said with the last clock time in ``text``, or None."""
    found = _PERIOD_CLOCK_RE.findall(text)
    return found[-1] if found else None


def _slip_slot(
    text: str, marker: re.Match, new: str, *, now: datetime | None, catalogue: Catalogue | None
) -> str | None:
    """The answer a slip in one breath puts right: a value said in the clause right before
    the marker (明天上午九点 不对 …) and a value of the same kind at the head of what follows
    (… 九点半 地址1531号楼2单元101). None when nothing of that kind was said before it (地址不对
    是3号楼: the field is named, not a value), or when the words after it begin with another
    kind of answer."""
    before = _CLAUSE_CUT_RE.split(text[: marker.start()].strip(" ，,。"))[-1]
    head = _CLAUSE_CUT_RE.split(new.strip(" ，,。"))[0]
    if not before or not head or field_named(before):
        return None
    said_before = _slots_said(before, now=now, catalogue=catalogue)
    said_after = _slots_said(head, now=now, catalogue=catalogue)
    for slot in ("booking_time", "booking_phone", "booking_address", "booking_service"):
        if slot in said_before and slot in said_after:
            return slot
    return None


_CLAUSE_CUT_RE = re.compile(r"[，,。；;！!\s]+")
# A clause that gives a time up (三点我有事 / 2点太早了 / 三点不行 / 三点得去接孙子), or says what
# the resident is still busy with then (九点我还在买菜呢 / 两点正在医院排队 / 八点刚出门).
_GIVES_UP_RE = re.compile(r"不|没|太|有事|忙|得去|要去|得接|要接|上班|来不及|还在|正在|刚出门|出门了?呢")
# A clause that offers a time only as a fallback (四点半也行 / 五点也可以 / 三点都行): the
# choice is the time said outright; the fallback wins only when it is all there is.
_FALLBACK_RE = re.compile(r"也行|也可以|也成|也好|也中|也没问题|也凑合|都行|都可以|都成")


def _last_clock_said(value: str, now: datetime | None) -> str:
    """不对 三点我有事 四点吧 / 改成下午4点吧 2点太早了: of several clock times said in a
    correction, each in its own clause, the new one is in the clause that gives none up (the
    last such, if several), and not one offered as a fallback (改四点吧 四点半也行: 四点); a
    day said before it is put back by ``_with_day_said_before``."""
    clauses = [c for c in _CLAUSE_CUT_RE.split(value) if c]
    clocked = [c for c in clauses if CLOCK_RE.search(c) and extract_time(c, now) is not None]
    if len(clocked) < 2:
        return value
    kept = [c for c in clocked if not _GIVES_UP_RE.search(c)]
    chosen = [c for c in kept if not _FALLBACK_RE.search(c)]
    return (chosen or kept)[-1] if kept else value


# A phone number with its label (电话是138… / 手机139…), as said along with a correction.
_SAID_PHONE_RE = re.compile(
    r"(?:(?:我的?)?(?:联系)?(?:电话|手机号?|号码)(?:号码)?(?:是|号|就是)?[:：]?\s*)?(?<!\d)1[3-9]\d{9}(?!\d)"
)


def correction_from(
    text: str | None, *, now: datetime | None = None, catalogue: Catalogue | None = None
) -> Correction | None:
    """A correction (不对，时间改成后天下午三点 / 地址不对，是3号楼1单元202 / 不对),
    or ``None`` when the message corrects nothing. A phone number given in the same breath
    (不对 十点去不了 改下午四点 电话是138…: the answer to the phone question) is no
    correction of the phone when the rest corrects another answer: that one is read."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    rest = _SAID_PHONE_RE.sub(" ", text).strip()
    if rest != text and CORRECTION_RE.search(rest) and field_named(rest) != "booking_phone":
        other = _correction_from(rest, now=now, catalogue=catalogue)
        if other is not None and other.slot not in (None, "booking_phone") and other.value is not None:
            return other
    return _correction_from(text, now=now, catalogue=catalogue)


# 下午三点 哦不 我再想想 / 三号楼 不对 等一下: a value taken back with nothing new after the
# last take-back word. The answer is to be asked again, never the value given up read anew.
_TAKE_BACK_LAST_RE = re.compile(r"^(.*)(?:(?<!对)不对|(?<![没不])(?:说错了?|错了|搞错了?)|" + _OH_NO + r")(.*)$")


def _taken_back_alone(text: str, *, now: datetime | None, catalogue: Catalogue | None) -> Correction | None:
    match = _TAKE_BACK_LAST_RE.match(text)
    if match is None or field_named(text) or _slots_said(match.group(2), now=now, catalogue=catalogue):
        return None
    before = _slots_said(match.group(1), now=now, catalogue=catalogue)
    return Correction(next(iter(sorted(before)))) if len(before) == 1 else None


def _correction_from(text: str, *, now: datetime | None, catalogue: Catalogue | None) -> Correction | None:
    if _CANTONESE_RE.search(text):
        for pattern, mandarin in _CANTONESE_CORRECTION:
            text = pattern.sub(mandarin, text)
    if not text or text.startswith("/") or not (first := CORRECTION_RE.search(text)):
        return None
    new = _new_part(text)
    if (taken_back := _taken_back_alone(text, now=now, catalogue=catalogue)) is not None:
        return taken_back
    # 明天上午九点 不对 九点半 地址1531号楼… : a value said, taken back, and the same kind of
    # value right after it is the slip's answer; 地址 / 电话 said later only label their own
    # values (they name no answer to put right).
    named = _slip_slot(text, first, new, now=now, catalogue=catalogue) or field_named(text)
    if named is None and first.start() > 0:
        # 想约助餐 呃不对 是体检…后天早上八点: the new words name a service and a time;
        # the answer corrected is the one said before the slip (the service), the time is
        # only said along with it.
        before = _slots_said(text[: first.start()], now=now, catalogue=catalogue)
        after = _slots_said(new, now=now, catalogue=catalogue)
        both = [slot for slot in _readers(new, now=now, prefer=None, catalogue=catalogue) if slot in before & after]
        if len(after) > 1 and both:
            named = both[0]
    found = value_slot(new, now=now, prefer=named, catalogue=catalogue)
    if named == "booking_phone" and (found is None or found[0] != named) and _END_SAID_RE.search(text):
        # 电话最后两位反了，是83: the end of the number, said as the end in the message.
        tail = phone_tail(f"尾号{new}")
        found = (named, f"尾号{tail}") if tail else found
    if found is None and new != text:
        found = value_slot(text, now=now, prefer=named, catalogue=catalogue)
    if found is not None:
        slot, value = found
        if slot == "booking_time":
            value = _last_clock_said(value, now)
        if slot == "booking_time" and new != text:
            value = _with_day_said_before(text, value, now)
        if named is None or slot == named:
            return Correction(slot, value)
    if named is None and _NOISE_RE.sub("", text) and found is None:
        return None  # words we cannot place: not a correction we understand
    return Correction(named)


def changes_mind_on_value(text: str | None, *, now: datetime | None = None) -> bool:
    """哎算了 还是八点半吧 / 算了算了 改回上午十点 at the read-back: 算了 gives up the change just
    made, and the value said with it is the answer wanted (a correction), not leaving the
    booking. Only with a weak leaving word (算了) and a new value; 算了不约了, 算了我自己剪 and
    算了 还是明天再说吧 (put off) leave as before."""
    if not form_turns.only_weak_stop(text) or hedges(text):
        return False
    found = correction_from(text, now=now)
    return found is not None and found.slot is not None and found.value is not None


def answers_slot(
    slot: str | None,
    text: str | None,
    entity_values: dict[str, list[str]] | None = None,
    *,
    now: datetime | None = None,
) -> bool:
    """Whether a message really answers the booking question ``slot`` (not merely
    carries words the form would otherwise take as the answer)."""
    entity_values = entity_values or {}
    text = text or ""
    if slot == "booking_service":  # the service question: everyday words answer it too
        return service_asked_for(text, entity_values.get("service_type", ())) is not None
    if slot == "booking_eligibility":
        return eligibility_from(text) is not None
    if slot == "booking_time":
        from assistant.conversation.split import asks_progress

        # 我上礼拜报过一个楼道灯 现在弄到哪一步了: a question about a report, whose 上礼拜 is
        # no time for the booking.
        return time_from(text, entity_values.get("time", ()), now) is not None and not asks_progress(text)
    if slot == "booking_address":
        return address_from(text) is not None
    if slot == "booking_phone":
        return phone_from(text) is not None
    return False


def which_to_change_buttons() -> list[dict]:
    """The buttons of "哪一项要改？" at the read-back."""
    return [
        {"title": title, "payload": f'/inform{{"booking_field": "{title}"}}'}
        for title in ("时间", "地址", "电话", "服务")
    ]


def field_from_title(title: str | None) -> str | None:
    for slot, name in FIELD_TITLES.items():
        if title == name:
            return slot
    return field_named(title)


PART_OF_DAY_RE = re.compile(r"上午|下午|早上|早晨|晚上|中午|傍晚|午后|白天")
DAY_WORD_RE = re.compile(
    r"今天|今儿|明天|明儿|后天|大后天|周|星期|礼拜|月|号|日|下个|这个|下礼拜|改天|过几天|\d{4}-"
)


def on_offered_day(said: str, offered: Iterable[str], now: datetime | None = None) -> str:
    """晚上6点 said without a day after the free times of one day were offered (button
    payloads with ISO starts): that clock on that day, as an ISO start; anything else (a
    day said, no clock, times offered on several days) as said."""
    starts = [m.group(0) for m in map(ISO_SLOT_RE.search, offered) if m]
    days = {start[:10] for start in starts}
    if len(days) != 1 or not said or ISO_SLOT_RE.search(said):
        return said
    if DAY_WORD_RE.search(unicodedata.normalize("NFKC", said)):
        return said
    parsed = extract_time(said, now)
    if parsed is None or not parsed.has_clock:
        return said
    return on_same_day(said, starts[0], now)


def on_same_day(said: str, current: str | None, now: datetime | None = None) -> str:
    """A new time said without a day (改成下午三点半) keeps the day already chosen, and
    a new day said without a clock time (换成后天吧 / 是后天，时间不变) keeps the clock
    time already chosen: the ISO start; anything else is returned as said."""
    match = ISO_SLOT_RE.search(current or "")
    if not match or not said:
        return said
    # The day words of the time itself (下午两点 地址是5号楼…: the 号 is the address's).
    address = address_in(said)
    said_time = unicodedata.normalize("NFKC", said).replace(address, "") if address else said
    if DAY_WORD_RE.search(unicodedata.normalize("NFKC", said_time)):
        parsed = extract_time(said, now)
        if parsed is None or parsed.has_clock or parsed.end - parsed.start > timedelta(days=1):
            return said
        if PART_OF_DAY_RE.search(unicodedata.normalize("NFKC", said)):
            return said  # 改到后天上午: a part of the day said, the time is chosen again
        return f"{parsed.start.date().isoformat()}T{match.group(2)}"
    day = datetime.fromisoformat(f"{match.group(1)}T00:00")
    parsed = extract_time(said, day)
    if parsed is None or not parsed.has_clock:
        return said
    start = parsed.start
    return f"{day.date().isoformat()}T{start.hour:02d}:{start.minute:02d}"


# 还是第二个吧 / 换最后那个 / 等下 第一个太早了 还是要第三个: another of the times just listed,
# picked by its place in the list after one was already chosen (the form asks on).
_REPICK_RE = re.compile(r"(?:还是|换成?|改成?|改选|要)(?:要|选)?(?P<pick>[^，,。；;！!？?\s]+)$")


def repicked_time(text: str | None, offered: list[dict]) -> str | None:
    """The ISO start of the listed time a change of mind picks by its place in the list
    (``offered``: the time buttons shown last), or None (no change word, no ordinal)."""
    from assistant.conversation.choices import resolve_ordinal

    said = unicodedata.normalize("NFKC", text or "").strip()
    if not said or said.startswith("/") or not offered or re.search(r"[?？吗]", said):
        return None
    # 哦不 我要第一个 早点好: the clause that picks, wherever the reason is said.
    for clause in reversed([c for c in re.split(r"[，,。；;！!\s]+", said) if c]):
        match = _REPICK_RE.search(clause)
        index = resolve_ordinal(match.group("pick"), len(offered)) if match else None
        if isinstance(index, int):
            start = ISO_SLOT_RE.search(str(offered[index].get("payload", "")))
            return f"{start.group(1)}T{start.group(2)}" if start else None
    return None


# What may follow an address's first piece after a space (3号楼2单元 501 / 446栋1单元 一楼 101 /
# 12栋 3单元 602室): a unit, a floor or a room, nothing else. A room said digit by digit (一九七三栋
# 一单元 五零二: how speech recognition writes an elder's 502) is a room as much as 502 is.
_ADDRESS_REST_RE = re.compile(
    r"^(?:[零一二三四五六七八九十\d]{1,3}(?:单元|楼|层|室|号|户|门)|\d{2,4}|[零〇一二三四五六七八九幺]{3,4}(?:室|号|户)?)$"
)


def _starts_phone(words: list[str]) -> bool:
    """139 1234 5678 / 1391 2345 678: a mobile said in digit groups (as elders and the
    voice channel say it) begins with ``words[0]``; none of its groups is a room."""
    groups = []
    for word in words:
        if not word.isdigit():
            break
        groups.append(word)
    return len(groups) > 1 and normalise_phone("".join(groups)) is not None


def _spaced_parts(clause: str) -> list[str]:
    """A clause cut at its spaces, each address piece kept with the unit, floor and room
    said after it (3号楼2单元 501 -> 3号楼2单元 501, one part); a phone said in groups
    after the address (3号楼2单元 139 1234 5678) is not its room."""
    parts: list[str] = []
    words = clause.split()
    for i, word in enumerate(words):
        if (
            parts
            and _ADDRESS_REST_RE.match(word)
            and has_address_shape(parts[-1])
            and not _starts_phone(words[i:])
        ):
            parts[-1] = f"{parts[-1]} {word}"
        else:
            parts.append(word)
    return parts


def _said_again_more_fully(address: str, after: list[str]) -> str | None:
    """1266号楼 1266号楼1单元 一楼 101 / 8栋，8栋3单元502: the same building said again right
    after, this time with its unit, floor or room (an elder repeating and adding as they
    go): the fuller saying is the address. None when nothing after says the same building
    more fully (a second place of its own is no repetition). Said in pieces, the place is
    written as the parser reads it (1266号楼1单元101室: 一楼 is the floor of room 101)."""
    first = find_locations(address)
    if len(first) != 1 or first[0].building is None:
        return None
    fullest, best = None, first[0]
    for clause in after:
        if normalise_phone(clause) or extract_time(clause) is not None:
            break
        found = find_locations(clause)
        if len(found) != 1:
            break
        loc = found[0]
        if loc.building != best.building or not compatible(loc, best):
            break
        finer = [part for part in _FINER_PARTS if getattr(loc, part) is not None]
        if len(finer) > len([part for part in _FINER_PARTS if getattr(best, part) is not None]):
            fullest, best = loc.canonical, loc
    return fullest


def address_in(text: str | None) -> str | None:
    """An address said along with other things (我住8号楼2单元502，想约明天理发): the
    clause that has a clear address shape and no time in it; one the resident marks as
    the address (地址…, 住…) first, so a place named in a complaint said in the same
    breath (20号楼南门路灯坏了…另外约理发，地址20号楼3单元503) is not taken for it."""
    clauses = [
        piece
        for part in re.split(r"[，,。；;！!？?]+", unicodedata.normalize("NFKC", text or ""))
        for piece in _spaced_parts(part)
    ]
    marked = [c for c in clauses if re.match(r"^(?:地址|住址|家住|住在|我住|俺住|我家在|家在)", c)]
    for said in marked + [c for c in clauses if c not in marked]:
        if not has_address_shape(said) or normalise_phone(said):
            continue
        # 住址7栋… / 地址是… : the marker goes whole (not its 住 alone, which left 址7栋…).
        clause = re.sub(r"^(?:地址|住址)(?:是|在|为)?[:：]?", "", said)
        clause = re.sub(r"^(?:我|俺|家)?(?:家)?(?:住|在|是)+", "", clause)
        if extract_time(clause) is None:
            found = address_from(clause)
            if found:
                return _said_again_more_fully(found, clauses[clauses.index(said) + 1 :]) or found
    # 想约师傅上门修明天下午两点半俺住17号楼1单元201电话133…: said in one breath, no
    # commas; the building, unit and room the location parser found.
    for place in find_locations(unicodedata.normalize("NFKC", text or "")):
        if place.is_structured and place.span and not normalise_phone(place.span):
            return place.span
    return None


# --- yes at the read-back, said in words ----------------------------------------------

# 好的，刚才那个维修的信息是对的 / 对，就这样 / 没问题，约吧: a yes to the read-back even
# when the NLU heard something else (after a side question the yes comes with words).
# 确定 is a yes only as a clause of its own (确定 / 确定了 / 我确定 / 确定，约吧): inside a
# sentence it is as often the resident being unsure or putting it off (我不太确定 / 还没
# 确定 / 确定不了 / 我再确定一下 / 等我确定了再说), and a yes here books or cancels.
_CONFIRM_WORD = r"(?:^|[，,。.！!\s])(?:那就|那|就|我|俺)?确定(?:的|了|啊|呀|吧|哈)*(?=$|[，,。.！!\s])"
CONFIRM_RE = re.compile(
    r"(?<!不)是对的|(?<![不别])对的|都对|全对|没错|没问题|就这样|就这么(?:办|定|着|约)|确认|"
    + _CONFIRM_WORD
    + r"|可以的?$"
    r"|就按(?:这个|刚才|这)|约吧|定了吧|^(?:对|嗯|好|行|是|中|成)+(?:的|了|啊|呀|吧)?$"
    # 这下对了 / 现在对了: the read-back after a correction is right now
    r"|^(?:这下|这回|这次|现在)(?:就|都)?(?:对|没错|没问题)了?(?:吧|啊|呀)?$"
    # Cantonese, Sichuanese, northern: 系啊，啱嘅 / 冇错 / 对头 / 是滴 / 妥了
    r"|^(?:系|係|啱|对头|是滴|是嘞|妥)(?:啊|呀|嘅|喇|啦|了|的)?(?:[，,\s]*(?:啱|啱嘅|冇错|系啊|对头|对|对的|是|是的))?$|冇错"
    # Cantonese "that's it" and "no problem" (啱 系咁 / 系咁样啦 / 冇问题 / 啱晒 / 得啦): the yes
    # in the words an elder of the south says it, each a clause of its own.
    r"|^(?:系咁|係咁)(?:样|樣)?(?:啦|喇|啊|呀|嘅)?$|冇问题|冇問題|啱晒|^得(?:啦|喇|嘞)?$"
)
NOT_YES_RE = re.compile(r"不对|不是|错了|不行|不要|不约|不用|算了|取消|别|改|换|等等|等一下|等下|[?？吗]")


def confirms(text: str | None) -> bool:
    """A plain yes to the booking read-back said in words: no correction, no new value,
    no question, nothing named to change."""
    said = unicodedata.normalize("NFKC", text or "").strip()
    if not said or said.startswith("/") or NOT_YES_RE.search(said) or re.search(r"\d", said):
        return False
    if field_named(said) is not None:
        return False
    clauses = [c for c in _YES_CLAUSES_RE.split(said) if c]
    # 行 就这吧 / 系，就咁啦: a yes, then "just so" in a clause of its own.
    return bool(CONFIRM_RE.search(said)) or (
        bool(clauses) and all(CONFIRM_RE.search(c) or _SO_BE_IT_RE.match(c) for c in clauses)
    )


_SO_BE_IT_RE = re.compile(r"^就(?:这|咁|系咁|酱|这个|这么着)(?:样)?(?:吧|啦|喇|了|嘛|哈|呀|啊)*$")


# 对，那到时候短信会提醒我吧？ / 好的，要带身份证吗: a yes to the read-back, then a question
# of its own. The yes books; the question is answered after (a reminder honestly).
_YES_CLAUSES_RE = re.compile(r"[，,。.！!~～\s]+")
# A hedge after the yes (好，我再想想吧 / 行，我问问我女儿吧 / 对，等我儿子回来再说吧) takes
# the yes back: nothing is settled yet.
_HEDGE_RE = re.compile(
    r"想想|想一下|考虑|商量|(?<!想)问问(?![你您])|再说|再定(?![个一份])|再决定|再看看|再看吧|没想好|还没想|不确定|拿不准|回头|改天"
)
_CHANGES_RE = re.compile(
    r"不对|(?<!是)不是|错了|说错|搞错|改|换|取消|不约|(?<!要)不要|(?<!用)不用|算了|等等|等一下|等会|等下|先不|\d|" + _HEDGE_RE.pattern
)
# A question is marked: a question mark, 吗, a question word, or A不A (要不要, 用不用). A
# sentence ending in 吧 or carrying 呢 is not one by itself (我还没想好呢 is a statement).
_ASKS_RE = re.compile(
    r"[?？]|吗|不$|没$|啥|什么|怎么|咋|几|哪|多少|多久|多长|谁|为什么|是不是|会不会|能不能|有没有|可不可以"
    r"|([\u4e00-\u9fff])不\1"
)
# 对了，… opens a new topic ("by the way"); it is never a yes.
_BY_THE_WAY_RE = re.compile(r"^(?:哦|噢|啊|诶|欸|唉)?对了")


def by_the_way(text: str | None) -> bool:
    """对了，你们几点下班: a new topic opened at the read-back, never a yes nor a correction."""
    return bool(_BY_THE_WAY_RE.match(unicodedata.normalize("NFKC", text or "").strip()))


def hedges(text: str | None) -> bool:
    """好，我再想想吧 / 嗯，我考虑一下吧 / 好的，我还没想好呢: a yes word with a hedge after it
    is no yes."""
    return bool(_HEDGE_RE.search(unicodedata.normalize("NFKC", text or "")))


def yes_then_question(text: str | None) -> str | None:
    """The question asked after a plain yes to the read-back (对，那到时候短信会提醒我吧？ ->
    那到时候短信会提醒我吧？), or None: no yes first, no question after it, or a change
    asked for (对，时间改成三点 is a correction, 对吗？ a question about the yes itself)."""
    said = unicodedata.normalize("NFKC", text or "").strip()
    if not said or said.startswith("/"):
        return None
    clauses = [c for c in _YES_CLAUSES_RE.split(said) if c]
    if len(clauses) < 2 or _BY_THE_WAY_RE.match(said) or not confirms(clauses[0]):
        return None
    rest = "，".join(clauses[1:])
    if _CHANGES_RE.search(rest):
        return None
    asks = _ASKS_RE.search(rest.rstrip("?？")) or re.search(r"[?？]$", said)
    return rest if asks or asks_to_be_reminded(rest) else None


# 到时候短信会提醒我吧 / 能提前通知我不 / 会发短信吗: the resident asks to be reminded.
_REMINDED_RE = re.compile(r"提醒|短信|通知我|叫我一声|喊我一声")


def asks_to_be_reminded(text: str | None) -> bool:
    from assistant.conversation.commands import asks_reminder

    said = unicodedata.normalize("NFKC", text or "")
    return asks_reminder(said) or bool(_REMINDED_RE.search(said))


def reminder_answer(remind: bool) -> str:
    """The honest answer to "会提醒我吗" right after a booking: a reminder only when one is
    scheduled on a channel that can deliver it (``service.reminder_promised``)."""
    if remind:
        return "会的，前一天我会在这里发消息提醒您。"
    return "这个聊天发不了短信，也发不了提醒。您可以在手机上定个闹钟，或者请家人帮您记着。"


# 我也说不好 / 不知道 / 还没想好 at the time question: the resident cannot name a time;
# the times that can be booked are offered to pick from (never a question in the middle).
UNSURE_RE = re.compile(
    r"说不好|说不准|不好说|不知道|不晓得|不清楚|不确定|拿不准|定不了|没想好|还没想|想不好|不懂|搞不清|整不明白"
)


def unsure(text: str | None) -> bool:
    """我也说不好 at the time question; not when a person, cancelling or leaving is asked
    in the same breath (不知道，帮我转人工 / 我不知道怎么取消这个预约): those go their own way."""
    said = unicodedata.normalize("NFKC", text or "")
    return (
        bool(UNSURE_RE.search(said))
        and not re.search(r"\d", said)
        and not asks_free_times(said)
        and not form_turns.goes_own_way(said)
    )


# 对，取消吧 / 是的，不要了 / 确定取消 at 要取消…吗？: a yes said with the cancel words
# again (the NLU hears cancel_booking, not affirm). A cancel verb (取消, 退掉) may stand
# alone; 不要了 / 不去了 alone answer the question itself as often as the booking (不要
# [取消]了), so they cancel only after a yes word (是的，不要了).
_CANCEL_YES_WORDS = r"对|对的|是|是的|嗯|嗯嗯|好|好的|行|确定|确认|没错|麻烦了|可以"
_CANCEL_TAIL = r"(?:吧|掉|了|吧谢谢|掉吧|了吧|就行)?[。.!！]*$"
_CANCEL_YES_RE = re.compile(
    rf"^(?:(?:{_CANCEL_YES_WORDS}|要)?[，,\s]*(?:还是|确定|确认|就|那就|帮我|给我)?(?:取消|退掉|退了|撤销|撤了)"
    rf"|(?:{_CANCEL_YES_WORDS})[，,\s]*(?:就|那就)?(?:不要了|不去了|不约了)){_CANCEL_TAIL}"
)


# 不取消了 / 先别取消 / 还是留着吧 / 还是去吃 at 要取消…吗？: the booking is kept (the NLU may
# hear cancel_booking in it: the word 取消 is there). Read clause by clause and anchored at
# the clause's start, so a reason given with a cancel is no keeping: 取消吧，不想留着了 /
# 取消吧，我还去不了 / 确认取消，钱不退了也行 / 谁还去啊，取消.
_KEEP_LEAD = r"(?:等等|等一下|等下|哎|诶|哦|嗯|那|那就|那我|我|俺|算了|好|好吧|还是|先)*"
_KEEP_BOOKING_RE = re.compile(
    rf"^{_KEEP_LEAD}(?:"
    + NEGATED_CANCEL
    + r"|(?:给我|帮我)?(?:留着|保留)|还是(?:去|约着|按原来)(?!不)|照(?:常|旧)去|不退了|还去(?!不)"
    r")"
)
_CLAUSES_RE = re.compile(r"[\s，,。.;；!！~～…、]+")


def _clauses(said: str) -> list[str]:
    return [c for c in _CLAUSES_RE.split(said) if c]


def keeps_booking(text: str | None) -> bool:
    """The answer to 要取消…吗？ keeps the booking (不取消了，还是去吃 / 先别取消 / 留着吧)."""
    said = unicodedata.normalize("NFKC", text or "").strip()
    if not said or said.startswith("/"):
        return False
    return any((_KEEP_BOOKING_RE.match(c) or _named_then_kept(c)) and not _cancels_itself(c)
               for c in _clauses(said))


def _named_then_kept(clause: str) -> bool:
    """理发不用取消了 / 吃饭那个就不用退了: the booking named, then its cancel negated — keeping."""
    negated = NEGATED_CANCEL_RE.search(clause)
    if negated is None:
        return False
    named = clause[: negated.start()]
    return service_from(named) is not None or service_in_everyday_words(named) is not None


# 留着也没用 / 留着干嘛: keeping it said to be pointless — a reason to cancel.
_NO_USE_RE = re.compile(r"没用|没必要|白搭|浪费|干嘛|干啥|去不了|也不去")


def cancel_taken_back(text: str | None) -> bool:
    """那个助餐我想取消……算了算了还是留着吧 不取消了: a cancel asked and taken back in the same
    breath — the last word on it keeps the booking (留着 / 不取消了 after the 取消)."""
    said = unicodedata.normalize("NFKC", text or "").strip()
    if not said or said.startswith("/"):
        return False
    clauses = _clauses(said)
    kept = [i for i, c in enumerate(clauses)
            if _KEEP_BOOKING_RE.match(c) and not _cancels_itself(c) and not _NO_USE_RE.search(c)]
    cancelled = [i for i, c in enumerate(clauses) if _CANCEL_WORD_RE.search(c) and i not in kept]
    return bool(kept) and bool(cancelled) and kept[-1] > cancelled[-1]


# 助餐也保留 / 吃饭那个也留着 / 保洁照旧: a booking named, then kept.
_KEPT_SAID_RE = re.compile(r"留着|保留|不变|照常|照旧")


def keeps_every_one_named(text: str | None) -> bool:
    """理发不用取消了 助餐也保留: every clause keeps a booking (its cancel negated, or 留着 /
    保留 / 照常), none cancels one or asks anything else (改到后天 / 助餐退了吧 / 要不要留着呢):
    nothing is to be cancelled, so nothing is asked."""
    said = unicodedata.normalize("NFKC", text or "").strip()
    if not said or said.startswith("/") or re.search(r"[?？吗呢]|要不要|该不该|用不用|是不是", said):
        return False
    clauses = _clauses(said)
    return bool(clauses) and keeps_booking(said) and all(
        (_KEEP_BOOKING_RE.match(c) or _named_then_kept(c) or _KEPT_SAID_RE.search(c))
        and not _cancels_itself(c)
        and not _NO_USE_RE.search(c)
        and not _CANCEL_WORD_RE.search(NEGATED_CANCEL_RE.sub("", c))
        for c in clauses
    )


def _cancels_itself(clause: str) -> bool:
    # 还是取消吧 / 还是要取消: 还是 leads, but the clause cancels.
    return bool(_CANCEL_YES_RE.match(re.sub(r"^(?:还是|那就|那)", "", clause)))


_LEADING_YES_RE = re.compile(rf"^(?:{_CANCEL_YES_WORDS})(?:[，,\s]|(?=取消|退|撤|把|将))")


def _without_service(said: str, catalogue: Catalogue | None = None) -> str:
    """确定 取消保洁 / 对，把理发那个取消了: the service named (and 那个 / 的预约 with it)
    taken out, so the cancel said again reads as it does without it."""
    catalogue = catalogue or load_catalogue()
    service = catalogue.resolve_service(said)
    if service is None:
        return said
    for word in sorted((service.name, *service.aliases), key=len, reverse=True):
        if word and word in said:
            said = re.sub(rf"(?:把|将)?(?:上门)?{re.escape(word)}(?:的)?(?:那个|这个)?(?:预约|服务)?", "", said)
            break
    return said.strip()


# A request besides the cancel (review 17 note 27): another booking (另外帮我约个…, 约个…),
# a move (改到…, 换成…), a question. Read with the cancel words blanked out (帮我取消预约
# is the cancel itself); a reason or a later wish (那天还有事, 改天再约) is no request.
_CANCEL_WORDS_RE = re.compile(r"取消|退掉|退了|撤销|撤了")
_BESIDES_RE = re.compile(
    r"另外|顺便|顺带|再(?:帮|给|替)"
    r"|(?:帮|给|替)(?:我|俺|咱|她|他|老伴|我妈|我爸|家里)?[^|\s，,。]{0,4}?(?:约|订|预约|报修|修|查|安排|登记)"
    r"|(?:约|订|预约)(?:一个|个|一下|一次|上)"
    r"|(?:改|换|挪|推|调)(?:到|成|在)"
    r"|想问|问一?下|咨询"
)


def asks_besides_cancel(text: str | None) -> bool:
    """The message asks for something besides the cancel (取消吧 另外帮我约个保洁 /
    退掉 改到下周三吧): not a yes alone, so the conversation layer lets the words go on."""
    said = unicodedata.normalize("NFKC", text or "").strip()
    return bool(_BESIDES_RE.search(_CANCEL_WORDS_RE.sub("|", said)))


def confirms_cancel(text: str | None) -> bool:
    """A yes to 要取消…吗？: a plain yes (``confirms``), or the cancel said again (对，取消吧),
    alone or with a reason in another clause (取消吧，我还去不了 / 谁还去啊，取消), the
    service named after a yes word (确定 取消保洁; 取消理发那个 alone may be a new request,
    its own reference decides); never when a clause keeps the booking, nor when something
    else is asked with it (``asks_besides_cancel``: the rest would be lost)."""
    said = unicodedata.normalize("NFKC", text or "").strip()
    if _LEADING_YES_RE.match(said):
        said = _without_service(said)
    if not said or said.startswith("/") or re.search(r"\d|[?？吗]|别|不用取消|先不", said):
        return False
    if keeps_booking(said) or asks_besides_cancel(said):
        return False
    if confirms(said) or _CANCEL_YES_RE.match(said):
        return True
    return any(_CANCEL_YES_RE.match(c) for c in _clauses(said))


def cancelled_text(booking: Booking) -> str:
    """好的，已经取消了12月8日（周二）下午3点的上门保洁（预约号YY…）。"""
    what = f"上门{booking.service}" if booking.location == "上门" else booking.service
    return f"好的，已经取消了{when_text(booking.starts_at)}的{what}（预约号{booking.id}）。"


def kept_text(booking: Booking | None) -> str:
    """好的，不取消了，12月7日（周一）中午12点的助餐给您保留着。"""
    if booking is None:
        return "好的，不取消了，预约给您保留着。"
    what = f"上门{booking.service}" if booking.location == "上门" else booking.service
    return f"好的，不取消了，{when_text(booking.starts_at)}的{what}给您保留着。"


# 那给她约一个 / 帮我约一个 / 给俺娘预约一下: a wish to book, not a question about bookings
# (我约了什么 / 我的预约 / 约了吗), though the NLU may hear query_booking in it.
# 订 is booked too (那给我订一个, 就订一份).
_BOOK_WISH_RE = re.compile(
    r"(?:给|帮|替)(?:她|他|我|俺|咱|我妈|我爸|俺娘|俺爹|老伴|老人)?\S{0,3}?(?:预约|约|预订|订)(?:一个|个|一下|一次|一份|份|上)"
    r"|(?:那|就|那就)(?:预约|约|预订|订)(?:一个|个|一下|一份|份)"
    # 同一天下午三点再订一场 / 再约一个后天的 right after a booking: one more of the same.
    r"|再(?:预约|约|订|来)(?:一|1)?(?:场|个|次|份|回)(?!的话|要钱|收钱|多少)"
)
# 帮我查一下约上没有 / 帮我看下约上没: a question whether a booking went through, no wish.
_ASKS_BOOKINGS_RE = re.compile(
    r"约了|约过|哪些|什么|啥|几个|吗|[?？]|我的预约|取消|退|不要|不约|改|挪|换|推"
    r"|查|看(?:一?下|看)|有没有|成没成|好了没|没有?[呢啊呀吧哈]*[。.!！]*$"
)


# 不用帮我订一个 / 先不给我订一份了 / 别再订一场了 / 没必要再约一次: the wish said with a no
# right before it in its clause is a refusal (review 21 M1/M2). 别忘了给我约一个 still wishes.
# Review 21 (F1): any no that governs the wish — a bare 不 before 给/帮 (不给她约个了, 不帮她约个了),
# 用不着你 / 我没叫你 / 谁让你 before it — but not 要不 / 不如 (a suggestion: 要不给我约一个).
_WISH_NEGATED_BEFORE_RE = re.compile(
    r"(?:不用|不要|(?<!忘)别|甭|先不|不必|没必要|用不着|不需要|不想|(?<![要如])不|没(?:叫|让|要|说)|谁(?:让|叫|要))"
    r"(?:再|还|先|就)?(?:你|您|你们|他们)?$"
)
# 再订一场就算了 / 给她约一个还是算了 / 给她订一份就不必了 / 给我订一个不用了: the wish dropped after
# it in its clause. A bare 算了 stays a wish (那就给我约一个算了 = just book one), and so does
# 不用太早 (a wish with a condition).
_WISH_DROPPED_AFTER_RE = re.compile(
    r"^[了吧]?(?:的话)?(?:(?:就|还是)算了|(?:就|还是)?(?:不必|不用|免)(?:了|啦)?[吧啊呀]?$)"
)
_VISIT_AGAIN_RE = re.compile(r"再来(?:一|1)?[次回]")
_MUST_BEFORE_RE = re.compile(r"(?:得|又要)$")
_CLAUSE_END = "，,。.！!？?；;\n \u3000"


def _wish_negated(said: str, match: re.Match[str]) -> bool:
    before = said[: match.start()]
    for mark in _CLAUSE_END:
        before = before.rsplit(mark, 1)[-1]
    if _WISH_NEGATED_BEFORE_RE.search(before):
        return True
    if _VISIT_AGAIN_RE.fullmatch(match.group()) and _MUST_BEFORE_RE.search(before):
        # 修好又坏了 师傅还得再来一次: a visit that has to happen again, a complaint, not a wish.
        return True
    after = said[match.end() :]
    for mark in _CLAUSE_END:
        after = after.split(mark, 1)[0]
    return bool(_WISH_DROPPED_AFTER_RE.search(after))


def wishes_to_book(text: str | None) -> bool:
    """那给她约一个 after a service was offered: a booking wished for, not asked about,
    and not refused in its clause (不用帮我订一个, 别再订一场了)."""
    said = unicodedata.normalize("NFKC", text or "")
    if _ASKS_BOOKINGS_RE.search(said):
        return False
    return any(not _wish_negated(said, m) for m in _BOOK_WISH_RE.finditer(said))


# 听说你们这能叫人上门剃头 是不是啊 / 社区有没有上门洗澡的 / 你们能派人来修水管不: whether a
# service is offered, asked to have it; never a question about bookings already made.
_ASKS_OFFERED_RE = re.compile(
    r"能不能|能|可以|可不可以|有没有|是不是|有人|有师傅|叫人|叫个人|派人|派个人|找人|上门"
)
_OWN_BOOKING_RE = re.compile(
    r"约了|约的|约过|约上|约好|我的预约|的预约|预约了|有没有(?:预约|约)|我约|预约号|YY\d|查|看一?下|看看|取消|不约|不要|改到|改成|挪|推迟|提前|几点来|什么时候来|咋还不来|怎么还不来"
    # 还来不来 / 今天能来吗 / 能准时到吧 / 早点到: a visit already set asked after (review 16 note 18).
    r"|来不来|能来吗|能不能来|还来|准时|按时|早点[到来]|晚点[到来]|到吧|迟到"
)


_MINE_RE = re.compile(r"(?:我|俺|咱)[^，,。？?\s]{0,2}的|(?:我|俺|咱)[^，,。？?]{0,6}(?:去|来|到)")


def about_own_booking(text: str | None) -> bool:
    """The message is about a booking the resident made (我约的理发几点来 / 预约号YY… /
    我下礼拜几点去体检), not about the service."""
    said = unicodedata.normalize("NFKC", text or "")
    return bool(_OWN_BOOKING_RE.search(said) or _MINE_RE.search(said))


# 我现在都订了些啥 / 我约了哪些 / 一共预约了几个: what the resident has booked, asked and nothing
# else (约了什么时候来 asks after a visit; 再约 / 取消 / 改 ask for something).
_WHAT_BOOKED_RE = re.compile(
    r"^[^，,。？?\s]{0,6}?(?:都|一共|总共)?(?:预约|约|订)(?:了|过)(?:些|哪些|哪几个|几个|几样)?"
    r"(?:啥|什么|哪些|哪几个|几个|几样)?(?:东西|服务|预约)?[呀啊呢哈吧嘛]*[？?。.！!]*$"
)


def asks_what_booked(text: str | None) -> bool:
    """我现在都订了些啥: a question about the resident's own bookings, whatever the classifier
    hears in it (a bare 订了些啥 can sound like 你能干啥)."""
    said = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
    if not said or re.search(r"再|取消|不要|改|换|挪|退", said):
        return False
    match = _WHAT_BOOKED_RE.match(said)
    return bool(match) and bool(re.search(r"啥|什么|哪|几", said))


def asks_service_offered(
    text: str | None, catalogue: Catalogue | None = None, booked: Collection[str] = ()
) -> str | None:
    """The service a message asks to have when it asks whether it is offered (能叫人上门剃头
    是不是啊): the NLU may hear a question about bookings in it, but a resident who asks
    whether the barber comes to the home wants one; None for a question about a booking
    made (我约的理发几点来, 助浴的师傅今天能来吗), for a service in ``booked`` (the
    resident's upcoming bookings: 我妈的助浴是不是明天上午 asks about the one made), or
    a message naming no service."""
    said = unicodedata.normalize("NFKC", text or "")
    if not _ASKS_OFFERED_RE.search(said) or _OWN_BOOKING_RE.search(said):
        return None
    service = service_from(said, catalogue=catalogue)
    return None if service in booked else service


def services_booked(db: Database, sender_id: str, *, now: datetime | None = None) -> set[str]:
    """The services of the resident's upcoming bookings."""
    with db.session() as session:
        return {b.service for b in upcoming_bookings(session, sender_id, now=local_now(now))}


def reminder_asked_text(db: Database, sender_id: str, *, now: datetime | None = None) -> str:
    """到时候提醒我一下 after a booking: an honest answer. A channel that can push (Telegram,
    WeChat) with a reminder scheduled for the next booking hears that it will come; the
    web chat, a speaker or the phone line cannot send anything unasked, so the resident
    hears that, with the booking to note down and how to look it up again."""
    from assistant.booking.service import reminder_promised

    with db.session() as session:
        upcoming = upcoming_bookings(session, sender_id, now=local_now(now))
    # The one just booked: ids run in the order bookings are made (YY + day made + number).
    booking = max(upcoming, key=lambda b: b.id) if upcoming else None
    if booking is not None and reminder_promised(db, booking.id, sender_id):
        return f"好的，{describe_booking(booking)}，前一天我会发消息提醒您。"
    # Said without the words of a promise (到时提醒您, 会提醒您): a resident skimming the
    # reply must not read one.
    text = "抱歉，这个聊天没法给您发提醒，我不能主动给您发消息。"
    if booking is not None:
        text += (f"您约的是{describe_booking(booking)}，可以记在本子上或在手机上定个闹钟，"
                 "也可以请家人提醒您；想查的话随时跟我说“我约了什么”。")
    else:
        text += "可以在手机上定个闹钟，或者请家人到时候提醒您。"
    return text


def changed_text(slot: str, value: str) -> str | None:
    """好的，时间改成12月7日（周一）下午2点半。 — an earlier answer changed while another
    question is open, said back so the resident hears it was taken (the open question
    follows)."""
    if slot == "booking_time":
        match = ISO_SLOT_RE.fullmatch(value or "")
        if not match:
            return None
        said = when_text(datetime.fromisoformat(f"{match.group(1)}T{match.group(2)}"))
    elif slot == "booking_phone":
        said = mask_phone(value)
    elif slot in ("booking_address", "booking_service"):
        said = value
    else:
        return None
    return f"好的，{FIELD_TITLES[slot]}改成{said}。"


def other_answer(text: str | None) -> str | None:
    """The booking answer (address, phone) a message gives instead of a time, or None."""
    said = unicodedata.normalize("NFKC", text or "").strip()
    if not said or said.startswith("/"):
        return None
    if phone_from(said):
        return "booking_phone"
    if address_in(said):
        return "booking_address"
    return None


# --- 改时间 -----------------------------------------------------------------------------

_MOVE_RE = re.compile(r"(?:改到|改成|改在|换到|换成|挪到|推到|调到|延到|提前到)")


def reschedule_target(text: str | None) -> str | None:
    """The new time of 能改到后天吗，还是上午九点半 (后天吗，还是上午九点半), or the whole
    message when it names a time without a 改到 word; None without a time."""
    said = unicodedata.normalize("NFKC", text or "")
    match = _MOVE_RE.search(said)
    part = said[match.end() :] if match else said
    return part.strip(" ,，。") if extract_time(part) is not None else None


def reschedule_reference(text: str | None) -> str:
    """The words that say which booking (before 改到…): the new time is no filter."""
    said = unicodedata.normalize("NFKC", text or "")
    match = _MOVE_RE.search(said)
    return said[: match.start()] if match else ""


def move_question(booking: Booking, new_start: datetime) -> str:
    what = f"上门{booking.service}" if booking.location == "上门" else booking.service
    return (
        f"把{when_text(booking.starts_at)}的{what}改到{when_text(new_start)}，预约号{booking.id}不变，对吗？"
    )


# How a booking moved is said back: the conversation layer knows by these words that a
# booking was just moved (assistant.conversation.bookings), so they live here once.
MOVED_OPENING = "改好了！预约号"


def moved_text(booking: Booking) -> str:
    what = f"上门{booking.service}" if booking.location == "上门" else booking.service
    return f"{MOVED_OPENING}{booking.id}，现在是{when_text(booking.starts_at)}的{what}。"


# 取消YY202612070001 / 帮我把预约号YY…退了 / YY…不要了: a booking id with nothing but a cancel
# word and fillers. Sent as the cancel intent with the id: the classifier does not place
# a line made mostly of an id (the round-16 model reads them all as nlu_fallback).
_CANCEL_WORD_RE = re.compile(r"取消|撤销|撤掉|退掉|退了|退订|不要了|不去了|不约了|不用了")
_CANCEL_FILLER_RE = re.compile(
    r"我要|我想|帮我|给我|麻烦你?|请|把|这个|那个|预约号|订单号|单号|预约|号码?|的|一下|掉|吧|了|啊|呀|哈|嗯|[:：,，.。!！\s]"
)


# 孩子都不在身边 整天没人说话 / 老伴走了挺孤单的: loneliness said, nothing asked for. The classifier
# may hear a booking in it (a line of its data books 心理咨询 to chat); with no service
# named and no wish to book, it is answered with what is there, never a service question.
# (闷 alone is also stuffy air: 有点闷 空调不制冷了 / 天气好闷; only 闷得慌, 心里闷, or 闷 said of
# being alone counts.)
_LONELY_RE = re.compile(
    r"闷得慌|心里(?:头)?闷|孤单|孤独|寂寞|没人(?:说话|聊|陪)|没个说话的"
    r"|(?:一个人|没人|冷冷清清)\S{0,4}(?:无聊|没意思|闷)"
)
_WANTS_SOMETHING_RE = re.compile(
    r"约|预约|订|报名|帮我|给我|能不能|可以|想找|要找|找个|派|安排|[?？吗]"
    r"|坏|不制冷|不制热|不转|漏|不亮|空调|暖气|天气|停电|停水"  # a broken thing or the weather: no loneliness
)
LONELY_TEXT = (
    "一个人在家闷的话，可以到社区服务中心的活动室坐坐，那里白天有老邻居下棋聊天；"
    "想找人说说心里话，也可以约社区的心理咨询师谈谈心，免费的。要帮您约吗？"
)
LONELY_BUTTONS = [{"title": "约心理咨询", "payload": '/book_service{"service_type": "心理咨询"}'}]


def only_lonely(text: str | None) -> bool:
    """孩子都不在身边 整天没人说话: loneliness said, and no service nor anything else asked for."""
    said = unicodedata.normalize("NFKC", text or "")
    return (
        bool(_LONELY_RE.search(said))
        and not _WANTS_SOMETHING_RE.search(said)
        and service_asked_for(said) is None
    )


# 还是约吧 / 想来想去还是要约 / 改主意了: the resident takes back leaving a booking.
_TAKES_BACK_RE = re.compile(r"还是(?:要|想|得|约|订|预约|帮我|给我)|又想|改主意|想了想|想了一?下|想通了|反悔")


def takes_back_leaving(text: str | None) -> bool:
    """想来想去还是约吧: the booking just dropped is wanted after all (no leaving
    said again, no question)."""
    said = unicodedata.normalize("NFKC", text or "")
    return bool(_TAKES_BACK_RE.search(said)) and not form_turns.is_stop(said) and not re.search(r"[?？吗]", said)


def slip_in_one_breath(correction: Correction, before: dict) -> bool:
    """A correction of an answer that had no value before this message (``before``: the
    form's slots then): the wrong value was said in it and put right in it (约个理发，明天
    下午三点，哦不对，四点吧), so the message answers every question, not only that one. So
    does one that only names an answer not given yet (给我爸换个助浴…地址电话不变 as a booking
    starts: 换个 and 地址 read as a correction of an address nobody gave): nothing is put right."""
    if correction.slot is None:
        return False
    names = (correction.slot, "booking_time_text") if correction.slot == "booking_time" else (correction.slot,)
    return all(before.get(name) is None for name in names)


def picked_to_cancel(words: str | None, payload: str | None, *, listed: bool) -> bool:
    """A booking picked from the list of bookings to cancel (``listed``: the butler's last
    reply was that list), sent as its button's payload, in words that say the cancel again
    (助浴那个退了吧): cancelled without asking a third time."""
    return bool(
        listed and payload and payload.startswith("/") and words != payload and cancels_again(words)
    )


# 我要取消一个预约 / 帮我退一个 / 理发那个不要了: a cancel asked for outright in words.
_CANCEL_ASKED_RE = re.compile(r"取消|撤销|退掉|退了|退订|退(?:一|个|两|二|那|这)|不要了|不去了|不约了")
# A question, a hesitation or a keeping word: not asked outright (能退吗 / 要不要取消呢).
_NOT_OUTRIGHT_RE = re.compile(r"[?？吗呢]|要不要|该不该|能不能|可不可以|怎么|咋|如何|是不是|别|先不|不取消|再说|想想|算了")
# A pick that says something besides which one (第二个吗 / 第二个先别动 / 第二个改到下午).
_NOT_A_BARE_PICK_RE = re.compile(r"[?？吗呢]|要不要|是不是|别|先不|不取消|不要取消|再说|想想|算了|留着|保留|改|换|挪|推")


def cancel_asked_outright(text: str | None) -> bool:
    """我要取消一个预约 / 帮我退一个预约: the resident asked in words to cancel, no question,
    no hesitation (能退吗 / 要不要取消呢 ask about it)."""
    said = unicodedata.normalize("NFKC", text or "").strip()
    if not said or said.startswith("/") or _NOT_OUTRIGHT_RE.search(said):
        return False
    return bool(_CANCEL_ASKED_RE.search(said)) and not keeps_booking(said)


def picked_after_cancel_asked(words: str | None, payload: str | None, *, listed: bool, asked: str | None) -> bool:
    """第二个 / 理发那个 / a tap, from the list of bookings (``listed``) the butler showed
    because the resident asked outright to cancel one (``asked``: their message before):
    the only question left was which one, and the pick answers it; the cancel is done,
    not asked a third time. A pick with more in it (第二个吗 / 第二个先别取消) is not."""
    said = unicodedata.normalize("NFKC", words or "").strip()
    if not listed or not payload or not payload.startswith("/") or not cancel_asked_outright(asked):
        return False
    return said == payload or not _NOT_A_BARE_PICK_RE.search(said)


# The butler's word that a booking was cancelled (cancelled_text, or by id).
_CANCELLED_SAID_RE = re.compile(r"已经取消了.*?(?:预约号|预约)\s*(YY\d{8,})")


def cancel_confirmed_again(said: str | None, last: Iterable[str]) -> str | None:
    """对 / 对 取消 / 好的 right after the butler said a booking was cancelled: the cancel is
    done already; said so with its number (the dialogue would hear a yes to nothing, or a
    new cancel of another booking). None for anything else."""
    text = unicodedata.normalize("NFKC", said or "").strip()
    done = [m.group(1) for t in last for m in [_CANCELLED_SAID_RE.search(t or "")] if m]
    if not done or not text or text.startswith("/"):
        return None
    if not (confirms(text) or confirms_cancel(text)) or _NOT_OUTRIGHT_RE.search(text):
        return None
    return f"好的，预约{done[-1]}已经取消了，不用再确认。还有别的事随时找我。"


# The booking 要取消…吗？ asks about (cancel_question): its service and its id.
_ASKED_BOOKING_RE = re.compile(r"的(?:上门)?(?P<service>[^的（(]+)[（(]预约号(?P<id>[A-Za-z0-9]+)[）)]")
# A booking named without its service (刚才约的 / 那个预约 / 订好的), and a matter that is no
# booking (那个投诉 / 报的工单 / 反映的事): the cancel words name which.
_A_BOOKING_RE = re.compile(r"预约|约的|约好的|订的|订好的|约了的")
_NO_BOOKING_RE = re.compile(r"投诉|工单|报修|报的|反映|举报|登记|申请|报名|快递|外卖|订单|会员|订阅")


def cancel_names_asked(words: str | None, question: str | None) -> bool:
    """Do the cancel words name the booking the cancel question asks about (理发不要了 取消吧 at
    要取消…的理发（预约号…）吗？)? Its service, in any words the catalogue knows, or its id, or a
    booking said without its service when nothing else is named. Not a complaint or anything
    else withdrawn (那个投诉不用了 撤销吧), nor a bare 那个不要了: those never answer the
    question for a booking the words did not name."""
    said = unicodedata.normalize("NFKC", words or "")
    asked = _ASKED_BOOKING_RE.search(question or "")
    if not said or asked is None:
        return False
    if find_booking_id(said):
        return find_booking_id(said) == asked.group("id").upper()
    named = service_from(said) or service_in_everyday_words(said)
    if named is not None or _NO_BOOKING_RE.search(said):
        return named is not None and named == service_from(asked.group("service"))
    return bool(_A_BOOKING_RE.search(said))


def cancels_again(text: str | None) -> bool:
    """助浴那个退了吧 / 把剪头那个取消掉 when picking from the list of bookings (是哪一个？):
    the cancel said again with the choice, no question, no keeping, no hesitation."""
    said = unicodedata.normalize("NFKC", text or "").strip()
    # A question asked without 吗 (要不要取消呢 / 是不是该退掉) cancels nothing either.
    if not said or said.startswith("/") or re.search(
        r"[?？吗呢]|要不要|该不该|用不用|是不是|别|先不|不取消|再说|想想", said
    ):
        return False
    # 理发不用取消了: a cancel word negated cancels nothing.
    return bool(_CANCEL_WORD_RE.search(NEGATED_CANCEL_RE.sub("", said))) and not keeps_booking(said)


def cancel_by_id(text: str | None) -> str | None:
    """The cancel payload (``/cancel_booking{"booking_id": …}``) for a message that is only a
    booking id and a word to cancel it; None otherwise (a question, a move, other words)."""
    from assistant.booking.references import cancel_payload

    said = unicodedata.normalize("NFKC", text or "").strip()
    booking_id = find_booking_id(said)
    if not booking_id or said.startswith("/"):
        return None
    rest = re.sub(booking_id, "", said.upper().replace(" ", ""), flags=re.IGNORECASE)
    if not _CANCEL_WORD_RE.search(rest) or _CANCEL_FILLER_RE.sub("", _CANCEL_WORD_RE.sub("", rest)):
        return None
    return cancel_payload(booking_id)


# --- a booking said as its values alone ------------------------------------------------
#
# 维修 后天 上午九点半 5号楼1单元302 139…: a service and a day with its clock, then perhaps
# an address and a phone, and nothing else; the classifier may hear a report in the service
# word (保洁) or take the phone for a ticket just filed. Every part must be one of the values:
# a word of complaint, a question, a cancel or a move (没来, 多少钱, 不要了, 改) leaves it alone.
# Lead words before the service (然后, 我自己, 帮我…): a connector or the person booking, never
# a value; a booking already made (我约了…) is refused before (split.NO_NEW_BOOKING_RE).
_LINE_LEAD_RE = re.compile(r"^(?:然后|那个|那|还有|另外|再|我自己|自己|我|俺|给我|帮我|也|要|想)+")
_LINE_TIME_RE = re.compile(r"^[今明后大天上下中午早晚点半分钟刻整一二三四五六七八九十零〇两\d:：号日月周星期礼拜的]+$")
_LINE_REFUSE_RE = re.compile(r"[?？吗呢]|不|别|没|改|换|挪|取消|退|撤")
_ADDRESS_LEAD_RE = re.compile(r"^(?:地址|住址|我家|俺家|家)?(?:住在|住|在|是)?[:：]?$")


def _only_address(part: str) -> bool:
    """A part that is an address and nothing more (住5号楼2单元 yes, 5号楼2单元漏水 no)."""
    if extract_time(part) is not None:
        return False
    rest = re.sub(r"\s+", "", part)
    for place in find_locations(part):
        if place.span:
            rest = rest.replace(re.sub(r"\s+", "", place.span), "", 1)
    return rest != re.sub(r"\s+", "", part) and bool(_ADDRESS_LEAD_RE.match(rest))


def booking_line(text: str | None, catalogue: Catalogue | None = None) -> str | None:
    """The service a message books when it is nothing but a booking's values (a service by
    its name or everyday name, a day and clock time, an address, a phone), else None."""
    from assistant.conversation import split

    said = unicodedata.normalize("NFKC", text or "").strip()
    if not said or said.startswith("/") or _LINE_REFUSE_RE.search(said):
        return None
    if split.NO_NEW_BOOKING_RE.search(said):
        return None  # 我约了维修 明天上午九点: the booking they have, told to ask about it
    parts = [
        part
        for clause in re.split(r"[，,。.；;！!、]+", said)
        for part in _spaced_parts(clause.strip())
        if part
    ]
    service: str | None = None
    clock = False
    digits: list[str] = []
    after_address = False
    for part in parts:
        room = after_address and bool(re.fullmatch(r"[一二三四五六七八九零〇两幺]{2,4}", part))
        after_address = False
        if room:
            continue  # 3号楼 二单元 一零二: the room said after the address
        if part.isdigit():
            digits.append(part)  # a phone, maybe said in groups
            continue
        if normalise_phone(part) is not None:
            continue
        if _LINE_TIME_RE.match(part):
            parsed = extract_time(part)
            if parsed is None:
                return None
            clock = clock or parsed.has_clock
            continue
        if _only_address(part):
            after_address = True
            continue
        named = bare_service_request(_LINE_LEAD_RE.sub("", part), catalogue)
        if named is None or service not in (None, named):
            return None
        service = named
    if digits and normalise_phone("".join(digits)) is None:
        return None
    return service if service is not None and clock else None


# --- the same day as the booking just made ---------------------------------------------
#
# 再约一个同一天下午四点的 / 助餐也约在同一天中午: the day of the resident's booking made last,
# never today (the time parser reads 同一天 alone as today). A day said outright with it
# (明天同一时间) is the day said.
_SAME_DAY_RE = re.compile(
    r"(?<!不)(?:同一|同)(?:个)?(?:天(?!天)|日)(?:子)?|一样的?(?:那)?(?:一)?天(?!天)|跟(?:刚才|上一个|那个)一样的?日子"
)
# 不要同一天 / 别跟上次同一天 / 同一天不行: the day refused is no day to book (不过/不错 refuse nothing).
_SAME_DAY_REFUSED_BEFORE_RE = re.compile(r"(?:不(?![过错])|别|没)[^，,。；;!！?？]{0,6}$")
_SAME_DAY_REFUSED_AFTER_RE = re.compile(r"^\s*(?:不行|不要|不好|不方便|不合适|不可以|没空|换)")


def on_day_of_last_booking(db: Database, sender_id: str, said: str, now: datetime | None = None) -> str:
    """``said`` with 同一天 (and its like) read as the day of the resident's most recently
    made live booking (2026年12月8日下午四点); unchanged when it names no such day, names a
    day of its own, or the resident has no live booking."""
    text = unicodedata.normalize("NFKC", said or "")
    match = _SAME_DAY_RE.search(text)
    if match is None:
        return said
    if _SAME_DAY_REFUSED_BEFORE_RE.search(text[: match.start()]) or _SAME_DAY_REFUSED_AFTER_RE.search(
        text[match.end():]
    ):
        return said
    rest = text[: match.start()] + text[match.end():]
    if day_only(rest, now) is not None or re.search(r"[今明后昨]天|大后天|周|星期|礼拜|\d+\s*[号日]", rest):
        return said
    now = local_now(now)
    with db.session() as session:
        upcoming = upcoming_bookings(session, sender_id, now=now)
        # 理发那个取消了吧，整个同一天下午一点的保洁: the booking cancelled in this very breath
        # (or a few minutes ago) is the one talked about last; its day is meant.
        cancelled = [
            b for b in _cancelled_lately(session, sender_id, now)
            if b.updated_at is not None and _aware(b.updated_at) >= now - _JUST_CANCELLED
        ]
    talked_about = [(_aware(b.created_at), b) for b in upcoming] + [(_aware(b.updated_at), b) for b in cancelled]
    if not talked_about:
        return said
    last = max(talked_about, key=lambda pair: (pair[0], pair[1].id))[1]
    return text[: match.start()] + kept_day_text(last.starts_at.date()) + text[match.end():]


_JUST_CANCELLED = timedelta(minutes=10)


def _aware(value: datetime) -> datetime:
    from datetime import UTC

    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _cancelled_lately(session, sender_id: str, now: datetime) -> list[Booking]:
    """The resident's cancelled bookings still ahead, the last changed first (a few)."""
    from sqlalchemy import select

    from assistant.booking.service import to_local
    from assistant.residents.models import Resident

    query = (
        select(Booking).join(Resident, Resident.id == Booking.resident_id)
        .where(Resident.sender_id == sender_id, Booking.status == "cancelled", Booking.starts_at > to_local(now))
        .order_by(Booking.updated_at.desc()).limit(5)
    )
    return list(session.scalars(query))


# --- a booking to cancel named by its time ---------------------------------------------
#
# 四点那个不要了 / 把下午三点的取消吧 with two bookings: the one at that clock time (and day, if
# said) is the one meant, when exactly one live booking is there. Only a cancel word, the
# time, a service name and fillers: a question, a move or another request leaves it alone.
_HALF_DAY_RE = re.compile(r"上午|下午|早上|早晨|晚上|中午|傍晚|凌晨|夜里|[0-9]{2}\s*[:：]")
_DAY_WORD_RE = re.compile(r"[今明后]天|大后天|周|星期|礼拜|\d+\s*[号日]|[一二三四五六七八九十]+[号日]")


def cancel_by_time(db: Database, sender_id: str, text: str | None, now: datetime | None = None) -> str | None:
    """The cancel payload for the one live booking at the clock time a cancel names
    (四点那个不要了), or None (no such booking, or several, or other words)."""
    from assistant.booking.references import cancel_payload

    said = unicodedata.normalize("NFKC", text or "").strip()
    if not said or said.startswith("/") or not _CANCEL_WORD_RE.search(said):
        return None
    if re.search(r"[?？吗呢]|别|先不|不取消|再说|想想|改|换|挪|约个|再约|还要|另外|顺便|投诉|坏了", said):
        return None
    parsed = extract_time(said, now)
    if parsed is None or not parsed.has_clock or not parsed.text:
        return None
    rest = said.replace(parsed.text, "")
    for service in load_catalogue().services.values():
        for word in sorted((service.name, *service.aliases), key=len, reverse=True):
            if word:
                rest = rest.replace(word, "")
    rest = _CANCEL_FILLER_RE.sub("", _CANCEL_WORD_RE.sub("", rest))
    if re.sub(r"[点钟的个]|那", "", rest):
        return None
    now = local_now(now)
    with db.session() as session:
        upcoming = upcoming_bookings(session, sender_id, now=now)
    start = parsed.start
    exact = bool(_HALF_DAY_RE.search(parsed.text))
    day_said = bool(_DAY_WORD_RE.search(parsed.text))
    named = service_from(said)
    found = [
        b for b in upcoming
        if (b.starts_at.hour == start.hour if exact else b.starts_at.hour % 12 == start.hour % 12)
        and b.starts_at.minute == start.minute
        and (not day_said or b.starts_at.date() == start.date())
        and (named is None or b.service == named)
    ]
    return cancel_payload(found[0].id) if len(found) == 1 else None


def cancels_one_of_several_by_time(
    db: Database, sender_id: str, text: str | None, booking: Booking | None, now: datetime | None = None
) -> bool:
    """四点那个不要了 / 三点那个取消掉 with several live bookings: the cancel said outright names
    the one by its clock time, which singles it out — done without asking again (the one
    just made, 刚才订的那个不要了, or the only one, is still asked)."""
    if booking is None or not cancels_again(text):
        return False
    said = unicodedata.normalize("NFKC", text or "")
    parsed = extract_time(said, now)
    if parsed is None or not parsed.has_clock:
        return False
    start = to_local(booking.starts_at)
    if (start.hour % 12, start.minute) != (parsed.start.hour % 12, parsed.start.minute):
        return False
    with db.session() as session:
        return len(upcoming_bookings(session, sender_id, now=local_now(now))) >= 2


# A question or a hesitation anywhere (哪个该退呢 / 理发那个取消了吧 助餐要不要留着): still weighing.
_WEIGHS_STILL_RE = re.compile(r"[?？吗呢]|要不要|该不该|能不能|可不可以|怎么|咋|如何|是不是|再说|想想|算了|还是")


def cancels_one_and_keeps_another(
    db: Database, sender_id: str, text: str | None, booking: Booking | None, now: datetime | None = None
) -> bool:
    """你把剃头那个给我取消了 吃饭那个留着 with a 理发 and a 助餐 booked: the resident weighs the two
    and says which goes and which stays, as picking from the list of their bookings does — done
    without asking again. Every clause that cancels names the booking's service; a clause keeps
    another service they have booked (留着 / 不退). A cancel by service alone is still asked
    (理发那个取消了吧: the other bookings may not be in mind), so is a service booked twice."""
    from assistant.booking.references import KEEPS_NAMED_RE

    if booking is None:
        return False
    said = unicodedata.normalize("NFKC", text or "").strip()
    if not said or said.startswith("/") or _WEIGHS_STILL_RE.search(said):
        return False
    clauses = _clauses(said)
    cancelling = [c for c in clauses if _CANCEL_WORD_RE.search(c) and not KEEPS_NAMED_RE.search(c)]
    if not cancelling or any(not cancels_again(c) or service_from(c) != booking.service for c in cancelling):
        return False
    kept = {service_from(c) for c in clauses if c not in cancelling and KEEPS_NAMED_RE.search(c)} - {
        None, booking.service}
    if not kept:
        return False
    with db.session() as session:
        upcoming = upcoming_bookings(session, sender_id, now=local_now(now))
    services = [b.service for b in upcoming]
    return services.count(booking.service) == 1 and all(service in services for service in kept)


def time_instead_of_phone(text: str | None, now: datetime | None = None) -> bool:
    """十一点半 / 明天上午 said at the phone question: a short time and nothing of a phone (no
    run of digits, no place), so the time is changed and the phone asked again, no failed
    answer counted."""
    said = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
    if not said or said.startswith("/") or len(said) > 8 or re.search(r"\d{5,}", said):
        return False
    if names_a_place(said) or phone_tail(said) is not None:
        return False
    return time_from(said, now=now) is not None


# 助浴那个 我外公八十六了 / 剃头的那个吧 after the services were shown: a service picked by its
# everyday name, heard as a question about bookings; no question, nothing of a booking made.
_PICKED_RE = re.compile(r"那个|这个|那项|那种|那样")
# A refusal, a refund or no longer wanting it: 算了 / 退钱 / 不需要 / 免了.
_DECLINES_PICK_RE = re.compile(r"算了|退|撤|不要|不用|不需要|不想|免了|不必")
# Feedback on a service had (剪得不好, 饭菜太咸, 阿姨不错) or a move of it (改/换/挪).
_SERVICE_USED_RE = re.compile(
    r"改|换|挪|推迟|提前|[剪做洗扫修弄搞]得|饭菜|味道|态度|不错|挺好|满意|难吃|好吃|太[咸淡硬贵慢差]|来的(?:阿姨|师傅|人)"
)
_NOT_A_PICK_RE = re.compile(r"[?？吗呢]|怎么|咋|几点|哪天|什么时候|多少|啥时候|进度|还没|没来|不来")


def picks_service(text: str | None, catalogue: Catalogue | None = None) -> str | None:
    """The service a message picks to book (助浴那个 我外公八十六了), or None (a question, a
    booking of the resident's own, no service, no word of picking)."""
    said = unicodedata.normalize("NFKC", text or "").strip()
    if not said or said.startswith("/") or not _PICKED_RE.search(said) or _NOT_A_PICK_RE.search(said):
        return None
    if about_own_booking(said) or _CANCEL_WORD_RE.search(said) or _DECLINES_PICK_RE.search(said):
        return None  # 助浴那个 退了吧 / 保洁那个 算了: a service declined is no pick
    from assistant.conversation import split

    if split.NO_NEW_BOOKING_RE.search(said) or _SERVICE_USED_RE.search(said):
        return None  # 那个保洁 上次来的阿姨不错 / 理发那个 改个时间: a service had, told of or moved
    if names_public_place(said):
        from assistant.tickets.duplicates import read_problem

        if read_problem(said).faults:
            return None  # 维修那个 电梯坏了: a public place's fault is a report, not a home repair
    return service_asked_for(said, catalogue=catalogue)


# --- the phone or the address of a booking just made, put right ------------------------
#
# 哎刚才电话留错了 最后一位是8不是6 139… / 地址说错了 是12栋3单元402, right after 预约好了: the
# booking just made keeps its time; only the contact said wrong changes (the classifier may
# hear nothing it knows in such words).
def contact_fixed_after_booking(
    db: Database, sender_id: str, booking_id: str, text: str | None, now: datetime | None = None
) -> str | None:
    """The reply when the words put right the phone or the address of the booking just
    made (``booking_id``), after changing it; None when they correct no contact (a time
    is the reschedule's), or the booking cannot be changed."""
    from assistant.booking.service import change_contact, get_booking

    said = unicodedata.normalize("NFKC", text or "").strip()
    if not said or said.startswith("/") or form_turns.is_stop(said) or re.search(r"[?？吗]", said):
        return None
    correction = correction_from(said, now=now)
    if correction is None or correction.value is None or correction.slot not in ("booking_phone", "booking_address"):
        return None
    with db.session() as session:
        booking = get_booking(session, booking_id)
    if booking is None or booking.status != "booked":
        return None
    if correction.slot == "booking_phone":
        phone = amended_phone(booking.phone, correction.value)
        if phone is None:
            return None
        changed, what = {"phone": phone}, f"联系电话改成{mask_phone(phone)}"
    else:
        if booking.location != "上门":
            return None
        place = address_from(correction.value)
        address = amended_address(booking.address, place) if place else None
        if not address:
            return None
        changed, what = {"address": address}, f"上门地址改成{address}"
    try:
        change_contact(db, booking_id, sender_id=sender_id, now=now, **changed)
    except BookingError as exc:
        return exc.message
    return f"好的，{when_text(booking.starts_at)}的{booking.service}预约（{booking_id}）{what}了，时间不变。"


# --- a booking asked about: by its id, or when the worker comes -------------------------
#
# YY… 这个还在吧 / 帮我查查YY…: one of the resident's bookings named by its id and asked
# about (no cancel, no move): its line. 师傅几点来 / 阿姨啥时候到 with a home-visit booking
# of theirs: when it is. The classifier may hear a new booking in either (the id's digits
# even read as a day), or a ticket's progress.
_ASKS_WHEN_COMES_RE = re.compile(
    r"(?:几点|什么时候|啥时候|几时|哪会儿|多会儿|什么时间|啥时间)[^，,。？?]{0,4}(?:来|到|上门|过来)"
    r"|(?:来|到|上门|过来)(?:的话)?[^，,。？?]{0,2}(?:几点|什么时候|啥时候|几时|什么时间|啥时间)"
)
_WORKER_RE = re.compile(r"师傅|师父|阿姨|人家|工作人员|你们的人|他们|她|他|人")


def booking_asked_by_id(db: Database, sender_id: str, text: str | None, *, now: datetime | None = None) -> str | None:
    """The answer to a message that names one of the resident's bookings by its id and
    asks nothing else of it (a cancel, a move and a new time go on as said), or None."""
    said = unicodedata.normalize("NFKC", text or "").strip()
    booking_id = find_booking_id(said)
    if not booking_id or said.startswith("/"):
        return None
    rest = re.sub(booking_id, "", said.upper().replace(" ", ""), flags=re.IGNORECASE)
    if _CANCEL_WORD_RE.search(rest) or _MOVE_RE.search(rest) or re.search(r"改|换|挪|推迟|提前|延", rest):
        return None
    if extract_time(rest, now) is not None:
        return None  # YY… 改后天: a new time with it is a move, not a question
    from assistant.residents.models import Resident

    with db.session() as session:
        booking = session.get(Booking, booking_id)
        owner = session.get(Resident, booking.resident_id) if booking is not None else None
        if booking is None or owner is None or owner.sender_id != sender_id:
            return None
        line = describe_booking(booking)
        status = booking.status
    if status == "booked":
        return f"预约号{booking_id}还在：{line}。要取消或改时间，跟我说就行。"
    return f"预约号{booking_id}：{line}。"


def asks_when_worker_comes(text: str | None) -> bool:
    """师傅几点来 / 阿姨啥时候到 / 几点上门: when the visit is, asked."""
    said = text or ""
    return bool(_ASKS_WHEN_COMES_RE.search(said)) and not _CANCEL_WORD_RE.search(said)


def visit_time_text(db: Database, sender_id: str, text: str | None, *, booking_id: str | None = None,
                    now: datetime | None = None) -> str | None:
    """The answer to 师傅几点来 from the resident's bookings: the one just made (``booking_id``),
    else the one upcoming booking of the service the words name (修理工 of a 维修 booking;
    a bare 你们几点来 may be about a ticket); None when it is not clear which (the words go
    on as said)."""
    if not asks_when_worker_comes(text):
        return None
    now = local_now(now)
    named = service_from(text or "")
    with db.session() as session:
        upcoming = upcoming_bookings(session, sender_id, now=now)
        chosen = [b for b in upcoming if b.id == booking_id] if booking_id else []
        if not chosen and named:
            chosen = [b for b in upcoming if b.service == named]
        if len(chosen) != 1:
            return None
        booking = chosen[0]
        what = f"上门{booking.service}" if booking.location == "上门" else booking.service
        when = when_text(booking.starts_at)
        home = booking.location == "上门"
    if home:
        return f"您约的{what}是{when}（预约号{booking.id}），到时候工作人员按这个时间上门，请在家等候。"
    return f"您约的{what}是{when}（预约号{booking.id}），请按时到{booking.location or '服务中心'}。"
