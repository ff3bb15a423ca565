"""Abuse limits of the gateway.

- ``BodySizeLimit``: an ASGI middleware that caps every request body
  (``BUTLER_MAX_BODY_BYTES``, 64 KB): a declared ``Content-Length`` over the cap is
  refused before a byte is read; a chunked body is counted as it arrives and refused
  as soon as it passes the cap. Either way: 413 ``payload_too_large``, never a body
  read whole into memory. A path may have a cap of its own (``per_path``: the voice
  upload takes a recording up to ``BUTLER_VOICE_MAX_BYTES`` plus the multipart
  envelope, refused as ``audio_too_large``); every other path keeps the global cap.
- ``chat_rate_limit``: a dependency for the resident chat routes: moving-window limits
  per client address and per resident identity (the session the chat route will
  resolve, or a trusted integration's user), with ``limits`` (the engine slowapi runs
  on) in memory. Over the limit: 429 ``rate_limited`` with a Chinese message the web
  page shows as it is, and ``Retry-After``.
"""

from __future__ import annotations

import json
import math
import time

from fastapi import Request, WebSocketException
from starlette.requests import HTTPConnection
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.api.errors import ApiError, error_body

RATE_LIMITED_ZH = "您发消息太快了，请稍等{seconds}秒再试。如有紧急情况，请直接拨打119、120或110。"
TOO_LARGE_MESSAGE = "request body larger than {limit} bytes"


class BodyTooLarge(StarletteHTTPException):
    def __init__(self, limit: int):
        super().__init__(413, TOO_LARGE_MESSAGE.format(limit=limit))


# The room a multipart envelope (boundaries, part headers, small fields) takes
# beside the file it carries.
MULTIPART_ENVELOPE_BYTES = 64 * 1024


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int, per_path: dict[str, tuple[int, str]] | None = None):
        """``per_path``: exact path -> (cap in bytes, the error code of a refusal)."""
        self.app = app
        self.max_bytes = max_bytes
        self.per_path = dict(per_path or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, code = self.per_path.get(scope.get("path", "").rstrip("/") or "/", (self.max_bytes, "payload_too_large"))
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(scope, send, limit, code)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracking_send)
        except BodyTooLarge:  # raised where no exception handler saw it
            if started:
                raise
            await _refuse(scope, send, limit, code)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(scope: Scope, send: Send, limit: int, code: str = "payload_too_large") -> None:
    body = json.dumps(error_body(scope.get("path", ""), 413, code,
                                 TOO_LARGE_MESSAGE.format(limit=limit))).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class RateLimits:
    """Moving-window limits in this process's memory (one gateway process)."""

    def __init__(self) -> None:
        self.storage = MemoryStorage()
        self.limiter = MovingWindowRateLimiter(self.storage)

    def hit(self, limit: str, *keys: str) -> float | None:
        """Count one hit; None when allowed, else the seconds until the next one is."""
        item = parse(limit)
        if self.limiter.hit(item, *keys):
            return None
        reset_at = self.limiter.get_window_stats(item, *keys).reset_time
        return max(1.0, reset_at - time.time())

    def reset(self) -> None:
        self.storage.reset()


def client_address(request: HTTPConnection) -> str:
    return request.client.host if request.client else "unknown"


async def _identity(request: HTTPConnection) -> tuple[str | None, bool]:
    """The resident the request speaks for, as the chat route will resolve it
    (``assistant.residents.identity``): ``("session:<resident>", False)``,
    ``("int:<integration>:<sender_id>", True)`` for a trusted integration's user, or
    ``(None, False)`` for a first request (a fresh identity) or a credential the route
    will refuse: those are held by the per-address limit alone."""
    try:
        from assistant.residents import identity
    except ImportError:  # resident identity not installed: addresses only
        return None, False
    authorization = request.headers.get("authorization") or ""
    scheme, _, bearer = authorization.partition(" ")
    try:
        caller = identity.resolve(request.app.state.settings,
                                  bearer=bearer.strip() if scheme.lower() == "bearer" else None,
                                  header_token=request.headers.get(identity.SESSION_HEADER),
                                  cookie_token=request.cookies.get(identity.SESSION_COOKIE))
    except identity.IdentityError:
        return None, False
    if caller.fresh:
        return None, False
    if caller.kind == "integration":
        try:
            if not isinstance(request, Request):  # a WebSocket (/ws/voice): its query says who
                sender = request.query_params.get("sender_id")
            elif request.headers.get("content-type", "").startswith("multipart/form-data"):
                sender = (await request.form()).get("sender_id")  # the voice upload; parsed once, kept
                sender = sender if isinstance(sender, str) else None
            else:
                body = json.loads(await request.body() or b"{}")
                sender = body.get("sender_id") if isinstance(body, dict) else None
        except Exception:  # noqa: BLE001 - a body the route itself will refuse
            return None, True
        return (f"int:{caller.subject}:{str(sender)[:128]}" if sender else None), True
    return f"session:{caller.subject}", False


async def chat_rate_limit(request: HTTPConnection) -> None:
    """The limits of the resident routes (HTTP, and the voice WebSocket's handshake)."""
    settings = request.app.state.settings
    limits: RateLimits = request.app.state.rate_limits
    identity, trusted = await _identity(request)
    checks = []
    if not trusted:  # a trusted integration speaks for many residents from one address
        checks.append((settings.chat_ip_rate_limit, "chat-ip", client_address(request)))
    if identity is not None:
        checks.append((settings.chat_rate_limit, "chat-identity", identity))
    for limit, scope, key in checks:
        wait = limits.hit(limit, scope, key)
        if wait is not None:
            seconds = math.ceil(wait)
            if not isinstance(request, Request):
                raise WebSocketException(1008, "rate_limited")
            raise ApiError(429, "rate_limited", RATE_LIMITED_ZH.format(seconds=seconds),
                           headers={"Retry-After": str(seconds)})
