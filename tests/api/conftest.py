"""What the gateway tests with the dialogue engine down share (tests/api/test_degraded.py,
test_idempotency.py, test_identity.py): the app with Rasa and the action server
"down" (nothing listens on their port), trusted integrations' keys, and posting a
chat message as one of them.

Fixtures: ``engine_down_app`` (the app), ``engine_down_client`` (a TestClient on it,
lifespan run; not named ``client``, which stays tests/conftest.py's gateway for the
other modules here). A module that needs other integration keys overrides
``chat_api_keys``.
Helpers (import them: ``from tests.api.conftest import ...``): ``bearer``,
``integration_chat``, ``FIRE``, ``BRIDGE_KEY``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

# Nothing listens on this port: Rasa and the action server are "down".
ENGINE_DOWN_URL = "http://127.0.0.1:9"
BRIDGE_KEY = "bridge-key-0123456789abcdef"
FIRE = "楼道里着火了"  # the gateway files it itself (the safety net), with the engine down


@pytest.fixture
def chat_api_keys() -> dict[str, str]:
    """Integration name -> key (BUTLER_CHAT_API_KEY)."""
    return {"bridge": BRIDGE_KEY}


@pytest.fixture
def engine_down_app(app_env, monkeypatch: pytest.MonkeyPatch, chat_api_keys: dict[str, str]) -> FastAPI:
    monkeypatch.setenv("BUTLER_RASA_URL", ENGINE_DOWN_URL)
    monkeypatch.setenv("BUTLER_ACTION_SERVER_URL", ENGINE_DOWN_URL)
    monkeypatch.setenv("BUTLER_CHAT_API_KEY", ",".join(f"{name}:{key}" for name, key in chat_api_keys.items()))
    from assistant.api.app import create_app
    from assistant.settings import get_settings

    get_settings.cache_clear()
    return create_app(get_settings())


@pytest.fixture
def engine_down_client(engine_down_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(engine_down_app, raise_server_exceptions=False) as test_client:
        yield test_client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def integration_chat(client: TestClient, text: str = FIRE, *, sender: str = "42", key: str = BRIDGE_KEY,
                     idempotency_key: str | bytes | None = None, **body):
    """POST /api/v1/chat as a trusted integration speaking for its user ``sender``."""
    headers: dict[str, str | bytes] = dict(bearer(key))
    if idempotency_key is not None:
        headers["Idempotency-Key"] = idempotency_key
    return client.post("/api/v1/chat", json={"sender_id": sender, "text": text, **body}, headers=headers)
