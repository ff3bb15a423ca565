"""FastAPI dependencies shared by the routers: database sessions and the dialogue client.
Staff authentication lives in ``assistant.auth.deps`` (``require_role``)."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy.orm import Session

from assistant.db import Database, get_database
from assistant.dialogue import DialogueClient


def get_db() -> Database:
    return get_database()


def db_session() -> Iterator[Session]:
    """One committed-on-success session per request."""
    with get_database().session() as session:
        yield session


def dialogue(request: Request) -> DialogueClient:
    return request.app.state.dialogue
