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
    tracker = Tracker(
        "web:gas",
        {"ticket_followup": "emergency|GD202601010001|1700000000"},
        {"text": "我头有点晕", "intent": {"name": "checkin", "confidence": 0.9}, "entities": []},
        [],
        False,
        None,
        {},
        "action_listen",
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionCheckin().run(dispatcher, tracker, {}))
    assert events == [{"event": "followup", "name": "action_ticket_followup", "timestamp": None}]
    assert dispatcher.messages == []


def test_the_reason_for_not_satisfied_heard_as_a_check_in_is_the_reason(app_env):
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
        return asyncio.run(ActionCheckin().run(CollectingDispatcher(), tracker, {}))

    followup = [{"event": "followup", "name": "action_ticket_followup", "timestamp": None}]
    assert run("今天又卡了一回 根本没修好", "rating_reason|GD202601010001|1700000000") == followup
    assert run("今天报个平安", "rating|GD202601010001|1700000000") == []  # no score: a check-in
