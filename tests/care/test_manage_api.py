"""Staff manage the care register through the API (issue #14: "Staff manage it through
the API and the CLI"): create, change, deactivate, map and unmap sensors; roles,
stable error codes, the audit trail, masking in logs. The CLI's update/deactivate call
the same service functions."""

from __future__ import annotations

import pytest
import structlog
from fastapi.testclient import TestClient
from structlog.testing import LogCapture
from typer.testing import CliRunner

from assistant.care.ladder import sweep
from assistant.care.models import CareDevice, CareEvent, CareLadderStep, CareResident
from assistant.care.service import register


@pytest.fixture
def client(app_env):
    from assistant.api.app import create_app
    from assistant.settings import get_settings

    with TestClient(create_app(get_settings())) as test_client:
        yield test_client


@pytest.fixture
def service_logs(monkeypatch) -> list[dict]:
    """What the care service logs. A capturing logger in the module's place: structlog
    caches a configured logger on first use, so capture_logs() sees nothing once
    another test logged."""
    import assistant.care.service as service

    captured = LogCapture()
    monkeypatch.setattr(service, "log", structlog.wrap_logger(None, processors=[captured]))
    return captured.entries


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


ENTRY = {"name": "张秀英", "phone": "13912345678", "address": "6号楼3单元201", "sender_id": "telegram:5001",
         "grid_worker": "李网格", "window_start": "07:30", "window_end": "09:00", "quiet_days": 2,
         "emergency_contacts": [{"name": "张小明", "phone": "13800001111", "relation": "儿子"}]}


def test_create_change_deactivate_with_an_audit_trail(client, tokens, app_env, service_logs):
    db = app_env
    logs = service_logs
    response = client.post("/api/v1/care/residents", json=ENTRY, headers=auth(tokens["dispatcher"]))
    assert response.status_code == 201, response.text
    created = response.json()
    care_id = created["id"]
    # A dispatcher sees the entry masked; the stored entry is whole.
    assert created["name"] == "张**" and created["phone"] == "139****5678" and created["active"] is True
    assert created["window"] == {"start": "07:30", "end": "09:00"} and created["quiet_days"] == 2
    with db.session() as session:
        stored = session.get(CareResident, care_id)
        assert (stored.name, stored.phone, stored.sender_id) == ("张秀英", "13912345678", "telegram:5001")
        assert stored.emergency_contacts == [{"name": "张小明", "phone": "13800001111", "relation": "儿子"}]
    logged = repr(logs)
    assert "13912345678" not in logged and "张秀英" not in logged and "13800001111" not in logged
    assert any(e["event"] == "care_register_changed" and e["action"] == "create" for e in logs)

    patch = {"window_start": "08:00", "window_end": "10:30", "quiet_days": 4, "grid_worker": "王网格",
             "consent": False, "emergency_contacts": [{"name": "张小红", "phone": "13700002222", "relation": "女儿"}]}
    response = client.patch(f"/api/v1/care/residents/{care_id}", json=patch, headers=auth(tokens["admin"]))
    assert response.status_code == 200, response.text
    changed = response.json()
    assert changed["window"] == {"start": "08:00", "end": "10:30"} and changed["quiet_days"] == 4
    assert changed["grid_worker"] == "王网格" and changed["consent"] is False
    assert changed["emergency_contacts"] == [{"name": "张小红", "phone": "13700002222", "relation": "女儿",
                                              "sender_id": None}]  # an admin sees them whole
    assert "13700002222" not in repr(logs) and any(e.get("action") == "update" for e in logs)

    # Only what was sent changes; the window's ends are checked together.
    response = client.patch(f"/api/v1/care/residents/{care_id}", json={"window_start": "11:00"},
                            headers=auth(tokens["admin"]))
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_care_entry"
    assert "先开始后结束" in response.json()["error"]["message"]

    assert client.delete(f"/api/v1/care/residents/{care_id}", headers=auth(tokens["dispatcher"])).status_code == 204
    listed = client.get("/api/v1/care/residents", headers=auth(tokens["viewer"])).json()
    assert care_id not in {r["id"] for r in listed}
    detail = client.get(f"/api/v1/care/residents/{care_id}", headers=auth(tokens["viewer"])).json()
    assert detail["active"] is False
    events = detail["events"]
    assert [e["action"] for e in events] == ["create", "update", "deactivate"]
    assert [e["actor"] for e in events] == ["staff:dispatcher1", "staff:admin1", "staff:dispatcher1"]
    update = events[1]["changes"]
    assert update["quiet_days"] == [2, 4] and update["window_end"] == ["09:00", "10:30"]
    # The audit trail keeps personal values masked.
    assert update["emergency_contacts"][1] == [{"name": "张**", "phone": "137****2222", "relation": "女儿"}]
    with db.session() as session:
        stored_events = session.query(CareEvent).filter_by(care_id=care_id).all()
    assert "13700002222" not in repr([e.changes for e in stored_events])


def test_devices_through_the_api(client, tokens, app_env):
    elder = register(app_env, name="王大爷", phone="13912340000", address="2号楼1单元101")
    url = f"/api/v1/care/residents/{elder.id}/devices"
    response = client.post(url, json={"device_id": "wm-101", "kind": "water"}, headers=auth(tokens["dispatcher"]))
    assert response.status_code == 201 and response.json()["kind"] == "water"
    again = client.post(url, json={"device_id": "wm-101", "kind": "water"}, headers=auth(tokens["dispatcher"]))
    assert again.status_code == 409 and again.json()["error"]["code"] == "care_conflict"
    bad = client.post(url, json={"device_id": "x-1", "kind": "fridge"}, headers=auth(tokens["dispatcher"]))
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_request"
    slash = client.post(url, json={"device_id": "a b", "kind": "door"}, headers=auth(tokens["dispatcher"]))
    assert slash.status_code == 422 and slash.json()["error"]["code"] == "invalid_care_entry"
    unknown = client.post("/api/v1/care/residents/999/devices", json={"device_id": "d-1", "kind": "door"},
                          headers=auth(tokens["dispatcher"]))
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "care_not_found"
    detail = client.get(f"/api/v1/care/residents/{elder.id}", headers=auth(tokens["worker"])).json()
    assert [d["device_id"] for d in detail["devices"]] == ["wm-101"]

    assert client.delete(f"{url}/wm-101", headers=auth(tokens["dispatcher"])).status_code == 204
    gone = client.delete(f"{url}/wm-101", headers=auth(tokens["dispatcher"]))
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "device_not_found"
    with app_env.session() as session:
        assert session.get(CareDevice, "wm-101") is None
    detail = client.get(f"/api/v1/care/residents/{elder.id}", headers=auth(tokens["viewer"])).json()
    assert [e["action"] for e in detail["events"]] == ["create", "device_add", "device_remove"]


def test_roles_and_error_codes(client, tokens, app_env):
    elder = register(app_env, name="王大爷", phone="13912340000", address="2号楼1单元101", sender_id="web:r-wang")
    # Workers and viewers read; only admins and dispatchers change the register.
    for role in ("worker", "viewer"):
        for method, path, body in (("post", "/api/v1/care/residents", ENTRY),
                                   ("patch", f"/api/v1/care/residents/{elder.id}", {"quiet_days": 5}),
                                   ("delete", f"/api/v1/care/residents/{elder.id}", None),
                                   ("post", f"/api/v1/care/residents/{elder.id}/devices",
                                    {"device_id": "d-1", "kind": "door"})):
            response = client.request(method, path, json=body, headers=auth(tokens[role]))
            assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden", (role, path)
    assert client.post("/api/v1/care/residents", json=ENTRY).status_code == 401

    h = auth(tokens["dispatcher"])
    taken = client.post("/api/v1/care/residents", json={**ENTRY, "sender_id": "web:r-wang"}, headers=h)
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "care_conflict"
    bad_phone = client.post("/api/v1/care/residents", json={**ENTRY, "phone": "abc"}, headers=h)
    assert bad_phone.status_code == 422 and bad_phone.json()["error"]["code"] == "invalid_care_entry"
    extra = client.post("/api/v1/care/residents", json={**ENTRY, "active": False}, headers=h)
    assert extra.status_code == 422 and extra.json()["error"]["code"] == "invalid_request"
    days = client.patch(f"/api/v1/care/residents/{elder.id}", json={"quiet_days": 0}, headers=h)
    assert days.status_code == 422 and days.json()["error"]["code"] == "invalid_request"
    null = client.patch(f"/api/v1/care/residents/{elder.id}", json={"phone": None}, headers=h)
    assert null.status_code == 422 and null.json()["error"]["code"] == "invalid_request"
    missing = client.patch("/api/v1/care/residents/4242", json={"quiet_days": 5}, headers=h)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "care_not_found"
    assert client.delete("/api/v1/care/residents/4242", headers=h).json()["error"]["code"] == "care_not_found"
    huge = client.get("/api/v1/care/residents/99999999999999999999", headers=h)
    assert huge.status_code == 422


def test_a_deactivated_elder_leaves_the_ladder(client, tokens, app_env):
    from datetime import datetime

    from assistant.clock import TZ

    db = app_env
    day0 = datetime(2026, 12, 1, 7, 0, tzinfo=TZ)
    elder = register(db, name="李奶奶", phone="13912345670", address="3号楼", sender_id="web:r-li", now=day0)
    sweep(db, datetime(2026, 12, 1, 10, 5, tzinfo=TZ))  # the second prompt: an open step
    assert client.delete(f"/api/v1/care/residents/{elder.id}", headers=auth(tokens["admin"])).status_code == 204
    assert client.get("/api/v1/care/alerts", headers=auth(tokens["admin"])).json() == []
    report = sweep(db, datetime(2026, 12, 5, 12, 0, tzinfo=TZ))
    assert report.elders == 0 and report.sent == []
    with db.session() as session:
        assert {s.step for s in session.query(CareLadderStep).filter_by(care_id=elder.id)} == {"second_prompt"}
    # Put back on the register: the ladder watches the elder again.
    again = client.patch(f"/api/v1/care/residents/{elder.id}", json={"active": True}, headers=auth(tokens["admin"]))
    assert again.status_code == 200 and again.json()["active"] is True
    assert sweep(db, datetime(2026, 12, 5, 12, 0, tzinfo=TZ)).elders == 1


def test_cli_update_deactivate_and_device_remove(app_env):
    from assistant.cli import app

    db = app_env
    elder = register(db, name="赵奶奶", phone="13912345678", address="5号楼")
    runner = CliRunner()
    result = runner.invoke(app, ["care", "update", str(elder.id), "--quiet-days", "5", "--window-start", "07:00",
                                 "--contact", "赵小明:13800001111:儿子"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["care", "update", str(elder.id), "--quiet-days", "99"])
    assert result.exit_code == 2 and "静默天数" in result.output
    assert runner.invoke(app, ["care", "device", "add", "door-7", "--care-id", str(elder.id),
                               "--kind", "door"]).exit_code == 0
    assert runner.invoke(app, ["care", "device", "remove", "door-7"]).exit_code == 0
    assert runner.invoke(app, ["care", "device", "remove", "door-7"]).exit_code == 2
    assert runner.invoke(app, ["care", "deactivate", str(elder.id)]).exit_code == 0
    with db.session() as session:
        stored = session.get(CareResident, elder.id)
        assert (stored.quiet_days, stored.window_start, stored.active) == (5, "07:00", False)
        assert stored.emergency_contacts == [{"name": "赵小明", "phone": "13800001111", "relation": "儿子"}]
        actions = [e.action for e in session.query(CareEvent).filter_by(care_id=elder.id).order_by(CareEvent.id)]
        actors = {e.actor for e in session.query(CareEvent).filter_by(care_id=elder.id)}
    assert actions == ["create", "update", "device_add", "device_remove", "deactivate"]
    assert actors == {"operator:cli"}
