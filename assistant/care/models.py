"""Tables of elder care (issue #14).

- ``care_residents``: the register: one elder who lives alone or needs watching, with
  the check-in window (local wall-clock ``HH:MM``), the quiet days that raise the urgent
  alert, consent, the grid worker and the emergency contacts (JSON list of
  ``{"name", "phone", "relation"}``). ``sender_id`` is the channel-namespaced sender
  the elder checks in from (their push channel); None: no push channel.
- ``care_devices``: home sensors mapped to an elder (water meter, door, motion, sos).
- ``care_signs``: signs of life: a check-in or a sensor reading, with when.
- ``care_ladder_steps``: every step of the escalation ladder, once per episode
  (unique ``care_id, episode, step``): the daily prompt, the second prompt, the care
  ticket, the urgent alert, the alert's message to the emergency contacts;
  ``resolved_at`` when a sign of life stopped the ladder.
- ``care_outbox``: what the ladder sends (channel, recipient, text): the ladder's own
  record; delivery goes through the shared outbox (``assistant/outbox``) or the log.
- ``care_events``: the register's audit trail (who created, changed or deactivated an
  entry, added or removed a device), as ``ticket_events`` is for tickets.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column

from assistant.db import Base

DEVICE_KINDS = ("water", "door", "motion", "sos")
SIGN_SOURCES = ("checkin", "sensor")
STEPS = ("prompt", "second_prompt", "ticket", "alert", "contact")


class CareResident(Base):
    __tablename__ = "care_residents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(256))
    sender_id: Mapped[str | None] = mapped_column(String(160), unique=True, index=True)
    grid_worker: Mapped[str | None] = mapped_column(String(64))
    window_start: Mapped[str] = mapped_column(String(5), default="08:00")  # local HH:MM
    window_end: Mapped[str] = mapped_column(String(5), default="10:00")
    quiet_days: Mapped[int] = mapped_column(Integer, default=3)
    consent: Mapped[bool] = mapped_column(Boolean, default=True)
    emergency_contacts: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CareDevice(Base):
    __tablename__ = "care_devices"

    device_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    care_id: Mapped[int] = mapped_column(ForeignKey("care_residents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # water | door | motion | sos
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CareSign(Base):
    __tablename__ = "care_signs"
    __table_args__ = (Index("ix_care_signs_care_id_at", "care_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    care_id: Mapped[int] = mapped_column(ForeignKey("care_residents.id"))
    source: Mapped[str] = mapped_column(String(8))  # checkin | sensor
    kind: Mapped[str | None] = mapped_column(String(8))  # the sensor's kind; None for a check-in
    device_id: Mapped[str | None] = mapped_column(String(64))
    value: Mapped[float | None] = mapped_column(Float)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CareLadderStep(Base):
    __tablename__ = "care_ladder_steps"
    __table_args__ = (UniqueConstraint("care_id", "episode", "step", name="uq_care_ladder_steps_episode_step"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    care_id: Mapped[int] = mapped_column(ForeignKey("care_residents.id"), index=True)
    # "day:2026-12-05" for the daily prompt; "silent:<ISO instant>" for an escalation,
    # the instant the silence started (the last sign of life that counts).
    episode: Mapped[str] = mapped_column(String(64))
    step: Mapped[str] = mapped_column(String(16))  # prompt | second_prompt | ticket | alert | contact
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # False while the step is claimed but its work (ticket, alert) is not finished.
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    ticket_id: Mapped[str | None] = mapped_column(String(14))
    note: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)


class CareOutbox(Base):
    __tablename__ = "care_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    care_id: Mapped[int] = mapped_column(ForeignKey("care_residents.id"), index=True)
    step_id: Mapped[int | None] = mapped_column(ForeignKey("care_ladder_steps.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))  # the sender's channel (web, wyoming...), phone, staff
    recipient: Mapped[str] = mapped_column(String(160))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CareEvent(Base):
    """The audit trail of the register, as ``ticket_events`` is of tickets: who changed
    which entry how (create, update, deactivate, device_add, device_remove), with the
    fields changed; personal values (name, phone, contacts) are kept masked here."""

    __tablename__ = "care_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    care_id: Mapped[int] = mapped_column(ForeignKey("care_residents.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(160))  # "staff:alice", "operator:cli", "system"
    action: Mapped[str] = mapped_column(String(16))
    # {"field": [old, new]} (personal values masked); a device's {"device_id", "kind"}.
    changes: Mapped[dict | None] = mapped_column(JSON)
