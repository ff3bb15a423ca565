"""Ids in API paths are bounded (a 404 or 422 with a stable code for "²", a 30-digit
id, a negative one; never a 500), and the waiting residents' lists mask personal data
for the roles that may not see it (``UNMASKED_ROLES``)."""

from __future__ import annotations

import pytest

from assistant.tickets.attachment_http import parse_attachment_id

BAD_IDS = ("²", "1" * 30, "-1", "0", "9" * 13, "1e3", " 1")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + b"\x00" * 64 + b"\xff\xd9"


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_parse_attachment_id():
    assert parse_attachment_id("1") == 1 and parse_attachment_id("42") == 42
    assert parse_attachment_id("9" * 12) == 999_999_999_999
    for text in (*BAD_IDS, "", "١٢", "+1"):  # Arabic-Indic digits are digits to isdigit too
        assert parse_attachment_id(text) is None, text


def test_attachment_route_answers_bad_ids_with_404(client, tokens, app_env):
    from assistant.tickets import attachments
    from assistant.tickets.service import file_ticket

    ticket = file_ticket(app_env, description="5号楼门口井盖丢了", sender_id="telegram:7", address="5号楼").ticket
    stored = attachments.store(app_env, JPEG, sender_id="telegram:7", channel="telegram")
    base = f"/api/v1/tickets/{ticket.id}/attachments"
    ok = client.get(f"{base}/{stored.id}", headers=auth(tokens["worker"]))
    assert ok.status_code == 200 and ok.content == JPEG
    assert ok.headers["x-content-type-options"] == "nosniff" and "sandbox" in ok.headers["content-security-policy"]
    assert ok.headers["cache-control"] == "private, no-store"
    assert ok.headers["content-disposition"] == f'inline; filename="{ticket.id}-{stored.id}.jpg"'
    for bad in BAD_IDS:
        response = client.get(f"{base}/{bad}", headers=auth(tokens["worker"]))
        assert response.status_code == 404, bad
        assert response.json()["error"]["code"] == "attachment_not_found", bad


@pytest.mark.parametrize("path", ["/api/v1/handoffs/{}/done", "/api/v1/kb/unanswered/{}/answered"])
def test_done_routes_bound_their_ids(client, tokens, path):
    for bad in ("²", "1" * 30, "-1", "0", str(2**31)):
        response = client.post(path.format(bad), headers=auth(tokens["worker"]))
        assert response.status_code == 422, (path, bad)
        assert response.json()["error"]["code"] == "invalid_request", (path, bad)
    missing = client.post(path.format(2**31 - 1), headers=auth(tokens["worker"]))
    assert missing.status_code == 404


def test_waiting_residents_are_masked_for_masked_roles(client, tokens, app_env):
    from assistant.kb.unanswered import record_unanswered
    from assistant.residents.service import remember_contact, request_handoff

    with app_env.transaction() as session:
        record_unanswered(session, "telegram:123456", "老年卡怎么办？电话13812345678", best_guess="老年优待证")
        remember_contact(session, "web:r-waiting", phone="13912345678")
        request_handoff(session, "web:r-waiting", "asked", last_message="我的电话13912345678")

    for role in ("viewer", "dispatcher", "worker"):
        [question] = client.get("/api/v1/kb/unanswered", headers=auth(tokens[role])).json()
        assert question["sender_id"] == "telegram:12***", role
        assert question["question"] == "老年卡怎么办？电话138****5678", role
        listed = {h["reason"]: h for h in client.get("/api/v1/handoffs", headers=auth(tokens[role])).json()}
        assert listed["asked"]["sender_id"] == "web:r-***" and listed["asked"]["phone"] == "139****5678"
        assert listed["asked"]["last_message"] == "我的电话139****5678"
        assert listed["unanswered_question"]["sender_id"] == "telegram:12***"
    [whole] = client.get("/api/v1/kb/unanswered", headers=auth(tokens["admin"])).json()
    assert whole["sender_id"] == "telegram:123456" and whole["question"] == "老年卡怎么办？电话13812345678"
    admin = {h["reason"]: h for h in client.get("/api/v1/handoffs", headers=auth(tokens["admin"])).json()}
    assert admin["asked"]["sender_id"] == "web:r-waiting" and admin["asked"]["last_message"] == "我的电话13912345678"
    # Answering it (a worker: masked) answers with the masked view too.
    answered = client.post(f"/api/v1/kb/unanswered/{whole['id']}/answered", headers=auth(tokens["worker"]))
    assert answered.status_code == 200 and answered.json()["sender_id"] == "telegram:12***"
