"""Tables of the shared outbound layer (``assistant/outbox``) and of the chat-app
bots' inbound bookkeeping.

- ``outbox``: a message the butler sends a resident without being asked (a ticket's
  new state, a rating question, a booking reminder, a check-in prompt, a late answer): channel,
  recipient (the namespaced sender id), text, buttons, a unique dedupe key, the
  delivery state with attempts and back-off.
- ``outbox_blocked``: recipients whose app refused the butler (Telegram's 403: the
  resident blocked the bot); nothing is pushed to them until they write again.
- ``telegram_updates``: the ``update_id`` of every Telegram update the bot took on,
  so an update delivered twice is handled once (migration branch ``telegram``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from assistant.db import Base

PENDING, SENDING, SENT, FAILED, BLOCKED = "pending", "sending", "sent", "failed", "blocked"


class OutboxMessage(Base):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), index=True)
    recipient: Mapped[str] = mapped_column(String(160), index=True)
    text: Mapped[str] = mapped_column(Text)
    # [{"title": "...", "payload": "..."}]: what the resident can press.
    buttons: Mapped[list | None] = mapped_column(JSON)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(12), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # A sender holds the row until then; a row still "sending" after it (the process
    # died mid-send) is taken again.
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(250))


class OutboxBlocked(Base):
    __tablename__ = "outbox_blocked"

    recipient: Mapped[str] = mapped_column(String(160), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TelegramUpdate(Base):
    __tablename__ = "telegram_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
