"""Fixtures shared by the whole suite.

- ``clock``: the test's "now" (``BUTLER_TEST_NOW`` when set, else the real now), moved
  together on the project clock (``assistant.clock``), on the system clock
  (time-machine) and for subprocesses (``BUTLER_CLOCK_START``). Tests marked ``dates``
  (see ``DATE_SENSITIVE``) get it automatically; ``make test-dates`` runs them with
  ``BUTLER_TEST_NOW`` set to the dates that once broke the suite.
- ``db``: a fresh SQLite database in a temp folder, migrated by Alembic.
- ``app_env`` / ``client`` / ``tokens``: the gateway in-process on ``db``, with one
  bearer token per staff role.
- ``pg_db``: a fresh PostgreSQL database on the machine's server (127.0.0.1:5432,
  the production profile), migrated the same way and dropped afterwards.
- ``butler`` (tests/e2e/conftest.py): the real Rasa server, action server and gateway.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

# Before anything of the application is imported: the suite never reads an operator's
# .env, never inherits a moved clock from the shell (BUTLER_TEST_NOW is the one way to
# move it) and never reads an operator's holiday file (a test that wants one sets
# BUTLER_HOLIDAYS_FILE itself). Subprocesses the tests start inherit all of this.
os.environ["BUTLER_ENV_FILE"] = ""
os.environ.pop("BUTLER_CLOCK_START", None)
os.environ.pop("BUTLER_CLOCK_ANCHOR", None)
os.environ["BUTLER_HOLIDAYS_FILE"] = "/nonexistent/butler-tests/holidays.yml"

import hypothesis
import pytest
import time_machine
from fastapi.testclient import TestClient

from assistant import clock as project_clock
from assistant.db import Database, temporary_postgres_database, upgrade

# Property tests: `make test` (and CI) draws the same examples on every run, so a run
# can only fail on an input an earlier run also met — a clean clone cannot meet a new
# one by chance. Exploring for new counter-examples is a separate, deliberate run:
#   HYPOTHESIS_PROFILE=explore .venv/bin/python -m pytest tests/voice/test_normalise.py
# and whatever it finds is pinned with @example before the fix lands.
hypothesis.settings.register_profile("ci", derandomize=True, database=None, print_blob=True,
                                     deadline=None)
hypothesis.settings.register_profile("explore", max_examples=2000, deadline=None, print_blob=True)
hypothesis.settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

TEST_NOW_ENV = "BUTLER_TEST_NOW"
# The tests whose outcome depends on the date: make test-dates runs them (-m dates) once
# per date of its list. Paths relative to the repository; a directory ends with "/".
DATE_SENSITIVE = (
    "tests/booking/",
    "tests/tickets/test_lifecycle.py",
    "tests/tickets/test_api.py",
    "tests/tickets/test_export.py",
    "tests/tickets/test_service.py",
    "tests/tickets/test_ids.py",
    "tests/tickets/test_open311.py",
    "tests/tickets/test_actions.py",
    "tests/e2e/test_booking_chat.py",
    "tests/e2e/test_complaint_chat.py",
)

OPEN311_KEY = "open311-test-key"
PG_ADMIN_URL = os.environ.get("BUTLER_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def suite_now() -> datetime:
    """The instant the tests take as "now": ``BUTLER_TEST_NOW`` (ISO 8601 with an
    offset) when set, else the real now."""
    raw = os.environ.get(TEST_NOW_ENV, "").strip()
    return project_clock.parse_instant(raw) if raw else datetime.now(UTC)


def pytest_configure(config: pytest.Config) -> None:
    try:
        suite_now()
    except project_clock.ClockError as exc:
        raise pytest.UsageError(f"{TEST_NOW_ENV}: {exc}") from None


def pytest_report_header(config: pytest.Config) -> str:
    raw = os.environ.get(TEST_NOW_ENV, "").strip()
    return f"clock: {TEST_NOW_ENV}={raw}" if raw else "clock: the real now"


# The files whose tests share the session's butler stack (tests/e2e/conftest.py
# `butler`); the other files of tests/e2e start a stack of their own.
SHARED_STACK_DIR = "tests/e2e/"
OWN_STACK_FILES = ("tests/e2e/test_voice_e2e.py", "tests/e2e/test_degraded_e2e.py")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """`make test` runs the suite on two pytest-xdist workers, a file at a time
    (``--dist loadfile``: a module-scoped fixture, such as a file's own stack, starts
    once), except that every file on the shared butler stack goes to the same worker,
    so that stack starts once per run, not once per worker. (xdist's own
    ``--dist loadgroup`` would do this with marks, but it renames node ids, which
    pytest 9 no longer allows: it silently groups nothing.)"""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class SharedStackScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = super()._split_scope(nodeid)
            if path.startswith(SHARED_STACK_DIR) and path not in OWN_STACK_FILES:
                return SHARED_STACK_DIR
            return path

    return SharedStackScheduling(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = Path(str(config.rootpath))
    for item in items:
        try:
            rel = Path(str(item.path)).relative_to(root).as_posix()
        except ValueError:
            continue
        if any(rel.startswith(p) if p.endswith("/") else rel == p for p in DATE_SENSITIVE):
            item.add_marker(pytest.mark.dates)


class InjectedClock:
    """One test's clock. ``move_to`` sets the project clock (``assistant.clock``), the
    system clock seen by Python (time-machine: ``datetime.now``, ``date.today``,
    ``time.time``; ``time.monotonic`` is left alone so timeouts work) and the
    ``BUTLER_CLOCK_START``/``BUTLER_CLOCK_ANCHOR`` of subprocesses started from
    ``os.environ``. It ticks in real time unless told otherwise."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self._monkeypatch = monkeypatch
        self._traveller: time_machine.travel | None = None

    def move_to(self, when: datetime, *, tick: bool = True) -> datetime:
        """Go to ``when`` (a naive value is Shanghai wall-clock time)."""
        if when.tzinfo is None:
            when = when.replace(tzinfo=project_clock.TZ)
        self._stop_travel()
        self._traveller = time_machine.travel(when, tick=tick)
        self._traveller.start()
        moved = project_clock.Clock.starting_at(when, tick=tick)
        project_clock.set_clock(moved)
        for name, value in moved.env().items():
            self._monkeypatch.setenv(name, value)
        return when

    def shift(self, delta: timedelta) -> datetime:
        return self.move_to(self.now() + delta, tick=project_clock.current().tick)

    def now(self) -> datetime:
        return project_clock.now()

    def local_now(self) -> datetime:
        return project_clock.local_now()

    def today(self) -> date:
        return project_clock.today()

    def wall(self) -> datetime:
        """Now as the bookings store it: naive Shanghai wall-clock time, whole seconds."""
        return self.local_now().replace(tzinfo=None, microsecond=0)

    def _stop_travel(self) -> None:
        if self._traveller is not None:
            self._traveller.stop()
            self._traveller = None

    def stop(self) -> None:
        self._stop_travel()
        project_clock.reset()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[InjectedClock]:
    """The test's "now": ``BUTLER_TEST_NOW`` or the real now, on every clock."""
    injected = InjectedClock(monkeypatch)
    injected.move_to(suite_now())
    yield injected
    injected.stop()


@pytest.fixture(autouse=True)
def _date_sensitive_tests_run_on_the_injected_clock(request: pytest.FixtureRequest) -> None:
    """Tests marked ``dates`` run on the injected clock even when they do not ask for
    it, so a hidden dependency on today's date fails under ``make test-dates``. The
    end-to-end tests use the clock their servers were started with (``butler.clock``)."""
    if request.node.get_closest_marker("dates") and not request.node.get_closest_marker("e2e"):
        request.getfixturevalue("clock")


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated by Alembic to the newest revision, once per session (per
    xdist worker). A fresh migration holds only the schema and Alembic's version row, so
    a copy of it is the same database a new migration would make, in a millisecond
    instead of a fifth of a second (some 2,500 tests ask for ``db``).
    tests/test_db_upgrade.py runs the migrations themselves."""
    path = tmp_path_factory.mktemp("migrated-template") / "butler.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def db(tmp_path: Path, migrated_sqlite_template: Path) -> Iterator[Database]:
    path = tmp_path / "butler.db"
    # sqlite3's backup API: a consistent copy whatever the template's journal mode.
    source, target = sqlite3.connect(migrated_sqlite_template), sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


@pytest.fixture
def pg_db() -> Iterator[Database]:
    """A throw-away PostgreSQL database. Fails (not skips) when the server is down:
    the production profile must be tested wherever the suite runs."""
    with temporary_postgres_database(PG_ADMIN_URL, prefix="butler_test") as database:
        yield database


@pytest.fixture
def app_env(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
            clock: InjectedClock) -> Iterator[Database]:
    """Point the process-wide settings and database (used by require_role and the
    routers) at the test's migrated SQLite database and a fresh data dir, on the
    injected clock (set before any token is issued)."""
    from assistant.db import get_database
    from assistant.settings import get_settings

    monkeypatch.setenv("BUTLER_DATABASE_URL", db.url)
    monkeypatch.setenv("BUTLER_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("BUTLER_OPEN311_API_KEY", OPEN311_KEY)
    monkeypatch.setenv("BUTLER_ALERT_WEBHOOK_URL", "")
    get_settings.cache_clear()
    get_database.cache_clear()
    yield db
    get_database().dispose()
    get_settings.cache_clear()
    get_database.cache_clear()


@pytest.fixture
def client(app_env: Database) -> Iterator[TestClient]:
    """The gateway in-process (FastAPI TestClient) on the test database."""
    from assistant.api.app import create_app
    from assistant.settings import get_settings

    with TestClient(create_app(get_settings())) as test_client:
        yield test_client


@pytest.fixture
def tokens(app_env: Database) -> dict[str, str]:
    """One bearer token per staff role."""
    from assistant.auth.service import create_user, issue_token
    from assistant.settings import get_settings

    out = {}
    with app_env.session() as session:
        for role in ("admin", "dispatcher", "worker", "viewer"):
            user = create_user(session, f"{role}1", "correct-horse-battery", role)
            out[role] = issue_token(get_settings(), user)
    return out


@pytest.fixture(params=["sqlite", "postgres"])
def any_db(request) -> Database:
    """Runs a test once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue("db" if request.param == "sqlite" else "pg_db")


@pytest.fixture
def domain() -> dict:
    """Rasa's domain as the action server receives it: every file of domain/ merged
    (the actions' tests run them with it)."""
    import yaml

    from assistant.settings import PROJECT_ROOT

    merged: dict = {"slots": {}, "forms": {}, "responses": {}}
    for path in sorted((PROJECT_ROOT / "domain").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key in merged:
            merged[key].update(data.get(key) or {})
    return merged
