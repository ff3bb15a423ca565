"""Liveness and readiness.

``/readyz`` is 503 while the dialogue engine is missing (Rasa, the action server) or
the database does not answer. The body names what is down twice: ``missing`` (one
entry per part with the reason: ``rasa``, ``action_server``, ``database``) as before,
and ``down``, the short names of the parts (``rasa``, ``actions``, ``database``). While
Rasa or the action server is down the gateway still answers residents in degraded
mode (docs/degraded.md); ``inbox`` says how many messages wait for the replay.
What works but less well is *degraded*, not down: it is listed under ``degraded`` and
the status stays 200 — today the statutory-holiday calendar when this year or next
year is not covered (working-day deadlines then count Monday to Friday only), and
``asr_model`` when no speech recognition model is installed (voice input answers 503
``asr_model_missing``; text chat and speech output work).
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Annotated

import structlog
from fastapi import APIRouter, Depends, FastAPI
from fastapi.responses import JSONResponse

import anyio
from sqlalchemy import func, select, text

from assistant import clock
from assistant.api.deps import dialogue
from assistant.calendar import holidays
from assistant.dialogue import DialogueClient

log = structlog.get_logger(__name__)


@asynccontextmanager
async def _start_checks(_app: FastAPI):
    """Loud warnings at start about what makes the gateway's answers less trustworthy."""
    if clock.current().moved:
        log.warning("CLOCK_MOVED", now=clock.local_now().isoformat(),
                    reason="BUTLER_CLOCK_START is set: a test or demonstration setting, never production")
    holidays.check_coverage()
    yield


router = APIRouter(tags=["health"], lifespan=_start_checks)


def degraded() -> dict[str, str]:
    """What works, but less well than it should."""
    out = {}
    detail = holidays.readiness_detail()
    if detail:
        out["holiday_calendar"] = detail
    from assistant.channels.speech import model_dir, model_installed
    from assistant.settings import get_settings

    settings = get_settings()
    if not model_installed(settings):
        out["asr_model"] = (f"no speech recognition model at {model_dir(settings)}: voice input is off "
                            "(butler models fetch vosk-small-cn, or butler models install <zip>)")
    return out


@router.get("/healthz")
async def healthz() -> dict:
    return {"status": "ok"}


# The short name of each part in ``down``.
SHORT_NAMES = {"rasa": "rasa", "action_server": "actions", "database": "database"}


def _database_check() -> tuple[str | None, int | None]:
    """(what is wrong with the database or None, messages waiting for the replay)."""
    from assistant.db import get_database
    from assistant.inbox.models import InboxMessage

    try:
        db = get_database()
        with db.session() as session:
            session.execute(text("SELECT 1"))
            waiting = session.scalar(select(func.count()).select_from(InboxMessage).where(
                InboxMessage.state == "pending"))
        return None, int(waiting or 0)
    except Exception as exc:  # noqa: BLE001 - readiness reports it, never raises
        log.warning("readyz_database_unavailable", error=type(exc).__name__)
        return "not reachable", None


@router.get("/readyz")
async def readyz(client: Annotated[DialogueClient, Depends(dialogue)]):
    missing = await client.health()
    database, waiting = await anyio.to_thread.run_sync(_database_check)
    if database:
        missing["database"] = database
    notes = degraded()
    if missing:
        body = {"status": "unavailable", "missing": missing, "down": [SHORT_NAMES.get(k, k) for k in missing]}
        if waiting:
            body["inbox"] = {"pending": waiting}
        return JSONResponse({**body, "degraded": notes} if notes else body, status_code=503)
    if notes:
        return {"status": "degraded", "degraded": notes}
    return {"status": "ready"}
