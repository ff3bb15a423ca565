"""Open311 GeoReport v2 conformance through the real app (TestClient)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from assistant.db import Database
from assistant.tickets import service
from assistant.tickets.open311 import approximate_address, public_text

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
    # Public: the building and a rounded point (about 100 m), never the exact spot.
    assert req["lat"] == 31.23 and req["long"] == 121.474 and req["address"] == "幸福里3号楼"
    for key in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert ISO_TZ.match(req[key]), req[key]
        assert datetime.fromisoformat(req[key]).utcoffset() is not None
    # A public API: no contact data, phone numbers in text masked.
    assert "13912345678" not in one.text and "张" not in one.text and "z@example.com" not in one.text
    # The API key sees the exact point and the words as written, still no contact field.
    [full] = client.get(f"/open311/v2/requests/{rid}.json", params={"api_key": OPEN311_KEY}).json()
    assert set(full) == REQUEST_FIELDS
    assert full["lat"] == 31.2304 and full["long"] == 121.4737
    assert full["description"] == "3号楼门口路灯不亮，电话13912345678"

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
    for url in ("javascript:alert(1)", "data:text/html,<b>x</b>", "file:///etc/passwd", "ftp://x/y.jpg"):
        assert_error(client.post("/open311/v2/requests.json", data={**ok, "media_url": url}), 400)
    assert client.post("/open311/v2/requests.json", data=ok).status_code == 200
    assert client.post("/open311/v2/requests.json",
                       data={**ok, "media_url": "https://example.org/p.jpg"}).status_code == 200


def test_post_disabled_without_key(client: TestClient, monkeypatch):
    from assistant.settings import get_settings

    monkeypatch.setattr(get_settings(), "open311_api_key", "")
    assert_error(client.post("/open311/v2/requests.json", data={"api_key": "", "service_code": "other",
                                                                "address_string": "x"}), 403)


# ---- what a public reader sees, and what a key or a staff token adds -----------------

PRIVATE = dict(
    description="3号楼2单元501室的水管爆了，我叫张三，电话13912345678，邮箱zs@example.com，"
                "身份证110101199003071234",
    address="幸福路8号3号楼2单元501室", lat=31.230456, long=121.473789,
    contact_name="张三", contact_phone="13912345678")
SECRETS = ("13912345678", "张三", "zs@example.com", "110101199003071234", "501", "2单元", "31.230456",
           "121.473789")


def _file_private(db: Database) -> str:
    return service.file_ticket(db, sender_id="web:r-victim", **PRIVATE).ticket.id


def test_public_reads_publish_what_a_city_would_and_nothing_personal(client: TestClient, app_env: Database):
    rid = _file_private(app_env)
    listed = client.get("/open311/v2/requests.json")
    one = client.get(f"/open311/v2/requests/{rid}.json")
    for resp in (listed, one):
        assert resp.status_code == 200, resp.text
        [req] = [r for r in resp.json() if r["service_request_id"] == rid]
        for secret in SECRETS:
            assert secret not in resp.text, (secret, resp.text)
        assert req["address"] == "幸福路8号3号楼"
        assert (req["lat"], req["long"]) == (31.23, 121.474)
        assert "水管爆了" in req["description"] and "3号楼" in req["description"]
        assert "139****5678" in req["description"] and "张*" in req["description"]
        assert set(req) == REQUEST_FIELDS  # no phone, name, e-mail or device id field


@pytest.mark.parametrize("how", ["api_key", "bearer_key", "admin"])
def test_the_key_or_an_admin_token_reads_the_full_detail(client: TestClient, app_env: Database, tokens, how):
    rid = _file_private(app_env)
    params, headers = {}, {}
    if how == "api_key":
        params["api_key"] = OPEN311_KEY
    elif how == "bearer_key":
        headers["Authorization"] = f"Bearer {OPEN311_KEY}"
    else:
        headers["Authorization"] = f"Bearer {tokens['admin']}"
    for url in ("/open311/v2/requests.json", f"/open311/v2/requests/{rid}.json"):
        resp = client.get(url, params=params, headers=headers)
        assert resp.status_code == 200, resp.text
        [req] = [r for r in resp.json() if r["service_request_id"] == rid]
        assert req["description"] == PRIVATE["description"]
        assert req["address"] == PRIVATE["address"]
        assert (req["lat"], req["long"]) == (PRIVATE["lat"], PRIVATE["long"])
        assert set(req) == REQUEST_FIELDS


def test_other_staff_see_the_place_but_masked_words(client: TestClient, app_env: Database, tokens):
    rid = _file_private(app_env)
    [req] = client.get(f"/open311/v2/requests/{rid}.json",
                       headers={"Authorization": f"Bearer {tokens['viewer']}"}).json()
    assert req["address"] == PRIVATE["address"] and req["lat"] == PRIVATE["lat"]
    assert "13912345678" not in req["description"] and "139****5678" in req["description"]


def test_bad_credentials_are_refused_not_downgraded(client: TestClient, app_env: Database):
    rid = _file_private(app_env)
    for url in ("/open311/v2/requests.json", f"/open311/v2/requests/{rid}.json"):
        assert_error(client.get(url, params={"api_key": "wrong"}), 403)
        assert_error(client.get(url, headers={"Authorization": "Bearer forged.token.here"}), 401)


def test_media_url_is_published_only_when_http(client: TestClient, app_env: Database):
    from assistant.tickets.models import Ticket

    rid = _file_private(app_env)
    with app_env.session() as session:
        session.get(Ticket, rid).media_url = "javascript:alert(1)"
    [req] = client.get(f"/open311/v2/requests/{rid}.json").json()
    assert req["media_url"] is None


@pytest.mark.parametrize("address, public", [
    ("幸福路8号3号楼201室", "幸福路8号3号楼"),
    ("3号楼2单元501", "3号楼"),
    ("五栋302", "五栋"),
    ("幸福里十二号楼1201", "幸福里十二号楼"),
    ("203号楼", "203号楼"),
    ("幸福路8号201室", "幸福路8号"),
    ("幸福路8号-201", "幸福路8号"),
    ("A座1203", "A座"),
    ("幸福路1201号", "幸福路1201号"),
    ("北门", "北门"),
    ("3号楼 13912345678", "3号楼"),
    ("address_id:4711", None),
    (None, None),
])
def test_approximate_address_keeps_the_building_never_the_room(address, public):
    assert approximate_address(address) == public


def test_public_text_masks_contacts_names_and_rooms():
    text = public_text("联系人：李四，住12栋1203，邮箱li.si@example.com，电话+86 139 1234 5678")
    assert text == "联系人：李*，住12栋****，邮箱***@example.com，电话139****5678"
    assert public_text("203号楼门口路灯坏了") == "203号楼门口路灯坏了"
