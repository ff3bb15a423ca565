"""Masking of personal data, used by logs, exports, APIs, the console and the channels alike
(one rule, one place): phones (``mask_phone``, ``last_four``), names, identity numbers and
phones in free text (``mask_text``), a resident's sender id (``mask_sender``) and a
channel's own ids in logs (``mask_id``)."""

from __future__ import annotations

import re

# Mainland mobile numbers, optionally +86 / spaced / dashed.
MOBILE_RE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
# A mobile number read out digit by digit (voice, elders): 幺 for 1, 洞 for 0.
_SPOKEN_DIGITS = str.maketrans("幺一二两三四五六七八九零〇洞", "11223456789000")
_SPOKEN_NUMBER_RE = re.compile(r"[幺一二两三四五六七八九零〇洞](?:[\s-]?[幺一二两三四五六七八九零〇洞]){10,}")


def mobile_in(text: str | None) -> str | None:
    """The mainland mobile number in ``text`` as 11 digits, written (139 1234 5678, +86…) or
    read out digit by digit (幺五八零零幺二三四五六), or None: the one reading of a phone for
    every capability (bookings, tickets)."""
    if not text:
        return None
    match = MOBILE_RE.search(text)
    if match is None:
        for spoken in _SPOKEN_NUMBER_RE.finditer(text):
            match = _spoken_mobile(spoken.group())
            if match:
                break
    return f"{match.group(1)}{match.group(2)}{match.group(3)}" if match else None


def _spoken_mobile(run: str) -> re.Match | None:
    """A mobile in a run of spoken digits (``_spoken_mobile_span``), or None."""
    span = _spoken_mobile_span(run)
    return MOBILE_RE.fullmatch(re.sub(r"[\s-]", "", run[span[0] : span[1]]).translate(_SPOKEN_DIGITS)) if span else None


def _spoken_mobile_span(run: str) -> tuple[int, int] | None:
    """Where a mobile is in a run of spoken digits: the whole run said in groups (幺三九 幺二三四
    五六七八), else some of its groups in a row (最后是九七七 幺三八六幺二三零九七七: the end said
    first, then the whole number; the groups together are no number)."""
    groups = list(re.finditer(r"[^\s-]+", run))
    for size in range(len(groups), 0, -1):
        for start in range(len(groups) - size + 1):
            said = "".join(g.group() for g in groups[start : start + size])
            if MOBILE_RE.fullmatch(said.translate(_SPOKEN_DIGITS)):
                return groups[start].start(), groups[start + size - 1].end()
    return None


# Landlines such as 021-12345678.
LANDLINE_RE = re.compile(r"(?<!\d)(0\d{2,3})-(\d{7,8})(?!\d)")
# 18-digit resident identity numbers.
ID_CARD_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])")


def mask_phone(phone: str | None) -> str | None:
    """13912345678 -> 139****5678; other lengths keep their first 3 and last 2."""
    if not phone:
        return phone
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if len(digits) == 11:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) <= 4:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 5)}{digits[-2:]}"


def last_four(phone: str) -> str:
    """The last four digits of a phone, the only part the butler says back (工作人员会打您
    尾号5678的电话): enough for the resident to know the number, never the number."""
    return re.sub(r"\D", "", phone)[-4:]


def mask_id(value: int | str | None, *, keep: int = 2) -> str:
    """A chat, user or open id for logs and lists: its first ``keep`` characters then ***,
    never the whole id; ``-`` when there is none."""
    text = str(value or "")
    return f"{text[:keep]}***" if text else "-"


def mask_sender(sender_id: str | None) -> str:
    """telegram:12345678 -> telegram:12***: a resident's sender id keeps its channel (where
    they write from) and two characters (enough to tell two residents apart in a list);
    *** alone when it has no channel or no id after it."""
    channel, sep, rest = (sender_id or "").partition(":")
    return f"{channel}:{mask_id(rest)}" if sep and rest else "***"


def mask_name(name: str | None) -> str | None:
    """张三 -> 张*, 欧阳娜娜 -> 欧***; Latin names keep their initial."""
    if not name:
        return name
    name = name.strip()
    return name[0] + "*" * (len(name) - 1) if len(name) > 1 else "*"


def _mask_spoken_mobile(match: re.Match[str]) -> str:
    """幺三八幺二三四五六七八 -> 幺三八****五六七八: a mobile read out digit by digit (the reading
    ``mobile_in`` accepts) is masked like a written one; other runs of number words are kept."""
    run = match.group()
    span = _spoken_mobile_span(run)
    if span is None:
        return run
    said = re.sub(r"[\s-]", "", run[span[0] : span[1]])
    return f"{run[: span[0]]}{said[:3]}****{said[-4:]}{run[span[1] :]}"


def mask_text(text: str | None) -> str | None:
    """Mask phone and identity numbers wherever they appear in free text."""
    if not text:
        return text
    text = ID_CARD_RE.sub(lambda m: f"{m.group(1)}********{m.group(2)[-1]}", text)
    text = MOBILE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    text = _SPOKEN_NUMBER_RE.sub(_mask_spoken_mobile, text)
    return LANDLINE_RE.sub(lambda m: f"{m.group(1)}-****{m.group(2)[-2:]}", text)
