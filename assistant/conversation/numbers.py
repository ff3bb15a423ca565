"""The resident's own number asked again (那个号再说一遍 我拿笔记一下 / 工单号是多少来着), or
what such a number is (啥叫工单号 我不懂): answered from the records, before the dialogue.

An elder who did not catch the GD number, or does not know what it is for, says so in
words the classifier hears as anything (a hand-off, a new report, 没听明白). The answer
is the number of the resident's latest ticket or booking — the one the words name (工单 /
预约), else the newer of the two — read out plainly, and what it is for. Nothing is
promised beyond what the records say (who handles it, how to ask after it).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

import anyio
import structlog

from assistant.conversation import state

if TYPE_CHECKING:
    from assistant.conversation import store
    from assistant.db import Database
    from assistant.dialogue import Reply

log = structlog.get_logger(__name__)

Kind = Literal["ticket", "booking", "any", "pointer"]

MAX_LENGTH = 40
# The number itself: 工单号 / 预约号 / 编号 / 那个号 / 号码. Never a day (几号, 8号) or a place
# (3号楼, 2号门): no digit or 几 before it, no 楼/门/院/线 after it.
_NUMBER = (r"(?:(?P<kind>工单|预约|受理|报修|单子的?|投诉的?)号(?:码|子)?|(?P<bare>编号|号码|号子|号))"
           r"(?<![几\d一二三四五六七八九十两]号)(?<![几\d一二三四五六七八九十两]号码)(?![楼门院线栋座室])")
_AGAIN = (r"再(?:说|报|念|讲|发|告诉我|给我说|跟我说|重复)(?:一)?(?:遍|次|下)?|重(?:新)?(?:说|报|念)(?:一)?(?:遍|次|下)?"
          r"|重复(?:一)?(?:遍|次|下)?|是多少|多少来着|是啥来着|是什么来着|是几来着|多少啊|多少呀|是多少啊|呢[？?]*$"
          r"|没记住|没记下|没记全|记不住|忘了|没听清|没看清|看不清|记一下|拿笔|记下来|抄一下|抄下来")
_ASKED_AGAIN = (re.compile(rf"{_NUMBER}[^，,。！!？?]{{0,8}}?(?:{_AGAIN})"),
                re.compile(rf"(?:{_AGAIN})[^，,。！!？?]{{0,6}}?{_NUMBER}"))
# 啥叫工单号 / 工单号是什么意思 / 这个编号是干啥的 / 工单号 我不懂
_WHAT = r"(?:啥|什么|甚么|撒子|么子)"
_EXPLAIN = re.compile(
    rf"{_WHAT}(?:叫|是)(?:个)?(?P<a>工单号?|预约号|编号)"
    rf"|(?P<b>工单号?|预约号|编号)(?:是|指|就是)?(?:个)?{_WHAT}(?:意思|东西|玩意儿?|名堂)?"
    rf"|(?P<c>工单号?|预约号|编号)[^，,。！!？?]{{0,4}}?(?:干啥|干什么|做啥|做什么|有啥用|有什么用)"
    r"|(?:不懂|不知道|不晓得|弄不懂|搞不懂)(?:啥是|什么是|啥叫|什么叫)?(?:这个|那个)?(?P<d>工单号?|预约号|编号)"
    r"|(?P<e>工单号?|预约号|编号)[^，,。！!？?]{0,4}?(?:不懂|不明白|看不懂|听不懂)"
)
_GD_OR_YY = re.compile(r"(?:GD|gd|YY|yy)\s*\d{6,}")
# What may stand before a bare 号 / 号码 / 编号 in its clause when it is the resident's own
# number the butler just said (那你把那个号再说一遍 / 刚才那个号码): pointers, requests and the
# repeat itself. Anything else names whose number it is (物业的号码, 社保卡号码, 身份证号码,
# 挂号的号码, 居委会那个号码): not the resident's ticket or booking.
_OWN_POINTER = re.compile(
    r"(?:那你|你|您|麻烦你?|麻烦您|请|再|就|把|给我|跟我|帮我|那|这|个|那个|这个|刚才|刚刚|刚|你说的|你刚说的|你刚才说的"
    r"|的|嗯|哦|啊|哎|诶|我的|我那个|我这个|我|俺|说|一遍|一下|念|报|讲|重复)*"
)
_CLAUSE_BREAK = re.compile(r"[，,。！!？?\s]")


def _kind_of(word: str | None) -> Kind:
    if not word:
        return "any"
    if word.startswith("预约"):
        return "booking"
    if word.startswith("编"):
        return "any"
    return "ticket"


def _whose(said: str, start: int) -> bool:
    """Words before a bare number in its clause name whose number it is (物业的号码)."""
    clause_start = max((m.end() for m in _CLAUSE_BREAK.finditer(said, 0, start)), default=0)
    return not _OWN_POINTER.fullmatch(said[clause_start:start])


def asked(text: str | None) -> tuple[Kind, bool] | None:
    """(which number, explain it too) when the message asks for the resident's number again
    or what it is; None for anything else (a number given: GD… 怎么样了 is a progress query;
    someone else's number: 物业的号码是多少). A bare 号 / 号码 is ``pointer``: the resident's
    only right after the butler said one (``answer`` checks)."""
    said = re.sub(r"\s+", " ", (text or "").strip())
    if not said or said.startswith("/") or len(said) > MAX_LENGTH or _GD_OR_YY.search(said):
        return None
    explain = _EXPLAIN.search(said)
    if explain:
        word = next(g for g in explain.groups() if g)
        at = explain.start(next(i for i, g in enumerate(explain.groups(), 1) if g))
        if word == "编号" and _whose(said, at):
            return None
        return _kind_of(word), True
    again = next((m for m in (p.search(said) for p in _ASKED_AGAIN) if m), None)
    if again is None:
        return None
    if again.group("kind"):
        return _kind_of(again.group("kind")), False
    if _whose(said, again.start("bare")):
        return None
    return ("any" if again.group("bare") == "编号" else "pointer"), False


def _spaced(number: str) -> str:
    """GD202612070006 read in groups an elder can copy: GD 2026 1207 0006."""
    head, digits = number[:2], number[2:]
    return f"{head} {' '.join(digits[i:i + 4] for i in range(0, len(digits), 4))}"


def answer(db: Database, sender_id: str, kind: Kind, explain: bool, last_said: list[str] = ()) -> str | None:
    """The number of the resident's latest ticket or booking said again (with what it is
    for when ``explain``), or None when they have neither (the dialogue answers).
    A bare 那个号 / 号码 (``pointer``) is the resident's only when the last replies said a
    GD/YY id (right after 社区电话 021-… it is that phone: None, the dialogue answers)."""
    if kind == "pointer":
        # 那个号再说一遍: the resident's own only when the butler's last replies said one.
        if not any(_GD_OR_YY.search(t) for t in last_said):
            return None
        kind = "any"
    from assistant.booking.models import Booking
    from assistant.residents.models import Resident
    from assistant.tickets.service import my_tickets
    from sqlalchemy import select

    with db.session() as session:
        tickets = my_tickets(session, sender_id, limit=1) if kind in ("ticket", "any") else []
        ticket = tickets[0] if tickets else None
        booking = None
        if kind in ("booking", "any"):
            booking = session.scalars(
                select(Booking).join(Resident, Resident.id == Booking.resident_id)
                .where(Resident.sender_id == sender_id, Booking.status == "booked")
                .order_by(Booking.created_at.desc(), Booking.id.desc()).limit(1)
            ).first()
        if ticket is not None and booking is not None:
            if booking.created_at and ticket.created_at and _aware(booking.created_at) > _aware(ticket.created_at):
                ticket = None
            else:
                booking = None
        if ticket is not None:
            number = ticket.id
            if explain:
                return (f"工单号就是您反映的这件事的登记编号：{number}（{_spaced(number)}）。"
                        f"事情已经登记了，转给了{ticket.department}处理，您不用管这个号也行。"
                        f"想问进度的时候，把这个号告诉我，或者直接问我“我报的事怎么样了”。")
            return (f"您的工单号是：{number}。\n分开念是：{_spaced(number)}。\n"
                    f"记下来，以后问进度报这个号就行；记不住也没关系，直接问我“我报的事怎么样了”。")
        if booking is not None:
            number = booking.id
            if explain:
                return (f"预约号就是您这次预约的编号：{number}（{_spaced(number)}）。"
                        f"预约已经约好了，到时候按约好的时间来。想查或者取消，跟我说“我约了什么”就行。")
            return (f"您的预约号是：{number}。\n分开念是：{_spaced(number)}。\n"
                    f"记不住也没关系，想查的话跟我说“我约了什么”。")
    return None


def _aware(value):  # noqa: ANN001, ANN202 - a stored datetime, naive on SQLite
    from datetime import UTC

    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def number_again(db: Database | None, sender: str, said: str, memory: store.Memory) -> list[Reply] | None:
    """The reply when the message asks for the resident's ticket or booking number again, or
    what it is (``asked``, ``answer``); a question the last reply left open is asked again
    after it. None: not asked, or nothing on record (the dialogue answers)."""
    from assistant.dialogue import Button, Reply

    which = asked(said)
    if which is None:
        return None
    last_texts = [s.text or "" for s in memory.last]
    try:
        text = await anyio.to_thread.run_sync(
            lambda: answer(state.database(db), sender, which[0], which[1], last_texts))
    except Exception as exc:  # noqa: BLE001 - without the records the dialogue answers
        log.warning("number_lookup_failed", error=type(exc).__name__)
        return None
    if text is None:
        return None
    replies = [Reply(text=text)]
    open_question = memory.last[-1] if memory.last else None
    if open_question is not None and re.search(r"[？?]\s*$", open_question.text or ""):
        replies.append(Reply(text=open_question.text,
                             buttons=[Button(t, p) for t, p in open_question.buttons]))
    return replies
