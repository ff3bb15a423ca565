"""Residents' questions the knowledge base could not answer, left for staff: they
call back, and add the missing policy to the knowledge base.

Since residents_0003 such a question is a hand-off request with the reason
``unanswered_question`` (``assistant.residents.service``): one list of residents
waiting for a person. This module is the knowledge base's view of it: the question,
the entry the search liked best, answered or not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from assistant.residents.models import HandoffRequest, Resident
from assistant.residents.service import MAX_MESSAGE_CHARS, close_handoff, list_handoffs, request_handoff

REASON = "unanswered_question"
MAX_QUESTION_CHARS = MAX_MESSAGE_CHARS
# The knowledge base's words for the shared open / done.
STATUS_FROM = {"open": "open", "answered": "done"}


@dataclass(frozen=True)
class UnansweredQuestion:
    id: int
    sender_id: str
    question: str
    best_guess: str | None
    status: str  # open | answered
    staff_note: str | None
    created_at: datetime
    answered_at: datetime | None


def _view(handoff: HandoffRequest, resident: Resident) -> UnansweredQuestion:
    return UnansweredQuestion(id=handoff.id, sender_id=resident.sender_id, question=handoff.last_message or "",
                              best_guess=handoff.best_guess, status="open" if handoff.status == "open" else "answered",
                              staff_note=handoff.staff_note, created_at=handoff.created_at,
                              answered_at=handoff.closed_at)


def record_unanswered(session: Session, sender_id: str, question: str,
                      best_guess: str | None = None) -> UnansweredQuestion:
    """Leave the question for staff: a hand-off request, reason ``unanswered_question``."""
    question = (question or "").strip()[:MAX_QUESTION_CHARS]
    if not question:
        raise ValueError("empty question")
    handoff = request_handoff(session, sender_id, REASON, question, best_guess=best_guess)
    return _view(handoff, session.get(Resident, handoff.resident_id))


def list_unanswered(session: Session, status: str | None = "open", limit: int = 200) -> list[UnansweredQuestion]:
    """Left questions, newest first; ``status`` open / answered / None for all."""
    wanted = STATUS_FROM[status] if status else None
    return [_view(h, r) for h, r in list_handoffs(session, wanted, reasons=(REASON,), limit=limit)]


def mark_answered(session: Session, question_id: int, note: str | None = None, *,
                  by: str | None = None) -> UnansweredQuestion | None:
    """Staff answered the question (None: no such question)."""
    handoff = close_handoff(session, question_id, by=by, note=note, reasons=(REASON,))
    if handoff is None:
        return None
    return _view(handoff, session.get(Resident, handoff.resident_id))
