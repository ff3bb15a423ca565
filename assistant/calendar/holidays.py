"""Which days are working days: statutory holidays and make-up working days (调休).

Ticket deadlines counted in working days ("3个工作日") need the State Council's
arrangement for the year (国务院办公厅关于…年部分节假日安排的通知): the days off and the
weekend days worked in their place. Two sources, the operators' first:

1. The operators' holiday file (YAML; ``Settings.holidays_file``, by default
   ``<data_dir>/calendar/holidays.yml``, written by ``butler calendar import FILE``).
   Per year: ``holidays`` (days off) and ``workdays`` (weekend days worked). A day it
   lists overrides every other source; a year it lists counts as covered.
2. The ``chinese-calendar`` package, for the years it ships (it lags: a new year's
   arrangement arrives with a new release).

A day neither source knows falls back to Monday–Friday. That is wrong on every
statutory holiday, so it is never silent: ``check_coverage()`` logs a loud warning
naming the years missing (the gateway calls it at start), ``/readyz`` reports them as
degraded, and the first deadline counted in such a year logs a warning too.

The file is re-read when it changes (an import takes effect without a restart). A
file that cannot be read is ignored with an error in the log and in ``/readyz``.
"""

from __future__ import annotations

import contextlib
import re
import threading
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import structlog
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant import clock
from assistant.settings import Settings, get_settings
from assistant.validation import summarise



def _log():
    # A fresh logger per (rare) warning: never one cached under an earlier configuration.
    return structlog.get_logger(__name__)


OPERATOR_FILE = "operator holiday file"
PACKAGE = "chinese-calendar"
SAMPLE_PATH = Path(__file__).with_name("holidays.sample.yml")
_RANGE_RE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*(?:\.\.|~|to)\s*(\d{4}-\d{2}-\d{2})\s*$")
MAX_RANGE_DAYS = 31


class HolidayFileError(ValueError):
    """The operators' holiday file is not valid."""


def _days(value) -> list[date]:
    """``2027-10-01`` or ``2027-10-01..2027-10-07`` (both ends included)."""
    if isinstance(value, date):
        return [value]
    if isinstance(value, str):
        match = _RANGE_RE.match(value)
        if match:
            start, end = (date.fromisoformat(g) for g in match.groups())
            if end < start or (end - start).days >= MAX_RANGE_DAYS:
                raise ValueError(f"range {value!r} must run forwards and last at most {MAX_RANGE_DAYS} days")
            return [start + timedelta(days=i) for i in range((end - start).days + 1)]
        with contextlib.suppress(ValueError):
            return [date.fromisoformat(value.strip())]
    raise ValueError(f"{value!r} is neither a date (2027-10-01) nor a range (2027-10-01..2027-10-07)")


class YearArrangement(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str = ""  # the notice the dates were copied from
    holidays: list[date] = Field(default_factory=list)  # days off
    workdays: list[date] = Field(default_factory=list)  # weekend days that are working days

    @field_validator("holidays", "workdays", mode="before")
    @classmethod
    def _expand(cls, value):
        if value is None:
            return []
        if not isinstance(value, list):
            return value  # pydantic refuses it: "Input should be a valid list"
        return sorted({day for item in value for day in _days(item)})

    @model_validator(mode="after")
    def _disjoint(self) -> YearArrangement:
        both = sorted(set(self.holidays) & set(self.workdays))
        if both:
            raise ValueError(f"listed both as holiday and as working day: {', '.join(map(str, both))}")
        return self


class HolidayFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    years: dict[int, YearArrangement] = Field(default_factory=dict)

    @field_validator("years", mode="before")
    @classmethod
    def _none_is_empty(cls, value):
        return value or {}

    @model_validator(mode="after")
    def _days_in_their_year(self) -> HolidayFile:
        for year, arrangement in self.years.items():
            if not 2000 <= year <= 2100:
                raise ValueError(f"year {year} is out of range")
            stray = [d for d in (*arrangement.holidays, *arrangement.workdays) if d.year != year]
            if stray:
                raise ValueError(f"{year}: dates of another year: {', '.join(map(str, stray))}")
        return self


def parse_holiday_file(text: str) -> HolidayFile:
    """Validate the YAML text of a holiday file (readable errors)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise HolidayFileError(f"not valid YAML: {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise HolidayFileError("the holiday file must be a mapping with a 'years' key")
    try:
        return HolidayFile.model_validate(data)
    except ValidationError as exc:
        raise HolidayFileError(summarise(exc)) from None


# ---- chinese-calendar ---------------------------------------------------------------

def _package_is_workday(day: date) -> bool | None:
    """chinese-calendar's answer, or ``None`` when it has no data for the year."""
    try:
        import chinese_calendar
    except ImportError:  # pragma: no cover - a dependency; only a broken install lacks it
        return None
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def package_covers(year: int) -> bool:
    return _package_is_workday(date(year, 1, 1)) is not None


# ---- the calendar ---------------------------------------------------------------------

_warned_years: set[int] = set()
_warned_lock = threading.Lock()


@dataclass(frozen=True)
class WorkCalendar:
    """The operators' file (possibly empty) over chinese-calendar over Monday–Friday."""

    file: HolidayFile = field(default_factory=HolidayFile)
    path: Path | None = None
    error: str | None = None  # why the operators' file was ignored

    def source(self, year: int) -> str | None:
        """Where the year's arrangement comes from; ``None`` when nobody knows it."""
        if year in self.file.years:
            return OPERATOR_FILE
        if package_covers(year):
            return PACKAGE
        return None

    def is_working_day(self, day: date) -> bool:
        arrangement = self.file.years.get(day.year)
        if arrangement is not None:
            if day in arrangement.holidays:
                return False
            if day in arrangement.workdays:
                return True
        known = _package_is_workday(day)
        if known is not None:
            return known
        if arrangement is None:
            _warn_once(day.year, self)
        return day.weekday() < 5

    def missing_years(self, today: date) -> list[int]:
        """This year and next year, where no source knows the statutory holidays."""
        return [year for year in (today.year, today.year + 1) if self.source(year) is None]


def _warn_once(year: int, calendar: WorkCalendar) -> None:
    with _warned_lock:
        if year in _warned_years:
            return
        _warned_years.add(year)
    _log().warning("holiday_calendar_missing_year", year=year, holiday_file=str(calendar.path),
                consequence="working days counted Monday to Friday: statutory holidays and make-up "
                            "working days are ignored",
                fix="butler calendar import FILE (the State Council's arrangement for the year)")


def holidays_path(settings: Settings | None = None) -> Path:
    settings = settings or get_settings()
    return Path(settings.holidays_file) if settings.holidays_file else settings.data_dir / "calendar" / "holidays.yml"


_cache_lock = threading.Lock()
_cache: dict[Path, tuple[float, WorkCalendar]] = {}


def load_calendar(path: Path | None = None) -> WorkCalendar:
    """The current calendar, re-read when the operators' file changes."""
    path = path or holidays_path()
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return WorkCalendar(path=path)
    with _cache_lock:
        cached = _cache.get(path)
        if cached and cached[0] == mtime:
            return cached[1]
    try:
        calendar = WorkCalendar(file=parse_holiday_file(path.read_text(encoding="utf-8")), path=path)
    except (HolidayFileError, OSError, UnicodeDecodeError) as exc:
        _log().error("holiday_file_invalid", path=str(path), error=str(exc))
        calendar = WorkCalendar(path=path, error=str(exc))
    with _cache_lock:
        _cache[path] = (mtime, calendar)
    return calendar


def is_working_day(day: date, calendar: WorkCalendar | None = None) -> bool:
    return (calendar or load_calendar()).is_working_day(day)


def import_holiday_file(source: Path, target: Path | None = None) -> tuple[Path, HolidayFile]:
    """Validate ``source`` and make it the operators' holiday file (atomically)."""
    parsed = parse_holiday_file(source.read_text(encoding="utf-8"))
    target = target or holidays_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".yml.tmp")
    tmp.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    tmp.replace(target)
    with _cache_lock:
        _cache.pop(target, None)
    return target, parsed


# ---- coverage: the warning and /readyz ---------------------------------------------

def missing_years(today: date | None = None, calendar: WorkCalendar | None = None) -> list[int]:
    return (calendar or load_calendar()).missing_years(today or clock.today())


def readiness_detail(today: date | None = None, calendar: WorkCalendar | None = None) -> str | None:
    """What ``/readyz`` says about the holiday calendar; ``None`` when all is well."""
    calendar = calendar or load_calendar()
    missing = calendar.missing_years(today or clock.today())
    parts = []
    if calendar.error:
        parts.append(f"holiday file {calendar.path} ignored: {calendar.error}")
    if missing:
        years = ", ".join(map(str, missing))
        parts.append(f"no statutory holidays for {years}: working-day deadlines count Monday to Friday; "
                     "import the State Council's arrangement with `butler calendar import FILE`")
    return "; ".join(parts) or None


def check_coverage(today: date | None = None, calendar: WorkCalendar | None = None) -> list[int]:
    """Log a loud warning when this year or next year has no holiday data (at start)."""
    calendar = calendar or load_calendar()
    missing = calendar.missing_years(today or clock.today())
    if missing:
        _log().warning("HOLIDAY_CALENDAR_INCOMPLETE", missing_years=missing, holiday_file=str(calendar.path),
                    package=PACKAGE,
                    consequence="ticket deadlines in working days ignore statutory holidays and make-up "
                                "working days in these years",
                    fix="butler calendar import FILE (the State Council's arrangement for the year)")
    return missing
