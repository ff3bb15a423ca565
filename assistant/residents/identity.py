"""Who is talking on the web chat: the identity behind ``POST /api/v1/chat``.

A resident's conversation, remembered address and phone, complaints and bookings are
all keyed by the channel-namespaced sender id (``web:...``), so the gateway must never
take a sender id on a client's word. Three kinds of caller:

**A resident session** (browsers, apps). The server issues the identity: a random
resident id (``r-...``) signed into a session token (a JWT with a key derived from the
install's secret, audience ``butler:resident``, so it is never a staff token and a staff
token is never one). Browsers keep it in an HttpOnly, SameSite=Lax cookie
(``butler_session``); other clients send it back as ``X-Butler-Session: <token>`` or
``Authorization: Bearer <token>``. The first request without one gets a fresh identity.
Each answer renews the token (a sliding ``chat_session_days``). The resident's sender
is ``web:<resident id>``. A body ``sender_id`` is optional; when sent it must equal the
session's resident id, otherwise the request is refused with 403 ``sender_not_owned``
(a client that claims someone else's id learns it at once, instead of silently talking
as someone else). A bad cookie (expired, or the install's secret changed) gives a fresh
identity, because a page cannot clear an HttpOnly cookie; a bad token sent in a header
is a 401 ``invalid_session``, because the client chose to send it.

**A trusted integration** (a messaging bridge, the end-to-end tests). It authenticates
with its own key from ``BUTLER_CHAT_API_KEY`` (``name:key`` entries separated by
commas; a bare key is named ``default``) sent as ``Authorization: Bearer <key>``, and
speaks for its own users: it must send ``sender_id``, which becomes
``web:int-<name>:<sender_id>``. Two integrations, or an integration and a resident
session, never share a sender.

**In-process channels** (Telegram, later WeChat) run inside the butler and call
``DialogueClient`` directly with their own namespace (``telegram:<chat id>``), as
trusted code: the platform authenticated the user; no key or cookie is involved.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

import jwt

if TYPE_CHECKING:
    from assistant.settings import Settings

SESSION_COOKIE = "butler_session"
SESSION_HEADER = "X-Butler-Session"
AUDIENCE = "butler:resident"
ALGORITHM = "HS256"
RESIDENT_PREFIX = "r-"
INTEGRATION_PREFIX = "int-"
DEFAULT_INTEGRATION = "default"
INTEGRATION_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,19}$")
MIN_KEY_LENGTH = 16
_RESIDENT_ID_RE = re.compile(rf"^{RESIDENT_PREFIX}[A-Za-z0-9_-]{{16,64}}$")


class IdentityError(Exception):
    """The request may not speak as it asks to: a status and a stable code for the API."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ChatIdentity:
    """The caller of one chat request.

    ``kind`` is ``session`` (``subject`` = the resident id) or ``integration``
    (``subject`` = the integration's name). ``fresh``: the session was issued by this
    request."""

    kind: Literal["session", "integration"]
    subject: str
    fresh: bool = False

    def local_sender(self, body_sender_id: str | None) -> str:
        """The sender id inside the ``web`` channel for this request (the caller of
        ``namespaced_sender("web", ...)``): the session's resident id, or the
        integration's namespaced sender. Raises IdentityError when the body claims a
        sender this identity does not own."""
        if self.kind == "integration":
            if not body_sender_id:
                raise IdentityError(422, "sender_id_required",
                                    "an integration must say which of its users speaks: sender_id is required")
            return f"{INTEGRATION_PREFIX}{self.subject}:{body_sender_id}"
        if body_sender_id is not None and body_sender_id != self.subject:
            raise IdentityError(403, "sender_not_owned",
                                "sender_id belongs to another identity: omit it (the session says who you are) "
                                "or send the session token that owns it")
        return self.subject


# ---- trusted integrations ------------------------------------------------------------

def parse_integration_keys(value: str) -> dict[str, str]:
    """``BUTLER_CHAT_API_KEY`` as {name: key}. Entries are ``name:key`` separated by
    commas (or a single bare key, named ``default``). Raises ValueError on a bad name,
    a short key, or a name or key given twice."""
    keys: dict[str, str] = {}
    for raw in (value or "").split(","):
        entry = raw.strip()
        if not entry:
            continue
        name, sep, key = entry.partition(":")
        if not sep:
            name, key = DEFAULT_INTEGRATION, entry
        name, key = name.strip(), key.strip()
        if not INTEGRATION_NAME_RE.match(name):
            raise ValueError(f"chat integration name {name!r}: 1-20 of a-z 0-9 _ - (lower case)")
        if len(key) < MIN_KEY_LENGTH:
            raise ValueError(f"chat integration {name!r}: the key needs at least {MIN_KEY_LENGTH} characters")
        if name in keys or key in keys.values():
            raise ValueError(f"chat integration {name!r}: a name or key is given twice")
        keys[name] = key
    return keys


@lru_cache(maxsize=8)
def _integrations(value: str) -> tuple[tuple[str, bytes], ...]:
    return tuple((name, hashlib.sha256(key.encode()).digest())
                 for name, key in parse_integration_keys(value).items())


def integration_for_key(settings: Settings, presented: str) -> str | None:
    """The name of the integration whose key this is, or None. Every key is compared in
    constant time, so timing reveals neither a key nor which one matched."""
    found = None
    candidate = hashlib.sha256(presented.encode()).digest()  # equal lengths: no length leak
    for name, key in _integrations(settings.chat_api_key):
        if hmac.compare_digest(candidate, key):
            found = name
    return found


# ---- resident sessions ---------------------------------------------------------------

def new_resident_id() -> str:
    return RESIDENT_PREFIX + secrets.token_urlsafe(16)


def _session_key(settings: Settings) -> bytes:
    """Derived from the install's secret (the staff tokens' one), for this use only."""
    from assistant.auth.service import jwt_secret

    return hmac.new(jwt_secret(settings).encode(), b"butler resident session v1", hashlib.sha256).digest()


def session_max_age(settings: Settings) -> int:
    return int(timedelta(days=settings.chat_session_days).total_seconds())


def issue_session_token(settings: Settings, resident_id: str, now: datetime | None = None) -> str:
    # Token times are about real elapsed time: the system clock, like staff tokens.
    now = now or datetime.now(UTC)
    claims = {"sub": resident_id, "aud": AUDIENCE, "iat": now,
              "exp": now + timedelta(seconds=session_max_age(settings))}
    return jwt.encode(claims, _session_key(settings), algorithm=ALGORITHM)


def resident_from_token(settings: Settings, token: str) -> str:
    """The resident id signed into a session token; IdentityError 401 otherwise."""
    try:
        claims = jwt.decode(token, _session_key(settings), algorithms=[ALGORITHM], audience=AUDIENCE,
                            options={"require": ["sub", "exp", "aud"]})
    except jwt.PyJWTError as exc:
        raise IdentityError(401, "invalid_session", "the session token is invalid or expired") from exc
    subject = claims.get("sub")
    if not isinstance(subject, str) or not _RESIDENT_ID_RE.match(subject):
        raise IdentityError(401, "invalid_session", "the session token is invalid or expired")
    return subject


def resolve(settings: Settings, *, bearer: str | None = None, header_token: str | None = None,
            cookie_token: str | None = None) -> ChatIdentity:
    """Who is calling, from what the request carries, strongest first:

    1. ``Authorization: Bearer``: an integration key, else a session token (401
       ``invalid_credentials`` when it is neither);
    2. ``X-Butler-Session``: a session token (401 ``invalid_session`` when bad);
    3. the ``butler_session`` cookie: a session token (a bad one is replaced);
    4. nothing: a fresh resident identity."""
    if bearer:
        name = integration_for_key(settings, bearer)
        if name is not None:
            return ChatIdentity("integration", name)
        try:
            return ChatIdentity("session", resident_from_token(settings, bearer))
        except IdentityError as exc:
            raise IdentityError(401, "invalid_credentials",
                                "the bearer credential is neither an integration key nor a valid session token") from exc
    if header_token:
        return ChatIdentity("session", resident_from_token(settings, header_token))
    if cookie_token:
        try:
            return ChatIdentity("session", resident_from_token(settings, cookie_token))
        except IdentityError:
            pass
    return ChatIdentity("session", new_resident_id(), fresh=True)
