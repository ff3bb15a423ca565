"""Which of a resident's own tickets a message means, when it names no id.

Residents rarely quote ``GD202612010003``. They say 那个漏水的事有回复了吗, 上次说的路灯
修了没, 昨天反映的咋样了. ``resolve_ticket_reference`` reads such a message against
the tickets of THAT resident only (filed by them, or linked to them as a duplicate
report) and says whether it points at ``one`` ticket, is ``ambiguous`` (the candidates
come with short Chinese button labels and the id for the payload), or matches
``none`` (and whether the resident has any ticket at all).

How a message is read (no model is loaded; jieba's dictionary is the only shared
state, already warm in the action server):

- **topics**: a table of everyday variants per problem (漏水/渗水/滴水/水管, 路灯/灯不亮/
  黑灯, 噪音/吵/装修声 ...). When the message names a topic, only tickets about the
  same topic can match: 楼道漏水 never resolves to 楼道灯不亮.
- **residual words**: what is left once reference phrasing (那个…的事, 有回复了吗),
  topic words and place words are removed, compared with the ticket's text as jieba
  words and character bigrams (楼道, 卫生间 tell two leaks apart). Without a topic,
  the complaint classifier's keyword lexicon (``classify.lexicon_scores``, no model)
  gives categories to compare with the ticket's category.
- **place**: ``intake.extract_location`` (3号楼): the same building ranks higher, a
  different building excludes the ticket.
- **time**: 今天/昨天/前天/前几天/上周/这周/上个月 favour tickets reported then;
  上次/上回/刚才/刚刚/最近一次/最后 mean the latest one.
- **state**: open tickets rank above closed ones; among equally good matches a single
  open ticket is the one meant (the resident asks about what is still pending).

``is_reference_to_existing`` tells a message about an earlier matter (上次反映的…, 修了
没, 咋样了) from a new report (楼上又漏水了), so the dialogue can steer a message the
intent classifier read as a new complaint to the progress path. Steer only when
``resolve_ticket_reference`` also finds a match: a resident without tickets who
writes 投诉过好几次了 is still reporting something.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import jieba
from sqlalchemy.orm import Session

from assistant.privacy import mask_text
from assistant.settings import get_settings
from assistant.tickets.ids import find_ticket_id
from assistant.location import find_locations, strip_locations
from assistant.tickets.intake import extract_location
from assistant.tickets.lifecycle import OPEN_STATES, aware, utcnow
from assistant.tickets.models import Ticket
from assistant.tickets.service import TicketFilters, list_tickets

jieba.setLogLevel(60)

Match = Literal["one", "ambiguous", "none"]

MAX_CANDIDATES = 4
# How many of the resident's most recent tickets are considered.
MAX_TICKETS = 50
# Scores within this of the best are equally good matches ("contenders").
MARGIN = 1.5
W_TOPIC, W_PLACE, W_TIME, W_OPEN, W_CATEGORY = 3.0, 2.0, 3.0, 1.0, 1.0

# ---- the problem topics and their everyday variants --------------------------------

# topic -> pattern of the ways residents name it. A ticket and a message share a topic
# when both texts match its pattern. Kept deliberately broad within one topic and
# never across two (漏 is not 漏电/漏气).
TOPICS: dict[str, str] = {
    "漏水": r"漏水|渗水|滴水|水管|漏(?![电气])|渗|滴答|水渍|水印|返水|冒水|爆管|跑水|淹|泡水|发霉|霉|潮湿|湿了|防水|地漏",
    "灯": r"灯|不亮|太黑|黑乎乎|黑漆漆|黑咕隆咚|黑灯瞎火|照明",
    "噪音": r"噪音|噪声|吵|装修声|声音|扰民|广场舞|电钻|砸墙|装修|动静大|音响|喇叭|闹腾|睡不着",
    "垃圾": r"垃圾|臭|异味|味儿大|清运|脏|苍蝇|老鼠|蟑螂|卫生(?!间)|保洁",
    "电梯": r"电梯|直梯|升降梯|困梯",
    "停车": r"停车|车位|乱停|违停|挪车|僵尸车|占道停|(?:车|车辆)占道|开不出|堵门|堵住门|车停|把车",
    "宠物": r"狗|宠物|猫|犬|遛狗",
    "停水停电": r"停水|没水|停电|没电|断电|跳闸|水压|水小|自来水|水质|水黄|电压",
    "燃气": r"燃气|煤气|天然气|漏气|液化气",
    "暖气": r"暖气|供暖|不热|冰凉|太冷|冻",
    "绿化": r"树|草坪|杂草|绿化|花坛|修剪|落叶|绿地",
    "路面": r"井盖|路面|坑|塌陷|地砖|人行道|马路|台阶",
    "下水道": r"下水道|下水|马桶|堵塞|管道堵|排水|反味|化粪池",
    # 卖菜那个 / 占道卖水果的事: selling on the way is the stall, said by what is sold.
    "摆摊": r"摆摊|摊|小贩|占道(?:经营|摆|卖)|叫卖|夜市|(?<!买)卖(?:菜|水果|衣服|东西|货|早点|小吃|烧烤|鞋)",
    "消防": r"消防|充电|飞线|电瓶|电动车|楼道堆|堆放|杂物|灭火器",
    "门禁": r"门禁|单元门|大门|道闸|门锁|对讲|门坏",
    "治安": r"小偷|偷|被盗|撬|可疑|陌生人|监控|打架",
    "油烟": r"油烟|烟味|抽烟|烧烤",
    "小广告": r"小广告|广告|牛皮癣",
    "墙": r"墙皮|外墙|脱落|裂缝|墙裂|掉渣",
    "物业费": r"物业费|收费|乱收费|停车费",
}
_TOPIC_RES = {name: re.compile(pattern) for name, pattern in TOPICS.items()}

# ---- what is not content: the reference phrasing itself ------------------------------

_PARTICLES = r"(?:吗|嘛|么|没|没有|呢|不|冇)"
# News about a matter: always about something earlier (有回复了吗, 还没下文).
_NEWS = r"(?:回复|答复|回音|回信|进展|下文|说法|信儿|准信)"
# Words that are about news only when asked (有消息了吗; but 楼上有动静 is a report).
_NEWS_ASKED = r"(?:消息|结果|动静|反馈|信)"
# Asking how an earlier matter is going.
_PROGRESS = re.compile(
    rf"(?:有没有|有|没有|没|还没有|还没)(?:人)?{_NEWS}"
    rf"|(?:有没有|有|还没有|还没)(?:人)?{_NEWS_ASKED}(?:了|啦)?{_PARTICLES}"
    rf"|有人(?:管|来|处理|修|理|看)了{_PARTICLES}?"
    rf"|(?:修|弄|处理|解决|搞|办|管|整|看)(?:好|完|掉)?(?:了|啦){_PARTICLES}"
    rf"|(?:修|弄|处理|解决|搞|整)(?:好|完){_PARTICLES}"
    rf"|(?:修|弄|处理|解决|管|办)没(?:有)?(?:修|弄|处理|解决|管|办)"
    rf"|有没有(?:修|处理|解决)"
    rf"|(?:怎么样|咋样|如何|怎样|咋整|啥样)(?:了|啦|嘞|咧)"
    rf"|进度|进展|到哪(?:一步)?了|什么进度|处理情况|处理结果|结果(?:呢|如何|怎么样)"
)
# Pointing back at something reported before.
_REPORT_VERBS = r"(?:反映|投诉|报修|举报|报|说|讲|提|登记|打电话|留言|反馈)"
_WHEN_BEFORE = (r"(?:上次|上回|之前|以前|早先|先前|前几天|前两天|前些天|刚才|刚刚|那天|早上|昨天|前天|上周|"
                r"上个?星期|上个?礼拜|上个?月|头几天)")
_REFERENCE_VERBS = (
    rf"{_WHEN_BEFORE}(?:我|俺)?(?:跟|给|向|和)?(?:你们|您|社区|物业)?(?:已经)?{_REPORT_VERBS}(?:过|了)?(?:的|那)"
    rf"|(?:我|俺)(?:们)?(?:家)?(?:已经)?(?:反映|投诉|报修|举报|报)(?:过|了)?的"
    rf"|(?:反映|投诉|报修|举报)(?:过"
    rf"|了(?:好几|几|很多|多|两|三|[0-9]+)(?:次|回|遍|天)|了(?:好久|半天|一个?星期|一个?月|[0-9]+天))"
    rf"|工单|我的(?:投诉|报修|反映)"
)
_REFERENCE = re.compile(
    _REFERENCE_VERBS +
    r"|那(?:个|件|桩)(?:[^，。！？,.!?]{0,14}?)(?:的)?(?:事|事情|事儿|问题|情况|投诉|工单|单子|报修)"
    # 卖菜那个还没管吧 / 井盖那件是不是还没修: one of theirs pointed at, asked whether it is done yet.
    r"|那(?:个|件|桩)(?:事儿?)?[，,\s]*(?:是不是)?(?:还|也)?没(?:有)?(?:人)?(?:修|弄|处理|解决|搞|办|管|整|动)"
)
# A new report about a problem coming back (楼上又漏水了) or a wish to report.
_NEW_REPORT = re.compile(r"又|再次|重新|还在|(?:想|要|来)(?:要)?(?:反映|投诉|举报|报修)|新的")

# Removed from a message before its residual words are compared (the content words
# inside 那个…的事 stay).
_NOISE = re.compile(
    _PROGRESS.pattern + "|" + _REFERENCE_VERBS + "|" + _WHEN_BEFORE +
    rf"|{_REPORT_VERBS}(?:过|了)?|(?:帮我|麻烦|请问|你好|您好|喂|那个|这个|那件|这件|那桩|那事儿?|事情|事儿|事|问题|情况)"
    r"|(?:查|看|问)(?:一下|一查|查|看|问|下)?|处理|解决|回复|答复|什么时候|啥时候|多久|到底|究竟|一直|现在|目前|还没|都|咋|怎么|啥"
    r"|今天|昨天|前天|大前天|这周|本周|上周|上个?星期|上个?月|上午|下午|晚上|早上|中午|最近|最后|一次"
)
# Words that say where, not what (the place is compared separately).
# Locations themselves (203号楼2单元, 东门) are cut by the location parser
# (``_without_places``); these are the words around them.
_PLACE = re.compile(r"我家|我们家|俺家|家里|楼上|楼下|门口|小区|附近|旁边|对面|这里|那里|这边|那边|[东南西北]门")
_STOP_CHARS = set("的了吗呢啊呀吧嘛么哈哦喔呗啦嘞我你他她它们这那是在有就都也很还又再把被给让和与及或个件")
_STOP_WORDS = frozenset({"一下", "一个", "什么", "怎么", "还是", "就是", "然后", "已经", "你们", "我们", "他们",
                         "现在", "时候", "好像", "感觉", "那个", "这个", "一直", "不是", "没有", "可以"})
_CJK = re.compile(r"[\u4e00-\u9fff]")

# ---- time hints -----------------------------------------------------------------------

_LATEST = re.compile(r"上次|上回|上一次|刚才|刚刚|刚(?:反映|投诉|报|说)|最近一次|最近(?:反映|投诉|报|说)|最后(?:一次|那个|那件)?")


@dataclass(frozen=True)
class TicketChoice:
    """One button: ``title`` for the resident, ``payload`` to send back."""

    ticket_id: str
    title: str
    payload: str


@dataclass
class TicketReference:
    """What a message refers to among the resident's tickets.

    ``match``: ``one`` (``ticket`` is the one meant), ``ambiguous`` (ask which one:
    ``candidates`` are at most 4 buttons, best first), or ``none``.
    ``tickets``: every matching ticket of this resident, best first (for ``one`` the
    chosen ticket is first). ``has_any_ticket``: whether the resident has any ticket
    at all (for ``none``: "no such complaint" versus "no complaints yet").
    ``mentioned_id``: a GD id in the message that is not the resident's (the caller
    may still answer with the public status). ``topics`` and ``cues`` say what was
    read (for logs and tests). ``message``: a short Chinese sentence for ``ambiguous``
    and ``none`` (empty for ``one``: the caller answers with the ticket's status).
    """

    match: Match
    tickets: list[Ticket] = field(default_factory=list)
    candidates: list[TicketChoice] = field(default_factory=list)
    has_any_ticket: bool = False
    mentioned_id: str | None = None
    topics: list[str] = field(default_factory=list)
    cues: list[str] = field(default_factory=list)
    message: str = ""

    @property
    def ticket(self) -> Ticket | None:
        return self.tickets[0] if self.match == "one" and self.tickets else None

    @property
    def ticket_id(self) -> str | None:
        return self.ticket.id if self.ticket is not None else None


# ---- reading text ---------------------------------------------------------------------

def _normalise(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").lower().strip()


def _topics(text: str) -> set[str]:
    return {name for name, pattern in _TOPIC_RES.items() if pattern.search(text)}


def _strip_topics(text: str) -> str:
    for pattern in _TOPIC_RES.values():
        text = pattern.sub(" ", text)
    return text


def _chunks(text: str) -> list[str]:
    cleaned = "".join(ch if (ch.isalnum() and ch not in _STOP_CHARS) else " " for ch in text)
    return cleaned.split()


def _bigrams(text: str) -> set[str]:
    return {chunk[i:i + 2] for chunk in _chunks(text) for i in range(len(chunk) - 1)}


def _words(text: str) -> set[str]:
    return {w for w in jieba.lcut_for_search(text)
            if len(w) >= 2 and _CJK.search(w) and w not in _STOP_WORDS and not any(c in _STOP_CHARS for c in w[:1])}


def _without_places(text: str) -> str:
    return _PLACE.sub(" ", strip_locations(text))


def _buildings(text: str | None) -> set[str]:
    """The buildings named in ``text`` (203号楼 -> "203", 十二栋 -> "12"), by the location parser."""
    return {loc.building for loc in find_locations(text) if loc.building}


@dataclass(frozen=True)
class _Query:
    topics: frozenset[str]
    words: frozenset[str]
    bigrams: frozenset[str]
    categories: frozenset[str]
    location: str | None
    buildings: frozenset[str]
    window: tuple[date, date] | None  # local dates, inclusive
    window_name: str | None
    latest: bool


def _window(text: str, today: date) -> tuple[tuple[date, date] | None, str | None]:
    """The local days a time word points at (inclusive), and the word."""
    monday = today - timedelta(days=today.weekday())
    first_of_month = today.replace(day=1)
    last_month_end = first_of_month - timedelta(days=1)
    rules: list[tuple[str, tuple[date, date]]] = [
        (r"大前天", (today - timedelta(days=3),) * 2),
        (r"前天", (today - timedelta(days=2),) * 2),
        (r"昨天|昨儿|昨晚|昨日", (today - timedelta(days=1),) * 2),
        (r"今天|今儿|今早|今日|早上|上午|下午|刚才|刚刚", (today, today)),
        (r"前几天|前两天|前些天|头几天", (today - timedelta(days=7), today - timedelta(days=1))),
        (r"上周|上个?星期|上个?礼拜", (monday - timedelta(days=7), monday - timedelta(days=1))),
        (r"这周|本周|这个?星期|这个?礼拜", (monday, today)),
        (r"上个?月", (last_month_end.replace(day=1), last_month_end)),
        (r"这个?月|本月", (first_of_month, today)),
    ]
    for pattern, span in rules:
        match = re.search(pattern, text)
        if match:
            return span, match.group(0)
    return None, None


def _read_query(text: str, today: date) -> _Query:
    from assistant.tickets.classify import lexicon_scores

    norm = _normalise(text)
    location = extract_location(norm)
    topics = _topics(_without_places(norm))
    residual = _without_places(_NOISE.sub(" ", norm))
    residual = _strip_topics(residual)
    categories = frozenset() if topics else frozenset(lexicon_scores(residual))
    window, window_name = _window(norm, today)
    latest = bool(_LATEST.search(norm))
    if window_name in ("刚才", "刚刚"):
        window, window_name = None, None  # 刚才 means the latest, whatever its day
    return _Query(topics=frozenset(topics), words=frozenset(_words(residual)), bigrams=frozenset(_bigrams(residual)),
                  categories=categories, location=location, buildings=frozenset(_buildings(location)),
                  window=window, window_name=window_name, latest=latest)


# ---- the resident's tickets ----------------------------------------------------------------

@dataclass
class _Scored:
    ticket: Ticket
    reported_at: datetime  # when THIS resident reported it (their own report for a linked duplicate)
    text: str
    is_open: bool
    score: float = 0.0
    cues: list[str] = field(default_factory=list)
    words: str = ""  # what this resident said (for the button), never another resident's words


def _own_view(ticket: Ticket, sender_id: str) -> _Scored:
    """The ticket as this resident knows it: their own words only (a resident linked
    as a duplicate never matches, nor sees, the first reporter's words)."""
    texts = [ticket.description] if ticket.sender_id == sender_id else []
    reported = aware(ticket.created_at)
    for watcher in ticket.watchers:
        if watcher.sender_id == sender_id:
            if watcher.description:
                texts.append(watcher.description)
            if not watcher.is_filer and ticket.sender_id != sender_id:
                reported = aware(watcher.at)
    return _Scored(ticket=ticket, reported_at=reported, text=_normalise("\n".join(texts)),
                   is_open=ticket.status in OPEN_STATES, words=texts[0] if texts else "")


def _residual_score(query: _Query, item: _Scored) -> float:
    if not query.bigrams and not query.words:
        return 0.0
    grams = _bigrams(item.text)
    shared_grams = len(query.bigrams & grams)
    containment = shared_grams / len(query.bigrams) if query.bigrams else 0.0
    shared_words = sum(1 for w in query.words if w in item.text)
    if shared_grams == 0 and shared_words == 0:
        return 0.0
    return round(2.0 * containment + min(shared_words, 2), 3)


def _summary(description: str, limit: int = 12) -> str:
    """The first clause of the complaint, without greetings, for a button."""
    first = re.split(r"[，。！？；,.!?;\n]", (description or "").strip())
    text = next((part for part in first if len(_CJK.findall(part)) >= 2), first[0] if first else "")
    text = re.sub(r"^(?:你好|您好|喂|请问|麻烦|那个|就是|嗯|我要?(?:投诉|反映|举报|报修)(?:一下)?|我想(?:投诉|反映)(?:一下)?)+",
                  "", text.strip()).strip()
    text = mask_text(text) or ""
    return text if len(text) <= limit else text[:limit] + "…"


def ticket_label(ticket: Ticket, *, reported_at: datetime | None = None, words: str | None = None) -> str:
    """Button text: ``GD202612010003 楼道漏水（12月1日）``; closed ones say so. ``words``:
    what this resident said (a linked reporter's own words, never the first reporter's)."""
    tz = ZoneInfo(get_settings().timezone)
    day = aware(reported_at or ticket.created_at).astimezone(tz)
    state = "" if ticket.status in OPEN_STATES else f"，{ticket.status}"
    summary = _summary(ticket.description if words is None else words)
    return f"{ticket.id} {summary}（{day.month}月{day.day}日{state}）" if summary else \
        f"{ticket.id}（{day.month}月{day.day}日{state}）"


def check_ticket_payload(ticket_id: str) -> str:
    return f'/check_ticket{{"ticket_id": "{ticket_id}"}}'


def _choices(items: list[_Scored]) -> list[TicketChoice]:
    return [TicketChoice(ticket_id=i.ticket.id, title=ticket_label(i.ticket, reported_at=i.reported_at,
                                                                   words=i.words),
                         payload=check_ticket_payload(i.ticket.id)) for i in items[:MAX_CANDIDATES]]


def _what(query: _Query) -> str:
    if query.topics:
        return "、".join(sorted(query.topics, key=list(TOPICS).index))
    if query.categories:
        return "、".join(sorted(query.categories))
    return ""


def resolve_ticket_reference(session: Session, sender_id: str, text: str, *,
                             now: datetime | None = None) -> TicketReference:
    """The resident's ticket(s) a message like 那个漏水的事有回复了吗 refers to.

    Only tickets of ``sender_id`` are considered (filed by them or linked to them as
    a duplicate). Deterministic: the same tickets and text always give the same
    answer; ties go to the more recent report, then the larger id."""
    now = aware(now) or utcnow()
    tz = ZoneInfo(get_settings().timezone)
    today = now.astimezone(tz).date()
    own, _ = list_tickets(session, TicketFilters(sender_id=sender_id), limit=MAX_TICKETS, now=now)
    items = [_own_view(t, sender_id) for t in own]
    has_any = bool(items)

    mentioned = find_ticket_id(text)
    if mentioned:
        chosen, _ = list_tickets(session, TicketFilters(sender_id=sender_id, ids=[mentioned]), limit=1, now=now)
        if chosen:
            return TicketReference("one", chosen, has_any_ticket=True, cues=[f"工单号 {mentioned}"])
        return TicketReference("none", has_any_ticket=has_any, mentioned_id=mentioned,
                               cues=[f"工单号 {mentioned} 不是本人的"],
                               message=f"您的投诉里没有工单 {mentioned}。")
    if not items:
        return TicketReference("none", has_any_ticket=False, message="您还没有投诉记录。有问题可以直接告诉我。")

    query = _read_query(text, today)
    cues = [f"话题：{t}" for t in sorted(query.topics, key=list(TOPICS).index)]
    cues += [f"类别：{c}" for c in sorted(query.categories)]
    if query.location:
        cues.append(f"地点：{query.location}")
    if query.window_name:
        cues.append(f"时间：{query.window_name}")
    if query.latest:
        cues.append("最近一次")

    residual = {id(i): _residual_score(query, i) for i in items}
    any_residual = any(residual.values())
    plausible: list[_Scored] = []
    for item in items:
        item_topics = _topics(_without_places(item.text))
        shared_topics = query.topics & item_topics
        category_hit = item.ticket.category in query.categories
        if query.topics:
            ok = bool(shared_topics)
        elif query.categories:
            ok = category_hit or residual[id(item)] > 0
        else:
            ok = residual[id(item)] > 0 or not any_residual
        ticket_buildings = _buildings(item.ticket.address) | _buildings(item.text)
        if query.buildings and ticket_buildings and not (query.buildings & ticket_buildings):
            ok = False  # 3号楼 was said; this one is about another building
        if not ok:
            continue
        score = W_TOPIC * len(shared_topics) + residual[id(item)]
        item.cues = [f"同一问题：{'、'.join(sorted(shared_topics))}"] if shared_topics else []
        if residual[id(item)]:
            item.cues.append(f"字词相近 {residual[id(item)]:g}")
        if category_hit:
            score += W_CATEGORY
            item.cues.append(f"类别相同：{item.ticket.category}")
        if query.location and (query.buildings & ticket_buildings or (
                not query.buildings and query.location in f"{item.ticket.address or ''}{item.text}")):
            score += W_PLACE
            item.cues.append(f"地点相同：{query.location}")
        if query.window:
            day = item.reported_at.astimezone(tz).date()
            if query.window[0] <= day <= query.window[1]:
                score += W_TIME
                item.cues.append(f"时间相符：{query.window_name}")
        if item.is_open:
            score += W_OPEN
        item.score = round(score, 3)
        plausible.append(item)

    if not plausible:
        what = _what(query)
        about = f"关于{what}的" if what else "对得上的"
        return TicketReference("none", has_any_ticket=has_any, topics=sorted(query.topics), cues=cues,
                               message=f"没有找到您反映过{about}事。说“我的投诉”可以看全部记录。")

    plausible.sort(key=lambda i: (-i.score, -i.reported_at.timestamp(), _neg(i.ticket.id)))
    best = plausible[0].score
    contenders = [i for i in plausible if i.score >= best - MARGIN]
    chosen: _Scored | None = None
    if len(contenders) == 1:
        chosen = contenders[0]
        cues.append("唯一最相符")
    elif query.latest:
        chosen = max(contenders, key=lambda i: (i.reported_at, i.ticket.id))
        cues.append("取最近一次反映的")
    elif sum(1 for i in contenders if i.is_open) == 1:
        chosen = next(i for i in contenders if i.is_open)
        cues.append("唯一未办结的")
    contender_ids = {id(i) for i in contenders}
    ordered = sorted(plausible, key=lambda i: (id(i) not in contender_ids, not i.is_open, -i.score,
                                               -i.reported_at.timestamp(), _neg(i.ticket.id)))
    topics = sorted(query.topics, key=list(TOPICS).index)
    if chosen is not None:
        ordered.remove(chosen)
        ordered.insert(0, chosen)
        return TicketReference("one", [i.ticket for i in ordered], has_any_ticket=True, topics=topics,
                               cues=cues + chosen.cues)
    what = _what(query)
    question = f"您反映过{len(ordered)}件{what + '的' if what else ''}事，问的是哪一件？" if len(ordered) <= MAX_CANDIDATES \
        else f"您反映过好几件{what + '的' if what else ''}事，问的是哪一件？"
    return TicketReference("ambiguous", [i.ticket for i in ordered], candidates=_choices(ordered),
                           has_any_ticket=True, topics=topics, cues=cues, message=question)


def _neg(ticket_id: str) -> tuple[int, ...]:
    """Sort key putting larger ids first."""
    return tuple(-ord(c) for c in ticket_id)


# ---- an earlier matter, or a new report? ------------------------------------------------------

def is_reference_to_existing(text: str | None) -> bool:
    """Does the message ask about a matter reported before (那个漏水的事有回复了吗,
    上次说的漏水修了没, 我之前反映的路灯, 咋样了) rather than report a new one
    (楼上又漏水了, 我要投诉楼道灯坏了)? A progress question always counts; a pointer
    back (上次反映的, 那个…的事, 投诉过) counts unless the message reports the problem
    again (又, 再次) or asks to file one."""
    norm = _normalise(text)
    if not norm:
        return False
    if find_ticket_id(norm):
        return True
    if _PROGRESS.search(norm):
        return True
    return bool(_REFERENCE.search(norm)) and not _NEW_REPORT.search(norm)


__all__ = [
    "TOPICS", "TicketChoice", "TicketReference", "check_ticket_payload", "is_reference_to_existing",
    "resolve_ticket_reference", "ticket_label",
]
