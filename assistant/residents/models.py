from __future__ import annotations

from datetime import datetime

from sqlalchemy import (JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint,
                        func)
from sqlalchemy.orm import Mapped, mapped_column

from assistant.db import Base


class Resident(Base):
    """A person as seen through one channel. ``sender_id`` is channel-namespaced
    (``web:...``, ``telegram:...``), so two channels never share a record."""

    __tablename__ = "residents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(160), unique=True, index=True)
    name: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class HandoffRequest(Base):
    """A resident needs a person (``assistant.residents.service.request_handoff``), for
    one of ``HANDOFF_REASONS``: they asked (转人工), the butler did not understand them
    twice, the knowledge base could not answer their policy question, or what they said
    while the butler was down waited too long. Staff list these in one place, call
    back, and close them (who, when, a note)."""

    __tablename__ = "handoff_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    reason: Mapped[str] = mapped_column(String(32))  # asked | misunderstood | unanswered_question | outage
    # What the resident said last (for unanswered_question: the question itself).
    last_message: Mapped[str | None] = mapped_column(Text)
    # unanswered_question: the knowledge-base entry the search liked best.
    best_guess: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # open | done
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str | None] = mapped_column(String(80))  # "staff:<username>", "cli"
    staff_note: Mapped[str | None] = mapped_column(Text)


class ChatIdempotencyKey(Base):
    """One chat request made with an ``Idempotency-Key``: a retry with the same key from
    the same identity gets ``response`` back instead of being sent to the dialogue
    again (``assistant/residents/idempotency.py``). Rows live until ``expires_at``."""

    __tablename__ = "chat_idempotency_keys"
    __table_args__ = (UniqueConstraint("identity", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The channel-namespaced sender the request spoke as (web:r-..., web:int-name:...).
    identity: Mapped[str] = mapped_column(String(160))
    key: Mapped[str] = mapped_column(String(255))
    # sha256 of the request (text and metadata): the same key with another request is refused.
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # in_progress | done
    response: Mapped[dict | None] = mapped_column(JSON)
    # When the request that holds the key started (a stale in_progress row is taken over).
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class ResidentProfile(Base):
    """How the butler speaks to one resident (issue #13, the elderly path): keyed by the
    channel-namespaced sender, so a voice turn reads it with one primary-key lookup
    (``assistant/residents/profile.py``). No row: the ordinary profile."""

    __tablename__ = "resident_profile"

    sender_id: Mapped[str] = mapped_column(String(160), primary_key=True)
    elderly: Mapped[bool] = mapped_column(Boolean, default=False)
    # Speech rate relative to the normal one (1.0); lower is slower.
    rate_factor: Mapped[float] = mapped_column(Float, default=1.0)
    # Who set it last: "resident" (我年纪大了 / 说慢点) or "staff:<username>".
    set_by: Mapped[str | None] = mapped_column(String(80))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
