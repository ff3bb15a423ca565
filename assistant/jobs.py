"""One job runner for every capability's periodic work (issue #14 item 5): a registry
of periodic jobs (name, interval, function) run by one supervised process, ``butler
jobs run``.

- **Registered jobs** (``JOBS``): booking reminders, the elder-care ladder (daily
  check-in prompts, second prompts, care tickets, urgent alerts), and the delivery of
  the contact messages queued for the contact webhook, the cleanup of photos that
  never met their complaint. A capability adds its own with
  ``register_job``.
- **One run at a time per job, across processes**: each run holds the job's own lease
  (``assistant/lease.py``, ``job-<name>``, taken without waiting); a second jobs process
  finds it held and skips that turn. What a job sends is recorded in the database with
  a unique key (reminders, ladder steps, outbox dedupe keys), so even two runs one after
  the other send nothing twice.
- **The schedule survives restarts**: when each job last started and finished (and
  how) is kept in ``<data_dir>/jobs/<name>.json``, read and written under the job's
  lease, so a restarted process (or a second one) runs a job when it is due, not at
  once and not twice.

A job's failure is logged and recorded; the job runs again at its next turn and the
other jobs go on.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import structlog
import typer

from assistant import clock
from assistant.lease import LeaseHeld, acquire

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Job:
    """``run(db, now)`` does one turn and returns a short summary; ``every(settings)``
    is the interval in seconds (0 or less: the job is off)."""

    name: str
    every: Callable[[object], float]
    run: Callable[[object, datetime], str]
    description: str = ""


JOBS: dict[str, Job] = {}


def register_job(name: str, every: Callable[[object], float], description: str = ""):
    """Decorator: add ``fn(db, now) -> str`` to the registry as ``name``."""

    def add(fn: Callable[[object, datetime], str]) -> Callable[[object, datetime], str]:
        JOBS[name] = Job(name=name, every=every, run=fn, description=description)
        return fn

    return add


# ---- the registered jobs ----------------------------------------------------------------

@register_job("booking-reminders", every=lambda s: 60, description="预约前一天的提醒（送进共享发件箱）")
def _booking_reminders(db, now: datetime) -> str:
    from assistant.booking.service import send_due_reminders

    run = send_due_reminders(db, now)
    return f"reminders sent {len(run.sent)}, failed {len(run.failed)}, skipped {len(run.skipped)}"


@register_job("care-ladder", every=lambda s: s.care_sweep_seconds,
              description="独居老人关怀：报平安提示、再次提示、关怀工单、紧急提醒")
def _care_ladder(db, now: datetime) -> str:
    from assistant.care.ladder import sweep

    return sweep(db, now).summary()


@register_job("care-contact-webhook", every=lambda s: 30 if s.care_contact_webhook_url else 0,
              description="紧急联系人的短信网关投递（有重试）")
def _care_contact_webhook(db, now: datetime) -> str:
    from assistant.care.ladder import deliver_contact_webhook

    return f"delivered {deliver_contact_webhook(db, now)}"


@register_job("staff-alerts", every=lambda s: 15 if s.alert_webhook_url else 0,
              description="紧急工单提醒：当时没送到值班 webhook 的，重试（有退避）")
def _staff_alerts(db, now: datetime) -> str:
    return f"delivered {deliver_staff_alerts(db, now)}"


def deliver_staff_alerts(db, now: datetime | None = None, *, transport=None) -> int:
    """Retry the staff alerts the webhook did not take when they happened
    (``assistant.tickets.emergency.send_alert`` queued them); returns how many it took now."""
    import anyio

    from assistant.outbox import deliver_due
    from assistant.outbox.webhook import json_webhook_adapter
    from assistant.settings import get_settings
    from assistant.tickets.emergency import STAFF_ALERT_CHANNEL

    url = get_settings().alert_webhook_url
    if not url:
        return 0
    adapter = json_webhook_adapter(url, transport=transport)
    run = anyio.run(lambda: deliver_due(db, now, {STAFF_ALERT_CHANNEL: adapter}))
    return len(run.sent)


@register_job("attachments-cleanup", every=lambda s: 3600,
              description="删除等了一天还没对上投诉的照片（连同文件）")
def _attachments_cleanup(db, now: datetime) -> str:
    from assistant.tickets.attachments import forget_stale

    return f"forgotten {forget_stale(db, now)}"


# ---- the runner ----------------------------------------------------------------------------

def _state_path(data_dir: Path, name: str) -> Path:
    return Path(data_dir) / "jobs" / f"{name}.json"


def read_state(data_dir: Path | str, name: str) -> dict:
    try:
        return json.loads(_state_path(Path(data_dir), name).read_text())
    except (OSError, ValueError):
        return {}


def _write_state(data_dir: Path, name: str, state: dict) -> None:
    path = _state_path(data_dir, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(state, ensure_ascii=False))
    os.replace(tmp, path)  # atomic: a reader sees the old state or the new one


def _due(state: dict, now: datetime, interval: float) -> bool:
    started = state.get("last_started")
    if not started:
        return True
    try:
        last = datetime.fromisoformat(started)
    except ValueError:
        return True
    # A clock set back (an operator, a test clock) never stalls a job: the clock counts
    # as set back only when the last start is more than one interval ahead of now (a
    # second process whose clock reads a little earlier is not a clock set back).
    if last - now > timedelta(seconds=interval):
        return True
    return now >= last + timedelta(seconds=interval)


class JobRunner:
    """Runs the enabled jobs of ``jobs`` when due; ``tick()`` is one pass."""

    def __init__(self, db, data_dir: Path | str, settings, jobs: dict[str, Job] | None = None,
                 now: Callable[[], datetime] = clock.now):
        self.db = db
        self.data_dir = Path(data_dir)
        self.now = now
        self.jobs = [(job, float(job.every(settings))) for job in (jobs if jobs is not None else JOBS).values()]
        self.jobs = [(job, every) for job, every in self.jobs if every > 0]

    def run_if_due(self, job: Job, every: float) -> str:
        """``ran``, ``failed``, ``not_due`` or ``busy`` (another process is running it)."""
        try:
            fd = acquire(f"job-{job.name}", self.data_dir, wait=False)
        except LeaseHeld:
            return "busy"
        try:
            now = self.now()
            state = read_state(self.data_dir, job.name)
            if not _due(state, now, every):
                return "not_due"
            state = {**state, "last_started": now.isoformat(), "pid": os.getpid()}
            _write_state(self.data_dir, job.name, state)
            started = time.perf_counter()
            try:
                summary, ok = job.run(self.db, now), True
            except Exception as exc:  # noqa: BLE001 - one job's failure never stops the others
                log.exception("job_failed", job=job.name)
                summary, ok = f"{type(exc).__name__}", False
            seconds = round(time.perf_counter() - started, 3)
            _write_state(self.data_dir, job.name, {**state, "last_finished": self.now().isoformat(), "ok": ok,
                                                   "summary": str(summary)[:500], "seconds": seconds})
            log.info("job_ran", job=job.name, ok=ok, seconds=seconds, summary=str(summary)[:200])
            return "ran" if ok else "failed"
        finally:
            os.close(fd)

    def tick(self) -> dict[str, str]:
        return {job.name: self.run_if_due(job, every) for job, every in self.jobs}

    def run_forever(self, stop: threading.Event, poll: float = 1.0) -> None:
        log.info("jobs_started", jobs={job.name: every for job, every in self.jobs})
        while not stop.is_set():
            self.tick()
            stop.wait(poll)
        log.info("jobs_stopped")


# ---- butler jobs ---------------------------------------------------------------------------

app = typer.Typer(help="定时任务：预约提醒、报平安提示与升级提醒……（一个进程，每个任务一把锁）",
                  no_args_is_help=True)


@app.command("run")
def run_command(once: bool = typer.Option(False, "--once", help="把到期的任务各跑一次就退出"),
                only: list[str] = typer.Option(None, "--only", help="只跑这些任务（可重复）")) -> None:
    """Run the registered periodic jobs when due, until SIGTERM or Ctrl-C."""
    from assistant.db import get_database
    from assistant.logging import configure_logging
    from assistant.settings import get_settings
    from assistant.shutdown import stop_on_signals

    settings = get_settings()
    configure_logging(settings)  # JSON, personal data masked
    unknown = set(only or []) - set(JOBS)
    if unknown:
        typer.echo(f"没有这些任务：{', '.join(sorted(unknown))}（有：{', '.join(JOBS)}）", err=True)
        raise typer.Exit(2)
    jobs = {name: job for name, job in JOBS.items() if not only or name in only}
    runner = JobRunner(get_database(), settings.data_dir, settings, jobs)
    if once:
        for name, outcome in runner.tick().items():
            typer.echo(f"{name}: {outcome}")
        return
    stop = threading.Event()
    stop_on_signals(stop)
    runner.run_forever(stop)


@app.command("list")
def list_command() -> None:
    """The registered jobs, their intervals and their last runs."""
    from assistant.settings import get_settings

    settings = get_settings()
    for name, job in JOBS.items():
        every = float(job.every(settings))
        state = read_state(settings.data_dir, name)
        last = state.get("last_started") or "从未运行"
        typer.echo(f"{name}\t{'关闭' if every <= 0 else f'每 {every:g} 秒'}\t上次 {last}\t{state.get('summary', '')}"
                   f"\t{job.description}")
