"""The ticket state machine, deadlines and the overdue flag.

States (the words staff and residents see): 受理 → 派单 → 处置中 → 已办结 → 回访 → 关闭.
Side paths: 退回 (a department hands a ticket back to the dispatcher), 重派 (sent to
another department), 重新打开 (the resident was not satisfied at 回访: back to work).
Residents themselves may reopen a handled ticket through the conversation
(``resident_reopen``: 不满意 with a reason, within 7 days of 已办结, at most twice);
that is not a staff action, so it is not in ``TRANSITIONS``.

Every transition goes through ``apply_transition`` which refuses what the table
does not allow with ``InvalidTransition`` and writes one audit event (who, when,
from, to, note). The functions work on an ORM ``Ticket`` and need no database, so
the property-based tests drive them directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from assistant import clock
from assistant.calendar import holidays
from assistant.calendar.holidays import WorkCalendar
from assistant.settings import Settings, get_settings
from assistant.tickets.models import Ticket, TicketEvent

ACCEPTED, DISPATCHED, IN_PROGRESS, RESOLVED, FOLLOWED_UP, CLOSED = "受理", "派单", "处置中", "已办结", "回访", "关闭"
STATES = (ACCEPTED, DISPATCHED, IN_PROGRESS, RESOLVED, FOLLOWED_UP, CLOSED)
# Still being worked on: these can be overdue and can absorb duplicate reports.
OPEN_STATES = frozenset({ACCEPTED, DISPATCHED, IN_PROGRESS})
# Open311 knows only open/closed: once resolved the work is done.
DONE_STATES = frozenset({RESOLVED, FOLLOWED_UP, CLOSED})

URGENCIES = ("normal", "urgent", "emergency")
URGENCY_RANK = {u: i for i, u in enumerate(URGENCIES)}
URGENCY_ZH = {"normal": "一般", "urgent": "紧急", "emergency": "特急"}

# Satisfaction at 回访 is 1..5; this and above counts as satisfied.
SATISFIED_MIN = 3

# A resident's own reopening (not satisfied, with a reason): from these states only,
# within this long after 已办结, at most this many times per ticket.
RESIDENT_REOPEN_SOURCES = frozenset({RESOLVED, FOLLOWED_UP})
RESIDENT_REOPEN_WINDOW = timedelta(days=7)
MAX_RESIDENT_REOPENS = 2
RESIDENT_REOPEN_ACTION = "居民重新打开"

# What a resident hears for each state: short, plain, no internal details.
STATE_FOR_RESIDENT = {
    ACCEPTED: "已受理，正在安排处理部门",
    DISPATCHED: "已派给相关部门，等待处理",
    IN_PROGRESS: "相关部门正在处理中",
    RESOLVED: "已处理完毕，稍后会回访您",
    FOLLOWED_UP: "已回访，等待结案",
    CLOSED: "已办结并关闭",
}


class TicketError(Exception):
    """Base of the ticket rules' refusals; ``code`` is stable for APIs."""

    code = "ticket_error"


class TicketNotFound(TicketError):
    code = "ticket_not_found"


class InvalidTransition(TicketError):
    """The action is not allowed from the ticket's state, or lacks what it needs
    (a note, a department, a satisfaction score)."""

    code = "invalid_transition"

    def __init__(self, ticket_id: str | None, state: str, action: str, reason: str):
        super().__init__(f"{ticket_id or '工单'}：当前状态“{state}”不能执行“{action}”：{reason}")
        self.ticket_id = ticket_id
        self.state = state
        self.action = action
        self.reason = reason


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str | None  # None: stays in the same state (重派 keeps 派单)
    description: str


TRANSITIONS: dict[str, Transition] = {t.action: t for t in (
    Transition("派单", frozenset({ACCEPTED}), DISPATCHED, "分派给处理部门"),
    Transition("开始处置", frozenset({DISPATCHED}), IN_PROGRESS, "部门接单并开始处理"),
    Transition("退回", frozenset({DISPATCHED, IN_PROGRESS}), ACCEPTED, "部门认为不属于本部门，退回重新分派（需说明理由）"),
    Transition("重派", frozenset({DISPATCHED, IN_PROGRESS}), DISPATCHED, "改派给另一个部门（需指定部门）"),
    Transition("办结", frozenset({IN_PROGRESS}), RESOLVED, "处理完毕（需填写处理结果）"),
    Transition("回访", frozenset({RESOLVED}), FOLLOWED_UP, "回访居民并记录满意度 1–5"),
    Transition("关闭", frozenset({FOLLOWED_UP}), CLOSED, f"居民满意（满意度 ≥ {SATISFIED_MIN}）后结案"),
    Transition("重新打开", frozenset({FOLLOWED_UP}), IN_PROGRESS, f"居民不满意（满意度 < {SATISFIED_MIN}），重新处理"),
)}
ACTIONS = tuple(TRANSITIONS)


def allowed_actions(state: str) -> list[str]:
    return [a for a, t in TRANSITIONS.items() if state in t.sources]


# ---- time helpers ---------------------------------------------------------------

def utcnow() -> datetime:
    """Now, aware UTC, on the project clock (``assistant.clock``)."""
    return clock.now()


def aware(dt: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    if dt is None:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt


def local_aware(dt: datetime | None, settings: Settings | None = None) -> datetime | None:
    """A time typed by staff without a zone means local time, not UTC."""
    if dt is None or dt.tzinfo is not None:
        return dt
    return dt.replace(tzinfo=ZoneInfo((settings or get_settings()).timezone))


_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(h|d|wd)\s*$")
DEFAULT_DEADLINES = {"emergency": "2h", "urgent": "24h", "normal": "3wd"}


def parse_duration(spec: str) -> tuple[float, str]:
    match = _DURATION_RE.match(str(spec))
    if not match:
        raise ValueError(f"deadline {spec!r} must look like '2h', '1d' or '3wd'")
    return float(match.group(1)), match.group(2)


def is_working_day(day: date, calendar: WorkCalendar | None = None) -> bool:
    """The Chinese statutory calendar (holidays and the weekend days worked in lieu):
    the operators' holiday file over the ``chinese_calendar`` package; Monday–Friday,
    with a warning in the log, for a year neither knows (``assistant.calendar.holidays``)."""
    return holidays.is_working_day(day, calendar)


def add_working_days(start: datetime, days: int, tz: ZoneInfo) -> datetime:
    """The end (23:59:59 local) of the ``days``-th working day after the start day,
    the way "3个工作日内" is read: the day of filing does not count."""
    calendar = holidays.load_calendar()
    local = start.astimezone(tz).date()
    counted = 0
    while counted < days:
        local += timedelta(days=1)
        if is_working_day(local, calendar):
            counted += 1
    return datetime.combine(local, time(23, 59, 59), tzinfo=tz).astimezone(UTC)


def deadline_for(urgency: str, start: datetime, settings: Settings | None = None) -> datetime:
    settings = settings or get_settings()
    specs = {**DEFAULT_DEADLINES, **(settings.ticket_deadlines or {})}
    amount, unit = parse_duration(specs.get(urgency, specs["normal"]))
    start = aware(start)
    if unit == "h":
        return start + timedelta(hours=amount)
    if unit == "d":
        return start + timedelta(days=amount)
    return add_working_days(start, int(amount), ZoneInfo(settings.timezone))


def is_overdue(ticket: Ticket, now: datetime | None = None) -> bool:
    return ticket.status in OPEN_STATES and aware(now or utcnow()) > aware(ticket.deadline_at)


# ---- transitions ----------------------------------------------------------------

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str | None) -> str | None:
    """Strip control characters (PostgreSQL refuses NUL in text) and blank ends."""
    if value is None:
        return None
    value = _CONTROL_RE.sub("", value).strip()
    return value or None


def record_event(ticket: Ticket, *, actor: str, action: str, from_state: str | None,
                 to_state: str | None, note: str | None, now: datetime) -> TicketEvent:
    event = TicketEvent(at=now, actor=actor, action=action, from_state=from_state, to_state=to_state,
                        note=note)
    ticket.events.append(event)
    ticket.updated_at = now
    return event


def record_resident_word(ticket: Ticket, sender_id: str, action: str, note: str | None,
                         now: datetime) -> TicketEvent:
    """Audits what a resident said about their ticket that leaves its state where it was
    (an addition, a phone left, a rating, the same report again): one shape for the
    timeline, whichever path heard it."""
    return record_event(ticket, actor=f"resident:{sender_id}", action=action, from_state=ticket.status,
                        to_state=ticket.status, note=note, now=now)


def apply_transition(ticket: Ticket, action: str, *, actor: str, note: str | None = None,
                     department: str | None = None, satisfaction: int | None = None,
                     now: datetime | None = None, settings: Settings | None = None) -> TicketEvent:
    """Move ``ticket`` by ``action`` or raise ``InvalidTransition``; audits the move."""
    now = aware(now) or utcnow()
    state = ticket.status
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise InvalidTransition(ticket.id, state, action, f"未知操作，可用操作：{'、'.join(ACTIONS)}")
    if state not in transition.sources:
        can = "、".join(allowed_actions(state)) or "无"
        raise InvalidTransition(ticket.id, state, action, f"此状态下可执行：{can}")
    note = clean_text(note)
    department = clean_text(department)

    if action in ("退回", "办结") and not note:
        raise InvalidTransition(ticket.id, state, action, "需要填写说明")
    if action == "重派":
        if not department:
            raise InvalidTransition(ticket.id, state, action, "需要指定新的处理部门")
        if department == ticket.department:
            raise InvalidTransition(ticket.id, state, action, "新部门与当前部门相同")
    if action == "回访":
        if satisfaction is None or isinstance(satisfaction, bool) or satisfaction not in range(1, 6):
            raise InvalidTransition(ticket.id, state, action, "满意度须为 1 到 5 的整数")
    if action == "关闭" and (ticket.satisfaction or 0) < SATISFIED_MIN:
        raise InvalidTransition(ticket.id, state, action, "居民不满意，应重新打开处理")
    if action == "重新打开" and (ticket.satisfaction or 0) >= SATISFIED_MIN:
        raise InvalidTransition(ticket.id, state, action, "居民已满意，应关闭")

    if action in ("派单", "重派") and department and department != ticket.department:
        change = f"部门：{ticket.department} → {department}"
        note = f"{change}；{note}" if note else change
        ticket.department = department
    if action == "回访":
        ticket.satisfaction = satisfaction
        note = f"满意度 {satisfaction}" + (f"；{note}" if note else "")
    if action == "办结":
        ticket.resolved_at = now
    if action == "关闭":
        ticket.closed_at = now
    if action == "重新打开":
        # A second round of work gets a fresh deadline of the same urgency.
        ticket.resolved_at = None
        ticket.deadline_at = deadline_for(ticket.urgency, now, settings)
    ticket.status = transition.target
    return record_event(ticket, actor=actor, action=action, from_state=state, to_state=transition.target,
                        note=note, now=now)


def state_for_resident(ticket: Ticket) -> str:
    return STATE_FOR_RESIDENT.get(ticket.status, ticket.status)


def resident_reopen_refusal(ticket: Ticket, now: datetime | None = None) -> str | None:
    """Why the resident may not reopen ``ticket`` now (short Chinese), or None."""
    now = aware(now) or utcnow()
    if ticket.status in OPEN_STATES:
        return "工单还在处理中"
    if ticket.status not in RESIDENT_REOPEN_SOURCES:
        return f"工单已{ticket.status}"
    if (ticket.reopen_count or 0) >= MAX_RESIDENT_REOPENS:
        return f"这个工单已经重新打开过{MAX_RESIDENT_REOPENS}次"
    resolved = aware(ticket.resolved_at)
    if resolved is None or now - resolved > RESIDENT_REOPEN_WINDOW:
        return f"办结已超过{RESIDENT_REOPEN_WINDOW.days}天"
    return None


def resident_reopen(ticket: Ticket, *, actor: str, reason: str, now: datetime | None = None,
                    settings: Settings | None = None) -> TicketEvent:
    """The resident was not satisfied and said why: back to 处置中 with the same
    department, a fresh deadline of the same urgency, and one audit event. Raises
    ``InvalidTransition`` when ``resident_reopen_refusal`` says no or no reason is given."""
    now = aware(now) or utcnow()
    state = ticket.status
    refusal = resident_reopen_refusal(ticket, now)
    if refusal:
        raise InvalidTransition(ticket.id, state, RESIDENT_REOPEN_ACTION, refusal)
    reason = clean_text(reason)
    if not reason:
        raise InvalidTransition(ticket.id, state, RESIDENT_REOPEN_ACTION, "需要说明不满意的原因")
    ticket.status = IN_PROGRESS
    ticket.resolved_at = None
    ticket.deadline_at = deadline_for(ticket.urgency, now, settings)
    ticket.reopen_count = (ticket.reopen_count or 0) + 1
    return record_event(ticket, actor=actor, action=RESIDENT_REOPEN_ACTION, from_state=state,
                        to_state=IN_PROGRESS, note=f"第{ticket.reopen_count}次：{reason}", now=now)
