"""Round 18 (issue #11, blind14 read): conversations that never trap a resident.

A booking said as its values alone (service, day and clock, address, phone) is a booking,
even when the classifier hears a report in the service word or the phone seems to answer
the ticket just filed; a booking to cancel is named by its time. Own wording; the dialogue is a stand-in recording what reached it."""

from __future__ import annotations

from datetime import datetime

import pytest

from assistant.booking.conversation import booking_line, cancel_by_time
from assistant.booking.service import book
from assistant.conversation import store
from assistant.conversation.choices import Option
from assistant.conversation.reports import TICKET_PHONE_ASK
from assistant.dialogue import Reply
from assistant.tickets.intake import corrects_place
from tests.conversation._helpers import WordDialogue, converse_once

SENDER = "web:round18"


@pytest.mark.parametrize(
    ("said", "service"),
    [
        ("维修 后天 上午九点半 5号楼1单元302 13912345678", "维修"),
        ("我要剪头 后天 下午两点半", "理发"),
        ("那我自己约个助浴 周三 下午三点 17栋 二单元 一零一", "助浴"),
        ("保洁，后天上午十点，住9号楼3单元201，139 1234 5678", "保洁"),
        ("后天下午四点 理发 13912345678", "理发"),
        ("保洁 后天 上午十点 幸福小区6号楼", "保洁"),
    ],
)
def test_a_booking_said_as_its_values_is_a_booking(said, service):
    assert booking_line(said) == service


@pytest.mark.parametrize(
    "said",
    [
        "保洁 后天上午十点没来 9号楼",  # a complaint about a booking
        "保洁后天上午十点都没人来",
        "理发 后天 下午两点 多少钱",  # a question
        "保洁 后天 上午十点 还有空吗",
        "理发 后天下午两点 可以吗",
        "保洁 后天 上午十点 9号楼3单元201漏水了",  # a problem at the address
        "保洁 后天 上午十点 9号楼门口垃圾",
        "保洁阿姨 后天 上午十点 9号楼",  # the cleaner, a person
        "改保洁 后天 上午十点",  # a move
        "取消保洁 后天 上午十点",
        "保洁 后天 上午十点 不要了",
        "别约保洁 后天 下午三点",
        "保洁 后天",  # no clock: the form asks as before
        "保洁 后天 下午两点 12345",  # digits that are no phone
        "理发 后天 下午两点 路灯又坏了",  # another request besides
    ],
)
def test_anything_besides_the_values_is_not_a_booking_line(said):
    assert booking_line(said) is None


class FormDialogue(WordDialogue):
    """A booking form starts on /book_service; the classifier's intents by word."""

    answer = "您要预约……对吗？"


def say(dialogue, db, text):
    return converse_once(dialogue, db, SENDER, text)


LINE = "维修 后天 上午九点半 5号楼1单元302 13912345678"


@pytest.mark.parametrize("heard", ["file_complaint", "nlu_fallback"])
def test_a_booking_line_heard_as_something_else_starts_the_booking(db, clock, heard):
    dialogue = FormDialogue({"维修": heard})
    replies = say(dialogue, db, LINE)
    assert dialogue.sent == ['/book_service{"service_type": "维修"}', LINE]
    assert "对吗" in replies[-1].text


def test_a_booking_line_after_a_ticket_is_no_phone_for_the_ticket(db, clock):
    asked = "已为您登记，工单号 GD202612070001。想知道处理结果的话，留个手机号给我，我记到工单上；不留也可以，进度随时问我。"
    store.save(db, SENDER, store.Memory(last=[store.Said(asked, [])], last_at=clock.now()))
    dialogue = FormDialogue({"1391": "inform"})
    said = "另外我要剪头 后天 下午两点半 5号楼1单元302 13912345678"
    say(dialogue, db, said)
    assert dialogue.sent[0] == '/book_service{"service_type": "理发"}'


def test_a_booking_line_the_classifier_places_goes_on_as_said(db, clock):
    dialogue = FormDialogue({"维修": "book_service"})
    say(dialogue, db, LINE)
    assert dialogue.sent == [LINE]


def test_inside_a_form_the_values_are_its_answers(db, clock):
    dialogue = FormDialogue({}, loop="booking_form")
    say(dialogue, db, LINE)
    assert dialogue.sent == [LINE]


def test_a_complaint_at_a_booking_time_goes_on_as_said(db, clock):
    dialogue = FormDialogue({"保洁": "file_complaint"})
    said = "保洁 后天上午十点没来 9号楼"
    say(dialogue, db, said)
    assert dialogue.sent == [said]


# --- a booking to cancel named by its time --------------------------------------------------------

NOW18 = datetime(2026, 11, 29, 10, 0)


def _two_bookings(db):
    early = book(db, sender_id=SENDER, service="场地预约", starts_at=datetime(2026, 12, 1, 9), now=NOW18)
    late = book(db, sender_id=SENDER, service="场地预约", starts_at=datetime(2026, 12, 1, 15), now=NOW18)
    return early, late


@pytest.mark.parametrize("said", ["三点钟的场地帮我退掉", "把下午三点那个取消吧", "下午3点的场地退了", "三点钟那个 不约了"])
def test_the_booking_at_the_time_named_is_the_one_cancelled(db, said):
    _, late = _two_bookings(db)
    assert cancel_by_time(db, SENDER, said, NOW18) == f'/cancel_booking{{"booking_id": "{late.id}"}}'


@pytest.mark.parametrize("said", [
    "三点那个能不能不要了",  # a question
    "三点那个改到四点",  # a move
    "把五点钟的那个退掉",  # no booking then
    "把三点钟的那个退掉 再约个理发",  # another request
    "三点那个我先不取消",  # kept
    "下午三点楼下吵得要命 不要了",  # other words
])
def test_other_words_or_no_booking_at_that_time_stay(db, said):
    _two_bookings(db)
    assert cancel_by_time(db, SENDER, said, NOW18) is None


def test_two_bookings_at_that_time_are_not_guessed(db):
    book(db, sender_id=SENDER, service="场地预约", starts_at=datetime(2026, 12, 1, 15), now=NOW18)
    book(db, sender_id=SENDER, service="理发", starts_at=datetime(2026, 12, 2, 15), address="幸福路8号", now=NOW18)
    assert cancel_by_time(db, SENDER, "把三点钟的那个退掉", NOW18) is None
    assert cancel_by_time(db, SENDER, "把三点钟的理发退掉", NOW18) is not None


class CancelDialogue(FormDialogue):
    async def deliver_or_degrade(self, sender, text, metadata=None):
        self.sent.append(text)
        self.metadata = metadata
        return [Reply(text="要取消…吗？")]


def test_the_cancel_by_time_reaches_the_dialogue_as_its_payload(db, clock):
    clock.move_to(NOW18)
    _, late = _two_bookings(db)
    dialogue = CancelDialogue({})
    say(dialogue, db, "把三点钟的那个退掉")
    assert dialogue.sent == [f'/cancel_booking{{"booking_id": "{late.id}"}}']


def test_with_a_list_shown_the_time_is_about_the_list(db, clock):
    clock.move_to(NOW18)
    _two_bookings(db)
    store.save(db, SENDER, store.Memory(options=[Option("12月1日下午3点", "/inform")], shown_at=clock.now()))
    dialogue = CancelDialogue({})
    say(dialogue, db, "把三点钟的那个退掉")
    assert not dialogue.sent[0].startswith("/cancel_booking")


# --- the place of the ticket just filed, put right at its phone question ----------------------------

INVITED = f"已为您登记，工单号 GD202612070009。想知道处理结果的话，留个手机号给我，{TICKET_PHONE_ASK}；不留也可以。"
PLACE_FIXES = ["哦 说错了 换成南边那个", "勿对，是17号楼后门，勿是71号楼", "唔啱，系23座门口", "不对不对 应该是5号楼",
               "说错了是17号楼后门不是71号楼"]


@pytest.mark.parametrize("said", PLACE_FIXES)
def test_a_place_put_right_reads_as_such(said):
    assert corrects_place(said)


@pytest.mark.parametrize("said", ["不对 电话是13912345678", "不是这个问题 是楼上漏水", "不对 3号楼也有人乱停车",
                                  "17号楼后门", "好的谢谢", "不是 我说的是路灯"])
def test_other_words_are_no_place_put_right(said):
    assert not corrects_place(said)


@pytest.mark.parametrize("said", PLACE_FIXES[:3])
def test_at_the_tickets_phone_question_a_place_put_right_goes_to_the_ticket(db, clock, said):
    store.save(db, SENDER, store.Memory(last=[store.Said(INVITED, [])], last_at=clock.now()))
    dialogue = CancelDialogue({"换成": "cancel_booking"})
    say(dialogue, db, said)
    assert dialogue.sent == ["/inform"]
    assert dialogue.metadata["butler_words"] == said


def test_without_the_phone_question_a_place_put_right_goes_on_as_said(db, clock):
    store.save(db, SENDER, store.Memory(last=[store.Said("您要预约…对吗？", [])], last_at=clock.now()))
    dialogue = CancelDialogue({})
    say(dialogue, db, "勿对，是17号楼后门，勿是71号楼")
    assert dialogue.sent == ["勿对，是17号楼后门，勿是71号楼"]
