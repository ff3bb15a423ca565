"""The project's one clock: every "now" of the application reads it.

``now()`` is an aware UTC datetime, ``local_now()`` the same instant in Asia/Shanghai
(the community's wall clock: booking days, ticket ids, working days), ``today()`` its
local date.

By default the clock is the system clock. A process-wide clock can be moved for tests
and demonstrations with two environment variables (read once, when this module is
imported, i.e. when the process starts; never from ``.env``):

``BUTLER_CLOCK_START``
    An ISO 8601 instant with an offset (``2026-12-31T23:59:30+08:00``). The clock reads
    this instant when the process starts and then ticks forward in real time, so
    timeouts, ordering and "five minutes later" still work.
``BUTLER_CLOCK_ANCHOR``
    Optional: the ``time.monotonic()`` reading (machine-wide on Linux) at which the
    clock read ``BUTLER_CLOCK_START``. Processes given the same pair share one clock to
    the microsecond, whenever each of them started. A process that finds a start but
    no anchor sets the anchor in its own environment, so the processes it starts (the
    supervisor's Rasa action server, gateway and reminder job) share its clock, and a
    restarted process does not jump back to the start.

Nothing in production sets them. Authentication token times may stay on the system
clock (they are about real elapsed time, not the calendar).
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
START_ENV = "BUTLER_CLOCK_START"
ANCHOR_ENV = "BUTLER_CLOCK_ANCHOR"

# When this process started, as far as the clock is concerned.
_IMPORTED_AT = time.monotonic()


class ClockError(ValueError):
    """A clock setting that cannot be read."""


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant that names its offset (``2027-01-03T10:00:00+08:00``, ``...Z``),
    as an aware UTC datetime. A time without an offset is refused: it would mean a
    different instant on every machine."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ClockError(f"not an ISO 8601 instant: {text!r}") from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise ClockError(f"the instant must name its offset, e.g. 2027-01-03T10:00:00+08:00: {text!r}")
    return value.astimezone(UTC)


@dataclass(frozen=True)
class Clock:
    """A clock that read ``start`` when ``time.monotonic()`` was ``anchor`` and ticks on
    from there (or stands still when ``tick`` is false). ``start=None`` is the system
    clock."""

    start: datetime | None = None
    anchor: float = 0.0
    tick: bool = True

    @classmethod
    def starting_at(cls, start: datetime, *, tick: bool = True) -> Clock:
        """A clock that reads ``start`` now."""
        if start.tzinfo is None:
            raise ClockError("the clock needs an aware datetime")
        return cls(start=start.astimezone(UTC), anchor=time.monotonic(), tick=tick)

    @property
    def moved(self) -> bool:
        return self.start is not None

    def now(self) -> datetime:
        if self.start is None:
            return datetime.now(UTC)
        if not self.tick:
            return self.start
        return self.start + timedelta(seconds=time.monotonic() - self.anchor)

    def local_now(self) -> datetime:
        return self.now().astimezone(TZ)

    def today(self) -> date:
        return self.local_now().date()

    def env(self) -> dict[str, str]:
        """The environment that gives a child process this same clock (empty for the
        system clock). A standing clock cannot be handed on: children tick."""
        if self.start is None:
            return {}
        return {START_ENV: self.start.isoformat(), ANCHOR_ENV: repr(self.anchor)}


def from_environ(environ: dict[str, str] | os._Environ | None = None, *, started_at: float | None = None) -> Clock:
    """The clock that ``BUTLER_CLOCK_START`` / ``BUTLER_CLOCK_ANCHOR`` describe."""
    environ = os.environ if environ is None else environ
    raw = (environ.get(START_ENV) or "").strip()
    if not raw:
        return Clock()
    start = parse_instant(raw)
    anchor = started_at if started_at is not None else time.monotonic()
    raw_anchor = (environ.get(ANCHOR_ENV) or "").strip()
    if raw_anchor:
        try:
            given = float(raw_anchor)
        except ValueError:
            raise ClockError(f"{ANCHOR_ENV} must be a time.monotonic() reading: {raw_anchor!r}") from None
        if 0 <= given <= time.monotonic():  # a reading from this machine's current boot
            anchor = given
    return Clock(start=start, anchor=anchor)


def _process_clock() -> Clock:
    clock = from_environ(started_at=_IMPORTED_AT)
    if clock.moved and not (os.environ.get(ANCHOR_ENV) or "").strip():
        os.environ[ANCHOR_ENV] = repr(clock.anchor)  # children share this clock
    return clock


_lock = threading.Lock()
_process = _process_clock()
_current = _process


def current() -> Clock:
    return _current


def now() -> datetime:
    """The current instant, aware, in UTC."""
    return _current.now()


def local_now() -> datetime:
    """The current instant in Asia/Shanghai."""
    return _current.now().astimezone(TZ)


def today() -> date:
    """Today's date in Asia/Shanghai."""
    return local_now().date()


def set_clock(clock: Clock | datetime | None, *, tick: bool = True) -> Clock:
    """Make ``clock`` the process's clock (a datetime: a clock starting there now;
    ``None``: the clock the process started with). Returns the previous clock. For
    tests and demonstrations."""
    global _current
    if isinstance(clock, datetime):
        clock = Clock.starting_at(clock, tick=tick)
    with _lock:
        previous, _current = _current, clock or _process
    return previous


def reset() -> Clock:
    """Back to the clock the process started with."""
    return set_clock(None)
