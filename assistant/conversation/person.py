"""A person asked for: the phone said at the hand-off's question (``handoff_contact``), the
other request said in the same message (``besides_person``), and a hand-off the classifier
does not hear (``person_missed``).
"""

from __future__ import annotations

import anyio
import structlog
from typing import TYPE_CHECKING

from assistant.conversation import offers, split, state

if TYPE_CHECKING:
    from assistant.db import Database
    from assistant.dialogue import DialogueClient, Reply

log = structlog.get_logger(__name__)


async def handoff_contact(db: Database | None, sender: str, said: str) -> list[Reply] | None:
    """The answer to the hand-off's phone question: a number (13812348035 / 我电话138…) is
    remembered for staff to call and the hand-off refreshed; 不留 / 不用了 gets the
    community's phone. ``None`` when the message is something else (it goes on as said)."""
    from assistant.dialogue import Reply
    from assistant.residents.service import handoff_reply, remember_contact, request_handoff
    from assistant.settings import get_settings
    from assistant.tickets.intake import parse_contact

    settings = get_settings()
    if offers.NO_RE.match(said) or said == "/deny":
        return [Reply(text=f"好的，不留也行。着急的话请直接打社区电话 {settings.service_phone}（{settings.service_hours}）。")]
    contact = parse_contact(said)
    if contact is None or not split.is_bare_value(said):
        return None
    if contact[0] != "phone":
        return [Reply(text=f"好的，不留也行。着急的话请直接打社区电话 {settings.service_phone}（{settings.service_hours}）。")]

    def record() -> str:
        with state.database(db).transaction() as session:
            remember_contact(session, sender, phone=contact[1])
            request_handoff(session, sender, "asked", said)
        return contact[1]

    try:
        phone = await anyio.to_thread.run_sync(record)
    except Exception as exc:  # noqa: BLE001 - unrecorded, the words go on to the dialogue
        log.warning("conversation_handoff_contact_failed", error=type(exc).__name__)
        return None
    return [Reply(text=handoff_reply("好的，号码记下了。", phone, service_phone=settings.service_phone,
                                     service_hours=settings.service_hours))]


async def besides_person(client: DialogueClient, text: str) -> str | None:
    """What else a message that asks for a person asks for (101号楼车库漏水，车都泡了，
    给我转个人工，电话…: the complaint), when it is a task; ``None`` otherwise (转人工
    alone, or 我搞不懂，给我转人工: the message goes on as said)."""
    from assistant.dialogue import DialogueUnavailable

    if not split.asks_person(text):
        return None
    rest = split.without_person(text)
    if not split.CJK_RE.search(rest) or len(split.CJK_RE.findall(rest)) < 2:
        return None
    try:
        intent = split.task_intent(await client.parse(rest))
    except DialogueUnavailable:
        intent = None  # the words decide; degraded mode files and hands over in turn
    return rest if intent or split.worded_intent(rest) else None


async def person_missed(client: DialogueClient, text: str) -> bool:
    """The classifier does not hear the hand-off a message asks for (with Rasa down the
    words go on as said: degraded mode reads them)."""
    from assistant.dialogue import DialogueUnavailable

    try:
        parsed = await client.parse(text)
    except DialogueUnavailable:
        return False
    return ((parsed.get("intent") or {}).get("name")) != "request_human"
