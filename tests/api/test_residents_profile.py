"""Staff reading and setting a resident's speech profile through the gateway
(in-process, on a real migrated SQLite database)."""

from __future__ import annotations

import pytest
import structlog
from structlog.testing import LogCapture

from assistant.residents.profile import slow_down, speech_profile
from assistant.residents.service import remember_contact

SENDER = "telegram:13912345678"  # a sender id that is a phone number: logs mask it
URL = f"/api/v1/residents/{SENDER}/profile"


@pytest.fixture
def resident(app_env):
    with app_env.session() as session:
        remember_contact(session, SENDER, address="3号楼2单元")
    return SENDER


def auth(tokens, role="dispatcher"):
    return {"Authorization": f"Bearer {tokens[role]}"}


def test_a_known_resident_never_set_has_the_ordinary_profile(client, tokens, resident):
    resp = client.get(URL, headers=auth(tokens, "viewer"))
    assert resp.status_code == 200
    assert resp.json() == {"sender_id": SENDER, "elderly": False, "rate_factor": 1.0, "set_by": None,
                           "updated_at": None}


def test_staff_make_a_resident_elderly_and_back_audited_with_the_sender_masked(client, tokens, resident, app_env,
                                                                              monkeypatch):
    import assistant.residents.profile as profile

    # A capturing logger in place of the module's own: structlog caches a configured
    # logger on first use, so capture_logs() sees nothing once another test logged.
    captured = LogCapture()
    monkeypatch.setattr(profile, "log", structlog.wrap_logger(None, processors=[captured]))
    logs = captured.entries
    resp = client.put(URL, json={"elderly": True}, headers=auth(tokens))
    assert resp.status_code == 200
    body = resp.json()
    assert body["elderly"] is True and body["rate_factor"] == 0.8 and body["set_by"] == "staff:dispatcher1"
    assert body["updated_at"].endswith("+08:00")
    assert speech_profile(app_env, SENDER).elderly  # what the speech pipeline reads
    [audit] = [e for e in logs if e["event"] == "resident_profile_set"]
    assert audit["sender"] == "telegram:139****5678" and audit["by"] == "staff:dispatcher1"
    assert client.get(URL, headers=auth(tokens, "viewer")).json()["elderly"] is True

    resp = client.put(URL, json={"elderly": False}, headers=auth(tokens, "admin"))
    assert resp.json()["elderly"] is False and resp.json()["rate_factor"] == 1.0


def test_a_resident_who_asked_for_slower_keeps_the_slower_rate_when_staff_confirm(client, tokens, resident, app_env):
    slow_down(app_env, SENDER)
    slow_down(app_env, SENDER)
    assert client.get(URL, headers=auth(tokens)).json()["set_by"] == "resident"
    assert client.put(URL, json={"elderly": True}, headers=auth(tokens)).json()["rate_factor"] == 0.7


def test_a_sender_who_only_chatted_is_known(client, tokens, app_env):
    from assistant.inbox import service as inbox

    inbox.record(app_env, sender_id="web:r-chatted", text="你好", channel="web")
    resp = client.put("/api/v1/residents/web:r-chatted/profile", json={"elderly": True}, headers=auth(tokens))
    assert resp.status_code == 200 and resp.json()["elderly"] is True


def test_an_unknown_sender_is_404_and_nothing_is_created(client, tokens, app_env):
    for resp in (client.get("/api/v1/residents/web:r-nobody/profile", headers=auth(tokens)),
                 client.put("/api/v1/residents/web:r-nobody/profile", json={"elderly": True}, headers=auth(tokens))):
        assert resp.status_code == 404
        assert resp.json()["error"]["code"] == "resident_not_found"
    assert client.get("/api/v1/residents/web:r-nobody/profile", headers=auth(tokens)).status_code == 404


@pytest.mark.parametrize("body", [{}, {"elderly": "yes"}, {"elderly": 1}, {"elderly": None},
                                  {"elderly": True, "rate_factor": 0.1}, [True]])
def test_a_bad_body_is_422(client, tokens, resident, body):
    resp = client.put(URL, json=body, headers=auth(tokens))
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "invalid_request"


def test_a_sender_id_over_the_length_limit_is_422(client, tokens):
    resp = client.get(f"/api/v1/residents/web:{'x' * 200}/profile", headers=auth(tokens))
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "invalid_request"


def test_without_a_token_401_and_a_viewer_may_not_change_it(client, tokens, resident):
    resp = client.get(URL)
    assert resp.status_code == 401 and resp.json()["error"]["code"] == "unauthorized"
    resp = client.put(URL, json={"elderly": True}, headers={"Authorization": "Bearer forged"})
    assert resp.status_code == 401 and resp.json()["error"]["code"] == "invalid_token"
    resp = client.put(URL, json={"elderly": True}, headers=auth(tokens, "viewer"))
    assert resp.status_code == 403 and resp.json()["error"]["code"] == "forbidden"
    assert client.get(URL, headers=auth(tokens, "viewer")).json()["elderly"] is False
