"""What a check-in says besides the sign of life (报个平安 我挺好的 就是卫生间顶上漏水了 /
报平安 顺便帮我约个明天上午的理发): a request of its own, which is done as well as the check-in
is recorded (the check-in alone would thank the resident and drop it)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CLAUSE_RE = re.compile(r"[\s，,。.！!~～；;…]+")
# 就是… / 不过… / 只是…: the turn from how the resident is to what else there is.
_TURN_RE = re.compile(r"^(?:就是|不过|但是|可是|只是|只不过|另外|还有|对了|顺便|顺带)+")
# …现在好了 / 已经修好了: a trouble told as over, nothing to do.
_OVER_RE = re.compile(r"(?:现在|已经|早就|都)(?:好了|没事了|修好了|弄好了|不\S{1,2}了)|没事了$")


@dataclass(frozen=True)
class Besides:
    intent: str  # "file_complaint" or "book_service"
    words: str  # the request's own words (from its first clause on)
    service: str | None = None  # the service a booking names, if it names one


def request_besides_checkin(text: str | None) -> Besides | None:
    """The report or booking said after a check-in's first clause, or None: a clause after
    the first that reads as a report (``intake.reads_as_complaint``) or asks for a booking
    (``split.worded_intent``) starts it; the words from there on are the request. A
    check-in alone, or trouble of the body (头有点晕: the care ticket's, not a report), is None."""
    from assistant.booking.conversation import service_asked_for
    from assistant.conversation.split import worded_intent
    from assistant.care.service import says_trouble
    from assistant.tickets.intake import reads_as_complaint, says_what_is_wrong

    said = (text or "").strip()
    if not said or said.startswith("/"):
        return None
    clauses = [c for c in _CLAUSE_RE.split(said) if c]
    if _OVER_RE.search(said):
        return None
    for i in range(1, len(clauses)):
        rest = _TURN_RE.sub("", " ".join(clauses[i:])).strip()
        head = _TURN_RE.sub("", clauses[i]).strip()
        if not head:
            continue
        wanted = worded_intent(head)
        if wanted == "book_service":
            return Besides("book_service", rest, service_asked_for(rest))
        if says_trouble(head):
            continue  # 就是腰有点酸: the body's trouble, the care ticket's (service.record_checkin)
        if reads_as_complaint(head) or says_what_is_wrong(head) or wanted == "file_complaint" and reads_as_complaint(rest):
            return Besides("file_complaint", rest)
    return None
