"""Ticket ids: ``GD`` + local date ``YYYYMMDD`` + a 4-digit daily sequence, e.g.
``GD202611290007`` (12 digits after GD, the form residents read out on the phone).

The sequence comes from one counter row per day. The row is created if missing
(INSERT .. ON CONFLICT DO NOTHING, so two first-of-the-day writers do not collide)
and then locked (``SELECT .. FOR UPDATE`` on PostgreSQL; on SQLite the caller's
``Database.transaction()`` already holds the write lock from BEGIN IMMEDIATE) before
it is incremented. Call ``next_ticket_id`` inside ``Database.transaction()``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from assistant.settings import get_settings
from assistant.tickets.models import TicketDayCounter

TICKET_ID_RE = re.compile(r"GD\d{12}(?!\d)")
# A ticket id as a resident may mistype it (a digit too few or too many, a space): enough to
# know they mean one ticket, not enough to say which.
TICKET_ID_LIKE_RE = re.compile(r"GD\s*\d{6,}", re.IGNORECASE)
MAX_DAILY_SEQUENCE = 9999


class TicketIdExhausted(Exception):
    """More than 9,999 tickets in one day: the 4-digit sequence has run out."""


def local_day(now: datetime) -> str:
    return now.astimezone(ZoneInfo(get_settings().timezone)).strftime("%Y%m%d")


def next_ticket_id(session: Session, now: datetime) -> str:
    day = local_day(now)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(TicketDayCounter).values(day=day, last_seq=0).on_conflict_do_nothing(
        index_elements=["day"]))
    counter = session.scalars(
        select(TicketDayCounter).where(TicketDayCounter.day == day).with_for_update()
        .execution_options(populate_existing=True)).one()
    if counter.last_seq >= MAX_DAILY_SEQUENCE:
        raise TicketIdExhausted(f"no ticket ids left for {day}")
    counter.last_seq += 1
    session.flush()
    return f"GD{day}{counter.last_seq:04d}"


def find_ticket_id(text: str | None) -> str | None:
    """The first well-formed ticket id in free text (residents often add words
    around it: "GD202611290007 怎么样了"). Full-width digits and a lower-case gd are
    accepted because phone keyboards and speech recognisers produce them."""
    if not text:
        return None
    normalised = unicodedata.normalize("NFKC", text).upper().replace(" ", "")
    match = TICKET_ID_RE.search(normalised)
    return match.group(0) if match else None
