"""Round 22 review, conversation fixer B's MUSTs: an errand the butler cannot run is the
resident's ride or a bill paid for them, never a vehicle sent for a job, a car plate or a
question about a bill (MUST 7); harm said after an emergency of another kind is its casualty
wherever it lies, not another emergency, unless said as a new matter with nothing tying it to the
first (MUST 8). New wordings (and the reviewer's own), both ways."""

from __future__ import annotations

import pytest

from assistant.conversation.errands import errand_said
from assistant.db import Database
from assistant.settings import Settings
from assistant.tickets import service
from tests.conversation._helpers import WordDialogue, converse_once

# --- MUST 7: a ride or a bill paid for the resident, nothing else ---------------------------------


@pytest.mark.parametrize("said", [
    # the reviewer's
    "你们能派车来拉垃圾吗", "你帮我派个车把楼下的僵尸车拖走", "麻烦你打个车牌号查一下是谁的车",
    "帮我问问物业费能不能缓交", "帮我查下电费交了没", "帮忙交一下物业费的发票开一下",
    # new
    "麻烦你们派辆车把院里砍下来的树枝运走", "你帮我叫个车来收一下旧沙发", "帮我约个车把坏掉的电动车拖去修",
    "你帮我看一下这个月水费交上没有", "帮我打听下暖气费能不能晚点交", "替我核对一下燃气费是不是多收了",
    "麻烦你把物业费的收据补开一张", "帮我查查网费欠了多少",
])
def test_a_vehicle_for_a_job_a_plate_or_a_question_about_a_bill_is_no_errand(said: str) -> None:
    assert errand_said(said) is None


@pytest.mark.parametrize("said", [
    "帮我叫个车 送我老伴去医院", "你给俺打个车到高铁站", "麻烦你们派个车来接我去复查", "你能不能帮我喊辆出租",
    "帮我叫个车拉我去医院",
])
def test_the_residents_ride_is_still_refused_plainly(said: str) -> None:
    answer = errand_said(said)
    assert answer is not None and "叫车" in answer


@pytest.mark.parametrize(("said", "bill"), [
    ("你替我把燃气费缴上吧", "燃气费"), ("能不能帮我把宽带费续一下", "宽带费"), ("麻烦你把这季度的暖气费交一下", "暖气费"),
])
def test_a_bill_paid_for_the_resident_is_still_refused_plainly(said: str, bill: str) -> None:
    answer = errand_said(said)
    assert answer is not None and bill in answer


def test_a_vehicle_asked_for_a_job_reaches_the_dialogue(db: Database) -> None:
    dialogue = WordDialogue({"车": "report_issue"})
    converse_once(dialogue, db, "web:rv22b1", "你们能不能派个车把单元门口的建筑垃圾拉走")
    assert dialogue.sent == ["你们能不能派个车把单元门口的建筑垃圾拉走"]


# --- MUST 8: the first emergency's casualty joins it ------------------------------------------------


@pytest.mark.parametrize(("first", "known", "then", "place"), [
    # the reviewer's
    ("有人在2号楼拿刀砍人", "2号楼", "被砍的人倒在4号楼门口了 一直流血", "4号楼门口"),
    ("3号楼厨房着火了", "3号楼", "楼下有个老人被烟呛晕了 在5号楼那边", "5号楼"),
    ("3号楼厨房着火了", "3号楼", "我爸从5号楼跑出来的时候摔倒了 起不来", "5号楼"),
    # new
    ("2401号楼有个男的拿着刀到处追人", "2401号楼", "受伤的那个大姐倒在2405号楼楼道里了 流了好多血", "2405号楼"),
    ("2410号楼地下室起火了", "2410号楼", "对面2412号楼有个老太太被熏得直咳嗽 喘不上气", "2412号楼"),
    ("2420号楼楼道里冒火了", "2420号楼", "我婆婆逃出来的时候在2422号楼门口崴了脚 动不了", "2422号楼"),
])
def test_harm_after_another_kind_is_the_first_ones_casualty(first: str, known: str, then: str, place: str) -> None:
    assert not service.another_emergency(first, known, then, place)
    assert service.casualty_elsewhere(first, known, then, place)


@pytest.mark.parametrize(("first", "known", "then", "place"), [
    ("3号楼厨房着火了", "3号楼", "还有 对面5号楼有人拿刀打架", "对面5号楼"),  # the reviewer's
    ("2430号楼楼道着火了", "2430号楼", "另外 2436号楼有个老爷子在家摔了 头磕破了", "2436号楼"),
    ("2440号楼有人持刀闹事", "2440号楼", "2444号楼地库冒烟了 好像烧起来了", "2444号楼"),
])
def test_another_emergency_said_as_a_new_matter_or_of_a_kind_no_harm_is_stays_its_own(
    first: str, known: str, then: str, place: str
) -> None:
    assert service.another_emergency(first, known, then, place)
    assert not service.casualty_elsewhere(first, known, then, place)


def test_a_casualty_at_another_building_joins_and_the_ticket_keeps_its_place(db: Database) -> None:
    first = service.respond_to_emergency(db, text="2450号楼2单元有人拿刀砍人", sender_id="web:rv22b2", settings=Settings())
    then = service.respond_to_emergency(
        db, text="被砍的小伙子跑到2456号楼门口倒下了 血止不住", sender_id="web:rv22b2", settings=Settings()
    )
    assert first.ticket_id == then.ticket_id
    with db.session() as s:
        ticket = service.get_ticket(s, first.ticket_id)
        assert "2450" in (ticket.address or "") and "2456号楼门口" in ticket.description
