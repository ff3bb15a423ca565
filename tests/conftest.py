"""Fixtures shared by the whole suite.

- ``db``: a fresh SQLite database in a temp folder, migrated by Alembic.
- ``app_env`` / ``client`` / ``tokens``: the gateway in-process on ``db``, with one
  bearer token per staff role.
- ``pg_db``: a fresh PostgreSQL database on the machine's server (127.0.0.1:5432,
  the production profile), migrated the same way and dropped afterwards.
- ``butler`` (tests/e2e/conftest.py): the real Rasa server, action server and gateway.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.db import Database, temporary_postgres_database, upgrade

OPEN311_KEY = "open311-test-key"
PG_ADMIN_URL = os.environ.get("BUTLER_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path / 'butler.db'}"
    upgrade(url)
    database = Database(url)
    yield database
    database.dispose()


@pytest.fixture
def pg_db() -> Iterator[Database]:
    """A throw-away PostgreSQL database. Fails (not skips) when the server is down:
    the production profile must be tested wherever the suite runs."""
    with temporary_postgres_database(PG_ADMIN_URL, prefix="butler_test") as database:
        yield database


@pytest.fixture
def app_env(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """Point the process-wide settings and database (used by require_role and the
    routers) at the test's migrated SQLite database and a fresh data dir."""
    from assistant.db import get_database
    from assistant.settings import get_settings

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
    """The gateway in-process (FastAPI TestClient) on the test database."""
    from assistant.api.app import create_app
    from assistant.settings import get_settings

    with TestClient(create_app(get_settings())) as test_client:
        yield test_client


@pytest.fixture
def tokens(app_env: Database) -> dict[str, str]:
    """One bearer token per staff role."""
    from assistant.auth.service import create_user, issue_token
    from assistant.settings import get_settings

    out = {}
    with app_env.session() as session:
        for role in ("admin", "dispatcher", "worker", "viewer"):
            user = create_user(session, f"{role}1", "correct-horse-battery", role)
            out[role] = issue_token(get_settings(), user)
    return out


@pytest.fixture(params=["sqlite", "postgres"])
def any_db(request) -> Database:
    """Runs a test once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue("db" if request.param == "sqlite" else "pg_db")
