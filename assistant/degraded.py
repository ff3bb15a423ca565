"""Degraded mode: what the gateway itself does with a resident's message when Rasa or
the action server is down or too slow (issue #12 item 5). The one place these rules
live; ``DialogueClient.deliver_or_degrade`` calls ``respond``.

In order, the first that applies:

1. an emergency the safety net reads (``assistant.safety``): the 119/120/110 advice
   first, then the emergency ticket and the staff alert (``respond_to_emergency``,
   the same function the dialogue's emergency action calls);
2. a request for a person (``assistant.form_turns.wants_person``: 转人工, 找工作人员,
   人工...; not 工作人员态度很差): a hand-off request, recorded with the residents'
   hand-off service;
3. a complaint that says what is wrong (``assistant.tickets.intake.reads_as_complaint``,
   the same rule the dialogue's misunderstanding path uses): a ticket filed with the
   tickets service, with the resident's words;
4. anything else: recorded in the inbox only (``assistant/inbox``), to be replayed to
   Rasa when it is back, or handed over to staff if it waited too long.

The answer says, in short Chinese, what was recorded, and promises nothing the code
does not do: a ticket id only when filed, a call back only when staff have a phone
(``handoff_reply``), "系统恢复后会处理" because the replay or a hand-off will.

Each answer's first reply carries ``custom["degraded"]`` with the action taken
(``ticket`` / ``handoff`` / ``recorded``; an emergency carries the usual
``custom["emergency"]`` marker), which the inbox reads to know what not to replay.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import structlog

from assistant.form_turns import wants_person
from assistant.privacy import mask_text
from assistant.safety import assess

if TYPE_CHECKING:
    from assistant.db import Database
    from assistant.settings import Settings

log = structlog.get_logger(__name__)

DEGRADED_MARKER = "degraded"
Kind = Literal["emergency", "handoff", "ticket", "recorded"]

PREFIX = "智能助手暂时出了故障，"


@dataclass
class Decision:
    kind: Kind
    reason: str  # the rule that decided (logged; no personal data)


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def decide(text: str) -> Decision:
    """Which rule applies to ``text`` (pure: no database, no network)."""
    from assistant.tickets.intake import reads_as_complaint

    text = _norm(text)
    verdict = assess(text, quiet=True)
    if verdict.emergency:
        return Decision("emergency", "safety_net:" + ",".join(verdict.kinds))
    if wants_person(text):  # the one rule (forms use it too)
        return Decision("handoff", "handoff_words")
    if reads_as_complaint(text):  # the one complaint rule (the misunderstanding path's too)
        return Decision("ticket", "reads_as_complaint")
    return Decision("recorded", "no_rule")  # 我要投诉 alone included: nothing to file yet


@dataclass
class Outcome:
    """What degraded mode did and said. ``lines``: the replies in order; ``marker``:
    the custom payload of the first reply."""

    kind: Kind
    lines: list[str]
    ticket_id: str | None = None
    marker: dict | None = None


def recorded_text(settings: Settings) -> str:
    return (f"{PREFIX}已记下您的话，系统恢复后会处理。急事请拨打社区电话 {settings.service_phone}"
            f"（{settings.service_hours}）；紧急情况请直接拨打 110、119 或 120。")


def respond(db: Database, settings: Settings, *, sender_id: str, text: str,
            metadata: dict | None = None) -> Outcome:
    """Act on one message without the dialogue (runs in a worker thread: it writes to
    the database and may post the staff alert). A failure of a rule's service falls
    back to "recorded": the inbox has the words either way."""
    decision = decide(text)
    log.warning("degraded_mode", sender=sender_id, rule=decision.kind, reason=decision.reason,
                text=mask_text(text)[:200])
    try:
        if decision.kind == "emergency":
            return emergency(db, settings, sender_id, text, metadata)
        if decision.kind == "handoff":
            return _handoff(db, settings, sender_id, text)
        if decision.kind == "ticket":
            return _ticket(db, settings, sender_id, text, metadata)
    except Exception:  # noqa: BLE001 - the resident still gets an honest answer below
        log.exception("degraded_action_failed", sender=sender_id, rule=decision.kind)
        if decision.kind == "emergency":  # the advice, whatever failed
            from assistant.tickets.emergency import emergency_advice

            return Outcome("emergency", ["\n".join(emergency_advice(text)),
                                         f"也请打社区电话 {settings.service_phone} 告诉工作人员。"])
    return Outcome("recorded", [recorded_text(settings)], marker={DEGRADED_MARKER: {"action": "recorded"}})


def emergency(db: Database, settings: Settings, sender_id: str, text: str, metadata: dict | None) -> Outcome:
    from assistant.dialogue import EMERGENCY_MARKER
    from assistant.tickets.intake import location_from_metadata
    from assistant.tickets.service import respond_to_emergency

    shared = location_from_metadata(metadata or {})
    response = respond_to_emergency(db, text=text, sender_id=sender_id, lat=shared[0] if shared else None,
                                    long=shared[1] if shared else None, settings=settings)
    return Outcome("emergency", list(response.lines), ticket_id=response.ticket_id,
                   marker={EMERGENCY_MARKER: {"ticket_id": response.ticket_id, "by": "gateway"}})


def _handoff(db: Database, settings: Settings, sender_id: str, text: str) -> Outcome:
    from assistant.residents.service import handoff_phone, handoff_reply, request_handoff

    with db.transaction() as session:  # read then write: SQLite's write lock first
        handoff = request_handoff(session, sender_id, "asked", text[:2000])
        phone = handoff_phone(session, sender_id)
        handoff_id = handoff.id
    line = handoff_reply(f"{PREFIX}您要找工作人员，", phone, service_phone=settings.service_phone,
                         service_hours=settings.service_hours)
    return Outcome("handoff", [line], marker={DEGRADED_MARKER: {"action": "handoff", "handoff_id": handoff_id}})


def _ticket(db: Database, settings: Settings, sender_id: str, text: str, metadata: dict | None) -> Outcome:
    from assistant.tickets.intake import extract_location, location_from_metadata, media_from_metadata
    from assistant.tickets.service import duplicate_heading, file_ticket

    shared = location_from_metadata(metadata or {})
    filed = file_ticket(db, description=text, sender_id=sender_id, address=extract_location(text),
                        lat=shared[0] if shared else None, long=shared[1] if shared else None,
                        media_url=media_from_metadata(metadata), channel="chat", settings=settings)
    ticket = filed.ticket
    query = f"系统恢复后可以说“{ticket.id} 怎么样了”查询进度；急事请拨打社区电话 {settings.service_phone}（{settings.service_hours}）。"
    if filed.created:
        line = f"{PREFIX}已记下您的投诉，工单号 {ticket.id}（{ticket.category}，由{ticket.department}处理）。{query}"
    else:  # the resident's own report told again, or another's joined: the service's words
        line = f"{PREFIX}{duplicate_heading(ticket, own=filed.own)}{query}"
    if filed.alerted:  # an acute hazard in a complaint raises the staff alert (file_ticket)
        line += "已通知值班人员。"
    return Outcome("ticket", [line], ticket_id=ticket.id,
                   marker={DEGRADED_MARKER: {"action": "ticket", "ticket_id": ticket.id, "created": filed.created}})
