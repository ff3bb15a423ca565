"""Round 12 review (tickets): bleeding denied or stopped gets no pressing of a wound; the
resident-facing wording reads naturally; 别联系我了 is no asking to be told; 小区门口 is a
place staff can find."""

from __future__ import annotations

import pytest

from actions.tickets import ActionEmergency, ActionTicketFollowup
from assistant.db import Database
from assistant.settings import Settings
from assistant.residents.service import remember_contact
from assistant.tickets import intake, service
from assistant.tickets.emergency import FOLLOW_UP_DETAILS, emergency_advice, follow_up_advice
from tests.tickets.test_followthrough_actions import followups, joined, run, tracker

PRESS = "用干净的毛巾或衣服用力按压伤口止血，不要松手，等救护车来。"
BLEEDING = dict((name, pattern) for name, pattern, _ in FOLLOW_UP_DETAILS)["bleeding"]


# ---- MUST 6: bleeding denied or stopped ----------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    ["我爸摔倒了，没流血，但是起不来", "血不流了", "血止住了没再流", "没有出血", "伤口不流血了", "伤口已经止住了", "不流血了"],
)
def test_bleeding_denied_or_stopped_is_not_bleeding(text):
    assert not BLEEDING.search(text)
    assert PRESS not in follow_up_advice(text)


def test_a_fall_without_bleeding_gets_no_pressing_advice():
    advice = emergency_advice("我爸摔倒了，没流血，但是起不来")
    assert PRESS not in advice
    assert any("120" in line for line in advice)


@pytest.mark.parametrize(
    "text", ["他流血了", "血止不住", "血还没止住", "血没停", "血不停地流", "流血不止", "伤口很深", "血还是哗哗的流"]
)
def test_still_bleeding_still_gets_pressure(text):
    assert BLEEDING.search(text)
    assert PRESS in follow_up_advice(text)


# ---- SHOULD 8: resident-facing wording -----------------------------------------------------------
def test_how_to_follow_reads_naturally():
    text = service.how_to_follow("GD20260101001")
    assert "想在有结果时收到通知" in text and "想有结果时接到通知" not in text


def test_no_record_here_says_if_it_was_filed_elsewhere(db: Database):
    with db.session() as session:
        text = service.my_tickets_text(session, "nobody-here")
    assert "如果之前是打电话或在别处报的" in text


# ---- SHOULD 6: asking not to be told -------------------------------------------------------------
@pytest.mark.parametrize("text", ["别联系我了", "不用通知我", "不要再打给我", "你们别给我打电话", "不用跟我说"])
def test_asking_not_to_be_told_is_not_asking(text):
    assert not service.asks_to_be_told(text)


@pytest.mark.parametrize("text", ["别忘了告诉我", "查完了跟我说一声", "不用了，有结果告诉我", "要是不行就通知我"])
def test_asking_to_be_told_still_is(text):
    assert service.asks_to_be_told(text)


# ---- SHOULD 7: the estate's own gate and car park ------------------------------------------------
@pytest.mark.parametrize("place", ["小区门口", "小区的门口", "小区大门口", "小区停车场", "小区门口那边"])
def test_the_estate_gate_and_car_park_are_findable(place):
    assert service.findable(place)


@pytest.mark.parametrize("place", ["门口", "小区车棚", "小区楼下", "单元门口", "停车场"])
def test_a_place_of_many_still_asks_which(place):
    assert not service.findable(place)
    assert "几号楼的" in service._where_exactly(place)


def test_a_fire_at_the_estate_gate_does_not_ask_which_building(db: Database):
    r = service.respond_to_emergency(
        db, text="小区门口电动车烧起来了 冒黑烟", sender_id="web:rv12-7", settings=Settings()
    )
    assert "119" in r.lines[0]
    assert not r.needs_location and not any("几号楼的门口" in line for line in r.lines), r.lines


# ---- SHOULD 5: the neighbour's home is read in assistant, not in the action ----------------------
def test_the_neighbour_place_reads_the_known_home(db: Database):
    with db.transaction() as s:
        remember_contact(s, "web:rv12-5", address="225栋2单元1101")
    assert intake.neighbour_place_for(lambda: db, "web:rv12-5", "就是我楼上1201那家") == "225栋2单元1201"
    assert intake.neighbour_place_for(lambda: db, "web:rv12-unknown", "就是我楼上1201那家") is None


def test_no_neighbour_named_opens_no_database():
    def never():
        raise AssertionError("the database is opened only for a neighbour")

    assert intake.neighbour_place_for(never, "web:rv12-5", "楼下路灯坏了") is None


def test_an_unreadable_record_means_asking_where():
    def broken():
        raise RuntimeError("database down")

    assert intake.neighbour_place_for(broken, "web:rv12-5", "就是我楼上1201那家") is None


# ---- a person asked for while the butler waits on "where?" ---------------------------------------
@pytest.mark.parametrize("text", ["转人工", "我要找真人", "给我找个工作人员"])
async def test_asking_for_a_person_while_asked_where_is_no_place(app_env: Database, text):
    sender = f"web:rv12-h{len(text)}"
    _, slots, _ = await run(ActionEmergency(), tracker("楼道里着火了", "emergency", sender=sender))
    messages, _, events = await run(ActionTicketFollowup(), tracker(text, "request_human", slots, sender=sender))
    assert "已记下位置" not in joined(messages)
    assert followups(events) == ["action_request_human"], (messages, events)


async def test_a_place_said_with_a_person_asked_for_is_the_place(app_env: Database):
    _, slots, _ = await run(ActionEmergency(), tracker("楼道里着火了", "emergency", sender="web:rv12-hp"))
    messages, _, _ = await run(
        ActionTicketFollowup(), tracker("在6号楼3单元 快叫人来", "request_human", slots, sender="web:rv12-hp")
    )
    assert joined(messages).startswith("已记下位置：6号楼3单元")
