"""Masking of personal data, used by logs, exports and APIs alike (one rule, one place)."""

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
            match = MOBILE_RE.search(re.sub(r"[\s-]", "", spoken.group()).translate(_SPOKEN_DIGITS))
            if match:
                break
    return f"{match.group(1)}{match.group(2)}{match.group(3)}" if match else None


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


def mask_name(name: str | None) -> str | None:
    """张三 -> 张*, 欧阳娜娜 -> 欧***; Latin names keep their initial."""
    if not name:
        return name
    name = name.strip()
    return name[0] + "*" * (len(name) - 1) if len(name) > 1 else "*"


def _mask_spoken_mobile(match: re.Match[str]) -> str:
    """幺三八幺二三四五六七八 -> 幺三八****五六七八: a mobile read out digit by digit (the reading
    ``mobile_in`` accepts) is masked like a written one; other runs of number words are kept."""
    said = re.sub(r"[\s-]", "", match.group())
    if MOBILE_RE.search(said.translate(_SPOKEN_DIGITS)) is None:
        return match.group()
    return f"{said[:3]}****{said[-4:]}"


def mask_text(text: str | None) -> str | None:
    """Mask phone and identity numbers wherever they appear in free text."""
    if not text:
        return text
    text = ID_CARD_RE.sub(lambda m: f"{m.group(1)}********{m.group(2)[-1]}", text)
    text = MOBILE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    text = _SPOKEN_NUMBER_RE.sub(_mask_spoken_mobile, text)
    return LANDLINE_RE.sub(lambda m: f"{m.group(1)}-****{m.group(2)[-2:]}", text)
