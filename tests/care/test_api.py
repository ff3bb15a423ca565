"""The staff API of elder care: GET /api/v1/care/residents and /api/v1/care/alerts.
The router is not registered in assistant/api/app.py yet (the lead does that), so the
test adds it to the app itself."""

from __future__ import annotations

from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from assistant.care.ladder import sweep
from assistant.care.service import record_checkin, register
from assistant.clock import TZ


@pytest.fixture
def care_client(app_env):
    from assistant.api.app import create_app
    from assistant.settings import get_settings

    app = create_app(get_settings())  # the care router is one of app.ROUTERS
    with TestClient(app) as client:
        yield client


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("path", ["/api/v1/care/residents", "/api/v1/care/alerts"])
def test_staff_only(care_client, path):
    response = care_client.get(path)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    response = care_client.get(path, headers=auth("not-a-token"))
    assert response.status_code == 401 and response.json()["error"]["code"] == "invalid_token"


def test_the_register_with_the_last_sign_of_life_and_open_alerts(care_client, tokens, app_env, clock):
    db = app_env
    # The staff tokens were issued at the test clock's now: the care data carries its own
    # instants (every function takes ``now``) instead of moving the clock back under them.
    day0 = datetime(2026, 12, 1, 7, 0, tzinfo=TZ)
    silent = register(db, name="张秀英", phone="13912345678", address="6号楼3单元201", sender_id="web:r-zhang",
                      grid_worker="李网格", now=day0)
    fine = register(db, name="王大爷", phone="13912340000", address="2号楼1单元101", sender_id="web:r-wang",
                    now=day0)
    checked = datetime(2026, 12, 1, 8, 30, tzinfo=TZ)
    record_checkin(db, "web:r-wang", "报平安", checked)
    for when in (datetime(2026, 12, 1, 10, 5, tzinfo=TZ), datetime(2026, 12, 1, 12, 10, tzinfo=TZ)):
        sweep(db, when)

    response = care_client.get("/api/v1/care/residents", headers=auth(tokens["viewer"]))
    assert response.status_code == 200
    rows = {r["id"]: r for r in response.json()}
    assert rows[silent.id]["phone"] == "139****5678" and rows[silent.id]["name"] == "张**"
    assert rows[silent.id]["last_sign_of_life"] is None
    assert datetime.fromisoformat(rows[fine.id]["last_sign_of_life"]) == checked
    assert rows[fine.id]["window"] == {"start": "08:00", "end": "10:00"}

    response = care_client.get("/api/v1/care/alerts", headers=auth(tokens["dispatcher"]))
    assert response.status_code == 200
    alerts = response.json()
    assert [(a["care_id"], a["step"]) for a in alerts] == [(silent.id, "ticket"), (silent.id, "second_prompt")]
    assert alerts[0]["ticket_id"].startswith("GD") and alerts[0]["phone"] == "139****5678"
    assert alerts[0]["reason"] == "未报平安"

    admin = care_client.get("/api/v1/care/residents", headers=auth(tokens["admin"])).json()
    assert {r["phone"] for r in admin} == {"13912345678", "13912340000"}

    # A check-in stops the ladder: no open alerts left.
    record_checkin(db, "web:r-zhang", "平安", datetime(2026, 12, 1, 13, 0, tzinfo=TZ))
    assert care_client.get("/api/v1/care/alerts", headers=auth(tokens["worker"])).json() == []
