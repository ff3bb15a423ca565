"""Database engine, sessions and the declarative base shared by every subpackage.

SQLite is the embedded default and PostgreSQL the production profile. Each
subpackage declares its tables on ``Base`` in its own ``models.py``; the schema
is created and upgraded only by Alembic (``migrations/``), never by
``create_all``, so tests run the same migrations production does.

SQLite note: pysqlite's own transaction handling is disabled and we emit BEGIN
ourselves (the SQLAlchemy-documented recipe). ``transaction()`` starts with
``BEGIN IMMEDIATE`` so that check-then-insert rules (slot capacity, daily id
sequences) are serialised; on PostgreSQL the same code relies on row locks
(``SELECT ... FOR UPDATE``) taken by the domain code.

SQLite under load (issue #12, ``make bench-load``): every connection runs in WAL mode
with a busy timeout, but SQLite calls its busy handler only for a transaction that
starts; a deferred transaction (``session()``) that has read and then writes fails at
once with "database is locked" whenever another connection holds the write lock. So

- ``take_write_lock(session)`` makes the session's transaction a write transaction
  before its first write (a no-op on PostgreSQL and in ``transaction()``): domain
  functions that read and then write in a caller's session call it (residents'
  get-or-create);
- ``retry_when_locked(fn)`` runs a whole transaction again, with a bounded back-off,
  when SQLite still answers "database is locked" (a writer starved past the busy
  timeout): the inbox and the idempotency keys, whose loss a resident would never see.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import structlog
from sqlalchemy import Column, DateTime, Engine, MetaData, create_engine, event, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from assistant.clock import TZ
from assistant.settings import PROJECT_ROOT, get_settings

log = structlog.get_logger(__name__)

T = TypeVar("T")

# How long an SQLite connection waits for a lock before "database is locked" (seconds).
BUSY_TIMEOUT = 30.0
# conn.info key: True while the connection's SQLite transaction holds the write lock.
_WRITING = "butler_sqlite_writing"
_WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class AwareDateTime(TypeDecorator):
    """An instant: stored in UTC, read back aware in the community's zone (Asia/Shanghai).

    SQLite has no time zones: SQLAlchemy stores a datetime's wall-clock digits and drops
    its offset, and hands back naive values. So an aware value is converted to UTC
    before it is stored (a +08:00 value would otherwise be stored 8 hours off), a naive
    one is taken as UTC (the project's rule: what is stored is UTC), and whatever comes
    back is aware, in Asia/Shanghai, on SQLite and PostgreSQL alike. Every API answer and
    export built from a column then carries its offset (ISO 8601 ``+08:00``).

    Every ``DateTime(timezone=True)`` column of ``Base`` gets this type (see
    ``_instants_are_aware`` below), so models keep declaring plain
    ``DateTime(timezone=True)``. Naive ``DateTime`` columns (the bookings' local
    wall-clock times) are left alone."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if isinstance(value, datetime):
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if isinstance(value, datetime):
            return (value.replace(tzinfo=UTC) if value.tzinfo is None else value).astimezone(TZ)
        return value


@event.listens_for(Column, "after_parent_attach")
def _instants_are_aware(column: Column, table) -> None:  # noqa: ANN001
    if (getattr(table, "metadata", None) is Base.metadata and isinstance(column.type, DateTime)
            and not isinstance(column.type, AwareDateTime) and column.type.timezone):
        column.type = AwareDateTime()


def _configure_sqlite(engine: Engine, begin_sql: str, busy_timeout: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # noqa: ANN001
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        conn.exec_driver_sql(begin_sql)
        conn.info[_WRITING] = begin_sql == "BEGIN IMMEDIATE"

    @event.listens_for(engine, "before_cursor_execute")
    def _on_execute(conn, _cursor, statement, _parameters, _context, _executemany):  # noqa: ANN001
        if not conn.info.get(_WRITING) and statement.lstrip()[:7].upper().startswith(_WRITE_VERBS):
            conn.info[_WRITING] = True


def make_engine(url: str, *, immediate: bool = False, busy_timeout: float = BUSY_TIMEOUT) -> Engine:
    """An engine for ``url``. ``immediate`` (SQLite only) begins every transaction
    with BEGIN IMMEDIATE, taking the write lock up front; ``busy_timeout`` (SQLite
    only) is how long a connection waits for a lock."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": busy_timeout})
        _configure_sqlite(engine, "BEGIN IMMEDIATE" if immediate else "BEGIN", busy_timeout)
        return engine
    return create_engine(url, pool_pre_ping=True)


def is_locked(exc: BaseException) -> bool:
    """SQLite's "database is locked" (SQLITE_BUSY), wrapped by SQLAlchemy or not."""
    if isinstance(exc, OperationalError):
        exc = exc.orig or exc
    return isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc).lower()


# Back-off of retry_when_locked: 0.05, 0.1, 0.2 ... 2 s (with jitter), at most this many tries.
RETRY_ATTEMPTS = 8
RETRY_FIRST_DELAY = 0.05
RETRY_MAX_DELAY = 2.0


def retry_when_locked(fn: Callable[[], T], *, what: str, attempts: int = RETRY_ATTEMPTS) -> T:
    """Run ``fn`` (one whole transaction) again when SQLite says "database is locked",
    waiting longer each time (bounded: ``attempts`` tries, each of which may itself
    wait the busy timeout). Any other error, and the last "locked", propagate."""
    delay = RETRY_FIRST_DELAY
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except (OperationalError, sqlite3.OperationalError) as exc:
            if not is_locked(exc) or attempt == attempts:
                raise
            log.warning("database_locked_retry", what=what, attempt=attempt)
            time.sleep(delay * random.uniform(0.5, 1.5))
            delay = min(delay * 2, RETRY_MAX_DELAY)
    raise AssertionError("unreachable")


def take_write_lock(session: Session) -> None:
    """Make ``session``'s transaction a write transaction before it writes.

    SQLite only (PostgreSQL takes its locks per row; a no-op there). A session from
    ``Database.session()`` begins deferred: it reads from a snapshot, and its first write
    must upgrade to the write lock, which SQLite refuses at once ("database is locked",
    no busy wait) while another connection writes. Here, if the transaction has not
    written yet, its read snapshot is ended (nothing of it is lost: it wrote nothing;
    objects already loaded keep their values, as under PostgreSQL's READ COMMITTED) and
    a ``BEGIN IMMEDIATE`` waits for the write lock, retried with back-off. Inside
    ``transaction()``, after a write, or in a savepoint it does nothing."""
    conn = session.connection()
    if conn.dialect.name != "sqlite" or conn.info.get(_WRITING, True) or session.in_nested_transaction():
        return
    driver = conn.connection.driver_connection
    if driver.in_transaction:
        driver.execute("COMMIT")  # a read-only snapshot: nothing to lose

    def begin_immediate() -> None:
        driver.execute("BEGIN IMMEDIATE")

    try:
        retry_when_locked(begin_immediate, what="take_write_lock")
    except Exception:
        driver.execute("BEGIN")  # leave a transaction open for SQLAlchemy to roll back
        raise
    conn.info[_WRITING] = True


class Database:
    """Sessions for one database URL: ``session()`` for ordinary work and
    ``transaction()`` for work that must not interleave with other writers."""

    def __init__(self, url: str, *, busy_timeout: float = BUSY_TIMEOUT):
        self.url = url
        self.engine = make_engine(url, busy_timeout=busy_timeout)
        self._write_engine = (make_engine(url, immediate=True, busy_timeout=busy_timeout)
                              if url.startswith("sqlite") else self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(self._write_engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed on success and rolled back on error."""
        with self._sessions() as s, s.begin():
            yield s

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Like ``session()`` but serialised against other writers (SQLite: BEGIN
        IMMEDIATE; PostgreSQL: take row locks with ``with_for_update()``)."""
        with self._write_sessions() as s, s.begin():
            yield s

    def dispose(self) -> None:
        self.engine.dispose()
        if self._write_engine is not self.engine:
            self._write_engine.dispose()


# pg_advisory_lock key of schema upgrades ("butler" in ASCII).
_UPGRADE_LOCK_KEY = 0x6275746C6572


@contextmanager
def _one_upgrade_at_a_time(url: str) -> Iterator[None]:
    """The gateway and the action server start together and both upgrade the schema
    on first use: without this, the second one's DDL meets the first one's write lock
    ("database is locked") or creates a table the first just created. SQLite: an
    exclusive flock beside the database file; PostgreSQL: a session advisory lock."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        import fcntl

        lock_path = Path(f"{parsed.database}.upgrade-lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file closes (or the process dies)
            yield
        return
    if parsed.get_backend_name() == "postgresql":
        from sqlalchemy import text

        engine = create_engine(url, poolclass=NullPool)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _UPGRADE_LOCK_KEY})
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _UPGRADE_LOCK_KEY})
        finally:
            engine.dispose()
        return
    yield


def upgrade(url: str) -> None:
    """Bring the schema at ``url`` to the newest revision of every branch (one process
    at a time)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url)
    cfg.attributes["configure_logger"] = False
    with _one_upgrade_at_a_time(url):
        command.upgrade(cfg, "heads")


@contextmanager
def temporary_postgres_database(admin_url: str, prefix: str = "butler_tmp") -> Iterator[Database]:
    """A fresh PostgreSQL database, migrated, dropped afterwards (tests, benchmarks)."""
    import uuid

    from sqlalchemy import text

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    database: Database | None = None
    try:
        url = admin_url.rsplit("/", 1)[0] + f"/{name}"
        upgrade(url)
        database = Database(url)
        yield database
    finally:
        if database is not None:
            database.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@lru_cache
def get_database() -> Database:
    """The process-wide database from settings (schema upgraded on first use)."""
    settings = get_settings()
    settings.ensure_dirs()
    upgrade(settings.resolved_database_url)
    return Database(settings.resolved_database_url)
