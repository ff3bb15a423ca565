"""Two misunderstandings bring a person for an elderly resident (issue #13): the
misunderstanding action on a real migrated database (``app_env``: the action's
``get_database()`` is the test's SQLite file), with trackers shaped like Rasa's."""

from __future__ import annotations

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.core import ActionHandleMisunderstanding
from assistant.residents.profile import set_elderly
from assistant.residents.service import list_handoffs, remember_contact

SENDER = "web:r-old"
MISUNDERSTOOD_TURN = [{"event": "action", "name": "action_handle_misunderstanding"},
                      {"event": "bot", "text": "不好意思，我没听明白。", "data": {}},
                      {"event": "action", "name": "action_listen"}]


def user(text):
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": "nlu_fallback"}}}


def second_misunderstanding(text="那个东西弄一下"):
    events = [user("嗯那个啥来着"), *MISUNDERSTOOD_TURN, user(text)]
    tracker = Tracker(SENDER, {}, {"text": text, "intent": {"name": "nlu_fallback", "confidence": 0.3},
                                   "entities": []}, events, False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionHandleMisunderstanding().run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def test_an_elderly_resident_is_handed_to_a_person_at_the_second_misunderstanding(app_env):
    set_elderly(app_env, SENDER, True, by="staff:admin1")
    with app_env.session() as session:
        remember_contact(session, SENDER, phone="13912345678")
    [message], events = second_misunderstanding()
    assert message["text"].startswith("抱歉，我还是没听明白，给您转人工。")
    assert "尾号5678" in message["text"] and not message["buttons"]
    assert events[0]["event"] == "rewind"
    with app_env.session() as session:
        [(handoff, resident)] = list_handoffs(session)
        assert (resident.sender_id, handoff.reason, handoff.last_message) == (SENDER, "misunderstood", "那个东西弄一下")


def test_anyone_else_is_offered_a_person_and_nothing_is_recorded(app_env):
    [message], events = second_misunderstanding()
    assert "要不要让工作人员来帮您" in message["text"]
    assert [b["payload"] for b in message["buttons"]] == ["/request_human", "/help"]
    with app_env.session() as session:
        assert list_handoffs(session) == []
