"""``butler bookings`` through typer's CliRunner against a migrated SQLite database,
on the injected clock (tests/conftest.py ``clock``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from typer.testing import CliRunner

from assistant.booking.service import book
from assistant.cli import app

runner = CliRunner(env={"COLUMNS": "200"})  # wide enough that rich does not wrap ids
NOW = datetime(2026, 11, 29, 10, 0)
SLOT = datetime(2026, 12, 1, 15, 0)


def _book(db, sender="telegram:7"):
    return book(db, sender_id=sender, service="理发", starts_at=SLOT, address="幸福路8号", phone="13912345678",
                now=NOW)


def test_list_by_day_masks_phones(app_env):
    booking = _book(app_env)
    result = runner.invoke(app, ["bookings", "list", "--day", "2026-12-01"])
    assert result.exit_code == 0, result.output
    assert booking.id in result.output and "139****5678" in result.output and "13912345678" not in result.output
    empty = runner.invoke(app, ["bookings", "list", "--day", "2026-12-02"])
    assert "0 booking(s)" in empty.output
    bad = runner.invoke(app, ["bookings", "list", "--day", "someday"])
    assert bad.exit_code != 0


def test_slots_and_catalogue(app_env):
    _book(app_env)
    slots = runner.invoke(app, ["bookings", "slots", "理发", "--day", "2026-12-01"])
    assert slots.exit_code == 0 and "15:00" in slots.output
    assert runner.invoke(app, ["bookings", "slots", "按摩", "--day", "2026-12-01"]).exit_code == 1
    shown = runner.invoke(app, ["bookings", "catalogue"])
    assert shown.exit_code == 0 and "助浴" in shown.output


def test_catalogue_load_validates(app_env, tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("services: {}\n", encoding="utf-8")
    result = runner.invoke(app, ["bookings", "catalogue", "--load", str(bad)])
    assert result.exit_code == 1 and "invalid catalogue" in result.output


def test_slots_of_today_follow_the_clock(app_env, days):
    """`--day today` is the injected clock's today: its slots, or none on a Sunday."""
    result = runner.invoke(app, ["bookings", "slots", "理发"])
    assert result.exit_code == 0, result.output
    assert ("09:00" in result.output) == days.works(days.today()), (days.today(), result.output)


def test_reminders_job_and_status_commands(app_env, days):
    """Booked now for a day at least two days ahead: the reminder is due the day before
    at 10:00, and the cancel (which reads the clock) happens before the appointment."""
    day = days.working_day(after=2)
    booking = book(app_env, sender_id="telegram:7", service="理发", starts_at=days.at(day, 15),
                   address="幸福路8号", phone="13912345678")
    due = days.at(day - timedelta(days=1), 10)

    def reminders(at: datetime) -> str:
        result = runner.invoke(app, ["bookings", "reminders", "--now", at.strftime("%Y-%m-%dT%H:%M")])
        assert result.exit_code == 0, result.output
        return result.output

    assert "sent 0" in reminders(due - timedelta(hours=1))
    assert "sent 1" in reminders(due)
    assert "sent 0" in reminders(due + timedelta(hours=1))
    cancelled = runner.invoke(app, ["bookings", "cancel", booking.id])
    assert cancelled.exit_code == 0 and "cancelled" in cancelled.output
    again = runner.invoke(app, ["bookings", "done", booking.id])
    assert again.exit_code == 1 and "not_changeable" in again.output


def test_cancel_refuses_a_booking_whose_time_has_come(app_env, days, clock):
    day = days.working_day(after=1)
    booking = book(app_env, sender_id="telegram:8", service="理发", starts_at=days.at(day, 9),
                   address="幸福路8号")
    clock.move_to(days.at(day, 9, 5))
    result = runner.invoke(app, ["bookings", "cancel", booking.id])
    assert result.exit_code == 1 and "started" in result.output
