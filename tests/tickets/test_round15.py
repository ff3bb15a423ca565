"""Round 15 (issue #11): what a resident says in the minutes after an emergency is a
further word on it, however the classifier heard it (a booking query, 报平安, out of
scope), and joins its ticket; the number is said plainly as 工单号; closing talk, a
booking and a person asked for still go their own way. rasa-sdk's real Tracker and
dispatcher against the test database, the clock injected."""

from __future__ import annotations

from datetime import timedelta

import pytest

from actions.care import ActionCheckin
from actions.core import ActionRequestHuman
from actions.tickets import ActionEmergency, ActionTicketFollowup
from assistant.db import Database
from assistant.tickets import service
from assistant.tickets.emergency import adds_a_detail, asks_about_it
from tests.tickets.test_followthrough_actions import followups, joined, run, tracker


async def _reported(text: str, sender: str) -> dict:
    messages, slots, _ = await run(ActionEmergency(), tracker(text, "emergency", sender=sender))
    assert slots.get("emergency_ticket_id"), messages
    return slots


def _description(db: Database, ticket_id: str) -> str:
    with db.session() as s:
        return service.get_ticket(s, ticket_id).description


@pytest.mark.parametrize(
    "text",
    ["他穿一件黑夹克 拄着根拐杖", "纱布捂上了还是往外渗", "总开关关了 地上还是湿的", "屋里就剩我跟我孙子两个", "我已经把窗户都推开了"],
)
def test_a_further_word_is_a_detail(text):
    assert adds_a_detail(text)


@pytest.mark.parametrize(
    "text", ["好的谢谢", "嗯嗯知道了", "算了", "收到 辛苦了", "顺便帮我约个明天上午的理发", "报个平安 我挺好的"]
)
def test_closing_talk_and_a_booking_are_no_detail(text):
    assert not adds_a_detail(text)


def test_a_detail_said_as_a_question():
    assert asks_about_it("要不要把轮椅推过来嘛") and not asks_about_it("他穿一件黑夹克")


async def test_the_place_is_read_back_with_the_ticket_number(app_env: Database, clock):
    slots = await _reported("楼道里冒黑烟了", "web:r15-where")
    tid = slots["emergency_ticket_id"]
    clock.move_to(clock.now() + timedelta(minutes=1))
    messages, _, _ = await run(ActionTicketFollowup(), tracker("18号楼2单元三楼", "inform", slots, sender="web:r15-where"))
    assert f"工单号 {tid}" in joined(messages)


@pytest.mark.parametrize(
    "report,detail,intent,needed",
    [
        ("18号楼3单元有个老人走丢了 找不到了", "他穿一件黑夹克 拄着根拐杖", "out_of_scope", "工单号"),
        ("19号楼1单元502我爸手划了个大口子血止不住", "纱布捂上了还是往外渗", "query_booking", "工单号"),
        ("20号楼2单元楼道里一股煤气味", "窗户推开了 对门那家要不要去拍门叫一下", "query_booking", "门铃"),
        ("21号楼1单元301我妈摔倒了起不来", "邻居家有轮椅 要不要借过来", "nlu_fallback", "120"),
        ("26号楼2单元我爷爷出去遛弯找不到了", "物业保安说监控里看见他往西门走了", "file_complaint", "工单号"),
    ],
)
async def test_a_detail_joins_the_emergency_whatever_the_classifier_heard(
    app_env: Database, clock, report, detail, intent, needed
):
    sender = f"web:r15-{intent}-{len(report)}-{len(detail)}"
    slots = await _reported(report, sender)
    tid = slots["emergency_ticket_id"]
    clock.move_to(clock.now() + timedelta(minutes=2))
    messages, after, events = await run(ActionTicketFollowup(), tracker(detail, intent, slots, sender=sender))
    said = joined(messages)
    assert needed in said and tid in said and not followups(events), said
    assert detail.split()[0] in _description(app_env, tid)
    assert after["ticket_followup"].startswith(f"emergency|{tid}|")


async def test_a_detail_heard_as_a_checkin_joins_the_emergency(app_env: Database, clock):
    sender = "web:r15-checkin"
    slots = await _reported("22号楼4单元我老伴切菜切到手了血一直流", sender)
    tid = slots["emergency_ticket_id"]
    clock.move_to(clock.now() + timedelta(minutes=1))
    messages, _, _ = await run(ActionCheckin(), tracker("拿干净毛巾按住了 还在往外冒", "checkin", slots, sender=sender))
    said = joined(messages)
    assert tid in said and "平安" not in said, said


async def test_a_detail_heard_as_a_hand_off_joins_the_emergency_unless_a_person_is_asked_for(
    app_env: Database, clock
):
    sender = "web:r15-human"
    slots = await _reported("23号楼隔壁两口子打起来了 女的一直喊救命", sender)
    tid = slots["emergency_ticket_id"]
    clock.move_to(clock.now() + timedelta(minutes=1))
    messages, _, _ = await run(ActionRequestHuman(), tracker("现在没动静了 我躲在屋里没敢出去", "request_human", slots, sender=sender))
    assert tid in joined(messages) and "转人工" not in joined(messages), joined(messages)
    messages, _, _ = await run(ActionRequestHuman(), tracker("给我转人工", "request_human", slots, sender=sender))
    assert "转人工" in joined(messages)


@pytest.mark.parametrize(
    "text,intent,usual",
    [
        ("顺便帮我约个明天上午的理发", "book_service", "booking_form"),
        ("对了 小区西门的路灯也坏了好几天了", "file_complaint", "complaint_form"),
        ("好的谢谢", "affirm", None),
    ],
)
async def test_other_matters_still_go_their_own_way(app_env: Database, clock, text, intent, usual):
    sender = f"web:r15-usual-{intent}"
    slots = await _reported("24号楼2单元电梯里困了人", sender)
    tid = slots["emergency_ticket_id"]
    clock.move_to(clock.now() + timedelta(minutes=1))
    _, _, events = await run(ActionTicketFollowup(), tracker(text, intent, slots, sender=sender))
    assert text not in _description(app_env, tid)
    if usual:
        assert followups(events) == [usual]


async def test_a_detail_long_after_the_emergency_is_no_longer_joined(app_env: Database, clock):
    sender = "web:r15-late"
    slots = await _reported("25号楼1单元着火了", sender)
    tid = slots["emergency_ticket_id"]
    clock.move_to(clock.now() + timedelta(hours=2))
    await run(ActionTicketFollowup(), tracker("我已经把窗户都推开了", "nlu_fallback", slots, sender=sender))
    assert "窗户" not in _description(app_env, tid)


# ---- the wish to hear the outcome, heard as 转人工 or 报平安 ---------------------------------------


def _filed(db: Database, clock, sender: str, text: str) -> tuple[str, dict]:
    filed = service.file_ticket(db, description=text, sender_id=sender, address=text[:5], now=clock.now())
    stamp = int(clock.now().timestamp())
    return filed.ticket.id, {"ticket_followup": f"contact|{filed.ticket.id}|{stamp}", "last_ticket_id": filed.ticket.id}


def _phone(db: Database, ticket_id: str) -> str | None:
    with db.session() as s:
        return service.get_ticket(s, ticket_id).contact_phone


@pytest.mark.parametrize("action,intent", [(ActionRequestHuman, "request_human"), (ActionCheckin, "checkin")])
async def test_a_call_back_with_a_phone_puts_it_on_the_ticket(app_env: Database, clock, action, intent):
    sender = f"web:r15-cb-{intent}"
    tid, slots = _filed(app_env, clock, sender, "31号楼门口的路灯不亮了")
    clock.move_to(clock.now() + timedelta(minutes=1))
    messages, _, _ = await run(action(), tracker("弄好了麻烦回个电话 13700001357", intent, slots, sender=sender))
    said = joined(messages)
    assert _phone(app_env, tid) == "13700001357"
    assert "1357" in said and tid in said and "转人工" not in said and "平安" not in said, said


async def test_a_call_back_without_a_phone_asks_for_it_and_promises_no_call(app_env: Database, clock):
    sender = "web:r15-cb-none"
    tid, slots = _filed(app_env, clock, sender, "32号楼后面垃圾好几天没人收")
    clock.move_to(clock.now() + timedelta(minutes=1))
    messages, after, _ = await run(ActionRequestHuman(), tracker("收走了给我回个电话", "request_human", slots, sender=sender))
    said = joined(messages)
    assert "手机号" in said and "转人工" not in said and "会给您回电" not in said, said
    assert after["ticket_followup"].startswith(f"contact|{tid}|")
    clock.move_to(clock.now() + timedelta(minutes=1))
    slots.update(after)
    messages, _, _ = await run(ActionTicketFollowup(), tracker("13700002468", "inform", slots, sender=sender))
    assert _phone(app_env, tid) == "13700002468" and "2468" in joined(messages)


async def test_a_person_asked_for_after_filing_is_still_a_hand_off(app_env: Database, clock):
    sender = "web:r15-cb-person"
    _, slots = _filed(app_env, clock, sender, "33号楼电梯门关不上")
    messages, _, _ = await run(ActionRequestHuman(), tracker("帮我转人工", "request_human", slots, sender=sender))
    assert "转人工" in joined(messages)


async def test_no_phone_the_number_is_said_plainly(app_env: Database, clock):
    sender = "web:r15-anon"
    tid, slots = _filed(app_env, clock, sender, "34号楼1单元有人群租")
    messages, _, _ = await run(ActionTicketFollowup(), tracker("电话就不留了", "deny", slots, sender=sender))
    assert f"工单号 {tid}" in joined(messages)


# ---- a place corrected in the same breath, and "did you get it right?" -----------------------

from assistant.tickets.asking import asks_if_recorded  # noqa: E402
from assistant.tickets.intake import place_said  # noqa: E402


@pytest.mark.parametrize(
    "text,place",
    [
        ("618号楼4单元楼道灯不亮 哎不是4单元 是1单元", "618号楼1单元"),
        ("37栋2单元门口垃圾堆着，不是2单元，是3单元", "37号楼3单元"),
        ("12栋的路灯坏了 不是12栋而是13栋", "13栋"),
    ],
)
def test_a_part_denied_and_said_again_is_corrected(text, place):
    assert place_said(text) == place


def test_a_denial_of_something_else_keeps_the_place():
    assert place_said("3号楼不是电梯坏了 是楼道灯") == "3号楼"


@pytest.mark.parametrize("text", ["你给记对了没", "写对了吗", "记下来了没有", "没记错吧", "登记对了没"])
def test_asking_whether_it_was_taken_down(text):
    assert asks_if_recorded(text)


@pytest.mark.parametrize("text", ["我记不清了", "记得早点来修", "你们记一下"])
def test_no_question_about_the_record(text):
    assert not asks_if_recorded(text)


async def test_did_you_get_it_right_reads_the_ticket_back_and_corrects_it(app_env: Database, clock):
    sender = "web:r15-readback"
    filed = service.file_ticket(
        app_env, description="618号楼4单元楼道灯不亮", sender_id=sender, address="618号楼4单元", now=clock.now()
    )
    tid = filed.ticket.id
    slots = {"ticket_followup": f"contact|{tid}|{int(clock.now().timestamp())}"}
    messages, after, _ = await run(ActionTicketFollowup(), tracker("是1单元呀 记对了没", "inform", slots, sender=sender))
    said = joined(messages)
    assert "618号楼1单元" in said and tid in said and "楼道灯" in said, said
    assert after["ticket_followup"].startswith(f"contact|{tid}|")
    with app_env.session() as s:
        assert service.get_ticket(s, tid).address == "618号楼1单元"
    messages, _, _ = await run(ActionTicketFollowup(), tracker("写对了吧", "inform", slots, sender=sender))
    assert "618号楼1单元" in joined(messages)


# ---- a report said as an errand (给居委会打个电话，就说…) ------------------------------------------

from rasa_sdk.executor import CollectingDispatcher  # noqa: E402

from actions.tickets import RELAY_AS_TICKET, ValidateComplaintForm  # noqa: E402
from tests.tickets.test_actions import DOMAIN as FORM_DOMAIN  # noqa: E402
from tests.tickets.test_actions import tracker as form_tracker  # noqa: E402


@pytest.mark.parametrize(
    "text,relay",
    [("你替我给物业李经理打个电话 就说我家水管冻裂了", True), ("我家水管冻裂了 到处是水", False)],
)
async def test_a_report_said_as_a_call_says_no_call_is_made(text, relay):
    dispatcher = CollectingDispatcher()
    events = await ValidateComplaintForm().run(dispatcher, form_tracker(text), FORM_DOMAIN)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["complaint_description"] == text
    assert (RELAY_AS_TICKET in joined(dispatcher.messages)) is relay


# ---- still bleeding, said without 血; a statement is no question ----------------------------------

from assistant.tickets.emergency import follow_up_advice  # noqa: E402


def test_still_seeping_after_a_cut_gets_the_pressing_advice():
    lines = follow_up_advice("纱布压着呢 还是往外渗", "我爸削苹果把手划了个大口子 血一直止不住")
    assert any("按住伤口" in line for line in lines)


@pytest.mark.parametrize("text", ["她还在流眼泪", "还是往外渗"])
def test_no_wound_reported_no_pressing_advice(text):
    assert not any("按住伤口" in line for line in follow_up_advice(text, "我奶奶在客厅摔倒了起不来"))


def test_a_statement_ending_in_a_particle_mid_sentence_is_no_question():
    assert not asks_about_it("毛巾按着呢还在渗") and asks_about_it("他人在哪呢")
