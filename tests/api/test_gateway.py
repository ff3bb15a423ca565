"""Gateway behaviour that does not need Rasa: validation, errors, the degraded path."""

import pytest
from fastapi.testclient import TestClient

from assistant.dialogue import merge_messages, namespaced_sender


@pytest.fixture
def client(app_env, monkeypatch):
    # Nothing listens on this port: Rasa and the action server are "down".
    monkeypatch.setenv("BUTLER_RASA_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("BUTLER_ACTION_SERVER_URL", "http://127.0.0.1:9")
    from assistant.api.app import create_app
    from assistant.settings import get_settings

    get_settings.cache_clear()
    with TestClient(create_app(get_settings()), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.mark.parametrize("body", [
    {"sender_id": "", "text": "你好"},
    {"sender_id": "a" * 129, "text": "你好"},
    {"sender_id": "a", "text": ""},
    {"sender_id": "a", "text": "   "},
    {"sender_id": "a", "text": "长" * 2001},
    {"sender_id": "a"},
    {},
])
def test_bad_chat_input_is_a_4xx_with_a_stable_code(client, body):
    resp = client.post("/api/v1/chat", json=body)
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "invalid_request"


def test_malformed_json_is_a_4xx(client):
    resp = client.post("/api/v1/chat", content=b"{not json", headers={"content-type": "application/json"})
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "invalid_request"


def test_rasa_down_gives_residents_a_chinese_answer_with_the_phone(client):
    resp = client.post("/api/v1/chat", json={"text": "你好"})
    assert resp.status_code == 200
    text = resp.json()["replies"][0]["text"]
    assert "021-12345678" in text and "120" in text


def test_parse_with_rasa_down_is_503_with_code(client):
    resp = client.post("/api/v1/nlu/parse", json={"text": "你好"})
    assert resp.status_code == 503 and resp.json()["error"]["code"] == "dialogue_unavailable"


def test_readyz_names_what_is_missing(client):
    resp = client.get("/readyz")
    assert resp.status_code == 503
    assert set(resp.json()["missing"]) == {"rasa", "action_server"}
    assert client.get("/healthz").json() == {"status": "ok"}


def test_unknown_route_is_a_json_404(client):
    resp = client.get("/api/v1/nothing-here")
    assert resp.status_code == 404 and resp.json()["error"]["code"] == "not_found"


def test_senders_are_namespaced_per_channel():
    assert namespaced_sender("web", "42") != namespaced_sender("telegram", "42")
    with pytest.raises(ValueError):
        namespaced_sender("fax", "42")


def test_buttons_sent_alone_join_the_previous_text():
    replies = merge_messages([{"text": "选一个"}, {"buttons": [{"title": "是", "payload": "/affirm"}]}])
    assert len(replies) == 1 and replies[0].buttons[0].payload == "/affirm"


def test_custom_payload_sent_alone_joins_the_previous_text():
    replies = merge_messages([{"text": "着火了请马上拨打 119。"}, {"custom": {"emergency": {"ticket_id": "GD1"}}},
                              {"text": "社区已收到"}])
    assert [r.text for r in replies] == ["着火了请马上拨打 119。", "社区已收到"]
    assert replies[0].custom == {"emergency": {"ticket_id": "GD1"}} and replies[1].custom is None


# --- the emergency safety net while the dialogue engine is down -----------------------

def _tickets(db):
    from sqlalchemy import select

    from assistant.tickets.models import Ticket

    with db.session() as session:
        return list(session.scalars(select(Ticket)))


@pytest.mark.parametrize("text, number", [
    ("楼道里着火了", "119"),
    ("物业怎么还不管 楼下冒黑烟了都烧起来了", "119"),
    ("我爸倒在地上叫不醒了", "120"),
])
def test_emergency_with_rasa_down_gets_advice_first_and_a_ticket(client, app_env, text, number):
    resp = client.post("/api/v1/chat", json={"text": text})
    assert resp.status_code == 200
    replies = resp.json()["replies"]
    assert number in replies[0]["text"], replies
    assert replies[0]["custom"]["emergency"]["by"] == "gateway"
    [ticket] = _tickets(app_env)
    assert ticket.urgency == "emergency" and ticket.description == text
    assert ticket.id in "\n".join(r["text"] for r in replies)


def test_no_emergency_with_rasa_down_files_nothing(client, app_env):
    replies = client.post("/api/v1/chat", json={"text": "万一着火了应该怎么办"}).json()["replies"]
    assert "021-12345678" in replies[0]["text"] and "emergency" not in (replies[0].get("custom") or {})
    assert _tickets(app_env) == []


def test_clients_cannot_speak_for_the_safety_net():
    from assistant.dialogue import SAFETY_METADATA_KEY, without_safety

    assert without_safety({SAFETY_METADATA_KEY: {"emergency": True}, "location": {"lat": 1}}) == {
        "location": {"lat": 1}}
    assert without_safety(None) == {}
