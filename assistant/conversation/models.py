"""What the gateway remembers per resident between two messages: the choices the
butler last showed (so 第一个 or 理发 can pick one), a second request said in
the same message as the first, waiting to be offered, and the butler's last replies
(so 再说一遍 can repeat them without asking the dialogue)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from assistant.db import Base


class ConversationMemory(Base):
    __tablename__ = "conversation_memory"

    sender_id: Mapped[str] = mapped_column(String(160), primary_key=True)
    # [{"title", "payload" (None: send the title as text), "names", "numbered"}]
    options: Mapped[list | None] = mapped_column(JSON)
    options_shown_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    pending_text: Mapped[str | None] = mapped_column(Text)
    pending_intent: Mapped[str | None] = mapped_column(String(40))
    pending_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    pending_offered: Mapped[bool] = mapped_column(Boolean, default=False)
    # [{"text", "buttons": [[title, payload], ...]}]: what the butler said last.
    last_replies: Mapped[list | None] = mapped_column(JSON)
    last_replies_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
