"""Round 13 (blind9's ticket failures, by their general reasons):

- a question about what was done with a report just made (你们通知…了没有, 是不是已经派人
  了, 啥时候来人) is answered from the ticket's real state: 已通知 only when staff's alert
  was delivered, 受理 = not yet dispatched; never a new ticket or a booking lookup;
- in the minutes after an emergency, a question about moving the person, a status (we
  are out, the fire engine is not here), a worse sign (no breath) and a detail of health
  (high blood pressure, the medicine) each get the advice that fits;
- a rating that reopens a ticket is acknowledged (收到您的评价…抱歉) before what was done.

Real database, real loopback webhook (tests/tickets/test_service.py's recorder), rasa-sdk's
real Tracker and dispatcher; the wording in these tests is our own, not any bench set's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from actions.tickets import ActionCheckTicket, ActionEmergency, ActionSubmitComplaint, ActionTicketFollowup
from assistant.settings import Settings
from assistant.tickets import feedback, service
from assistant.tickets.asking import asks_what_was_done
from assistant.tickets.emergency import follow_up_advice
from tests.tickets.test_followthrough_actions import followups, joined, run, tracker
from tests.tickets.test_service import webhook  # noqa: F401 - the recording webhook fixture

# ---- the question itself ---------------------------------------------------------------

WHO = ["物业", "社区", "城管", "消防", "保安", "居委会", "派出所"]
ASKED = [
    "你们告诉{who}了没有",
    "{who}那边通知了吗",
    "有没有跟{who}说一声啊",
    "是不是已经通知{who}了",
    "{who}知道这个事了没",
]
NOT_ASKED = [
    "帮我通知一下{who}",  # a request, not a question about what was done
    "我自己跟{who}说过了",  # the resident's own doing
    "{who}门口的灯坏了",  # a report
]


@given(st.sampled_from(WHO), st.sampled_from(ASKED))
def test_asking_whether_someone_was_told_is_a_question_about_the_report(who, frame):
    assert asks_what_was_done(frame.format(who=who))


@given(st.sampled_from(WHO), st.sampled_from(NOT_ASKED))
def test_a_request_a_statement_or_a_report_is_not(who, frame):
    assert not asks_what_was_done(frame.format(who=who))


@pytest.mark.parametrize(
    "text",
    [
        "师傅大概几点能上门", "派人过去了没得", "这事报上去没有", "到底多久才能来修", "有人来管了吗", "现在弄到哪一步了",
        # dialects and yes/no by V不: Cantonese 咗/未, Sichuanese 没得, northern …不
        "派咗师傅未呀", "人安排过去没得", "修理工今天能来不", "你们管不管啊",
    ],
)
def test_sending_and_when_questions(text):
    assert asks_what_was_done(text)


@pytest.mark.parametrize(
    "text",
    [
        "救护车怎么还没来",  # how the emergency stands: advice, not the community's doing
        "要不要打120",  # what to do
        "5号楼电梯也坏了，什么时候修",  # a new problem said with a question
        "有人吗",  # anyone there
        "我打了110了",
        "你们处理一下",  # a request
        "师傅刚来了",  # a statement
        "帮我找个师傅来修",
    ],
)
def test_not_a_question_about_what_was_done(text):
    assert not asks_what_was_done(text)


# ---- the honest answer -------------------------------------------------------------------


def test_an_emergency_whose_alert_was_delivered_says_notified(db, webhook):  # noqa: F811
    url, received = webhook
    settings = Settings(alert_webhook_url=url)
    filed = service.file_emergency(db, description="7号楼车棚里冒烟了，有火光", sender_id="web:q1", settings=settings)
    assert filed.alerted and received
    answer = service.handling_answer(db, filed.ticket.id, "web:q1", "你们通知物业了没有", settings=settings)
    assert "已通知" in answer and "119" in answer and "没法替您" in answer


def test_an_emergency_only_logged_never_says_notified(db):
    settings = Settings(alert_webhook_url="")
    filed = service.file_emergency(db, description="7号楼车棚里冒烟了，有火光", sender_id="web:q2", settings=settings)
    assert not filed.alerted
    answer = service.handling_answer(db, filed.ticket.id, "web:q2", "你们通知物业和消防没", settings=settings)
    assert "已记录" in answer and "已通知" not in answer
    assert "119" in answer and settings.service_phone in answer and "受理" in answer


def test_a_medical_emergency_names_120(db):
    settings = Settings(alert_webhook_url="")
    filed = service.file_emergency(db, description="我爸在家里晕倒了叫不醒", sender_id="web:q3", settings=settings)
    answer = service.handling_answer(db, filed.ticket.id, "web:q3", "那啥时候来人", settings=settings)
    assert "120" in answer and "119" not in answer


def test_an_ordinary_ticket_says_not_yet_dispatched_and_no_visit_time(db):
    filed = service.file_ticket(db, description="12号楼门口的垃圾桶好几天没人清", sender_id="web:q4", address="12号楼")
    answer = service.handling_answer(db, filed.ticket.id, "web:q4", "城管是不是已经派人过来了")
    assert "受理" in answer and "还没派人" in answer
    assert not any(word in answer for word in ("已派人", "已经派人", "已派单", "已通知"))
    assert "不会另外打电话通知" in answer  # it names an outside body: said what the butler does
    when = service.handling_answer(db, filed.ticket.id, "web:q4", "啥时候来人修")
    assert "看不到具体时间" in when and "个工作日" not in when  # no phone: no deadline promised


def test_a_dispatched_ticket_says_so_and_a_stranger_gets_nothing(db, clock):
    filed = service.file_ticket(db, description="12号楼门口的垃圾桶好几天没人清", sender_id="web:q5", address="12号楼")
    service.transition_ticket(db, filed.ticket.id, "派单", actor="staff:a", now=clock.now())
    answer = service.handling_answer(db, filed.ticket.id, "web:q5", "派人了吗")
    assert "已派给" in answer
    assert service.handling_answer(db, filed.ticket.id, "web:other", "派人了吗") is None


# ---- in the dialogue ----------------------------------------------------------------------


def _form_slots(description: str, location: str, contact: str | None) -> dict:
    return {
        "complaint_description": description,
        "complaint_location": location,
        "complaint_contact": contact,
    }


async def test_filed_with_a_phone_then_asked_about_dispatch_gets_the_state(app_env, clock):
    _, slots, _ = await run(
        ActionSubmitComplaint(),
        tracker("", "file_complaint", _form_slots("21号楼2单元台阶塌了一块", "21号楼2单元", "13900001111")),
    )
    assert slots["ticket_followup"].startswith("filed|")
    tid = slots["last_ticket_id"]
    clock.move_to(clock.now() + timedelta(minutes=1))
    messages, after, events = await run(
        ActionTicketFollowup(), tracker("那是不是已经派人去看了", "query_booking", slots)
    )
    said = joined(messages)
    assert tid in said and "受理" in said and "已经派人" not in said and not followups(events)
    assert after["ticket_followup"].startswith(f"filed|{tid}|")  # the next question may be about it too
    # Anything else goes the usual way, and the wait ends.
    messages, after, events = await run(ActionTicketFollowup(), tracker("约个理发", "book_service", after))
    assert followups(events) == ["booking_form"] and after["ticket_followup"] is None


async def test_filed_without_a_phone_the_question_is_answered_and_the_phone_still_asked(app_env, clock):
    _, slots, _ = await run(
        ActionSubmitComplaint(), tracker("", "file_complaint", _form_slots("22号楼楼下有人占道摆摊", "22号楼", None))
    )
    assert slots["ticket_followup"].startswith("contact|")
    messages, after, _ = await run(ActionTicketFollowup(), tracker("你们跟城管说了没有", "inform", slots))
    assert "受理" in joined(messages) and "已通知" not in joined(messages)
    assert after["ticket_followup"].startswith("contact|")


async def test_right_after_an_emergency_a_question_about_notice_files_nothing_new(app_env, clock):
    messages, slots, _ = await run(ActionEmergency(), tracker("23号楼地下室往外冒黑烟", "emergency"))
    tid = slots["emergency_ticket_id"]
    messages, after, events = await run(
        ActionTicketFollowup(), tracker("你们给物业和消防打电话了没啊", "file_complaint", slots)
    )
    said = joined(messages)
    assert "已记录" in said and "119" in said and tid in said and not followups(events)
    with app_env.session() as session:
        assert len(service.my_tickets(session, "web:ft")) == 1


async def test_a_when_question_after_an_emergency_is_about_its_ticket(app_env, clock):
    _, slots, _ = await run(ActionEmergency(), tracker("24号楼3单元楼梯上有人摔倒了起不来", "emergency"))
    messages, _, events = await run(ActionTicketFollowup(), tracker("那大概多久能来人", "query_booking", slots))
    assert "受理" in joined(messages) and not followups(events)


async def test_check_ticket_answers_for_the_ticket_just_filed(app_env, clock):
    _, slots, _ = await run(
        ActionSubmitComplaint(),
        tracker("", "file_complaint", _form_slots("25号楼门口有人乱摆摊", "25号楼", "13900002222")),
    )
    messages, _, _ = await run(ActionCheckTicket(), tracker("这事通知城管了吗", "check_ticket", slots))
    assert "受理" in joined(messages) and "已通知" not in joined(messages)


# ---- emergency follow-through advice --------------------------------------------------------


@given(st.sampled_from(["扶她起来", "把他抱到床上", "让她先坐起来", "把老人背下楼", "给他翻个身"]))
@hsettings(deadline=None, max_examples=10)
def test_moving_someone_hurt_is_advised_against_after_a_fall(act):
    lines = follow_up_advice(f"我能不能{act}", "我奶奶在卫生间摔倒了起不来")
    assert lines and ("别" in lines[0] or "不要" in lines[0])


def test_moving_a_car_for_the_ambulance_is_not_moving_the_person():
    assert follow_up_advice("我去把车挪到边上", "我奶奶在卫生间摔倒了起不来") == []


@pytest.mark.parametrize("sign", ["他没气了", "好像不呼吸了", "胸口一点都不起伏", "摸不到脉搏了", "人已经断气了吧"])
def test_no_breath_gets_cpr(sign):
    lines = follow_up_advice(sign, "我老伴突然倒在地上叫不醒")
    assert any("心肺复苏" in line and "按" in line for line in lines)


@pytest.mark.parametrize("gas", ["煤气罐没气了", "天然气没气了"])
def test_a_gas_bottle_running_out_is_no_breathing(gas):
    assert not any("心肺复苏" in line for line in follow_up_advice(gas, "我老伴突然倒在地上叫不醒"))


@pytest.mark.parametrize("detail", ["他有心脏病", "她平时吃降压药", "老人有糖尿病，药在抽屉里"])
def test_a_health_detail_is_for_the_120_doctor(detail):
    lines = follow_up_advice(detail, "电梯里关着个大爷，说胸口闷得慌")
    assert any("120" in line for line in lines)


def test_out_of_a_fire_keep_away_and_call_again_if_nobody_came():
    lines = follow_up_advice("人都下到楼下了，可消防员还没来", "15号楼厨房着火了")
    said = "".join(lines)
    assert "别再回去" in said and "119" in said


def test_the_number_to_call_again_follows_who_is_awaited():
    assert "120" in "".join(follow_up_advice("救护车咋还没到", "楼上有人从梯子上摔下来了"))
    assert "110" in "".join(follow_up_advice("警察还没来", "楼下有人拿刀砍人"))


async def test_a_question_about_moving_the_person_joins_the_ticket_with_its_advice(app_env, clock):
    _, slots, _ = await run(ActionEmergency(), tracker("我爷爷在26号楼2单元家里摔倒了，起不来", "emergency"))
    tid = slots["emergency_ticket_id"]
    messages, _, events = await run(ActionTicketFollowup(), tracker("能把他扶到沙发上吗", "ask_policy", slots))
    said = joined(messages)
    assert "别扶" in said and tid in said and not followups(events)


# ---- a rating that reopens -----------------------------------------------------------------


def test_a_low_rating_with_a_reason_is_acknowledged_before_the_reopening(db, clock):
    filed = service.file_ticket(db, description="27号楼下面的路灯坏了", sender_id="web:r1", address="27号楼")
    for action in ("派单", "开始处置"):
        service.transition_ticket(db, filed.ticket.id, action, actor="staff:a", now=clock.now())
    service.transition_ticket(db, filed.ticket.id, "办结", actor="staff:a", note="已修复", now=clock.now())
    outcome = feedback.rate_ticket(
        db, sender_id="web:r1", ticket_id=filed.ticket.id, score=2, reason="晚上还是不亮", now=clock.now()
    )
    assert outcome.reopened
    assert outcome.message.startswith("收到您的评价") and "抱歉" in outcome.message
    assert outcome.message.index("抱歉") < outcome.message.index("重新打开")


# ---- 那现在咋办: the advice for what was reported, again -----------------------------------------


@pytest.mark.parametrize("asked", ["那现在咋办啊", "我们该怎么做？", "到底怎么办呢"])
def test_a_bare_what_now_gets_the_reported_emergencys_advice(asked):
    assert any("119" in line for line in follow_up_advice(asked, "18号楼厨房着火了"))
    assert any("120" in line for line in follow_up_advice(asked, "我爷爷突然晕倒了叫不醒"))


def test_what_now_about_something_else_is_not_the_emergency():
    assert follow_up_advice("那我的预约怎么办", "18号楼厨房着火了") == []


# ---- what the progress action keeps doing --------------------------------------------------------


async def test_a_handled_ticket_asked_about_in_words_still_invites_a_rating(app_env, clock):
    from tests.tickets.test_followthrough_actions import handled

    tid = handled(app_env, clock, sender="web:h1")
    messages, slots, _ = await run(ActionCheckTicket(), tracker("路灯的事咋样了", "check_ticket", sender="web:h1"))
    assert "已办结" in joined(messages) and messages[0]["buttons"]
    assert slots["ticket_followup"].startswith(f"rating|{tid}|")
    assert service.handling_answer(app_env, tid, "web:h1", "派人了吗") is None  # not open: no "not dispatched"


async def test_a_reminder_heard_as_a_progress_question_is_refused_honestly(app_env):
    from assistant.conversation.commands import REMINDER_TEXT

    messages, _, _ = await run(ActionCheckTicket(), tracker("到点了记得叫我一声，我老忘事", "check_ticket", sender="web:h2"))
    assert joined(messages) == REMINDER_TEXT
