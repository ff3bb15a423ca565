"""Review 15's notes on tickets, emergency follow-through and the knowledge base, fixed by
reason. Own sentences (never a bench line), both ways."""

from __future__ import annotations

from datetime import timedelta

import pytest

from actions.core import ActionRequestHuman
from actions.tickets import ActionEmergency, ActionTicketFollowup
from assistant.db import Database
from assistant.form_turns import mentions_person, refuses_someone
from assistant.kb.followup import follows_answer, subject_of
from assistant.residents.service import has_open_handoff
from assistant.tickets import service
from assistant.tickets.asking import asks_what_was_done
from assistant.tickets.emergency import adds_a_detail
from tests.tickets.test_followthrough_actions import followups, joined, run, tracker


# --- note 21: 下来 / 出来 is someone coming when a person comes, not an application -------------

@pytest.mark.parametrize("said", [
    "你们到底什么时候下来个人看看",
    "物业的人几点能出来",
    "工作人员多久能下来啊",
    "师傅啥时候下来",
    "保安什么时候能出来一下",
    "师傅多久能来",
])
def test_a_person_coming_down_or_out_asks_what_was_done(said):
    assert asks_what_was_done(said)


@pytest.mark.parametrize("said", [
    "交上去了多久能批下来",
    "申请交上去多久能下来",
    "补贴多久能办下来",
    "老人的补贴什么时候能下来",
    "材料递上去了啥时候出来结果",
])
def test_an_application_coming_through_is_not_about_a_report(said):
    assert not asks_what_was_done(said)


# --- note 13: a further word joins the emergency only when it speaks of it ----------------------

@pytest.mark.parametrize("said", [
    "我约的洗衣服务是几点来着",
    "后天天气咋样",
    "帮我把周五的保洁取消了吧",
    "那个体检改到下礼拜三",
    "我前几天报的路灯那事咋样了",
])
def test_a_matter_of_its_own_is_no_detail_of_the_emergency(said):
    assert not adds_a_detail(said)


@pytest.mark.parametrize("said", [
    "她穿的红毛衣 头发全白了",
    "水已经漫到客厅了",
    "阀门我拧上了 味道还是很大",
    "老头子嘴唇有点发紫",
    "7号楼1单元二楼东户",
    "楼上邻居帮忙把门撬开了",
])
def test_a_word_on_the_people_body_hazard_or_place_is_a_detail(said):
    assert adds_a_detail(said)


@pytest.mark.parametrize(("said", "intent"), [
    ("我约的理发是明天几点", "query_booking"),
    ("明天会下雨不", "out_of_scope"),
    ("帮我把明天的理发取消了", "cancel_booking"),
])
async def test_another_matter_after_an_emergency_goes_its_own_way(app_env: Database, clock, said, intent):
    sender = f"web:rv15-{intent}"
    messages, slots, _ = await run(ActionEmergency(), tracker("40号楼2单元我妈摔倒了起不来", "emergency", sender=sender))
    tid = slots["emergency_ticket_id"]
    clock.move_to(clock.now() + timedelta(minutes=10))
    messages, _, _ = await run(ActionTicketFollowup(), tracker(said, intent, slots, sender=sender))
    with app_env.session() as session:
        assert said not in service.get_ticket(session, tid).description
    assert "已补充" not in joined(messages) and tid not in joined(messages), joined(messages)


# --- note 14: a person asked to come, or a superior asked for, is a hand-off after an emergency --

@pytest.mark.parametrize("said", ["能不能叫个人过来帮帮我", "快让物业派个人过来", "我要跟你们领导说", "找你们负责人来"])
def test_a_person_asked_to_come_or_a_superior_names_a_person(said):
    assert mentions_person(said)


@pytest.mark.parametrize("said", ["能派人上门来评定不", "他一个人在家", "我躲在屋里没敢出去", "戴个蓝帽子"])
def test_words_with_a_person_in_them_ask_for_nobody(said):
    assert not mentions_person(said)


async def test_a_person_asked_for_after_an_emergency_is_handed_off(app_env: Database, clock):
    sender = "web:rv15-person"
    _, slots, _ = await run(ActionEmergency(), tracker("41号楼3单元我爸摔了起不来", "emergency", sender=sender))
    tid = slots["emergency_ticket_id"]
    clock.move_to(clock.now() + timedelta(minutes=2))
    messages, _, _ = await run(ActionRequestHuman(), tracker("能不能叫个人过来帮帮我", "request_human", slots, sender=sender))
    assert "转人工" in joined(messages) or "工作人员" in joined(messages), joined(messages)
    with app_env.session() as session:
        assert "叫个人" not in service.get_ticket(session, tid).description
        assert has_open_handoff(session, sender)


# --- note 16: the hand-off reached any way keeps a person asked for after a policy answer ---------

@pytest.mark.parametrize("heard", ["nlu_fallback", "request_human"])
async def test_anyone_there_after_a_policy_answer_is_a_hand_off_however_reached(app_env: Database, heard):
    sender = f"web:rv15-anyone-{heard}"
    _, _, events = await run(ActionRequestHuman(), tracker("有人吗", heard, {"policy_topic": "old-1"}, sender=sender))
    assert "action_ask_policy" not in followups(events)
    with app_env.session() as session:
        assert has_open_handoff(session, sender)


def test_a_bare_aspect_after_a_policy_answer_is_still_a_follow_up():
    assert follows_answer("交了以后多久到账", "old-1", heard_as_handoff=True)
    assert follows_answer("那要带啥材料", "old-1", heard_as_handoff=True)


@pytest.mark.parametrize(("said", "kept"), [("以后的养老金怎么领", "以后"), ("好多老人说高龄津贴领不到", "好多")])
def test_many_and_later_are_no_aspect_words(said, kept):
    assert kept in subject_of(said)


# --- note 15: a call-back number said after filing is the one on the ticket, said back ----------

def _filed_with_phone(db: Database, clock, sender: str) -> tuple[str, dict]:
    filed = service.file_ticket(db, description="42号楼北门的路灯不亮了", sender_id=sender, address="42号楼北门",
                                contact_phone="13700001111", now=clock.now())
    stamp = int(clock.now().timestamp())
    return filed.ticket.id, {"ticket_followup": f"filed|{filed.ticket.id}|{stamp}", "last_ticket_id": filed.ticket.id}


async def test_a_new_call_back_number_replaces_the_one_on_the_ticket(app_env: Database, clock):
    sender = "web:rv15-newphone"
    tid, slots = _filed_with_phone(app_env, clock, sender)
    clock.move_to(clock.now() + timedelta(minutes=1))
    messages, _, _ = await run(ActionRequestHuman(),
                               tracker("灯修好了打这个号 13900002222", "request_human", slots, sender=sender))
    with app_env.session() as session:
        assert service.get_ticket(session, tid).contact_phone == "13900002222"
    said = joined(messages)
    assert "2222" in said and "1111" not in said and tid in said, said


async def test_a_call_back_without_a_number_says_which_number_is_on_the_ticket(app_env: Database, clock):
    sender = "web:rv15-samephone"
    tid, slots = _filed_with_phone(app_env, clock, sender)
    clock.move_to(clock.now() + timedelta(minutes=1))
    messages, _, _ = await run(ActionRequestHuman(), tracker("灯修好了给我回个电话", "request_human", slots, sender=sender))
    with app_env.session() as session:
        assert service.get_ticket(session, tid).contact_phone == "13700001111"
    assert "1111" in joined(messages) and tid in joined(messages), joined(messages)


@pytest.mark.parametrize(("said", "wish"), [
    ("灯修好了打这个号 13900002222", True), ("弄完了打我手机", True),
    ("我打这个电话没人接", False), ("打这个号码一直占线", False),
])
def test_the_number_to_call_when_done_is_a_wish_to_be_told(said, wish):
    assert service.asks_to_hear_the_outcome(said) is wish


# --- note 19: a place said with 记对了没 corrects the ticket only as a correction ------------------

def _filed_at(db: Database, clock, sender: str, description: str, address: str) -> str:
    return service.file_ticket(db, description=description, sender_id=sender, address=address, now=clock.now()).ticket.id


@pytest.mark.parametrize(("said", "kept"), [
    ("我家是5号楼，你记对了没", "3号楼门口"),
    ("我住7号楼 写对了吗", "3号楼门口"),
])
def test_where_the_resident_lives_does_not_move_the_ticket(app_env: Database, clock, said, kept):
    sender = f"web:rv15-home-{len(said)}"
    tid = _filed_at(app_env, clock, sender, "3号楼门口路灯不亮", "3号楼门口")
    answer = service.recorded_read_back(app_env, tid, sender_id=sender, text=said, now=clock.now())
    assert answer is not None and kept in answer and tid in answer
    with app_env.session() as session:
        assert service.get_ticket(session, tid).address == kept


@pytest.mark.parametrize(("said", "moved"), [
    ("不对，是5号楼，记对了没", "5号楼"),
    ("是2单元哈 你写对了没", "43号楼2单元"),
])
def test_a_correction_or_the_same_kind_of_part_corrects_it(app_env: Database, clock, said, moved):
    sender = f"web:rv15-fix-{len(said)}"
    tid = _filed_at(app_env, clock, sender, "43号楼3单元楼道灯不亮", "43号楼3单元")
    answer = service.recorded_read_back(app_env, tid, sender_id=sender, text=said, now=clock.now())
    with app_env.session() as session:
        address = service.get_ticket(session, tid).address
    assert moved in address and moved in answer, (address, answer)


# --- review 15 note 38: 个人 (personal) is nobody asked for -------------------------------------

@pytest.mark.parametrize("said", ["我要个人社保缴费记录", "找个人所得税的表", "要个人名义办的那个卡"])
def test_personal_is_no_person_asked_for(said):
    assert not mentions_person(said)


# --- review 15 note L2: someone said no to is no hand-off ----------------------------------------

@pytest.mark.parametrize("said", ["不用叫大夫 就是跟你们说一声", "别叫人过来了", "不用找人 我自己能弄", "不要派人上门了"])
def test_someone_said_no_to_is_refused(said):
    assert refuses_someone(said)


@pytest.mark.parametrize("said", ["叫个人来", "不用叫大夫，叫个物业的人来", "给我转人工", "不用叫救护车 帮我转人工"])
def test_someone_still_asked_for_is_no_refusal(said):
    assert not refuses_someone(said)


async def test_a_refusal_heard_as_a_hand_off_hands_off_nobody(app_env: Database):
    sender = "web:rv15-refuse"
    messages, _, _ = await run(ActionRequestHuman(), tracker("别叫人过来了 我就说一声", "request_human", sender=sender))
    with app_env.session() as session:
        assert not has_open_handoff(session, sender)
    assert "不转人工" in joined(messages)
    messages, _, _ = await run(ActionRequestHuman(), tracker("还是叫个人来吧", "request_human", sender=sender))
    with app_env.session() as session:
        assert has_open_handoff(session, sender)


# --- note L1: a word on an emergency heard as a booking query joins it --------------------------

async def test_a_detail_heard_as_a_booking_query_is_no_booking_answer(app_env: Database, clock):
    from actions.booking import ActionQueryBooking

    sender = "web:rv15-gasq"
    _, slots, _ = await run(ActionEmergency(), tracker("44号楼2单元楼道里煤气味特别冲", "emergency", sender=sender))
    tid = slots["emergency_ticket_id"]
    clock.move_to(clock.now() + timedelta(minutes=3))
    messages, _, _ = await run(ActionQueryBooking(),
                               tracker("窗户都开了 要不要去拍拍对门", "query_booking", slots, sender=sender))
    said = joined(messages)
    assert tid in said and "没有预约" not in said, said


async def test_a_booking_query_after_an_emergency_is_still_answered(app_env: Database, clock):
    from actions.booking import ActionQueryBooking

    sender = "web:rv15-gasq2"
    _, slots, _ = await run(ActionEmergency(), tracker("45号楼1单元我爸摔了起不来", "emergency", sender=sender))
    clock.move_to(clock.now() + timedelta(minutes=3))
    messages, _, _ = await run(ActionQueryBooking(), tracker("我约了些啥", "query_booking", slots, sender=sender))
    assert "预约" in joined(messages) and slots["emergency_ticket_id"] not in joined(messages), joined(messages)


# --- note L6: the phone question answered, the butler listens (no fallback after it) -------------

@pytest.mark.parametrize(("said", "intent"), [("不留了", "deny"), ("匿名吧", "deny"), ("13600004444", "inform")])
async def test_the_phone_question_answered_ends_in_listening(app_env: Database, clock, said, intent):
    sender = f"web:rv15-contact-{len(said)}-{intent}"
    filed = service.file_ticket(app_env, description="46号楼门口井盖松了", sender_id=sender, address="46号楼门口",
                                now=clock.now())
    slots = {"ticket_followup": f"contact|{filed.ticket.id}|{int(clock.now().timestamp())}"}
    messages, after, events = await run(ActionTicketFollowup(), tracker(said, intent, slots, sender=sender))
    assert filed.ticket.id in joined(messages) and followups(events) == ["action_listen"], joined(messages)
    assert after["ticket_followup"] is None


# --- note 42: a visit said no to cancels nothing, and says what still stands --------------------

async def test_a_visit_refused_says_the_booking_and_the_ticket_still_stand(app_env: Database, clock, monkeypatch):
    import assistant.booking.conversation as booking_conversation

    monkeypatch.setattr(booking_conversation, "upcoming_text",
                        lambda db, sender: "您有1个预约：\n1. 12月8日（周二）上午9点 上门维修（已预约，YY202612070003）")
    sender = "web:rv15-novisit"
    tid = _filed_at(app_env, clock, sender, "47号楼2单元厨房水管漏水", "47号楼2单元")
    slots = {"ticket_followup": f"filed|{tid}|{int(clock.now().timestamp())}", "last_ticket_id": tid}
    messages, _, _ = await run(ActionRequestHuman(), tracker("明天不用派师傅来了", "request_human", slots, sender=sender))
    said = joined(messages)
    assert "不转人工" in said and "YY202612070003" in said and "取消预约" in said and tid in said, said
    with app_env.session() as session:
        assert not has_open_handoff(session, sender)
