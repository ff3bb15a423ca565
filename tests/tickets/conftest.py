"""Fixtures for the ticket tests: an app wired to the test database, staff tokens."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.db import Database, get_database
from assistant.settings import get_settings

OPEN311_KEY = "open311-test-key"


@pytest.fixture
def app_env(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """Point the process-wide settings and database (used by require_role and the
    routers) at the test's migrated SQLite database."""
    monkeypatch.setenv("BUTLER_DATABASE_URL", db.url)
    monkeypatch.setenv("BUTLER_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("BUTLER_OPEN311_API_KEY", OPEN311_KEY)
    monkeypatch.setenv("BUTLER_ALERT_WEBHOOK_URL", "")
    get_settings.cache_clear()
    get_database.cache_clear()
    yield db
    get_database().dispose()
    get_settings.cache_clear()
    get_database.cache_clear()


@pytest.fixture
def client(app_env: Database) -> Iterator[TestClient]:
    from assistant.api.app import create_app

    with TestClient(create_app(get_settings())) as test_client:
        yield test_client


@pytest.fixture
def tokens(app_env: Database) -> dict[str, str]:
    """One bearer token per staff role."""
    from assistant.auth.service import create_user, issue_token

    out = {}
    with app_env.session() as session:
        for role in ("admin", "dispatcher", "worker", "viewer"):
            user = create_user(session, f"{role}1", "correct-horse-battery", role)
            out[role] = issue_token(get_settings(), user)
    return out


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
