"""The real butler for end-to-end tests: Rasa server, action server and gateway
started by the project's own supervisor on free loopback ports, with a fresh data
directory. Nothing is mocked.

The Rasa model is ``models/butler.tar.gz`` (``make test`` trains it first) or the
file named by ``BUTLER_TEST_RASA_MODEL``.

The processes run on the suite's clock: with ``BUTLER_TEST_NOW`` set, they are started
with ``BUTLER_CLOCK_START``/``BUTLER_CLOCK_ANCHOR`` and share one ticking clock with
``butler.clock``, which the tests read for "today" (never the machine's date).
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from assistant.clock import Clock
from assistant.settings import PROJECT_ROOT, Settings
from assistant.supervisor import Supervisor
from bench.stack import NO_CHAT_LIMITS, Stack, free_port  # the one start-up of the stack

__all__ = ["E2E_CHAT_KEY", "E2E_INTEGRATION", "Butler", "free_port", "running_butler"]

# The trusted integration the tests chat as (BUTLER_CHAT_API_KEY of the stack they start).
E2E_INTEGRATION = "e2e"
E2E_CHAT_KEY = "e2e-" + secrets.token_urlsafe(24)


@dataclass
class Butler:
    gateway_url: str
    rasa_url: str
    settings: Settings
    supervisor: Supervisor
    http: httpx.Client
    clock: Clock  # the servers' clock

    def local_now(self) -> datetime:
        return self.clock.local_now()

    def clear_of_midnight(self, margin: float = 20.0) -> datetime:
        """The servers' local now, at least ``margin`` seconds before midnight: waits
        for the new day when it is closer, so the test and the servers agree on
        "today" for the next few requests."""
        now = self.local_now()
        left = (datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), now.tzinfo) - now)
        if left.total_seconds() < margin:
            time.sleep(left.total_seconds() + 1)
            now = self.local_now()
        return now

    def chat(self, sender_id: str, text: str, **extra) -> list[dict]:
        """One message from ``sender_id``, sent as the tests' trusted integration (its
        senders are ``web:int-e2e:<sender_id>``: ``sender()``)."""
        resp = self.http.post(f"{self.gateway_url}/api/v1/chat", json={"sender_id": sender_id, "text": text, **extra},
                              headers={"Authorization": f"Bearer {E2E_CHAT_KEY}"})
        assert resp.status_code == 200, resp.text
        return resp.json()["replies"]

    @staticmethod
    def sender(sender_id: str) -> str:
        """The sender id the butler stores for ``chat(sender_id, ...)``."""
        return f"web:int-{E2E_INTEGRATION}:{sender_id}"

    def say(self, sender_id: str, text: str, **extra) -> str:
        """The butler's replies to one message, joined into one string."""
        return "\n".join(r["text"] for r in self.chat(sender_id, text, **extra))


@contextmanager
def running_butler(data_dir: Path) -> Iterator[Butler]:
    """A whole butler (supervisor, Rasa, action server, gateway, jobs) on free
    loopback ports with its own data directory, ready when it yields; stopped after,
    and failing the test if any process logged a traceback meanwhile."""
    model = Path(os.environ.get("BUTLER_TEST_RASA_MODEL", PROJECT_ROOT / "models" / "butler.tar.gz"))
    if not model.exists():
        pytest.fail(f"no trained Rasa model at {model}: run `make model` (make test does)")
    # bench/stack.py: the supervisor on free ports, this data directory (kept: its logs
    # are read below), the sample policy corpus ingested with the operators' CLI, the
    # real clock or one moved to BUTLER_TEST_NOW that the processes share. Conversations,
    # not abuse limits, are tested here: a long scripted conversation must not get 429.
    stack = Stack(model, data_dir=data_dir, integration=E2E_INTEGRATION, chat_key=E2E_CHAT_KEY,
                  open311_api_key="test-open311-key", extra_env=NO_CHAT_LIMITS,
                  ready_timeout=float(os.environ.get("BUTLER_TEST_READY_TIMEOUT", "600")))
    try:
        with httpx.Client(timeout=120) as http:
            yield Butler(gateway_url=stack.gateway_url, rasa_url=stack.rasa_url, settings=stack.settings,
                         supervisor=stack.supervisor, http=http, clock=stack.clock)
    finally:
        stack.stop()
    # Bad input gets an answer, never a crash: no process may have logged a traceback
    # during the whole session, its start and its stop included.
    crashed = {log.name: log.read_text(encoding="utf-8", errors="replace")
               for log in sorted((data_dir / "logs").glob("*.log"))}
    crashed = {name: text for name, text in crashed.items() if "Traceback (most recent call last)" in text}
    if crashed:
        name, text = next(iter(crashed.items()))
        start = text.index("Traceback (most recent call last)")
        pytest.fail(f"tracebacks in {sorted(crashed)}; first, in {name}:\n{text[max(0, start - 500):start + 2500]}")


@pytest.fixture(scope="session")
def butler(tmp_path_factory) -> Iterator[Butler]:
    with running_butler(tmp_path_factory.mktemp("butler-data")) as running:
        yield running


@pytest.fixture(scope="session")
def staff_token(butler: Butler) -> str:
    resp = butler.http.post(f"{butler.gateway_url}/api/v1/auth/token",
                            json={"username": "admin", "password": "admin-password-1"})
    assert resp.status_code == 200, resp.text
    return resp.json()["access_token"]
