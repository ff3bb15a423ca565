"""One supervisor for the whole butler: starts Rasa, the action server, the
gateway, the periodic jobs (``butler jobs run``: booking reminders, the elder-care
ladder...) and the optional processes its settings switch on (the
Wyoming server for smart speakers: ``BUTLER_WYOMING_ENABLED``), restarts whatever
dies (with back-off), and stops them all together.

``make run`` runs it in the foreground (``butler run``); the end-to-end tests use
the same class, so what runs in production is what the tests start.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import httpx
import psutil
import structlog
import typer

from assistant.auth.service import rasa_token
from assistant.log_filter import mask_line
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
    # (host, port) the process listens on: checked free before anything starts.
    listen: tuple[str, int] | None = None


class PortInUse(typer.Exit):
    """A port the butler needs is taken. ``Supervisor.start`` says which (on stderr)
    and raises it before starting anything; as a ``typer.Exit`` it ends ``butler run``
    with exit code 3 instead of retrying forever."""

    def __init__(self, message: str):
        super().__init__(3)
        self.message = message

    def __str__(self) -> str:
        return self.message


PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _die_with_parent(parent_pid: int):
    """A ``preexec_fn``: the child gets SIGTERM when the supervisor dies, however it
    dies (SIGKILL included), so no child outlives it as an orphan. (Rasa and the
    action server stop their own workers on SIGTERM.)"""

    def preexec() -> None:
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent_pid:  # the supervisor died before prctl took effect
            os._exit(1)

    return preexec


def _who_listens(port: int) -> str:
    """'pid 123 (rasa run ...)' for the process listening on ``port``, if we may see it."""
    try:
        conns = psutil.net_connections(kind="inet")
    except (psutil.AccessDenied, OSError):
        conns = []
    for conn in conns:
        if conn.status == psutil.CONN_LISTEN and conn.laddr and conn.laddr.port == port and conn.pid:
            try:
                proc = psutil.Process(conn.pid)
                cmd = " ".join(proc.cmdline())[:160] or proc.name()
            except psutil.Error:
                cmd = "?"
            return f"pid {conn.pid} ({cmd})"
    return "another process (not visible to this user)"


def check_ports(specs: list[ProcessSpec]) -> None:
    """Raise ``PortInUse`` naming the port, the process that needs it and the process
    holding it, when any listening port of ``specs`` is taken."""
    taken = []
    for spec in specs:
        if spec.listen is None:
            continue
        host, port = spec.listen
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers bind
            try:
                sock.bind((host, port))
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE:
                    raise
                taken.append(f"port {port} on {host}, needed by {spec.name}, is taken by {_who_listens(port)}")
    if taken:
        raise PortInUse("; ".join(taken) + ". Stop that process (an earlier butler?) or choose other ports"
                        " (BUTLER_RASA_URL, BUTLER_ACTION_SERVER_URL, BUTLER_GATEWAY_PORT, BUTLER_WYOMING_PORT).")


@dataclass
class _Running:
    spec: ProcessSpec
    popen: subprocess.Popen | None = None
    started_at: float = 0.0
    backoff: float = 1.0
    restarts: int = 0
    next_start: float = 0.0
    log_file: object | None = field(default=None, repr=False)
    pump: threading.Thread | None = field(default=None, repr=False)


def _port(url: str) -> int:
    return urlparse(url).port or 80


def process_specs(settings: Settings) -> list[ProcessSpec]:
    """The processes of the butler, configured from one settings object: the four
    it always runs, then each optional process its setting switches on."""
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
    # Rasa's HTTP API (trackers hold residents' words) answers only with this token.
    token = rasa_token(settings)
    env["BUTLER_RASA_TOKEN"] = token
    app_python = sys.executable
    # Everything listens on loopback unless the URLs/host in the settings say otherwise.
    rasa_host = urlparse(settings.rasa_url).hostname or "127.0.0.1"
    actions_host = urlparse(settings.action_server_url).hostname or "127.0.0.1"
    core = [
        ProcessSpec(
            name="rasa",
            argv=[str(Path(settings.rasa_venv) / "bin" / "rasa"), "run", "--enable-api",
                  # one argument: a generated token may start with "-" (argparse would read an option)
                  f"--auth-token={token}",
                  "--model", str(settings.rasa_model), "--port", str(_port(settings.rasa_url)),
                  "--interface", rasa_host,
                  "--endpoints", str(settings.rasa_endpoints),
                  "--credentials", str(PROJECT_ROOT / "credentials.yml")],
            env=env, log_path=logs / "rasa.log", listen=(rasa_host, _port(settings.rasa_url))),
        ProcessSpec(
            name="actions",
            # rasa-sdk's app in one process (assistant/action_server.py says why)
            argv=[app_python, "-m", "assistant.action_server", "--actions", "actions",
                  "--port", str(_port(settings.action_server_url))],
            # Residents' policy questions are answered here: load the model at start.
            # rasa-sdk binds to SANIC_HOST (its default is 0.0.0.0).
            env={**env, "BUTLER_WARM_UP_KNOWLEDGE_BASE": "true", "SANIC_HOST": actions_host},
            log_path=logs / "actions.log", listen=(actions_host, _port(settings.action_server_url))),
        ProcessSpec(
            name="gateway",
            argv=[app_python, "-m", "uvicorn", "assistant.api.app:create_app", "--factory",
                  "--host", settings.gateway_host, "--port", str(settings.gateway_port),
                  "--log-level", "warning"],
            env=env, log_path=logs / "gateway.log", listen=(settings.gateway_host, settings.gateway_port)),
        # The periodic jobs (assistant/jobs.py): booking reminders, the elder-care
        # ladder, the contact webhook. All their state is in the database and the job
        # schedule in data_dir/jobs/, so a restart neither loses nor repeats a message;
        # each job runs under its own lease, so a second jobs process (a second
        # supervisor, an orphan) never runs a job beside it.
        ProcessSpec(
            name="jobs",
            argv=[app_python, "-m", "assistant.cli", "jobs", "run"],
            env=env, log_path=logs / "jobs.log"),
    ]
    optional = [make(settings, env, logs) for switch, make in OPTIONAL_PROCESSES if getattr(settings, switch)]
    return core + optional


def _wyoming(settings: Settings, env: dict[str, str], logs: Path) -> ProcessSpec:
    """Smart speakers: ASR, TTS and the dialogue over Wyoming (assistant/channels/wyoming.py)."""
    return ProcessSpec(
        name="wyoming",
        argv=[sys.executable, "-m", "assistant.cli", "wyoming", "serve",
              "--host", settings.wyoming_host, "--port", str(settings.wyoming_port)],
        env=env, log_path=logs / "wyoming.log", listen=(settings.wyoming_host, settings.wyoming_port))


def _care_sensors(settings: Settings, env: dict[str, str], logs: Path) -> ProcessSpec:
    """Home sensors over MQTT (assistant/care/sensors.py): readings are signs of life, an SOS
    press an emergency. One subscriber per butler (the "care-sensors" lease): two with the
    same MQTT client id would keep disconnecting each other."""
    return ProcessSpec(
        name="care-sensors",
        argv=[sys.executable, "-m", "assistant.lease", "--name", "care-sensors", "--data-dir", str(settings.data_dir),
              "--", sys.executable, "-m", "assistant.cli", "care", "sensors"],
        env=env, log_path=logs / "care-sensors.log")


def _telegram(settings: Settings, env: dict[str, str], logs: Path) -> ProcessSpec:
    """The Telegram bot (assistant/channels/telegram.py): polls the Bot API, or listens for its webhook."""
    return ProcessSpec(
        name="telegram", argv=[sys.executable, "-m", "assistant.cli", "telegram", "run"], env=env,
        log_path=logs / "telegram.log",
        listen=(settings.gateway_host, settings.telegram_webhook_port) if settings.telegram_webhook_url else None)


# Processes that configuration switches on: (the boolean setting, the function that
# makes its spec from the settings, the shared environment and the log directory).
# A chat-app bot joins with its own switch (e.g. ``telegram_enabled``).
OPTIONAL_PROCESSES: tuple[tuple[str, Callable[[Settings, dict[str, str], Path], ProcessSpec]], ...] = (
    ("wyoming_enabled", _wyoming),
    ("care_sensors_enabled", _care_sensors),
    ("telegram_bot_token", _telegram),  # a non-empty token switches the bot on
)


class Supervisor:
    def __init__(self, specs: list[ProcessSpec], cwd: Path = PROJECT_ROOT):
        self._procs = {spec.name: _Running(spec) for spec in specs}
        self._cwd = cwd
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _launch(self, running: _Running) -> None:
        spec = running.spec
        spec.log_path.parent.mkdir(parents=True, exist_ok=True)
        if running.log_file is None:
            running.log_file = open(spec.log_path, "ab")  # noqa: SIM115 (kept open while it runs)
        # The child's output goes through a pipe: personal data is masked line by line
        # before it is written to the log (assistant/log_filter.py).
        running.popen = subprocess.Popen(
            spec.argv, cwd=self._cwd, env=spec.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group: stopping it stops its children too
            preexec_fn=_die_with_parent(os.getpid()))
        running.pump = threading.Thread(target=_pump, args=(running.popen.stdout, running.log_file),
                                        name=f"log-{spec.name}", daemon=True)
        running.pump.start()
        running.started_at = time.monotonic()
        log.info("process_started", name=spec.name, pid=running.popen.pid, log=str(spec.log_path))

    def start(self) -> None:
        try:
            check_ports([running.spec for running in self._procs.values()])
        except PortInUse as exc:
            print(f"butler: {exc}", file=sys.stderr, flush=True)
            raise
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
        for running in self._procs.values():
            if running.pump is not None:
                running.pump.join(timeout=5)
            if running.log_file is not None:
                running.log_file.close()
                running.log_file = None
        log.info("stopped")


def _pump(source, log_file) -> None:
    """Copy a child's output to its log, masked, until the child closes it."""
    try:
        for line in iter(source.readline, b""):
            log_file.write(mask_line(line))
            log_file.flush()
    except (OSError, ValueError):  # the log was closed under us: the supervisor stops
        pass
    finally:
        source.close()


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
