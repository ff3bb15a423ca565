"""Round 19 (conversation fixer B): more words on a report already made join that ticket.
补充一下… / 再加一句… was filed as a second ticket or heard as a booking; the same matter
told again by its own reporter was "已有居民反映过" about their own ticket (their own
emergency too). New wording, not the corpora's."""

from __future__ import annotations

from datetime import timedelta

import pytest

from assistant.db import Database
from assistant.tickets import intake, service
from tests.conversation._helpers import WordDialogue, converse_once


@pytest.mark.parametrize("text", [
    "补充一点 那个水是从楼上阳台流下来的",
    "我再多说一句 晚上十点以后他们还放音乐",
    "忘了告诉你 灯是单元门口那盏",
    "刚才漏说了 井盖旁边还有个坑",
    "麻烦捎句话给他们 早上六点就开始施工",
    "还有个情况 积水已经淹到车轮了",
])
def test_more_of_the_same_matter(text: str) -> None:
    assert intake.adds_to_report(text)


@pytest.mark.parametrize("text", [
    "补充一下 我们单元的电梯也坏了",  # another matter
    "还有一件事 门口垃圾没人收",
    "补充一下 我还想约个保洁",
    "楼下路灯不亮",  # no word of adding
    "加油",
])
def test_another_matter_or_no_word_of_adding(text: str) -> None:
    assert not intake.adds_to_report(text)


def _file(db: Database, clock, sender: str, description: str = "12号楼楼下的烧烤摊天天吵到半夜", address="12号楼"):
    return service.file_ticket(db, description=description, sender_id=sender, address=address,
                               now=clock.now() - timedelta(hours=2)).ticket.id


def test_the_detail_joins_the_residents_own_open_ticket(db: Database, clock) -> None:
    tid = _file(db, clock, "web:r19add1")
    said = "我再多说一句 晚上十点以后他们还放音乐"
    assert service.own_open_ticket(db, "web:r19add1", said, now=clock.now()) == tid
    told = service.add_detail(db, tid, sender_id="web:r19add1", text=said, now=clock.now())
    assert told and tid in told and "补充" in told
    with db.session() as session:
        ticket = service.get_ticket(session, tid)
        assert "放音乐" in ticket.description
        assert any(e.action == "补充" for e in ticket.events)


def test_nobody_adds_to_another_residents_ticket_or_a_handled_one(db: Database, clock) -> None:
    tid = _file(db, clock, "web:r19add2")
    assert service.own_open_ticket(db, "web:r19add3", "补充一点", now=clock.now()) is None
    assert service.add_detail(db, tid, sender_id="web:r19add3", text="补充一点 还有", now=clock.now()) is None
    for action, note in (("派单", None), ("开始处置", None), ("办结", "已劝离")):
        service.transition_ticket(db, tid, action, actor="staff:t", note=note, now=clock.now())
    assert service.own_open_ticket(db, "web:r19add2", "补充一点", now=clock.now()) is None
    assert service.add_detail(db, tid, sender_id="web:r19add2", text="补充一点 还有", now=clock.now()) is None


def test_the_same_matter_told_again_by_its_reporter_is_more_of_it(db: Database, clock) -> None:
    tid = _file(db, clock, "web:r19add4", "7号楼3单元楼道灯坏了", "7号楼3单元")
    again = service.file_ticket(db, description="7号楼3单元楼道的灯不亮 一到晚上黑漆漆", sender_id="web:r19add4",
                                address="7号楼3单元", now=clock.now())
    assert again.ticket.id == tid and not again.created
    assert "您已经反映过" in again.message and "已有居民反映" not in again.message
    with db.session() as session:
        ticket = service.get_ticket(session, tid)
        assert ticket.report_count == 1 and "黑漆漆" in ticket.description
    other = service.file_ticket(db, description="7号楼3单元楼道灯不亮", sender_id="web:r19add5",
                                address="7号楼3单元", now=clock.now())
    assert other.ticket.id == tid and "已有居民反映" in other.message


def test_a_plain_report_matching_the_residents_own_emergency_is_no_other_residents_report(db: Database, clock) -> None:
    emergency = service.file_ticket(db, description="8号楼地下室水管在滴水", sender_id="web:r19add6",
                                    address="8号楼地下室", force_urgency="emergency", now=clock.now())
    later = service.file_ticket(db, description="8号楼地下室的水管滴水 地上湿了一片", sender_id="web:r19add6",
                                address="8号楼地下室", now=clock.now() + timedelta(minutes=40))
    assert later.ticket.id == emergency.ticket.id and not later.created
    assert "您已经反映过" in later.message and "已有居民反映" not in later.message


def _recorder(loop: str | None = None) -> WordDialogue:
    """The dialogue hears a complaint in everything and answers as one filed."""
    dialogue = WordDialogue({"": "file_complaint"}, loop=loop)
    dialogue.answer = "已为您登记，工单号 GD000000000000。"
    return dialogue


def test_the_chat_joins_the_words_to_the_ticket_without_a_second_report(db: Database, clock) -> None:
    tid = _file(db, clock, "web:r19add7")
    dialogue = _recorder()
    replies = converse_once(dialogue, db, "web:r19add7", "忘了告诉你 他们还在人行道上摆桌子")
    assert dialogue.sent == [] and tid in replies[0].text
    with db.session() as session:
        assert "摆桌子" in service.get_ticket(session, tid).description


def test_inside_a_form_or_with_no_open_ticket_the_words_go_as_said(db: Database, clock) -> None:
    _file(db, clock, "web:r19add8")
    dialogue = _recorder(loop="complaint_form")
    converse_once(dialogue, db, "web:r19add8", "补充一点 是东边那个摊子")
    assert dialogue.sent == ["补充一点 是东边那个摊子"]
    dialogue = _recorder()
    converse_once(dialogue, db, "web:r19add9", "补充一点 是东边那个摊子")
    assert dialogue.sent == ["补充一点 是东边那个摊子"]


def test_right_after_filing_at_the_phone_question_the_words_still_join_the_ticket(db: Database, clock) -> None:
    """The phone question's 不留电话 button is no list the words choose from."""
    from assistant.conversation import store
    from assistant.conversation.choices import options_from_reply
    tid = _file(db, clock, "web:r19add10")
    asked = f"已为您登记，工单号 {tid}。想知道处理结果的话，留个手机号给我，我记到工单上。"
    store.save(db, "web:r19add10", store.Memory(
        options=options_from_reply(asked, [("不留电话", "/deny")]), shown_at=clock.now(),
        last=[store.Said(asked, [("不留电话", "/deny")])], last_at=clock.now()))
    dialogue = _recorder()
    replies = converse_once(dialogue, db, "web:r19add10", "补充一点 烧烤摊的烟也往我家窗户里灌")
    assert dialogue.sent == [] and tid in replies[0].text
