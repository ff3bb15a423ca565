"""The 民意温度计's aggregates (assistant/tickets/thermometer.py) on SQLite and
PostgreSQL: local days (Asia/Shanghai, the database stores UTC), empty days as zeros,
emergencies and sentiment per day, this week's complaint topics against last week's."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from assistant import clock as project_clock
from assistant.settings import Settings
from assistant.tickets import thermometer
from assistant.tickets.service import file_ticket

SETTINGS = Settings(alert_webhook_url="")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=project_clock.TZ)


def file(db, text: str, when: datetime, category: str = "物业管理", **extra) -> None:
    file_ticket(db, description=text, sender_id="web:thermo", category=category, check_duplicates=False,
                now=when, settings=SETTINGS, **extra)


@pytest.fixture
def tuesday(clock):
    """Tuesday 10 March 2026, noon in Shanghai (a fixed day: nothing depends on today)."""
    return clock.move_to(local(2026, 3, 10, 12, 0), tick=False)


def test_tickets_per_local_day(any_db, tuesday):
    file(any_db, "8号楼楼道灯坏了，太黑了，气死人", local(2026, 3, 10, 0, 10))  # 03-09 16:10 UTC
    file(any_db, "3号楼门口垃圾没人清理", local(2026, 3, 9, 23, 50))
    file(any_db, "5号楼路灯修好了，谢谢你们", local(2026, 3, 9, 8, 0))
    file(any_db, "12号楼着火了，好多烟", local(2026, 3, 5, 9, 0), category="消防安全", force_urgency="emergency")
    file(any_db, "上个月的工单", local(2026, 2, 28, 23, 59))  # before the range
    rng = thermometer.date_range(date(2026, 3, 1), date(2026, 3, 10))
    with any_db.session() as session:
        days = thermometer.daily(session, rng)
    assert [d["day"] for d in days] == [f"2026-03-{n:02d}" for n in range(1, 11)]
    by_day = {d["day"]: d for d in days}
    assert by_day["2026-03-10"]["total"] == 1 and by_day["2026-03-09"]["total"] == 2
    assert by_day["2026-03-05"] == {**by_day["2026-03-05"], "total": 1, "emergency": 1}
    assert by_day["2026-03-01"] == {"day": "2026-03-01", "total": 0, "emergency": 0, "sentiment": None,
                                    "negative": 0, "neutral": 0, "positive": 0}
    nine = by_day["2026-03-09"]
    assert nine["negative"] + nine["neutral"] + nine["positive"] == 2
    assert by_day["2026-03-10"]["negative"] == 1 and by_day["2026-03-10"]["sentiment"] < 0
    with any_db.session() as session:
        whole = thermometer.thermometer(session, rng)
        # A long range is read by a table scan on SQLite (SCAN_FROM_DAYS): the same figures.
        long = thermometer.daily(session, thermometer.date_range(date(2025, 12, 1), date(2026, 3, 10)))
    assert whole["total"] == 4 and whole["range"] == {"start": "2026-03-01", "end": "2026-03-10"}
    assert long[-10:] == days and sum(d["total"] for d in long) == 5


def test_topics_this_week_against_last_week(any_db, tuesday):
    for days_ago, category in ((0, "环境卫生"), (1, "环境卫生"), (6, "环境卫生"), (2, "噪音扰民"),
                               (7, "噪音扰民"), (8, "噪音扰民"), (13, "环境卫生"), (14, "市政设施")):
        file(any_db, f"{category}的问题", tuesday - timedelta(days=days_ago), category=category)
    with any_db.session() as session:
        topics = thermometer.topics(session)
    assert topics["this_week"] == {"start": "2026-03-04", "end": "2026-03-10"}
    assert topics["last_week"] == {"start": "2026-02-25", "end": "2026-03-03"}
    assert topics["items"] == [{"category": "环境卫生", "this_week": 3, "last_week": 1},
                               {"category": "噪音扰民", "this_week": 1, "last_week": 2}]


def test_date_range_rules(tuesday):
    default = thermometer.date_range(None, None)
    assert (default.start, default.end, default.days) == (date(2026, 2, 9), date(2026, 3, 10), 30)
    assert thermometer.date_range(date(2026, 1, 1), date(2026, 1, 1)).days == 1
    with pytest.raises(thermometer.RangeError):
        thermometer.date_range(date(2026, 3, 2), date(2026, 3, 1))
    with pytest.raises(thermometer.RangeError):
        thermometer.date_range(date(2024, 1, 1), date(2025, 1, 1))  # 367 days
    lo, hi = thermometer.day_bounds(date(2026, 3, 10), date(2026, 3, 10))
    assert (lo.isoformat(), hi.isoformat()) == ("2026-03-09T16:00:00+00:00", "2026-03-10T16:00:00+00:00")


def test_deadline_compliance_and_satisfaction_by_department(any_db, tuesday):
    from assistant.tickets.routing import get_routing
    from assistant.tickets.service import transition_ticket

    def work(ticket_id: str, done_at: datetime, satisfaction: int | None = None) -> None:
        transition_ticket(any_db, ticket_id, "派单", actor="staff:d", now=done_at - timedelta(hours=2))
        transition_ticket(any_db, ticket_id, "开始处置", actor="staff:d", now=done_at - timedelta(hours=1))
        transition_ticket(any_db, ticket_id, "办结", actor="staff:d", note="修好了", now=done_at)
        if satisfaction is not None:
            transition_ticket(any_db, ticket_id, "回访", actor="staff:d", satisfaction=satisfaction,
                              now=done_at + timedelta(hours=1))

    filed_at = local(2026, 3, 2, 9, 0)  # a Monday: 3 working days later is Thursday 03-05
    ids = []
    for text in ("北门垃圾没人收", "南门垃圾桶满了", "西门垃圾堆着", "东门下水道堵了"):
        category = "市政设施" if "下水道" in text else "环境卫生"
        ids.append(file_ticket(any_db, description=text, sender_id="web:t", category=category,
                               check_duplicates=False, now=filed_at, settings=SETTINGS).ticket.id)
    work(ids[0], filed_at + timedelta(days=1), satisfaction=4)  # in time
    work(ids[1], filed_at + timedelta(days=6), satisfaction=2)  # late
    # ids[2] is still open, past its deadline by "now" (Tuesday 03-10); ids[3] another department.
    rng = thermometer.date_range(date(2026, 3, 1), date(2026, 3, 10))
    with any_db.session() as session:
        rows = {r["department"]: r for r in thermometer.compliance(session, rng)}
        satisfied = thermometer.satisfaction(session, rng)
        moods = thermometer.by_category(session, rng)
    sanitation = rows[get_routing().department_for("环境卫生")]
    assert {k: sanitation[k] for k in ("total", "on_time", "late", "overdue", "open", "rated")} == {
        "total": 3, "on_time": 1, "late": 1, "overdue": 1, "open": 0, "rated": 2}
    assert sanitation["on_time_rate"] == 0.5 and sanitation["satisfaction"] == 3.0
    municipal = rows[get_routing().department_for("市政设施")]
    assert municipal["total"] == 1 and municipal["on_time_rate"] is None and municipal["overdue"] == 1
    assert satisfied == {"follow_up": {"average": 3.0, "count": 2}, "residents": {"average": None, "count": 0}}
    assert {m["category"]: m["total"] for m in moods} == {"环境卫生": 3, "市政设施": 1}


def test_hot_spots_fold_addresses_into_places(any_db, tuesday):
    at = local(2026, 3, 9, 10, 0)
    for text, address, category in (("12号楼电梯坏了，气死了", "12号楼", "物业管理"),
                                     ("十二号楼电梯又坏了", "十二号楼2单元", "物业管理"),
                                     ("12栋楼道灯不亮", "12栋", "市政设施"),
                                     ("北门垃圾没人收", "小区北门", "环境卫生"),
                                     ("没说在哪", None, "其他")):
        file(any_db, text, at, category=category, address=address)
    rng = thermometer.date_range(date(2026, 3, 1), date(2026, 3, 10))
    with any_db.session() as session:
        spots = thermometer.hot_spots(session, rng)
    assert spots["categories"][0] == "物业管理" and set(spots["categories"]) == {"物业管理", "市政设施", "环境卫生"}
    places = {p["place"]: p for p in spots["places"]}
    assert set(places) == {"12号楼", "北门"} and places["12号楼"]["total"] == 3
    first = places["12号楼"]["cells"][spots["categories"].index("物业管理")]
    assert first["total"] == 2 and first["negative"] >= 1 and first["sentiment"] < 0
    assert places["北门"]["cells"][spots["categories"].index("物业管理")] == {"total": 0, "negative": 0,
                                                                         "sentiment": None}
