"""The engine room, for real: Rasa's HTTP API needs its token, every server listens on
loopback only, a second `butler run` names the port it finds taken, and when the
supervisor is killed with SIGKILL no process of the butler survives it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from assistant.settings import PROJECT_ROOT
from assistant.supervisor import wait_until_ready
from tests.e2e.conftest import free_port

pytestmark = pytest.mark.e2e


def _token(butler) -> str:
    return (Path(butler.settings.data_dir) / "rasa_token").read_text().strip()


def test_rasa_api_refuses_requests_without_the_token(butler):
    rasa = butler.rasa_url
    for path in ("/status", "/conversations/web:someone/tracker", "/domain"):
        assert httpx.get(f"{rasa}{path}", timeout=30).status_code == 401, path
        assert httpx.get(f"{rasa}{path}", params={"token": "guessed"}, timeout=30).status_code == 401, path
    assert httpx.post(f"{rasa}/model/parse", json={"text": "你好"}, timeout=30).status_code == 401
    ok = httpx.get(f"{rasa}/status", params={"token": _token(butler)}, timeout=30)
    assert ok.status_code == 200 and "model_file" in ok.json()
    # The gateway, which has the token, still reaches Rasa's API.
    assert butler.http.post(f"{butler.gateway_url}/api/v1/nlu/parse", json={"text": "你好"}).status_code == 200


def _external_addresses() -> list[str]:
    return [a.address for addrs in psutil.net_if_addrs().values() for a in addrs
            if a.family == socket.AF_INET and not a.address.startswith("127.")]


def test_every_server_listens_on_loopback_only(butler):
    addresses = _external_addresses()
    if not addresses:
        pytest.skip("this machine has no non-loopback IPv4 address to try")
    ports = {"rasa": int(butler.rasa_url.rsplit(":", 1)[1]),
             "actions": int(butler.settings.action_server_url.rsplit(":", 1)[1]),
             "gateway": butler.settings.gateway_port}
    for name, port in ports.items():
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass  # it is up on loopback...
        for address in addresses:
            with pytest.raises(ConnectionRefusedError), socket.create_connection((address, port), timeout=5):
                pass  # ...and refused on the machine's network address
            # Nor bound to the wildcard address.
        for conn in psutil.net_connections(kind="inet"):
            if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port:
                assert conn.laddr.ip == "127.0.0.1", (name, conn.laddr)


def _butler_env(data_dir: Path, ports: dict[str, int]) -> dict[str, str]:
    model = os.environ.get("BUTLER_TEST_RASA_MODEL", str(PROJECT_ROOT / "models" / "butler.tar.gz"))
    return {**os.environ, "BUTLER_DATA_DIR": str(data_dir), "BUTLER_RASA_MODEL": model,
            "BUTLER_RASA_URL": f"http://127.0.0.1:{ports['rasa']}",
            "BUTLER_ACTION_SERVER_URL": f"http://127.0.0.1:{ports['actions']}",
            "BUTLER_GATEWAY_PORT": str(ports["gateway"]),
            "BUTLER_EMBEDDING_MODEL_DIR": os.environ.get(
                "BUTLER_EMBEDDING_MODEL_DIR", str(PROJECT_ROOT / "var" / "models" / "multilingual-e5-small"))}


def test_sigkill_of_the_supervisor_leaves_no_process_behind(tmp_path):
    ports = {"rasa": free_port(), "actions": free_port(), "gateway": free_port()}
    env = _butler_env(tmp_path, ports)
    run = subprocess.Popen([sys.executable, "-m", "assistant.cli", "run"], cwd=PROJECT_ROOT, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    family: list[psutil.Process] = []
    try:
        wait_until_ready(f"http://127.0.0.1:{ports['gateway']}",
                         timeout=float(os.environ.get("BUTLER_TEST_READY_TIMEOUT", "600")))
        family = psutil.Process(run.pid).children(recursive=True)
        commands = " ".join(" ".join(p.cmdline()) for p in family)
        assert all(part in commands for part in ("rasa run", "assistant.action_server", "uvicorn", "jobs run")), commands

        # A second butler on the same ports says which port is taken, by whom, and stops.
        second = subprocess.run([sys.executable, "-m", "assistant.cli", "run"], cwd=PROJECT_ROOT,
                                env={**env, "BUTLER_DATA_DIR": str(tmp_path / "second")},
                                capture_output=True, text=True, timeout=120)
        assert second.returncode == 3, second.stderr
        assert f"port {ports['rasa']}" in second.stderr and f"port {ports['gateway']}" in second.stderr
        assert "is taken by pid" in second.stderr

        os.kill(run.pid, signal.SIGKILL)
        run.wait()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE
                                                  for p in family):
            time.sleep(0.5)
        survivors = [(p.pid, " ".join(p.cmdline())[:80]) for p in family
                     if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        assert survivors == []
        # Its ports are free again: the next `make run` can start.
        for port in ports.values():
            with socket.socket() as sock:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.bind(("127.0.0.1", port))
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
        for proc in family:
            try:
                proc.kill()
            except psutil.Error:
                pass
