"""The service catalogue: which services can be booked, when, where, by whom.

Staff edit a YAML data file, never code. The packaged default is
``assistant/booking/catalogue.yml``; a staff edit made through the API or CLI is
written to ``<data_dir>/booking/catalogue.yml``, which then takes precedence (the
package stays read-only in production). The file is validated as a whole with
pydantic, so a bad edit is refused with a readable message instead of breaking
bookings.
"""

from __future__ import annotations

import math
import threading
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant.settings import get_settings
from assistant.validation import summarise

DEFAULT_PATH = Path(__file__).with_name("catalogue.yml")
SERVICE_NAMES = ("理发", "助餐", "保洁", "维修", "体检", "陪诊", "助浴", "法律咨询", "心理咨询", "场地预约")
WEEKDAY_NAMES = ("一", "二", "三", "四", "五", "六", "日")
AT_HOME = "上门"
CENTRE = "社区服务中心"


class CatalogueError(ValueError):
    """The catalogue file (or an edit of it) is not valid."""


class Eligibility(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min_age: int | None = Field(default=None, ge=0, le=120)
    disabled: bool = False  # True: residents with a disability qualify

    def describe(self) -> str:
        parts = []
        if self.min_age:
            parts.append(f"{self.min_age}岁以上")
        if self.disabled:
            parts.append("行动不便或有残疾")
        return "或".join(parts) + "的居民"


class Window(BaseModel):
    start: time
    end: time


class Service(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    provider: str
    duration: int = Field(gt=0, le=12 * 60, description="minutes per appointment")
    capacity: int = Field(gt=0, le=1000, description="appointments at the same moment")
    grid: int | None = Field(default=None, gt=0, le=12 * 60,
                             description="minutes between possible start times (default 30)")
    days: list[int] = Field(min_length=1, description="ISO weekdays, 1 = Monday")
    hours: list[str] = Field(min_length=1, description='windows like "09:00-11:30"')
    price: float = Field(ge=0)
    price_note: str | None = None
    location: Literal["上门", "社区服务中心"]
    sitting: bool = Field(default=False, description=(
        "a booking is a seat at a sitting (a meal), not a job of `duration` minutes: any start on "
        "the grid before a window ends may be booked, the seat is held to the window's end, and "
        "`capacity` is the seats of the sitting"))
    per_person: bool = Field(default=False, description=(
        "one booking serves one person (a seat, a haircut, a check-up), not a home or a room: "
        "a head count said with it (两份, 我们老两口) is answered with one booked"))
    eligibility: Eligibility | None = None
    aliases: list[str] = Field(default_factory=list)
    description: str = ""

    @field_validator("days")
    @classmethod
    def _days(cls, value: list[int]) -> list[int]:
        if any(d < 1 or d > 7 for d in value):
            raise ValueError("days are ISO weekdays 1 (周一) .. 7 (周日)")
        return sorted(set(value))

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: list[str]) -> list[str]:
        for window in value:
            _parse_window(window)
        return value

    @model_validator(mode="after")
    def _slot_fits(self) -> Service:
        if self.grid is not None:
            # Capacity is counted in grid cells from midnight: an appointment must
            # cover whole cells, or two that do not overlap would share a cell.
            if self.duration % self.grid:
                raise ValueError(f"grid {self.grid} must divide the duration {self.duration}")
            if any(_minute_of_day(w.start) % self.grid for w in self.windows):
                raise ValueError(f"every working-hours window must start on the {self.grid}-minute grid")
        if not self.slot_starts():
            raise ValueError(f"no {self.duration}-minute slot fits in the working hours {self.hours}")
        return self

    @property
    def windows(self) -> list[Window]:
        return [_parse_window(w) for w in self.hours]

    @property
    def at_home(self) -> bool:
        return self.location == AT_HOME

    @property
    def free(self) -> bool:
        return self.price == 0

    @property
    def step(self) -> int:
        """Minutes between possible start times: ``grid``, else 30 — or less when
        30 does not fit the duration or a window's start (a 45-minute service, a
        window from 8:15), so a catalogue valid before ``grid`` existed stays valid."""
        if self.grid is not None:
            return self.grid
        return math.gcd(30, self.duration, *(_minute_of_day(w.start) for w in self.windows))

    def _starts(self, every: int) -> list[time]:
        starts = []
        for window in self.windows:
            cursor = datetime.combine(date.min, window.start)
            end = datetime.combine(date.min, window.end)
            # A sitting takes arrivals until it ends; a job must end inside the window.
            length = timedelta(minutes=every if self.sitting else self.duration)
            while cursor + length <= end:
                starts.append(cursor.time())
                cursor += timedelta(minutes=every)
        return starts

    def slot_starts(self) -> list[time]:
        """The regular start times offered to residents: every ``duration`` minutes
        from the start of each window, as long as the appointment ends inside it."""
        return self._starts(self.duration)

    def start_times(self) -> list[time]:
        """Every start time that may be booked: each ``step`` minutes from the start
        of each window, as long as the appointment ends inside the window (保洁 at
        9:00 runs to 11:00). Includes the regular ``slot_starts``."""
        return sorted(set(self._starts(self.step)))

    def ends_at(self, starts_at: datetime) -> datetime:
        """When an appointment starting at ``starts_at`` ends: start + duration, or for a
        sitting the end of the window it starts in (a 17:30 arrival at the 17:00-18:00
        dinner keeps its seat to 18:00)."""
        if self.sitting:
            moment = starts_at.time()
            for window in self.windows:
                if window.start <= moment < window.end:
                    return datetime.combine(starts_at.date(), window.end, tzinfo=starts_at.tzinfo)
        return starts_at + timedelta(minutes=self.duration)

    def cells(self, starts_at: datetime, ends_at: datetime | None = None) -> list[datetime]:
        """The capacity cells (``step`` minutes, counted from midnight) an appointment
        covers, in time order. ``ends_at`` defaults to ``ends_at(starts_at)``; a stored
        booking passes its own, so a later change of duration still frees what it took.
        A sitting's seat covers every cell to the sitting's end, so its last cell counts
        every seat taken (capacity is per sitting, whenever each resident comes)."""
        ends_at = ends_at or self.ends_at(starts_at)
        return counter_cells(starts_at, ends_at, self.step)

    def price_text(self) -> str:
        text = "免费" if self.free else f"{self.price:g}元"
        return f"{text}（{self.price_note}）" if self.price_note else text

    def days_text(self) -> str:
        if self.days == [1, 2, 3, 4, 5, 6, 7]:
            return "每天"
        if len(self.days) > 2 and self.days == list(range(self.days[0], self.days[-1] + 1)):
            return f"周{WEEKDAY_NAMES[self.days[0] - 1]}至周{WEEKDAY_NAMES[self.days[-1] - 1]}"
        return "、".join(f"周{WEEKDAY_NAMES[d - 1]}" for d in self.days)

    def describe(self) -> str:
        """One short sentence about the service for residents."""
        where = "上门服务" if self.at_home else f"在{CENTRE}"
        return (f"{self.name}：{self.description}{where}，{self.days_text()} {'、'.join(self.hours)}，"
                f"{self.price_text()}。")


class ReminderPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid")
    days_before: int = Field(default=1, ge=0, le=7)
    at: time = time(10, 0)


class Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid")
    timezone: str = "Asia/Shanghai"
    booking_horizon_days: int = Field(default=30, gt=0, le=366)
    reminder: ReminderPolicy = Field(default_factory=ReminderPolicy)
    closed_dates: list[date] = Field(default_factory=list)
    services: dict[str, Service]

    @model_validator(mode="before")
    @classmethod
    def _name_services(cls, data):
        # In YAML a service is keyed by its name; copy the key into the record.
        if isinstance(data, dict) and isinstance(data.get("services"), dict):
            data = dict(data)
            data["services"] = {name: {"name": name, **(body or {})} if isinstance(body, dict) else body
                                for name, body in data["services"].items()}
        return data

    @model_validator(mode="after")
    def _all_services(self) -> Catalogue:
        missing = [n for n in SERVICE_NAMES if n not in self.services]
        unknown = [n for n in self.services if n not in SERVICE_NAMES]
        if missing or unknown:
            raise ValueError(f"services must be exactly {list(SERVICE_NAMES)}; missing {missing}, unknown {unknown}")
        seen: dict[str, str] = {}
        for service in self.services.values():
            for alias in service.aliases:
                if alias in seen and seen[alias] != service.name:
                    raise ValueError(f"alias {alias!r} is used by {seen[alias]} and {service.name}")
                seen[alias] = service.name
        return self

    def service(self, name: str) -> Service:
        try:
            return self.services[name]
        except KeyError:
            raise CatalogueError(f"unknown service: {name}") from None

    def resolve_service(self, text: str | None) -> Service | None:
        """A service from its name or an alias said anywhere in ``text``
        (``我要剪头发`` -> 理发). The longest match wins (``场地预约`` over ``场地``)."""
        if not text:
            return None
        best: tuple[int, Service] | None = None
        for service in self.services.values():
            for word in (service.name, *service.aliases):
                if word and word in text and (best is None or len(word) > best[0]):
                    best = (len(word), service)
        return best[1] if best else None

    def is_closed(self, day: date) -> bool:
        return day in self.closed_dates

    def to_yaml(self) -> str:
        data = self.model_dump(mode="json")
        data["reminder"]["at"] = self.reminder.at.strftime("%H:%M")
        data["services"] = {name: {k: v for k, v in body.items() if k != "name" and v is not None}
                            for name, body in data["services"].items()}
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _minute_of_day(value: time) -> int:
    return value.hour * 60 + value.minute


def counter_cells(starts_at: datetime, ends_at: datetime, step: int) -> list[datetime]:
    """The ``step``-minute cells, aligned to midnight, that [starts_at, ends_at)
    touches. A start off the grid (a catalogue edited since) takes the cell it falls
    in: counting too much is safe, counting too little would overbook."""
    midnight = datetime.combine(starts_at.date(), time.min)
    cell = midnight + timedelta(minutes=(starts_at - midnight) // timedelta(minutes=step) * step)
    cells = []
    while cell < ends_at:
        cells.append(cell)
        cell += timedelta(minutes=step)
    return cells


def _parse_window(text: str) -> Window:
    try:
        start_text, end_text = text.split("-")
        window = Window(start=time.fromisoformat(start_text.strip()), end=time.fromisoformat(end_text.strip()))
    except ValueError:
        raise ValueError(f'working hours must look like "09:00-11:30", got {text!r}') from None
    if window.end <= window.start:
        raise ValueError(f"working hours {text!r} end before they start")
    return window


def parse_catalogue(data: dict | str) -> Catalogue:
    """Validate a catalogue given as a mapping or YAML text."""
    if isinstance(data, str):
        try:
            data = yaml.safe_load(data)
        except yaml.YAMLError as exc:
            raise CatalogueError(f"not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise CatalogueError("the catalogue must be a mapping with a 'services' key")
    try:
        return Catalogue.model_validate(data)
    except ValidationError as exc:
        raise CatalogueError(summarise(exc)) from None


def override_path() -> Path:
    return get_settings().data_dir / "booking" / "catalogue.yml"


def catalogue_path() -> Path:
    path = override_path()
    return path if path.exists() else DEFAULT_PATH


_cache_lock = threading.Lock()
_cache: dict[Path, tuple[float, Catalogue]] = {}


def load_catalogue(path: Path | None = None) -> Catalogue:
    """The current catalogue, re-read when the file changes (staff edits take
    effect without a restart)."""
    path = path or catalogue_path()
    mtime = path.stat().st_mtime
    with _cache_lock:
        cached = _cache.get(path)
        if cached and cached[0] == mtime:
            return cached[1]
    catalogue = parse_catalogue(path.read_text(encoding="utf-8"))
    with _cache_lock:
        _cache[path] = (mtime, catalogue)
    return catalogue


def save_catalogue(catalogue: Catalogue, path: Path | None = None) -> Path:
    """Write a (validated) catalogue as the staff override, atomically."""
    path = path or override_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".yml.tmp")
    tmp.write_text(catalogue.to_yaml(), encoding="utf-8")
    tmp.replace(path)
    with _cache_lock:
        _cache.pop(path, None)
    return path
