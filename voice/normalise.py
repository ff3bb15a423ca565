"""Written Chinese to text a synthesiser reads aloud correctly.

espeak-ng's Mandarin voice reads ASCII digits, symbols and Markdown badly (or in
English), and a listener needs identifiers digit by digit, times as 下午三点半 and
money as 十二点五元. ``speakable`` rewrites a reply in that spirit:

- Markdown, URLs, e-mail addresses and emoji are dropped (the words stay);
- ids (GD202612050007, YY…), phone numbers and hotlines are read digit by digit,
  1 as 幺 (幺三八…, 幺幺零: how Chinese operators say them, and no 一 to be misheard
  as 七); ``yao=False`` says 一. Dates, times, money, room numbers and counts keep 一;
- dates (2026-12-05 → 二零二六年十二月五日), times (15:30 → 下午三点半, ranges with
  到), money (¥12.5 / 12.5元 → 十二点五元), percentages (百分之…), temperatures;
- room numbers after 单元/栋 or before 室 digit by digit (501 → 五零一);
- any other number as a value (cn2an), with 两 where Mandarin says it (两点, 两个);
- a knowledge-base answer's 来源：《…》 becomes 这是根据《…》.

The rules run in a fixed order (the most specific first, so a phone number is not
read as a value) and the result holds no ASCII digits, which makes the function
idempotent: normalising twice changes nothing.
"""

from __future__ import annotations

import re
import unicodedata

import cn2an

__all__ = ["speakable", "read_digits", "read_number", "read_time", "read_date"]

_DIGITS = "零一二三四五六七八九"

# Full-width digits, letters and a few symbols to ASCII, so one set of rules sees them.
# (Not NFKC: that would also turn Chinese punctuation such as ，and ： into ASCII.)
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]}
_FULLWIDTH.update({ord("％"): "%", ord("＋"): "+", ord("－"): "-", ord("／"): "/", ord("．"): ".",
                   ord("＊"): "*", ord("＃"): "#", ord("～"): "~", ord("＠"): "@", ord("＆"): "&"})

# Measure words after which Mandarin says 两 rather than 二 for the number 2.
_LIANG_MEASURES = ("个", "次", "天", "人", "位", "元", "块", "小时", "分钟", "周", "岁", "件", "张",
                   "份", "条", "遍", "趟", "种", "项", "名", "点", "斤", "公斤", "公里", "万", "千", "百")

_PERIOD_WORDS = ("凌晨", "早上", "早晨", "清晨", "上午", "中午", "下午", "傍晚", "晚上", "夜里", "午后")

# Hotlines read digit by digit; "120" in "120元" or "第110" is a value (see _HOTLINE_RE).
_HOTLINES = ("12345", "12315", "12348", "12333", "12320", "12319", "12369", "12366", "110", "119", "120", "122")


# -- readers ------------------------------------------------------------------------
def read_digits(text: str, *, yao: bool = False) -> str:
    """Every ASCII digit of ``text`` as a Chinese digit: 13812345678 → 一三八一二三四五六七八."""
    return "".join(("幺" if yao and c == "1" else _DIGITS[int(c)]) if c.isdigit() else c for c in text)


def read_number(text: str, *, measure: str = "", strip_zeros: bool = False) -> str:
    """A written number as its value: 12 → 十二, 12.5 → 十二点五, 2 → 两 before a
    measure word that takes it (两个, 两点), 2000 → 两千."""
    text = text.replace(",", "")
    negative = text.startswith("-")
    text = text.lstrip("-+")
    if strip_zeros and "." in text:
        text = text.rstrip("0").rstrip(".")
    integer = text.split(".")[0]
    if len(integer) > 1 and integer.startswith("0"):
        spoken = read_digits(text).replace(".", "点")  # 007, 0571: a code, not a value
    elif len(integer) > 16:  # beyond cn2an's range and no one's quantity
        spoken = read_digits(text).replace(".", "点")
    else:
        spoken = cn2an.an2cn(text, "low")
    if spoken == "二" and measure.startswith(_LIANG_MEASURES):
        spoken = "两"
    elif len(spoken) > 1 and spoken[0] == "二" and spoken[1] in "千万亿":
        spoken = "两" + spoken[1:]
    return ("负" if negative else "") + spoken


def read_time(hour: int, minute: int, second: int | None = None, *, with_period: bool = True) -> str:
    """15:30 → 下午三点半, 8:05 → 早上八点零五分, 0:00 → 凌晨零点, 12:00 → 中午十二点."""
    period = _period(hour)
    h12 = hour if hour <= 12 else hour - 12
    spoken = ("两" if h12 == 2 else cn2an.an2cn(str(h12), "low")) + "点"
    if minute == 30 and not second:
        spoken += "半"
    elif minute:
        spoken += ("零" if minute < 10 else "") + cn2an.an2cn(str(minute), "low") + "分"
    if second:
        if not minute:
            spoken += "零分"
        spoken += cn2an.an2cn(str(second), "low") + "秒"
    return (period if with_period else "") + spoken


def read_date(year: int | None, month: int, day: int | None) -> str:
    """2026-12-05 → 二零二六年十二月五日 (the year digit by digit, as it is said)."""
    spoken = f"{read_digits(str(year))}年" if year is not None else ""
    spoken += cn2an.an2cn(str(month), "low") + "月"
    if day is not None:
        spoken += cn2an.an2cn(str(day), "low") + "日"
    return spoken


def _period(hour: int) -> str:
    if hour < 5:
        return "凌晨"
    if hour < 9:
        return "早上"
    if hour < 12:
        return "上午"
    if hour < 13:
        return "中午"
    if hour < 18:
        return "下午"
    return "晚上"


# -- the rules, in order ------------------------------------------------------------
_MASKED_PHONE_RE = re.compile(r"(?<!\d)1\d{2}\*{4}(\d{4})(?!\d)")
_MASKED_DIGITS_RE = re.compile(r"(?<!\d)\d+-?\*{3,}(\d{1,4}[Xx]?)(?![\dXx])")

_CODE_FENCE_RE = re.compile(r"^\s*```[^\n]*$", re.M)
_IMAGE_RE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK_RE = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s*", re.M)
_QUOTE_RE = re.compile(r"^\s*>+\s?", re.M)
_RULE_RE = re.compile(r"^\s*(?:[-*_]\s*){3,}$", re.M)
_TABLE_RULE_RE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$", re.M)
_BULLET_RE = re.compile(r"^\s*[-*+•·]\s+", re.M)
_NUMBERED_RE = re.compile(r"^\s*(\d{1,2})(?:[.)）](?!\d)|、)\s*", re.M)  # not 12.5 at a line's start

_URL_RE = re.compile(r"(?:https?://|ftp://|www\.)[^\s\u3000-\u303f\u4e00-\u9fff\uff00-\uffef<>\"']+", re.I)
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

_SOURCE_PAREN_RE = re.compile(r"[（(]\s*来源\s*[:：]?\s*(《[^》]*》[^）)]*)[）)]")
_SOURCE_RE = re.compile(r"来源\s*[:：]?\s*《")

_ID_RE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{1,4})[-_]?(\d{4,})(?![\d])")
_MOBILE_RE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
_LANDLINE_RE = re.compile(r"(?<!\d)[(（]?(0\d{2,3})[)）]?[- ]?(\d{7,8})(?!\d)")
_AFTER_PHONE_WORD_RE = re.compile(r"(电话|热线|拨打|致电|号码|手机|尾号)(\s*[:：]?\s*)(\d{3,12})(?!\d)")
# A hotline is read digit by digit unless a measure word shows it is a quantity (120元).
_NOT_A_HOTLINE_AFTER = "年月日号楼层栋幢室户元块角人个次天岁件位名份万千百十多余来度分秒米斤克升平条项张套辆只本篇期周"
_HOTLINE_RE = re.compile(r"(?<![\d第共约近有])(?<!\d\.)(%s)(?![\d%%,%s]|\.\d)" % ("|".join(_HOTLINES), _NOT_A_HOTLINE_AFTER))
_HOTLINE_PREFIX_RE = re.compile(r"(?<![\d第共约近有])(?<!\d\.)((?:95|96)\d{3})(?![\d%%,%s]|\.\d)" % _NOT_A_HOTLINE_AFTER)

_DATE_RE = re.compile(r"(?<!\d)(?<!\d\.)((?:19|20)\d{2})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*[日号]?(?![\d])")
_YEAR_MONTH_RE = re.compile(r"(?<!\d)(?<!\d\.)((?:19|20)\d{2})(?:[-/]|年)(\d{1,2})(?:月)?(?![\d/.-])")
_YEAR_RE = re.compile(r"(?<!\d)(?<!\d\.)((?:19|20)\d{2})(?=\s*年)\s*")
_MONTH_DAY_BEFORE_TIME_RE = re.compile(r"(?<!\d)(?<!\d\.)(\d{1,2})-(\d{1,2})(?=\s+\d{1,2}[:：]\d{2})")

_TIME = r"(?<!\d)(?<!\d\.)([01]?\d|2[0-3])[:：]([0-5]\d)(?:[:：]([0-5]\d))?(?![\d])"
_TIME_RANGE_RE = re.compile(_TIME + r"\s*(?:[-~—–]|至|到)\s*" + _TIME)
_TIME_RE = re.compile(_TIME)

_MONEY_SIGN_RE = re.compile(r"[¥￥]\s*(\d[\d,]*(?:\.\d+)?)\s*(元)?")
_MONEY_RE = re.compile(r"(?<!\d)(?<!\d\.)(\d[\d,]*(?:\.\d+)?)\s*(元|块钱|块|角|毛)")
_PERCENT_RE = re.compile(r"(?<!\d)(?<!\d\.)(-?\d[\d,]*(?:\.\d+)?)\s*([%‰])")
_TEMPERATURE_RE = re.compile(r"(?<!\d)(?<!\d\.)(-?\d+(?:\.\d+)?)\s*(?:℃|°C|°c|°|度)")
_UNITS = (("㎡", "平方米"), ("m²", "平方米"), ("m2", "平方米"), ("平米", "平方米"), ("km", "公里"),
          ("kg", "公斤"), ("cm", "厘米"), ("mm", "毫米"), ("ml", "毫升"))
_UNIT_RE = re.compile(r"(?<!\d)(?<!\d\.)(\d+(?:\.\d+)?)\s*(%s)(?![A-Za-z])" % "|".join(re.escape(u) for u, _ in _UNITS))
_ROOM_AFTER_RE = re.compile(r"(单元|栋|幢|座|号楼|楼)(\d{3,4})(?!\d)")
_ROOM_BEFORE_RE = re.compile(r"(?<!\d)(?<!\d\.)(\d{3,4})(?=室|房间|号房)")
_NUMBER_RANGE_RE = re.compile(r"(?<!\d)(?<!\d\.)(\d+(?:\.\d+)?)\s*[-~—–]\s*(?=\d)")
_DOTTED_RE = re.compile(r"(?<![\d.])\d+(?:\.\d+){2,}")
_NUMBER_RE = re.compile(r"(?<!\d)(?<!\d\.)\d[\d,]*(?:\.\d+)?(?<!,)")
_LONG_DIGITS = 7  # a bare number this long is an identifier, not a quantity

_DASHES_RE = re.compile(r"-{2,}|—+")
_PER_RE = re.compile(r"/(?=月|年|天|日|次|人|位|小时|周|个|份|斤|公斤|平方米)")
_SYMBOLS = str.maketrans({"&": "和", "+": "加", "|": "，", "(": "，", ")": "，", "（": "，", "）": "，",
                          "*": None, "#": None, "_": None, "`": None, "^": None, "<": None, ">": None,
                          "[": None, "]": None, "{": None, "}": None, "\\": None, "=": None, "@": None,
                          "~": None, "/": "，", "※": None, "•": None, "【": "，", "】": "，",
                          # No digit is left by now: a hyphen is no range, only a mark.
                          "-": " ", "–": " "})
_KEEP_SO = {"℃": "度", "°": "度", "㎡": "平方米", "№": "号"}
_PUNCT = "，。！？；：、,.!?;:"
_PUNCT_RUN_RE = re.compile(r"([，。！？；：、,.!?;:])(?:\s*[，。！？；：、,.!?;:])+")


def speakable(text: str, *, yao: bool = True) -> str:
    """``text`` as a synthesiser should read it (see the module's description)."""
    if not text:
        return ""
    text = text.translate(_FULLWIDTH).replace("\r\n", "\n")

    # Masked personal data first: its * would otherwise be read as Markdown emphasis.
    text = _MASKED_PHONE_RE.sub(lambda m: "尾号" + read_digits(m.group(1), yao=yao), text)
    text = _MASKED_DIGITS_RE.sub(lambda m: "尾号" + read_digits(m.group(1), yao=yao), text)

    text = _markdown(text)
    text = _URL_RE.sub("", text)
    text = _EMAIL_RE.sub("", text)
    # Before emoji: ℃ and ° are symbols too, and -3℃ must become 零下三度.
    text = _TEMPERATURE_RE.sub(lambda m: ("零下" + read_number(m.group(1)[1:]) if m.group(1).startswith("-")
                                          else read_number(m.group(1))) + "度", text)
    text = _emoji(text)

    text = _SOURCE_PAREN_RE.sub(lambda m: "。这是根据" + m.group(1) + "。", text)
    text = _SOURCE_RE.sub("这是根据《", text)

    # Digit by digit: ids, phones, hotlines, room numbers.
    text = _ID_RE.sub(lambda m: " ".join(m.group(1).upper()) + " " + read_digits(m.group(2), yao=yao), text)
    text = _MOBILE_RE.sub(lambda m: " ".join(read_digits(g, yao=yao) for g in m.groups()), text)
    text = _LANDLINE_RE.sub(lambda m: read_digits(m.group(1), yao=yao) + " " + read_digits(m.group(2), yao=yao),
                            text)
    text = _AFTER_PHONE_WORD_RE.sub(lambda m: m.group(1) + m.group(2) + read_digits(m.group(3), yao=yao), text)
    text = _HOTLINE_RE.sub(lambda m: read_digits(m.group(1), yao=yao), text)
    text = _HOTLINE_PREFIX_RE.sub(lambda m: read_digits(m.group(1), yao=yao), text)

    # Calendar and clock.
    text = _DATE_RE.sub(_date, text)
    text = _YEAR_MONTH_RE.sub(lambda m: _year_month(m), text)
    text = _YEAR_RE.sub(lambda m: read_digits(m.group(1)), text)
    text = _MONTH_DAY_BEFORE_TIME_RE.sub(_month_day, text)
    text = _TIME_RANGE_RE.sub(_time_range, text)
    text = _TIME_RE.sub(lambda m: _time(m, 1, _has_period_before(m.string, m.start())), text)

    # Quantities.
    text = _MONEY_SIGN_RE.sub(lambda m: read_number(m.group(1), measure="元", strip_zeros=True) + "元", text)
    text = _MONEY_RE.sub(lambda m: read_number(m.group(1), measure=m.group(2), strip_zeros=True) + m.group(2), text)
    text = _PERCENT_RE.sub(lambda m: ("百分之" if m.group(2) == "%" else "千分之") + read_number(m.group(1)), text)
    text = _UNIT_RE.sub(lambda m: read_number(m.group(1)) + dict(_UNITS)[m.group(2)], text)
    text = _ROOM_AFTER_RE.sub(lambda m: m.group(1) + read_digits(m.group(2)), text)
    text = _ROOM_BEFORE_RE.sub(lambda m: read_digits(m.group(1)), text)
    text = _DOTTED_RE.sub(lambda m: "点".join(read_digits(g) if len(g) > 1 and g[0] == "0" else read_number(g)
                                             for g in m.group(0).split(".")), text)  # 3.1.2, 1.2.0
    text = _NUMBER_RANGE_RE.sub(lambda m: _plain_number(m.group(1), "") + "到", text)
    text = _NUMBER_RE.sub(lambda m: _plain_number(m.group(0), m.string[m.end():m.end() + 2]), text)

    text = _PER_RE.sub("每", text)
    text = text.translate(_SYMBOLS)
    text = _DASHES_RE.sub("，", text)  # -- and —— are pauses, not words
    text = _SOURCE_RE.sub("这是根据《", text)  # again: dropped marks may have joined 来*源《
    return _tidy(text)


def _markdown(text: str) -> str:
    text = _CODE_FENCE_RE.sub("", text)
    text = _IMAGE_RE.sub(r"\1", text)
    text = _LINK_RE.sub(r"\1", text)
    text = _TABLE_RULE_RE.sub("", text)
    text = _RULE_RE.sub("", text)
    text = _HEADING_RE.sub("", text)
    text = _QUOTE_RE.sub("", text)
    text = _BULLET_RE.sub("", text)
    # "1. 政策咨询" → "一、政策咨询": the number is part of what the listener must hear.
    text = _NUMBERED_RE.sub(lambda m: cn2an.an2cn(m.group(1), "low") + "、", text)
    for mark in ("**", "__", "~~", "`"):
        text = text.replace(mark, "")
    return text


def _emoji(text: str) -> str:
    out = []
    for ch in text:
        if ch in _KEEP_SO:
            out.append(_KEEP_SO[ch])
            continue
        cat = unicodedata.category(ch)
        # Symbols (So: emoji, dingbats, arrows), modifier symbols (skin tones), joiners
        # and variation selectors carry no words.
        if cat in ("So", "Cs", "Co") or (cat == "Sk" and ord(ch) > 0x2000) or ch in "\u200d\ufe0e\ufe0f\u20e3":
            continue
        out.append(ch)
    return "".join(out)


def _date(m: re.Match) -> str:
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return m.group(0)
    return read_date(year, month, day)


def _year_month(m: re.Match) -> str:
    year, month = int(m.group(1)), int(m.group(2))
    return read_date(year, month, None) if 1 <= month <= 12 else m.group(0)


def _month_day(m: re.Match) -> str:
    month, day = int(m.group(1)), int(m.group(2))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return m.group(0)
    return read_date(None, month, day)


def _has_period_before(text: str, index: int) -> bool:
    return text[max(0, index - 4):index].rstrip().endswith(_PERIOD_WORDS)


def _time(m: re.Match, first: int, period_given: bool) -> str:
    hour, minute = int(m.group(first)), int(m.group(first + 1))
    second = int(m.group(first + 2)) if m.group(first + 2) else None
    if period_given and hour > 12:
        hour -= 12  # 下午15:30 is rare but must not become 下午下午三点半
    return read_time(hour, minute, second, with_period=not period_given)


def _time_range(m: re.Match) -> str:
    given = _has_period_before(m.string, m.start())
    start = _time(m, 1, given)
    end_hour = int(m.group(4))
    same_period = _period(int(m.group(1))) == _period(end_hour)
    end = _time(m, 4, given or same_period)
    return f"{start}到{end}"


def _plain_number(number: str, following: str) -> str:
    digits_only = number.replace(",", "")
    if "." not in digits_only and len(digits_only) >= _LONG_DIGITS:
        return read_digits(digits_only)
    return read_number(number, measure=following)


def _tidy(text: str) -> str:
    lines = [re.sub(r"[ \t\u3000]+", " ", line).strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    # A line break is a pause the synthesiser would not make: end each line but the last.
    text = "".join(line if i == len(lines) - 1 or line[-1] in _PUNCT else line + "。"
                   for i, line in enumerate(lines))
    text = re.sub(r"\s*([，。！？；：、])\s*", r"\1", text)
    text = _PUNCT_RUN_RE.sub(_keep_strongest, text)
    # Again: a run of marks kept as one may leave a space beside it (0\n:-0 → 零。 零).
    text = re.sub(r"\s*([，。！？；：、])\s*", r"\1", text)
    return text.lstrip(_PUNCT + " ")


def _keep_strongest(m: re.Match) -> str:
    marks = re.sub(r"\s", "", m.group(0))
    for mark in "？！?!。.；;：:，,、":
        if mark in marks:
            return mark
    return marks[0]
