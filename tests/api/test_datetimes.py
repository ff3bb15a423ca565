"""Every datetime the API returns or exports is aware: ISO 8601 with the +08:00 offset
of Asia/Shanghai (SQLite hands back naive values; assistant.db.AwareDateTime turns every
instant column aware in one place)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from assistant.clock import TZ
from assistant.kb.unanswered import record_unanswered
from assistant.residents.service import request_handoff
from assistant.tickets.service import file_ticket
from tests.conftest import OPEN311_KEY

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _datetimes(value, path=""):
    """Every string in a JSON document that looks like a date with a time."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _datetimes(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _datetimes(item, f"{path}[{i}]")
    elif isinstance(value, str) and ISO.match(value):
        yield path, value


def _assert_shanghai(found):
    found = list(found)
    assert found, "no datetime in the answer: the test would prove nothing"
    for path, value in found:
        parsed = datetime.fromisoformat(value)
        assert parsed.utcoffset() == timedelta(hours=8), f"{path} = {value!r} has no +08:00 offset"


@pytest.fixture
def filled(app_env, clock):
    ticket = file_ticket(app_env, description="3号楼电梯坏了好几天了", sender_id="web:r-dt", address="3号楼",
                         contact_phone="13912345678").ticket
    with app_env.session() as session:
        request_handoff(session, "web:r-dt", "asked", "找人工")
        record_unanswered(session, "web:r-dt", "垃圾分类几点收？")
    return ticket.id


def test_instant_columns_are_stored_in_utc_and_read_back_in_shanghai(app_env, clock):
    shanghai = datetime(2026, 12, 5, 13, 30, tzinfo=TZ)
    ticket = file_ticket(app_env, description="5号楼路灯不亮", address="5号楼", now=shanghai).ticket
    with app_env.session() as session:
        stored = session.execute(text("SELECT created_at FROM tickets WHERE id = :id"), {"id": ticket.id}).scalar()
        assert str(stored).startswith("2026-12-05 05:30:00")  # UTC digits, not the +08:00 wall clock
        from assistant.tickets.models import Ticket

        loaded = session.get(Ticket, ticket.id)
        session.refresh(loaded)
        assert loaded.created_at == shanghai and loaded.created_at.utcoffset() == timedelta(hours=8)
        assert loaded.created_at.astimezone(UTC).hour == 5


def test_staff_routers_return_offsets(client, tokens, filled):
    auth = {"Authorization": f"Bearer {tokens['admin']}"}
    for path in ("/api/v1/tickets", f"/api/v1/tickets/{filled}", "/api/v1/handoffs", "/api/v1/kb/unanswered"):
        resp = client.get(path, headers=auth)
        assert resp.status_code == 200, (path, resp.text)
        _assert_shanghai(_datetimes(resp.json()))


def test_open311_returns_offsets(client, filled):
    for path in ("/open311/v2/requests.json", f"/open311/v2/requests/{filled}.json"):
        resp = client.get(path, params={"api_key": OPEN311_KEY})
        assert resp.status_code == 200, (path, resp.text)
        _assert_shanghai(_datetimes(resp.json()))
    public = client.get(f"/open311/v2/requests/{filled}.json")  # the public view, no key
    assert public.status_code == 200
    _assert_shanghai(_datetimes(public.json()))


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_exports_carry_offsets(client, tokens, filled, fmt):
    resp = client.get("/api/v1/tickets/export", params={"format": fmt},
                      headers={"Authorization": f"Bearer {tokens['admin']}"})
    assert resp.status_code == 200
    if fmt == "json":
        _assert_shanghai(_datetimes(json.loads(resp.content)))
    else:
        rows = list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))
        _assert_shanghai((f"row{i}.col{j}", cell) for i, row in enumerate(rows[1:])
                         for j, cell in enumerate(row) if ISO.match(cell))


@pytest.fixture
def booked(app_env, clock):
    """A 理发 booking on the first day from the day after tomorrow the service works
    (the packaged catalogue), at 15:00 local: stored naive, as bookings store times."""
    from assistant.booking.catalogue import load_catalogue
    from assistant.booking.service import book

    catalogue = load_catalogue()
    service = catalogue.service("理发")
    day = clock.today() + timedelta(days=2)
    while day.isoweekday() not in service.days or catalogue.is_closed(day):
        day += timedelta(days=1)
    slot = datetime.combine(day, datetime.min.time()).replace(hour=15)
    return book(app_env, sender_id="web:r-dt", service="理发", starts_at=slot, address="3号楼2单元302",
                phone="13912345678")


def test_booking_routes_return_offsets(client, tokens, booked):
    """Bookings keep appointment times as naive local wall-clock values; the API says
    they are Asia/Shanghai (15:00 stays 15:00, with +08:00)."""
    auth = {"Authorization": f"Bearer {tokens['admin']}"}
    day = booked.starts_at.date().isoformat()
    for path in ("/api/v1/bookings", f"/api/v1/bookings/{booked.id}", "/api/v1/booking/reminders",
                 f"/api/v1/booking/services/理发/slots?day={day}"):
        resp = client.get(path, headers=auth)
        assert resp.status_code == 200, (path, resp.text)
        _assert_shanghai(_datetimes(resp.json()))
    one = client.get(f"/api/v1/bookings/{booked.id}", headers=auth).json()
    assert one["starts_at"] == booked.starts_at.replace(tzinfo=TZ).isoformat()
    assert datetime.fromisoformat(one["starts_at"]).hour == 15


@pytest.mark.parametrize("given", ["naive", "aware"])
def test_reschedule_takes_and_returns_offsets(client, tokens, booked, given):
    target = booked.starts_at.replace(hour=16)
    sent = target.isoformat() if given == "naive" else target.replace(tzinfo=TZ).astimezone(UTC).isoformat()
    resp = client.post(f"/api/v1/bookings/{booked.id}/reschedule", json={"starts_at": sent},
                       headers={"Authorization": f"Bearer {tokens['dispatcher']}"})
    assert resp.status_code == 200, resp.text
    assert resp.json()["starts_at"] == target.replace(tzinfo=TZ).isoformat()
