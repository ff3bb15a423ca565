"""A ticket's rating said in words, sent as the rating (``RATING_PAYLOAD``).

A bare score after the rating buttons (``rating_said``), a rating that names the ticket
(``rating_with_id``), a rating said unasked of a handled ticket (``unasked_rating``), and
the reason said right after rating (``reason_after_rating``; ``RATED_RE`` are the butler's
words when a rating was recorded). The rating rules are ``assistant.tickets.feedback``'s.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import anyio
import structlog

from assistant import clock
from assistant.conversation import state
from assistant.tickets.feedback import HEARD_OPENING, THANKS_OPENING, explicit_rating, parse_rating, rates_a_ticket, reason_in

if TYPE_CHECKING:
    from assistant.db import Database
    from assistant.dialogue import DialogueClient, Reply

log = structlog.get_logger(__name__)


RATING_PAYLOAD = "/rate_ticket"


# A bare score: 5 / 4分 / 五星. Not 第一 (an ordinal picks a button: the choice resolver's).
BARE_SCORE_RE = re.compile(r"^\s*[1-5一二两三四五]\s*(?:分|星|颗星)?[\s。.！!]*$")


def rating_said(said: str, options) -> str | None:  # noqa: ANN001 - the remembered options
    """5 / 4分 after the rating buttons (满意 / 基本满意 / 不满意): the question also asks for
    1 to 5 points, so a bare number is a score, never the 5th of three buttons. The
    message that rates the buttons' ticket, or None."""
    if not options or not all(o.message().startswith(RATING_PAYLOAD) for o in options):
        return None
    score = parse_rating(said, accounts=False)
    if score is None or not BARE_SCORE_RE.match(said):
        return None
    try:
        ticket_id = json.loads(options[0].message()[len(RATING_PAYLOAD) :]).get("ticket_id")
    except (ValueError, AttributeError):
        return None
    entities = {"rating": f"{score}分", "ticket_id": ticket_id} if ticket_id else {"rating": f"{score}分"}
    return RATING_PAYLOAD + json.dumps(entities, ensure_ascii=False)


def rating_with_id(said: str) -> str | None:
    """我要评价一下GD202612060005 / GD…打5分: a rating of the ticket named, sent as one (the
    classifier may hear 评价一下 as anything, even a booking). None otherwise."""
    from assistant.tickets.ids import find_ticket_id

    ticket_id = find_ticket_id(said)
    if not ticket_id or not rates_a_ticket(said.replace(ticket_id, " ")):
        return None
    if reason_in(said.replace(ticket_id, " ")) is not None:
        return None  # GD…打1分，昨晚还在跳: the words carry the reason, they go as said
    entities: dict[str, str] = {"ticket_id": ticket_id}
    score = explicit_rating(said.replace(ticket_id, " "))
    if score is not None:
        entities["rating"] = f"{score}分"
    return RATING_PAYLOAD + json.dumps(entities, ensure_ascii=False)


# The butler's words when a rating was recorded (feedback: 谢谢您的评价，已记下 / 收到您的评价),
# known by the service's own openings.
RATED_RE = re.compile(f"{re.escape(THANKS_OPENING)}|{re.escape(HEARD_OPENING)}")


async def reason_after_rating(client: DialogueClient, db: Database | None, sender: str, said: str) -> list[Reply] | None:
    """The reply when the message gives the reason of the rating just recorded
    (``feedback.reason_after_rating``), outside any form; None otherwise."""
    from assistant.tickets.feedback import reason_after_rating

    return await state.told_outside_forms(
        client, sender, lambda: reason_after_rating(state.database(db), sender, said, now=clock.now()),
        "rating_reason_unavailable",
    )


async def unasked_rating(client: DialogueClient, db: Database | None, sender: str, said: str) -> str | None:
    """The rating payload for a rating said unasked of the resident's handled ticket
    (``feedback.unasked_rating``), outside any form; None otherwise."""
    from assistant.tickets.feedback import unasked_rating

    try:
        found = await anyio.to_thread.run_sync(unasked_rating, state.database(db), sender, said)
    except Exception as exc:  # noqa: BLE001 - without the records the words go as said
        log.warning("unasked_rating_unavailable", error=type(exc).__name__)
        return None
    if found is None or await state.form_running(client, sender):
        return None
    ticket_id, score = found
    return RATING_PAYLOAD + json.dumps({"rating": f"{score}分", "ticket_id": ticket_id}, ensure_ascii=False)
