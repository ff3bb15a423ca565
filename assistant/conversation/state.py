"""What a turn knows of the conversation so far, shared by the stages and the topic modules.

The records (``database``); whether a form runs, from the tracker (``form_running``,
``parsed_outside_forms``, ``told_outside_forms``, ``first_done``); what the butler's last
turn showed or asked (``no_list_shown``, ``is_contact_question``, ``answer_awaited``,
``asks_yes_or_no``, ``asks_did_you_mean``, ``records_listed``); and the turn remembered
for the next one (``remember``). Without the tracker or the records the words go on as
they were said: a help here is never a reason to fail.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import anyio
import structlog

from assistant import clock
from assistant.conversation import store
from assistant.conversation.choices import options_from_reply, record_lines

if TYPE_CHECKING:
    from collections.abc import Callable

    from assistant.db import Database
    from assistant.dialogue import DialogueClient, Reply

log = structlog.get_logger(__name__)


YES_NO_PAYLOADS = {"/affirm", "/deny"}


def asks_yes_or_no(options) -> bool:  # noqa: ANN001 - remembered options
    """The butler's last reply asked a yes/no question (its 对/不对 buttons): a yes word
    answers that question, not the request still waiting for its offer."""
    return any((o.payload or "").strip() in ("/affirm", "/deny") for o in options or [])


def database(db: Database | None) -> Database:
    """The database the turn was given (tests give their own), else the application's."""
    if db is not None:
        return db
    from assistant.db import get_database

    return get_database()


def records_listed(last: list[store.Said]):  # noqa: ANN202 - a list of Options
    """The records (bookings, tickets) the butler's last turn listed as lines without
    buttons of their own: the latest such list, else none."""
    for said in reversed(last):
        if said.buttons:
            continue
        listed = record_lines(said.text)
        if listed:
            return listed
    return []


def asks_did_you_mean(replies: list[Reply]) -> bool:
    """The last reply asks the resident to confirm the question (您是想问“…”吗？)."""
    return bool(replies) and bool(re.search(r"您是想问.*吗[？?]\s*$", replies[-1].text or "", re.DOTALL))


async def parsed_outside_forms(client: DialogueClient, sender: str, text: str) -> dict | None:
    """The classifier's reading of ``text`` when no form is running (inside one, the words
    are its answers); None while a form runs or the dialogue engine is down."""
    from assistant.dialogue import DialogueUnavailable

    try:
        if await client.active_loop(sender) is not None:
            return None
        return await client.parse(text)
    except DialogueUnavailable:
        return None


async def form_running(client: DialogueClient, sender: str) -> bool:
    from assistant.dialogue import DialogueUnavailable

    try:
        return await client.active_loop(sender) is not None
    except DialogueUnavailable:
        return False


# After a complaint is filed the butler asks for a phone, with one button: 不留电话. The
# complaint is done: the phone only joins it, so a second request is offered right away.
CONTACT_BUTTON_RE = re.compile(r"^不留")


def no_list_shown(options) -> bool:  # noqa: ANN001 - the remembered options
    """No list the message could choose from: none shown, or only the 不留电话 of the ticket's
    phone question (补充一下… right after filing adds to the ticket, it picks nothing)."""
    return not options or all(CONTACT_BUTTON_RE.match(o.title or "") for o in options)


def is_contact_question(reply) -> bool:  # noqa: ANN001 - a Reply, or a remembered Said
    buttons = [b if isinstance(b, tuple) else (b.title, b.payload) for b in reply.buttons]
    return bool(buttons) and all(CONTACT_BUTTON_RE.match(t) and p.strip() == "/deny" for t, p in buttons)


def answer_awaited(memory: store.Memory, pending: store.Pending | None) -> bool:
    """A yes, a choice or an answer is waited for: a list or buttons shown, an offer open,
    or the butler's last reply asked something (您要预约…对吗？)."""
    if memory.options or (pending is not None and pending.offered):
        return True
    return any(re.search(r"[？?]", said.text or "") for said in memory.last)


async def told_outside_forms(
    client: DialogueClient, sender: str, work: Callable[[], str | None], unavailable: str
) -> list[Reply] | None:
    """``work()`` (blocking: it reads the records) answered as the reply, only when no form
    runs; None when a form runs, ``work`` has nothing to say, or the records are out of
    reach (then the words go to the dialogue as said, and ``unavailable`` is logged)."""
    from assistant.dialogue import Reply

    try:
        if await form_running(client, sender):
            return None
        told = await anyio.to_thread.run_sync(work)
    except Exception as exc:  # noqa: BLE001 - without the records the words go as said
        log.warning(unavailable, error=type(exc).__name__)
        return None
    return [Reply(text=told)] if told else None


async def first_done(client: DialogueClient, sender: str, replies: list[Reply]) -> bool:
    """The first request is done when no form is running and no yes/no question is
    open. The tracker says whether a form runs; without it, a reply ending in a
    question is taken as not done."""
    from assistant.dialogue import DialogueUnavailable

    if not replies:
        return False
    last = replies[-1]
    if any(b.payload.strip() in YES_NO_PAYLOADS for b in last.buttons) and not is_contact_question(last):
        return False
    try:
        return await client.active_loop(sender) is None
    except DialogueUnavailable:
        return not last.text.rstrip().endswith(("？", "?"))


async def remember(
    db: Database | None,
    sender: str,
    memory: store.Memory | None,
    replies: list[Reply],
    *,
    pending: store.Pending | None = None,
    keep_options: bool = False,
    keep_last: bool = False,
) -> None:
    """Remember the choices of the last reply that has buttons (none: no choices) and
    the replies themselves, for 再说一遍 (``keep_last``: a repeat keeps the replies it
    repeated). ``memory``: what was remembered before this message. Nothing before
    and nothing now costs no write."""
    with_buttons = [r for r in replies if r.buttons]
    new = store.Memory(pending=pending)
    if keep_last and memory is not None and memory.last:
        new.last, new.last_at = memory.last, clock.now()
    elif replies:
        new.last = [store.Said(r.text, [(b.title, b.payload) for b in r.buttons]) for r in replies]
        new.last_at = clock.now()
    if (
        memory is not None
        and not memory.options
        and memory.pending is None
        and not memory.last
        and not with_buttons
        and pending is None
        and not new.last
    ):
        return
    if keep_options and memory is not None:
        new.options, new.shown_at = memory.options, clock.now()
    elif with_buttons:
        last = with_buttons[-1]
        new.options = options_from_reply(last.text, [(b.title, b.payload) for b in last.buttons])
        new.shown_at = clock.now()
    try:
        await anyio.to_thread.run_sync(store.save, database(db), sender, new)
    except Exception as exc:  # noqa: BLE001
        log.warning("conversation_memory_unwritable", error=type(exc).__name__)
