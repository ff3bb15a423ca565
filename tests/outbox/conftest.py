"""Fixtures of the outbox tests: the Telegram bot against its Bot API stand-in
(tests/telegram/conftest.py), for the tests that follow a push to the chat."""

from __future__ import annotations

from tests.telegram.conftest import bot_env, standin  # noqa: F401 - fixtures used by name
