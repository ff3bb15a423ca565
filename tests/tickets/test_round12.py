"""Round 12 (issue #11, conversations blind8): a later message about the same emergency
gets the advice that fits it (血还是哗哗的流, 能开灯吗 in a gas leak, 要不要坐电梯 in a fire,
那人往北门跑了 in an attack) and joins its ticket; a place a community has many of (车棚)
is asked about; a booking said with an emergency is offered after it; a neighbour named
from the resident's known home (我楼上1201那家) is a place; 改成 corrects a place; the
anonymous resident is told how to follow the ticket; and no record here points to the
ticket number."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.tickets import ActionEmergency, ActionTicketFollowup, ValidateComplaintForm
from assistant.db import Database
from assistant.residents.service import remember_contact
from assistant.settings import Settings
from assistant.tickets import intake, service
from assistant.tickets.emergency import booking_said_with, follow_up_advice
from tests.tickets.test_followthrough_actions import DOMAIN, joined, run, tracker

GAS = "屋里好大一股煤气味 头有点晕"
FIRE = "车棚那边电动车烧起来了 冒黑烟"
KNIFE = "楼下有人拿刀砍人 好多人在喊"


# ---- advice for what is added -------------------------------------------------------------------


@pytest.mark.parametrize("text", ["血还是哗哗的流", "血一直往下滴", "血还在往外冒"])
def test_still_bleeding_in_own_words_gets_pressure(text):
    assert any("按压" in line for line in follow_up_advice(text)), follow_up_advice(text)


@pytest.mark.parametrize("text", ["我能开灯找一下阀门不", "开个灯看看行不行", "我在屋里打电话报警行吗"])
def test_a_spark_in_a_gas_leak_is_forbidden(text):
    lines = follow_up_advice(text, GAS)
    assert lines and "不要开灯" in lines[0], lines
    assert follow_up_advice(text) == [] or "不要开灯" not in "".join(follow_up_advice(text))


def test_the_lift_in_a_fire_is_forbidden_once():
    lines = follow_up_advice("烟飘到楼上了 我家在9楼 要不要坐电梯下去", FIRE)
    assert len(lines) == 1 and "不要坐电梯" in lines[0], lines
    # Smoke alone in a fire gets the smoke advice; a lift without a fire gets nothing of it.
    assert "弯腰" in "".join(follow_up_advice("烟飘进屋里了", FIRE))
    assert not any("电梯" in line for line in follow_up_advice("要不要坐电梯", GAS))


def test_the_attacker_ran_gets_safety_and_110():
    lines = follow_up_advice("那人往北门跑了 穿个黑衣服", KNIFE)
    assert any("110" in line and "别去追" in line for line in lines), lines
    assert follow_up_advice("那人往北门跑了 穿个黑衣服") == []  # without the attack: no advice


# ---- the place of the emergency -----------------------------------------------------------------


@pytest.mark.parametrize("place", ["车棚", "车棚那边", "楼下", "停车场"])
def test_a_place_of_many_is_not_findable(place):
    assert not service.findable(place)


@pytest.mark.parametrize("place", ["237栋后面的车棚", "小区东门", "北门", "超市后面那条路", "8号楼2单元"])
def test_a_building_a_gate_or_own_words_are_findable(place):
    assert service.findable(place)


def test_a_fire_at_the_bike_shed_asks_which(db: Database):
    r = service.respond_to_emergency(db, text=FIRE, sender_id="web:r12-1", settings=Settings())
    assert "119" in r.lines[0] and r.needs_location
    assert "位置" in r.lines[-1] and "车棚" in r.lines[-1], r.lines


def test_where_he_ran_and_where_i_live_do_not_move_the_emergency(db: Database):
    r = service.respond_to_emergency(db, text=KNIFE, sender_id="web:r12-2", settings=Settings())
    service.follow_up_emergency(
        db, ticket_id=r.ticket_id, sender_id="web:r12-2", text="235栋楼下小广场", awaiting_location=True,
        settings=Settings(),
    )
    ran = service.follow_up_emergency(
        db, ticket_id=r.ticket_id, sender_id="web:r12-2", text="那人往北门跑了 穿个黑衣服", settings=Settings()
    )
    assert ran is not None and any("110" in line for line in ran.lines), ran
    with db.session() as s:
        ticket = service.get_ticket(s, r.ticket_id)
        assert ticket.address.startswith("235") and "黑衣服" in ticket.description

    fire = service.respond_to_emergency(db, text=FIRE, sender_id="web:r12-3", settings=Settings())
    service.follow_up_emergency(
        db, ticket_id=fire.ticket_id, sender_id="web:r12-3", text="237栋后面的车棚", awaiting_location=True,
        settings=Settings(),
    )
    lift = service.follow_up_emergency(
        db, ticket_id=fire.ticket_id, sender_id="web:r12-3", text="烟飘到楼上了 我家在9楼 要不要坐电梯下去",
        reads_as_complaint=True, settings=Settings(),
    )
    assert lift is not None and "不要坐电梯" in lift.lines[0], lift
    with db.session() as s:
        tickets, total = service.list_tickets(s)
        assert total == 2  # the two emergencies, no third ticket for the lift question
        assert service.get_ticket(s, fire.ticket_id).address.startswith("237")


def test_not_the_scene():
    assert service.not_the_scene("那人往北门跑了", "北门")
    assert service.not_the_scene("我家在9楼", "9楼")
    assert not service.not_the_scene("在6号楼3单元", "6号楼3单元")


# ---- a booking said with an emergency -----------------------------------------------------------


def test_a_booking_said_with_an_emergency_is_found():
    assert booking_said_with("226栋的电梯又坏了 关了我好几回了 顺便给我老伴儿约个助浴") == "助浴"
    assert booking_said_with("厨房着火了") is None
    assert booking_said_with("着火了 还有烟") is None


async def test_the_booking_is_offered_after_the_emergency_and_a_yes_starts_it(app_env: Database, clock):
    text = "3号楼厨房着火了 顺便给我老伴儿约个助浴"
    messages, slots, _ = await run(ActionEmergency(), tracker(text, "emergency", sender="web:r12-4"))
    assert "119" in messages[0]["text"]
    assert "助浴" in messages[-1]["text"] and "约" in messages[-1]["text"]
    payloads = [b["payload"] for b in messages[-1]["buttons"]]
    assert '/book_service{"service_type": "助浴"}' in payloads and "/deny" in payloads
    # 好的 in words: the booking form starts with the service.
    yes = tracker("好的", "affirm", slots, sender="web:r12-4")
    yes.events = [{"event": "bot", "text": messages[-1]["text"], "data": {"buttons": messages[-1]["buttons"]}},
                  {"event": "user", "text": "好的"}]
    clock.move_to(clock.now() + timedelta(minutes=1))
    _, after, events = await run(ActionTicketFollowup(), yes)
    assert after.get("booking_service") == "助浴"
    assert [e["name"] for e in events if e["event"] == "followup"] == ["booking_form"]


# ---- the complaint form -------------------------------------------------------------------------


def test_a_neighbour_from_the_known_home():
    home = "225栋2单元1101"
    assert intake.neighbour_place("嗯 帮我报一下 就是我楼上1201那家", home) == "225栋2单元1201"
    assert intake.neighbour_place("楼下那户天天吵", home) == "225栋2单元1101楼下"
    assert intake.neighbour_place("楼上1201那家", None) is None  # no home known: the butler asks
    assert intake.neighbour_place("楼下路灯坏了", home) is None  # no neighbour named
    assert intake.neighbour_place("5号楼楼上那家", home) is None  # the message names its place


async def test_the_complaint_form_takes_the_neighbour_place(app_env: Database):
    with app_env.transaction() as s:
        remember_contact(s, "web:r12-5", address="225栋2单元1101")
    text = "楼上天天半夜拖椅子 吵死了，帮我报一下 就是我楼上1201那家"
    t = Tracker(
        sender_id="web:r12-5", slots={"requested_slot": None}, latest_message={"text": text, "intent": {}},
        events=[], paused=False, followup_action=None, active_loop={}, latest_action_name="action_listen",
    )
    found = await ValidateComplaintForm().extract_complaint_location(CollectingDispatcher(), t, DOMAIN)
    assert found == {"complaint_location": "225栋2单元1201"}


def test_gai_cheng_corrects_the_place_and_adds_nothing_to_the_story():
    said = "213栋 哦不对 改成214栋 我老记错"
    assert intake.place_said(said) == "214栋"
    assert intake.add_to_description("楼上装修天天电钻", said) is None
    assert intake.corrected_place("3号楼") is None


# ---- following a ticket without a phone -----------------------------------------------------------


def test_asking_to_be_told_gets_the_way_to_follow():
    assert service.asks_to_be_told("那你们查完了跟我说一声不")
    assert service.asks_to_be_told("有结果了告诉我")
    assert not service.asks_to_be_told("好的")
    said = service.how_to_follow("GD202612060001")
    assert "GD202612060001" in said and "查" in said and "没法主动" in said


async def test_anonymous_resident_asking_to_be_told(app_env: Database, clock):
    filed = service.file_ticket(
        app_env, description="243栋2单元有户群租的 住了十几个人", sender_id="web:r12-6", now=clock.now()
    )
    slots = {"ticket_followup": f"contact|{filed.ticket.id}|{int(clock.now().timestamp())}"}
    messages, after, _ = await run(
        ActionTicketFollowup(), tracker("那你们查完了跟我说一声不", "nlu_fallback", slots, sender="web:r12-6")
    )
    assert filed.ticket.id in joined(messages) and "查" in joined(messages), messages
    assert after["ticket_followup"].startswith("contact|")  # the phone may still come


def test_no_record_here_points_to_the_ticket_number(db: Database):
    with db.session() as s:
        said = service.my_tickets_text(s, "web:r12-7")
    assert "还没有投诉记录" in said and "工单号" in said


# ---- category of a typed-wrong keyword ----------------------------------------------------------


def test_a_typo_the_safety_net_knows_still_names_the_category():
    from assistant.tickets.classify import classify_category

    typed = classify_category("226栋的电题又坏了 关了我好几回了")
    assert typed.category == classify_category("226栋的电梯又坏了 关了我好几回了").category == "物业管理"
    assert "关键词：电梯" in typed.cues


def test_advice_for_an_addition_reads_the_ticket(db: Database):
    r = service.respond_to_emergency(db, text=GAS, sender_id="web:r12-8", settings=Settings())
    assert "不要开灯" in "".join(service.advice_for_addition(db, r.ticket_id, "我能开灯找一下阀门不"))
    assert service.advice_for_addition(db, r.ticket_id, "转人工") == []
    assert service.advice_for_addition(db, None, "我能开灯找一下阀门不") == []


def test_a_first_report_of_bleeding_is_told_to_press_after_the_number():
    from assistant.tickets.emergency import emergency_advice

    lines = emergency_advice("孩子手被菜刀划了个大口子 血止不住")
    assert "120" in lines[0] and "按压" in lines[1], lines
    fire = emergency_advice("厨房着火 我手烫伤了")
    assert "119" in fire[0] and "湿毛巾" in fire[1] and any("凉水" in line for line in fire[2:]), fire
    assert emergency_advice("楼道里着火了")[0].startswith("着火了")


async def test_a_yes_again_right_after_filing_heard_as_progress_says_it_is_filed(app_env: Database, clock):
    from actions.tickets import ActionCheckTicket

    filed = service.file_ticket(
        app_env, description="64号楼旁边那个垃圾站臭死了", sender_id="web:r12-9", now=clock.now()
    )
    slots = {"ticket_followup": f"contact|{filed.ticket.id}|{int(clock.now().timestamp())}"}
    messages, after, _ = await run(
        ActionCheckTicket(), tracker("要的，帮我报上去", "check_ticket", slots, sender="web:r12-9")
    )
    assert f"工单号 {filed.ticket.id}" in joined(messages), messages
    assert after["ticket_followup"].startswith("contact|")


@pytest.mark.parametrize("text", ["门把手烫得不得了", "门缝里一直进烟"])
def test_a_hot_door_in_a_fire_stays_shut(text):
    lines = follow_up_advice(text, "阿拉楼道里厢烟老大额，好像着火了")
    assert "不要开门" in lines[0] and not any("往烟少的方向撤" in line for line in lines), lines
