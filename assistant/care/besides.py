"""What a check-in says besides the sign of life (报个平安 我挺好的 就是卫生间顶上漏水了 /
报平安 顺便帮我约个明天上午的理发): a request of its own, which is done as well as the check-in
is recorded (the check-in alone would thank the resident and drop it). Which clause is a
request is ``split.request_among``'s one reading, shared with the errands the butler cannot run."""

from __future__ import annotations

import re

from assistant.conversation.split import Request, request_among, spoken_clauses

# A trouble told as over, nothing to do: …现在好了 / 已经修好了 / 都好了.
_OVER_RE = re.compile(r"(?:现在|已经|早就|都)(?:好了|没事了|修好了|弄好了)|没事了$")
# …现在不漏了 / 已经不吵了: 不X了 is over only when X is the trouble itself — a trouble word (漏, 疼,
# 吵), or what the resident said went wrong before it (水管咣咣响 现在不响了). When X is what the thing
# should do (门铃现在不响了, 暖气现在不热了, 水龙头不出水了) it is the fault; and 都 before it means
# "even", not "already" (灯都不亮了).
_TROUBLE_WORDS = "漏渗滴疼痛晕吵闹堵臭冒咳喘痒肿抖晃"
_STOPPED_RE = re.compile(r"(?:现在|已经|早就)(?:也)?(?:不再?|没再?)(?P<x>[\u4e00-\u9fff])\S?了")


# …现在不闪了 彻底灭了: what follows 不X了 says it got worse — the fault, not the trouble over.
_WORSE_AFTER_RE = re.compile(r"彻底|完全|全灭|灭了|黑了|坏了|不亮了|不动了|更厉害|更严重")


def _on_and_off(x: str, before: str) -> bool:
    # 时热时冷 / 忽冷忽热 / 一会儿热一会儿凉: X said as what comes and goes is what the thing should
    # do (热水器…现在已经不热了 is worse), not the trouble that stopped.
    return re.search(rf"(?:时|忽|一会儿?){x}", before) is not None


def _told_as_over(said: str) -> bool:
    if _OVER_RE.search(said):
        return True
    for stopped in _STOPPED_RE.finditer(said):
        x, before = stopped.group("x"), said[: stopped.start()]
        if _WORSE_AFTER_RE.search(said[stopped.end():]):
            continue
        if x in _TROUBLE_WORDS or (x in before and not _on_and_off(x, before)):
            return True
    return False


Besides = Request  # the request said with a check-in: intent, words, service


def request_besides_checkin(text: str | None) -> Request | None:
    """The report or booking said after a check-in's first clause, or None (``split.request_among``
    over the clauses after the first). A check-in alone, trouble told as over, or trouble of the
    body (头有点晕: the care ticket's, not a report) is None."""
    from assistant.care.service import says_trouble

    said = (text or "").strip()
    if not said or said.startswith("/") or _told_as_over(said):
        return None
    return request_among(spoken_clauses(said)[1:], passed_over=says_trouble)
