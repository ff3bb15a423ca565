"""One supervisor for the whole butler: starts Rasa, the action server and the
gateway, restarts whatever dies (with back-off), and stops them all together.

``make run`` runs it in the foreground (``butler run``); the end-to-end tests use
the same class, so what runs in production is what the tests start.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import httpx
import structlog

from assistant.settings import PROJECT_ROOT, Settings

log = structlog.get_logger(__name__)

MAX_BACKOFF_SECONDS = 60.0
# A process that stayed up this long counts as healthy again: its back-off resets.
HEALTHY_AFTER_SECONDS = 120.0


@dataclass
class ProcessSpec:
    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path


@dataclass
class _Running:
    spec: ProcessSpec
    popen: subprocess.Popen | None = None
    started_at: float = 0.0
    backoff: float = 1.0
    restarts: int = 0
    next_start: float = 0.0
    log_file: object | None = field(default=None, repr=False)


def _port(url: str) -> int:
    return urlparse(url).port or 80


def process_specs(settings: Settings) -> list[ProcessSpec]:
    """The processes of the butler, configured from one settings object."""
    data_dir = Path(settings.data_dir)
    logs = data_dir / "logs"
    env = {
        **os.environ,
        "BUTLER_DATA_DIR": str(data_dir),
        "BUTLER_RASA_URL": settings.rasa_url,
        "BUTLER_ACTION_SERVER_URL": settings.action_server_url,
        "BUTLER_ACTION_ENDPOINT": settings.action_server_url.rstrip("/") + "/webhook",
        "BUTLER_RASA_TRACKER_DB": str(data_dir / "rasa_tracker.db"),
        "RASA_TELEMETRY_ENABLED": "false",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "PYTHONUNBUFFERED": "1",
        # torch's OpenMP threads spin against each other on 2 shared cores (a 0.1 s
        # query took 1.5 s): let idle threads sleep.
        "OMP_WAIT_POLICY": "PASSIVE",
    }
    if settings.database_url:
        env["BUTLER_DATABASE_URL"] = settings.database_url
    app_python = sys.executable
    return [
        ProcessSpec(
            name="rasa",
            argv=[str(Path(settings.rasa_venv) / "bin" / "rasa"), "run", "--enable-api",
                  "--model", str(settings.rasa_model), "--port", str(_port(settings.rasa_url)),
                  "--interface", urlparse(settings.rasa_url).hostname or "127.0.0.1",
                  "--endpoints", str(settings.rasa_endpoints),
                  "--credentials", str(PROJECT_ROOT / "credentials.yml")],
            env=env, log_path=logs / "rasa.log"),
        ProcessSpec(
            name="actions",
            argv=[app_python, "-m", "rasa_sdk", "--actions", "actions",
                  "--port", str(_port(settings.action_server_url))],
            # Residents' policy questions are answered here: load the model at start.
            env={**env, "BUTLER_WARM_UP_KNOWLEDGE_BASE": "true"}, log_path=logs / "actions.log"),
        ProcessSpec(
            name="gateway",
            argv=[app_python, "-m", "uvicorn", "assistant.api.app:create_app", "--factory",
                  "--host", settings.gateway_host, "--port", str(settings.gateway_port),
                  "--log-level", "warning"],
            env=env, log_path=logs / "gateway.log"),
        # Booking reminders the day before; all state is in the database, so a
        # restart neither loses nor repeats a reminder.
        ProcessSpec(
            name="reminders",
            argv=[app_python, "-m", "assistant.cli", "bookings", "reminders", "--loop", "60"],
            env=env, log_path=logs / "reminders.log"),
    ]


class Supervisor:
    def __init__(self, specs: list[ProcessSpec], cwd: Path = PROJECT_ROOT):
        self._procs = {spec.name: _Running(spec) for spec in specs}
        self._cwd = cwd
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _launch(self, running: _Running) -> None:
        spec = running.spec
        spec.log_path.parent.mkdir(parents=True, exist_ok=True)
        running.log_file = open(spec.log_path, "ab")  # noqa: SIM115 (kept open while it runs)
        running.popen = subprocess.Popen(
            spec.argv, cwd=self._cwd, env=spec.env, stdout=running.log_file, stderr=subprocess.STDOUT,
            start_new_session=True)  # own process group: stopping it stops its children too
        running.started_at = time.monotonic()
        log.info("process_started", name=spec.name, pid=running.popen.pid, log=str(spec.log_path))

    def start(self) -> None:
        for running in self._procs.values():
            self._launch(running)
        self._thread = threading.Thread(target=self._watch, name="supervisor", daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(0.5):
            now = time.monotonic()
            for running in self._procs.values():
                popen = running.popen
                if popen is not None and popen.poll() is None:
                    if now - running.started_at > HEALTHY_AFTER_SECONDS:
                        running.backoff = 1.0
                    continue
                if popen is not None:  # it died: schedule a restart with back-off
                    log.warning("process_died", name=running.spec.name, code=popen.returncode,
                                restart_in=running.backoff)
                    running.popen = None
                    running.next_start = now + running.backoff
                    running.backoff = min(running.backoff * 2, MAX_BACKOFF_SECONDS)
                elif now >= running.next_start and not self._stop.is_set():
                    running.restarts += 1
                    self._launch(running)

    def restarts(self, name: str) -> int:
        return self._procs[name].restarts

    def pid(self, name: str) -> int | None:
        popen = self._procs[name].popen
        return popen.pid if popen is not None else None

    def stop(self, timeout: float = 20.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        # SIGTERM to each main process only: Rasa and the action server are Sanic
        # servers whose main process stops its own workers; a signal to the whole group
        # reached those workers twice and broke their clean-up (a traceback in the log).
        for running in self._procs.values():
            if running.popen is not None and running.popen.poll() is None:
                try:
                    os.kill(running.popen.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + timeout
        for running in self._procs.values():
            if running.popen is None:
                continue
            try:
                running.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
                _signal_group(running.popen.pid, signal.SIGTERM)  # anything the main process left behind
            except subprocess.TimeoutExpired:
                _signal_group(running.popen.pid, signal.SIGKILL)
                running.popen.wait()
            if running.log_file is not None:
                running.log_file.close()
        log.info("stopped")


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:  # the group is already empty
        pass


def wait_until_ready(gateway_url: str, timeout: float = 600.0) -> None:
    """Poll the gateway's /readyz (Rasa's model load takes 30-130 s here)."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        try:
            resp = httpx.get(f"{gateway_url}/readyz", timeout=5)
            if resp.status_code == 200:
                return
            last = resp.text
        except httpx.HTTPError as exc:
            last = type(exc).__name__
        time.sleep(1)
    raise TimeoutError(f"the butler was not ready after {timeout:.0f}s: {last}")
