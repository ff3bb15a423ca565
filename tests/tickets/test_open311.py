"""Open311 GeoReport v2 conformance through the real app (TestClient)."""

from __future__ import annotations

import re
from datetime import datetime

from fastapi.testclient import TestClient

from assistant.db import Database
from assistant.tickets import service
OPEN311_KEY = "open311-test-key"  # set by the app_env fixture (tests/conftest.py)

ISO_TZ = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"}


def assert_error(response, status: int):
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body, list) and body and set(body[0]) == {"code", "description"}
    assert body[0]["code"] == status and body[0]["description"]


def test_services(client: TestClient):
    r = client.get("/open311/v2/services.json")
    assert r.status_code == 200
    services = r.json()
    assert len(services) >= 10
    for s in services:
        assert set(s) >= {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
        assert s["type"] in ("realtime", "batch", "blackbox") and isinstance(s["metadata"], bool)
    names = {s["service_name"] for s in services}
    assert {"市政设施", "环境卫生", "噪音扰民", "其他"} <= names
    code = services[0]["service_code"]
    d = client.get(f"/open311/v2/services/{code}.json")
    assert d.status_code == 200 and d.json() == {"service_code": code, "attributes": []}
    assert_error(client.get("/open311/v2/services/nope.json"), 404)


def test_post_then_get(client: TestClient, app_env: Database):
    form = {"api_key": OPEN311_KEY, "service_code": "municipal", "lat": "31.2304", "long": "121.4737",
            "address_string": "幸福里3号楼", "description": "3号楼门口路灯不亮，电话13912345678",
            "first_name": "三", "last_name": "张", "phone": "13912345678", "email": "z@example.com"}
    r = client.post("/open311/v2/requests.json", data=form)
    assert r.status_code == 200, r.text
    created = r.json()
    assert isinstance(created, list) and set(created[0]) == {"service_request_id", "service_notice", "account_id"}
    rid = created[0]["service_request_id"]
    assert re.fullmatch(r"GD\d{12}", rid)

    one = client.get(f"/open311/v2/requests/{rid}.json")
    assert one.status_code == 200
    [req] = one.json()
    assert set(req) == REQUEST_FIELDS
    assert req["service_request_id"] == rid and req["status"] == "open"
    assert req["status_notes"].startswith("受理")
    assert req["service_code"] == "municipal" and req["service_name"] == "市政设施"
    assert req["agency_responsible"] == "街道城市管理办公室"
    assert req["lat"] == 31.2304 and req["long"] == 121.4737 and req["address"] == "幸福里3号楼"
    for key in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert ISO_TZ.match(req[key]), req[key]
        assert datetime.fromisoformat(req[key]).utcoffset() is not None
    # A public API: no contact data, phone numbers in text masked.
    assert "13912345678" not in one.text and "张" not in one.text and "z@example.com" not in one.text

    # Fine states collapse to open/closed.
    service.transition_ticket(app_env, rid, "派单", actor="staff:d")
    service.transition_ticket(app_env, rid, "开始处置", actor="staff:w")
    assert client.get(f"/open311/v2/requests/{rid}.json").json()[0]["status_notes"].startswith("处置中")
    service.transition_ticket(app_env, rid, "办结", actor="staff:w", note="已修复")
    [req] = client.get(f"/open311/v2/requests/{rid}.json").json()
    assert req["status"] == "closed" and req["status_notes"].startswith("已办结")


def test_get_requests_filters(client: TestClient, app_env: Database):
    a = service.file_ticket(app_env, description="我家楼下的路灯坏了好几天了", address="3号楼").ticket
    b = service.file_ticket(app_env, description="北门有人摆摊卖菜，占了人行道", address="北门").ticket
    service.transition_ticket(app_env, b.id, "派单", actor="staff:d")
    service.transition_ticket(app_env, b.id, "开始处置", actor="staff:w")
    service.transition_ticket(app_env, b.id, "办结", actor="staff:w", note="已劝离")

    def ids(**params) -> set[str]:
        r = client.get("/open311/v2/requests.json", params=params)
        assert r.status_code == 200, r.text
        return {x["service_request_id"] for x in r.json()}

    assert ids() == {a.id, b.id}
    assert ids(status="open") == {a.id}
    assert ids(status="closed") == {b.id}
    assert ids(status="open,closed") == {a.id, b.id}
    assert ids(service_code="street_vending") == {b.id}
    assert ids(service_request_id=f"{a.id},{b.id}") == {a.id, b.id}
    assert ids(start_date="2099-01-01T00:00:00+08:00") == set()
    assert ids(end_date="2000-01-01T00:00:00Z") == set()
    assert_error(client.get("/open311/v2/requests.json", params={"status": "pending"}), 400)
    assert_error(client.get("/open311/v2/requests.json", params={"start_date": "yesterday"}), 400)
    assert_error(client.get("/open311/v2/requests.json", params={"service_code": "nope"}), 400)
    assert_error(client.get("/open311/v2/requests/GD209901010001.json"), 404)


def test_post_errors(client: TestClient):
    ok = {"api_key": OPEN311_KEY, "service_code": "sanitation", "address_string": "5号楼", "description": "垃圾满了"}
    assert_error(client.post("/open311/v2/requests.json", data={**ok, "api_key": "wrong"}), 403)
    assert_error(client.post("/open311/v2/requests.json", data={k: v for k, v in ok.items() if k != "api_key"}), 403)
    assert_error(client.post("/open311/v2/requests.json", data={**ok, "service_code": "nope"}), 404)
    assert_error(client.post("/open311/v2/requests.json", data={k: v for k, v in ok.items()
                                                                 if k != "service_code"}), 400)
    assert_error(client.post("/open311/v2/requests.json", data={k: v for k, v in ok.items()
                                                                 if k != "address_string"}), 400)
    assert_error(client.post("/open311/v2/requests.json", data={**ok, "lat": "north"}), 400)
    assert_error(client.post("/open311/v2/requests.json", data={**ok, "description": "长" * 4001}), 400)
    assert_error(client.post("/open311/v2/requests.json", json=ok), 400)
    assert client.post("/open311/v2/requests.json", data=ok).status_code == 200


def test_post_disabled_without_key(client: TestClient, monkeypatch):
    from assistant.settings import get_settings

    monkeypatch.setattr(get_settings(), "open311_api_key", "")
    assert_error(client.post("/open311/v2/requests.json", data={"api_key": "", "service_code": "other",
                                                                "address_string": "x"}), 403)
