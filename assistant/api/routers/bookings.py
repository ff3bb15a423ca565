"""Staff API for community-service bookings: the catalogue (read and edit), slots,
bookings by day/service/status, mark done or no-show, cancel, reminders."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import yaml
from fastapi import APIRouter, Body, Depends, Query
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.api.deps import db_session, get_db
from assistant.api.errors import ApiError
from assistant.auth.deps import require_role
from assistant.auth.models import StaffUser
from assistant.auth.service import UNMASKED_ROLES
from assistant.booking.catalogue import Catalogue, CatalogueError, load_catalogue, parse_catalogue, save_catalogue
from assistant.booking.models import BOOKING_STATUSES, Booking, BookingReminder
from assistant.booking.service import (
    BookingError, cancel, list_bookings, reschedule, set_status, slots_for_day,
)
from assistant.clock import TZ
from assistant.db import Database
from assistant.privacy import mask_phone
from assistant.residents.models import Resident

router = APIRouter(tags=["bookings"])

EDITORS = ("admin", "dispatcher")
HANDLERS = ("admin", "dispatcher", "worker")
BOOKING_ERROR_STATUS = {"not_found": 404, "invalid_status": 422}


def aware(value: datetime | None) -> datetime | None:
    """A time as the API says it: aware, in the community's zone (ISO 8601 +08:00).
    Bookings keep appointment times (``starts_at``, ``ends_at``, a reminder's ``due_at``)
    as naive local wall-clock values (assistant/booking/models.py); audit times are
    already aware."""
    if value is None:
        return None
    return value.replace(tzinfo=TZ) if value.tzinfo is None else value.astimezone(TZ)


def parse_yaml_shape(catalogue: Catalogue) -> dict[str, Any]:
    """The catalogue as staff see it in the YAML file (services keyed by name)."""
    return yaml.safe_load(catalogue.to_yaml())


class BookingOut(BaseModel):
    id: str
    service: str
    starts_at: datetime
    ends_at: datetime
    location: str
    address: str | None
    phone: str | None
    status: str
    sender_id: str
    resident_name: str | None
    note: str | None
    created_at: datetime | None
    status_changed_by: str | None


class SlotOut(BaseModel):
    starts_at: datetime
    ends_at: datetime
    capacity: int
    booked: int
    free: int


class ReminderOut(BaseModel):
    booking_id: str
    sender_id: str
    due_at: datetime
    status: str
    attempts: int
    delivered_via: str | None
    last_error: str | None


def _out(booking: Booking, resident: Resident, user: StaffUser) -> BookingOut:
    unmasked = user.role in UNMASKED_ROLES
    return BookingOut(id=booking.id, service=booking.service, starts_at=aware(booking.starts_at),
                      ends_at=aware(booking.ends_at), location=booking.location, address=booking.address,
                      phone=booking.phone if unmasked else mask_phone(booking.phone), status=booking.status,
                      sender_id=resident.sender_id, resident_name=resident.name, note=booking.note,
                      created_at=aware(booking.created_at), status_changed_by=booking.status_changed_by)


def _raise(exc: BookingError) -> None:
    raise ApiError(BOOKING_ERROR_STATUS.get(exc.code, 409), exc.code, exc.message) from exc


@router.get("/api/v1/booking/catalogue")
def get_catalogue(_user: Annotated[StaffUser, Depends(require_role())]) -> dict[str, Any]:
    """The service catalogue, in the same shape as the YAML file."""
    try:
        catalogue = load_catalogue()
    except CatalogueError as exc:
        raise ApiError(503, "catalogue_invalid", f"the catalogue file is invalid: {exc}") from exc
    return parse_yaml_shape(catalogue)


@router.put("/api/v1/booking/catalogue")
def put_catalogue(body: Annotated[dict[str, Any], Body()],
                  _user: Annotated[StaffUser, Depends(require_role(*EDITORS))]) -> dict[str, Any]:
    """Replace the catalogue (validated as a whole; a bad edit changes nothing)."""
    try:
        catalogue = parse_catalogue(body)
    except CatalogueError as exc:
        raise ApiError(422, "invalid_catalogue", str(exc)) from exc
    save_catalogue(catalogue)
    return parse_yaml_shape(catalogue)


@router.get("/api/v1/booking/services/{service}/slots", response_model=list[SlotOut])
def get_slots(service: str, day: Annotated[date, Query()],
              _user: Annotated[StaffUser, Depends(require_role())],
              session: Annotated[Session, Depends(db_session)]) -> list[SlotOut]:
    """The day's slots of one service with how many places are taken."""
    try:
        slots = slots_for_day(session, service, day)
    except CatalogueError as exc:
        raise ApiError(404, "unknown_service", str(exc)) from exc
    return [SlotOut(starts_at=aware(s.starts_at), ends_at=aware(s.ends_at), capacity=s.capacity, booked=s.booked, free=s.free)
            for s in slots]


@router.get("/api/v1/bookings", response_model=list[BookingOut])
def list_route(user: Annotated[StaffUser, Depends(require_role())],
               session: Annotated[Session, Depends(db_session)],
               day: Annotated[date | None, Query()] = None,
               service: Annotated[str | None, Query(max_length=16)] = None,
               status: Annotated[Literal[BOOKING_STATUSES] | None, Query()] = None) -> list[BookingOut]:
    """Bookings by day, service and status, in time order."""
    return [_out(b, r, user) for b, r in list_bookings(session, day=day, service=service, status=status)]


@router.get("/api/v1/bookings/{booking_id}", response_model=BookingOut)
def get_route(booking_id: str, user: Annotated[StaffUser, Depends(require_role())],
              session: Annotated[Session, Depends(db_session)]) -> BookingOut:
    row = session.execute(select(Booking, Resident).join(Resident, Resident.id == Booking.resident_id)
                          .where(Booking.id == booking_id.strip().upper())).first()
    if row is None:
        raise ApiError(404, "booking_not_found", f"no booking {booking_id}")
    return _out(row[0], row[1], user)


def _status_route(booking_id: str, status: str, user: StaffUser, database: Database) -> dict:
    try:
        booking = set_status(database, booking_id, status, by=user.username)
    except BookingError as exc:
        _raise(exc)
    return {"id": booking.id, "status": booking.status}


@router.post("/api/v1/bookings/{booking_id}/done")
def done_route(booking_id: str, user: Annotated[StaffUser, Depends(require_role(*HANDLERS))],
               database: Annotated[Database, Depends(get_db)]) -> dict:
    return _status_route(booking_id, "done", user, database)


@router.post("/api/v1/bookings/{booking_id}/no-show")
def no_show_route(booking_id: str, user: Annotated[StaffUser, Depends(require_role(*HANDLERS))],
                  database: Annotated[Database, Depends(get_db)]) -> dict:
    return _status_route(booking_id, "no_show", user, database)


@router.post("/api/v1/bookings/{booking_id}/cancel")
def cancel_route(booking_id: str, user: Annotated[StaffUser, Depends(require_role(*EDITORS))],
                 database: Annotated[Database, Depends(get_db)]) -> dict:
    try:
        booking = cancel(database, booking_id, by=user.username)
    except BookingError as exc:
        _raise(exc)
    return {"id": booking.id, "status": booking.status}


class RescheduleIn(BaseModel):
    # A slot start: 2026-12-03T10:00+08:00, or a local wall-clock time without an offset
    # (2026-12-03T10:00, read in Asia/Shanghai).
    starts_at: datetime


@router.post("/api/v1/bookings/{booking_id}/reschedule")
def reschedule_route(booking_id: str, body: RescheduleIn,
                     _user: Annotated[StaffUser, Depends(require_role(*EDITORS))],
                     database: Annotated[Database, Depends(get_db)]) -> dict:
    """Move a booking to another slot of the same service (capacity is checked;
    a full slot answers 409 with code ``full``)."""
    try:
        booking = reschedule(database, booking_id, body.starts_at)
    except BookingError as exc:
        _raise(exc)
    return {"id": booking.id, "status": booking.status, "starts_at": aware(booking.starts_at).isoformat()}


@router.get("/api/v1/booking/reminders", response_model=list[ReminderOut])
def reminders_route(_user: Annotated[StaffUser, Depends(require_role())],
                    session: Annotated[Session, Depends(db_session)],
                    status: Annotated[Literal["pending", "sent", "cancelled", "failed"] | None, Query()] = None,
                    ) -> list[ReminderOut]:
    query = select(BookingReminder).order_by(BookingReminder.due_at).limit(500)
    if status:
        query = query.where(BookingReminder.status == status)
    return [ReminderOut(booking_id=r.booking_id, sender_id=r.sender_id, due_at=aware(r.due_at), status=r.status,
                        attempts=r.attempts, delivered_via=r.delivered_via, last_error=r.last_error)
            for r in session.scalars(query)]
