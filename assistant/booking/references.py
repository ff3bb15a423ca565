"""Which of a resident's upcoming bookings a message means, when it names no id.

刚才订的那个不要了, 理发那个, 明天那个, 周三的, 第二个: ``resolve_booking_reference``
reads such a message against the resident's UPCOMING, not-cancelled bookings (the
same set ``service.upcoming_bookings`` gives, soonest first, as ``upcoming_text``
numbers them) and says whether it points at ``one`` booking, is ``ambiguous`` (up to
four buttons with the booking id), or matches ``none`` (and whether the resident has
any upcoming booking at all).

What is read, in this order:

- an id (``find_booking_id``): that booking, if it is the resident's;
- a service, by its name or any alias of the catalogue (``Catalogue.resolve_service``:
  剪头发 -> 理发, 吃饭 -> 助餐), so staff's alias edits apply here too;
- the appointment's day (今天/明天/后天/大后天, 周三/下周三/这周三, 12月6日, 6号), part of
  the day (上午/下午/晚上) and clock (三点, 15:00);
- which one: 刚才订的/刚约的/最后那个/最新的 -> the most recently MADE booking (ids are
  ``YY`` + the day it was made + the day's sequence, so the largest id is the latest
  made, on the injected clock); 最早的/最近的那个/下一个 -> the soonest; 第二个 -> the
  second in the list.

The filters narrow the list; a "which one" word picks from what is left. No model is
loaded: plain regular expressions and one query.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from sqlalchemy.orm import Session

from assistant.booking.catalogue import Catalogue, load_catalogue
from assistant.booking.models import Booking
from assistant.booking.service import WEEKDAYS, find_booking_id, to_local, upcoming_bookings, when_text

Match = Literal["one", "ambiguous", "none"]
MAX_CANDIDATES = 4

_NUM = r"[0-9]{1,2}|[一二两三四五六七八九十]{1,3}"
_LATEST_MADE = re.compile(
    r"刚才|刚刚|刚(?:订|定|约|预约|预订|报名|下单|弄)|才(?:订|定|约|预约)的|新(?:订|定|约|预约)的"
    r"|最后(?:那|一|订|定|约|预约)|最新|最近(?:订|定|约|预约|预订)的|上一个")
# 这个取消了吧 / 刚约的不要了: pointing at the booking just talked about.
_POINTING = re.compile(r"这个|这一个|这单|这一单|刚(?:才|刚)?(?:订|定|约|预约|预订)的|刚才(?:那个|的)")
_SOONEST = re.compile(r"最早|最近的?那个|最近一个|最近的预约|下一个|马上(?:要|就)|快到的")
_ORDINAL = re.compile(rf"第\s*({_NUM})\s*(?:个|条|项)")
_MONTH_DAY = re.compile(rf"({_NUM})\s*月\s*({_NUM})\s*[日号]")
_DAY_OF_MONTH = re.compile(rf"(?<![0-9一二三四五六七八九十月第])({_NUM})\s*[日号](?![楼栋幢院室单元门0-9])")
_WEEKDAY = re.compile(r"(下+|这|本|这个|下个)?\s*(?:周|星期|礼拜)([一二三四五六日天1-7])")
_WEEKEND = re.compile(r"(下|这|本)?\s*(?:个)?周末")
_RELATIVE_DAYS = (("大后天", 3), ("后天", 2), ("明天", 1), ("明儿", 1), ("明早", 1), ("明晚", 1),
                  ("今天", 0), ("今儿", 0), ("今早", 0), ("今晚", 0))
_PERIODS: tuple[tuple[str, Callable[[int], bool]], ...] = (
    ("上午", lambda h: h < 12), ("早上", lambda h: h < 12), ("中午", lambda h: 11 <= h < 14),
    ("下午", lambda h: 12 <= h < 18), ("晚上", lambda h: h >= 18), ("傍晚", lambda h: h >= 17),
)
# 三点, 15:00, 下午三点半; not 早一点 / 快一点儿 / 有一点.
_CLOCK = re.compile(rf"(?<![早晚快慢有差多少])({_NUM})\s*(?:点(?!儿)|:|：)\s*(半|[0-9]{{2}}|一刻)?")
_WEEKDAY_INDEX = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
                  "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _number(text: str) -> int | None:
    """12 / 十二 / 二十三 as an int (days and hours stay below 100)."""
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return _CN_DIGITS.get(text) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if (tens and tens not in _CN_DIGITS) or (ones and ones not in _CN_DIGITS):
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


@dataclass(frozen=True)
class BookingChoice:
    """One button: ``title`` for the resident, ``payload`` to send back."""

    booking_id: str
    title: str
    payload: str


@dataclass
class BookingReference:
    """What a message refers to among the resident's upcoming bookings.

    ``match``: ``one`` (``booking`` is the one meant), ``ambiguous`` (ask which one:
    ``candidates`` are at most 4 buttons, soonest first), or ``none``.
    ``bookings``: the matching bookings, best first. ``has_upcoming``: whether the
    resident has any upcoming booking at all. ``service``: the service the message
    named (canonical name), if any. ``mentioned_id``: a YY id in the message that is
    not one of the resident's upcoming bookings. ``cues``: what was read (logs,
    tests). ``message``: a short Chinese sentence for ``ambiguous`` and ``none``.
    """

    match: Match
    bookings: list[Booking] = field(default_factory=list)
    candidates: list[BookingChoice] = field(default_factory=list)
    has_upcoming: bool = False
    service: str | None = None
    mentioned_id: str | None = None
    cues: list[str] = field(default_factory=list)
    message: str = ""

    @property
    def booking(self) -> Booking | None:
        return self.bookings[0] if self.match == "one" and self.bookings else None

    @property
    def booking_id(self) -> str | None:
        return self.booking.id if self.booking is not None else None


def booking_label(booking: Booking) -> str:
    """Button text: ``YY202611290001 理发 12月1日（周二）15:00``."""
    start = booking.starts_at
    return (f"{booking.id} {booking.service} {start.month}月{start.day}日（周{WEEKDAYS[start.weekday()]}）"
            f"{start:%H:%M}")


def cancel_payload(booking_id: str) -> str:
    """The payload of a cancel button: the intent and the id, never words for the classifier
    (取消预约YY… is a line the NLU may not place: the round-16 model read it as nlu_fallback,
    and a tap on the list got 没听明白). ``ActionCancelBooking`` reads the id from the text."""
    return "/cancel_booking" + json.dumps({"booking_id": booking_id}, ensure_ascii=False)


# ---- reading the message ------------------------------------------------------------------

@dataclass
class _Hints:
    day_word: str | None = None
    day_test: Callable[[date], bool] | None = None
    period_word: str | None = None
    period_test: Callable[[int], bool] | None = None
    clock: tuple[int, int | None] | None = None
    clock_word: str | None = None
    cues: list[str] = field(default_factory=list)


def _day_hint(text: str, today: date) -> tuple[str, Callable[[date], bool]] | None:
    for word, offset in _RELATIVE_DAYS:
        if word in text:
            target = today + timedelta(days=offset)
            return word, lambda d, t=target: d == t
    match = _MONTH_DAY.search(text)
    if match:
        month, day = _number(match.group(1)), _number(match.group(2))
        if month and day:
            return match.group(0), lambda d, m=month, n=day: (d.month, d.day) == (m, n)
    match = _WEEKDAY.search(text)
    if match:
        prefix, index = match.group(1) or "", _WEEKDAY_INDEX[match.group(2)]
        monday = today - timedelta(days=today.weekday())
        if prefix.startswith("下"):
            weeks = prefix.count("下")
            target = monday + timedelta(weeks=weeks, days=index)
            return match.group(0), lambda d, t=target: d == t
        if prefix:  # 这周三, 本周三
            target = monday + timedelta(days=index)
            return match.group(0), lambda d, t=target: d == t
        return match.group(0), lambda d, i=index: d.weekday() == i
    match = _WEEKEND.search(text)
    if match:
        prefix = match.group(1) or ""
        if not prefix:
            return match.group(0), lambda d: d.weekday() >= 5
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=1 if prefix == "下" else 0)
        return match.group(0), lambda d, m=monday: m + timedelta(days=5) <= d <= m + timedelta(days=6)
    match = _DAY_OF_MONTH.search(text)
    if match:
        day = _number(match.group(1))
        if day and 1 <= day <= 31:
            return match.group(0), lambda d, n=day: d.day == n
    return None


def _read_hints(text: str, today: date) -> _Hints:
    hints = _Hints()
    day = _day_hint(text, today)
    if day:
        hints.day_word, hints.day_test = day
        hints.cues.append(f"日期：{hints.day_word}")
    for word, test in _PERIODS:
        if word in text or (word == "早上" and "明早" in text) or (word == "晚上" and re.search("明晚|今晚", text)):
            hints.period_word, hints.period_test = word, test
            hints.cues.append(f"时段：{word}")
            break
    clock = _CLOCK.search(text)
    if clock:
        hour = _number(clock.group(1))
        minute_text = clock.group(2)
        minute = {"半": 30, "一刻": 15}.get(minute_text) if minute_text and not minute_text.isdigit() else (
            int(minute_text) if minute_text else None)
        if hour is not None and hour <= 24:
            if hints.period_word in ("下午", "晚上", "傍晚") and hour < 12:
                hour += 12
            elif hints.period_word is None and 1 <= hour <= 6:
                hour += 12  # 三点 for a community service means 15:00 (as timeparse reads it)
            hints.clock, hints.clock_word = (hour, minute), clock.group(0)
            hints.cues.append(f"时间：{clock.group(0)}")
    return hints


def _what(hints: _Hints, service: str | None) -> str:
    return "".join(w for w in (hints.day_word, hints.period_word, hints.clock_word, service) if w)


# 不用取消 / 就不用退了 / 先别撤 / 不想退: a cancel said and negated — keeping, wherever in the clause
# (理发不用取消了), not a cancel. The one reading of a negated cancel: the keeping of a named booking
# here, the answer to 要取消…吗？ and a cancel said again (booking.conversation) all use it.
NEGATED_CANCEL = r"(?:不|别|甭|先不|先别|不用|不要|不想|不必)(?:要|用|再)?(?:取消|退|撤)"
NEGATED_CANCEL_RE = re.compile(NEGATED_CANCEL)
# 吃饭那个留着 / 助餐的不退 / 体检照常去 / 理发不用取消了: a booking named and kept.
KEEPS_NAMED_RE = re.compile(NEGATED_CANCEL + r"|留着|保留|还要(?![约订再])|照常|照旧|还去|别动|不动|不变")


def _service_asked_about(norm: str, catalogue: Catalogue):  # noqa: ANN202 - a catalogue Service or None
    """The service the message asks something of: 助餐不要了 理发留着 names two, and the one kept
    is not the one meant; else the service named (the longest name said)."""
    clauses = [c for c in re.split(r"[，,。；;！!？?\s]+", norm) if c]
    asked = {found.name: found for c in clauses if not KEEPS_NAMED_RE.search(c)
             if (found := catalogue.resolve_service(c)) is not None}
    if len(asked) == 1:
        return next(iter(asked.values()))
    return catalogue.resolve_service(norm)


def resolve_booking_reference(session: Session, sender_id: str, text: str, *, now: datetime | None = None,
                              catalogue: Catalogue | None = None) -> BookingReference:
    """The resident's upcoming booking(s) a message like 刚才订的那个不要了 refers to.

    Only ``sender_id``'s live bookings that have not started are considered;
    cancelled and past ones never match. Deterministic for a given ``now``."""
    catalogue = catalogue or load_catalogue()
    local_now = to_local(now)
    norm = unicodedata.normalize("NFKC", text or "").strip()
    upcoming = sorted(upcoming_bookings(session, sender_id, now=local_now), key=lambda b: (b.starts_at, b.id))
    has_upcoming = bool(upcoming)

    mentioned = find_booking_id(norm)
    if mentioned:
        chosen = [b for b in upcoming if b.id == mentioned]
        if chosen:
            return BookingReference("one", chosen, has_upcoming=True, cues=[f"预约号 {mentioned}"])
        return BookingReference("none", has_upcoming=has_upcoming, mentioned_id=mentioned,
                                cues=[f"预约号 {mentioned} 不在本人待进行的预约里"],
                                message=f"没有找到您待进行的预约{mentioned}。")

    resolved = _service_asked_about(norm, catalogue)
    service = resolved.name if resolved else None
    hints = _read_hints(norm, local_now.date())
    cues = ([f"服务：{service}"] if service else []) + hints.cues
    if not upcoming:
        return BookingReference("none", has_upcoming=False, service=service, cues=cues,
                                message="您现在没有预约。")

    matching = upcoming
    if service:
        matching = [b for b in matching if b.service == service]
    if hints.day_test:
        matching = [b for b in matching if hints.day_test(b.starts_at.date())]
    if hints.period_test:
        matching = [b for b in matching if hints.period_test(b.starts_at.hour)]
    if hints.clock:
        hour, minute = hints.clock
        matching = [b for b in matching if b.starts_at.hour == hour and (minute is None or b.starts_at.minute == minute)]
    if not matching and _POINTING.search(norm):
        # 闺女说周末带我去外头剪，这个取消了吧: the day is said for another reason; the
        # clause that points (这个取消了吧) says which booking, read on its own.
        clauses = [c for c in re.split(r"[，,。；;！!？?\s]+", norm) if _POINTING.search(c)]
        narrowed = _read_hints("，".join(clauses), local_now.date())
        matching = [b for b in upcoming if not service or b.service == service]
        for test in (narrowed.day_test, narrowed.period_test):
            matching = [b for b in matching if test is None or test(b.starts_at.date() if test is narrowed.day_test
                                                                      else b.starts_at.hour)]
        if len(matching) > 1:
            matching = [max(matching, key=lambda b: b.id)]  # 这个: the one just made
        cues.append("指的是刚说的这个")
    if not matching:
        return BookingReference("none", has_upcoming=True, service=service, cues=cues,
                                message=f"您没有{_what(hints, service)}的预约。")

    chosen: Booking | None = None
    ordinal = _ORDINAL.search(norm)
    if len(matching) == 1:
        chosen = matching[0]
        cues.append("唯一相符")
    elif _LATEST_MADE.search(norm):
        chosen = max(matching, key=lambda b: b.id)  # YY + day made + sequence: the latest made
        cues.append("最近订的")
    elif _SOONEST.search(norm):
        chosen = matching[0]
        cues.append("时间最早的")
    elif ordinal:
        index = _number(ordinal.group(1))
        if index is not None and 1 <= index <= len(matching):
            chosen = matching[index - 1]
            cues.append(f"第{index}个")
    if chosen is not None:
        rest = [b for b in matching if b.id != chosen.id]
        return BookingReference("one", [chosen, *rest], has_upcoming=True, service=service, cues=cues)
    what = _what(hints, service)
    shown = matching[:MAX_CANDIDATES]
    # Said in words too (a voice channel, a resident who reads the text, not the buttons):
    # each one's service and time, in the buttons' order.
    listed = "；".join(f"{b.service}，{when_text(to_local(b.starts_at))}" for b in shown)
    return BookingReference(
        "ambiguous", matching, has_upcoming=True, service=service, cues=cues,
        candidates=[BookingChoice(b.id, booking_label(b), cancel_payload(b.id)) for b in shown],
        message=f"您有{len(matching)}个{what}预约：{listed}。是哪一个？")


__all__ = ["BookingChoice", "BookingReference", "booking_label", "cancel_payload", "resolve_booking_reference"]
