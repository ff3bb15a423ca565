"""Rules for staff accounts and tokens.

Who may do what is decided by role: ``admin`` (everything, including unmasked
exports and users), ``dispatcher`` (route and correct tickets, bookings),
``worker`` (work assigned tickets), ``viewer`` (read only).
"""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant import clock
from assistant.auth.models import ROLES, StaffSession, StaffSignIn, StaffUser
from assistant.settings import Settings

_hasher = PasswordHasher()
ALGORITHM = "HS256"
# Roles allowed to see residents' personal data unmasked (exports, details).
UNMASKED_ROLES = frozenset({"admin"})


class AuthError(Exception):
    """Bad credentials, a bad token, or a user who may not do this."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def create_user(session: Session, username: str, password: str, role: str) -> StaffUser:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if not username.strip() or len(password) < 8:
        raise ValueError("username must not be blank and the password needs at least 8 characters")
    if session.scalar(select(StaffUser).where(StaffUser.username == username)) is not None:
        raise ValueError(f"user {username!r} exists already")
    user = StaffUser(username=username.strip(), password_hash=hash_password(password), role=role, active=True)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> StaffUser:
    user = session.scalar(select(StaffUser).where(StaffUser.username == username))
    if user is None or not user.active:
        # Hash anyway so response time does not reveal which usernames exist.
        _hasher.hash(password)
        raise AuthError("invalid username or password")
    try:
        _hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, InvalidHashError) as exc:
        raise AuthError("invalid username or password") from exc
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def install_secret(settings: Settings, name: str) -> str:
    """A random secret generated at first use and kept (mode 600) as
    ``<data_dir>/<name>``, so it is per install and survives restarts."""
    path = Path(settings.data_dir) / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
        try:
            os.link(tmp, path)  # first writer wins; a concurrent one reads the winner's
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()


class SignInLocked(AuthError):
    """Too many recent failed sign-ins for this user name or from this address."""

    def __init__(self, retry_after: timedelta):
        minutes = max(1, -(-int(retry_after.total_seconds()) // 60))
        super().__init__(f"too many failed sign-ins: try again in {minutes} minutes")
        self.retry_after = retry_after


# Failures from one address may come from several staff behind one office router:
# it takes this many times the per-user limit to lock an address out.
IP_FAILURES_FACTOR = 4


def sign_in(db, settings: Settings, username: str, password: str, client_ip: str) -> StaffUser:
    """``authenticate`` with a lock-out and an audit row per attempt
    (``staff_sign_ins``): after ``login_max_failures`` failures for one user name (or
    four times that from one address) within ``login_failure_window_minutes``, every
    attempt is refused unchecked (``SignInLocked``), the right password included, until
    the oldest of those failures leaves the window.

    The attempt is recorded as ``pending`` in the same serialised transaction that
    counts the failures (pending ones count), so concurrent guesses cannot slip past the
    limit while their passwords are being checked."""
    now = clock.now()
    window = timedelta(minutes=settings.login_failure_window_minutes)
    limit = settings.login_max_failures
    username, client_ip = username[:64], client_ip[:64]
    counted = ("failed", "pending")
    with db.transaction() as session:
        locked_until = None
        for column, value, most in ((StaffSignIn.username, username, limit),
                                    (StaffSignIn.client_ip, client_ip, limit * IP_FAILURES_FACTOR)):
            recent = select(StaffSignIn.at).where(column == value, StaffSignIn.outcome.in_(counted),
                                                  StaffSignIn.at >= now - window)
            count = session.scalar(select(func.count()).select_from(recent.subquery()))
            if count >= most:
                # The lock lifts when enough of these failures have left the window.
                times = sorted(_aware(t) for t in session.scalars(recent))
                until = times[count - most] + window
                locked_until = max(locked_until or until, until)
        attempt = StaffSignIn(at=now, username=username, client_ip=client_ip,
                              outcome="locked" if locked_until else "pending")
        session.add(attempt)
    if locked_until is not None:
        raise SignInLocked(locked_until - now)
    outcome = "failed"
    try:
        with db.session() as session:
            user = authenticate(session, username, password)
            outcome = "ok"
    finally:
        with db.transaction() as session:  # a writer from the start: no lock upgrade to deadlock on
            session.get(StaffSignIn, attempt.id).outcome = outcome
    return user


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def jwt_secret(settings: Settings) -> str:
    """The configured secret, or one generated per install (``install_secret``)."""
    return settings.jwt_secret or install_secret(settings, "jwt_secret")


def rasa_token(settings: Settings) -> str:
    """The token of Rasa's HTTP API (``rasa run --auth-token``): configured, or one
    generated per install. The supervisor gives it to Rasa; the gateway sends it."""
    return settings.rasa_token or install_secret(settings, "rasa_token")


def issue_token(settings: Settings, user: StaffUser, *, session_id: str | None = None) -> str:
    """A signed token for ``user``; with ``session_id`` (the ``sid`` claim) it is good
    only while that server-side session is live (``assistant.auth.sessions``)."""
    now = datetime.now(UTC)
    claims = {"sub": user.username, "role": user.role, "iat": now,
              "exp": now + timedelta(minutes=settings.jwt_ttl_minutes)}
    if session_id is not None:
        claims["sid"] = session_id
    return jwt.encode(claims, jwt_secret(settings), algorithm=ALGORITHM)


def user_from_token(session: Session, settings: Settings, token: str) -> StaffUser:
    try:
        claims = jwt.decode(token, jwt_secret(settings), algorithms=[ALGORITHM])
    except jwt.PyJWTError as exc:
        raise AuthError("invalid or expired token") from exc
    user = session.scalar(select(StaffUser).where(StaffUser.username == claims.get("sub")))
    if user is None or not user.active:
        raise AuthError("invalid or expired token")
    if "sid" in claims:  # a console session: good only while it is live on the server
        live = session.get(StaffSession, claims["sid"]) if isinstance(claims["sid"], str) else None
        if live is None or live.revoked_at is not None or live.user_id != user.id:
            raise AuthError("the session has ended")
    return user


def ensure_first_admin(session: Session, settings: Settings) -> StaffUser | None:
    """At first start, create the admin named by BUTLER_ADMIN_USER/PASSWORD when no
    admin exists yet. Later changes to those variables do not touch existing users."""
    if not (settings.admin_user and settings.admin_password):
        return None
    if session.scalar(select(StaffUser).where(StaffUser.role == "admin")) is not None:
        return None
    return create_user(session, settings.admin_user, settings.admin_password, "admin")
