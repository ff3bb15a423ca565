"""Routes for the voice resource (issue #13): being built in this change; registered in
`assistant.api.app.ROUTERS` now so that the routers' owners do not both edit app.py."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["voice"])
