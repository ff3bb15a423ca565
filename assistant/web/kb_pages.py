"""The staff console's knowledge base page at ``/console/kb`` (issue #16)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
