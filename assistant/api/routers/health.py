"""Liveness and readiness.

``/readyz`` is 503 while the dialogue engine is missing (Rasa, the action server).
What works but less well is *degraded*, not down: it is listed under ``degraded`` and
the status stays 200 — today the statutory-holiday calendar when this year or next
year is not covered (working-day deadlines then count Monday to Friday only).
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Annotated

import structlog
from fastapi import APIRouter, Depends, FastAPI
from fastapi.responses import JSONResponse

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
    return out


@router.get("/healthz")
async def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(client: Annotated[DialogueClient, Depends(dialogue)]):
    missing = await client.health()
    notes = degraded()
    if missing:
        body = {"status": "unavailable", "missing": missing}
        return JSONResponse({**body, "degraded": notes} if notes else body, status_code=503)
    if notes:
        return {"status": "degraded", "degraded": notes}
    return {"status": "ready"}
