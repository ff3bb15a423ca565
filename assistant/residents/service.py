"""Rules about residents: who they are across a conversation, and hand-offs to staff.

A hand-off request is the one record of "a resident needs a person", whatever brought
it about (``HANDOFF_REASONS``, each recorded where it happens):

- ``asked``: the resident asked for a person (转人工: ``actions/core.py``
  ``ActionRequestHuman``; in degraded mode ``assistant/degraded.py``);
- ``misunderstood``: the butler did not understand them twice and handed an elderly
  resident over at once (``actions/core.py`` ``_elderly_handed_over``);
- ``unanswered_question``: the knowledge base had no answer and the resident left the
  question for staff (``assistant.kb.unanswered.record_unanswered``, from
  ``actions/policy.py``);
- ``outage``: what they said while the butler was down waited too long and was handed
  over (``assistant.inbox.replay.hand_over``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant import clock
from assistant.db import take_write_lock
from assistant.privacy import last_four
from assistant.residents.models import HandoffRequest, Resident

HANDOFF_REASONS = ("asked", "misunderstood", "unanswered_question", "outage")
# How staff read each reason (the console's list).
REASON_ZH = {"asked": "要找工作人员", "misunderstood": "两次没听懂", "unanswered_question": "政策问题没答上",
             "outage": "系统故障时留言"}
# Each of these is a question of its own (staff answer it and may add it to the
# knowledge base): one record per question, not one per resident.
QUESTION_REASONS = frozenset({"unanswered_question"})
MAX_MESSAGE_CHARS = 2000


def _find(session: Session, sender_id: str) -> Resident | None:
    return session.scalar(select(Resident).where(Resident.sender_id == sender_id))


def get_or_create_resident(session: Session, sender_id: str) -> Resident:
    """The resident behind ``sender_id``, created on first contact. Safe in a plain
    ``Database.session()`` under load: before it inserts it takes the write lock
    (``take_write_lock``; SQLite would otherwise refuse the insert of a session that
    has read while another connection writes) and looks again, since another
    request may have created the resident meanwhile."""
    resident = _find(session, sender_id)
    if resident is None:
        take_write_lock(session)
        resident = _find(session, sender_id)
    if resident is None:
        resident = Resident(sender_id=sender_id)
        session.add(resident)
        session.flush()
    return resident


def remember_contact(session: Session, sender_id: str, *, address: str | None = None,
                     phone: str | None = None, name: str | None = None) -> Resident:
    """Keep what a resident told us so the next form can offer it again."""
    resident = get_or_create_resident(session, sender_id)
    changes = {field: value for field, value in (("address", address), ("phone", phone), ("name", name))
               if value and getattr(resident, field) != value}
    if changes:
        take_write_lock(session)  # the update is written at the next flush
        for field, value in changes.items():
            setattr(resident, field, value)
    return resident


def request_handoff(session: Session, sender_id: str, reason: str, last_message: str | None = None, *,
                    best_guess: str | None = None, now: datetime | None = None) -> HandoffRequest:
    """Record that a resident needs a person, and why (``HANDOFF_REASONS``). One open
    request per resident is enough for staff to call back: asking again refreshes it
    (its first reason stays) instead of piling up duplicates. An unanswered question
    is a record of its own (staff answer each one), unless the very same question is
    open already."""
    if reason not in HANDOFF_REASONS:
        raise ValueError(f"unknown hand-off reason: {reason}")
    last_message = (last_message or "").strip()[:MAX_MESSAGE_CHARS] or None
    take_write_lock(session)  # it writes either way: the lock before the reads
    resident = get_or_create_resident(session, sender_id)
    query = select(HandoffRequest).where(HandoffRequest.resident_id == resident.id,
                                         HandoffRequest.status == "open")
    if reason in QUESTION_REASONS:
        query = query.where(HandoffRequest.reason == reason, HandoffRequest.last_message == last_message)
    else:
        query = query.where(HandoffRequest.reason.not_in(QUESTION_REASONS))
    existing = session.scalars(query.order_by(HandoffRequest.id).limit(1)).first()
    if existing is not None:
        existing.last_message = last_message or existing.last_message
        existing.best_guess = best_guess or existing.best_guess
        return existing
    handoff = HandoffRequest(resident_id=resident.id, reason=reason, last_message=last_message,
                             best_guess=(best_guess or None) and best_guess[:200], status="open",
                             created_at=now or clock.now())
    session.add(handoff)
    session.flush()
    return handoff


def has_open_handoff(session: Session, sender_id: str) -> bool:
    """Is a hand-off to a person open for this resident (asked, misunderstood, outage)?
    An open unanswered question (``QUESTION_REASONS``) is not one: staff answer the
    question, nobody has been asked to get in touch about anything else."""
    found = session.scalar(
        select(HandoffRequest.id)
        .join(Resident, Resident.id == HandoffRequest.resident_id)
        .where(Resident.sender_id == sender_id, HandoffRequest.status == "open",
               HandoffRequest.reason.not_in(QUESTION_REASONS))
        .limit(1)
    )
    return found is not None


def handoff_reply(first_line: str, phone: str | None, *, service_phone: str, service_hours: str) -> str:
    """What the butler says after recording a hand-off. It promises a call back only
    when staff have a number to call (issue #11: a promise depends on a fact the code
    checks); otherwise it gives the community's phone."""
    if phone:
        return (f"{first_line}已经帮您登记了，工作人员会打您尾号{last_four(phone)}的电话联系您。"
                f"着急的话可以直接打社区电话 {service_phone}（{service_hours}）。")
    return (f"{first_line}已经帮您登记了。您没有留电话，请直接打社区电话 {service_phone}"
            f"（{service_hours}）找工作人员。")


def handoff_phone(session: Session, sender_id: str) -> str | None:
    """The number staff can call this resident back on, if they ever left one."""
    resident = session.scalar(select(Resident).where(Resident.sender_id == sender_id))
    return resident.phone if resident is not None else None


def list_handoffs(session: Session, status: str | None = "open", *, reasons: tuple[str, ...] | None = None,
                  limit: int | None = None) -> list[tuple[HandoffRequest, Resident]]:
    """Residents waiting for a person (``status`` open / done / None for all), newest
    first, of the given ``reasons`` (None: every reason)."""
    query = select(HandoffRequest, Resident).join(Resident, Resident.id == HandoffRequest.resident_id)
    if status:
        query = query.where(HandoffRequest.status == status)
    if reasons is not None:
        query = query.where(HandoffRequest.reason.in_(reasons))
    # By when the resident asked (residents_0003 moved older questions in with newer ids).
    query = query.order_by(HandoffRequest.created_at.desc(), HandoffRequest.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [(h, r) for h, r in session.execute(query)]


def close_handoff(session: Session, handoff_id: int, *, by: str | None = None, note: str | None = None,
                  reasons: tuple[str, ...] | None = None, now: datetime | None = None) -> HandoffRequest | None:
    """Mark a request done (who closed it, when, an optional note); None when there is
    no such request (or it is not of ``reasons``). Closing it again changes nothing."""
    take_write_lock(session)  # a read, then a write: a writer from the start
    handoff = session.get(HandoffRequest, handoff_id)
    if handoff is None or (reasons is not None and handoff.reason not in reasons):
        return None
    if handoff.status != "done":
        handoff.status = "done"
        handoff.closed_at = now or clock.now()
        handoff.closed_by = by
        handoff.staff_note = (note or "").strip()[:MAX_MESSAGE_CHARS] or None
    return handoff
