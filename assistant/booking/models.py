"""Booking tables.

Appointment times (``starts_at``, ``ends_at``, ``due_at``) are stored as naive
wall-clock times in the community's time zone (Asia/Shanghai): the catalogue's
working hours, the staff's "bookings of the day" and the residents' words are all
in local time, and China has no daylight-saving shifts, so local wall-clock time is
unambiguous. Audit timestamps (``created_at``, ``updated_at``) are the project clock's
UTC now (``assistant.clock``), the database's ``now()`` for rows written outside the
application.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from assistant import clock
from assistant.db import Base

BOOKING_STATUSES = ("booked", "cancelled", "done", "no_show")
REMINDER_STATUSES = ("pending", "sent", "cancelled", "failed")


class BookingSlot(Base):
    """One capacity cell of one service (``Service.step`` minutes from ``starts_at``,
    cells aligned to midnight): the row that serialises bookings.

    ``booked`` counts the live bookings under way in the cell; a booking counts in
    every cell it covers (保洁 9:00-11:00 in four 30-minute cells), so overlapping
    appointments share cells. Booking, cancelling and rescheduling lock these rows in
    time order (``SELECT ... FOR UPDATE``) and change the counters in the same
    transaction as the booking, so capacity can never be exceeded. ``Booking.slot_id``
    is the booking's first cell."""

    __tablename__ = "booking_slots"
    __table_args__ = (UniqueConstraint("service", "starts_at", name="uq_booking_slots_service_starts_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service: Mapped[str] = mapped_column(String(16))
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    booked: Mapped[int] = mapped_column(Integer, default=0)


class BookingDaySequence(Base):
    """The last booking number handed out on a day (``20261129`` -> 17), locked
    while a new id is taken so two bookings never share an id."""

    __tablename__ = "booking_day_sequences"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Booking(Base):
    """An appointment. ``id`` is ``YY`` + YYYYMMDD (day it was made) + a 4-digit
    daily sequence, e.g. ``YY202611290007``."""

    __tablename__ = "bookings"

    id: Mapped[str] = mapped_column(String(14), primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("booking_slots.id"), index=True)
    service: Mapped[str] = mapped_column(String(16), index=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    location: Mapped[str] = mapped_column(String(16))  # 上门 | 社区服务中心
    address: Mapped[str | None] = mapped_column(String(256))
    phone: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="booked", index=True)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now,
                                                 server_default=func.now())
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), onupdate=clock.now)
    status_changed_by: Mapped[str | None] = mapped_column(String(64))


class BookingReminder(Base):
    """The outbox of reminders: one row per booking, due the day before. A job
    (``send_due_reminders``) delivers what is due and marks it, so reminders
    survive restarts and are never sent twice."""

    __tablename__ = "booking_reminders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id"), unique=True)
    sender_id: Mapped[str] = mapped_column(String(160))  # the resident's own channel
    due_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(256))
    delivered_via: Mapped[str | None] = mapped_column(String(32))  # channel adapter, or "log"
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
