"""The core actions' tracker logic, on event lists shaped like Rasa's."""

from actions.core import consecutive_misunderstandings, previous_bot_messages


def user(intent, text="x"):
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def bot(text, buttons=None):
    return {"event": "bot", "text": text, "data": {"buttons": buttons or []}}


def action(name):
    return {"event": "action", "name": name}


def test_misunderstandings_are_counted_only_in_a_row():
    assert consecutive_misunderstandings([user("greet"), bot("hi"), user("nlu_fallback")]) == 1
    misunderstood_turn = [action("action_handle_misunderstanding"), bot("?"), action("action_listen")]
    events = [
        user("nlu_fallback"),
        *misunderstood_turn,
        user("nlu_fallback"),
        *misunderstood_turn,
        user("nlu_fallback"),
    ]
    assert consecutive_misunderstandings(events) == 3
    understood_turn = [action("utter_help"), bot("我能帮您"), action("action_listen")]
    events = [user("nlu_fallback"), *misunderstood_turn, user("help"), *understood_turn, user("inform")]
    assert consecutive_misunderstandings(events) == 1


def test_core_fallbacks_count_as_misunderstandings_too():
    # An intent was recognised but no policy knew what to do: Rasa's core fallback.
    core_fallback_turn = [action("action_default_fallback"), bot("?"), action("action_listen")]
    assert consecutive_misunderstandings([user("inform"), *core_fallback_turn, user("deny")]) == 2


def test_repeat_gives_the_whole_previous_turn():
    events = [
        user("greet"),
        bot("您好"),
        user("help"),
        bot("我能帮您"),
        bot("选一个", [{"title": "a", "payload": "/a"}]),
        {"event": "action", "name": "action_listen"},
        user("repeat", "再说一遍"),
    ]
    assert [m["text"] for m in previous_bot_messages(events)] == ["我能帮您", "选一个"]


def test_repeat_with_nothing_said_yet():
    assert previous_bot_messages([user("repeat", "啥")]) == []


def _fallback_tracker(text: str, active_loop: dict | None = None):
    from rasa_sdk import Tracker

    return Tracker(
        "web:m1",
        {},
        {"text": text, "intent": {"name": "nlu_fallback", "confidence": 0.4}, "entities": []},
        [user("nlu_fallback", text)],
        False,
        None,
        active_loop or {},
        "action_listen",
    )


def test_a_problem_at_a_place_the_classifier_missed_becomes_a_complaint():
    import asyncio

    from rasa_sdk.executor import CollectingDispatcher

    from actions.core import ActionHandleMisunderstanding

    dispatcher = CollectingDispatcher()
    events = asyncio.run(
        ActionHandleMisunderstanding().run(
            dispatcher, _fallback_tracker("42号楼2单元楼道里一股骚味儿 好几天了"), {}
        )
    )
    assert events == [{"event": "followup", "name": "complaint_form", "timestamp": None}]
    assert dispatcher.messages == []  # the complaint form asks its own next question
    # Not inside another form, and not for what is no complaint: the usual 没听明白.
    for text, loop in (("42号楼2单元楼道里一股骚味儿", {"name": "booking_form"}), ("嗯那个啥来着", None)):
        dispatcher = CollectingDispatcher()
        events = asyncio.run(
            ActionHandleMisunderstanding().run(dispatcher, _fallback_tracker(text, loop), {})
        )
        assert "没听明白" in dispatcher.messages[0]["text"]
        assert events[0]["event"] == "rewind"


def test_an_unplaced_aspect_question_after_a_policy_answer_is_a_follow_up():
    import asyncio

    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from actions.core import ActionHandleMisunderstanding

    def tracker(topic):
        return Tracker(
            "web:m2",
            {"policy_topic": topic},
            {"text": "那要钱吗", "intent": {"name": "nlu_fallback"}, "entities": []},
            [user("nlu_fallback", "那要钱吗")],
            False,
            None,
            {},
            "action_listen",
        )

    events = asyncio.run(ActionHandleMisunderstanding().run(CollectingDispatcher(), tracker("fl-001"), {}))
    assert events == [{"event": "followup", "name": "action_ask_policy", "timestamp": None}]
    dispatcher = CollectingDispatcher()
    asyncio.run(
        ActionHandleMisunderstanding().run(dispatcher, tracker(None), {})
    )  # no answer under discussion
    assert "没听明白" in dispatcher.messages[0]["text"]


def test_a_rating_in_words_the_classifier_missed_goes_to_the_rating():
    import asyncio

    from rasa_sdk.executor import CollectingDispatcher

    from actions.core import ActionHandleMisunderstanding
    from assistant.tickets.feedback import rates_a_ticket

    for text in ("我要评价一下GD202601010001", "那个楼道杂物的事我给4分", "给个五星"):
        dispatcher = CollectingDispatcher()
        events = asyncio.run(ActionHandleMisunderstanding().run(dispatcher, _fallback_tracker(text), {}))
        assert events == [{"event": "followup", "name": "action_rate_ticket", "timestamp": None}]
        assert dispatcher.messages == []
    for text in ("我住5楼", "评估一下房子", "3点半"):
        assert not rates_a_ticket(text)


def _repeat_tracker(text: str, followup: str | None):
    from rasa_sdk import Tracker

    return Tracker(
        "web:m3",
        {"ticket_followup": followup},
        {"text": text, "intent": {"name": "repeat"}, "entities": []},
        [bot("已记下位置：8号楼"), user("repeat", text)],
        False,
        None,
        {},
        "action_listen",
    )


def test_a_worse_emergency_heard_as_say_again_gets_the_advice(app_env):
    import asyncio

    from rasa_sdk.executor import CollectingDispatcher

    from actions.core import ActionRepeatLastMessage
    from assistant.settings import Settings
    from assistant.tickets import service

    filed = service.respond_to_emergency(
        app_env, text="我老伴切菜把手割了个大口子", sender_id="web:m3", address="8号楼", settings=Settings()
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(
        ActionRepeatLastMessage().run(
            dispatcher, _repeat_tracker("血还是止不住，咋办", f"emergency|{filed.ticket_id}|1700000000"), {}
        )
    )
    # The advice, answered in place (not a followed-up action: after one no rule says what comes next).
    assert "按压" in dispatcher.messages[0]["text"] and not any(e["event"] == "followup" for e in events)
    for text, followup in (
        ("再说一遍", "emergency|GD202601010001|1700000000"),
        ("血还是止不住，咋办", None),
        ("血还是止不住，咋办", "rating|GD202601010001|1700000000"),
    ):
        dispatcher = CollectingDispatcher()
        events = asyncio.run(ActionRepeatLastMessage().run(dispatcher, _repeat_tracker(text, followup), {}))
        assert events == [] and dispatcher.messages[0]["text"] == "已记下位置：8号楼"


def test_a_report_the_classifier_set_aside_as_out_of_scope_is_taken():
    import asyncio

    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from actions.core import ActionOutOfScope

    def tracker(text):
        return Tracker(
            "web:m4",
            {},
            {"text": text, "intent": {"name": "out_of_scope"}, "entities": []},
            [user("out_of_scope", text)],
            False,
            None,
            {},
            "action_listen",
        )

    events = asyncio.run(
        ActionOutOfScope().run(CollectingDispatcher(), tracker("9号楼楼顶天天有人唱歌喝酒，吵得睡不着"), {})
    )
    assert events == [{"event": "followup", "name": "complaint_form", "timestamp": None}]
    dispatcher = CollectingDispatcher()
    assert asyncio.run(ActionOutOfScope().run(dispatcher, tracker("帮我写个作文"), {})) == []
    assert dispatcher.messages[0]["response"] == "utter_out_of_scope"


def test_out_of_scope_is_a_report_only_at_a_community_place_and_not_in_play():
    from actions.core import out_of_scope_report

    for text in ("9号楼楼顶天天有人唱歌喝酒，吵得睡不着", "楼道里堆满了杂物", "小区路灯坏了好几天了"):
        assert out_of_scope_report(text), text
    for text in ("我家wifi坏了", "我老公打呼噜太吵了", "隔壁小孩好吵哦哈哈", "帮我写个作文"):
        assert not out_of_scope_report(text), text


def test_minutes_or_money_the_classifier_missed_are_no_rating():
    import asyncio

    from rasa_sdk.executor import CollectingDispatcher

    from actions.core import ActionHandleMisunderstanding

    for text in ("三分钟前报的那个修好了没", "给我5分钟", "一分钱都没退给我"):
        dispatcher = CollectingDispatcher()
        events = asyncio.run(ActionHandleMisunderstanding().run(dispatcher, _fallback_tracker(text), {}))
        assert {"event": "followup", "name": "action_rate_ticket", "timestamp": None} not in events, text
