"""booking_0002 turns the per-start slot counters into per-cell ones, on SQLite and
PostgreSQL: down to booking_0001 (one count per start, as the old code kept them),
and up again (``assistant.db.upgrade``, what every process runs at start)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from assistant.booking.service import BookingError, book, cancel
from assistant.db import upgrade
from assistant.settings import PROJECT_ROOT

NOW = datetime(2026, 11, 29, 10, 0)
TUE = datetime(2026, 12, 1)


def alembic_config(url: str) -> Config:
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url)
    cfg.attributes["configure_logger"] = False
    return cfg


def _counters(db) -> dict[tuple[str, datetime], int]:
    with db.engine.begin() as conn:
        rows = conn.execute(text("SELECT service, starts_at, booked FROM booking_slots WHERE booked > 0"))
        return {(service, _naive(starts_at)): booked for service, starts_at, booked in rows}


def _naive(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def test_counters_are_rebuilt_per_cell_from_the_live_bookings(any_db, catalogue):
    url = any_db.engine.url.render_as_string(hide_password=False)

    def _book(sender, service, hour):
        return book(any_db, sender_id=sender, service=service, starts_at=TUE.replace(hour=hour),
                    address="幸福路8号", now=NOW, catalogue=catalogue)

    _book("web:a", "保洁", 8)
    _book("web:b", "保洁", 8)
    gone = _book("web:c", "理发", 15)
    _book("web:d", "理发", 15)
    cancel(any_db, gone.id, now=NOW, catalogue=catalogue)
    any_db.engine.dispose()

    command.downgrade(alembic_config(url), "booking_0001")
    assert _counters(any_db) == {("保洁", TUE.replace(hour=8)): 2, ("理发", TUE.replace(hour=15)): 1}
    any_db.engine.dispose()

    upgrade(url)
    cells = {("保洁", TUE.replace(hour=8) + timedelta(minutes=30 * k)): 2 for k in range(4)}
    assert _counters(any_db) == {**cells, ("理发", TUE.replace(hour=15)): 1}
    # The rebuilt counters hold: 9:00 overlaps both cleaners (8:00-10:00), 10:00 does not.
    with pytest.raises(BookingError) as err:
        book(any_db, sender_id="web:e", service="保洁", starts_at=TUE.replace(hour=9), address="幸福路8号",
             now=NOW, catalogue=catalogue)
    assert err.value.code == "full"
    assert book(any_db, sender_id="web:e", service="保洁", starts_at=TUE.replace(hour=10), address="幸福路8号",
                now=NOW, catalogue=catalogue).starts_at == TUE.replace(hour=10)
