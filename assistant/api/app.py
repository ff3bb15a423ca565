"""The gateway application: ``create_app()`` wires settings, logging, the dialogue
client and one router per resource."""

from __future__ import annotations

import importlib
from contextlib import asynccontextmanager

import anyio
from fastapi import Depends, FastAPI

from assistant import __version__, safety
from assistant.api.errors import error_responses, install_error_handlers
from assistant.api.headers import SecurityHeaders
from assistant.api.limits import MULTIPART_ENVELOPE_BYTES, BodySizeLimit, RateLimits, chat_rate_limit
from assistant.auth.service import ensure_first_admin
from assistant.channels.speech import SpeechPipeline
from assistant.db import get_database
from assistant.dialogue import DialogueClient
from assistant.kb.upload import MAX_UPLOAD_BYTES as KB_UPLOAD_MAX_BYTES
from assistant.logging import configure_logging
from assistant.settings import Settings, get_settings

# Every router of the gateway, by module. Each module exposes ``router``.
ROUTERS = (
    "assistant.api.routers.health",
    "assistant.api.routers.chat",
    "assistant.api.routers.nlu",
    "assistant.api.routers.auth",
    "assistant.api.routers.handoffs",
    "assistant.api.routers.inbox",
    "assistant.api.routers.tickets",
    "assistant.api.routers.open311",
    "assistant.api.routers.bookings",
    "assistant.api.routers.kb",
    "assistant.api.routers.voice",
    "assistant.api.routers.residents",
    "assistant.api.routers.care",
    "assistant.channels.wechat",  # WeChat 公众号 and WeCom callbacks (404 until configured)
    # The residents' page at / and the staff console at /console (HTML, with their own
    # strict Content-Security-Policy; left out of the OpenAPI document).
    "assistant.web.pages",
    "assistant.web.kb_pages",
)
VOICE_PATH = "/api/v1/voice"
# Routers whose every route is limited per resident identity and per client address.
RESIDENT_ROUTERS = frozenset({"assistant.api.routers.chat", "assistant.api.routers.voice"})

# The error answers each router's routes can give, declared once here for the OpenAPI
# document (a route's own ``responses=`` adds to these and wins for a status it names).
# Every route can meet the body cap (413) and, with a body, an unparseable one (400);
# FastAPI's own 422 shape is replaced by ours wherever we declare 422.
_EVERY_ROUTE = (400, 413, 422)
_STAFF = (*_EVERY_ROUTE, 401, 403, 404)
_NOT_READY = {503: {"description": "not ready: ``missing`` names what is down (the dialogue engine)",
                    "content": {"application/json": {"schema": {
                        "type": "object", "required": ["status"],
                        "properties": {"status": {"type": "string"}}}}}}}
ROUTER_ERRORS: dict[str, dict[int | str, dict]] = {
    "assistant.api.routers.health": {**error_responses(413), **_NOT_READY},
    "assistant.api.routers.chat": error_responses(*_EVERY_ROUTE, 429, 503),
    "assistant.api.routers.nlu": error_responses(*_EVERY_ROUTE, 503),
    "assistant.api.routers.auth": error_responses(*_EVERY_ROUTE, 401, 429),
    "assistant.api.routers.handoffs": error_responses(*_STAFF),
    "assistant.api.routers.tickets": error_responses(*_STAFF, 409),
    # Open311 keeps its own error list shape, and answers bad input with 400.
    "assistant.api.routers.open311": error_responses(400, 401, 403, 404, 413, open311=True),
    "assistant.api.routers.bookings": error_responses(*_STAFF, 409, 503),
    "assistant.api.routers.kb": error_responses(*_STAFF, 503),
    "assistant.api.routers.voice": error_responses(*_EVERY_ROUTE, 429, 503),
    "assistant.api.routers.residents": error_responses(*_STAFF),
    "assistant.api.routers.care": error_responses(*_STAFF),
}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.dialogue = DialogueClient(settings)
        # The voice pipeline shares the dialogue client; its speech model loads on first use.
        app.state.speech = SpeechPipeline(settings, app.state.dialogue)
        with get_database().session() as session:
            ensure_first_admin(session, settings)
        # The safety net reads every message: compile it now, not on a resident's first one.
        await anyio.to_thread.run_sync(safety.warm_up)
        yield
        await app.state.dialogue.aclose()

    app = FastAPI(title="社区管家 Community Butler", version=__version__, lifespan=lifespan)
    app.state.settings = settings
    app.state.rate_limits = RateLimits()
    install_error_handlers(app)
    for module in ROUTERS:
        limits = [Depends(chat_rate_limit)] if module in RESIDENT_ROUTERS else []
        app.include_router(importlib.import_module(module).router, dependencies=limits,
                           responses=ROUTER_ERRORS.get(module, error_responses(*_EVERY_ROUTE)))
    # Outermost last: every response (errors and refusals included) gets the headers.
    # The voice upload carries a recording: its own cap (BUTLER_VOICE_MAX_BYTES plus the
    # multipart envelope); every other path keeps BUTLER_MAX_BODY_BYTES.
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes, per_path={
        VOICE_PATH: (settings.voice_max_bytes + MULTIPART_ENVELOPE_BYTES, "audio_too_large"),
        # The console's knowledge base upload takes a policy document (assistant/kb/upload.py).
        "/console/kb/upload": (KB_UPLOAD_MAX_BYTES + MULTIPART_ENVELOPE_BYTES, "document_too_large")})
    app.add_middleware(SecurityHeaders)
    return app
