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
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from assistant.clock import Clock, parse_instant
from assistant.settings import PROJECT_ROOT, Settings
from assistant.supervisor import Supervisor, process_specs, wait_until_ready


# The trusted integration the tests chat as (BUTLER_CHAT_API_KEY of the stack they start).
E2E_INTEGRATION = "e2e"
E2E_CHAT_KEY = "e2e-" + secrets.token_urlsafe(24)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
    """A whole butler (supervisor, Rasa, action server, gateway, reminders) on free
    loopback ports with its own data directory, ready when it yields; stopped after,
    and failing the test if any process logged a traceback meanwhile."""
    model = Path(os.environ.get("BUTLER_TEST_RASA_MODEL", PROJECT_ROOT / "models" / "butler.tar.gz"))
    if not model.exists():
        pytest.fail(f"no trained Rasa model at {model}: run `make model` (make test does)")
    gateway_port = free_port()
    settings = Settings(
        data_dir=data_dir,
        rasa_model=model,
        rasa_url=f"http://127.0.0.1:{free_port()}",
        action_server_url=f"http://127.0.0.1:{free_port()}",
        gateway_port=gateway_port,
        wyoming_port=free_port(),  # the Wyoming server runs too, on a port of its own
        admin_user="admin",
        admin_password="admin-password-1",
        open311_api_key="test-open311-key",
        chat_api_key=f"{E2E_INTEGRATION}:{E2E_CHAT_KEY}",
    )
    # The embedding model the set-up prepared, and the sample policy corpus ingested
    # into this run's own knowledge base with the operators' CLI.
    embedding_dir = Path(os.environ.get("BUTLER_EMBEDDING_MODEL_DIR",
                                        PROJECT_ROOT / "var" / "models" / "multilingual-e5-small"))
    subprocess.run([str(PROJECT_ROOT / ".venv" / "bin" / "butler"), "kb", "ingest", "policy_kb",
                    "--kb", str(data_dir / "kb")], cwd=PROJECT_ROOT, check=True, capture_output=True,
                   env={**os.environ, "BUTLER_DATA_DIR": str(data_dir),
                        "BUTLER_EMBEDDING_MODEL_DIR": str(embedding_dir)})
    # The real clock, or one moved to BUTLER_TEST_NOW that the processes share.
    test_now = os.environ.get("BUTLER_TEST_NOW", "").strip()  # see tests/conftest.py
    clock = Clock.starting_at(parse_instant(test_now)) if test_now else Clock()
    specs = process_specs(settings)
    for spec in specs:  # the env carries every setting the processes need
        spec.env.update(clock.env())
        spec.env.update({"BUTLER_EMBEDDING_MODEL_DIR": str(embedding_dir),
                         "BUTLER_ADMIN_USER": settings.admin_user,
                         "BUTLER_ADMIN_PASSWORD": settings.admin_password,
                         "BUTLER_OPEN311_API_KEY": settings.open311_api_key,
                         "BUTLER_CHAT_API_KEY": settings.chat_api_key,
                         # Conversations, not abuse limits, are tested here (tests/api has
                         # the limit tests): a long scripted conversation must not get 429.
                         "BUTLER_CHAT_RATE_LIMIT": "1000/minute",
                         "BUTLER_CHAT_IP_RATE_LIMIT": "10000/minute",
                         "BUTLER_GATEWAY_PORT": str(gateway_port)})
    supervisor = Supervisor(specs)
    supervisor.start()
    gateway_url = f"http://127.0.0.1:{gateway_port}"
    try:
        wait_until_ready(gateway_url, timeout=float(os.environ.get("BUTLER_TEST_READY_TIMEOUT", "600")))
        with httpx.Client(timeout=120) as http:
            yield Butler(gateway_url=gateway_url, rasa_url=settings.rasa_url, settings=settings,
                         supervisor=supervisor, http=http, clock=clock)
    finally:
        supervisor.stop()
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
