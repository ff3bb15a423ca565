"""Residents' questions the knowledge base could not answer, kept for staff: they
call back, and add the missing policy to the knowledge base."""

from __future__ import annotations


from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant import clock
from assistant.kb.models import UnansweredQuestion

MAX_QUESTION_CHARS = 2000


def record_unanswered(session: Session, sender_id: str, question: str,
                      best_guess: str | None = None) -> UnansweredQuestion:
    question = (question or "").strip()[:MAX_QUESTION_CHARS]
    if not question:
        raise ValueError("empty question")
    row = UnansweredQuestion(sender_id=sender_id, question=question, best_guess=best_guess, status="open")
    session.add(row)
    session.flush()
    return row


def list_unanswered(session: Session, status: str | None = "open", limit: int = 200) -> list[UnansweredQuestion]:
    query = select(UnansweredQuestion).order_by(UnansweredQuestion.id.desc()).limit(limit)
    if status:
        query = query.where(UnansweredQuestion.status == status)
    return list(session.scalars(query))


def mark_answered(session: Session, question_id: int, note: str | None = None) -> UnansweredQuestion | None:
    row = session.get(UnansweredQuestion, question_id)
    if row is None:
        return None
    row.status = "answered"
    row.staff_note = note
    row.answered_at = clock.now()
    return row
