"""The butler's replies made for the ear.

A reply written for a screen does not work read aloud: buttons cannot be pressed,
a numbered list needs its numbers said, and a long answer is forgotten before it
ends. ``for_the_ear`` turns the replies of one turn into one speakable text:

- the choices of the last reply with buttons (the ones ``assistant.conversation``
  remembers, so a spoken 一 / 第一个 / the button's title picks them) become
  您可以说“一”，上门理发；说“二”，助餐。 A reply that numbers its choices in the
  text (the knowledge base's "which one?") is read as that numbered list, and the
  buttons it does not number are offered by name (也可以说“转人工”);
- a long answer (over ``SHORT_CHARS`` speakable characters) is cut after its first
  sentence or two and the rest offered: 要听详细的吗？ (``Spoken.rest`` keeps it).
  A question to answer, a read-back to confirm, an emergency's advice and an answer
  whose rest holds a phone number or a hotline are never cut;
- screen words go (点一下 → 说一声);
- elderly wording (``elderly=True``): short sentences, no English letters except
  the letters of an id read out by ``voice.normalise`` (Y Y 二零二六…), no symbols;
- everything goes through ``voice.normalise.speakable`` (ids and phones digit by
  digit, times, money, 来源《…》 → 这是根据《…》).

``Spoken.rate_factor`` is how fast to speak: 1.0 normal; the slowest of the replies'
``custom["speak"]["rate_factor"]`` and, for an elderly resident,
``settings.elderly_speech_rate``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.conversation.choices import YES_NO_PAYLOADS, options_from_reply
from assistant.dialogue import EMERGENCY_MARKER, Reply
from voice.normalise import speakable

__all__ = ["Spoken", "for_the_ear", "SHORT_CHARS", "MORE_PROMPT"]

SHORT_CHARS = 60  # an answer longer than this (speakable characters) is shortened
MORE_PROMPT = "要听详细的吗？"
ELDERLY_SENTENCE_CHARS = 16  # a longer sentence is split at its commas for an elderly listener
MIN_RATE, MAX_RATE = 0.5, 1.5

_DIGITS = "零一二三四五六七八九十"
# What a shortened answer may not leave out: how to reach someone (phones, hotlines).
_NEVER_HIDDEN = ("电话", "拨打", "热线", "一一零", "一一九", "一二零", "幺幺零", "幺幺九", "幺二零")
_SENTENCE_RE = re.compile(r"[^。！？；!?;]+[。！？；!?;]*")
_NUMBERED_LINE_RE = re.compile(r"^\s*(\d{1,2})\s*[.、．)）]\s*(\S.*)$")
# Words for a screen, and what a listener is told instead.
_SCREEN_WORDS = (("点一下就行", "说数字就行"), ("是的话点一下", "是的话说“是”"), ("点一下", "说一声"),
                 ("点击", "说"), ("点按钮", "说"), ("下面的按钮", "下面这几项"), ("按钮", "选项"))
# English a resident may meet in a reply, in words; any other Latin word is dropped for an elder.
_ENGLISH_WORDS = {"app": "手机应用", "ok": "好", "wifi": "无线网", "wi-fi": "无线网", "qq": "扣扣", "vip": "贵宾",
                  "pdf": "文件", "ai": "智能", "id": "编号", "tv": "电视", "atm": "取款机"}
# An id read out by speakable: single capital letters, then Chinese digits (Y Y 二零二六…).
_ID_LETTERS_RE = re.compile(r"(?<![A-Za-z])([A-Z](?: [A-Z])*) (?=[零一二三四五六七八九幺])")
_LATIN_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'\-]*")
# Marks that carry no words for an elderly listener (speakable keeps Chinese punctuation).
_ELDERLY_SYMBOLS = str.maketrans({c: None for c in "《》“”\"'‘’「」『』〈〉·…—~～"})


@dataclass(frozen=True)
class Spoken:
    text: str  # speakable Chinese (through voice.normalise)
    rate_factor: float = 1.0  # 1.0 normal; < 1 slower
    rest: str = ""  # what a shortened answer left out (speakable), for 要听详细的吗？


def for_the_ear(replies: list[Reply], *, elderly: bool = False) -> Spoken:
    """One turn's replies as one text to be heard (see the module's notes)."""
    parts: list[str] = []
    rest_parts: list[str] = []
    with_buttons = [i for i, r in enumerate(replies) if r.buttons]
    last_with_buttons = with_buttons[-1] if with_buttons else None
    for i, reply in enumerate(replies):
        text = reply.text or ""
        emergency = isinstance((reply.custom or {}).get(EMERGENCY_MARKER), dict)
        buttons = [(b.title, b.payload) for b in reply.buttons] if i == last_with_buttons else []
        prose, choices, listed = _split_choices(text, buttons)
        prose = _screen_words(prose)
        said = speakable(prose)
        if said and not emergency and not listed and not _asks(said) and not rest_parts:
            short, rest = _shorten(said)
            if rest and not any(word in rest for word in _NEVER_HIDDEN):
                said = short
                rest_parts.append(rest)
                said = _join([said, MORE_PROMPT])
        if said:
            parts.append(said)
        if choices:
            parts.append(choices)
    text = _join(parts)
    rest = _join(rest_parts)
    if elderly:
        text, rest = _for_elders(text), _for_elders(rest)
    return Spoken(text=text, rate_factor=_rate_factor(replies, elderly), rest=rest)


# -- choices ----------------------------------------------------------------------------
def _split_choices(text: str, buttons: list[tuple[str, str]]) -> tuple[str, str, bool]:
    """(the reply's text with its numbered lines read as choices in their place, the
    buttons' choices as speech when the text numbers none)."""
    lines = text.splitlines()
    numbered = [m for m in map(_NUMBERED_LINE_RE.match, lines) if m]
    if len(numbered) < 2 and not buttons:
        return text, "", False
    options = options_from_reply(text, buttons)
    ordered = [o for o in options if o.numbered] or options
    by_name = [o for o in options if o not in ordered]
    if all((o.payload or "").strip() in YES_NO_PAYLOADS for o in options) and len(numbered) < 2:
        said = "，或者".join(f"“{_title(o.title)}”" for o in options)
        return text, f"请说{said}。", True
    said = []
    for n, option in enumerate(ordered, 1):
        said.append(f"说“{_number(n)}”，{_title(option.title)}" if n > 1
                    else f"您可以说“{_number(n)}”，{_title(option.title)}")
    spoken = "；".join(said) + "。" if said else ""
    if by_name:
        spoken += "也可以说" + "，或者".join(f"“{_title(o.title)}”" for o in by_name) + "。"
    if len(numbered) < 2:
        return text, spoken, True
    # The list is read where it stood: the words before it, the choices, the words after.
    first = next(i for i, line in enumerate(lines) if _NUMBERED_LINE_RE.match(line))
    last = max(i for i, line in enumerate(lines) if _NUMBERED_LINE_RE.match(line))
    before, after = "\n".join(lines[:first]).rstrip("：: "), "\n".join(lines[last + 1:])
    if before.endswith(("想问", "是", "有")):  # 您是想问：一，……  reads on from the words before
        listed = before + "：" + spoken.replace("您可以说", "", 1).replace("说“", "“").replace("也可以“", "也可以说“")
    else:
        listed = _join([before, spoken])
    return _join([listed, after]), "", True


def _title(title: str) -> str:
    return speakable(title).rstrip("。？！?!，,；;")


def _number(n: int) -> str:
    return _DIGITS[n] if n <= 10 else str(n)


# -- shortening -------------------------------------------------------------------------
def _asks(said: str) -> bool:
    """A question the resident must answer (a read-back to confirm): never cut."""
    return "？" in said or "?" in said


def _shorten(said: str) -> tuple[str, str]:
    """(what is said now, the rest) for a long answer: whole sentences up to about
    ``SHORT_CHARS`` characters, at least one."""
    if len(said) <= SHORT_CHARS:
        return said, ""
    sentences = _SENTENCE_RE.findall(said)
    kept: list[str] = []
    for sentence in sentences:
        if kept and len("".join(kept)) + len(sentence) > SHORT_CHARS:
            break
        kept.append(sentence)
    now = "".join(kept)
    rest = said[len(now):].strip()
    if not rest:
        return said, ""
    if now[-1] not in "。！？；!?;":
        now += "。"
    return now, rest


def _screen_words(text: str) -> str:
    for screen, ear in _SCREEN_WORDS:
        text = text.replace(screen, ear)
    return text


# -- elderly wording --------------------------------------------------------------------
def _for_elders(text: str) -> str:
    if not text:
        return text
    text = _without_english(text)
    text = text.translate(_ELDERLY_SYMBOLS)
    sentences = _SENTENCE_RE.findall(text)
    out = []
    for sentence in sentences:
        body, end = sentence.rstrip("。！？；!?;"), sentence[len(sentence.rstrip("。！？；!?;")):] or "。"
        if len(body) > ELDERLY_SENTENCE_CHARS and "，" in body:
            clauses = [c for c in body.split("，") if c]
            merged: list[str] = []
            for clause in clauses:  # a clause too short to stand alone stays with the next
                if merged and len(merged[-1]) < 5:
                    merged[-1] += "，" + clause
                else:
                    merged.append(clause)
            body = "。".join(merged)
        out.append(body + end[0])
    return re.sub(r"[。；]{2,}", "。", "".join(out)).lstrip("。")


def _without_english(text: str) -> str:
    keep: list[tuple[str, str]] = []

    def hold(m: re.Match) -> str:  # an id's letters stay (they are part of what must be heard)
        keep.append((f"\x00{len(keep)}\x00", m.group(1)))
        return keep[-1][0] + " "

    text = _ID_LETTERS_RE.sub(hold, text)
    text = _LATIN_WORD_RE.sub(lambda m: _ENGLISH_WORDS.get(m.group(0).lower(), ""), text)
    for token, letters in keep:
        text = text.replace(token, letters)
    return re.sub(r" {2,}", " ", text).replace(" 。", "。").replace(" ，", "，").strip()


# -- speed ------------------------------------------------------------------------------
def _rate_factor(replies: list[Reply], elderly: bool) -> float:
    factors = [1.0]
    for reply in replies:
        speak = (reply.custom or {}).get("speak")
        if isinstance(speak, dict):
            try:
                factors.append(float(speak.get("rate_factor", 1.0)))
            except (TypeError, ValueError):
                pass
    if elderly:
        factors.append(_elderly_rate())
    return max(MIN_RATE, min(MAX_RATE, min(factors)))


def _elderly_rate() -> float:
    try:
        from assistant.settings import get_settings

        return float(get_settings().elderly_speech_rate)
    except Exception:  # noqa: BLE001 - settings that cannot load must not silence the butler
        return 0.8


def _join(parts: list[str]) -> str:
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and out[-1] not in "。！？；：!?;:":
            out += "。"
        out += part
    return out
