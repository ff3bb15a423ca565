"""The escalation ladder on a controllable clock: prompt → second prompt → care ticket
→ urgent alert; a check-in stops it; a second sweep (a restart) sends nothing new;
72 h without water raises it for an elder without a push channel."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from assistant.care.ladder import PROMPT_TEXT, SECOND_PROMPT_TEXT, sweep
from assistant.care.models import CareLadderStep, CareOutbox
from assistant.care.service import add_device, record_checkin, record_sign, register
from assistant.clock import TZ
from assistant.db import Database
from assistant.tickets.models import Ticket

DAY0 = datetime(2026, 12, 1, 7, 0, tzinfo=TZ)  # registered at 07:00; window 08:00–10:00


def at(days: int, hh: int, mm: int = 0) -> datetime:
    return (DAY0 + timedelta(days=days)).replace(hour=hh, minute=mm)


def _register(db):
    return register(db, name="张秀英", phone="13912345678", address="6号楼3单元201", sender_id="web:r-zhang",
                    grid_worker="李网格", quiet_days=3, emergency_contacts=["张小明:13800001111:儿子"], now=DAY0)


@pytest.fixture
def elder(db):
    return _register(db)


def steps(db, care_id):
    with db.session() as session:
        return [(r.episode.split(":")[0], r.step, r.done, r.resolved_at is not None, r.ticket_id)
                for r in session.scalars(select(CareLadderStep).where(CareLadderStep.care_id == care_id)
                                         .order_by(CareLadderStep.id))]


def outbox(db):
    with db.session() as session:
        return [(r.channel, r.recipient, r.text) for r in session.scalars(select(CareOutbox).order_by(CareOutbox.id))]


def tickets(db):
    with db.session() as session:
        return {t.id: t for t in session.scalars(select(Ticket))}


def run(db, clock, when):
    clock.move_to(when)
    return sweep(db, when)


def test_a_silent_elder_climbs_the_whole_ladder_once(any_db, clock):
    db = any_db
    elder = _register(db)
    assert run(db, clock, at(0, 7, 30)).sent == []  # before the window: nothing
    assert run(db, clock, at(0, 8, 5)).sent == [(elder.id, "prompt")]
    assert outbox(db) == [("web", "web:r-zhang", PROMPT_TEXT)]
    assert run(db, clock, at(0, 9, 0)).sent == []  # prompted once a day
    assert run(db, clock, at(0, 10, 5)).sent == [(elder.id, "second_prompt")]
    assert outbox(db)[-1] == ("web", "web:r-zhang", SECOND_PROMPT_TEXT)
    assert run(db, clock, at(0, 11, 0)).sent == []  # the ticket waits two hours after the second prompt
    assert run(db, clock, at(0, 12, 10)).sent == [(elder.id, "ticket")]
    [care] = tickets(db).values()
    assert care.status == "派单" and care.department == "网格员 李网格" and care.urgency == "urgent"
    assert "6号楼3单元201" in care.description and "登记以来没有任何平安信号" in care.description
    # The next days: a daily prompt, but no second ticket for the same silence.
    assert run(db, clock, at(1, 8, 5)).sent == [(elder.id, "prompt")]
    assert run(db, clock, at(2, 9, 0)).sent == [(elder.id, "prompt")]
    assert run(db, clock, at(2, 23, 0)).sent == []
    # Three quiet days after the last sign of life (registration, 07:00 on day 0): the urgent alert.
    assert run(db, clock, at(3, 6, 59)).sent == []
    assert run(db, clock, at(3, 7, 0)).sent == [(elder.id, "alert"), (elder.id, "contact")]
    alert = next(t for t in tickets(db).values() if t.id != care.id)
    assert alert.urgency == "emergency" and care.id in alert.description and "3 天" in alert.description
    assert outbox(db)[-1][:2] == ("phone", "13800001111") and "张秀英" in outbox(db)[-1][2]
    # And never again for this silence.
    assert run(db, clock, at(3, 7, 0)).sent == []
    assert run(db, clock, at(4, 7, 0)).sent == []
    assert [s[1] for s in steps(db, elder.id) if s[0] == "silent"] == ["second_prompt", "ticket", "alert", "contact"]
    assert len(tickets(db)) == 2


def test_the_urgent_alert_goes_through_the_tickets_emergency_alert_path(db, clock, elder, monkeypatch):
    import structlog.testing

    import assistant.care.ladder as ladder
    import assistant.tickets.emergency as emergency

    # Capturing loggers in place of the modules' own (structlog caches configured loggers).
    captured = structlog.testing.LogCapture()
    for module in (emergency, ladder):
        monkeypatch.setattr(module, "log", structlog.wrap_logger(None, processors=[captured]))
    for when in (at(0, 10, 5), at(0, 12, 10), at(3, 7, 0)):
        run(db, clock, when)
    [alert] = [e for e in captured.entries if e["event"] == "ticket_emergency_alert"]  # send_alert
    assert alert["urgency"] == "emergency" and alert["contact_phone"] == "139****5678"
    text = repr(captured.entries)
    assert "13912345678" not in text and "13800001111" not in text
    assert "张秀英" not in text and "张小明" not in text  # names are not logged either
    assert any(e["event"] == "care_message" and e["recipient"] == "138****1111" for e in captured.entries)


def test_a_checkin_stops_the_ladder_at_any_point(db, clock, elder):
    run(db, clock, at(0, 10, 5))
    run(db, clock, at(0, 12, 10))
    assert [s[1] for s in steps(db, elder.id)] == ["second_prompt", "ticket"]
    clock.move_to(at(0, 13, 0))
    assert record_checkin(db, "web:r-zhang", "报平安", at(0, 13, 0)).reply
    assert all(resolved for _, _, _, resolved, _ in steps(db, elder.id))
    for when in (at(0, 18, 0), at(1, 7, 0)):
        assert run(db, clock, when).sent == []
    # A new silence after the check-in is a new episode: the ladder starts again from the second prompt.
    assert run(db, clock, at(1, 10, 5)).sent == [(elder.id, "second_prompt")]


def test_a_checkin_before_the_window_means_no_prompt_and_no_ladder(db, clock, elder):
    clock.move_to(at(0, 7, 45))
    record_checkin(db, "web:r-zhang", "我今天挺好的", at(0, 7, 45))
    for when in (at(0, 8, 5), at(0, 10, 5), at(0, 12, 30)):
        assert run(db, clock, when).sent == []


def test_a_sensor_sign_of_life_after_the_window_opens_counts(db, clock, elder):
    add_device(db, device_id="door-201", care_id=elder.id, kind="door", now=DAY0)
    record_sign(db, care_id=elder.id, source="sensor", kind="door", device_id="door-201", value=1,
                at=at(0, 9, 0), now=at(0, 9, 0))
    assert run(db, clock, at(0, 10, 5)).sent == []


def test_a_second_sweep_after_a_restart_sends_nothing_new(db, clock, elder):
    for when in (at(0, 8, 5), at(0, 10, 5), at(0, 12, 10)):
        run(db, clock, when)
    before = (steps(db, elder.id), outbox(db), set(tickets(db)))
    restarted = Database(db.url)  # a new process on the same database, mid-ladder
    try:
        for when in (at(0, 12, 10), at(0, 12, 10), at(0, 12, 11)):
            clock.move_to(when)
            assert sweep(restarted, when).sent == []
        assert (steps(db, elder.id), outbox(db), set(tickets(db))) == before
        clock.move_to(at(3, 7, 0))  # and it climbs on from where the first process left it
        assert sweep(restarted, at(3, 7, 0)).sent == [(elder.id, "alert"), (elder.id, "contact")]
        assert sweep(restarted, at(3, 7, 0)).sent == []
    finally:
        restarted.dispose()
    assert [s[1] for s in steps(db, elder.id) if s[0] == "silent"] == ["second_prompt", "ticket", "alert", "contact"]


def test_a_step_whose_work_failed_is_retried_by_the_next_sweep(db, clock, elder, monkeypatch):
    import assistant.care.ladder as ladder

    run(db, clock, at(0, 10, 5))

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(ladder, "file_care_ticket", broken)  # a failure we cannot cause for real here
    report = run(db, clock, at(0, 12, 10))
    assert report.sent == [] and report.failed == [(elder.id, "sweep")]
    monkeypatch.undo()
    assert run(db, clock, at(0, 12, 15)).sent == [(elder.id, "ticket")]


def test_72_hours_without_water_raises_the_ladder_for_an_elder_without_a_push_channel(db, clock):
    start = at(0, 9, 0)
    elder = register(db, name="王大爷", phone="13912340000", address="2号楼1单元101", grid_worker="赵网格",
                     quiet_days=3, now=start)
    add_device(db, device_id="wm-101", care_id=elder.id, kind="water", now=start)
    record_sign(db, care_id=elder.id, source="sensor", kind="water", device_id="wm-101", value=0.012,
                at=start, now=start)
    assert run(db, clock, start + timedelta(hours=23)).sent == []  # no prompts: no push channel
    assert run(db, clock, start + timedelta(hours=24)).sent == [(elder.id, "ticket")]
    [care] = tickets(db).values()
    assert "24小时没有用水" in care.description and care.department == "网格员 赵网格"
    assert "传感器" in care.description
    assert run(db, clock, start + timedelta(hours=48)).sent == []
    assert run(db, clock, start + timedelta(hours=72)).sent == [(elder.id, "alert")]
    assert any(t.urgency == "emergency" and "3 天" in t.description for t in tickets(db).values())


def test_water_use_stops_the_sensor_ladder_at_the_next_sweep(db, clock):
    start = at(0, 9, 0)
    elder = register(db, name="王大爷", phone="13912340000", address="2号楼1单元101", now=start)
    add_device(db, device_id="wm-102", care_id=elder.id, kind="water", now=start)
    run(db, clock, start + timedelta(hours=25))
    assert [s[1] for s in steps(db, elder.id)] == ["ticket"]
    record_sign(db, care_id=elder.id, source="sensor", kind="water", device_id="wm-102", value=0.02,
                at=start + timedelta(hours=26), now=start + timedelta(hours=26))
    report = run(db, clock, start + timedelta(hours=27))
    assert report.sent == [] and report.resolved == 1
    # A new silence (54 h since that reading) is a new episode with its own ticket.
    assert run(db, clock, start + timedelta(hours=80)).sent == [(elder.id, "ticket")]


def test_two_sweeps_at_once_send_each_step_once(any_db, clock):
    from concurrent.futures import ThreadPoolExecutor

    db = any_db
    elders = [register(db, name=f"老人{i}", phone=f"1391234{i:04d}", address=f"{i}号楼", sender_id=f"web:r-{i}",
                       now=DAY0) for i in range(5)]
    second = Database(db.url)
    try:
        for when in (at(0, 8, 5), at(0, 10, 5), at(0, 12, 10)):
            clock.move_to(when)
            with ThreadPoolExecutor(2) as pool:
                reports = list(pool.map(lambda d: sweep(d, when), (db, second)))
            sent = sorted(reports[0].sent + reports[1].sent)
            step = {8: "prompt", 10: "second_prompt", 12: "ticket"}[when.hour]
            assert sent == sorted((e.id, step) for e in elders)
    finally:
        second.dispose()
    assert len(outbox(db)) == 10 and len(tickets(db)) == 5


def test_butler_care_sweep_runs_the_ladder_once(app_env, clock):
    from typer.testing import CliRunner

    from assistant.cli import app

    elder = _register(app_env)
    clock.move_to(at(0, 8, 5))
    result = CliRunner().invoke(app, ["care", "sweep"])
    assert result.exit_code == 0, result.output
    assert "巡查 1 位老人：prompt 1" in result.stdout
    assert steps(app_env, elder.id) == [("day", "prompt", True, False, None)]


def test_an_elder_registered_during_the_window_is_expected_from_the_next_day(db, clock):
    elder = register(db, name="李奶奶", phone="13912349999", address="3号楼", sender_id="web:r-li", now=at(0, 9, 0))
    assert run(db, clock, at(0, 9, 5)).sent == [(elder.id, "prompt")]
    assert run(db, clock, at(0, 10, 5)).sent == []
    assert run(db, clock, at(1, 10, 5)).sent == [(elder.id, "second_prompt")]


def test_an_elder_without_consent_is_not_watched(db, clock):
    register(db, name="周大爷", phone="13912348888", address="4号楼", sender_id="web:r-zhou", consent=False,
             now=DAY0)
    for when in (at(0, 8, 5), at(0, 10, 5), at(0, 12, 10), at(4, 7, 0)):
        report = run(db, clock, when)
        assert report.elders == 0 and report.sent == []
