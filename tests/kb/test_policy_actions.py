"""actions/policy.py driven like the action server drives it (rasa-sdk Tracker and
CollectingDispatcher), over a real knowledge base and a real migrated database. The
knowledge base uses the stand-in embedder (see conftest) with the shipped ranker; the
abstention threshold is set per test, as e5's calibrated one does not apply to it."""

from __future__ import annotations

import json

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.policy import ActionAskPolicy, ActionPolicyOfferReply
from assistant.kb import service
from assistant.kb.fusion import FusionModel, load_fusion
from assistant.kb.ingest import ingest
from assistant.kb.unanswered import list_unanswered


def tracker(
    text: str,
    intent: str = "ask_policy",
    slots: dict | None = None,
    sender: str = "web:abc",
    entities: list | None = None,
) -> Tracker:
    return Tracker(
        sender,
        slots or {},
        {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or []},
        [],
        False,
        None,
        {},
        "action_listen",
    )


@pytest.fixture
def policy_env(db, tmp_path, monkeypatch, corpus, embedder):
    from assistant.db import get_database
    from assistant.settings import get_settings

    monkeypatch.setenv("BUTLER_DATABASE_URL", db.url)
    monkeypatch.setenv("BUTLER_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    get_database.cache_clear()
    kb_dir = (tmp_path / "var" / "kb").resolve()
    ingest([corpus], kb_dir, embedder)
    shipped = load_fusion()
    kb = service.KnowledgeBase(
        kb_dir, embedder=embedder, fusion=FusionModel(shipped.ranker, shipped.abstainer, 0.0, {})
    )
    service._shared[kb_dir] = kb
    yield kb
    service._shared.pop(kb_dir, None)
    get_database().dispose()
    get_settings.cache_clear()
    get_database.cache_clear()


async def run(action, t: Tracker):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, {})
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def test_answer_with_source_and_follow_up(policy_env):
    messages, slots = await run(ActionAskPolicy(), tracker("养狗要登记吗？"))
    assert messages[0]["text"].endswith("来源：《示例市养犬管理条例》")
    assert messages[1]["response"] == "utter_policy_follow_up"
    assert slots["policy_topic"] == "md-dog" and slots["policy_offer_pending"] is False
    messages, slots = await run(ActionAskPolicy(), tracker("那遛狗呢？", slots={"policy_topic": "md-dog"}))
    assert "狗绳" in messages[0]["text"] and slots["policy_topic"] == "md-dog"


async def test_unanswerable_offers_a_person_and_leaving_the_question(policy_env, db):
    policy_env.fusion = FusionModel(policy_env.fusion.ranker, policy_env.fusion.abstainer, 1.01, {})
    messages, slots = await run(ActionAskPolicy(), tracker("考驾照要多少钱？"))
    assert "不想乱说" in messages[0]["text"]
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/request_human", "/affirm", "/deny"]
    assert slots["policy_offer_pending"] is True and slots["policy_pending_question"] == "考驾照要多少钱？"

    reply_slots = {"policy_offer_pending": True, "policy_pending_question": "考驾照要多少钱？"}
    messages, slots = await run(ActionPolicyOfferReply(), tracker("好的", "affirm", reply_slots))
    assert messages[0]["response"] == "utter_policy_question_left"
    assert slots == {
        "policy_offer_pending": False,
        "policy_pending_question": None,
        "policy_best_guess": None,
    }
    with db.session() as session:
        [row] = list_unanswered(session)
        assert (row.sender_id, row.question, row.status) == ("web:abc", "考驾照要多少钱？", "open")


async def test_unsure_which_entry_asks_and_the_pick_is_answered(policy_env, db):
    # Every answerable verdict falls in the "unsure" band here.
    shipped = policy_env.fusion
    policy_env.fusion = FusionModel(shipped.ranker, shipped.abstainer, 0.0, {}, clarify_below=1.01)
    messages, slots = await run(ActionAskPolicy(), tracker("老人的补贴怎么领？"))
    asked = messages[0]
    assert asked["text"].startswith("我不太确定")
    picks = [b for b in asked["buttons"] if b["payload"].startswith("/ask_policy")]
    assert 1 <= len(picks) <= 3 and picks[0]["title"].rstrip("？") in asked["text"]
    assert [b["payload"] for b in asked["buttons"][len(picks) :]] == ["/affirm", "/request_human"]
    assert slots["policy_offer_pending"] is True and slots["policy_pending_question"] == "老人的补贴怎么领？"
    # One entry offered is the topic a bare aspect question next is about; several: none yet.
    one = json.loads(picks[0]["payload"][len("/ask_policy") :])["policy_entry"] if len(picks) == 1 else None
    assert slots["policy_topic"] == one

    # The button's payload, as Rasa parses it: intent ask_policy with the entry as entity.
    payload = picks[0]["payload"]
    entry_id = json.loads(payload[len("/ask_policy") :])["policy_entry"]
    messages, slots = await run(
        ActionAskPolicy(), tracker(payload, entities=[{"entity": "policy_entry", "value": entry_id}])
    )
    assert "来源：《" in messages[0]["text"] and messages[1]["response"] == "utter_policy_follow_up"
    assert slots["policy_topic"] == entry_id and slots["policy_offer_pending"] is False

    # An entry removed since the question was asked: ask again, do not fail.
    messages, slots = await run(
        ActionAskPolicy(),
        tracker(
            '/ask_policy{"policy_entry": "gone"}', entities=[{"entity": "policy_entry", "value": "gone"}]
        ),
    )
    assert messages[0]["response"] == "utter_policy_ask_what" and slots == {"policy_offer_pending": False}

    # "都不是，留给工作人员" records the original question for staff.
    messages, _ = await run(
        ActionPolicyOfferReply(),
        tracker(
            "/affirm",
            "affirm",
            {
                "policy_offer_pending": True,
                "policy_pending_question": "老人的补贴怎么领？",
                "policy_best_guess": entry_id,
            },
        ),
    )
    assert messages[0]["response"] == "utter_policy_question_left"
    with db.session() as session:
        [row] = list_unanswered(session)
        assert (row.question, row.best_guess) == ("老人的补贴怎么领？", entry_id)


async def test_declining_records_nothing(policy_env, db):
    reply_slots = {"policy_offer_pending": True, "policy_pending_question": "考驾照要多少钱？"}
    messages, _ = await run(ActionPolicyOfferReply(), tracker("不用了", "deny", reply_slots))
    assert messages[0]["response"] == "utter_policy_question_not_left"
    with db.session() as session:
        assert list_unanswered(session) == []


async def test_the_policy_button_asks_what_to_look_up(policy_env):
    messages, slots = await run(ActionAskPolicy(), tracker("/ask_policy"))
    assert messages[0]["response"] == "utter_policy_ask_what" and slots == {"policy_offer_pending": False}


def test_staff_see_and_close_left_questions(db, tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from assistant.api.app import create_app
    from assistant.auth.service import create_user, issue_token
    from assistant.db import get_database
    from assistant.kb.unanswered import record_unanswered
    from assistant.settings import get_settings

    monkeypatch.setenv("BUTLER_DATABASE_URL", db.url)
    monkeypatch.setenv("BUTLER_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    get_database.cache_clear()
    try:
        with db.session() as session:
            qid = record_unanswered(session, "telegram:7", "社区能办护照吗？", "hj-003").id
            viewer = issue_token(get_settings(), create_user(session, "v1", "viewer-password", "viewer"))
            worker = issue_token(get_settings(), create_user(session, "w1", "worker-password", "worker"))
        with TestClient(create_app(get_settings())) as client:
            listed = client.get("/api/v1/kb/unanswered", headers={"Authorization": f"Bearer {viewer}"}).json()
            assert [(q["id"], q["question"], q["status"]) for q in listed] == [
                (qid, "社区能办护照吗？", "open")
            ]
            denied = client.post(
                f"/api/v1/kb/unanswered/{qid}/answered", headers={"Authorization": f"Bearer {viewer}"}
            )
            assert denied.status_code == 403
            done = client.post(
                f"/api/v1/kb/unanswered/{qid}/answered",
                json={"note": "已电话回复"},
                headers={"Authorization": f"Bearer {worker}"},
            )
            assert done.status_code == 200 and done.json()["status"] == "answered"
            missing = client.post(
                "/api/v1/kb/unanswered/999/answered", headers={"Authorization": f"Bearer {worker}"}
            )
            assert missing.status_code == 404 and missing.json()["error"]["code"] == "question_not_found"
            assert (
                client.get("/api/v1/kb/unanswered", headers={"Authorization": f"Bearer {viewer}"}).json()
                == []
            )
    finally:
        get_database().dispose()
        get_settings.cache_clear()
        get_database.cache_clear()


def test_unanswered_store_on_sqlite_and_postgresql(any_db):
    from assistant.kb.unanswered import mark_answered, record_unanswered

    with any_db.session() as session:
        first = record_unanswered(session, "web:1", "  社区能办护照吗？ ").id
        record_unanswered(session, "web:2", "退役军人有什么优待？")
        with pytest.raises(ValueError):
            record_unanswered(session, "web:3", "   ")
    with any_db.session() as session:
        assert [q.question for q in list_unanswered(session)] == ["退役军人有什么优待？", "社区能办护照吗？"]
        assert mark_answered(session, first, "已回复").status == "answered"
        assert mark_answered(session, 12345) is None
    with any_db.session() as session:
        assert [q.sender_id for q in list_unanswered(session)] == ["web:2"]
        assert len(list_unanswered(session, None)) == 2


async def test_a_question_about_a_service_the_knowledge_base_lacks_is_answered_from_the_catalogue(policy_env):
    # blind7 b7-follow-zhuyu-then-book: 助浴有啥条件 got 查不到; the catalogue knows who may book it.
    policy_env.fusion = FusionModel(policy_env.fusion.ranker, policy_env.fusion.abstainer, 1.01, {})
    messages, slots = await run(ActionAskPolicy(), tracker("助浴有啥条件"))
    assert "70岁以上" in messages[0]["text"] and messages[0]["text"].endswith("要帮您约助浴吗？")
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        '/book_service{"service_type": "助浴"}',
        "/deny",
    ]
    assert slots["policy_offer_pending"] is False
    # A question about no catalogue service still says it does not know.
    messages, _ = await run(ActionAskPolicy(), tracker("考驾照要多少钱？"))
    assert "不想乱说" in messages[0]["text"]


@pytest.mark.parametrize(
    "question", ["楼道灯坏了什么时候来修", "电梯坏了啥时候来修", "电梯坏了什么时候来修理"]
)
async def test_a_public_repair_question_is_not_answered_with_the_home_repair_service(policy_env, question):
    # The property fixes a stairwell light or a lift: 上门维修's description is no answer.
    policy_env.fusion = FusionModel(policy_env.fusion.ranker, policy_env.fusion.abstainer, 1.01, {})
    messages, _ = await run(ActionAskPolicy(), tracker(question))
    assert "上门" not in messages[0]["text"] and "要帮您约维修吗" not in messages[0]["text"]


async def test_a_home_repair_question_is_still_answered_from_the_catalogue(policy_env):
    policy_env.fusion = FusionModel(policy_env.fusion.ranker, policy_env.fusion.abstainer, 1.01, {})
    messages, _ = await run(ActionAskPolicy(), tracker("修水管多少钱"))
    assert messages[0]["text"].endswith("要帮您约维修吗？")


def turn_tracker(text: str, intent: str, slots: dict, events: list, loop: str | None) -> Tracker:
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []}
    return Tracker("web:abc", slots, latest, [*events, {"event": "user", "text": text, "parse_data": latest}],
                   False, None, {"name": loop} if loop else {}, "action_listen")


OFFER_EVENT = {"event": "bot", "text": "医保卡的事我暂时查不到…", "data": {"buttons": [
    {"title": "转人工", "payload": "/request_human"}, {"title": "把问题留给工作人员", "payload": "/affirm"},
    {"title": "不用了", "payload": "/deny"}]}}
READ_BACK_EVENT = {"event": "bot", "text": "您要预约…上门保洁，对吗？", "data": {"buttons": [
    {"title": "对", "payload": "/affirm"}, {"title": "不对", "payload": "/deny"}]}}


async def test_a_yes_to_a_forms_read_back_is_not_a_yes_to_an_older_offer(policy_env, db):
    # 医保卡丢了咋补办 (no answer, the offer) … then a cleaning booked: 对 to 对吗？ is the booking's.
    pending = {"policy_offer_pending": True, "policy_pending_question": "医保卡丢了咋补办"}
    history = [{"event": "user", "text": "医保卡丢了咋补办 顺便约个保洁"}, OFFER_EVENT,
               {"event": "user", "text": "明天上午10点"}, {"event": "bot", "text": "请留一个联系电话"},
               {"event": "user", "text": "13812347071"}, READ_BACK_EVENT]
    dispatcher = CollectingDispatcher()
    events = await ActionPolicyOfferReply().run(dispatcher, turn_tracker("对", "affirm", pending, history,
                                                                          "booking_form"), {})
    assert dispatcher.messages == []
    assert {"event": "followup", "name": "booking_form"} in [{k: e[k] for k in ("event", "name")} for e in events
                                                              if e.get("event") == "followup"]
    assert {e["name"]: e["value"] for e in events if e.get("event") == "slot"}["policy_offer_pending"] is False
    with db.session() as session:
        assert list_unanswered(session) == []
    # The offer itself the latest yes/no question (asked in the middle of the form): the yes is the offer's.
    again = [*history[:-1], OFFER_EVENT, {"event": "bot", "text": "您想约哪天几点？"}]
    messages, _ = await run(ActionPolicyOfferReply(), turn_tracker("好的", "affirm", pending, again, "booking_form"))
    assert messages[0]["response"] == "utter_policy_question_left"


async def test_the_same_message_is_answered_once_however_often_the_action_is_predicted(policy_env):
    # 办下来要多久 handed over by the fallback, then predicted again for the same message.
    latest = {"text": "办下来要多久", "intent": {"name": "nlu_fallback", "confidence": 0.5}, "entities": []}
    events = [{"event": "user", "text": "办下来要多久", "parse_data": latest},
              {"event": "action", "name": "action_handle_misunderstanding"},
              {"event": "action", "name": "action_ask_policy"},
              {"event": "bot", "text": "关于居住证，政策里没有写到要多长时间…"}]
    again = Tracker("web:abc", {"policy_topic": "hj-1"}, latest, events, False, None, {}, "action_ask_policy")
    dispatcher = CollectingDispatcher()
    result = await ActionAskPolicy().run(dispatcher, again, {})
    assert dispatcher.messages == [] and [e["name"] for e in result if e.get("event") == "followup"] == [
        "action_listen"]
    # The first time for this message it answers.
    first = Tracker("web:abc", {}, latest, events[:2], False, None, {}, "action_handle_misunderstanding")
    dispatcher = CollectingDispatcher()
    await ActionAskPolicy().run(dispatcher, first, {})
    assert dispatcher.messages
