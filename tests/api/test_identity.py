"""Who speaks on POST /api/v1/chat: server-issued resident sessions (cookie or token),
trusted integrations with their own key, and no one else's sender id.

Rasa is down here (nothing listens on its port), so the dialogue never runs; an
emergency message is still filed by the gateway itself under the sender it spoke as,
which shows, with the real database, whose name a request was taken in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.residents import identity
from assistant.tickets.models import Ticket
from tests.api.conftest import BRIDGE_KEY, FIRE, bearer

OTHER_KEY = "other-key-0123456789abcdef"


@pytest.fixture
def chat_api_keys():
    return {"bridge": BRIDGE_KEY, "other": OTHER_KEY}


@pytest.fixture
def client(engine_down_client):
    return engine_down_client


def browser(client: TestClient, base_url: str = "http://testserver") -> TestClient:
    """Another browser (its own cookie jar) on the running app of ``client``."""
    return TestClient(client.app, base_url=base_url, raise_server_exceptions=False)


@pytest.fixture
def stranger(client):
    return browser(client)


def chat(client: TestClient, text: str = "你好", headers: dict | None = None, **body):
    return client.post("/api/v1/chat", json={"text": text, **body}, headers=headers or {})


def tickets_of(db) -> dict[str, list[str]]:
    """sender id -> ids of the tickets filed under it."""
    out: dict[str, list[str]] = {}
    with db.session() as session:
        for ticket in session.scalars(select(Ticket)):
            out.setdefault(ticket.sender_id, []).append(ticket.id)
    return out


def assert_error(resp, status: int, code: str) -> None:
    assert resp.status_code == status, resp.text
    assert resp.json()["error"]["code"] == code, resp.text


# ---- resident sessions ---------------------------------------------------------------

def test_a_first_request_gets_a_fresh_identity_as_cookie_and_token(client):
    resp = chat(client)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["sender_id"].startswith("r-") and len(body["sender_id"]) >= 20
    cookie = resp.headers["set-cookie"]
    assert cookie.startswith(f"{identity.SESSION_COOKIE}=")
    for attribute in ("HttpOnly", "SameSite=lax", "Path=/", "Max-Age="):
        assert attribute.lower() in cookie.lower(), cookie
    assert "secure" not in cookie.lower()  # plain http on loopback; https gets Secure
    assert identity.resident_from_token(client.app.state.settings, body["session_token"]) == body["sender_id"]


def test_behind_https_the_cookie_is_secure(client):
    assert "secure" in chat(browser(client, "https://testserver")).headers["set-cookie"].lower()


def test_the_cookie_keeps_the_identity_like_a_browser(client, app_env):
    first = chat(client).json()["sender_id"]
    again = chat(client, FIRE)
    assert again.status_code == 200 and again.json()["sender_id"] == first
    assert list(tickets_of(app_env)) == [f"web:{first}"]


@pytest.mark.parametrize("how", ["header", "bearer"])
def test_non_browser_clients_send_the_token_back(client, how):
    issued = chat(client).json()
    headers = ({identity.SESSION_HEADER: issued["session_token"]} if how == "header"
               else bearer(issued["session_token"]))
    resp = chat(browser(client), headers=headers)
    assert resp.status_code == 200 and resp.json()["sender_id"] == issued["sender_id"]


def test_a_body_sender_id_is_honoured_only_for_the_session_that_owns_it(client, stranger, app_env):
    victim = chat(client).json()["sender_id"]
    assert chat(client, sender_id=victim).status_code == 200
    # Another browser, and a client without any identity, cannot speak as the victim.
    mine = chat(stranger).json()["sender_id"]
    assert_error(chat(stranger, FIRE, sender_id=victim), 403, "sender_not_owned")
    anonymous = browser(client)
    assert_error(chat(anonymous, FIRE, sender_id=victim), 403, "sender_not_owned")
    assert_error(chat(anonymous, FIRE, sender_id="42"), 403, "sender_not_owned")
    assert tickets_of(app_env) == {}  # nothing ran in anyone's name
    assert chat(stranger, FIRE).json()["sender_id"] == mine
    assert list(tickets_of(app_env)) == [f"web:{mine}"]


def test_a_bad_cookie_gets_a_fresh_identity_but_a_bad_header_is_refused(client):
    client.cookies.set(identity.SESSION_COOKIE, "not-a-token", domain="testserver.local", path="/api/v1")
    resp = chat(client)
    assert resp.status_code == 200 and resp.json()["sender_id"].startswith("r-")
    assert chat(client).json()["sender_id"] == resp.json()["sender_id"]  # the cookie was replaced
    api_client = browser(client)
    assert_error(chat(api_client, headers={identity.SESSION_HEADER: "not-a-token"}), 401, "invalid_session")
    assert_error(chat(api_client, headers=bearer("not-a-token")), 401, "invalid_credentials")
    assert_error(chat(api_client, headers={"Authorization": "Basic dXNlcjpwYXNz"}), 401, "invalid_credentials")


def test_forged_expired_and_staff_tokens_are_not_sessions(client, tokens):
    settings = client.app.state.settings
    resident = identity.new_resident_id()
    now = datetime.now(UTC)
    claims = {"sub": resident, "aud": identity.AUDIENCE, "iat": now, "exp": now + timedelta(days=1)}
    forged = [
        jwt.encode(claims, "a-guessed-secret-of-enough-length-000", algorithm="HS256"),
        jwt.encode(claims, None, algorithm="none"),
        identity.issue_session_token(settings, resident, now=now - timedelta(days=settings.chat_session_days + 1)),
        jwt.encode({**claims, "sub": "../web:someone"}, identity._session_key(settings), algorithm="HS256"),
        tokens["admin"],  # a staff token is not a resident session
    ]
    for token in forged:
        assert_error(chat(client, headers={identity.SESSION_HEADER: token}), 401, "invalid_session")
    # ...and a resident session is not a staff token.
    session_token = chat(client).json()["session_token"]
    assert client.get("/api/v1/tickets", headers=bearer(session_token)).status_code == 401


def test_a_cross_site_form_cannot_post_as_the_browser(client):
    """Besides SameSite=Lax: a body a cross-site form or a no-preflight fetch can send
    (text/plain, form-encoded) is not a chat request."""
    chat(client)
    for content_type in ("text/plain", "application/x-www-form-urlencoded"):
        resp = client.post("/api/v1/chat", content=b'{"text": "fire"}', headers={"content-type": content_type})
        assert resp.status_code == 422, (content_type, resp.text)


# ---- trusted integrations --------------------------------------------------------------

def test_an_integration_speaks_for_its_own_namespaced_users(client, app_env):
    resp = chat(client, FIRE, headers=bearer(BRIDGE_KEY), sender_id="42")
    assert resp.status_code == 200, resp.text
    assert resp.json()["sender_id"] == "42" and "session_token" not in resp.json()
    assert "set-cookie" not in resp.headers
    assert chat(client, FIRE, headers=bearer(OTHER_KEY), sender_id="42").status_code == 200
    assert set(tickets_of(app_env)) == {"web:int-bridge:42", "web:int-other:42"}


def test_an_integration_cannot_reach_a_residents_sender(client, stranger, app_env):
    victim = chat(stranger).json()["sender_id"]
    resp = chat(client, FIRE, headers=bearer(BRIDGE_KEY), sender_id=victim)
    assert resp.status_code == 200
    assert list(tickets_of(app_env)) == [f"web:int-bridge:{victim}"]


def test_an_integration_must_name_its_user(client):
    assert_error(chat(client, headers=bearer(BRIDGE_KEY)), 422, "sender_id_required")


def test_a_wrong_key_is_refused(client):
    assert_error(chat(client, headers=bearer(BRIDGE_KEY + "x"), sender_id="42"), 401, "invalid_credentials")


@pytest.mark.parametrize("value, expected", [
    ("", {}),
    ("bridge:k" * 1 + "0123456789abcdef", {"bridge": "k0123456789abcdef"}),
    ("0123456789abcdef0", {"default": "0123456789abcdef0"}),
    (" a:0123456789abcdef , b-2:fedcba9876543210 ", {"a": "0123456789abcdef", "b-2": "fedcba9876543210"}),
])
def test_integration_keys_parse(value, expected):
    assert identity.parse_integration_keys(value) == expected


@pytest.mark.parametrize("value", ["short", "Bad Name:0123456789abcdef", "a:0123456789abcdef,a:fedcba9876543210",
                                   "a:0123456789abcdef,b:0123456789abcdef", "x" * 21 + ":0123456789abcdef"])
def test_bad_integration_keys_stop_the_settings_without_echoing_them(value):
    from pydantic import ValidationError

    from assistant.settings import Settings

    with pytest.raises(ValidationError) as info:
        Settings(chat_api_key=value)
    assert "0123456789abcdef" not in str(info.value)


def test_the_schema_declares_identity_and_errors(client):
    schema = client.get("/openapi.json").json()
    post = schema["paths"]["/api/v1/chat"]["post"]
    assert {"200", "401", "403", "409", "422"} <= set(post["responses"])
    for status in ("401", "403", "409", "422"):
        assert "application/json" in post["responses"][status]["content"]
    assert "Idempotency-Key" in [p["name"] for p in post["parameters"]]
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} >= {"http", "apiKey"}
    assert "sender_id" not in schema["components"]["schemas"]["ChatRequest"].get("required", [])
