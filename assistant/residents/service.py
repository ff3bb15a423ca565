"""Rules about residents: who they are across a conversation and hand-offs to staff."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.db import take_write_lock
from assistant.residents.models import HandoffRequest, Resident

HANDOFF_REASONS = ("asked", "misunderstood", "unanswered_question", "outage")


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


def request_handoff(session: Session, sender_id: str, reason: str,
                    last_message: str | None = None) -> HandoffRequest:
    """Record that a resident wants a person. One open request per resident is
    enough: asking again refreshes it instead of piling up duplicates."""
    if reason not in HANDOFF_REASONS:
        raise ValueError(f"unknown hand-off reason: {reason}")
    take_write_lock(session)  # it writes either way: the lock before the reads
    resident = get_or_create_resident(session, sender_id)
    existing = session.scalar(
        select(HandoffRequest).where(HandoffRequest.resident_id == resident.id,
                                     HandoffRequest.status == "open"))
    if existing is not None:
        existing.last_message = last_message or existing.last_message
        return existing
    handoff = HandoffRequest(resident_id=resident.id, reason=reason, last_message=last_message)
    session.add(handoff)
    session.flush()
    return handoff


def handoff_reply(first_line: str, phone: str | None, *, service_phone: str, service_hours: str) -> str:
    """What the butler says after recording a hand-off. It promises a call back only
    when staff have a number to call (issue #11: a promise depends on a fact the code
    checks); otherwise it gives the community's phone."""
    if phone:
        return (f"{first_line}已经帮您登记了，工作人员会打您尾号{phone[-4:]}的电话联系您。"
                f"着急的话可以直接打社区电话 {service_phone}（{service_hours}）。")
    return (f"{first_line}已经帮您登记了。您没有留电话，请直接打社区电话 {service_phone}"
            f"（{service_hours}）找工作人员。")


def handoff_phone(session: Session, sender_id: str) -> str | None:
    """The number staff can call this resident back on, if they ever left one."""
    resident = session.scalar(select(Resident).where(Resident.sender_id == sender_id))
    return resident.phone if resident is not None else None


def list_handoffs(session: Session, status: str | None = "open") -> list[tuple[HandoffRequest, Resident]]:
    query = select(HandoffRequest, Resident).join(Resident, Resident.id == HandoffRequest.resident_id)
    if status:
        query = query.where(HandoffRequest.status == status)
    return [(h, r) for h, r in session.execute(query.order_by(HandoffRequest.id.desc()))]


def close_handoff(session: Session, handoff_id: int) -> HandoffRequest | None:
    handoff = session.get(HandoffRequest, handoff_id)
    if handoff is not None:
        handoff.status = "done"
    return handoff
