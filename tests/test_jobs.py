"""One jobs process (issue #14 item 5): a registry of periodic jobs run by ``butler jobs
run``, each job under its own lease; two job processes send each message once; the
schedule survives a restart; a failing job does not stop the others."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from sqlalchemy import select
from typer.testing import CliRunner

from assistant.booking.catalogue import DEFAULT_PATH, load_catalogue
from assistant.booking.service import book
from assistant.care.service import register
from assistant.clock import TZ
from assistant.db import Database
from assistant.jobs import JOBS, Job, JobRunner, read_state
from assistant.lease import hold
from assistant.outbox.models import OutboxMessage
from assistant.settings import Settings

# The day before a Tuesday 15:00 booking, at the catalogue's 10:00: its reminder is due;
# the elders' check-in window (09:30–11:00) is open: their prompts are due.
DUE = datetime(2026, 11, 30, 10, 0, tzinfo=TZ)


def _settings(tmp_path, **values) -> Settings:
    return Settings(data_dir=tmp_path / "var", care_sweep_seconds=60, **values)


def test_the_registry_and_the_settings_that_switch_jobs(tmp_path):
    assert {"booking-reminders", "care-ladder", "care-contact-webhook"} <= set(JOBS)
    names = lambda s: [job.name for job, _ in JobRunner(None, tmp_path, s).jobs]  # noqa: E731
    assert names(_settings(tmp_path)) == ["booking-reminders", "care-ladder", "attachments-cleanup"]
    assert "care-ladder" not in names(Settings(data_dir=tmp_path, care_sweep_seconds=0))
    assert "care-contact-webhook" in names(_settings(tmp_path, care_contact_webhook_url="http://sms.test/"))


def _world(db):
    catalogue = load_catalogue(DEFAULT_PATH).model_copy(update={"closed_dates": []})
    before = datetime(2026, 11, 29, 10, 0)
    for i in range(3):
        book(db, sender_id=f"telegram:{40 + i}", service="理发", starts_at=datetime(2026, 12, 1, 15, 0),
             address="幸福路8号", now=before, catalogue=catalogue)
    for i in range(5):
        register(db, name=f"老人{i}", phone=f"1391234000{i}", address=f"{i}号楼", sender_id=f"telegram:{100 + i}",
                 window_start="09:30", window_end="11:00", now=datetime(2026, 11, 30, 7, 0, tzinfo=TZ))


def _keys(db):
    with db.session() as session:
        return sorted(session.scalars(select(OutboxMessage.dedupe_key)))


def test_two_job_processes_send_each_message_once(db, tmp_path, clock):
    clock.move_to(DUE)
    _world(db)
    settings = _settings(tmp_path)
    second = Database(db.url)  # the other process's own connections
    try:
        runners = [JobRunner(db, settings.data_dir, settings, now=lambda: DUE),
                   JobRunner(second, settings.data_dir, settings, now=lambda: DUE)]
        outcomes: list[dict[str, str]] = []
        start = threading.Barrier(2)

        def work(runner):
            start.wait()
            for _ in range(3):
                outcomes.append(runner.tick())

        threads = [threading.Thread(target=work, args=(r,)) for r in runners]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not any(t.is_alive() for t in threads)
    finally:
        second.dispose()
    # Each job ran once in all: the other process found it busy (its lease) or not due.
    for name in ("booking-reminders", "care-ladder"):
        seen = [o[name] for o in outcomes]
        assert seen.count("ran") == 1 and set(seen) <= {"ran", "busy", "not_due"}, (name, seen)
    keys = _keys(db)
    assert len(keys) == len(set(keys)) == 8  # 3 reminders + 5 prompts, each once
    assert sum(k.startswith("booking:") for k in keys) == 3 and sum(k.startswith("care:") for k in keys) == 5


def test_the_schedule_survives_a_restart(tmp_path):
    runs: list[datetime] = []
    jobs = {"count": Job(name="count", every=lambda s: 60, run=lambda db, now: runs.append(now) or "ok")}
    now = [DUE]
    first = JobRunner(None, tmp_path, None, jobs, now=lambda: now[0])
    assert first.tick() == {"count": "ran"}
    now[0] = DUE + timedelta(seconds=30)
    assert first.tick() == {"count": "not_due"}
    restarted = JobRunner(None, tmp_path, None, jobs, now=lambda: now[0])  # a new process, same data dir
    assert restarted.tick() == {"count": "not_due"}  # not at once: it ran 30 s ago
    now[0] = DUE + timedelta(seconds=60)
    assert restarted.tick() == {"count": "ran"}
    assert runs == [DUE, DUE + timedelta(seconds=60)]
    state = read_state(tmp_path, "count")
    assert state["ok"] is True and state["summary"] == "ok"
    assert datetime.fromisoformat(state["last_started"]) == DUE + timedelta(seconds=60)
    # A clock set back never stalls a job.
    now[0] = DUE - timedelta(days=1)
    assert restarted.tick() == {"count": "ran"}


def test_a_failing_job_is_recorded_and_the_others_run(tmp_path):
    def broken(db, now):
        raise RuntimeError("database went away")

    ran = []
    jobs = {"broken": Job(name="broken", every=lambda s: 60, run=broken),
            "fine": Job(name="fine", every=lambda s: 60, run=lambda db, now: ran.append(now) or "ok")}
    runner = JobRunner(None, tmp_path, None, jobs, now=lambda: DUE)
    assert runner.tick() == {"broken": "failed", "fine": "ran"}
    assert read_state(tmp_path, "broken")["ok"] is False and ran == [DUE]


def test_a_job_held_by_another_process_is_skipped(tmp_path):
    ran = []
    jobs = {"x": Job(name="x", every=lambda s: 60, run=lambda db, now: ran.append(now) or "ok")}
    runner = JobRunner(None, tmp_path, None, jobs, now=lambda: DUE)
    with hold("job-x", tmp_path, wait=False):
        assert runner.tick() == {"x": "busy"}
    assert runner.tick() == {"x": "ran"} and ran == [DUE]


def test_butler_jobs_run_once_and_list(app_env, clock):
    import structlog

    from assistant.cli import app

    saved = structlog.get_config()  # `butler jobs run` configures logging for its process
    try:
        _cli_checks(app)
    finally:
        structlog.configure(**saved)


def _cli_checks(app):
    runner = CliRunner()
    result = runner.invoke(app, ["jobs", "run", "--once", "--only", "booking-reminders"])
    assert result.exit_code == 0, result.output
    assert "booking-reminders: ran" in result.output and "care-ladder" not in result.output
    result = runner.invoke(app, ["jobs", "run", "--once", "--only", "nope"])
    assert result.exit_code == 2
    listed = runner.invoke(app, ["jobs", "list"])
    assert listed.exit_code == 0 and "booking-reminders" in listed.output and "care-ladder" in listed.output


def test_two_real_job_processes_push_each_prompt_once(app_env, clock):
    """Two `butler jobs run` processes at once on one database and data dir (two
    supervisors, or an orphan beside a new one): every prompt is queued once."""
    import os
    import subprocess
    import sys
    import time

    from assistant.settings import PROJECT_ROOT

    db = app_env
    for i in range(5):
        register(db, name=f"老人{i}", phone=f"1391234000{i}", address=f"{i}号楼", sender_id=f"telegram:{100 + i}",
                 window_start="09:30", window_end="11:00", now=datetime(2026, 11, 30, 7, 0, tzinfo=TZ))
    # One clock for both processes: the same start at the same monotonic anchor
    # (assistant/clock.py), so neither reads the other's start as "in the future".
    env = dict(os.environ)
    env["BUTLER_CLOCK_START"] = DUE.isoformat()
    env["BUTLER_CLOCK_ANCHOR"] = repr(time.monotonic())
    command = [sys.executable, "-m", "assistant.cli", "jobs", "run", "--once", "--only", "care-ladder"]
    procs = [subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    outcomes = sorted(out.strip().rpartition(": ")[2] for out in outputs)
    assert outcomes.count("ran") == 1 and set(outcomes) <= {"ran", "busy", "not_due"}, outputs
    keys = _keys(db)
    assert len(keys) == len(set(keys)) == 5 and all(k.endswith(":day:2026-11-30:prompt") for k in keys)


def test_due_counts_the_clock_set_back_only_beyond_one_interval():
    from assistant.jobs import _due

    last = DUE
    state = {"last_started": last.isoformat()}
    assert _due({}, DUE, 60) and _due({"last_started": "garbage"}, DUE, 60)
    # Another process's clock a little behind (or ahead) within the interval: not due.
    assert not _due(state, last - timedelta(seconds=5), 60)
    assert not _due(state, last + timedelta(seconds=59), 60)
    assert _due(state, last + timedelta(seconds=60), 60)
    # Exactly one interval behind is not yet "set back"; beyond it, the job runs.
    assert not _due(state, last - timedelta(seconds=60), 60)
    assert _due(state, last - timedelta(seconds=61), 60)
    assert _due(state, last - timedelta(days=1), 60)
