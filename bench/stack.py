"""The real butler for a benchmark or an end-to-end test: the project's own supervisor
(Rasa, action server, gateway, jobs, Wyoming) on free loopback ports, a data
directory of its own, the sample policy corpus ingested with the operators' CLI, and
the servers on the suite's clock (``BUTLER_TEST_NOW``).

The one start-up of the whole stack outside ``make run``: bench/load.py,
bench/dialogue.py, bench/chat_latency.py and tests/e2e/conftest.py use it.

``database_url`` empty: SQLite in the data directory (the default profile).
``database_url`` a PostgreSQL URL: the application database there, and Rasa's
tracker store beside it through endpoints.production.yml (the production profile).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx

from assistant.auth.service import rasa_token as install_token
from assistant.clock import Clock, parse_instant
from assistant.settings import PROJECT_ROOT, Settings
from assistant.supervisor import Supervisor, process_specs, wait_until_ready

ADMIN_USER = "admin"
ADMIN_PASSWORD = "admin-password-1"
# One client speaks for many residents in a benchmark or a test conversation: the abuse
# limits are not what is measured (tests/api has the limit tests).
NO_CHAT_LIMITS = {"BUTLER_CHAT_RATE_LIMIT": "100000/minute", "BUTLER_CHAT_IP_RATE_LIMIT": "100000/minute"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    """A butler started here, ready when the constructor returns; ``stop()`` (or the
    context manager) ends it and removes its data directory unless the caller gave
    one (``data_dir``: the caller keeps it, e.g. to read the logs after the stop).

    ``integration``/``chat_key``: the trusted integration the client speaks as
    (``BUTLER_CHAT_API_KEY``; its senders are ``web:int-<integration>:<id>``), a fresh
    key unless given."""

    def __init__(self, model: Path, *, data_dir: Path | None = None, database_url: str = "",
                 integration: str = "bench", chat_key: str | None = None,
                 open311_api_key: str = "bench-open311-key", extra_env: dict[str, str] | None = None,
                 prefix: str = "bench-", ready_timeout: float = 900.0):
        self.tmp = None if data_dir else tempfile.TemporaryDirectory(prefix=prefix)
        data_dir = Path(data_dir or self.tmp.name)
        self.gateway_port = free_port()
        self.integration = integration
        self.chat_key = chat_key or f"{integration}-" + secrets.token_urlsafe(24)
        self.settings = Settings(
            data_dir=data_dir, rasa_model=model, database_url=database_url,
            rasa_url=f"http://127.0.0.1:{free_port()}", action_server_url=f"http://127.0.0.1:{free_port()}",
            gateway_port=self.gateway_port, admin_user=ADMIN_USER, admin_password=ADMIN_PASSWORD,
            wyoming_port=free_port(),  # its own port: parallel stacks do not collide on 10600
            open311_api_key=open311_api_key, chat_api_key=f"{integration}:{self.chat_key}",
            **({"rasa_endpoints": PROJECT_ROOT / "endpoints.production.yml"} if database_url else {}))
        embedding_dir = Path(os.environ.get("BUTLER_EMBEDDING_MODEL_DIR",
                                            PROJECT_ROOT / "var" / "models" / "multilingual-e5-small"))
        subprocess.run([str(PROJECT_ROOT / ".venv" / "bin" / "butler"), "kb", "ingest", "policy_kb",
                        "--kb", str(data_dir / "kb")], cwd=PROJECT_ROOT, check=True, capture_output=True,
                       env={**os.environ, "BUTLER_DATA_DIR": str(data_dir),
                            "BUTLER_EMBEDDING_MODEL_DIR": str(embedding_dir)})
        test_now = os.environ.get("BUTLER_TEST_NOW", "").strip()
        self.clock = Clock.starting_at(parse_instant(test_now)) if test_now else Clock()
        env = {"BUTLER_EMBEDDING_MODEL_DIR": str(embedding_dir),
               "BUTLER_ADMIN_USER": ADMIN_USER, "BUTLER_ADMIN_PASSWORD": ADMIN_PASSWORD,
               "BUTLER_OPEN311_API_KEY": self.settings.open311_api_key,
               "BUTLER_CHAT_API_KEY": self.settings.chat_api_key,
               "BUTLER_GATEWAY_PORT": str(self.gateway_port),
               # Its own MQTT client id and topics: the machine's broker is shared, and two
               # subscribers with one client id keep disconnecting each other.
               "BUTLER_MQTT_CLIENT_ID": f"butler-stack-{self.gateway_port}",
               "BUTLER_MQTT_TOPIC_PREFIX": f"butler-stack-{self.gateway_port}/sensors",
               **_rasa_pg_env(database_url), **(extra_env or {})}
        if database_url:
            env["BUTLER_RASA_ENDPOINTS"] = str(self.settings.rasa_endpoints)
        specs = process_specs(self.settings)
        for spec in specs:
            spec.env.update(self.clock.env())
            spec.env.update(env)
        self.supervisor = Supervisor(specs)
        self.supervisor.start()
        self.gateway_url = f"http://127.0.0.1:{self.gateway_port}"
        self.rasa_url = self.settings.rasa_url
        self.rasa_token = install_token(self.settings)
        try:
            wait_until_ready(self.gateway_url, timeout=ready_timeout)
        except BaseException:
            self.stop()
            raise

    @property
    def data_dir(self) -> Path:
        return Path(self.settings.data_dir)

    def staff_token(self) -> str:
        resp = httpx.post(f"{self.gateway_url}/api/v1/auth/token",
                          json={"username": ADMIN_USER, "password": ADMIN_PASSWORD}, timeout=60)
        resp.raise_for_status()
        return resp.json()["access_token"]

    def kill(self, name: str) -> int | None:
        """``kill -9`` one of the stack's processes (the supervisor restarts it); its pid."""
        pid = self.supervisor.pid(name)
        if pid is not None:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                return None
        return pid

    def ready(self) -> bool:
        try:
            return httpx.get(f"{self.gateway_url}/readyz", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    def wait_ready(self, timeout: float = 600.0) -> float:
        """Seconds until /readyz says ready again."""
        start = time.monotonic()
        wait_until_ready(self.gateway_url, timeout=timeout)
        return time.monotonic() - start

    def stop(self) -> None:
        self.supervisor.stop()
        if self.tmp is not None:
            self.tmp.cleanup()

    def __enter__(self) -> Stack:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _rasa_pg_env(database_url: str) -> dict[str, str]:
    """endpoints.production.yml's variables for the same PostgreSQL database."""
    if not database_url:
        return {}
    url = urlparse(database_url.replace("+psycopg", ""))
    return {"BUTLER_RASA_PG_HOST": url.hostname or "127.0.0.1", "BUTLER_RASA_PG_PORT": str(url.port or 5432),
            "BUTLER_RASA_PG_DB": url.path.lstrip("/"), "BUTLER_RASA_PG_USER": url.username or "postgres",
            "BUTLER_RASA_PG_PASSWORD": url.password or ""}
