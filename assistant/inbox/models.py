"""The durable inbox: every resident message, recorded before it is acknowledged
(``assistant/inbox/service.py``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from assistant.db import Base

# received: written, the answer not yet given (in flight; or the gateway died before
#   answering: the resident was never acknowledged and retries with the same key).
# answered: the dialogue answered it, or degraded mode acted on it (see ``action``).
# pending: acknowledged as "已记下" while the dialogue was down; waits for the replay.
# replaying: the replay sent it to Rasa and has not seen the answer yet (a crash here
#   hands it over to staff instead of sending it twice).
# replayed: sent to Rasa after the engine came back; ``replay_reply`` holds its answer.
# handed_over: too old to replay (or interrupted): a hand-off request for staff.
STATES = ("received", "answered", "pending", "replaying", "replayed", "handed_over")
# What was done with it: dialogue (Rasa answered), emergency, ticket, handoff (degraded
# mode acted on it: never replayed), recorded (degraded mode only recorded it).
ACTIONS = ("dialogue", "emergency", "ticket", "handoff", "recorded")


class InboxMessage(Base):
    __tablename__ = "chat_inbox"
    __table_args__ = (
        # One row per (sender, Idempotency-Key): a retry after a crash reuses it.
        UniqueConstraint("sender_id", "idempotency_key"),
        # The replay's query: pending rows, oldest first.
        Index("ix_chat_inbox_state_id", "state", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(160), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    # The resident's words as said (logs get them masked; the database keeps them so
    # staff and the replay can act on them).
    text: Mapped[str] = mapped_column(Text)
    # The channel's metadata (a shared location, a photo link), for the replay.
    meta: Mapped[dict | None] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(16))
    action: Mapped[str | None] = mapped_column(String(16))
    ticket_id: Mapped[str | None] = mapped_column(String(32))
    # What the resident was told: [{"text": ...}, ...].
    reply: Mapped[list | None] = mapped_column(JSON)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    replayed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # What Rasa answered to the replayed message (the resident did not see it live).
    replay_reply: Mapped[list | None] = mapped_column(JSON)
