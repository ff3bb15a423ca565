"""Staff booking API through FastAPI's TestClient, on a migrated SQLite database,
with real staff tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest

from assistant.booking.service import book
from assistant.clock import TZ


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def past_booking(app_env, days):
    """A 理发 booking whose time has come: 15:00 on a working day at least two days ago."""
    slot = days.at(days.working_day(after=2, before=True), 15)
    return book(app_env, sender_id="web:amy", service="理发", starts_at=slot, address="幸福路8号",
                phone="13912345678", now=slot - timedelta(days=1))


@pytest.fixture
def future_booking(app_env, days):
    """A 理发 booking at 15:00 on a working day about a week ahead, booked now."""
    slot = days.at(days.working_day(after=5), 15)
    return book(app_env, sender_id="web:bob", service="理发", starts_at=slot, address="幸福路9号",
                phone="13800001111")


def test_every_route_needs_a_token(client):
    for method, path in [("get", "/api/v1/bookings"), ("get", "/api/v1/booking/catalogue"),
                         ("put", "/api/v1/booking/catalogue"), ("post", "/api/v1/bookings/YY202611290001/done"),
                         ("get", "/api/v1/booking/reminders")]:
        resp = getattr(client, method)(path)
        assert resp.status_code == 401 and resp.json()["error"]["code"] == "unauthorized"


def test_catalogue_read_and_edit(client, tokens):
    got = client.get("/api/v1/booking/catalogue", headers=auth(tokens["viewer"]))
    assert got.status_code == 200
    data = got.json()
    assert len(data["services"]) == 10 and data["services"]["理发"]["capacity"] == 3
    data["services"]["理发"]["capacity"] = 4
    assert client.put("/api/v1/booking/catalogue", json=data, headers=auth(tokens["viewer"])).status_code == 403
    put = client.put("/api/v1/booking/catalogue", json=data, headers=auth(tokens["dispatcher"]))
    assert put.status_code == 200 and put.json()["services"]["理发"]["capacity"] == 4
    again = client.get("/api/v1/booking/catalogue", headers=auth(tokens["viewer"])).json()
    assert again["services"]["理发"]["capacity"] == 4


def test_bad_catalogue_edit_is_a_422_and_changes_nothing(client, tokens):
    data = client.get("/api/v1/booking/catalogue", headers=auth(tokens["admin"])).json()
    del data["services"]["助浴"]
    resp = client.put("/api/v1/booking/catalogue", json=data, headers=auth(tokens["admin"]))
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "invalid_catalogue"
    assert "助浴" in resp.json()["error"]["message"]
    bad = client.put("/api/v1/booking/catalogue", json=["not", "a", "mapping"], headers=auth(tokens["admin"]))
    assert bad.status_code == 422
    assert "助浴" in client.get("/api/v1/booking/catalogue", headers=auth(tokens["admin"])).json()["services"]


def test_list_by_day_service_status_with_masked_phones(client, tokens, past_booking, future_booking):
    day = past_booking.starts_at.date().isoformat()
    rows = client.get(f"/api/v1/bookings?day={day}", headers=auth(tokens["viewer"])).json()
    assert [r["id"] for r in rows] == [past_booking.id]
    assert rows[0]["phone"] == "139****5678" and rows[0]["sender_id"] == "web:amy"
    admin_rows = client.get(f"/api/v1/bookings?day={day}", headers=auth(tokens["admin"])).json()
    assert admin_rows[0]["phone"] == "13912345678"
    all_rows = client.get("/api/v1/bookings?service=理发&status=booked", headers=auth(tokens["viewer"])).json()
    assert {r["id"] for r in all_rows} == {past_booking.id, future_booking.id}
    assert client.get("/api/v1/bookings?service=保洁", headers=auth(tokens["viewer"])).json() == []
    bad = client.get("/api/v1/bookings?status=lost", headers=auth(tokens["viewer"]))
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_request"
    bad_day = client.get("/api/v1/bookings?day=tomorrow", headers=auth(tokens["viewer"]))
    assert bad_day.status_code == 422


def test_mark_done_and_no_show(client, tokens, past_booking, future_booking):
    path = f"/api/v1/bookings/{past_booking.id}"
    assert client.post(f"{path}/done", headers=auth(tokens["viewer"])).status_code == 403
    done = client.post(f"{path}/done", headers=auth(tokens["worker"]))
    assert done.status_code == 200 and done.json() == {"id": past_booking.id, "status": "done"}
    again = client.post(f"{path}/no-show", headers=auth(tokens["worker"]))
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_changeable"
    early = client.post(f"/api/v1/bookings/{future_booking.id}/no-show", headers=auth(tokens["worker"]))
    assert early.status_code == 409 and early.json()["error"]["code"] == "not_started"
    missing = client.post("/api/v1/bookings/YY209901010001/done", headers=auth(tokens["worker"]))
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    detail = client.get(path, headers=auth(tokens["viewer"])).json()
    assert detail["status"] == "done" and detail["status_changed_by"] == "worker1"


def test_staff_cancel_and_slots(client, tokens, future_booking):
    day = future_booking.starts_at.date().isoformat()
    slots = client.get(f"/api/v1/booking/services/理发/slots?day={day}", headers=auth(tokens["viewer"])).json()
    taken = [s for s in slots if s["booked"]]
    assert len(slots) == 12 and len(taken) == 1 and taken[0]["free"] == 2
    assert client.post(f"/api/v1/bookings/{future_booking.id}/cancel",
                       headers=auth(tokens["worker"])).status_code == 403
    resp = client.post(f"/api/v1/bookings/{future_booking.id}/cancel", headers=auth(tokens["dispatcher"]))
    assert resp.status_code == 200 and resp.json()["status"] == "cancelled"
    slots = client.get(f"/api/v1/booking/services/理发/slots?day={day}", headers=auth(tokens["viewer"])).json()
    assert all(s["booked"] == 0 for s in slots)
    unknown = client.get(f"/api/v1/booking/services/按摩/slots?day={day}", headers=auth(tokens["viewer"]))
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_service"
    assert client.get("/api/v1/bookings/YY000000000000", headers=auth(tokens["viewer"])).status_code == 404


def test_reminders_listed(client, tokens, future_booking):
    rows = client.get("/api/v1/booking/reminders?status=pending", headers=auth(tokens["viewer"])).json()
    assert [r["booking_id"] for r in rows] == [future_booking.id]
    assert rows[0]["sender_id"] == "web:bob"


def test_staff_reschedule(client, tokens, future_booking):
    target = future_booking.starts_at.replace(hour=16)
    path = f"/api/v1/bookings/{future_booking.id}/reschedule"
    assert client.post(path, json={"starts_at": target.isoformat()}, headers=auth(tokens["viewer"])).status_code == 403
    moved = client.post(path, json={"starts_at": target.isoformat()}, headers=auth(tokens["dispatcher"]))
    assert moved.status_code == 200 and moved.json()["starts_at"] == target.replace(tzinfo=TZ).isoformat()
    odd = client.post(path, json={"starts_at": target.replace(minute=10).isoformat()},
                      headers=auth(tokens["dispatcher"]))
    assert odd.status_code == 409 and odd.json()["error"]["code"] == "not_a_slot"
    bad = client.post(path, json={"starts_at": "someday"}, headers=auth(tokens["dispatcher"]))
    assert bad.status_code == 422
