"""One message through ``converse`` with a real SQLite memory and a real
DialogueClient whose Rasa is down (a real state, no stand-in): what the gateway
answers by itself, and that the memory never costs a resident an answer."""

from __future__ import annotations

import socket

import anyio
import pytest

from assistant.conversation import converse, store
from assistant.conversation.choices import options_from_reply
from assistant.conversation.commands import NOT_A_COMMAND_TEXT
from assistant.db import Database
from assistant.dialogue import DialogueClient
from assistant.settings import Settings

from .test_choices import SERVICE_BUTTONS


@pytest.fixture
def client(tmp_path):
    with socket.socket() as sock:  # a port nobody listens on: Rasa is down
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = Settings(data_dir=tmp_path / "var", rasa_url=f"http://127.0.0.1:{port}", rasa_timeout=2)
    yield DialogueClient(settings)


def say(client, db, text, sender="web:t"):
    return anyio.run(lambda: converse(client, sender, text, None, db=db))


def test_a_typed_intent_is_answered_by_the_gateway_and_keeps_the_list(client, db, clock):
    store.save(db, "web:t", store.Memory(options=options_from_reply("", SERVICE_BUTTONS), shown_at=clock.now()))
    [reply] = say(client, db, "/emergency")
    assert reply.text == NOT_A_COMMAND_TEXT and not reply.custom
    assert store.load(db, "web:t").options  # the list still stands


def test_an_ordinal_past_the_end_is_answered_with_the_choices(client, db, clock):
    store.save(db, "web:t", store.Memory(options=options_from_reply("", SERVICE_BUTTONS[:3]), shown_at=clock.now()))
    [reply] = say(client, db, "第五个")
    assert "只有3个" in reply.text and [b.title for b in reply.buttons] == ["上门理发", "助餐", "保洁"]


def test_with_the_dialogue_down_a_choice_still_gets_the_degraded_answer(client, db, clock):
    store.save(db, "web:t", store.Memory(options=options_from_reply("", SERVICE_BUTTONS), shown_at=clock.now()))
    [reply] = say(client, db, "第一个")
    assert "社区电话" in reply.text
    assert store.load(db, "web:t").options == []  # the answer had no buttons: nothing to choose from now


def test_a_declined_offer_is_answered_by_the_gateway(client, db, clock):
    store.save(db, "web:t", store.Memory(pending=store.Pending("约个维修", "book_service", clock.now(), offered=True)))
    [reply] = say(client, db, "不用了")
    assert "先不办了" in reply.text
    assert store.load(db, "web:t").pending is None


def test_a_memory_that_cannot_be_read_costs_no_answer(client, tmp_path):
    unmigrated = Database(f"sqlite:///{tmp_path / 'empty.db'}")  # no conversation_memory table
    try:
        [reply] = say(client, unmigrated, "第一个")
        assert "社区电话" in reply.text
    finally:
        unmigrated.dispose()


@pytest.mark.parametrize(("said", "sent"), [
    ("好的", "再帮我约个理发"),
    ("/affirm", "再帮我约个理发"),
    ("好的 后天下午两点 地址14号楼2单元601", "再帮我约个理发，后天下午两点 地址14号楼2单元601"),
    ("行，明天上午十点", "再帮我约个理发，明天上午十点"),
    ("不用了", None),
    ("后天下午两点", None),       # no yes word: converse reads it as a value that answers (test_offers_round7)
])
def test_an_offer_taken_with_its_details(said, sent):
    from assistant.conversation.offers import taken_offer
    assert taken_offer(said, "再帮我约个理发") == sent


class _Recording(DialogueClient):
    """The real client (Rasa down) that also keeps what the gateway passed on: the
    test is about the text the dialogue engine gets, which only Rasa itself would see."""

    def __init__(self, settings):
        super().__init__(settings)
        self.sent: list[str] = []

    async def deliver_or_degrade(self, sender, text, metadata=None):
        self.sent.append(text)
        return await super().deliver_or_degrade(sender, text, metadata)


@pytest.mark.parametrize(("said", "sent"), [
    ("不用转人工，你帮我约个理发就行", "你帮我约个理发就行"),
    ("别转人工了，明天下午三点", "明天下午三点"),
    ("不用转人工", "不用了"),
    ("帮我转人工", "帮我转人工"),  # a hand-off asked for goes on as said
])
def test_a_declined_hand_off_is_not_passed_on(client, db, clock, said, sent):
    recording = _Recording(client.settings)
    anyio.run(lambda: converse(recording, "web:t", said, None, db=db))
    assert recording.sent == [sent]


def test_the_number_after_the_hand_off_question_goes_on_the_hand_off(client, db, clock):
    from assistant.conversation.commands import handoff_phone_question
    from assistant.residents.service import handoff_phone, list_handoffs

    asked = handoff_phone_question("好的，给您转人工。", "021-12345678", "工作日 8:30-17:30")
    store.save(db, "web:h1", store.Memory(last=[store.Said(asked, [])], last_at=clock.now()))
    [reply] = say(client, db, "13812348035", sender="web:h1")
    assert "尾号8035" in reply.text and "工作人员" in reply.text
    with db.session() as session:
        assert handoff_phone(session, "web:h1") == "13812348035"
        [(handoff, resident)] = list_handoffs(session)
        assert resident.sender_id == "web:h1"
    # 不留 gets the community's phone; anything else goes on as said (here: Rasa is down).
    store.save(db, "web:h2", store.Memory(last=[store.Said(asked, [])], last_at=clock.now()))
    [reply] = say(client, db, "不用了", sender="web:h2")
    assert "不留也行" in reply.text and "021-12345678" in reply.text
    store.save(db, "web:h3", store.Memory(last=[store.Said(asked, [])], last_at=clock.now()))
    [reply] = say(client, db, "路灯坏了", sender="web:h3")
    assert "尾号" not in reply.text and "不留也行" not in reply.text


def test_a_phone_without_the_hand_off_question_is_not_taken_for_it(client, db, clock):
    store.save(db, "web:h4", store.Memory(last=[store.Said("请留一个联系电话，11位手机号。", [])], last_at=clock.now()))
    [reply] = say(client, db, "13812348035", sender="web:h4")
    assert "号码记下了" not in reply.text


def test_a_no_with_a_reason_or_a_later_time_declines_the_offer():
    from assistant.conversation.offers import LATER_RE, NO_RE

    for said in ("先不约了 电梯修好再说", "等我闺女回来再说吧", "不用了，以后再说", "算了 改天吧", "先不了，下次吧"):
        assert LATER_RE.match(said), said
    assert NO_RE.match("先不约") and NO_RE.match("暂时不约了")
    for said in ("好的 明天再约", "等一下", "约吧 明天上午", "明天再说一遍"):
        assert not LATER_RE.match(said), said


def test_a_number_asked_by_the_ticket_and_the_hand_off_at_once_goes_to_both(client, db, clock):
    """井盖松了…弄好了给我回个电话: the ticket asked for the phone and the hand-off asked again
    in the same turn: the number is on the hand-off and goes on to the dialogue for the ticket
    (here Rasa is down, so the degraded answer comes instead of the hand-off's own)."""
    from assistant.conversation.commands import handoff_phone_question
    from assistant.residents.service import handoff_phone
    from assistant.tickets.service import CONTACT_INVITATION

    filed = f"已为您登记，工单号 GD202612060012。{CONTACT_INVITATION}"
    asked = handoff_phone_question("好的，给您转人工。", "021-12345678", "工作日 8:30-17:30")
    store.save(db, "web:h5", store.Memory(last=[store.Said(filed, []), store.Said(asked, [])], last_at=clock.now()))
    replies = say(client, db, "13812342947", sender="web:h5")
    assert not any("号码记下了" in r.text for r in replies)  # not answered by the hand-off alone
    with db.session() as session:
        assert handoff_phone(session, "web:h5") == "13812342947"
