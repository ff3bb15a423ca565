"""The per-resident memory, durable in the project's database (the gateway may
restart between two messages). Choices, a waiting second request and the butler's
last replies expire after ``MEMORY_TTL``: after half an hour 第一个 no longer refers
to an old list, and 再说一遍 goes to the dialogue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from assistant import clock
from assistant.conversation.choices import Option
from assistant.conversation.models import ConversationMemory
from assistant.db import Database

MEMORY_TTL = timedelta(minutes=30)


@dataclass
class Pending:
    text: str
    intent: str
    at: datetime
    offered: bool = False


@dataclass
class Said:
    """One reply of the butler as remembered for a repeat: its words and buttons."""

    text: str
    buttons: list[tuple[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"text": self.text, "buttons": [[t, p] for t, p in self.buttons]}

    @classmethod
    def from_dict(cls, raw: dict) -> Said:
        return cls(text=str(raw.get("text") or ""),
                   buttons=[(str(b[0]), str(b[1])) for b in raw.get("buttons") or [] if len(b) == 2])


@dataclass
class Memory:
    options: list[Option] = field(default_factory=list)
    shown_at: datetime | None = None
    pending: Pending | None = None
    last: list[Said] = field(default_factory=list)
    last_at: datetime | None = None

    @property
    def payloads(self) -> list[str]:
        return [o.payload for o in self.options if o.payload]


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _fresh(at: datetime | None, now: datetime) -> bool:
    return at is not None and now - at <= MEMORY_TTL


def load(db: Database, sender: str, now: datetime | None = None) -> Memory:
    now = now or clock.now()
    with db.session() as session:
        row = session.get(ConversationMemory, sender)
        if row is None:
            return Memory()
        shown_at, pending_at = _aware(row.options_shown_at), _aware(row.pending_at)
        memory = Memory()
        if row.options and _fresh(shown_at, now):
            memory.options = [Option.from_dict(o) for o in row.options]
            memory.shown_at = shown_at
        if row.pending_text and row.pending_intent and _fresh(pending_at, now):
            memory.pending = Pending(row.pending_text, row.pending_intent, pending_at, bool(row.pending_offered))
        last_at = _aware(row.last_replies_at)
        if row.last_replies and _fresh(last_at, now):
            memory.last = [Said.from_dict(r) for r in row.last_replies if isinstance(r, dict)]
            memory.last_at = last_at
        return memory


def save(db: Database, sender: str, memory: Memory) -> None:
    # A write after a read: serialised (SQLite BEGIN IMMEDIATE), so another writer's
    # commit in between cannot make it fail with "database is locked".
    with db.transaction() as session:
        row = session.get(ConversationMemory, sender)
        if row is None:
            row = ConversationMemory(sender_id=sender)
            session.add(row)
        row.options = [o.to_dict() for o in memory.options] or None
        row.options_shown_at = memory.shown_at if memory.options else None
        pending = memory.pending
        row.pending_text = pending.text if pending else None
        row.pending_intent = pending.intent if pending else None
        row.pending_at = pending.at if pending else None
        row.pending_offered = bool(pending and pending.offered)
        row.last_replies = [r.to_dict() for r in memory.last] or None
        row.last_replies_at = memory.last_at if memory.last else None
