"""The staff console's session and its CSRF protection.

- The session cookie ``butler_console`` carries the staff member's JWT (the same token
  the JSON API takes as a bearer, ``assistant.auth.service.issue_token``) naming a
  server-side session (``assistant.auth.sessions``, the ``sid`` claim): checked on every
  request, revoked by signing out, so a copied cookie dies with its session. HttpOnly,
  SameSite=Strict, Secure when the request came over https, path ``/console``.
- CSRF: every POST carries a token in the form field ``csrf_token`` (or the header
  ``X-CSRF-Token``) that is checked on the server. Signed in, the token is an HMAC of
  the session token under the install's JWT secret: one per session, unknown to any
  other site, nothing stored. Before sign-in (the login form) it is a random value in
  a SameSite=Strict cookie that the form must repeat (double submit).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request, Response

from assistant.auth.models import StaffUser
from assistant.auth.service import AuthError, jwt_secret, user_from_token
from assistant.db import get_database
from assistant.settings import get_settings

SESSION_COOKIE = "butler_console"
LOGIN_CSRF_COOKIE = "butler_console_login"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
COOKIE_PATH = "/console"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session(request: Request, response: Response, token: str) -> None:
    response.set_cookie(SESSION_COOKIE, token, max_age=get_settings().jwt_ttl_minutes * 60, path=COOKIE_PATH,
                        httponly=True, samesite="strict", secure=_secure(request))


def clear_session(request: Request, response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict",
                           secure=_secure(request))


def session_token(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


def current_user(request: Request) -> StaffUser | None:
    """The signed-in staff member, or None (no cookie, an expired or forged token, a
    session that was ended by signing out, a user who was deactivated since)."""
    token = session_token(request)
    if not token:
        return None
    with get_database().session() as session:
        try:
            user = user_from_token(session, get_settings(), token)
        except AuthError:
            return None
        session.expunge(user)
        return user


def csrf_for(token: str) -> str:
    """The CSRF token of one session."""
    key = jwt_secret(get_settings()).encode()
    return hmac.new(key, b"console-csrf:" + token.encode(), hashlib.sha256).hexdigest()


def new_login_csrf() -> str:
    return secrets.token_urlsafe(24)


def set_login_csrf(request: Request, response: Response, value: str) -> None:
    response.set_cookie(LOGIN_CSRF_COOKIE, value, max_age=3600, path=COOKIE_PATH, httponly=True,
                        samesite="strict", secure=_secure(request))


def login_csrf_ok(request: Request, submitted: str | None) -> bool:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE)
    return bool(expected and submitted) and hmac.compare_digest(expected, submitted)


def session_csrf_ok(request: Request, submitted: str | None) -> bool:
    token = session_token(request)
    submitted = submitted or request.headers.get(CSRF_HEADER)
    return bool(token and submitted) and hmac.compare_digest(csrf_for(token), submitted)
