"""Questions the knowledge base could not answer, left by residents for staff."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from assistant.db import Base


class UnansweredQuestion(Base):
    __tablename__ = "kb_unanswered_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(160), index=True)  # channel-namespaced, as residents
    question: Mapped[str] = mapped_column(Text)
    best_guess: Mapped[str | None] = mapped_column(String(200))  # the entry the search liked best
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # open | answered
    staff_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
