"""The Telegram bot against a loopback Bot API stand-in (``standin.py``), configured
the way ``butler telegram run`` configures it: settings from the environment
(``get_settings``), ``build_application`` and ``running`` from
``assistant/channels/telegram.py``.

The dialogue is a real ``DialogueClient`` pointed at ports where nothing listens:
Rasa is not started because one Rasa server costs minutes of CPU on these shared
machines, and degraded mode is a real answer path (the safety net, a ticket for a
complaint, a hand-off for 转人工) that every channel must survive. The tests that
need Rasa's own answers are the e2e tests (tests/e2e).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from tests.telegram.standin import TOKEN, BotApiStandIn

USER = 5550001


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def standin() -> Iterator[BotApiStandIn]:
    server = BotApiStandIn().start()
    yield server
    server.stop()


@pytest.fixture
def bot_env(app_env, standin: BotApiStandIn, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """The environment ``butler telegram run`` would read, on the test's database."""
    from assistant.db import get_database
    from assistant.settings import get_settings

    monkeypatch.setenv("BUTLER_TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("BUTLER_TELEGRAM_API_BASE_URL", standin.base_url)
    monkeypatch.setenv("BUTLER_TELEGRAM_FILE_BASE_URL", standin.file_base_url)
    monkeypatch.setenv("BUTLER_RASA_URL", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setenv("BUTLER_ACTION_SERVER_URL", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setenv("BUTLER_VOSK_MODEL_DIR", str(tmp_path / "no-vosk-model"))
    get_settings.cache_clear()
    get_database.cache_clear()
    yield app_env
    get_settings.cache_clear()
    get_database.cache_clear()


@contextlib.asynccontextmanager
async def bot_running(**kwargs) -> AsyncIterator:  # noqa: ANN003
    """The bot as ``butler telegram run`` runs it (polling), with a short outbox round."""
    from assistant.channels.telegram import build_application, running
    from assistant.settings import get_settings

    application = build_application(get_settings(), outbox_interval=kwargs.pop("outbox_interval", 0.2))
    async with running(application, poll_timeout=1, **kwargs) as app:
        yield app


async def until(predicate: Callable[[], object], timeout: float = 30.0, what: str = "") -> object:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        await asyncio.sleep(0.05)


def texts(standin: BotApiStandIn, chat_id: int = USER) -> list[str]:
    return [s.text for s in standin.sent_to(chat_id, "sendMessage")]
