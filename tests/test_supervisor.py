"""The supervisor with real child processes (small Python programs standing in for
Rasa and the gateway, which the e2e tests start for real)."""

import os
import signal
import sys
import time

from assistant.supervisor import ProcessSpec, Supervisor, process_specs
from assistant.settings import Settings


def sleeper(name, tmp_path):
    return ProcessSpec(name=name, argv=[sys.executable, "-c", "import time; print('up', flush=True); time.sleep(600)"],
                       env=dict(os.environ), log_path=tmp_path / f"{name}.log")


def wait_for(predicate, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_a_process_that_dies_is_restarted_and_stop_ends_all(tmp_path):
    supervisor = Supervisor([sleeper("a", tmp_path), sleeper("b", tmp_path)], cwd=tmp_path)
    supervisor.start()
    log = tmp_path / "a.log"
    try:
        assert wait_for(lambda: log.exists() and log.read_text().count("up") == 1)
        first_pid = supervisor.pid("a")
        os.kill(first_pid, signal.SIGKILL)
        assert wait_for(lambda: supervisor.pid("a") not in (None, first_pid))
        # The restarted process really runs (it prints again into the same log).
        assert wait_for(lambda: log.read_text().count("up") == 2)
        assert supervisor.restarts("a") == 1 and supervisor.restarts("b") == 0
        pids = [supervisor.pid("a"), supervisor.pid("b")]
    finally:
        supervisor.stop()
    for pid in pids:
        assert wait_for(lambda: not os.path.exists(f"/proc/{pid}") or "Z" in open(f"/proc/{pid}/stat").read().split()[2])


def test_restarts_back_off(tmp_path):
    crasher = ProcessSpec(name="c", argv=[sys.executable, "-c", "raise SystemExit(3)"], env=dict(os.environ),
                          log_path=tmp_path / "c.log")
    supervisor = Supervisor([crasher], cwd=tmp_path)
    supervisor.start()
    try:
        # Back-off 1 s, 2 s, 4 s...: about two restarts in 4.5 s, not dozens. Wait for the
        # first restart rather than a fixed time (starting Python on 2 loaded cores can take
        # over a second), then allow a generous 5: without back-off there would be dozens.
        assert wait_for(lambda: supervisor.restarts("c") >= 1, timeout=30)
        time.sleep(4.5)
        assert 1 <= supervisor.restarts("c") <= 5
    finally:
        supervisor.stop()


def test_process_specs_carry_one_configuration(tmp_path):
    settings = Settings(data_dir=tmp_path, rasa_url="http://127.0.0.1:6005",
                        action_server_url="http://127.0.0.1:6055", gateway_port=8123)
    specs = {s.name: s for s in process_specs(settings)}
    # wyoming_enabled and care_sensors_enabled are on by default
    assert set(specs) == {"rasa", "actions", "gateway", "jobs", "wyoming", "care-sensors"}
    assert "6005" in specs["rasa"].argv and "6055" in specs["actions"].argv and "8123" in specs["gateway"].argv
    assert specs["rasa"].env["BUTLER_ACTION_ENDPOINT"] == "http://127.0.0.1:6055/webhook"
    assert specs["gateway"].env["BUTLER_DATA_DIR"] == str(tmp_path)
    # Only the action server answers residents' policy questions: only it loads the model at start.
    assert specs["actions"].env["BUTLER_WARM_UP_KNOWLEDGE_BASE"] == "true"
    assert "BUTLER_WARM_UP_KNOWLEDGE_BASE" not in specs["gateway"].env
    # Rasa's HTTP API needs the per-install token; the gateway is given the same one.
    argv = specs["rasa"].argv
    [token] = [a.split("=", 1)[1] for a in argv if a.startswith("--auth-token=")]
    assert len(token) >= 32 and token == (tmp_path / "rasa_token").read_text().strip()
    assert specs["gateway"].env["BUTLER_RASA_TOKEN"] == token
    assert process_specs(settings)[0].argv == argv  # generated once, kept
    # Loopback only unless configured: Rasa's interface and rasa-sdk's SANIC_HOST.
    assert argv[argv.index("--interface") + 1] == "127.0.0.1"
    assert specs["actions"].env["SANIC_HOST"] == "127.0.0.1"
    # One jobs process runs the periodic jobs (each job under its own lease, assistant/jobs.py).
    assert specs["jobs"].argv[1:] == ["-m", "assistant.cli", "jobs", "run"] and specs["jobs"].listen is None
    assert specs["jobs"].log_path == tmp_path / "logs" / "jobs.log"


def test_optional_processes_are_switched_on_by_settings(tmp_path):
    on = Settings(data_dir=tmp_path, wyoming_host="0.0.0.0", wyoming_port=10700)
    specs = {s.name: s for s in process_specs(on)}
    wyoming = specs["wyoming"]
    assert wyoming.argv[1:] == ["-m", "assistant.cli", "wyoming", "serve", "--host", "0.0.0.0", "--port", "10700"]
    assert wyoming.listen == ("0.0.0.0", 10700)  # its port is checked free before anything starts
    assert wyoming.env["BUTLER_DATA_DIR"] == str(tmp_path) and wyoming.log_path == tmp_path / "logs" / "wyoming.log"
    assert wyoming.env["BUTLER_RASA_TOKEN"] == specs["gateway"].env["BUTLER_RASA_TOKEN"]  # it talks to Rasa too
    off = Settings(data_dir=tmp_path, wyoming_enabled=False, care_sweep_seconds=0, care_sensors_enabled=False)
    names = [s.name for s in process_specs(off)]
    assert names == ["rasa", "actions", "gateway", "jobs"]  # the four it always runs, unchanged


def test_the_care_ladder_is_a_job_and_the_sensors_their_own_leased_process(tmp_path):
    specs = {s.name: s for s in process_specs(Settings(data_dir=tmp_path, care_sweep_seconds=30))}
    assert "care-sweep" not in specs and "reminders" not in specs  # both are jobs of the jobs process
    sensors = specs["care-sensors"]
    assert sensors.argv[1:5] == ["-m", "assistant.lease", "--name", "care-sensors"]
    assert sensors.argv[-2:] == ["care", "sensors"] and sensors.listen is None


def test_the_telegram_bot_runs_only_with_a_token(tmp_path):
    off = {s.name for s in process_specs(Settings(data_dir=tmp_path))}
    assert "telegram" not in off  # without a token nothing changes
    on = {s.name: s for s in process_specs(Settings(data_dir=tmp_path, telegram_bot_token="123:abc"))}
    bot = on["telegram"]
    assert bot.argv[1:] == ["-m", "assistant.cli", "telegram", "run"] and bot.listen is None  # polling
    assert bot.log_path == tmp_path / "logs" / "telegram.log" and bot.env["BUTLER_RASA_TOKEN"]
    hooked = Settings(data_dir=tmp_path, telegram_bot_token="123:abc", telegram_webhook_url="https://x.example/tg/s",
                      telegram_webhook_port=8555)
    assert {s.name: s for s in process_specs(hooked)}["telegram"].listen[1] == 8555  # webhook: its port checked


def test_the_optional_wyoming_process_starts_under_the_supervisor_and_stops_with_it(tmp_path):
    import asyncio
    import socket

    from wyoming.client import AsyncTcpClient
    from wyoming.info import Describe, Info

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = Settings(data_dir=tmp_path, wyoming_port=port, vosk_model_dir=tmp_path / "no-model")
    [spec] = [s for s in process_specs(settings) if s.name == "wyoming"]
    spec.env["BUTLER_VOSK_MODEL_DIR"] = str(settings.vosk_model_dir)
    supervisor = Supervisor([spec])
    supervisor.start()

    async def describe():
        async with AsyncTcpClient("127.0.0.1", port) as client:
            await client.write_event(Describe().event())
            return Info.from_event(await client.read_event())

    try:
        assert wait_for(lambda: _listening(port), timeout=120), spec.log_path.read_text()
        info = asyncio.run(describe())
        assert info.tts and info.handle and info.asr == []  # no vosk model here: no ASR offered
        pid = supervisor.pid("wyoming")
    finally:
        supervisor.stop()
    assert not _alive(pid) and supervisor.restarts("wyoming") == 0
    assert "Traceback" not in spec.log_path.read_text()


def _listening(port: int) -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


# A supervisor in its own process, with a child that itself starts a grandchild (as
# Sanic's manager starts its worker); it prints the pids and waits to be killed.
SUPERVISOR_SCRIPT = r"""
import os, sys, time
from pathlib import Path
from assistant.supervisor import ProcessSpec, Supervisor
logs = Path(sys.argv[1])
child = ("import subprocess, sys, time, signal\n"
         "g = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
         "signal.signal(signal.SIGTERM, lambda *_: (g.terminate(), sys.exit(0)))\n"
         "print('grandchild', g.pid, flush=True)\n"
         "time.sleep(600)\n")
specs = [ProcessSpec(name=n, argv=[sys.executable, "-c", child], env=dict(os.environ), log_path=logs / f"{n}.log")
         for n in ("one", "two")]
supervisor = Supervisor(specs, cwd=logs)
supervisor.start()
print("children", supervisor.pid("one"), supervisor.pid("two"), flush=True)
time.sleep(600)
"""


def test_no_child_outlives_a_supervisor_killed_with_sigkill(tmp_path):
    import subprocess

    proc = subprocess.Popen([sys.executable, "-c", SUPERVISOR_SCRIPT, str(tmp_path)], stdout=subprocess.PIPE,
                            text=True, cwd=os.getcwd())
    try:
        line = []
        while line[:1] != ["children"]:  # past the supervisor's own log lines
            line = proc.stdout.readline().split()
            assert line or proc.poll() is None, "the supervisor ended"
        children = [int(p) for p in line[1:]]
        logs = [tmp_path / "one.log", tmp_path / "two.log"]
        assert wait_for(lambda: all(p.exists() and "grandchild" in p.read_text() for p in logs), timeout=30)
        grandchildren = [int(p.read_text().split()[1]) for p in logs]
        family = children + grandchildren
        assert all(_alive(pid) for pid in family)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert wait_for(lambda: not any(_alive(pid) for pid in family), timeout=15), \
            [pid for pid in family if _alive(pid)]
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_taken_port_is_named_with_its_holder_and_nothing_starts(tmp_path):
    import socket

    from assistant.supervisor import PortInUse

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        spec = sleeper("gateway", tmp_path)
        spec.listen = ("127.0.0.1", port)
        supervisor = Supervisor([sleeper("other", tmp_path), spec], cwd=tmp_path)
        try:
            supervisor.start()
            raise AssertionError("started on a taken port")
        except PortInUse as exc:
            message = str(exc)
        finally:
            supervisor.stop()
    assert f"port {port}" in message and "gateway" in message and f"pid {os.getpid()}" in message
    assert supervisor.pid("other") is None  # nothing was started


def test_butler_run_exits_non_zero_naming_the_taken_port(tmp_path):
    import socket
    import subprocess

    model = tmp_path / "model.tar.gz"
    model.write_bytes(b"not started anyway")
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        env = {**os.environ, "BUTLER_DATA_DIR": str(tmp_path), "BUTLER_RASA_MODEL": str(model),
               "BUTLER_RASA_URL": f"http://127.0.0.1:{port}"}
        result = subprocess.run([sys.executable, "-m", "assistant.cli", "run"], env=env, capture_output=True,
                                text=True, timeout=120)
    assert result.returncode == 3, result.stderr
    assert f"port {port}" in result.stderr and "rasa" in result.stderr and str(os.getpid()) in result.stderr


def test_child_output_reaches_the_log_with_personal_data_masked(tmp_path):
    script = "print('居民 13912345678 身份证 110101199003071234 电话 021-87654321', flush=True)"
    spec = ProcessSpec(name="p", argv=[sys.executable, "-c", script + "; import time; time.sleep(600)"],
                       env=dict(os.environ), log_path=tmp_path / "p.log")
    supervisor = Supervisor([spec], cwd=tmp_path)
    supervisor.start()
    try:
        assert wait_for(lambda: "居民" in spec.log_path.read_text())
    finally:
        supervisor.stop()
    text = spec.log_path.read_text()
    assert "139****5678" in text and "110101********4" in text and "021-****21" in text
    assert "13912345678" not in text and "110101199003071234" not in text and "87654321" not in text


LEASED_JOB = "import sys, time; open(sys.argv[1], 'a').write('ran\\n'); time.sleep(600)"


def test_a_second_jobs_loop_waits_while_the_first_holds_the_lease(tmp_path):
    import subprocess

    def job(marker):
        return subprocess.Popen([sys.executable, "-m", "assistant.lease", "--name", "reminders",
                                 "--data-dir", str(tmp_path), "--", sys.executable, "-c", LEASED_JOB, str(marker)],
                                stderr=subprocess.PIPE, text=True)

    first = job(tmp_path / "first")
    second = None
    try:
        assert wait_for(lambda: (tmp_path / "first").exists(), timeout=30)
        second = job(tmp_path / "second")
        assert "held by pid" in second.stderr.readline()  # it says it waits...
        time.sleep(2)
        assert not (tmp_path / "second").exists() and second.poll() is None  # ...and does not run
        first.kill()
        first.wait()
        assert wait_for(lambda: (tmp_path / "second").exists(), timeout=30)  # it takes over
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()


def test_a_lease_without_waiting_is_refused_while_held(tmp_path):
    import pytest

    from assistant.lease import LeaseHeld, hold

    with hold("jobs", tmp_path):
        with pytest.raises(LeaseHeld, match=str(os.getpid())):
            with hold("jobs", tmp_path, wait=False):
                pass
    with hold("jobs", tmp_path, wait=False):  # released with its holder
        pass
