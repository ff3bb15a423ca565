"""What a resident is told, unasked, when staff move their ticket (issue #15 item 5):
派单, 已办结, and 回访 with a 1–5 rating question. Called by
``assistant.tickets.service.transition_ticket`` inside the transition's own
transaction, so the message exists exactly when the new state does; only for a filer
whose channel can receive pushes (``assistant.outbox.can_push``).

The rating buttons carry ``RATE_PREFIX + "<ticket id>:<score>"``: the channel hands a
pressed one to ``assistant.tickets.feedback.rate_ticket`` (the rule that stores
residents' ratings), not to the dialogue.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from assistant import outbox
from assistant.tickets import lifecycle
from assistant.tickets.models import Ticket, TicketEvent

RATE_PREFIX = "rate:"
RATE_RE = re.compile(r"^rate:(GD\d{12}):([1-5])$")
SCORE_TITLES = {1: "1 很不满意", 2: "2 不满意", 3: "3 一般", 4: "4 满意", 5: "5 很满意"}
PUSHED_ACTIONS = ("派单", "办结", "回访")


def rating_buttons(ticket_id: str) -> list[dict]:
    return [{"title": SCORE_TITLES[score], "payload": f"{RATE_PREFIX}{ticket_id}:{score}"} for score in range(5, 0, -1)]


def parse_rating_payload(payload: str) -> tuple[str, int] | None:
    match = RATE_RE.match(payload or "")
    return (match.group(1), int(match.group(2))) if match else None


def _about(ticket: Ticket) -> str:
    from assistant.tickets.service import _summary

    return f"您反映的“{_summary(ticket.description)}”（工单 {ticket.id}）"


def update_message(ticket: Ticket, action: str) -> tuple[str, list[dict]] | None:
    """(text, buttons) for a transition the resident hears about, else None."""
    if action == "派单":
        return f"{_about(ticket)}已派给{ticket.department or '相关部门'}处理。", []
    if action == "办结":
        return f"{_about(ticket)}已处理完毕。稍后工作人员会回访您。", []
    if action == "回访":
        return (f"{_about(ticket)}已回访。请给这次处理打个分：1 到 5 分，5 分最满意。",
                rating_buttons(ticket.id))
    return None


def enqueue_ticket_update(session: Session, ticket: Ticket, event: TicketEvent) -> bool:
    """Queue the message for this transition (the event must be flushed: its id is
    the dedupe key). False when the filer cannot receive pushes or the action is
    not one residents hear about."""
    if event.action not in PUSHED_ACTIONS or not outbox.can_push(ticket.sender_id):
        return False
    message = update_message(ticket, event.action)
    if message is None:
        return False
    text, buttons = message
    return outbox.enqueue(session, recipient=ticket.sender_id, text=text, buttons=buttons,
                          dedupe_key=f"ticket:{ticket.id}:event:{event.id}", now=lifecycle.aware(event.at))


__all__ = ["PUSHED_ACTIONS", "RATE_PREFIX", "enqueue_ticket_update", "parse_rating_payload", "rating_buttons",
           "update_message"]
