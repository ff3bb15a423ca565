"""``require_role``: the FastAPI dependency that guards every staff route."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from assistant.api.errors import ApiError
from assistant.auth.models import ROLES, StaffUser
from assistant.auth.service import AuthError, user_from_token
from assistant.db import get_database
from assistant.settings import get_settings

_bearer = HTTPBearer(auto_error=False)


def require_role(*roles: str) -> Callable[..., StaffUser]:
    """A dependency yielding the signed-in staff user; 401 without a valid token,
    403 when the user's role is not one of ``roles`` (no roles: any staff role)."""
    allowed = set(roles or ROLES)
    unknown = allowed - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {unknown}")

    def dependency(credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> StaffUser:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise ApiError(401, "unauthorized", "a bearer token is required")
        with get_database().session() as session:
            try:
                user = user_from_token(session, get_settings(), credentials.credentials)
            except AuthError as exc:
                raise ApiError(401, "invalid_token", str(exc)) from exc
        if user.role not in allowed:
            raise ApiError(403, "forbidden", f"role {user.role!r} may not do this")
        return user

    return dependency
