"""Booking rules: slots and availability, booking with enforced capacity, ids,
cancel, reschedule, staff status changes, eligibility, phone numbers, the Chinese
read-back, and the reminder outbox.

A booking may start at any time on the service's grid (``Service.step``, 30
minutes by default) as long as it ends inside a working window; capacity is the
number of appointments at the same moment. It is counted in cells: one counter row
per (service, ``step``-minute cell), and a booking takes a place in every cell it
covers (保洁 9:00-11:00 in 9:00, 9:30, 10:00, 10:30).

Everything that changes bookings runs inside ``Database.transaction()`` and locks
the counter rows it touches (``SELECT ... FOR UPDATE``; on SQLite the transaction is
``BEGIN IMMEDIATE``), so capacity holds under any number of concurrent requests on
SQLite and PostgreSQL alike. Lock order is always counter rows (one service, in time
order) -> day sequence row -> booking rows, so concurrent transactions never
deadlock.

Times are naive local wall-clock times (see ``models``); callers may pass aware
datetimes, which are converted to Asia/Shanghai first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import structlog
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from assistant import clock, outbox
from assistant.booking.catalogue import Catalogue, Service, load_catalogue
from assistant.booking.models import Booking, BookingDaySequence, BookingReminder, BookingSlot
from assistant.booking.timeparse import TZ, ParsedTime
from assistant.channels import can_receive_reminders
from assistant.db import Database
from assistant.privacy import mask_phone, mask_text, mobile_in
from assistant.residents.models import Resident
from assistant.residents.service import get_or_create_resident

log = structlog.get_logger(__name__)

BOOKING_ID_RE = re.compile(r"YY\d{12}")
STATUS_TEXT = {"booked": "已预约", "cancelled": "已取消", "done": "已完成", "no_show": "未到场"}
WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")
REMINDER_MAX_ATTEMPTS = 3


class BookingError(Exception):
    """A booking rule said no. ``code`` is stable (APIs, tests); ``message`` is a
    short Simplified Chinese sentence for the resident; ``alternatives`` are the
    nearest free slots when the wanted one is full or closed."""

    def __init__(self, code: str, message: str, alternatives: Iterable[Slot] = ()):
        super().__init__(message)
        self.code = code
        self.message = message
        self.alternatives = list(alternatives)


@dataclass(frozen=True)
class Slot:
    service: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    booked: int = 0

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)

    @property
    def key(self) -> str:
        return self.starts_at.strftime("%Y-%m-%dT%H:%M")


@dataclass
class ReminderRun:
    sent: list[str] = field(default_factory=list)      # booking ids
    failed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)   # booking no longer live


# --- time helpers -----------------------------------------------------------------

def to_local(value: datetime | None) -> datetime:
    """Naive local wall-clock time (the storage convention). ``None`` is now, on the
    project clock (``assistant.clock``)."""
    if value is None:
        return clock.local_now().replace(tzinfo=None, microsecond=0)
    if value.tzinfo is not None:
        value = value.astimezone(TZ).replace(tzinfo=None)
    return value


def clock_text(value: datetime | time) -> str:
    """下午3点, 上午9点半, 下午2点15分, 中午12点 — how people say it (and TTS reads it)."""
    hour, minute = value.hour, value.minute
    if hour < 6:
        period = "凌晨"
    elif hour < 12:
        period = "上午"
    elif hour < 13:
        period = "中午"
    elif hour < 18:
        period = "下午"
    else:
        period = "晚上"
    h12 = hour if hour <= 12 else hour - 12
    if minute == 0:
        return f"{period}{h12}点"
    if minute == 30:
        return f"{period}{h12}点半"
    return f"{period}{h12}点{minute:02d}分"


def when_text(value: datetime) -> str:
    """12月1日（周二）下午3点"""
    return f"{value.month}月{value.day}日（周{WEEKDAYS[value.weekday()]}）{clock_text(value)}"


def slot_label(slot: Slot) -> str:
    """Short button text: 12月1日（周二）下午3点半"""
    return when_text(slot.starts_at)


# --- phone, eligibility, ids ---------------------------------------------------------

def normalise_phone(text: str | None) -> str | None:
    """The mainland mobile number said in ``text`` as 11 digits, or ``None``.
    Accepts spaces, dashes, +86, full-width digits, and digits read out one by one
    (幺五八零零幺二三四五六: ``privacy.mobile_in``)."""
    if not text:
        return None
    return mobile_in(unicodedata.normalize("NFKC", text))


def address_for_staff(address: str | None) -> str | None:
    """A home address as it is kept: a number said digit by digit (一九七三栋一单元五零二, as speech
    recognition writes what an elder says) in Arabic digits (1973栋1单元502), as a ticket's place
    is (``location.with_digits``): staff find and dispatch by it. Said otherwise it stays as said."""
    from assistant.location import with_digits

    return (with_digits(address) or "").strip() or None


def check_eligibility(service: Service, *, age: int | None = None, disabled: bool | None = None) -> None:
    """Raise unless the resident qualifies. Unknown facts raise ``eligibility_unknown``
    so the dialogue asks; a resident qualifies by meeting ANY listed condition."""
    rule = service.eligibility
    if rule is None:
        return
    if rule.disabled and disabled:
        return
    if rule.min_age is not None and age is not None and age >= rule.min_age:
        return
    if age is None and disabled is None:
        raise BookingError("eligibility_unknown",
                           f"{service.name}服务面向{rule.describe()}。请问您今年多大年纪？行动方便吗？")
    raise BookingError("not_eligible", f"抱歉，{service.name}服务只面向{rule.describe()}。")


def is_booking_id(text: str | None) -> bool:
    return bool(text) and BOOKING_ID_RE.fullmatch(text.strip().upper()) is not None


def find_booking_id(text: str | None) -> str | None:
    """A booking id said or pasted anywhere in a message (case-insensitive)."""
    if not text:
        return None
    match = BOOKING_ID_RE.search(text.upper().replace(" ", ""))
    return match.group(0) if match else None


def _insert_ignore(session: Session, model, values: dict, keys: list[str]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING: creates a counter row exactly once even when
    two transactions race to create it."""
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    session.execute(dialect.insert(model).values(**values).on_conflict_do_nothing(index_elements=keys))


def _next_booking_id(session: Session, today: date) -> str:
    day = today.strftime("%Y%m%d")
    _insert_ignore(session, BookingDaySequence, {"day": day, "last": 0}, ["day"])
    seq = session.scalars(select(BookingDaySequence).where(BookingDaySequence.day == day)
                          .with_for_update().execution_options(populate_existing=True)).one()
    seq.last += 1
    if seq.last > 9999:
        raise BookingError("daily_limit", "今天的预约太多了，请明天再试或致电社区。")
    return f"YY{day}{seq.last:04d}"


def _lock_slot(session: Session, service: str, starts_at: datetime) -> BookingSlot:
    _insert_ignore(session, BookingSlot, {"service": service, "starts_at": starts_at, "booked": 0},
                   ["service", "starts_at"])
    return session.scalars(select(BookingSlot)
                           .where(BookingSlot.service == service, BookingSlot.starts_at == starts_at)
                           .with_for_update().execution_options(populate_existing=True)).one()


def _lock_cells(session: Session, service: str, cells: Iterable[datetime]) -> dict[datetime, BookingSlot]:
    """Lock the counter rows of these cells one by one in time order: two bookings
    that share cells always lock them in the same order, so neither waits on the other
    while holding what the other needs."""
    return {cell: _lock_slot(session, service, cell) for cell in sorted(set(cells))}


def _stored_cells(catalogue: Catalogue, booking: Booking) -> list[datetime]:
    return catalogue.service(booking.service).cells(booking.starts_at, booking.ends_at)


# --- slots and availability ------------------------------------------------------------

def _booked_counts(session: Session, service: str, start: datetime, end: datetime) -> dict[datetime, int]:
    """Counter cells of the service in [start, end): cell -> appointments in it."""
    rows = session.execute(select(BookingSlot.starts_at, BookingSlot.booked)
                           .where(BookingSlot.service == service,
                                  BookingSlot.starts_at >= start, BookingSlot.starts_at < end))
    return {starts_at: booked for starts_at, booked in rows}


def _occupied(service: Service, counts: dict[datetime, int], starts_at: datetime) -> int:
    """Appointments already there at the busiest moment of the appointment (``Service.cells``)."""
    return max((counts.get(cell, 0) for cell in service.cells(starts_at)), default=0)


def candidate_slots(catalogue: Catalogue, service: Service, day: date, *, every: bool = False) -> list[Slot]:
    """The day's regular slots from the catalogue (empty on closed or non-working
    days); with ``every``, every start time on the service's grid."""
    if day.isoweekday() not in service.days or catalogue.is_closed(day):
        return []
    times = service.start_times() if every else service.slot_starts()
    return [Slot(service.name, start, service.ends_at(start), service.capacity)
            for start in (datetime.combine(day, t) for t in times)]


def slots_for_day(session: Session, service_name: str, day: date,
                  catalogue: Catalogue | None = None) -> list[Slot]:
    """The day's slots with how many are booked."""
    catalogue = catalogue or load_catalogue()
    service = catalogue.service(service_name)
    slots = candidate_slots(catalogue, service, day)
    start = datetime.combine(day, time.min)
    counts = _booked_counts(session, service.name, start, start + timedelta(days=1))
    return [Slot(s.service, s.starts_at, s.ends_at, s.capacity, _occupied(service, counts, s.starts_at))
            for s in slots]


def nearest_free_slots(session: Session, service_name: str, around: datetime, *, now: datetime | None = None,
                       limit: int = 3, catalogue: Catalogue | None = None) -> list[Slot]:
    """The ``limit`` free slots closest in time to ``around`` (before or after), all in
    the future and inside the booking horizon, earliest first. The catalogue's
    regular starts come first (few, tidy buttons); starts in between fill up only
    when the regular ones run out (two overlapping bookings block both neighbours)."""
    catalogue = catalogue or load_catalogue()
    service = catalogue.service(service_name)
    now, around = to_local(now), to_local(around)
    first_day, last_day = now.date(), now.date() + timedelta(days=catalogue.booking_horizon_days)
    regular: list[Slot] = []
    between: list[Slot] = []
    radius = 3
    while True:
        lo = max(first_day, around.date() - timedelta(days=radius))
        hi = min(last_day, around.date() + timedelta(days=radius))
        regular, between = [], []
        if lo <= hi:
            start = datetime.combine(lo, time.min)
            counts = _booked_counts(session, service.name, start, datetime.combine(hi, time.min) + timedelta(days=1))
            regular_starts = set(service.slot_starts())
            day = lo
            while day <= hi:
                for s in candidate_slots(catalogue, service, day, every=True):
                    booked = _occupied(service, counts, s.starts_at)
                    if s.starts_at > now and booked < s.capacity:
                        free = Slot(s.service, s.starts_at, s.ends_at, s.capacity, booked)
                        (regular if s.starts_at.time() in regular_starts else between).append(free)
                day += timedelta(days=1)
        covers_all = lo <= first_day and hi >= last_day
        if len(regular) >= limit or covers_all:
            break
        radius *= 2

    def nearest(slots: list[Slot]) -> list[Slot]:
        return sorted(slots, key=lambda s: (abs((s.starts_at - around).total_seconds()), s.starts_at))

    found = nearest(regular)[:limit]
    found += nearest(between)[:limit - len(found)]
    return sorted(found, key=lambda s: s.starts_at)


def _duration_text(minutes: int) -> str:
    """半小时, 1小时, 1个半小时, 2小时, 45分钟"""
    hours, rest = divmod(minutes, 60)
    if rest == 0:
        return f"{hours}小时"
    if rest == 30:
        return f"{hours}个半小时" if hours else "半小时"
    return f"{minutes}分钟"


def _check_bookable_time(catalogue: Catalogue, service: Service, starts_at: datetime, now: datetime) -> Slot:
    """The appointment starting at ``starts_at`` (any start on the service's grid that
    ends inside a working window); raises (without alternatives) when that moment
    cannot be booked at all. Off the grid (下午3点10分) is refused, not rounded: a
    resident who names a minute means it, and the nearest free starts follow."""
    if starts_at <= now:
        raise BookingError("past", "这个时间已经过去了，请换一个时间。")
    if starts_at.date() > now.date() + timedelta(days=catalogue.booking_horizon_days):
        raise BookingError("too_far", f"只能预约{catalogue.booking_horizon_days}天以内的服务，请换一个近一点的日子。")
    if catalogue.is_closed(starts_at.date()):
        raise BookingError("closed", f"{starts_at.month}月{starts_at.day}日社区服务暂停。")
    if starts_at.isoweekday() not in service.days:
        raise BookingError("closed", f"{service.name}{service.days_text()}服务，"
                                     f"周{WEEKDAYS[starts_at.weekday()]}不上班。")
    for slot in candidate_slots(catalogue, service, starts_at.date(), every=True):
        if slot.starts_at == starts_at:
            return slot
    moment = starts_at.time()
    if any(w.start <= moment < w.end for w in service.windows) and starts_at in service.cells(starts_at):
        # On the grid and inside the hours, but the appointment would run past them.
        raise BookingError("not_a_slot", f"{service.name}每次{_duration_text(service.duration)}，"
                                         f"{clock_text(starts_at)}开始就超出服务时间了，"
                                         f"服务时间是{'、'.join(service.hours)}。")
    raise BookingError("not_a_slot", f"{clock_text(starts_at)}没有{service.name}时段，"
                                     f"服务时间是{'、'.join(service.hours)}。")


def find_slot(session: Session, service_name: str, when: ParsedTime | datetime, *, now: datetime | None = None,
              catalogue: Catalogue | None = None) -> Slot:
    """The slot a resident asked for. A clock time must be a start on the service's
    grid whose whole appointment is free; a day or a part of a day (``后天``,
    ``下周二上午``) takes its first free regular slot, else its first free start in
    between. Raises
    ``BookingError`` with the nearest free slots as ``alternatives`` otherwise."""
    catalogue = catalogue or load_catalogue()
    service = catalogue.service(service_name)
    now = to_local(now)
    if isinstance(when, datetime):
        start = end = to_local(when)
        exact = True
    else:
        start, end, exact = to_local(when.start), to_local(when.end), when.has_clock

    def alternatives() -> list[Slot]:
        return nearest_free_slots(session, service.name, max(start, now), now=now, catalogue=catalogue)

    if exact:
        try:
            slot = _check_bookable_time(catalogue, service, start, now)
        except BookingError as exc:
            raise BookingError(exc.code, exc.message, alternatives()) from None
        counts = _booked_counts(session, service.name, slot.starts_at, slot.ends_at)
        slot = Slot(slot.service, slot.starts_at, slot.ends_at, slot.capacity,
                    _occupied(service, counts, slot.starts_at))
        if slot.free <= 0:
            raise BookingError("full", f"{when_text(slot.starts_at)}的{service.name}已经约满了。", alternatives())
        return slot
    if end <= now:
        raise BookingError("past", "这个时间已经过去了，请换一个时间。", alternatives())
    day, in_window = start.date(), []
    regular_starts = set(service.slot_starts())
    while day <= end.date():
        day_start = datetime.combine(day, time.min)
        counts = _booked_counts(session, service.name, day_start, day_start + timedelta(days=1))
        in_window += [Slot(s.service, s.starts_at, s.ends_at, s.capacity, _occupied(service, counts, s.starts_at))
                      for s in candidate_slots(catalogue, service, day, every=True)
                      if start <= s.starts_at <= end and s.starts_at > now
                      and s.starts_at.date() <= now.date() + timedelta(days=catalogue.booking_horizon_days)]
        day += timedelta(days=1)
    free = [s for s in in_window if s.free > 0]
    # The first regular start wins (as the buttons offer them); one in between only
    # when no regular start of the window is free.
    free.sort(key=lambda s: (s.starts_at.time() not in regular_starts, s.starts_at))
    if free:
        return free[0]
    if in_window:
        raise BookingError("full", f"这个时间的{service.name}已经约满了。", alternatives())
    if start.date() > now.date() + timedelta(days=catalogue.booking_horizon_days):
        raise BookingError("too_far", f"只能预约{catalogue.booking_horizon_days}天以内的服务，请换一个近一点的日子。",
                           alternatives())
    if start.date() == end.date() and (start.isoweekday() not in service.days or catalogue.is_closed(start.date())):
        raise BookingError("closed", f"{service.name}{service.days_text()}服务，"
                                     f"{start.month}月{start.day}日不上班。", alternatives())
    raise BookingError("closed", f"这个时间没有{service.name}服务，服务时间是{service.days_text()} "
                                 f"{'、'.join(service.hours)}。", alternatives())


# --- booking -----------------------------------------------------------------------

# How the read-back and the confirmation of a new booking begin: the conversation layer
# knows by these words that a read-back was asked or a booking just made
# (assistant.conversation.bookings), so they live here once.
READBACK_OPENING = "您要预约"
BOOKED_OPENING = "预约好了"


def confirmation_text(service: Service, starts_at: datetime, *, address: str | None = None,
                      phone: str | None = None) -> str:
    """您要预约12月1日（周二）下午3点的上门理发，地址…，联系电话139****5678，对吗？"""
    if service.at_home:
        what = f"上门{service.name}" if not service.name.startswith("上门") else service.name
        text = f"{READBACK_OPENING}{when_text(starts_at)}的{what}"
        if address:
            text += f"，地址{address}"
    else:
        text = f"{READBACK_OPENING}{when_text(starts_at)}在社区服务中心的{service.name}"
    if phone:
        text += f"，联系电话{mask_phone(phone)}"
    text += f"，费用{service.price_text()}" if not service.free else "，免费"
    return text + "，对吗？"


def booked_text(booking: Booking, *, remind: bool = False) -> str:
    """The confirmation of a new booking. It promises a reminder only when ``remind``
    (``reminder_promised``): otherwise it says how to look the booking up again."""
    where = f"上门{booking.service}" if booking.location == "上门" else f"在社区服务中心的{booking.service}"
    after = "前一天我会提醒您。" if remind else "请记好时间，想查的话跟我说“我约了什么”。"
    return f"{BOOKED_OPENING}！预约号{booking.id}。{when_text(booking.starts_at)}{where}。{after}"


def reminder_promised(db: Database, booking_id: str, sender_id: str) -> bool:
    """A reminder may be promised only when one is scheduled for the booking (not one
    made within hours of the appointment) and the resident's channel can receive it
    (``assistant.channels``)."""
    if not can_receive_reminders(sender_id):
        return False
    with db.session() as session:
        reminder = session.scalar(select(BookingReminder).where(BookingReminder.booking_id == booking_id))
        return reminder is not None and reminder.status == "pending"


def describe_booking(booking: Booking) -> str:
    """One line for a list: 12月1日（周二）下午3点 上门理发（已预约，YY202611290001）"""
    what = f"上门{booking.service}" if booking.location == "上门" else booking.service
    return f"{when_text(booking.starts_at)} {what}（{STATUS_TEXT.get(booking.status, booking.status)}，{booking.id}）"


def _reminder_due(catalogue: Catalogue, starts_at: datetime, now: datetime) -> datetime | None:
    """When the day-before reminder is due; ``None`` when the booking is too close
    for a reminder to help (it was made within two hours of the appointment)."""
    due = datetime.combine(starts_at.date() - timedelta(days=catalogue.reminder.days_before), catalogue.reminder.at)
    if due >= now:
        return due
    return now if starts_at - now > timedelta(hours=2) else None


def book(db: Database, *, sender_id: str, service: str, starts_at: datetime, address: str | None = None,
         phone: str | None = None, age: int | None = None, disabled: bool | None = None,
         note: str | None = None, now: datetime | None = None, catalogue: Catalogue | None = None) -> Booking:
    """Book one slot for a resident. Raises ``BookingError`` (with alternatives when
    the slot is full or closed). The returned booking is detached and complete."""
    catalogue = catalogue or load_catalogue()
    svc = catalogue.resolve_service(service) if service not in catalogue.services else catalogue.service(service)
    if svc is None:
        raise BookingError("unknown_service", "暂时没有这项服务。可以预约：" + "、".join(catalogue.services) + "。")
    now, starts_at = to_local(now), to_local(starts_at)
    try:
        slot = _check_bookable_time(catalogue, svc, starts_at, now)
    except BookingError as exc:
        with db.session() as session:
            raise BookingError(exc.code, exc.message,
                               nearest_free_slots(session, svc.name, max(starts_at, now), now=now,
                                                  catalogue=catalogue)) from None
    check_eligibility(svc, age=age, disabled=disabled)
    address = address_for_staff(address)
    if svc.at_home and not address:
        raise BookingError("address_required", "上门服务需要您的地址，比如：幸福路8号3号楼201室。")
    if phone is not None:
        normalised = normalise_phone(phone)
        if normalised is None:
            raise BookingError("invalid_phone", "手机号好像不对，请说11位手机号。")
        phone = normalised

    full = False
    with db.transaction() as session:
        resident = get_or_create_resident(session, sender_id)
        counters = _lock_cells(session, svc.name, svc.cells(slot.starts_at))
        # The same resident twice at overlapping times (9:00 and 10:00 for a 2-hour
        # 保洁) is the same wish said twice, not a second cleaner.
        duplicate = session.scalar(select(Booking.id).where(
            Booking.resident_id == resident.id, Booking.service == svc.name,
            Booking.starts_at < slot.ends_at, Booking.ends_at > slot.starts_at, Booking.status == "booked"))
        if duplicate:
            raise BookingError("duplicate", f"您已经约了这个时间的{svc.name}，预约号{duplicate}。")
        if any(counter.booked >= svc.capacity for counter in counters.values()):
            full = True
        else:
            for counter in counters.values():
                counter.booked += 1
            first = counters[min(counters)]
            booking = Booking(id=_next_booking_id(session, now.date()), resident_id=resident.id,
                              slot_id=first.id, service=svc.name, starts_at=slot.starts_at,
                              ends_at=slot.ends_at, location=svc.location,
                              address=address if svc.at_home else None, phone=phone,
                              status="booked", note=note)
            session.add(booking)
            session.flush()
            due = _reminder_due(catalogue, slot.starts_at, now)
            if due is not None:
                session.add(BookingReminder(booking_id=booking.id, sender_id=sender_id, due_at=due,
                                            status="pending", attempts=0))
            session.flush()
    if full:
        with db.session() as session:
            raise BookingError("full", f"{when_text(slot.starts_at)}的{svc.name}已经约满了。",
                               nearest_free_slots(session, svc.name, slot.starts_at, now=now, catalogue=catalogue))
    log.info("booking_created", booking_id=booking.id, service=svc.name, starts_at=str(slot.starts_at),
             phone=mask_phone(phone))
    return booking


def _own_booking(session: Session, booking_id: str, sender_id: str | None, *, lock: bool) -> Booking:
    query = select(Booking).where(Booking.id == booking_id.strip().upper())
    if sender_id is not None:
        query = query.join(Resident, Resident.id == Booking.resident_id).where(Resident.sender_id == sender_id)
    if lock:
        query = query.with_for_update(of=Booking).execution_options(populate_existing=True)
    booking = session.scalars(query).first()
    if booking is None:
        raise BookingError("not_found", "没有找到这个预约，请核对预约号。")
    return booking


def cancel(db: Database, booking_id: str, *, sender_id: str | None = None, now: datetime | None = None,
           by: str | None = None, catalogue: Catalogue | None = None) -> Booking:
    """Cancel a live booking (a resident's own when ``sender_id`` is given) and
    free its place in every cell it covers."""
    catalogue = catalogue or load_catalogue()
    now = to_local(now)
    with db.transaction() as session:
        booking = _own_booking(session, booking_id, sender_id, lock=False)
        # Counter rows first (the global lock order), then the booking row.
        counters = _lock_cells(session, booking.service, _stored_cells(catalogue, booking))
        booking = _own_booking(session, booking_id, sender_id, lock=True)
        cells = _stored_cells(catalogue, booking)
        if set(cells) - set(counters):  # rescheduled between the two reads
            counters |= _lock_cells(session, booking.service, set(cells) - set(counters))
        if booking.status != "booked":
            raise BookingError("not_cancellable",
                               f"这个预约{STATUS_TEXT.get(booking.status, booking.status)}，不能再取消。")
        if booking.starts_at <= now:
            raise BookingError("started", "这个预约的时间已经到了，不能取消。有事请致电社区。")
        booking.status = "cancelled"
        booking.status_changed_by = by or "resident"
        for cell in cells:
            counters[cell].booked = max(counters[cell].booked - 1, 0)
        reminder = session.scalar(select(BookingReminder).where(BookingReminder.booking_id == booking.id))
        if reminder is not None and reminder.status == "pending":
            reminder.status = "cancelled"
        session.flush()
    log.info("booking_cancelled", booking_id=booking.id, by=by or "resident")
    return booking


def change_contact(db: Database, booking_id: str, *, sender_id: str, phone: str | None = None,
                   address: str | None = None, now: datetime | None = None) -> Booking:
    """The phone or the address of a live booking of the resident's own, put right after it
    was made (电话留错了 最后一位是8): the booking keeps its id, time and place in the slot."""
    now = to_local(now)
    with db.transaction() as session:
        booking = _own_booking(session, booking_id, sender_id, lock=True)
        if booking.status != "booked":
            raise BookingError("not_changeable", f"这个预约{STATUS_TEXT.get(booking.status, booking.status)}，不能再改了。")
        if booking.starts_at <= now:
            raise BookingError("started", "这个预约的时间已经到了，不能再改了。有事请致电社区。")
        if phone:
            booking.phone = phone
        if address and booking.location == "上门":
            booking.address = address_for_staff(address)
        session.flush()
    log.info("booking_contact_changed", booking_id=booking.id, phone=mask_phone(phone) if phone else None,
             address_changed=bool(address))
    return booking


def reschedule(db: Database, booking_id: str, new_start: datetime, *, sender_id: str | None = None,
               now: datetime | None = None, catalogue: Catalogue | None = None) -> Booking:
    """Move a live booking to another start of the same service, keeping its id. The
    cells the old and the new time share stay taken; only the new ones must be free
    (保洁 9:00 -> 9:30 needs a place at 11:00-11:30 only)."""
    catalogue = catalogue or load_catalogue()
    now, new_start = to_local(now), to_local(new_start)
    with db.session() as session:
        current = _own_booking(session, booking_id, sender_id, lock=False)
        svc = catalogue.service(current.service)
        try:
            slot = _check_bookable_time(catalogue, svc, new_start, now)
        except BookingError as exc:
            raise BookingError(exc.code, exc.message, nearest_free_slots(
                session, svc.name, max(new_start, now), now=now, catalogue=catalogue)) from None
    if slot.starts_at == current.starts_at:
        raise BookingError("same_time", "新时间和原来的一样，不用改。")
    full = False
    new_cells = svc.cells(slot.starts_at)
    with db.transaction() as session:
        counters = _lock_cells(session, svc.name, [*_stored_cells(catalogue, current), *new_cells])
        booking = _own_booking(session, booking_id, sender_id, lock=True)
        if booking.status != "booked":
            raise BookingError("not_changeable",
                               f"这个预约{STATUS_TEXT.get(booking.status, booking.status)}，不能改时间。")
        if booking.starts_at <= now:
            raise BookingError("started", "这个预约的时间已经到了，不能改时间。")
        old_cells = _stored_cells(catalogue, booking)
        if set(old_cells) - set(counters):  # rescheduled by someone else between the two reads
            counters |= _lock_cells(session, svc.name, set(old_cells) - set(counters))
        taking = [cell for cell in new_cells if cell not in old_cells]
        freeing = [cell for cell in old_cells if cell not in new_cells]
        if any(counters[cell].booked >= svc.capacity for cell in taking):
            full = True
        else:
            for cell in taking:
                counters[cell].booked += 1
            for cell in freeing:
                counters[cell].booked = max(counters[cell].booked - 1, 0)
            booking.starts_at, booking.ends_at = slot.starts_at, slot.ends_at
            booking.slot_id = counters[new_cells[0]].id
            reminder = session.scalar(select(BookingReminder).where(BookingReminder.booking_id == booking.id))
            due = _reminder_due(catalogue, slot.starts_at, now)
            if reminder is None and due is not None:
                resident = session.get(Resident, booking.resident_id)
                session.add(BookingReminder(booking_id=booking.id, sender_id=resident.sender_id, due_at=due,
                                            status="pending", attempts=0))
            elif reminder is not None:
                reminder.status, reminder.attempts, reminder.sent_at = ("pending" if due else "cancelled"), 0, None
                reminder.due_at = due or reminder.due_at
            session.flush()
    if full:
        with db.session() as session:
            raise BookingError("full", f"{when_text(slot.starts_at)}的{svc.name}已经约满了。",
                               nearest_free_slots(session, svc.name, slot.starts_at, now=now, catalogue=catalogue))
    log.info("booking_rescheduled", booking_id=booking.id, starts_at=str(slot.starts_at))
    return booking


def set_status(db: Database, booking_id: str, status: str, *, by: str, now: datetime | None = None) -> Booking:
    """Staff mark a booking ``done`` or ``no_show`` once its time has come."""
    if status not in ("done", "no_show"):
        raise BookingError("invalid_status", "status must be done or no_show")
    now = to_local(now)
    with db.transaction() as session:
        booking = _own_booking(session, booking_id, None, lock=True)
        if booking.status != "booked":
            raise BookingError("not_changeable", f"booking is already {booking.status}")
        if booking.starts_at > now:
            raise BookingError("not_started", "the appointment has not started yet")
        booking.status = status
        booking.status_changed_by = by
        session.flush()
    return booking


# --- queries -------------------------------------------------------------------------

def upcoming_bookings(session: Session, sender_id: str, *, now: datetime | None = None,
                      service: str | None = None) -> list[Booking]:
    """A resident's live bookings from now on, soonest first."""
    query = (select(Booking).join(Resident, Resident.id == Booking.resident_id)
             .where(Resident.sender_id == sender_id, Booking.status == "booked",
                    Booking.starts_at > to_local(now)))
    if service:
        query = query.where(Booking.service == service)
    return list(session.scalars(query.order_by(Booking.starts_at)))


def list_bookings(session: Session, *, day: date | None = None, service: str | None = None,
                  status: str | None = None, limit: int = 500) -> list[tuple[Booking, Resident]]:
    """Staff view: bookings by day, service and status, in time order."""
    query = select(Booking, Resident).join(Resident, Resident.id == Booking.resident_id)
    if day is not None:
        start = datetime.combine(day, time.min)
        query = query.where(Booking.starts_at >= start, Booking.starts_at < start + timedelta(days=1))
    if service:
        query = query.where(Booking.service == service)
    if status:
        query = query.where(Booking.status == status)
    return [(b, r) for b, r in session.execute(query.order_by(Booking.starts_at, Booking.id).limit(limit))]


def get_booking(session: Session, booking_id: str) -> Booking | None:
    return session.get(Booking, booking_id.strip().upper())


# --- reminders ---------------------------------------------------------------------

def reminder_text(booking: Booking) -> str:
    where = "师傅会上门" if booking.location == "上门" else "请到社区服务中心"
    return (f"温馨提醒：您预约了{when_text(booking.starts_at)}的{booking.service}，{where}。"
            f"预约号{booking.id}。如需取消，请回复“取消预约”。")


def due_reminders(session: Session, now: datetime | None = None) -> list[tuple[BookingReminder, Booking]]:
    query = (select(BookingReminder, Booking).join(Booking, Booking.id == BookingReminder.booking_id)
             .where(BookingReminder.status == "pending", BookingReminder.due_at <= to_local(now))
             .order_by(BookingReminder.due_at))
    return [(r, b) for r, b in session.execute(query)]


# An adapter delivers one reminder text to one resident (sender ids are channel
# namespaced: "telegram:123"). Channel adapters register themselves here.
Deliver = Callable[[str, str], bool]
REMINDER_CHANNELS: dict[str, Deliver] = {}


def register_reminder_channel(channel: str, deliver: Deliver) -> None:
    REMINDER_CHANNELS[channel] = deliver


def reminder_dedupe_key(booking: Booking) -> str:
    """One outbox row per booking and appointment time: running the job again adds
    nothing, a rescheduled booking is reminded again for its new time."""
    return f"booking:{booking.id}:reminder:{booking.starts_at:%Y%m%d%H%M}"


def _deliver_via_registry(session: Session, booking: Booking, sender_id: str, text: str,
                          now: datetime) -> str | None:
    """Deliver through the resident's channel adapter; else, for a channel that can
    receive pushes (``assistant.outbox.PUSH_CHANNELS``), queue it in the shared outbox
    in the caller's transaction (the channel's process sends it, with retries); else
    record it in the log (masked) so staff can see what went out. Returns the route."""
    channel = sender_id.split(":", 1)[0]
    adapter = REMINDER_CHANNELS.get(channel)
    if adapter is not None:
        return channel if adapter(sender_id, text) else None
    if outbox.can_push(sender_id):
        outbox.enqueue(session, recipient=sender_id, text=text, dedupe_key=reminder_dedupe_key(booking),
                       now=now.replace(tzinfo=TZ))
        return "outbox"
    log.info("reminder_logged", sender_id=sender_id, text=mask_text(text), reason="no channel adapter")
    return "log"


def send_due_reminders(db: Database, now: datetime | None = None, *,
                       deliver: Deliver | None = None, limit: int = 200) -> ReminderRun:
    """Deliver every reminder that is due and mark it. All state is in the database,
    so the job can stop and restart at any time: a reminder is marked sent in the
    same transaction that delivered it, and locked rows (another job running) are
    skipped, so nothing is sent twice. Failed deliveries are retried up to
    ``REMINDER_MAX_ATTEMPTS`` times."""
    now = to_local(now)
    run = ReminderRun()
    with db.session() as session:
        ids = [r.id for r, _ in due_reminders(session, now)[:limit]]
    for reminder_id in ids:
        with db.transaction() as session:
            query = select(BookingReminder).where(BookingReminder.id == reminder_id,
                                                  BookingReminder.status == "pending")
            reminder = session.scalars(query.with_for_update(skip_locked=True)
                                       .execution_options(populate_existing=True)).first()
            if reminder is None:
                continue  # sent by another run in the meantime
            booking = session.get(Booking, reminder.booking_id)
            if booking is None or booking.status != "booked" or booking.starts_at <= now:
                reminder.status = "cancelled"
                run.skipped.append(reminder.booking_id)
                continue
            text = reminder_text(booking)
            try:
                if deliver is None:
                    route = _deliver_via_registry(session, booking, reminder.sender_id, text, now)
                else:
                    route = reminder.sender_id.split(":", 1)[0] if deliver(reminder.sender_id, text) else None
                error = None if route else "adapter refused"
            except Exception as exc:  # an adapter failure must not stop the other reminders
                route, error = None, f"{type(exc).__name__}: {exc}"[:250]
            reminder.attempts += 1
            if route:
                reminder.status, reminder.sent_at, reminder.delivered_via = "sent", clock.local_now(), route
                reminder.last_error = None
                run.sent.append(booking.id)
            else:
                reminder.last_error = error
                if reminder.attempts >= REMINDER_MAX_ATTEMPTS:
                    reminder.status = "failed"
                run.failed.append(booking.id)
    if run.sent or run.failed:
        log.info("reminders_run", sent=len(run.sent), failed=len(run.failed), skipped=len(run.skipped))
    return run


def count_live(session: Session, service: str, starts_at: datetime) -> int:
    """Live bookings under way at the moment ``starts_at`` (the start of a counter
    cell), counted from the bookings themselves (tests check the counter against this)."""
    moment = to_local(starts_at)
    return session.scalar(select(func.count()).select_from(Booking).where(
        Booking.service == service, Booking.starts_at <= moment, Booking.ends_at > moment,
        Booking.status.in_(("booked", "done", "no_show")))) or 0
