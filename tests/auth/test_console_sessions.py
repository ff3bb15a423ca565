"""Console sessions live on the server (``assistant.auth.sessions``): signing out
revokes the session, so a copied cookie (or the same token used as a bearer on the
JSON API) is refused afterwards, while other sessions of the same staff member live on."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "correct-horse-battery"


@pytest.fixture
def app(app_env, tokens):
    from assistant.api.app import create_app
    from assistant.settings import get_settings
    from assistant.web.pages import install

    application = create_app(get_settings())
    install(application)
    return application


def signed_in(app, username: str = "dispatcher1") -> TestClient:
    client = TestClient(app, base_url="http://127.0.0.1")
    token = CSRF_RE.search(client.get("/console/login").text).group(1)
    response = client.post("/console/login", data={"username": username, "password": PASSWORD,
                                                   "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/console"
    return client


def test_a_cookie_copied_before_sign_out_is_refused_after_it(app, app_env):
    from sqlalchemy import select

    from assistant.auth.models import StaffSession

    browser = signed_in(app)
    stolen = browser.cookies.get("butler_console")
    thief = TestClient(app, base_url="http://127.0.0.1")
    thief.cookies.set("butler_console", stolen, path="/console")
    assert thief.get("/console", follow_redirects=False).status_code == 200  # the copy works while signed in
    bearer = {"Authorization": f"Bearer {stolen}"}
    assert thief.get("/api/v1/handoffs", headers=bearer).status_code == 200

    page = browser.get("/console")
    out = browser.post("/console/logout", data={"csrf_token": CSRF_RE.search(page.text).group(1)},
                       follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/console/login"
    assert 'butler_console=""' in out.headers["set-cookie"] or "Max-Age=0" in out.headers["set-cookie"]

    # The copy replayed after sign-out: the sign-in page, the JSON's 401, the API's 401.
    replay = thief.get("/console", follow_redirects=False)
    assert replay.status_code == 303 and replay.headers["location"] == "/console/login"
    assert thief.get("/console/login").status_code == 200
    thief.cookies.set("butler_console", stolen, path="/console")
    assert thief.get("/console/api/thermometer").status_code == 401
    assert thief.get("/api/v1/handoffs", headers=bearer).json()["error"]["code"] == "invalid_token"
    # A POST with the copied cookie and its (still correct) CSRF token changes nothing.
    from assistant.web.session import csrf_for
    thief.cookies.set("butler_console", stolen, path="/console")
    post = thief.post("/console/tickets/GD202603100001/transition", data={"csrf_token": csrf_for(stolen), "action": "派单"},
                      follow_redirects=False)
    assert post.status_code == 303 and post.headers["location"] == "/console/login"
    with app_env.session() as session:
        [row] = session.scalars(select(StaffSession)).all()
        assert row.revoked_at is not None


def test_signing_out_ends_only_that_session(app):
    first, second = signed_in(app), signed_in(app)
    page = first.get("/console")
    first.post("/console/logout", data={"csrf_token": CSRF_RE.search(page.text).group(1)})
    assert first.get("/console", follow_redirects=False).status_code == 303
    assert second.get("/console", follow_redirects=False).status_code == 200


def test_sign_out_needs_its_csrf_token(app):
    browser = signed_in(app)
    assert browser.post("/console/logout", data={}).status_code == 403
    assert browser.get("/console", follow_redirects=False).status_code == 200  # still signed in


def test_session_tokens_need_their_row_and_api_tokens_do_not(app_env, tokens):
    from assistant.auth.models import StaffUser
    from assistant.auth.service import AuthError, issue_token, user_from_token
    from assistant.auth.sessions import end_user_sessions, start_session
    from assistant.settings import get_settings

    settings = get_settings()
    with app_env.session() as session:
        user = session.query(StaffUser).filter_by(username="worker1").one()
        session.expunge(user)
    invented = issue_token(settings, user, session_id="no-such-session")
    live = start_session(app_env, settings, user)
    with app_env.session() as session:
        with pytest.raises(AuthError):
            user_from_token(session, settings, invented)
        assert user_from_token(session, settings, live).username == "worker1"
        assert user_from_token(session, settings, tokens["worker"]).username == "worker1"  # no sid: API token
    assert end_user_sessions(app_env, user.id) == 1
    with app_env.session() as session:
        with pytest.raises(AuthError):
            user_from_token(session, settings, live)
        assert user_from_token(session, settings, tokens["worker"]).username == "worker1"
