"""``butler bookings``: community-service bookings for operators."""

from __future__ import annotations

import time
from datetime import date, datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from assistant.booking.catalogue import CatalogueError, catalogue_path, load_catalogue, parse_catalogue, save_catalogue
from assistant.booking.service import (
    STATUS_TEXT, BookingError, cancel, list_bookings, send_due_reminders, set_status, slots_for_day, to_local,
)
from assistant.db import get_database
from assistant.privacy import mask_phone

app = typer.Typer(help="社区服务预约", no_args_is_help=True)


def console() -> Console:
    return Console()  # created per command so the terminal width is current


def _day(value: str | None) -> date | None:
    if value in (None, ""):
        return None
    if value in ("today", "今天"):
        return to_local(None).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter("day must look like 2026-12-01 (or 'today')") from None


@app.command("list")
def list_command(
    day: str = typer.Option(None, "--day", help="YYYY-MM-DD or 'today'; default: all days"),
    service: str = typer.Option(None, "--service", help="e.g. 理发"),
    status: str = typer.Option(None, "--status", help="booked | cancelled | done | no_show"),
) -> None:
    """List bookings by day, service and status (phones masked)."""
    table = Table("id", "time", "service", "where", "resident", "phone", "status")
    with get_database().session() as session:
        rows = list_bookings(session, day=_day(day), service=service, status=status)
        for booking, resident in rows:
            table.add_row(booking.id, booking.starts_at.strftime("%Y-%m-%d %H:%M"), booking.service,
                          booking.address or booking.location, resident.sender_id,
                          mask_phone(booking.phone) or "-", STATUS_TEXT.get(booking.status, booking.status))
    console().print(table)
    console().print(f"{len(rows)} booking(s)")


@app.command("slots")
def slots_command(service: str, day: str = typer.Option("today", "--day")) -> None:
    """A service's slots of one day with the places taken."""
    table = Table("start", "end", "booked", "capacity")
    try:
        with get_database().session() as session:
            for slot in slots_for_day(session, service, _day(day)):
                table.add_row(slot.starts_at.strftime("%H:%M"), slot.ends_at.strftime("%H:%M"),
                              str(slot.booked), str(slot.capacity))
    except CatalogueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    console().print(table)


def _change(booking_id: str, action) -> None:
    try:
        booking = action()
    except BookingError as exc:
        typer.echo(f"{booking_id}: {exc.code}: {exc.message}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{booking.id} {booking.status}")


@app.command("done")
def done_command(booking_id: str, by: str = typer.Option("operator", "--by")) -> None:
    """Mark a booking as done."""
    _change(booking_id, lambda: set_status(get_database(), booking_id, "done", by=by))


@app.command("no-show")
def no_show_command(booking_id: str, by: str = typer.Option("operator", "--by")) -> None:
    """Mark a booking as a no-show."""
    _change(booking_id, lambda: set_status(get_database(), booking_id, "no_show", by=by))


@app.command("cancel")
def cancel_command(booking_id: str, by: str = typer.Option("operator", "--by")) -> None:
    """Cancel a booking on a resident's behalf."""
    _change(booking_id, lambda: cancel(get_database(), booking_id, by=by))


@app.command("reminders")
def reminders_command(
    loop: int = typer.Option(0, "--loop", help="repeat every N seconds (0: run once)"),
    now: str = typer.Option(None, "--now", help="pretend it is this local time (YYYY-MM-DDTHH:MM)"),
) -> None:
    """Send the reminders that are due (the day before each booking). Safe to run
    from cron or in a loop: state lives in the database, nothing is sent twice."""
    at = datetime.fromisoformat(now) if now else None
    while True:
        run = send_due_reminders(get_database(), at)
        typer.echo(f"reminders sent {len(run.sent)}, failed {len(run.failed)}, skipped {len(run.skipped)}")
        if loop <= 0:
            return
        time.sleep(loop)


@app.command("catalogue")
def catalogue_command(
    load: Path = typer.Option(None, "--load", exists=True, dir_okay=False,
                              help="validate this YAML file and make it the catalogue"),
) -> None:
    """Show the service catalogue, or replace it with a validated file."""
    if load is not None:
        try:
            catalogue = parse_catalogue(load.read_text(encoding="utf-8"))
        except CatalogueError as exc:
            typer.echo(f"invalid catalogue: {exc}", err=True)
            raise typer.Exit(1) from None
        typer.echo(f"catalogue saved to {save_catalogue(catalogue)}")
        return
    catalogue = load_catalogue()
    table = Table("service", "provider", "where", "days", "hours", "min", "cap", "price")
    for s in catalogue.services.values():
        table.add_row(s.name, s.provider, s.location, s.days_text(), " ".join(s.hours), str(s.duration),
                      str(s.capacity), s.price_text())
    console().print(table)
    console().print(f"from {catalogue_path()}")
