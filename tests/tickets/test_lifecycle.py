"""The ticket state machine (property-based), deadlines and the overdue flag."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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


def expected_ok(state: str, satisfaction: int | None, current_department: str, action: str, note: str | None,
                department: str | None, new_satisfaction: int | None) -> bool:
    if action not in REFERENCE or state not in REFERENCE[action][0]:
        return False
    if action in ("退回", "办结") and not (note or "").strip():
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
