"""Review 13 (items 16-18): at a yes/no question a hedge (好，我再想想吧) or a new topic
(对了，…) is no yes with a question after it; a request still waiting for its offer is not
sent on a yes that answers the butler's yes/no question; a booking verb counts only as a
verb (订单号, 你约的是几点, 约不上怎么办 are no booking). Own sentences; the dialogue is a
stand-in that records what reached it, the memory a real migrated database."""

from __future__ import annotations

import pytest

from assistant.conversation import store
from assistant.conversation.choices import options_from_reply
from assistant.conversation.offers import asked_before_offer
from assistant.dialogue import Button, Reply
from tests.conversation.test_offer_answers import SENDER, Dialogue, say

HEDGES = [
    "好，我再想想吧",
    "嗯，我考虑一下吧",
    "行，我问问我女儿吧",
    "对，等我儿子回来再说吧",
    "好的，我还没想好呢",
    "对了，你们几点下班",
]

HAND_OFF = Reply(text="这个我帮您转给工作人员，好吗？", buttons=[Button("好的", "/affirm"), Button("不用", "/deny")])
READ_BACK = Reply(text="您要预约12月1日（周二）上午8点半在社区服务中心的体检，联系电话139****5678，对吗？",
                  buttons=[Button("对", "/affirm"), Button("不对", "/deny")])


def _at(db, clock, reply, pending=None):
    pairs = [(b.title, b.payload) for b in reply.buttons]
    store.save(db, SENDER, store.Memory(options=options_from_reply(reply.text, pairs), shown_at=clock.now(),
                                        last=[store.Said(reply.text, pairs)], last_at=clock.now(),
                                        pending=pending))


# --- 16. a hedge at any yes/no question -----------------------------------------------------------

@pytest.mark.parametrize("said", HEDGES)
@pytest.mark.parametrize("question", [HAND_OFF, READ_BACK])
def test_a_hedge_at_a_yes_no_question_sends_no_yes(db, clock, said, question):
    _at(db, clock, question)
    dialogue = Dialogue({})
    say(dialogue, db, said)
    assert "/affirm" not in dialogue.sent
    # At the booking read-back a hedge is its no, the words kept for the read-back's answer
    # (round 20: the classifier may hear a goodbye in 先这样吧…); elsewhere the words go as said.
    from assistant.booking.conversation import hedges

    expected = ["/deny"] if question is READ_BACK and hedges(said) else [said]
    assert dialogue.sent == expected


@pytest.mark.parametrize(("said", "question"), [("好的，几点能打过来", "几点能打过来"),
                                                ("好，要不要先留个电话", "要不要先留个电话")])
def test_a_yes_then_a_marked_question_at_a_yes_no_question(db, clock, said, question):
    _at(db, clock, HAND_OFF)
    dialogue = Dialogue({})
    say(dialogue, db, said)
    assert dialogue.sent == ["/affirm", question]


# --- 17. a request waiting for its offer, at a read-back -----------------------------------------

COMPLAINT = "3号楼楼道的灯坏了好几天了"


@pytest.mark.parametrize("said", ["对，记上吧", "好的，登记一下", "好的你帮我报上去"])
def test_a_yes_at_the_read_back_is_the_read_backs_not_the_waiting_complaints(db, clock, said):
    _at(db, clock, READ_BACK, store.Pending(COMPLAINT, "file_complaint", clock.now()))
    dialogue = Dialogue({"灯": "file_complaint"})
    say(dialogue, db, said)
    assert COMPLAINT not in " ".join(dialogue.sent)
    assert store.load(db, SENDER).pending is not None  # still offered after the booking


@pytest.mark.parametrize("said", ["对，记上吧", "好的，登记一下"])
def test_without_a_yes_no_question_the_waiting_complaint_is_filed(db, clock, said):
    _at(db, clock, Reply(text="开放时间是早上8点到晚上8点。", buttons=[]),
        store.Pending(COMPLAINT, "file_complaint", clock.now()))
    dialogue = Dialogue({"灯": "file_complaint"})
    say(dialogue, db, said)
    assert dialogue.sent == [COMPLAINT]


# --- 18. a booking verb is a verb ----------------------------------------------------------------

WAITING = "帮我约个保洁"


@pytest.mark.parametrize("said", ["你约的是几点", "订单号是多少", "约不上怎么办", "预约单在哪看", "约好了没有"])
def test_no_booking_verb_there(clock, said):
    assert asked_before_offer(said, store.Pending(WAITING, "book_service", clock.now())) is None


@pytest.mark.parametrize(("said", "sent"), [
    ("帮我约明天下午两点", "帮我约个保洁，明天下午两点"),
    ("好，约 周三上午", "帮我约个保洁，周三上午"),
    ("那就订吧", "帮我约个保洁"),
    ("约", "帮我约个保洁"),
])
def test_a_booking_verb_with_a_value_or_nothing_after_it(clock, said, sent):
    assert asked_before_offer(said, store.Pending(WAITING, "book_service", clock.now())) == sent


# --- a change of time right after a booking, the classifier unsure ------------------------------

class Unsure(Dialogue):
    """A stand-in whose classifier gives one intent at one confidence to every message."""

    def __init__(self, name: str, confidence: float):
        super().__init__({})
        self.name, self.confidence = name, confidence

    async def parse(self, text):
        return {"intent": {"name": self.name, "confidence": self.confidence}}


BOOKED = Reply(text="预约好了！预约号YY202611290007。12月1日（周二）上午9点半上门维修。")


def _booked(db, clock):
    store.save(db, SENDER, store.Memory(last=[store.Said(BOOKED.text, [])], last_at=clock.now()))


@pytest.mark.parametrize(("said", "time"), [
    ("换个时间，改成下午两点半", "下午两点半"),
    ("能不能调到后天上午十点", "后天上午十点"),
    ("改个时间吧，挪到周四下午三点", "周四下午三点"),
])
def test_a_move_right_after_a_booking_goes_to_the_reschedule(db, clock, said, time):
    import json

    _booked(db, clock)
    dialogue = Unsure("nlu_fallback", 0.55)
    say(dialogue, db, said)
    assert len(dialogue.sent) == 1 and dialogue.sent[0].startswith("/reschedule_booking")
    assert json.loads(dialogue.sent[0].removeprefix("/reschedule_booking")) == {
        "booking_id": "YY202611290007", "time": time}


@pytest.mark.parametrize("said", ["换个时间吧", "改成下午两点半的话要加钱吗", "改天再说", "不约了，取消吧，改到下午也不行"])
def test_no_move_without_a_time_or_with_a_cancel(db, clock, said):
    _booked(db, clock)
    dialogue = Unsure("nlu_fallback", 0.4)
    say(dialogue, db, said)
    assert not any(s.startswith("/reschedule_booking") for s in dialogue.sent)


def test_a_confident_classifier_keeps_the_words(db, clock):
    _booked(db, clock)
    dialogue = Unsure("book_service", 0.93)
    say(dialogue, db, "换个时间，改成下午两点半")
    assert dialogue.sent == ["换个时间，改成下午两点半"]


def test_no_move_without_a_booking_just_made(db, clock):
    dialogue = Unsure("nlu_fallback", 0.4)
    say(dialogue, db, "换个时间，改成下午两点半")
    assert dialogue.sent == ["换个时间，改成下午两点半"]


# --- should: a yes word that only acknowledges, then a no or a later, at an offer ----------------

@pytest.mark.parametrize("said", ["对，不过先不用", "好的，等会再说", "好，我再想想吧", "行，但是暂时不约", "嗯，先不用了吧"])
def test_an_acknowledged_no_at_an_offer_declines_it(db, clock, said):
    from assistant.conversation.offers import DECLINED_TEXT

    store.save(db, SENDER, store.Memory(pending=store.Pending(WAITING, "book_service", clock.now(), offered=True)))
    dialogue = Dialogue({"保洁": "book_service"})
    replies = say(dialogue, db, said)
    assert dialogue.sent == []
    assert replies[0].text == DECLINED_TEXT


@pytest.mark.parametrize(("said", "sent"), [("好的，后天下午两点", "帮我约个保洁，后天下午两点"),
                                            ("好的，帮我约上", WAITING)])
def test_a_yes_with_details_at_an_offer_still_takes_it(db, clock, said, sent):
    store.save(db, SENDER, store.Memory(pending=store.Pending(WAITING, "book_service", clock.now(), offered=True)))
    dialogue = Dialogue({"保洁": "book_service"})
    say(dialogue, db, said)
    assert dialogue.sent == [sent]
