"""Tables of the 12345-style ticket flow.

- ``tickets``: one complaint or repair request, with the scores and the cues behind
  them (so staff can see *why* a ticket is urgent), its department and deadline.
- ``ticket_events``: the audit trail of a ticket (who, when, from, to, note). Every
  state change, correction, duplicate link and follow-up writes one row.
- ``ticket_watchers``: residents following a ticket, either the one who filed it or
  one whose report was linked to it as a duplicate (their own words are kept).
- ``ticket_ratings``: residents' own ratings of a handled ticket (1..5 with the words
  they chose and why), through the conversation; a 不满意 with a reason may reopen it.
- ``ticket_day_counters``: one row per day holding the last daily sequence number,
  locked while a new id is taken (see ``ids.py``).
- ``ticket_exports``: the audit log of exports (who exported what, masked or not).
- ``ticket_attachments``: photos residents sent (``attachments.py``): the bytes live
  under the data directory with a random name; the row keeps the sniffed type, size
  and sha256, and the ticket once it is linked (a photo sent before its complaint was
  filed waits, ``ticket_id`` empty, for the sender's next ticket). Never a URL of the
  chat app's servers.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assistant.db import Base


class Ticket(Base):
    __tablename__ = "tickets"

    # GD + YYYYMMDD + 4-digit daily sequence (ids.py).
    id: Mapped[str] = mapped_column(String(14), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    channel: Mapped[str] = mapped_column(String(16), default="chat")  # chat | open311 | staff | cli
    sender_id: Mapped[str | None] = mapped_column(String(160), index=True)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"), index=True)

    description: Mapped[str] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(256))
    lat: Mapped[float | None] = mapped_column(Float)
    long: Mapped[float | None] = mapped_column(Float)
    media_url: Mapped[str | None] = mapped_column(String(512))
    contact_name: Mapped[str | None] = mapped_column(String(64))
    contact_phone: Mapped[str | None] = mapped_column(String(32))

    category: Mapped[str] = mapped_column(String(16), index=True)
    category_confidence: Mapped[float] = mapped_column(Float, default=0.0)
    department: Mapped[str] = mapped_column(String(64), index=True)
    sentiment_score: Mapped[float] = mapped_column(Float, default=0.0)
    sentiment_label: Mapped[str] = mapped_column(String(16), default="neutral")
    urgency: Mapped[str] = mapped_column(String(16), index=True, default="normal")
    # {"category": [...], "sentiment": [...], "urgency": [...]}: why the scores are what they are.
    cues: Mapped[dict] = mapped_column(JSON, default=dict)

    status: Mapped[str] = mapped_column(String(8), index=True)
    deadline_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    # How many residents reported the same problem (the filer included).
    report_count: Mapped[int] = mapped_column(Integer, default=1)
    # How many times residents reopened it after 已办结 (lifecycle.resident_reopen).
    reopen_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    events: Mapped[list[TicketEvent]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id", cascade="all, delete-orphan")
    watchers: Mapped[list[TicketWatcher]] = relationship(
        back_populates="ticket", order_by="TicketWatcher.id", cascade="all, delete-orphan")
    ratings: Mapped[list[TicketRating]] = relationship(
        back_populates="ticket", order_by="TicketRating.id", cascade="all, delete-orphan")


class TicketEvent(Base):
    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(160))  # "resident:web:abc", "staff:alice", "system"
    # create | 派单 | 开始处置 | 办结 | 回访 | 关闭 | 退回 | 重派 | 重新打开 | correct | duplicate | escalate
    action: Mapped[str] = mapped_column(String(16))
    from_state: Mapped[str | None] = mapped_column(String(64))
    to_state: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)

    ticket: Mapped[Ticket] = relationship(back_populates="events")


class TicketWatcher(Base):
    __tablename__ = "ticket_watchers"
    __table_args__ = (UniqueConstraint("ticket_id", "sender_id", name="uq_ticket_watchers_ticket_sender"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id"), index=True)
    sender_id: Mapped[str] = mapped_column(String(160), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    is_filer: Mapped[bool] = mapped_column(Boolean, default=False)
    # A linked duplicate report keeps the resident's own words and contact.
    description: Mapped[str | None] = mapped_column(Text)
    contact_phone: Mapped[str | None] = mapped_column(String(32))

    ticket: Mapped[Ticket] = relationship(back_populates="watchers")


class TicketRating(Base):
    """One resident's rating of a handled ticket (the filer or a linked reporter)."""

    __tablename__ = "ticket_ratings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id"), index=True)
    sender_id: Mapped[str] = mapped_column(String(160), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    score: Mapped[int] = mapped_column(Integer)  # 1..5
    label: Mapped[str] = mapped_column(String(8))  # 满意 | 基本满意 | 不满意
    reason: Mapped[str | None] = mapped_column(Text)
    reopened: Mapped[bool] = mapped_column(Boolean, default=False)

    ticket: Mapped[Ticket] = relationship(back_populates="ratings")


class TicketDayCounter(Base):
    __tablename__ = "ticket_day_counters"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)  # YYYYMMDD (local time)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class TicketExport(Base):
    __tablename__ = "ticket_exports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(160))
    role: Mapped[str | None] = mapped_column(String(16))
    format: Mapped[str] = mapped_column(String(8))
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    unmasked: Mapped[bool] = mapped_column(Boolean, default=False)
    row_count: Mapped[int] = mapped_column(Integer, default=0)


class TicketAttachment(Base):
    __tablename__ = "ticket_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Empty while the photo waits for its complaint to be filed.
    ticket_id: Mapped[str | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    sender_id: Mapped[str | None] = mapped_column(String(160), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    linked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    content_type: Mapped[str] = mapped_column(String(32))  # sniffed from the bytes
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    # The file's name under data_dir/attachments: random, never the sender's.
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
