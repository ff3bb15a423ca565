import pytest
from fastapi.testclient import TestClient

from assistant.auth.service import AuthError, authenticate, create_user, ensure_first_admin
from assistant.settings import Settings


def test_passwords_are_hashed_with_argon2_and_verified(db):
    with db.session() as session:
        user = create_user(session, "li", "long-password", "dispatcher")
        assert user.password_hash.startswith("$argon2")
        assert "long-password" not in user.password_hash
    with db.session() as session:
        assert authenticate(session, "li", "long-password").role == "dispatcher"
        with pytest.raises(AuthError):
            authenticate(session, "li", "wrong-password")
        with pytest.raises(AuthError):
            authenticate(session, "nobody", "long-password")


def test_bad_roles_short_passwords_and_duplicates_are_refused(db):
    with db.session() as session:
        with pytest.raises(ValueError):
            create_user(session, "a", "long-password", "root")
        with pytest.raises(ValueError):
            create_user(session, "a", "short", "viewer")
        create_user(session, "a", "long-password", "viewer")
        with pytest.raises(ValueError):
            create_user(session, "a", "long-password", "viewer")


def test_first_admin_is_created_once(db, tmp_path):
    settings = Settings(data_dir=tmp_path, admin_user="boss", admin_password="boss-password")
    with db.session() as session:
        assert ensure_first_admin(session, settings).username == "boss"
    with db.session() as session:
        assert ensure_first_admin(session, settings) is None


@pytest.fixture
def admin_client(app_env, monkeypatch):
    monkeypatch.setenv("BUTLER_ADMIN_USER", "admin")
    monkeypatch.setenv("BUTLER_ADMIN_PASSWORD", "admin-password")
    from assistant.api.app import create_app
    from assistant.settings import get_settings

    get_settings.cache_clear()
    with TestClient(create_app(get_settings())) as test_client:
        yield test_client


def test_token_endpoint_and_role_guard(admin_client):
    client = admin_client
    bad = client.post("/api/v1/auth/token", json={"username": "admin", "password": "nope"})
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "invalid_credentials"
    missing = client.get("/api/v1/handoffs")
    assert missing.status_code == 401 and missing.json()["error"]["code"] == "unauthorized"
    forged = client.get("/api/v1/handoffs", headers={"Authorization": "Bearer not-a-token"})
    assert forged.status_code == 401 and forged.json()["error"]["code"] == "invalid_token"

    resp = client.post("/api/v1/auth/token", json={"username": "admin", "password": "admin-password"})
    assert resp.status_code == 200 and resp.json()["token_type"] == "bearer"
    ok = client.get("/api/v1/handoffs", headers={"Authorization": f"Bearer {resp.json()['access_token']}"})
    assert ok.status_code == 200 and ok.json() == []


def test_viewer_may_not_close_handoffs(client, tokens):
    resp = client.post("/api/v1/handoffs/1/done", headers={"Authorization": f"Bearer {tokens['viewer']}"})
    assert resp.status_code == 403 and resp.json()["error"]["code"] == "forbidden"
