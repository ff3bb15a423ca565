"""Console sessions kept on the server (``staff_sessions``), so that signing out is
real: the signed session token names its row (the ``sid`` claim), every request
checks that row (``assistant.auth.service.user_from_token``), and signing out revokes
it. A copy of the cookie, or of the token used as a bearer on the JSON API, stops
working the moment its session ends.

Tokens without a ``sid`` (the JSON API's ``POST /api/v1/auth/token``) are unchanged:
they live until they expire.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import jwt
from sqlalchemy import delete, update

from assistant import clock
from assistant.auth.models import StaffSession, StaffUser
from assistant.auth.service import ALGORITHM, issue_token, jwt_secret
from assistant.settings import Settings

# Expired rows are kept this long after their expiry (for the record), then pruned
# when someone signs in.
KEEP_EXPIRED = timedelta(days=1)


def start_session(db, settings: Settings, user: StaffUser, *, now: datetime | None = None) -> str:
    """A new server-side session for ``user``; returns its signed token (the cookie)."""
    now = now or clock.now()
    sid = secrets.token_urlsafe(32)
    with db.transaction() as session:
        session.execute(delete(StaffSession).where(StaffSession.expires_at < now - KEEP_EXPIRED))
        session.add(StaffSession(id=sid, user_id=user.id, created_at=now,
                                 expires_at=now + timedelta(minutes=settings.jwt_ttl_minutes)))
    return issue_token(settings, user, session_id=sid)


def session_id(settings: Settings, token: str) -> str | None:
    """The ``sid`` of a token signed by this install (expired or not), else None."""
    try:
        claims = jwt.decode(token, jwt_secret(settings), algorithms=[ALGORITHM], options={"verify_exp": False})
    except jwt.PyJWTError:
        return None
    sid = claims.get("sid")
    return sid if isinstance(sid, str) else None


def end_session(db, settings: Settings, token: str, *, now: datetime | None = None) -> bool:
    """Revoke the session the token names. True when a live session was ended."""
    sid = session_id(settings, token)
    if sid is None:
        return False
    with db.transaction() as session:
        ended = session.execute(update(StaffSession).where(StaffSession.id == sid, StaffSession.revoked_at.is_(None))
                                .values(revoked_at=now or clock.now()))
    return bool(ended.rowcount)


def end_user_sessions(db, user_id: int, *, now: datetime | None = None) -> int:
    """Revoke every live session of one staff member (e.g. when deactivated); how many."""
    with db.transaction() as session:
        ended = session.execute(update(StaffSession).where(StaffSession.user_id == user_id,
                                                           StaffSession.revoked_at.is_(None))
                                .values(revoked_at=now or clock.now()))
    return ended.rowcount or 0
