"""The check-in action (issue #14) on a real migrated database (``app_env``: the
action's ``get_database()`` is the test's SQLite file), with trackers shaped like
Rasa's: a registered elder's 报平安 is a sign of life, trouble opens a care ticket,
an unregistered resident is thanked and told how to register."""

from __future__ import annotations

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.care import ActionCheckin
from assistant.care import service as care
from assistant.care.models import CareSign

ELDER = "telegram:4242"


def checkin(text: str, sender: str = ELDER):
    tracker = Tracker(
        sender,
        {},
        {"text": text, "intent": {"name": "checkin", "confidence": 0.99}, "entities": []},
        [],
        False,
        None,
        {},
        "action_listen",
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionCheckin().run(dispatcher, tracker, {}))
    return [m["text"] for m in dispatcher.messages], events


def test_a_registered_elder_checks_in_and_a_sign_of_life_is_kept(app_env):
    elder = care.register(
        app_env, name="王秀兰", phone="13900001111", address="3号楼2单元101", sender_id=ELDER
    )
    texts, events = checkin("报平安，我今天挺好的")
    assert texts == [care.CHECKIN_REPLY] and events == []
    with app_env.session() as session:
        signs = session.scalars(select(CareSign).where(CareSign.care_id == elder.id)).all()
    assert [s.source for s in signs] == ["checkin"]


def test_trouble_in_a_check_in_opens_a_care_ticket(app_env):
    care.register(
        app_env, name="李建国", phone="13900002222", address="5号楼101", sender_id=ELDER, grid_worker="张网格"
    )
    texts, _ = checkin("报个平安，就是头有点晕")
    assert len(texts) == 1 and "平安" in texts[0]
    result = care.record_checkin(app_env, ELDER, "报个平安，就是头有点晕")
    assert result.trouble and result.ticket_id and result.ticket_id.startswith("GD")


def test_someone_not_in_the_register_is_thanked_and_told_how_to_register(app_env):
    texts, _ = checkin("我挺好的，报个平安", sender="web:r-new")
    assert texts == [care.UNREGISTERED_REPLY]


def test_feeling_dizzy_right_after_an_emergency_is_a_detail_of_it_not_a_check_in(app_env):
    from assistant.settings import Settings
    from assistant.tickets import service

    filed = service.respond_to_emergency(app_env, text="厨房煤气味好大", sender_id="web:gas", settings=Settings())
    tracker = Tracker(
        "web:gas",
        {"ticket_followup": f"emergency|{filed.ticket_id}|1700000000"},
        {"text": "我头有点晕", "intent": {"name": "checkin", "confidence": 0.9}, "entities": []},
        [],
        False,
        None,
        {},
        "action_listen",
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionCheckin().run(dispatcher, tracker, {}))
    # Answered in place (after a followed-up action no rule says what comes next).
    said = "".join(m.get("text") or "" for m in dispatcher.messages)
    assert "室外" in said and filed.ticket_id in said and care.UNREGISTERED_REPLY not in said
    assert not any(e["event"] == "followup" for e in events)


def test_the_reason_for_not_satisfied_heard_as_a_check_in_is_the_reason(app_env, clock):
    from datetime import timedelta

    from assistant.tickets import feedback, service

    filed = service.file_ticket(
        app_env, description="5号楼电梯老是卡住", sender_id="web:why", address="5号楼",
        now=clock.now() - timedelta(days=2),
    )
    for action, note in (("派单", None), ("开始处置", None), ("办结", "已检修")):
        service.transition_ticket(app_env, filed.ticket.id, action, actor="staff:t", note=note,
                                  now=clock.now() - timedelta(days=1))
    feedback.rate_ticket(app_env, sender_id="web:why", ticket_id=filed.ticket.id, score=1, now=clock.now())
    asked = int(clock.now().timestamp())

    def run(text, pending):
        tracker = Tracker(
            "web:why",
            {"ticket_followup": pending},
            {"text": text, "intent": {"name": "checkin", "confidence": 0.9}, "entities": []},
            [],
            False,
            None,
            {},
            "action_listen",
        )
        dispatcher = CollectingDispatcher()
        events = asyncio.run(ActionCheckin().run(dispatcher, tracker, {}))
        return "".join(m.get("text") or "" for m in dispatcher.messages), events

    said, events = run("今天又卡了一回 根本没修好", f"rating_reason|{filed.ticket.id}|{asked}")
    assert "重新打开" in said and not any(e["event"] == "followup" for e in events)
    said, events = run("今天报个平安", f"rating|{filed.ticket.id}|{asked}")  # no score: a check-in
    assert events == [] and "重新打开" not in said
