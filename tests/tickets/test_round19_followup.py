"""Round 19 (conversation fixer B): a question about what was done with a report, said
with its problem still going on (你们去管了没 今晚还吵), asks about that report; it was
read as a new problem, and off-topic or not understood it got 帮不上忙. New wording."""

from __future__ import annotations

from datetime import timedelta

import pytest

from actions.core import ActionHandleMisunderstanding, ActionOutOfScope
from assistant.db import Database
from assistant.tickets import service
from assistant.tickets.asking import asks_what_was_done
from tests.tickets.test_followthrough_actions import ActionCheckTicket, followups, joined, run, tracker


@pytest.mark.parametrize("text", [
    "物业到底管没管 楼上还在蹦",
    "派人看了没有 下水道一直在冒水",
    "你们处理了吗 路灯照样黑着",
    "有人去说了没 那狗还是天天叫",
])
def test_a_question_with_the_problem_still_going_on_asks_what_was_done(text: str) -> None:
    assert asks_what_was_done(text)


@pytest.mark.parametrize("text", [
    "3栋门口的井盖也松了 啥时候修",  # another thing, also broken: a report
    "我家水管漏了 你们管不管",
])
def test_a_new_problem_with_a_question_is_still_a_report(text: str) -> None:
    assert not asks_what_was_done(text)


def _filed(db: Database, clock, sender: str) -> str:
    tid = service.file_ticket(db, description="18号楼楼上每天半夜蹦迪", sender_id=sender, address="18号楼",
                              contact_phone="13900001111", now=clock.now() - timedelta(days=1)).ticket.id
    for action in ("派单", "开始处置"):
        service.transition_ticket(db, tid, action, actor="staff:t", now=clock.now() - timedelta(hours=3))
    return tid


async def test_off_topic_or_not_understood_it_is_answered_from_the_residents_ticket(app_env: Database, clock) -> None:
    tid = _filed(app_env, clock, "web:r19fu1")
    _, _, events = await run(ActionOutOfScope(), tracker("物业到底管没管 楼上还在蹦", "out_of_scope", sender="web:r19fu1"))
    assert followups(events) == ["action_check_ticket"]
    messages, _, _ = await run(
        ActionHandleMisunderstanding(), tracker("物业到底管没管 楼上还在蹦", "nlu_fallback", sender="web:r19fu1")
    )
    assert tid in joined(messages) and "正在处理" in joined(messages)
    # Days later, nothing pending: the progress action still finds their open report.
    messages, _, _ = await run(ActionCheckTicket(), tracker("你们去说了没有 今晚还蹦", "check_ticket", sender="web:r19fu1"))
    assert tid in joined(messages) and "没有投诉记录" not in joined(messages)


async def test_without_a_ticket_of_their_own_it_is_no_question_about_one(app_env: Database, clock) -> None:
    _filed(app_env, clock, "web:r19fu2")
    _, _, events = await run(ActionOutOfScope(), tracker("物业到底管没管 楼上还在蹦", "out_of_scope", sender="web:r19fu3"))
    assert "action_check_ticket" not in followups(events)  # a report, as before


@pytest.mark.parametrize(("text", "service"), [
    ("不反映了 我自己去说 你帮我约个保洁 后天上午九点", "保洁"),
    ("算了算了 不报了 给我订个助餐吧", "助餐"),
])
async def test_a_report_let_go_with_a_booking_asked_starts_the_booking(app_env: Database, clock, text, service) -> None:
    from actions.tickets import ActionSubmitComplaint

    messages, slots, events = await run(
        ActionSubmitComplaint(), tracker(text, "book_service", {"complaint_cancelled": True}, sender="web:r19lf1")
    )
    assert followups(events) == ["booking_form"] and slots.get("booking_service") == service
    assert "不登记" in joined(messages)


async def test_a_report_let_go_alone_ends_there(app_env: Database, clock) -> None:
    from actions.tickets import ActionSubmitComplaint

    messages, _, events = await run(
        ActionSubmitComplaint(), tracker("算了 不报了 邻里邻居的", "deny", {"complaint_cancelled": True}, sender="web:r19lf2")
    )
    assert followups(events) == [] and "不登记" in joined(messages)


@pytest.mark.parametrize(("text", "category"), [
    ("车库墙上一直在冒水", "供水供电供气"),  # water from a pipe, said without 漏水: not the cars
    ("地下室跑水了 淹了一大片", "供水供电供气"),
    ("16栋车库里那根管子破了 水哗哗往下淌", "供水供电供气"),
    ("地下车库有人乱停车 堵着出口", "违章停车"),  # the cars themselves
])
def test_water_running_from_a_pipe_is_the_supplys_not_the_cars(text: str, category: str) -> None:
    from assistant.tickets.classify import classify_category

    assert classify_category(text).category == category


@pytest.mark.parametrize("text", ["那你们赶紧叫个师傅来瞧瞧啊", "快派人来处理一下", "倒是再找人来修啊"])
def test_someone_demanded_is_no_new_report(text: str) -> None:
    from assistant.tickets.asking import demands_someone

    assert demands_someone(text)


@pytest.mark.parametrize("text", ["能不能派个人上门修一下我家洗衣机", "叫师傅来剪个头", "派人来看看 7号楼路灯也坏了"])
def test_a_booking_or_a_new_problem_is_no_such_demand(text: str) -> None:
    from assistant.tickets.asking import demands_someone

    assert not demands_someone(text)


def test_after_a_reopening_someone_demanded_hears_it_was_reopened(app_env: Database, clock) -> None:
    import anyio

    from assistant.conversation import converse
    from assistant.dialogue import Reply
    from assistant.tickets import feedback

    tid = _filed(app_env, clock, "web:r19dm1")
    service.transition_ticket(app_env, tid, "办结", actor="staff:t", note="已劝离", now=clock.now())
    feedback.rate_ticket(app_env, sender_id="web:r19dm1", ticket_id=tid, score=1, reason="当天晚上又蹦上了",
                         now=clock.now())

    class Dialogue:
        sent: list = []

        async def active_loop(self, sender):
            return None

        async def parse(self, text):
            return {"intent": {"name": "query_booking", "confidence": 0.9}}

        async def deliver_or_degrade(self, sender, text, metadata=None):
            self.sent.append(text)
            return [Reply(text="您现在没有预约。")]

    dialogue = Dialogue()
    replies = anyio.run(lambda: converse(dialogue, "web:r19dm1", "那你们赶紧叫个师傅来瞧瞧啊", None, db=app_env))
    assert dialogue.sent == [] and tid in replies[0].text and "重新打开" in replies[0].text
    assert "没法直接派" in replies[0].text


@pytest.mark.parametrize("text", ["那算了 还是给我报上去吧 就在19栋2单元门口", "行吧算了 就当个投诉登记吧 19栋后面"])
async def test_a_let_go_about_something_else_with_the_report_asked_for_files_it(app_env: Database, clock, text) -> None:
    from rasa_sdk.executor import CollectingDispatcher

    from actions.tickets import ValidateComplaintForm
    from tests.tickets.test_followthrough_actions import DOMAIN

    t = tracker(text, "file_complaint", {"requested_slot": "complaint_location",
                                         "complaint_description": "楼上天天半夜拖椅子"}, sender="web:r19cf1")
    t.active_loop = {"name": "complaint_form"}
    events = await ValidateComplaintForm().run(CollectingDispatcher(), t, DOMAIN)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert not slots.get("complaint_cancelled") and "19" in (slots.get("complaint_location") or "")


async def test_a_plain_let_go_still_drops_the_report(app_env: Database, clock) -> None:
    from rasa_sdk.executor import CollectingDispatcher

    from actions.tickets import ValidateComplaintForm
    from tests.tickets.test_followthrough_actions import DOMAIN

    t = tracker("算了算了 不报了", "deny", {"requested_slot": "complaint_location",
                                          "complaint_description": "楼上天天半夜拖椅子"}, sender="web:r19cf2")
    t.active_loop = {"name": "complaint_form"}
    events = await ValidateComplaintForm().run(CollectingDispatcher(), t, DOMAIN)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots.get("complaint_cancelled") is True
