"""Round 18 (issue #11, blind14 read): conversations that never trap a resident.

A booking said as its values alone (service, day and clock, address, phone) is a booking,
even when the classifier hears a report in the service word or the phone seems to answer
the ticket just filed. Own wording; the dialogue is a stand-in recording what reached it."""

from __future__ import annotations

import anyio
import pytest

from assistant.booking.conversation import booking_line
from assistant.conversation import converse, store
from assistant.dialogue import Reply

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


class FormDialogue:
    """A booking form starts on /book_service; the classifier's intents by word."""

    def __init__(self, intents: dict[str, str], loop: str | None = None):
        self.intents, self.loop = intents, loop
        self.sent: list[str] = []

    async def active_loop(self, sender):
        return self.loop

    async def parse(self, text):
        name = next((intent for word, intent in self.intents.items() if word in text), "nlu_fallback")
        return {"intent": {"name": name, "confidence": 0.9}}

    async def deliver_or_degrade(self, sender, text, metadata=None):
        self.sent.append(text)
        if text.startswith("/book_service"):
            self.loop = "booking_form"
            return [Reply(text="您想约哪天几点？")]
        return [Reply(text="您要预约……对吗？")]


def say(dialogue, db, text):
    return anyio.run(lambda: converse(dialogue, SENDER, text, None, db=db))


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
