"""Booking fixtures: the catalogue the tests control, and the days they pick from the
injected clock (``clock``, tests/conftest.py) instead of the machine's date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest

from assistant.booking.catalogue import DEFAULT_PATH, Catalogue, load_catalogue, save_catalogue

# A Sunday morning in Asia/Shanghai (naive = local wall-clock, the storage convention).
# Tests with fixed dates pass it as ``now=`` explicitly.
NOW = datetime(2026, 11, 29, 10, 0)


def with_closed(catalogue: Catalogue, *days: date) -> Catalogue:
    """The same catalogue with exactly these closed dates."""
    return catalogue.model_copy(update={"closed_dates": sorted(days)})


@pytest.fixture
def catalogue() -> Catalogue:
    """The packaged services with the closed dates the tests choose: none, unless a
    test closes a day itself (``with_closed``). Never a staff override lying around in
    var/, and never the packaged closed dates, which change with the years."""
    return with_closed(load_catalogue(DEFAULT_PATH))


@pytest.fixture(autouse=True)
def _the_application_reads_the_test_catalogue(request: pytest.FixtureRequest, catalogue: Catalogue) -> None:
    """Code that loads the catalogue itself (API, CLI, actions) reads the test's one:
    it is installed as the staff override of the test's data directory."""
    if "app_env" in request.fixturenames:
        request.getfixturevalue("app_env")
        save_catalogue(catalogue)


@pytest.fixture
def now() -> datetime:
    return NOW


@dataclass
class Days:
    """Days relative to the injected clock's today, on the test catalogue."""

    clock: object  # tests/conftest.py InjectedClock
    catalogue: Catalogue

    def today(self) -> date:
        return self.clock.today()

    def close(self, *closed: date) -> Catalogue:
        """The test catalogue with exactly these days closed."""
        return with_closed(self.catalogue, *closed)

    def works(self, day: date, service: str = "理发") -> bool:
        return day.isoweekday() in self.catalogue.service(service).days and not self.catalogue.is_closed(day)

    def working_day(self, service: str = "理发", *, after: int = 1, before: bool = False) -> date:
        """The first day ``after`` days or more from today on which ``service`` works
        (with ``before``: the last one ``after`` days or more before today)."""
        step = -1 if before else 1
        day = self.today() + timedelta(days=step * after)
        while not self.works(day, service):
            day += timedelta(days=step)
        return day

    @staticmethod
    def at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute, second))

    @staticmethod
    def next_weekday(start: date, isoweekday: int) -> date:
        """The first day on or after ``start`` with this ISO weekday (6 = Saturday)."""
        return start + timedelta(days=(isoweekday - start.isoweekday()) % 7)


@pytest.fixture
def days(clock, catalogue: Catalogue) -> Days:
    return Days(clock, catalogue)
