"""Who a resident request speaks for, shared by the resident routes (chat, voice).

The rules are ``assistant.residents.identity.resolve``'s: a trusted integration's key
or a resident session token as ``Authorization: Bearer``, the ``X-Butler-Session``
header, the ``butler_session`` cookie, else a fresh resident identity.
``chat_identity`` is the HTTP dependency; ``websocket_identity`` reads the same from a
WebSocket's handshake.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Response, WebSocket
from fastapi.security import APIKeyCookie, APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from assistant.api.errors import ApiError
from assistant.residents import identity
from assistant.residents.identity import ChatIdentity, IdentityError
from assistant.settings import Settings, get_settings

__all__ = ["ANONYMOUS_ALLOWED", "chat_identity", "websocket_identity", "set_session"]

_bearer = HTTPBearer(auto_error=False, scheme_name="ChatBearer",
                     description="a trusted integration's key (BUTLER_CHAT_API_KEY) or a resident session token")
_session_header = APIKeyHeader(name=identity.SESSION_HEADER, auto_error=False, scheme_name="ResidentSessionHeader",
                               description="the resident session token from an earlier answer")
_session_cookie = APIKeyCookie(name=identity.SESSION_COOKIE, auto_error=False, scheme_name="ResidentSessionCookie",
                               description="the resident session cookie (set by the server, HttpOnly)")
# Each scheme is optional: a request with none gets a fresh resident identity.
ANONYMOUS_ALLOWED = {"security": [{}]}


def chat_identity(request: Request,
                  bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
                  header_token: Annotated[str | None, Depends(_session_header)],
                  cookie_token: Annotated[str | None, Depends(_session_cookie)]) -> ChatIdentity:
    """The caller of this resident request (see ``assistant.residents.identity.resolve``)."""
    if bearer is None and request.headers.get("authorization"):
        raise ApiError(401, "invalid_credentials", "Authorization must be 'Bearer <key or session token>'")
    try:
        found = identity.resolve(get_settings(), bearer=bearer.credentials if bearer else None,
                                 header_token=header_token, cookie_token=cookie_token)
    except IdentityError as exc:
        raise ApiError(exc.status, exc.code, exc.message) from exc
    request.state.chat_identity = found
    return found


def websocket_identity(websocket: WebSocket) -> ChatIdentity:
    """The same rules from a WebSocket's handshake headers and cookies; raises
    IdentityError (the caller answers it in the socket)."""
    authorization = websocket.headers.get("authorization") or ""
    scheme, _, credential = authorization.partition(" ")
    if authorization and (scheme.lower() != "bearer" or not credential.strip()):
        raise IdentityError(401, "invalid_credentials", "Authorization must be 'Bearer <key or session token>'")
    return identity.resolve(get_settings(), bearer=credential.strip() or None,
                            header_token=websocket.headers.get(identity.SESSION_HEADER),
                            cookie_token=websocket.cookies.get(identity.SESSION_COOKIE))


def set_session(request: Request, response: Response, settings: Settings, resident_id: str) -> str:
    """Issue the resident's session token, also as an HttpOnly cookie."""
    token = identity.issue_session_token(settings, resident_id)
    set_session_cookie(response, settings, token, secure=request.url.scheme == "https")
    return token


def set_session_cookie(response: Response, settings: Settings, token: str, *, secure: bool) -> None:
    """The one way the resident's session cookie is written (HTTP answers and the voice
    WebSocket's handshake). Path ``/``: the chat API and ``/ws/voice`` both read it;
    Secure whenever the request came over TLS."""
    response.set_cookie(identity.SESSION_COOKIE, token, max_age=identity.session_max_age(settings),
                        path="/", httponly=True, samesite="lax", secure=secure)
