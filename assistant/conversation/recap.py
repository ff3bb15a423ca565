"""两个都记上了吧 / 都登记了吗 / 理发约上了吧: a resident asking whether what they just
asked for was done is answered from the records themselves (the tickets they filed
and the bookings they made in the last half hour), never with 没听明白 and never
with a promise the records do not keep.

A question that names no recording (我的工单怎么样了 asks for progress) is not one of
these: it goes to the dialogue as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import anyio
import structlog
from sqlalchemy import select

from assistant import clock
from assistant.conversation import split, state
from assistant.db import Database

if TYPE_CHECKING:
    from assistant.conversation import store
    from assistant.dialogue import Reply

log = structlog.get_logger(__name__)

WINDOW = timedelta(minutes=30)

# A verb of recording, done (记上了 / 登记了 / 约上了 / 约好了 / 报上去了), asked about
# (吗 / 吧 / 没 / 没有 / ？). 都 / 两个 / 那个 alone prove nothing.
DONE_RE = re.compile(
    r"(?:记上|记下|记好|登记上|登记好|登记|报上去|报上|反映上去|提交|约上|约好|预约上|订上|订好)了?"
    r"(?:吗|吧|没有?|么|嘛|不|没|啊|呀|伐|哇|未|冇)?\s*[？?]?")
# 伐 / 哇 (Wu), 未 / 冇 (Cantonese): the question particle in the resident's own words.
ASKED_RE = re.compile(r"(?:吗|吧|没有?|么|嘛|伐|哇|未|冇|[？?])")
# Progress questions go to the dialogue (怎么样了 / 修好了没 / 处理了吗).
PROGRESS_RE = re.compile(r"怎么样|进度|修好|弄好|处理了|办结|到哪|还没修|还没人")


def asks_done(text: str) -> bool:
    """Is the message a question whether something was recorded?"""
    if len(text) > 40 or PROGRESS_RE.search(text):
        return False
    return bool(DONE_RE.search(text)) and bool(ASKED_RE.search(text))


# 两个事都报上了吧 / 两件都记上了吗 / 都约好了没: every request asked about, so the one still
# offered too (it was said with the first: asking whether all is done asks for it).
_ALL_RE = re.compile(r"(?:两|俩|2|三|几)\s*(?:个|件|样|桩)?(?:事|事情|问题|都)|都|侪")  # 侪: Wu 都


def asks_all_done(text: str) -> bool:
    """Does the message ask whether every request said was recorded (两个事都报上了吧)?"""
    return asks_done(text) and bool(_ALL_RE.search(text))


@dataclass
class Done:
    kind: str  # "ticket" | "booking"
    ref: str
    what: str


def recent(db: Database, sender: str, now: datetime | None = None) -> list[Done]:
    """The tickets filed and bookings made by this resident in the last half hour, oldest first."""
    from assistant.booking.models import Booking
    from assistant.booking.service import describe_booking
    from assistant.residents.models import Resident
    from assistant.tickets.models import Ticket

    since = (now or clock.now()) - WINDOW
    done: list[tuple[datetime, Done]] = []
    with db.session() as session:
        # Compared here, not in SQL: SQLite keeps the offset as text.
        tickets = session.scalars(select(Ticket).where(Ticket.sender_id == sender)
                                  .order_by(Ticket.created_at.desc()).limit(10)).all()
        for t in tickets:
            if _aware(t.created_at) < since:
                continue
            what = t.description if len(t.description) <= 16 else t.description[:15] + "…"
            done.append((_aware(t.created_at), Done("ticket", t.id, what)))
        bookings = session.scalars(
            select(Booking).join(Resident, Resident.id == Booking.resident_id)
            .where(Resident.sender_id == sender, Booking.status == "booked")
            .order_by(Booking.created_at.desc()).limit(10)).all()
        for b in bookings:
            if b.created_at is None or _aware(b.created_at) < since:
                continue
            done.append((_aware(b.created_at), Done("booking", b.id, describe_booking(b))))
    done.sort(key=lambda pair: pair[0])
    return [d for _, d in done]


def _aware(value: datetime) -> datetime:
    from datetime import UTC

    return value if value.tzinfo else value.replace(tzinfo=UTC)


def recap_text(done: list[Done], waiting: str | None = None) -> str:
    """都记下了：工单号 GD…（…）；预约号 YY…（…）。 plus what still waits, if anything."""
    lines = []
    for d in done:
        label = "工单号" if d.kind == "ticket" else "预约号"
        lines.append(f"{label} {d.ref}（{d.what}）")
    if not lines:
        head = "刚才还没有登记好的事。"
    elif len(lines) == 1:
        head = f"已经办好一件：{lines[0]}。"
    else:
        head = f"都办好了，一共{len(lines)}件：\n" + "\n".join(f"{i}. {line}" for i, line in enumerate(lines, 1))
    if waiting:
        return f"{head}\n{waiting}"
    return head


async def answer(
    db: Database | None, sender: str, pending: store.Pending | None, last: list[store.Said]
) -> list[Reply] | None:
    """What was filed and booked lately, and what still waits: the offer still open, or
    the yes/no question the butler asked last (a read-back not yet confirmed is asked
    again, never reported as done); ``None`` when there is nothing to tell (the question
    goes to the dialogue)."""
    from assistant.dialogue import Button, Reply

    # (A ticket's phone question, with its one 不留电话, waits for no yes: the ticket is filed.)
    asked = (
        last[-1]
        if last
        and any(p.strip() in state.YES_NO_PAYLOADS for _, p in last[-1].buttons)
        and not state.is_contact_question(last[-1])
        else None
    )
    if asked is not None and (pending is None or not pending.offered):
        try:
            done = await anyio.to_thread.run_sync(recent, state.database(db), sender)
        except Exception as exc:  # noqa: BLE001
            log.warning("conversation_recap_unavailable", error=type(exc).__name__)
            return None
        head = recap_text(done) if done else ""
        text = f"{head}\n还有一件等您确认：{asked.text}" if head else f"还差您确认一下：{asked.text}"
        return [Reply(text=text, buttons=[Button(t, p) for t, p in asked.buttons])]

    try:
        done = await anyio.to_thread.run_sync(recent, state.database(db), sender)
    except Exception as exc:  # noqa: BLE001 - the records are a help here, never a reason to fail
        log.warning("conversation_recap_unavailable", error=type(exc).__name__)
        return None
    waiting = (
        split.offer_text(pending.text, pending.intent) if pending is not None and pending.offered else None
    )
    if not done and waiting is None:
        return None
    text = recap_text(done, waiting)
    buttons = [Button("好的", "/affirm"), Button("不用了", "/deny")] if waiting else []
    return [Reply(text=text, buttons=buttons)]
