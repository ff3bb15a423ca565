"""Right after the safety net took over: words that add to the emergency, which the
classifier hears as a goodbye or thanks, sent as an update (``emergency_update``); and the
booking the emergency broke off let go (``dropped_after_emergency``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.conversation import store

if TYPE_CHECKING:
    from assistant.dialogue import DialogueClient


# What the safety net said when it took over (已记录紧急求助 / 请马上拨打 120).
EMERGENCY_SAID_RE = re.compile(r"紧急求助|马上拨打\s*1[12]0")


DROP_BOOKING_RE = re.compile(r"先?不约了|先不约|不用约了|不预约了|别约了|不订了|改天再约|以后再约|先不弄了")


def dropped_after_emergency(said: str, memory: store.Memory) -> str | None:
    """The words for a booking let go right after an emergency broke off its form
    (120打了，理发先不约了), or ``None``."""
    if not DROP_BOOKING_RE.search(said) or not any(EMERGENCY_SAID_RE.search(r.text) for r in memory.last):
        return None
    from assistant.booking.conversation import service_from

    service = service_from(said)
    what = f"{service}先不约了" if service else "这次先不约了"
    return f"好的，{what}，等忙完了再跟我说。您和家人注意安全，有需要随时找我。"


# The butler's words right after an emergency (tickets.service: the ticket filed, the place
# asked, an addition said back).
_EMERGENCY_TURN_RE = re.compile(r"紧急求助|紧急工单|请告诉我具体位置|已记下位置")


# Intents whose rules never reach the emergency's follow-up: words heard so go to a goodbye,
# a greeting, thanks or the menu instead of the emergency they are about.
_BYPASSING_INTENTS = frozenset({"goodbye", "greet", "thank", "help"})


# 好的 谢谢 / 知道了 再见: a closing and nothing more, left to be one.
_CLOSING_RE = re.compile(
    r"^(?:(?:好的?|嗯+|行|中|知道了|明白了?|晓得了|收到|谢谢(?:你们?|您)?|多谢|感谢|再见|拜拜|没事了|好了|先这样|就这样)"
    r"[\s，,。.！!~～啊呀哈了吧哦嘞]*)+$"
)


async def emergency_update(client: DialogueClient, said: str, memory: store.Memory) -> str | None:
    """``/inform`` (sent with the words) for a message right after an emergency turn that the
    classifier hears as a goodbye, a greeting, thanks or a wish for the menu (他走了 好像往楼下跑了 /
    人跑了 往东门去了): its rules would never let the emergency's follow-up read it, which
    decides on the words whether it adds to the emergency (its advice that fits) or not.
    None for a closing and nothing more (好的 谢谢), or any other reading."""
    from assistant.dialogue import DialogueUnavailable

    if not memory.last or not any(_EMERGENCY_TURN_RE.search(s.text or "") for s in memory.last):
        return None
    if _CLOSING_RE.match(said) or memory.options:
        return None
    try:
        parsed = await client.parse(said)
    except DialogueUnavailable:
        return None
    return "/inform" if ((parsed.get("intent") or {}).get("name")) in _BYPASSING_INTENTS else None
