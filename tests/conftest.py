"""Fixtures shared by the whole suite.

- ``db``: a fresh SQLite database in a temp folder, migrated by Alembic.
- ``pg_db``: a fresh PostgreSQL database on the machine's server (127.0.0.1:5432,
  the production profile), migrated the same way and dropped afterwards.
- ``butler`` (tests/e2e/conftest.py): the real Rasa server, action server and gateway.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from assistant.db import Database, upgrade

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
    name = f"butler_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    upgrade(url)
    database = Database(url)
    try:
        yield database
    finally:
        database.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def any_db(request) -> Database:
    """Runs a test once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue("db" if request.param == "sqlite" else "pg_db")
