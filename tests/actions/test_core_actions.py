"""The core actions' tracker logic, on event lists shaped like Rasa's."""

from actions.core import consecutive_misunderstandings, previous_bot_messages


def user(intent, text="x"):
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def bot(text, buttons=None):
    return {"event": "bot", "text": text, "data": {"buttons": buttons or []}}


def test_misunderstandings_are_counted_only_in_a_row():
    assert consecutive_misunderstandings([user("greet"), bot("hi"), user("nlu_fallback")]) == 1
    events = [user("nlu_fallback"), bot("?"), user("nlu_fallback"), bot("?"), user("nlu_fallback")]
    assert consecutive_misunderstandings(events) == 3
    assert consecutive_misunderstandings([user("nlu_fallback"), bot("?"), user("help")]) == 0


def test_repeat_gives_the_whole_previous_turn():
    events = [user("greet"), bot("您好"), user("help"), bot("我能帮您"), bot("选一个", [{"title": "a", "payload": "/a"}]),
              {"event": "action", "name": "action_listen"}, user("repeat", "再说一遍")]
    assert [m["text"] for m in previous_bot_messages(events)] == ["我能帮您", "选一个"]


def test_repeat_with_nothing_said_yet():
    assert previous_bot_messages([user("repeat", "啥")]) == []
