"""Staff ticket API: authentication (401/403), list/filters/paging, detail with
timeline, transitions, corrections, export download."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.db import Database
from assistant.tickets import service
from assistant.tickets.models import TicketExport


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def tickets(app_env: Database) -> list[str]:
    ids = [service.file_ticket(app_env, description="我家楼下的路灯坏了好几天了，晚上黑乎乎的", address="3号楼",
                               sender_id="web:a", contact_name="张三", contact_phone="13912345678").ticket.id,
           service.file_ticket(app_env, description="楼上天天半夜装修吵死了，老人孩子都睡不着，投诉好几次了没人管",
                               address="7号楼").ticket.id,
           service.file_emergency(app_env, description="楼道里着火了", address="8号楼").ticket.id]
    return ids


@pytest.mark.parametrize("method, path", [
    ("get", "/api/v1/tickets"), ("get", "/api/v1/tickets/GD202611290001"), ("get", "/api/v1/tickets/export"),
    ("post", "/api/v1/tickets/GD202611290001/transitions"), ("post", "/api/v1/tickets/GD202611290001/corrections"),
])
def test_every_route_needs_a_token(client: TestClient, method: str, path: str):
    r = getattr(client, method)(path)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    r = getattr(client, method)(path, headers=auth("not-a-token"))
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_token"


def test_token_from_login_works(client: TestClient, tokens, tickets):
    r = client.post("/api/v1/auth/token", json={"username": "viewer1", "password": "correct-horse-battery"})
    assert r.status_code == 200
    token = r.json()["access_token"]
    assert client.get("/api/v1/tickets", headers=auth(token)).status_code == 200


def test_list_filters_and_paging(client: TestClient, tokens, tickets):
    h = auth(tokens["viewer"])
    r = client.get("/api/v1/tickets", headers=h)
    body = r.json()
    assert r.status_code == 200 and body["total"] == 3 and len(body["items"]) == 3
    assert {i["id"] for i in body["items"]} == set(tickets)
    page = client.get("/api/v1/tickets", params={"page": 2, "page_size": 2}, headers=h).json()
    assert page["total"] == 3 and len(page["items"]) == 1 and page["page"] == 2
    assert [i["id"] for i in client.get("/api/v1/tickets", params={"urgency": "emergency"}, headers=h)
            .json()["items"]] == [tickets[2]]
    assert [i["id"] for i in client.get("/api/v1/tickets", params={"category": "噪音扰民"}, headers=h)
            .json()["items"]] == [tickets[1]]
    assert client.get("/api/v1/tickets", params={"status": "受理,派单"}, headers=h).json()["total"] == 3
    assert client.get("/api/v1/tickets", params={"overdue": "true"}, headers=h).json()["total"] == 0
    bad = client.get("/api/v1/tickets", params={"status": "完成"}, headers=h)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "unknown_status"
    assert client.get("/api/v1/tickets", params={"page_size": 1000}, headers=h).status_code == 422


def test_detail_shows_scores_cues_deadline_timeline_masked(client: TestClient, tokens, tickets):
    r = client.get(f"/api/v1/tickets/{tickets[0]}", headers=auth(tokens["dispatcher"]))
    assert r.status_code == 200
    d = r.json()
    assert d["status"] == "受理" and d["category"] == "市政设施" and d["department"] == "街道城市管理办公室"
    assert d["sentiment"]["label"] == "negative" and -1 <= d["sentiment"]["score"] <= 1
    assert d["urgency"] == "normal" and d["deadline"] and d["overdue"] is False
    assert d["cues"]["category"] and "timeline" in d and d["timeline"][0]["action"] == "受理"
    assert d["contact_phone"] == "139****5678" and d["contact_name"] == "张*"
    admin = client.get(f"/api/v1/tickets/{tickets[0]}", headers=auth(tokens["admin"])).json()
    assert admin["contact_phone"] == "13912345678"
    for missing in ("GD209901010001", "nonsense"):
        r = client.get(f"/api/v1/tickets/{missing}", headers=auth(tokens["viewer"]))
        assert r.status_code == 404 and r.json()["error"]["code"] == "ticket_not_found"


def test_transitions_roles_and_refusals(client: TestClient, tokens, tickets):
    tid = tickets[0]
    url = f"/api/v1/tickets/{tid}/transitions"
    assert client.post(url, json={"action": "派单"}, headers=auth(tokens["viewer"])).status_code == 403
    r = client.post(url, json={"action": "派单"}, headers=auth(tokens["worker"]))
    assert r.status_code == 403  # routing is a dispatcher's decision
    r = client.post(url, json={"action": "派单"}, headers=auth(tokens["dispatcher"]))
    assert r.status_code == 200 and r.json()["status"] == "派单"
    r = client.post(url, json={"action": "关闭"}, headers=auth(tokens["dispatcher"]))
    assert r.status_code == 409 and r.json()["error"]["code"] == "invalid_transition"
    assert client.post(url, json={"action": "开始处置"}, headers=auth(tokens["worker"])).status_code == 200
    r = client.post(url, json={"action": "办结"}, headers=auth(tokens["worker"]))
    assert r.status_code == 409  # needs a note
    assert client.post(url, json={"action": "办结", "note": "已更换灯泡"},
                       headers=auth(tokens["worker"])).status_code == 200
    r = client.post(url, json={"action": "回访", "satisfaction": 9}, headers=auth(tokens["dispatcher"]))
    assert r.status_code == 409
    r = client.post(url, json={"action": "回访", "satisfaction": 4}, headers=auth(tokens["dispatcher"]))
    assert r.status_code == 200 and r.json()["satisfaction"] == 4
    r = client.post(url, json={"action": "关闭"}, headers=auth(tokens["admin"]))
    d = r.json()
    assert r.status_code == 200 and d["status"] == "关闭"
    trail = [(e["action"], e["from"], e["to"], e["actor"]) for e in d["timeline"]]
    assert trail[1:] == [("派单", "受理", "派单", "staff:dispatcher1"), ("开始处置", "派单", "处置中", "staff:worker1"),
                         ("办结", "处置中", "已办结", "staff:worker1"), ("回访", "已办结", "回访", "staff:dispatcher1"),
                         ("关闭", "回访", "关闭", "staff:admin1")]
    assert client.post(url, json={}, headers=auth(tokens["admin"])).status_code == 422
    r = client.post("/api/v1/tickets/GD209901010001/transitions", json={"action": "派单"},
                    headers=auth(tokens["admin"]))
    assert r.status_code == 404


def test_corrections(client: TestClient, tokens, tickets):
    url = f"/api/v1/tickets/{tickets[1]}/corrections"
    assert client.post(url, json={"category": "邻里纠纷"}, headers=auth(tokens["worker"])).status_code == 403
    r = client.post(url, json={"category": "邻里纠纷", "note": "楼上楼下矛盾"}, headers=auth(tokens["dispatcher"]))
    d = r.json()
    assert r.status_code == 200 and d["category"] == "邻里纠纷" and d["department"] == "社区人民调解委员会"
    assert d["timeline"][-1]["action"] == "更正部门" and d["timeline"][-2]["action"] == "更正类别"
    r = client.post(url, json={"category": "天气"}, headers=auth(tokens["dispatcher"]))
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_ticket"
    assert client.post(url, json={}, headers=auth(tokens["dispatcher"])).status_code == 422


def test_export_download(client: TestClient, tokens, tickets, app_env: Database):
    r = client.get("/api/v1/tickets/export", params={"format": "csv"}, headers=auth(tokens["viewer"]))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 3 and "139****5678" in {row["联系电话"] for row in rows}
    r = client.get("/api/v1/tickets/export", params={"format": "json", "unmasked": "true"},
                   headers=auth(tokens["dispatcher"]))
    assert r.status_code == 403 and r.json()["error"]["code"] == "export_forbidden"
    r = client.get("/api/v1/tickets/export", params={"format": "xlsx", "unmasked": "true", "category": "市政设施"},
                   headers=auth(tokens["admin"]))
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert client.get("/api/v1/tickets/export", params={"format": "pdf"},
                      headers=auth(tokens["admin"])).status_code == 422
    with app_env.session() as s:
        records = [(x.actor, x.format, x.unmasked, x.row_count) for x in s.scalars(select(TicketExport))]
    assert records == [("staff:viewer1", "csv", False, 3), ("staff:admin1", "xlsx", True, 1)]


def test_options(client: TestClient, tokens):
    d = client.get("/api/v1/tickets/options", headers=auth(tokens["viewer"])).json()
    assert len(d["categories"]) == 12 and "关闭" in d["states"] and "重新打开" in d["actions"]


def test_control_characters_never_reach_the_database(client: TestClient, tokens, app_env: Database):
    """PostgreSQL refuses NUL in text; residents' and staff's input is cleaned first."""
    filed = service.file_ticket(app_env, description="路灯\x00坏了\x07", address="3号楼\x00")
    assert filed.ticket.description == "路灯坏了" and filed.ticket.address == "3号楼"
    r = client.post(f"/api/v1/tickets/{filed.ticket.id}/transitions", json={"action": "派单", "note": "转\x00城管"},
                    headers=auth(tokens["admin"]))
    assert r.status_code == 200 and r.json()["timeline"][-1]["note"] == "转城管"


def test_ids_deadlines_and_overdue_follow_the_injected_clock(client: TestClient, tokens, tickets, clock):
    """Filed on the project clock (BUTLER_TEST_NOW under make test-dates): the id's
    date is the local filing day, the emergency is due 2 h later and turns overdue
    when the clock passes that."""
    from zoneinfo import ZoneInfo

    h = auth(tokens["dispatcher"])
    for ticket_id in tickets:
        d = client.get(f"/api/v1/tickets/{ticket_id}", headers=h).json()
        filed = datetime.fromisoformat(d["created_at"])
        assert abs(filed - clock.now()) < timedelta(minutes=10)          # the injected clock, not the machine's
        assert ticket_id[2:10] == filed.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y%m%d")
        assert datetime.fromisoformat(d["deadline"]) > filed and d["overdue"] is False
    emergency = client.get(f"/api/v1/tickets/{tickets[2]}", headers=h).json()
    assert datetime.fromisoformat(emergency["deadline"]) - datetime.fromisoformat(emergency["created_at"]) \
        == timedelta(hours=2)
    clock.shift(timedelta(hours=3))
    overdue = client.get("/api/v1/tickets", params={"overdue": "true"}, headers=h).json()
    assert [i["id"] for i in overdue["items"]] == [tickets[2]]


class _DialogueUp:
    """Stands in for a Rasa server and action server that are up, so that the holiday
    half of /readyz can be seen with the rest healthy. (With the real stack,
    tests/e2e/test_core_chat.py asserts /readyz is 200 while 2027 has no holiday data.)"""

    async def health(self) -> dict[str, str]:
        return {}


def test_readyz_is_degraded_not_down_when_holidays_are_missing(client: TestClient, clock):
    from assistant.api.deps import dialogue

    clock.move_to(datetime(2098, 6, 1, 10, 0))      # no source knows 2098 or 2099
    down = client.get("/readyz")                    # Rasa is not running in this test
    assert down.status_code == 503 and set(down.json()["missing"]) == {"rasa", "action_server"}
    assert "2098, 2099" in down.json()["degraded"]["holiday_calendar"]
    client.app.dependency_overrides[dialogue] = lambda: _DialogueUp()
    degraded = client.get("/readyz")
    assert degraded.status_code == 200 and degraded.json()["status"] == "degraded"
    assert "2098, 2099" in degraded.json()["degraded"]["holiday_calendar"]
    clock.move_to(datetime(2025, 6, 1, 10, 0))      # chinese-calendar knows 2025 and 2026
    # No speech model in this test: /readyz lists it under degraded too (docs/voice.md).
    assert "holiday_calendar" not in client.get("/readyz").json().get("degraded", {})


def test_staff_see_residents_ratings_in_list_detail_and_export(client: TestClient, tokens, tickets,
                                                                app_env: Database):
    from assistant.tickets import feedback

    tid = tickets[0]
    for action, note in (("派单", None), ("开始处置", None), ("办结", "已更换灯泡")):
        service.transition_ticket(app_env, tid, action, actor="staff:t", note=note)
    feedback.rate_ticket(app_env, sender_id="web:a", ticket_id=tid, score=1, reason="修完又坏了，电话13912345678")
    headers = auth(tokens["viewer"])
    detail = client.get(f"/api/v1/tickets/{tid}", headers=headers).json()
    assert detail["status"] == "处置中" and detail["reopen_count"] == 1
    assert detail["resident_rating"]["label"] == "不满意" and detail["resident_rating"]["reopened"] is True
    assert "13912345678" not in detail["resident_rating"]["reason"]  # masked for a viewer
    assert detail["ratings"][0]["sender_id"] == "web:a***"
    listed = {t["id"]: t for t in client.get("/api/v1/tickets", headers=headers).json()["items"]}
    assert listed[tid]["resident_rating"]["score"] == 1 and listed[tickets[1]]["resident_rating"] is None
    export = client.get("/api/v1/tickets/export", params={"format": "csv"}, headers=headers)
    rows = {r["工单号"]: r for r in csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")))}
    assert rows[tid]["居民评价"] == "不满意（1分）" and rows[tid]["居民重开次数"] == "1"
