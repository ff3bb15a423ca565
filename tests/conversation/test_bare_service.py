"""A message that is nothing but a service's everyday name (剪头, 洗澡吧) is a wish to
book it: the conversation helper sends Rasa the booking intent with the service, when
no form runs (blind4's elderly residents said 剪头 and 订饭 and heard 没听明白)."""

from __future__ import annotations

import anyio
import pytest

from assistant.booking.conversation import bare_service_request
from assistant.conversation import converse
from assistant.dialogue import DialogueUnavailable, Reply


@pytest.mark.parametrize(("text", "service"), [
    ("剪头", "理发"), ("约剪头", "理发"), ("剪头发……", "理发"), ("洗澡吧", "助浴"), ("那个吃饭的", "助餐"),
    ("约个保洁", "保洁"), ("体检吧", "体检"), ("维修", "维修"),
    ("理发多少钱", None), ("理发在哪", None), ("维修好了吗", None), ("楼道灯坏了", None),
    ("明天下午三点", None), ("13800001234", None), ("/book_service", None), ("", None),
])
def test_a_bare_service_name(text, service):
    assert bare_service_request(text) == service


class Dialogue:
    """Stands in for the DialogueClient: records what reaches Rasa (the real client is
    exercised by the e2e conversation tests; here only the helper's choice matters)."""

    def __init__(self, active_loop=None, down=False):
        self.sent: list[str] = []
        self.loop, self.down = active_loop, down

    async def active_loop(self, sender):
        if self.down:
            raise DialogueUnavailable("down")
        return self.loop

    async def parse(self, text):
        return {}

    async def deliver_or_degrade(self, sender, text, metadata=None):
        self.sent.append(text)
        return [Reply(text="您想约哪天几点？")]


def test_the_helper_asks_rasa_to_book_it_when_no_form_runs(db, clock):
    dialogue = Dialogue()
    anyio.run(lambda: converse(dialogue, "web:old", "剪头", None, db=db))
    assert dialogue.sent == ['/book_service{"service_type": "理发"}']


@pytest.mark.parametrize("dialogue", [Dialogue(active_loop="booking_form"), Dialogue(down=True)])
def test_inside_a_form_or_without_rasa_the_words_go_as_they_were_said(db, clock, dialogue):
    anyio.run(lambda: converse(dialogue, "web:old", "剪头", None, db=db))
    assert dialogue.sent == ["剪头"]
