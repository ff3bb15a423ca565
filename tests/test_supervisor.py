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
    assert set(specs) == {"rasa", "actions", "gateway", "reminders"}
    assert "6005" in specs["rasa"].argv and "6055" in specs["actions"].argv and "8123" in specs["gateway"].argv
    assert specs["rasa"].env["BUTLER_ACTION_ENDPOINT"] == "http://127.0.0.1:6055/webhook"
    assert specs["gateway"].env["BUTLER_DATA_DIR"] == str(tmp_path)
    # Only the action server answers residents' policy questions: only it loads the model at start.
    assert specs["actions"].env["BUTLER_WARM_UP_KNOWLEDGE_BASE"] == "true"
    assert "BUTLER_WARM_UP_KNOWLEDGE_BASE" not in specs["gateway"].env
