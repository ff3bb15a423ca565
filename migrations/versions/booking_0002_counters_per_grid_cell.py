"""booking: slot counters become per grid cell — a booking counts in every cell it
covers, so overlapping appointments share capacity (issue #11)

Until now ``booking_slots.booked`` counted the bookings starting at a slot. From
now on a row is a ``step``-minute cell (``Service.step``, aligned to midnight) and
counts the live bookings under way in it. The upgrade rebuilds every counter from
the live bookings (booked, done, no_show — what the application counts); the
downgrade rebuilds the old per-start counts. ``bookings.slot_id`` still names the
row at the booking's start, which both meanings have. No schema change.

Revision ID: booking_0002
Revises: booking_0001
"""
import math
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from alembic import op

revision = "booking_0002"
down_revision = "booking_0001"
branch_labels = None
depends_on = None

LIVE = ("booked", "done", "no_show")
slots = sa.table("booking_slots", sa.column("id", sa.Integer), sa.column("service", sa.String),
                 sa.column("starts_at", sa.DateTime), sa.column("booked", sa.Integer))
bookings = sa.table("bookings", sa.column("service", sa.String), sa.column("starts_at", sa.DateTime),
                    sa.column("ends_at", sa.DateTime), sa.column("status", sa.String))


def _steps() -> dict[str, int]:
    """Each service's cell size as the application computes it from the catalogue in
    use (a staff override included). Read here once: should the catalogue not load,
    the fallback below is the same rule without the windows."""
    try:
        from assistant.booking.catalogue import load_catalogue

        return {name: service.step for name, service in load_catalogue().services.items()}
    except Exception:  # noqa: BLE001 — a migration must not fail on a bad catalogue file
        return {}


def _cells(starts_at: datetime, ends_at: datetime, step: int) -> list[datetime]:
    # A copy of assistant.booking.catalogue.counter_cells: a migration keeps meaning
    # what it meant when it was written, whatever the application code becomes.
    midnight = datetime.combine(starts_at.date(), time.min)
    cell = midnight + timedelta(minutes=(starts_at - midnight) // timedelta(minutes=step) * step)
    cells = []
    while cell < ends_at:
        cells.append(cell)
        cell += timedelta(minutes=step)
    return cells


def _rebuild(counts: dict[tuple[str, datetime], int]) -> None:
    conn = op.get_bind()
    existing = {(service, starts_at): row_id
                for row_id, service, starts_at in conn.execute(sa.select(slots.c.id, slots.c.service,
                                                                         slots.c.starts_at))}
    conn.execute(slots.update().values(booked=0))
    for (service, starts_at), booked in sorted(counts.items()):
        if (service, starts_at) in existing:
            conn.execute(slots.update().where(slots.c.id == existing[(service, starts_at)]).values(booked=booked))
        else:
            conn.execute(slots.insert().values(service=service, starts_at=starts_at, booked=booked))


def _live_bookings() -> list[tuple[str, datetime, datetime]]:
    rows = op.get_bind().execute(sa.select(bookings.c.service, bookings.c.starts_at, bookings.c.ends_at)
                                 .where(bookings.c.status.in_(LIVE)))
    return [(service, starts_at, ends_at) for service, starts_at, ends_at in rows]


def upgrade() -> None:
    steps = _steps()
    counts: dict[tuple[str, datetime], int] = {}
    for service, starts_at, ends_at in _live_bookings():
        minutes = int((ends_at - starts_at).total_seconds() // 60)
        step = steps.get(service) or math.gcd(30, minutes, starts_at.hour * 60 + starts_at.minute)
        for cell in _cells(starts_at, ends_at, step):
            counts[(service, cell)] = counts.get((service, cell), 0) + 1
    _rebuild(counts)


def downgrade() -> None:
    # Back to one count per start. Bookings made at a start in between keep their
    # own row; the old code then counts them apart from the regular slots.
    counts: dict[tuple[str, datetime], int] = {}
    for service, starts_at, _ in _live_bookings():
        counts[(service, starts_at)] = counts.get((service, starts_at), 0) + 1
    _rebuild(counts)
