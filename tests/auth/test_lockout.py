"""Staff sign-in throttling: a lock-out after repeated failures (per user name and per
address), an audit row for every attempt, and concurrent guesses counted."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.auth.models import StaffSignIn
from assistant.auth.service import AuthError, SignInLocked, create_user, sign_in
from assistant.settings import Settings


@pytest.fixture
def staff(db):
    with db.session() as session:
        create_user(session, "li", "right-password", "dispatcher")
        create_user(session, "wang", "other-password", "viewer")
    return db


def _outcomes(db, **where):
    with db.session() as session:
        query = select(StaffSignIn.outcome).order_by(StaffSignIn.id)
        for name, value in where.items():
            query = query.where(getattr(StaffSignIn, name) == value)
        return list(session.scalars(query))


def test_five_failures_lock_the_user_out_even_with_the_right_password(staff, clock, tmp_path):
    settings = Settings(data_dir=tmp_path)
    for _ in range(5):
        with pytest.raises(AuthError) as exc:
            sign_in(staff, settings, "li", "guess", "10.0.0.1")
        assert not isinstance(exc.value, SignInLocked)
    with pytest.raises(SignInLocked) as locked:
        sign_in(staff, settings, "li", "right-password", "10.0.0.2")  # another address: still locked
    assert timedelta(minutes=14) < locked.value.retry_after <= timedelta(minutes=15)
    # Another user is not locked by li's failures.
    assert sign_in(staff, settings, "wang", "other-password", "10.0.0.1").username == "wang"
    # The audit holds every attempt with its outcome and address.
    assert _outcomes(staff, username="li") == ["failed"] * 5 + ["locked"]
    # The lock lifts when the failures leave the 15-minute window.
    clock.shift(timedelta(minutes=15, seconds=1))
    assert sign_in(staff, settings, "li", "right-password", "10.0.0.1").username == "li"
    assert _outcomes(staff, username="li")[-1] == "ok"


def test_one_address_guessing_many_user_names_is_locked_out(staff, clock, tmp_path):
    settings = Settings(data_dir=tmp_path, login_max_failures=2)  # per address: 4 x 2 = 8
    for i in range(8):
        with pytest.raises(AuthError):
            sign_in(staff, settings, f"user{i}", "guess", "10.9.9.9")
    with pytest.raises(SignInLocked):
        sign_in(staff, settings, "wang", "other-password", "10.9.9.9")
    assert sign_in(staff, settings, "wang", "other-password", "10.1.1.1").username == "wang"


def test_concurrent_guesses_cannot_slip_past_the_limit(staff, clock, tmp_path):
    settings = Settings(data_dir=tmp_path)

    def attempt(_):
        try:
            sign_in(staff, settings, "li", "guess", "10.0.0.1")
        except SignInLocked:
            return "locked"
        except AuthError:
            return "failed"
        return "ok"

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(attempt, range(30)))
    assert results.count("failed") == 5 and results.count("locked") == 25
    with pytest.raises(SignInLocked):
        sign_in(staff, settings, "li", "right-password", "10.0.0.1")


@pytest.fixture
def admin_client(app_env, monkeypatch):
    monkeypatch.setenv("BUTLER_ADMIN_USER", "admin")
    monkeypatch.setenv("BUTLER_ADMIN_PASSWORD", "admin-password")
    from assistant.api.app import create_app
    from assistant.settings import get_settings

    get_settings.cache_clear()
    with TestClient(create_app(get_settings())) as test_client:
        yield test_client


def test_thirty_wrong_passwords_then_the_right_one_is_refused_over_http(admin_client, app_env):
    codes = [admin_client.post("/api/v1/auth/token", json={"username": "admin", "password": f"wrong{i}"}).status_code
             for i in range(30)]
    assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}
    resp = admin_client.post("/api/v1/auth/token", json={"username": "admin", "password": "admin-password"})
    assert resp.status_code == 429
    assert resp.json()["error"]["code"] == "login_locked" and int(resp.headers["retry-after"]) > 800
    assert _outcomes(app_env, username="admin") == ["failed"] * 5 + ["locked"] * 26
    with app_env.session() as session:
        assert {row.client_ip for row in session.scalars(select(StaffSignIn))} == {"testclient"}
