"""Two requests in one message (``two_requests``): where the message is cut (``split``),
what the classifier hears in each part, and whether the second is asked for outright
(counted out, said to be two, or a report after a policy answer: ``AT_ONCE_AFTER_POLICY``)
or offered once the first is done (``offers``).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from assistant.conversation import split

if TYPE_CHECKING:
    from assistant.dialogue import DialogueClient


def _part_intent(parsed: dict, part: str) -> str | None:
    """The task of one part: a progress question by its words (the classifier may hear
    路灯 in 那个路灯的单子啥进度 and call it a complaint), else the classifier's intent,
    else the task it names in words."""
    if split.asks_progress(part):
        return "check_ticket"
    return split.task_intent(parsed) or split.worded_intent(part)


async def two_requests(client: DialogueClient, text: str) -> tuple[str, str, str, bool] | None:
    """(first part, second part, second intent, counted out) when the message holds two
    different task requests. Classifies only messages with a connector or a count
    (一是…二是…); a phone said once goes with both parts. Two complaints counted out
    (我要反映两个事：一是…；二是…) are both asked for: ``counted``."""
    from assistant.dialogue import DialogueUnavailable

    counted = split.enumerated_split(text)
    cut = (
        counted or split.candidate_split(text) or split.cancel_then_request(text)
        or split.problems_side_by_side(text)  # 楼道灯坏了 垃圾也没人清: no connector said
    )
    if cut is None:
        return None
    cut = split.share_contact(cut)
    # 这两件事都跟你说下: the matters said to be two, as counting them out says.
    said_two = counted is None and split.says_two(text)
    if said_two:
        cut = split.Split(split.without_count(cut.first), split.without_count(cut.second))
    try:
        # Each part is classified without the phone said for both (share_contact): a number
        # tells who to call back, no request, and the classifier hears 门口井盖也松了 电话139…
        # as inform (two problems side by side were never cut).
        first, second = await asyncio.gather(
            client.parse(split.without_phone(cut.first)), client.parse(split.without_phone(cut.second))
        )
    except DialogueUnavailable:
        return None
    intents = split.two_requests(first, second)
    if intents is None:
        a, b = _part_intent(first, cut.first), _part_intent(second, cut.second)
        intents = (a, b) if a and b and a != b else None
        if a == "book_service" and b in (None, "book_service") and split.two_bookings(cut.first, cut.second):
            # 助餐, 另外还想约个理发 / …再借明天下午的活动室: two services asked for, two bookings
            # (the classifier may not place the second part's words).
            intents = (a, "book_service")
    if (
        (intents is None or intents[0] == "book_service")
        and _part_intent(first, cut.first) == "book_service"
        and split.booking_carried(cut.first, cut.second)
    ):
        intents = ("book_service", "book_service")  # 约明早理发 还有明天中午的助餐: 约 goes with both
    if (
        intents is None
        and split.two_problems(cut.first, cut.second)
        and "file_complaint" in {split.task_intent(first), split.task_intent(second)}
        and {split.task_intent(first), split.task_intent(second)} <= {"file_complaint", None}
    ):
        # 803号楼门口路灯黑了 还有803号楼后面垃圾堆成山了: each part names a thing and its fault,
        # different things; the classifier may place only one of the two (the other unsure).
        intents = ("file_complaint", "file_complaint")
    if (
        intents is None
        and split.task_intent(first) == split.task_intent(second) == "ask_policy"
        and split.two_questions(cut.first, cut.second)
    ):
        intents = ("ask_policy", "ask_policy")  # 养老金咋查 还有医保卡丢了咋补办: both answered
    if (
        intents is None
        and (counted is not None or said_two)
        and split.two_things(cut.first, cut.second)
        and "file_complaint" in {split.task_intent(first), split.task_intent(second)}
    ):
        intents = ("file_complaint", "file_complaint")
    if (
        (counted is not None or said_two)
        and intents != ("file_complaint", "file_complaint")
        and "book_service" not in (intents or ())
        and split.two_problems(cut.first, cut.second)
    ):
        # 反映两个事 1220号楼后头路灯黑了 还有楼门口车乱停…: the resident says there are two
        # matters and each part names a thing and its fault: two reports, whatever the
        # classifier makes of the part that carries the count.
        intents = ("file_complaint", "file_complaint")
    if intents is None:
        return None
    if intents == ("book_service", "book_service"):
        cut = split.share_address(cut)  # …再订个助餐 地址813号楼1单元101: the address goes with both
    both = (counted is not None or said_two) and intents == ("file_complaint", "file_complaint")
    if intents == ("file_complaint", "file_complaint"):
        # …还有人把车停到消防通道上: a second report naming no place is at the first's.
        cut = split.Split(cut.first, split.share_place(cut.first, cut.second))
    # 居住证咋办？还有334号楼楼道里堆满了杂物: a question answered in one go, then a report or a
    # booking asked outright: it starts right after the answer, no offer in between.
    both = both or (intents[0] == "ask_policy" and intents[1] in AT_ONCE_AFTER_POLICY)
    return cut.first, cut.second, intents[1], both


# A booking after a policy answer is offered, as the issue asks (另外您说要约个体检，现在帮您约吗？):
# the resident has just read an answer and may want to ask on before booking. A report, or a
# second question (养老金咋查 还有医保卡丢了咋补办), is answered right after the first.
AT_ONCE_AFTER_POLICY = frozenset({"file_complaint", "ask_policy"})
