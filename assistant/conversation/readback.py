"""Every form answer read back to an elderly resident (issue #13, the elderly path).

An elderly resident hears each answer the form accepted before the next question, in
a short spoken sentence, so a misheard time or address is caught at once:

    好的，记下了：明天上午九点。          (then the form's next question)
    好的，改成了：三号楼二单元五零一。    (an earlier answer corrected)

What is said per kind of answer (``read_value``):

- service: its name (理发);
- time: 今天 / 明天 / 后天 or the date, then the time of day (明天下午三点半);
- address / place: as spoken (三号楼二单元五零一; a shared location is 您发的定位);
- phone: masked, the last four digits one by one with 1 as 幺 (电话尾号五六七幺);
- contact: the phone as above, or 不留电话 for an anonymous report;
- description: its first clause, at most ``DESCRIPTION_CHARS`` characters;
- eligibility: the age and / or 行动不便.

Everything goes through ``voice.normalise`` (no digits, no symbols), so the text is
the same on a screen and through the speaker. Who is elderly (``wants_readback``):
the request said so (``metadata["butler_elderly"]``, the voice channel's
``elderly=true``) or the resident's stored speech profile.

A bare 不对 / 说错了 right after a read-back means the answer just read back is
wrong: ``read_back_last_turn`` finds it in the tracker's events and the form asks it
again (``actions/forms.py``). The summaries at the end of a form (the booking's
您要预约…对吗？, 预约好了, the complaint's 已为您登记) are said to an elderly resident in
short sentences (``short_sentences``). Plain functions, no Rasa.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime

import structlog

from voice.normalise import read_date, read_digits, read_number, read_time, speakable

log = structlog.get_logger(__name__)

__all__ = ["ELDERLY_METADATA_KEY", "SLOT_KINDS", "PREFIX", "CORRECTED_PREFIX", "AGAIN_TEXT", "read_value",
           "readback_text", "is_readback", "is_bare_correction", "wants_readback", "read_back_last_turn",
           "short_sentences"]

# The metadata key a channel sets for a turn that is spoken to an elderly resident
# (the voice request's ``elderly=true``): the gateway sends it to Rasa with the message.
ELDERLY_METADATA_KEY = "butler_elderly"

# What kind of answer each form slot holds. A slot not named here is not read back.
SLOT_KINDS: dict[str, str] = {
    "booking_service": "service",
    "booking_eligibility": "eligibility",
    "booking_time": "time",
    "booking_address": "address",
    "booking_phone": "phone",
    "complaint_description": "description",
    "complaint_location": "place",
    "complaint_contact": "contact",
}

PREFIX = "好的，记下了："
CORRECTED_PREFIX = "好的，改成了："
# After a bare 不对 at a read-back: the form then asks that question again.
AGAIN_TEXT = "好的，我们重新说一下。"

DESCRIPTION_CHARS = 14
ANONYMOUS_WORDS = ("匿名",)
SHARED_LOCATION_WORDS = {"居民发送的定位": "您发的定位"}
_WEEKDAYS = "一二三四五六日"
_ISO_TIME_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})")
_CLAUSE_RE = re.compile(r"[，,。.！!？?；;：:、\s]+")
# 不对 / 说错了 / 错了 / 不是, with fillers, and nothing else (then no new value was said).
_BARE_CORRECTION_RE = re.compile(
    r"^(?:嗯|啊|哎|唉|呃|那个|不不|不)*[，,\s]*"
    r"(?:不对|不是|说错了?|我说错了?|错了|搞错了?|记错了?|听错了?|你听错了?|你记错了?)"
    r"(?:[，,\s]*(?:不对|不是|错了|说错了?|记错了?|听错了?))*"
    r"(?:啊|呀|吧|哦|的|了)*$")


# -- one answer -------------------------------------------------------------------------
def read_value(kind: str, value: object, *, now: datetime | date | None = None) -> str | None:
    """One accepted answer as a short spoken phrase, or None when there is nothing to
    say (an empty value, an unknown kind)."""
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    if kind == "service":
        return _plain(text)
    if kind == "time":
        return read_when(text, now=now)
    if kind in ("address", "place"):
        return _plain(SHARED_LOCATION_WORDS.get(text, text))
    if kind == "phone":
        return read_phone(text)
    if kind == "contact":
        if text in ANONYMOUS_WORDS:
            return "不留电话"
        return read_phone(text)
    if kind == "description":
        return "问题是" + _short(text)
    if kind == "eligibility":
        return _eligibility(text)
    return None


def read_when(value: str, *, now: datetime | date | None = None) -> str:
    """An ISO slot key (2026-11-30T15:00) as 明天下午三点; the day as 今天 / 明天 / 后天
    when ``now`` is given and it is that close, else as 十二月八日星期二."""
    m = _ISO_TIME_RE.match(value)
    if not m:
        return _plain(value)
    year, month, day, hour, minute = (int(g) for g in m.groups())
    try:
        when = datetime(year, month, day, hour, minute)
    except ValueError:
        return _plain(value)
    today = now.date() if isinstance(now, datetime) else now
    days = (when.date() - today).days if today is not None else None
    if days in (0, 1, 2):
        day_words = ("今天", "明天", "后天")[days]
    else:
        day_words = read_date(None, month, day) + "星期" + _WEEKDAYS[when.weekday()]
    return day_words + read_time(hour, minute)


def read_phone(value: str) -> str | None:
    """A phone as 电话尾号五六七幺 (masked: only the last four digits are said)."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", value))
    if len(digits) < 4:
        return None
    return "电话尾号" + read_digits(digits[-4:], yao=True)


def _plain(text: str) -> str:
    """Spoken text without the marks a listener does not hear."""
    spoken = speakable(text)
    return _CLAUSE_RE.sub("，", spoken).strip("，")


def _short(text: str) -> str:
    """A description's first clause, cut to ``DESCRIPTION_CHARS`` characters."""
    spoken = speakable(text)
    first = next((c for c in _CLAUSE_RE.split(spoken) if c), spoken)
    return first[:DESCRIPTION_CHARS]


def _eligibility(text: str) -> str | None:
    from assistant.booking.conversation import eligibility_from

    facts = eligibility_from(text)
    if facts is None:
        return _short(text)
    parts = []
    if facts.age is not None:
        parts.append(read_number(str(facts.age), measure="岁") + "岁")
    if facts.disabled:
        parts.append("行动不便")
    return "，".join(parts) or _short(text)


# -- the read-back --------------------------------------------------------------------
def readback_text(answers: Iterable[tuple[str, object]], *, corrected: bool = False,
                  now: datetime | date | None = None) -> str | None:
    """好的，记下了：理发，明天下午三点。 for the form slots just accepted (``(slot,
    value)`` in the order asked); None when none of them is read back."""
    phrases = []
    for slot, value in answers:
        kind = SLOT_KINDS.get(slot)
        phrase = read_value(kind, value, now=now) if kind else None
        if phrase and phrase not in phrases:
            phrases.append(phrase)
    if not phrases:
        return None
    return (CORRECTED_PREFIX if corrected else PREFIX) + "，".join(phrases) + "。"


def is_readback(text: str | None) -> bool:
    return bool(text) and str(text).startswith((PREFIX, CORRECTED_PREFIX))


def is_bare_correction(text: str | None) -> bool:
    """不对 / 说错了 / 你听错了 with nothing else: the resident says an answer is wrong
    without the new value."""
    said = unicodedata.normalize("NFKC", text or "").strip().rstrip("。.!！?？~～ ")
    return bool(_BARE_CORRECTION_RE.fullmatch(said))


def wants_readback(metadata: dict | None, stored_elderly: bool | None) -> bool:
    """Whether this turn's answers are read back: the request said the resident is
    elderly, or their stored profile does."""
    return bool((metadata or {}).get(ELDERLY_METADATA_KEY) is True or stored_elderly)


def read_back_last_turn(events: Sequence[dict]) -> list[str]:
    """The form slots read back in the butler's previous turn (the one before the
    resident's latest message), in the order they were set; [] when that turn read
    nothing back."""
    users = 0
    slots: list[str] = []
    read_back = False
    for event in reversed(events):
        kind = event.get("event")
        if kind == "user":
            users += 1
            if users == 2:
                break
            continue
        if users != 1:
            continue
        if kind == "bot" and is_readback(event.get("text")):
            read_back = True
        elif kind == "slot" and event.get("name") in SLOT_KINDS and event.get("value") is not None:
            if event["name"] not in slots:
                slots.insert(0, event["name"])
    return slots if read_back else []


# -- a summary in short sentences -------------------------------------------------------
SHORT_CLAUSE_CHARS = 4  # a clause shorter than this stays with the next one
_BRACKETED_RE = re.compile(r"[（(]([^（）()]{1,12})[）)]")
_WEEKDAY_RE = re.compile(r"(?:周|星期|礼拜)[一二三四五六日天]")
_MASKED_PHONE_RE = re.compile(r"(?<!\d)1\d{2}\*{4}(\d{4})(?!\d)")
_SUMMARY_SENTENCE_RE = re.compile(r"[^。！？!?]+[。！？!?]*")
_SUMMARY_MARKS = str.maketrans({c: None for c in "“”\"‘’'《》「」*#"})


def short_sentences(text: str) -> str:
    """A summary for an elderly resident: one fact per sentence, no brackets, quotes or
    masking stars (您要预约12月1日周二下午3点的上门理发。地址3号楼2单元501。联系电话尾号5678。
    对吗？). The words and their order stay; the ear reads the numbers."""
    if not text:
        return text
    # A weekday in brackets reads on (12月1日周二); anything else bracketed is a clause of its own.
    said = _BRACKETED_RE.sub(lambda m: m.group(1) if _WEEKDAY_RE.fullmatch(m.group(1)) else f"，{m.group(1)}，", text)
    said = _MASKED_PHONE_RE.sub(r"尾号\1", said).translate(_SUMMARY_MARKS)
    out = []
    for sentence in _SUMMARY_SENTENCE_RE.findall(said):
        body = sentence.rstrip("。！？!?")
        end = sentence[len(body):][:1] or "。"
        merged: list[str] = []
        for clause in (c.strip() for c in re.split(r"[，,；;]", body)):
            if not clause:
                continue
            if merged and len(merged[-1]) < SHORT_CLAUSE_CHARS:
                merged[-1] += "，" + clause
            else:
                merged.append(clause)
        if merged:
            out.append("。".join(merged) + end)
    return "".join(out)
