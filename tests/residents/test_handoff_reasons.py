"""Every reason in ``HANDOFF_REASONS`` is recorded by the code path that causes it,
into the one list of residents waiting for a person (issue #16): each path is driven
the way production drives it (rasa-sdk trackers for the actions, the degraded-mode
and inbox-replay functions the gateway calls), on a real migrated database."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from assistant.residents.service import HANDOFF_REASONS, REASON_ZH, list_handoffs


def tracker(sender: str, text: str, intent: str, slots: dict | None = None, events: list | None = None) -> Tracker:
    return Tracker(sender, slots or {}, {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []},
                   events or [{"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}],
                   False, None, {}, "action_listen")


def run(action, t: Tracker) -> list[dict]:
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, t, {}))
    return dispatcher.messages


def recorded(db) -> dict[str, tuple[str, str | None]]:
    with db.session() as session:
        return {r.sender_id: (h.reason, h.last_message) for h, r in list_handoffs(session)}


def asked_in_chat(db) -> str:
    from actions.core import ActionRequestHuman

    run(ActionRequestHuman(), tracker("web:r-asked", "转人工", "request_human"))
    return "web:r-asked"


def asked_while_rasa_is_down(db) -> str:
    from assistant.degraded import respond
    from assistant.settings import get_settings

    outcome = respond(db, get_settings(), sender_id="telegram:9", text="我要找工作人员")
    assert outcome.kind == "handoff"
    return "telegram:9"


def misunderstood_twice(db) -> str:
    from actions.core import ActionHandleMisunderstanding
    from assistant.residents.profile import set_elderly

    sender = "web:r-old"
    set_elderly(db, sender, True, by="staff:admin1")
    fallback = {"intent": {"name": "nlu_fallback"}}
    events = [{"event": "user", "text": "嗯那个啥来着", "parse_data": fallback},
              {"event": "action", "name": "action_handle_misunderstanding"},
              {"event": "bot", "text": "不好意思，我没听明白。", "data": {}},
              {"event": "action", "name": "action_listen"},
              {"event": "user", "text": "那个东西弄一下", "parse_data": fallback}]
    [message] = run(ActionHandleMisunderstanding(), tracker(sender, "那个东西弄一下", "nlu_fallback", events=events))
    assert "转人工" in message["text"]
    return sender


def offered_a_person_after_two_misunderstandings(db) -> str:
    """Anyone else is offered 转人工 after two misunderstandings; pressing it says why."""
    from actions.core import MISUNDERSTOOD_OFFER, ActionRequestHuman

    sender = "web:r-offered"
    events = [{"event": "user", "text": "那个东西弄一下", "parse_data": {"intent": {"name": "nlu_fallback"}}},
              {"event": "action", "name": "action_handle_misunderstanding"},
              {"event": "bot", "text": MISUNDERSTOOD_OFFER, "data": {}},
              {"event": "user_utterance_reverted"},
              {"event": "action", "name": "action_listen"},
              {"event": "user", "text": "/request_human", "parse_data": {"intent": {"name": "request_human"}}}]
    run(ActionRequestHuman(), tracker(sender, "/request_human", "request_human", events=events))
    return sender


def question_the_kb_could_not_answer(db) -> str:
    from actions.policy import ActionPolicyOfferReply

    slots = {"policy_offer_pending": True, "policy_pending_question": "考驾照要多少钱？",
             "policy_best_guess": "md-dog"}
    [message] = run(ActionPolicyOfferReply(), tracker("web:r-question", "好的", "affirm", slots))
    assert message["response"] == "utter_policy_question_left"
    return "web:r-question"


def said_during_an_outage(db) -> str:
    from assistant import clock
    from assistant.inbox import service as inbox
    from assistant.inbox.models import InboxMessage
    from assistant.inbox.replay import hand_over

    now = clock.now()
    ids = [inbox.record(db, sender_id="web:r-outage", text=text, now=now - timedelta(hours=2))
           for text in ("楼上漏水了", "有人吗")]
    with db.session() as session:
        rows = [session.get(InboxMessage, i) for i in ids]
        session.expunge_all()
    assert sorted(hand_over(db, rows, now)) == sorted(ids)
    return "web:r-outage"


def test_every_reason_is_recorded_by_the_path_that_causes_it(app_env):
    paths = {asked_in_chat: "asked", asked_while_rasa_is_down: "asked", misunderstood_twice: "misunderstood",
             offered_a_person_after_two_misunderstandings: "misunderstood",
             question_the_kb_could_not_answer: "unanswered_question", said_during_an_outage: "outage"}
    senders = {path(app_env): reason for path, reason in paths.items()}
    listed = recorded(app_env)
    assert {sender: reason for sender, (reason, _) in listed.items()} == senders
    assert set(senders.values()) == set(HANDOFF_REASONS) == set(REASON_ZH)  # no reason that nothing records
    assert listed["web:r-question"][1] == "考驾照要多少钱？"
    assert listed["web:r-outage"][1] == "[系统故障期间留言] 楼上漏水了；有人吗"
    assert listed["web:r-old"][1] == "那个东西弄一下"
    with app_env.session() as session:
        [(question, _)] = list_handoffs(session, reasons=("unanswered_question",))
        assert question.best_guess == "md-dog"


def test_one_open_request_per_resident_but_one_per_question(db):
    from assistant.kb.unanswered import list_unanswered, mark_answered, record_unanswered
    from assistant.residents.service import close_handoff, request_handoff

    with db.transaction() as session:
        first = request_handoff(session, "web:a", "outage", "[系统故障期间留言] 水管坏了")
        assert request_handoff(session, "web:a", "asked", "转人工").id == first.id  # one call back
        q1 = record_unanswered(session, "web:a", "社区能办护照吗？")
        q2 = record_unanswered(session, "web:a", "退役军人有什么优待？")
        assert record_unanswered(session, "web:a", "社区能办护照吗？").id == q1.id  # the same question again
        assert len({first.id, q1.id, q2.id}) == 3
        assert [q.question for q in list_unanswered(session)] == ["退役军人有什么优待？", "社区能办护照吗？"]
        assert mark_answered(session, first.id) is None  # not a question
        answered = mark_answered(session, q1.id, "已电话答复", by="staff:w1")
        assert (answered.status, answered.staff_note) == ("answered", "已电话答复")
        closed = close_handoff(session, first.id, by="staff:w1", note="回过电话")
        assert (closed.status, closed.closed_by, closed.staff_note) == ("done", "staff:w1", "回过电话")
        assert closed.closed_at is not None
        # Closed: the next 转人工 is a new request.
        assert request_handoff(session, "web:a", "asked", "还是找人").id not in (first.id, q1.id, q2.id)


def test_the_api_routes_list_every_reason_and_the_kb_view_keeps_working(client, app_env, tokens):
    from assistant.kb.unanswered import record_unanswered
    from assistant.residents.service import request_handoff

    with app_env.transaction() as session:
        request_handoff(session, "web:a", "asked", "转人工")
        request_handoff(session, "web:b", "outage", "[系统故障期间留言] 停电了")
        question = record_unanswered(session, "web:c", "老年卡在哪里办？", best_guess="老年优待证").id
    worker = {"Authorization": f"Bearer {tokens['worker']}"}
    listed = client.get("/api/v1/handoffs", headers=worker).json()
    assert {(h["reason"], h["reason_text"]) for h in listed} == {
        ("asked", "要找工作人员"), ("outage", "系统故障时留言"), ("unanswered_question", "政策问题没答上")}
    only = client.get("/api/v1/handoffs", params={"reason": "unanswered_question"}, headers=worker).json()
    assert [(h["id"], h["best_guess"]) for h in only] == [(question, "老年优待证")]
    assert client.get("/api/v1/handoffs", params={"reason": "bored"}, headers=worker).status_code == 422
    kb = client.get("/api/v1/kb/unanswered", headers=worker).json()
    assert [(q["id"], q["question"], q["status"]) for q in kb] == [(question, "老年卡在哪里办？", "open")]
    done = client.post(f"/api/v1/kb/unanswered/{question}/answered", json={"note": "已答复"}, headers=worker)
    assert done.status_code == 200 and done.json()["status"] == "answered"
    asked = next(h["id"] for h in listed if h["reason"] == "asked")
    assert client.post(f"/api/v1/kb/unanswered/{asked}/answered", headers=worker).status_code == 404
    assert client.post(f"/api/v1/handoffs/{asked}/done", headers=worker).json() == {"id": asked, "status": "done"}
    everything = client.get("/api/v1/handoffs", params={"status": "all"}, headers=worker).json()
    assert {h["id"]: h["closed_by"] for h in everything if h["status"] == "done"} == {
        question: "staff:worker1", asked: "staff:worker1"}
