from __future__ import annotations

from datetime import datetime

import pytest

from assistant.booking.catalogue import DEFAULT_PATH, Catalogue, load_catalogue

# A Sunday morning in Asia/Shanghai (naive = local wall-clock, the storage convention).
NOW = datetime(2026, 11, 29, 10, 0)


@pytest.fixture
def catalogue() -> Catalogue:
    """The packaged catalogue, never a staff override lying around in var/."""
    return load_catalogue(DEFAULT_PATH)


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def app_env(db, tmp_path, monkeypatch):
    """Point the process-wide settings and database (used by require_role and the
    routers) at the test's migrated SQLite database and a fresh data dir."""
    from assistant.db import get_database
    from assistant.settings import get_settings

    monkeypatch.setenv("BUTLER_DATABASE_URL", db.url)
    monkeypatch.setenv("BUTLER_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    get_database.cache_clear()
    yield db
    get_database().dispose()
    get_settings.cache_clear()
    get_database.cache_clear()


@pytest.fixture
def client(app_env):
    from fastapi.testclient import TestClient

    from assistant.api.app import create_app
    from assistant.settings import get_settings

    with TestClient(create_app(get_settings())) as test_client:
        yield test_client


@pytest.fixture
def tokens(app_env) -> dict[str, str]:
    """One bearer token per staff role."""
    from assistant.auth.service import create_user, issue_token
    from assistant.settings import get_settings

    out = {}
    with app_env.session() as session:
        for role in ("admin", "dispatcher", "worker", "viewer"):
            user = create_user(session, f"{role}1", "correct-horse-battery", role)
            out[role] = issue_token(get_settings(), user)
    return out
