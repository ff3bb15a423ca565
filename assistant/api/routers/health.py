"""Liveness and readiness."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from assistant.api.deps import dialogue
from assistant.dialogue import DialogueClient

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(client: Annotated[DialogueClient, Depends(dialogue)]):
    missing = await client.health()
    if missing:
        return JSONResponse({"status": "unavailable", "missing": missing}, status_code=503)
    return {"status": "ready"}
