"""The ticket state machine (property-based), deadlines and the overdue flag."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from assistant.settings import Settings
from assistant.tickets import lifecycle
from assistant.tickets.lifecycle import InvalidTransition, apply_transition, deadline_for, is_overdue
from assistant.tickets.models import Ticket

T0 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai

# The reference model, written independently of lifecycle.TRANSITIONS:
# action -> (states it may start from, state it leads to).
REFERENCE = {
    "派单": ({"受理"}, "派单"),
    "开始处置": ({"派单"}, "处置中"),
    "退回": ({"派单", "处置中"}, "受理"),
    "重派": ({"派单", "处置中"}, "派单"),
    "办结": ({"处置中"}, "已办结"),
    "回访": ({"已办结"}, "回访"),
    "关闭": ({"回访"}, "关闭"),
    "重新打开": ({"回访"}, "处置中"),
}
DEPARTMENTS = ("街道城市管理办公室", "街道环卫所", "社区居委会")


def new_ticket(urgency: str = "normal", now: datetime = T0) -> Ticket:
    return Ticket(id="GD202611300001", created_at=now, updated_at=now, description="路灯坏了", category="市政设施",
                  department=DEPARTMENTS[0], urgency=urgency, status="受理",
                  deadline_at=deadline_for(urgency, now), report_count=1, cues={})


def has_words(note: str | None) -> bool:
    """A note counts when something is left once control characters (which never reach
    the database) and blank ends are gone: "\x08" is no explanation."""
    kept = "".join(ch for ch in note or "" if ch in "\t\n\r" or (32 <= ord(ch) != 127))
    return bool(kept.strip())


def expected_ok(state: str, satisfaction: int | None, current_department: str, action: str, note: str | None,
                department: str | None, new_satisfaction: int | None) -> bool:
    if action not in REFERENCE or state not in REFERENCE[action][0]:
        return False
    if action in ("退回", "办结") and not has_words(note):
        return False
    if action == "重派" and (not department or department == current_department):
        return False
    if action == "回访" and new_satisfaction not in (1, 2, 3, 4, 5):
        return False
    if action == "关闭" and (satisfaction or 0) < 3:
        return False
    if action == "重新打开" and (satisfaction or 0) >= 3:
        return False
    return True


class TicketMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.ticket = new_ticket()
        self.state = "受理"
        self.satisfaction: int | None = None
        self.successes = 0
        self.now = T0
        self.visited: set[str] = set()

    @rule(action=st.sampled_from([*REFERENCE, "删除", ""]),
          note=st.one_of(st.none(), st.just(""), st.just("  "), st.text(min_size=1, max_size=8)),
          department=st.one_of(st.none(), st.sampled_from(DEPARTMENTS)),
          satisfaction=st.one_of(st.none(), st.integers(min_value=-1, max_value=7)),
          minutes=st.integers(min_value=0, max_value=600))
    def act(self, action, note, department, satisfaction, minutes):
        self.now += timedelta(minutes=minutes)
        ok = expected_ok(self.state, self.satisfaction, self.ticket.department, action, note, department,
                         satisfaction)
        events_before = len(self.ticket.events)
        snapshot = (self.ticket.status, self.ticket.department, self.ticket.satisfaction, self.ticket.deadline_at)
        try:
            event = apply_transition(self.ticket, action, actor="staff:test", note=note, department=department,
                                     satisfaction=satisfaction, now=self.now)
        except InvalidTransition as exc:
            assert not ok, f"{action} from {self.state} was refused: {exc}"
            assert (self.ticket.status, self.ticket.department, self.ticket.satisfaction,
                    self.ticket.deadline_at) == snapshot, "a refused transition changed the ticket"
            assert len(self.ticket.events) == events_before, "a refused transition was audited"
            assert exc.code == "invalid_transition"
            return
        assert ok, f"{action} from {self.state} should have been refused"
        self.successes += 1
        assert event.from_state == self.state and event.to_state == REFERENCE[action][1]
        assert event.actor == "staff:test" and event.at == self.now
        self.state = REFERENCE[action][1]
        if action == "回访":
            self.satisfaction = satisfaction
        if action in ("派单", "重派") and department:
            assert self.ticket.department == department
        if action == "重新打开":
            assert self.ticket.deadline_at == deadline_for("normal", self.now)

    @rule(data=st.data())
    def advance(self, data):
        """Mostly-valid moves, so runs reach 回访, 关闭 and 重新打开 often."""
        possible = [a for a, (src, _) in REFERENCE.items() if self.state in src]
        if not possible:  # 关闭 is final
            return
        action = data.draw(st.sampled_from(possible))
        other = next(d for d in DEPARTMENTS if d != self.ticket.department)
        self.act(action=action, note="处理说明", department=other if action == "重派" else None,
                 satisfaction=data.draw(st.integers(1, 5)) if action == "回访" else None, minutes=30)
        self.visited.add(self.state)

    @invariant()
    def matches_reference(self):
        assert self.ticket.status == self.state
        assert self.ticket.status in lifecycle.STATES
        assert len(self.ticket.events) == self.successes  # every transition audited, nothing else
        for before, after in zip(self.ticket.events, self.ticket.events[1:]):
            assert after.from_state == before.to_state  # the audit trail is a connected path
        assert (self.ticket.closed_at is not None) == (self.state == "关闭")
        assert set(lifecycle.allowed_actions(self.state)) == {a for a, (src, _) in REFERENCE.items()
                                                               if self.state in src}


TicketMachine.TestCase.settings = hsettings(max_examples=150, stateful_step_count=30, deadline=None)
test_ticket_state_machine = TicketMachine.TestCase


def test_machine_reaches_every_state():
    """Guard against a vacuous property test: the biased rule walks the whole graph."""
    seen: set[str] = set()
    import random

    for seed in range(30):
        machine = TicketMachine()
        rng = random.Random(seed)
        for _ in range(20):
            possible = [a for a, (src, _) in REFERENCE.items() if machine.state in src]
            if not possible:
                break
            action = rng.choice(possible)
            other = next(d for d in DEPARTMENTS if d != machine.ticket.department)
            machine.act(action=action, note="说明", department=other if action == "重派" else None,
                        satisfaction=rng.randint(1, 5) if action == "回访" else None, minutes=5)
            seen.add(machine.state)
    assert seen == set(lifecycle.STATES)


def test_full_happy_path_and_reopen():
    t = new_ticket()
    apply_transition(t, "派单", actor="d", now=T0)
    apply_transition(t, "开始处置", actor="w", now=T0)
    apply_transition(t, "办结", actor="w", note="已更换灯泡", now=T0)
    apply_transition(t, "回访", actor="d", satisfaction=2, now=T0)
    with pytest.raises(InvalidTransition, match="不满意"):
        apply_transition(t, "关闭", actor="d", now=T0)
    apply_transition(t, "重新打开", actor="d", note="居民说还是不亮", now=T0 + timedelta(days=1))
    assert t.status == "处置中" and t.resolved_at is None
    apply_transition(t, "办结", actor="w", note="更换了线路", now=T0 + timedelta(days=2))
    apply_transition(t, "回访", actor="d", satisfaction=5, now=T0 + timedelta(days=2))
    apply_transition(t, "关闭", actor="d", now=T0 + timedelta(days=2))
    assert t.status == "关闭" and t.satisfaction == 5
    assert [e.action for e in t.events] == ["派单", "开始处置", "办结", "回访", "重新打开", "办结", "回访", "关闭"]
    assert t.events[3].note == "满意度 2"


def test_deadlines_per_urgency():
    assert deadline_for("emergency", T0) == T0 + timedelta(hours=2)
    assert deadline_for("urgent", T0) == T0 + timedelta(hours=24)
    # Monday 30 Nov 2026 -> Tue, Wed, Thu: end of Thursday 3 Dec, Shanghai time.
    assert deadline_for("normal", T0) == datetime(2026, 12, 3, 15, 59, 59, tzinfo=UTC)
    # Filed on Friday 4 Dec: the weekend does not count -> Mon, Tue, Wed 9 Dec.
    friday = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
    assert deadline_for("normal", friday) == datetime(2026, 12, 9, 15, 59, 59, tzinfo=UTC)


def test_statutory_holidays_do_not_count():
    # National Day 2026: 1-7 Oct are holidays (chinese_calendar); filed 30 Sep.
    filed = datetime(2026, 9, 30, 2, 0, tzinfo=UTC)
    deadline = deadline_for("normal", filed)
    assert deadline.date() > datetime(2026, 10, 8).date()


def test_deadlines_are_configurable():
    custom = Settings(ticket_deadlines={"emergency": "1h", "normal": "2d"})
    assert deadline_for("emergency", T0, custom) == T0 + timedelta(hours=1)
    assert deadline_for("normal", T0, custom) == T0 + timedelta(days=2)
    assert deadline_for("urgent", T0, custom) == T0 + timedelta(hours=24)  # default kept
    with pytest.raises(ValueError):
        deadline_for("normal", T0, Settings(ticket_deadlines={"normal": "soon"}))


def test_overdue_flag():
    t = new_ticket("emergency")
    assert not is_overdue(t, T0 + timedelta(hours=1))
    assert is_overdue(t, T0 + timedelta(hours=3))
    apply_transition(t, "派单", actor="d", now=T0)
    apply_transition(t, "开始处置", actor="w", now=T0)
    apply_transition(t, "办结", actor="w", note="done", now=T0 + timedelta(hours=3))
    assert not is_overdue(t, T0 + timedelta(hours=5))  # finished work is never overdue


def test_refusals_explain_themselves():
    t = new_ticket()
    with pytest.raises(InvalidTransition) as info:
        apply_transition(t, "办结", actor="w", note="x", now=T0)
    assert info.value.state == "受理" and info.value.action == "办结" and "派单" in str(info.value)
    apply_transition(t, "派单", actor="d", now=T0)
    with pytest.raises(InvalidTransition, match="部门"):
        apply_transition(t, "重派", actor="d", now=T0)
    with pytest.raises(InvalidTransition, match="说明"):
        apply_transition(t, "退回", actor="d", note="  ", now=T0)


# ---- the statutory-holiday calendar (assistant.calendar.holidays) -------------------
# Three cases: a year chinese-calendar covers, a year only the operators' file covers,
# and a year nobody covers (Monday to Friday, loudly). The years are fixed: 2025/2026
# are in the pinned chinese-calendar, 2098/2099 in no release for decades.

OPERATOR_FILE = """
years:
  2098:
    source: test arrangement (not a real notice)
    holidays: [2098-01-01, 2098-01-27..2098-02-02]   # a Wednesday; Monday to Sunday
    workdays: [2098-01-25]                            # a Saturday worked
  2099: {holidays: [2099-01-01]}
  2026:
    holidays: [2026-12-24]                            # a local day off (a Thursday)
    workdays: [2026-12-26]                            # and a Saturday worked for it
"""


@pytest.fixture
def holiday_file(tmp_path, monkeypatch):
    """The operators' file as settings name it (the suite's default is no file)."""
    from assistant.settings import get_settings

    path = tmp_path / "holidays.yml"
    monkeypatch.setenv("BUTLER_HOLIDAYS_FILE", str(path))
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


@pytest.fixture
def fresh_warnings(monkeypatch):
    from assistant.calendar import holidays

    monkeypatch.setattr(holidays, "_warned_years", set())


def test_year_covered_by_chinese_calendar():
    from assistant.calendar import holidays

    calendar = holidays.WorkCalendar()  # no operators' file
    assert calendar.source(2026) == holidays.PACKAGE and calendar.missing_years(date(2025, 6, 1)) == []
    assert not calendar.is_working_day(date(2026, 10, 1))       # National Day
    assert calendar.is_working_day(date(2026, 10, 10))          # the Saturday worked in lieu
    assert holidays.readiness_detail(date(2025, 6, 1), calendar) is None


def test_year_covered_by_the_operator_file_overrides_and_extends(holiday_file, fresh_warnings):
    from structlog.testing import capture_logs

    from assistant.calendar import holidays

    holiday_file.write_text(OPERATOR_FILE, encoding="utf-8")
    calendar = holidays.load_calendar()
    assert calendar.path == holiday_file and calendar.error is None
    assert calendar.source(2098) == holidays.OPERATOR_FILE and calendar.missing_years(date(2098, 6, 1)) == []
    with capture_logs() as logs:
        assert holidays.check_coverage(date(2098, 6, 1), calendar) == []
        assert not calendar.is_working_day(date(2098, 1, 1)) and not calendar.is_working_day(date(2098, 1, 27))
        assert calendar.is_working_day(date(2098, 1, 25))        # Saturday, listed as worked
        assert not calendar.is_working_day(date(2098, 1, 26))    # Sunday, not listed
        assert calendar.is_working_day(date(2098, 2, 3))         # a plain Monday
    assert logs == []                                            # a covered year is quiet
    # Over chinese-calendar: the listed days win, the others keep the package's answer.
    assert not calendar.is_working_day(date(2026, 12, 24)) and calendar.is_working_day(date(2026, 12, 26))
    assert not calendar.is_working_day(date(2026, 10, 1)) and calendar.is_working_day(date(2026, 12, 23))
    # Ticket deadlines read it: filed Friday 2098-01-24 -> Sat 25 (worked), [Sun 26, 27 Jan - 2 Feb off],
    # Mon 3, Tue 4 Feb: the end of Tuesday 4 Feb, Shanghai time.
    filed = datetime(2098, 1, 24, 2, 0, tzinfo=UTC)
    assert deadline_for("normal", filed) == datetime(2098, 2, 4, 15, 59, 59, tzinfo=UTC)
    # Filed Wed 23 Dec 2026: Thu 24 (off), Fri 25, Sat 26 (worked), Mon 28 -> end of Monday 28 Dec.
    assert deadline_for("normal", datetime(2026, 12, 23, 2, 0, tzinfo=UTC)) == \
        datetime(2026, 12, 28, 15, 59, 59, tzinfo=UTC)


def test_year_covered_by_nobody_is_monday_to_friday_and_loud(holiday_file, fresh_warnings):
    from structlog.testing import capture_logs

    from assistant.calendar import holidays

    calendar = holidays.load_calendar()   # the file does not exist
    assert calendar.source(2098) is None
    with capture_logs() as logs:
        assert holidays.check_coverage(date(2098, 6, 1), calendar) == [2098, 2099]
        assert not calendar.is_working_day(date(2098, 1, 25)) and calendar.is_working_day(date(2098, 1, 1))
        calendar.is_working_day(date(2098, 1, 2))               # warned once per year, not per day
    assert [e["event"] for e in logs] == ["HOLIDAY_CALENDAR_INCOMPLETE", "holiday_calendar_missing_year"]
    assert logs[0]["missing_years"] == [2098, 2099] and logs[0]["log_level"] == "warning"
    detail = holidays.readiness_detail(date(2098, 6, 1), calendar)
    assert "2098, 2099" in detail and "butler calendar import" in detail
    # This year covered, next year not: only next year is named.
    assert holidays.missing_years(date(2026, 12, 5), calendar) == ([] if holidays.package_covers(2027) else [2027])
    # Deadlines still come out, on Monday to Friday: Fri 2098-01-24 -> Mon, Tue, Wed 29 Jan.
    assert deadline_for("normal", datetime(2098, 1, 24, 2, 0, tzinfo=UTC)) == \
        datetime(2098, 1, 29, 15, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize(("text", "error"), [
    ("years: {2098: {holidays: [2098-01-01], workdays: [2098-01-01]}}", "both"),
    ("years: {2098: {holidays: [2099-01-01]}}", "another year"),
    ("years: {2098: {holidays: [2098-02-10..2098-02-01]}}", "forwards"),
    ("years: {2098: {holidays: [soon]}}", "neither a date"),
    ("years: {2098: {vacation: []}}", "vacation"),
    ("[1, 2]", "mapping"),
    ("years: {2098: {holidays: [", "YAML"),
])
def test_bad_holiday_files_are_refused_readably(text, error):
    from assistant.calendar.holidays import HolidayFileError, parse_holiday_file

    with pytest.raises(HolidayFileError, match=error):
        parse_holiday_file(text)


def test_a_broken_installed_file_is_ignored_and_reported(holiday_file):
    from assistant.calendar import holidays

    holiday_file.write_text("years: {2098: {holidays: [2098-01-01], workdays: [2098-01-01]}}", encoding="utf-8")
    calendar = holidays.load_calendar()
    assert calendar.error and calendar.source(2098) is None
    assert "ignored" in holidays.readiness_detail(date(2025, 6, 1), calendar)


def test_calendar_cli_import_and_status(holiday_file, clock, tmp_path):
    from typer.testing import CliRunner

    from assistant.calendar import holidays
    from assistant.calendar.cli import app

    runner = CliRunner()
    clock.move_to(datetime(2098, 6, 1, 10, 0))
    before = runner.invoke(app, ["status"])
    assert before.exit_code == 1 and "2098: NOT COVERED" in before.output and "2099: NOT COVERED" in before.output
    bad = tmp_path / "bad.yml"
    bad.write_text("years: {2098: {holidays: [2099-01-01]}}", encoding="utf-8")
    refused = runner.invoke(app, ["import", str(bad)])
    assert refused.exit_code == 1 and "invalid holiday file" in refused.output and not holiday_file.exists()
    sample = runner.invoke(app, ["import", str(holidays.SAMPLE_PATH)])   # the shipped sample: structure only
    assert sample.exit_code == 0 and "years: none" in sample.output
    good = tmp_path / "good.yml"
    good.write_text(OPERATOR_FILE, encoding="utf-8")
    done = runner.invoke(app, ["import", str(good)])
    assert done.exit_code == 0 and "years: 2026, 2098, 2099" in done.output, done.output
    assert holiday_file.read_text(encoding="utf-8") == OPERATOR_FILE
    after = runner.invoke(app, ["status"])
    assert after.exit_code == 0 and "2098: operator holiday file" in after.output
