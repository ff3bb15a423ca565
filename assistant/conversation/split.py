"""Two requests in one message: 我要投诉楼上漏水，顺便约个维修.

``candidate_split`` cuts a message at its first connector (顺便/顺带/另外/还有/还想/也想/再/然后/
并且/对了/以及/还要/同时); only a cut with words on both sides is a candidate. The
caller classifies both parts and treats them as two requests only when they carry
two different task intents (``two_requests``): a connector alone proves nothing
(还有名额吗, 然后呢).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TASK_INTENTS = frozenset({"file_complaint", "book_service", "ask_policy", "check_ticket", "query_booking",
                          "cancel_booking"})
MIN_CONFIDENCE = 0.5
PUNCT = "，,。.；;！!？?、 \t\u3000~～"
# Strong connectors may stand without a comma; 再 only after a pause (，再帮我约个体检),
# since 再见 / 再说一遍 / 我再想想 are no second request.
CONNECTOR_RE = re.compile(
    r"(?:[，,。；;！!、\s]\s*)?(?:顺便(?:问一下|问问|说一下)?|顺带|另外|还有(?:就是)?|然后|并且|对了|以及|还要|还想|也想|同时)"
    r"|[，,。；;！!、]\s*(?:再|再帮我|再给我)(?=[帮给约问查办预投反报])"
)
CJK_RE = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Split:
    first: str
    second: str


def _enough(part: str) -> bool:
    return len(CJK_RE.findall(part)) >= 2


def candidate_split(text: str) -> Split | None:
    """The message cut at its first connector with words on both sides, or None."""
    for match in CONNECTOR_RE.finditer(text):
        if match.start() == 0:
            continue
        first = text[:match.start()].strip(PUNCT)
        second = text[match.end():].strip(PUNCT)
        if _enough(first) and _enough(second):
            return Split(first, second)
    return None


def task_intent(parsed: dict) -> str | None:
    """The task intent Rasa's NLU gives a part, when it is confident enough."""
    intent = parsed.get("intent") or {}
    name = intent.get("name")
    if name in TASK_INTENTS and float(intent.get("confidence") or 0) >= MIN_CONFIDENCE:
        return name
    return None


def two_requests(first: dict, second: dict) -> tuple[str, str] | None:
    a, b = task_intent(first), task_intent(second)
    if a and b and a != b:
        return a, b
    return None


def two_problems(first: str, second: str) -> bool:
    """Two complaints in one message (摆摊占道，还有楼下垃圾好几天没人收): each part names
    a thing and what is wrong with it, and the things differ. A part that only adds to
    the first (楼上漏水，还有异味 / 墙上都发霉了) names no thing of its own: one complaint."""
    from assistant.tickets.duplicates import objects_match, read_problem

    a, b = read_problem(first), read_problem(second)
    return bool(a.objects and a.faults and b.objects and b.faults) and not objects_match(a.objects, b.objects)


def names_offer(said: str, offered: str, intent: str) -> bool:
    """Does the resident's message name what the offered second request is about?
    (那理发的事呢 after an offer to book 理发; 垃圾那件事也记上了没 after an offer to
    file the rubbish complaint.) Naming it is asking for it."""
    if intent in {"book_service", "cancel_booking"}:
        from assistant.booking.conversation import service_from

        wanted = service_from(offered)
        return wanted is not None and service_from(said) == wanted
    if intent == "file_complaint":
        from assistant.tickets.duplicates import objects_match, read_problem

        a, b = read_problem(said), read_problem(offered)
        return bool(a.objects and b.objects) and objects_match(a.objects, b.objects)
    return False


LEADING_FILLER_RE = re.compile(r"^(?:帮我|给我|麻烦|请|我想|我要|想|要|问一下|问下|问问)+")


def offer_text(second: str, intent: str) -> str:
    """另外您说要约个维修，现在帮您约吗？"""
    what = LEADING_FILLER_RE.sub("", second).strip(PUNCT) or second
    if intent == "book_service":
        return f"另外您说要{what}，现在帮您约吗？"
    if intent == "file_complaint":
        return f"另外您还说了“{what}”，现在也帮您登记吗？"
    if intent == "cancel_booking":
        return f"另外您说要{what}，现在帮您办吗？"
    return f"另外您还问了“{what}”，现在帮您查吗？"
