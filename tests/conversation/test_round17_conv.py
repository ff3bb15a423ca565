"""Round 17 (issue #11) in the conversation layer: a booking picked from the cancel list
in words, a choice with the reason said after it, a yes said as "just so", and a
correction at the booking read-back sent to the read-back whatever the classifier hears.
New wording throughout."""

from __future__ import annotations

import pytest

from assistant.conversation import store
from assistant.conversation.choices import Picked, options_from_reply, plain_yes, resolve_choice
from assistant.conversation.bookings import corrects_readback as _corrects_readback

CANCEL_LIST = options_from_reply(
    "您有2个预约：体检，12月1日（周二）上午9点；理发，12月2日（周三）上午9点。是哪一个？",
    [("YY202611290001 体检 12月1日（周二）09:00", '/cancel_booking{"booking_id": "YY202611290001"}'),
     ("YY202611290002 理发 12月2日（周三）09:00", '/cancel_booking{"booking_id": "YY202611290002"}')],
)
TIMES = options_from_reply("可以约的时间有：", [
    (title, f'/inform{{"time": "{iso}"}}') for title, iso in (
        ("12月1日（周二）上午9点", "2026-12-01T09:00"),
        ("12月1日（周二）上午10点", "2026-12-01T10:00"),
        ("12月1日（周二）下午2点", "2026-12-01T14:00"),
    )
])


def _title(result) -> str | None:
    return result.option.title if isinstance(result, Picked) else None


@pytest.mark.parametrize(("text", "picked"), [
    ("体检那个取消掉", "YY202611290001 体检 12月1日（周二）09:00"),
    ("剪头的那个不要了", "YY202611290002 理发 12月2日（周三）09:00"),  # an everyday name of the service
    ("两个都不要了", None),
    ("体检那个能改到下午吗", None),
])
def test_a_booking_named_on_the_cancel_list(text, picked):
    assert _title(resolve_choice(text, CANCEL_LIST)) == picked


@pytest.mark.parametrize(("text", "picked"), [
    ("最后一个吧 上午我要去医院", "12月1日（周二）下午2点"),  # the reason: busy in the morning
    ("第一个，下午有事", "12月1日（周二）上午9点"),
    ("最后一个，下午我得去接孩子", None),  # busy when the last one is: no choice
    ("最后一个 上午的", None),  # a part of the day that disagrees
])
def test_an_ordinal_with_the_reason_said_after_it(text, picked):
    assert _title(resolve_choice(text, TIMES)) == picked


@pytest.mark.parametrize("text", ["行，就这", "系，就咁啦", "好 就这样吧"])
def test_just_so_is_a_plain_yes(text):
    assert plain_yes(text)


READBACK = store.Said("您要预约12月1日（周二）上午9点的上门维修，地址8号楼1单元101，联系电话139****5638，免费，对吗？",
                      [("对", "/affirm"), ("不对", "/deny")])


@pytest.mark.parametrize(("text", "sent"), [
    ("哎呀搞错了，楼号说反了，是18号楼，别的不变", True),
    ("电话尾号应该是5683", True),
    ("不对", False),  # which one is asked by the read-back itself
    ("不约了，是我搞错了", False),  # leaving
    ("时间不对吗", False),  # a question
])
def test_a_correction_at_the_readback_goes_to_the_readback(text, sent):
    assert _corrects_readback(text, [READBACK]) is sent


def test_only_at_the_readback():
    other = store.Said("已为您登记，工单号 GD202611290001。", [])
    assert not _corrects_readback("不对，是18号楼", [other])


def test_asking_whether_the_offered_report_was_filed_too_files_it(db, clock):
    """那个井盖的也给我记上了吧 while that report is still offered: it was not, so it is filed now,
    and the resident hears that it was not yet."""
    import anyio

    from assistant.conversation import converse
    from tests.conversation.test_offer_answers import Dialogue

    offered = "18号楼后面那个下水道井盖松了，踩上去晃"
    store.save(db, "web:r17", store.Memory(pending=store.Pending(offered, "file_complaint", clock.now(),
                                                                 offered=True)))
    dialogue = Dialogue({"井盖": "file_complaint"})
    replies = anyio.run(lambda: converse(dialogue, "web:r17", "那个井盖的也给我记上了吧？", None, db=db))
    assert dialogue.sent and "井盖" in dialogue.sent[0]
    assert "还没办" in replies[0].text and "井盖" in replies[0].text
    assert store.load(db, "web:r17").pending is None


def test_two_matters_said_to_be_two_are_both_filed_the_second_where_the_first_is(db, clock):
    """门口天天放音箱唱歌…还有人把电动车堵在楼梯口，这两件事都给你说一下: the resident says
    there are two matters, as counting them out does: both are filed at once, the second
    (which names no place) at the first one's building."""
    import anyio

    from assistant.conversation import converse
    from tests.conversation.test_offer_answers import Dialogue

    dialogue = Dialogue({"音箱": "file_complaint", "电动车": "file_complaint"})
    said = "812栋门口天天晚上有人放音箱唱歌，吵得睡不着，还有人把电动车堵在楼梯口，这两件事都给你说一下"
    anyio.run(lambda: converse(dialogue, "web:r17b", said, None, db=db))
    assert len(dialogue.sent) == 2
    assert "音箱" in dialogue.sent[0] and "电动车" not in dialogue.sent[0]
    assert "电动车" in dialogue.sent[1] and "812栋" in dialogue.sent[1] and "两件事" not in dialogue.sent[1]


def test_one_matter_with_more_said_about_it_is_not_split(db, clock):
    import anyio

    from assistant.conversation import converse
    from tests.conversation.test_offer_answers import Dialogue

    dialogue = Dialogue({"漏水": "file_complaint"})
    anyio.run(lambda: converse(dialogue, "web:r17c", "813栋楼上漏水，还有一股霉味，就这一件事", None, db=db))
    assert len(dialogue.sent) == 1


def test_worded_intents_have_one_place():
    from assistant.conversation.worded_intents import worded_intent as _worded_intent

    at_readback = store.Memory(last=[READBACK])
    assert _worded_intent("哎呀搞错了，楼号说反了，是18号楼，别的不变", at_readback) == "/inform"
    elsewhere = store.Memory(last=[store.Said("好的。", [])])
    assert _worded_intent("把YY202611290001退掉吧", elsewhere) == '/cancel_booking{"booking_id": "YY202611290001"}'
    assert _worded_intent("是18号楼", elsewhere) is None


@pytest.mark.parametrize(("text", "sent"), [("嗯 取消吧", "/affirm"), ("是的 退掉", "/affirm"),
                                            ("先别取消", None), ("取消吗", None)])
def test_the_cancel_said_again_at_the_cancel_question_is_its_yes(text, sent):
    from assistant.conversation.worded_intents import worded_intent as _worded_intent

    asked = store.Said("要取消12月1日（周二）上午9点的体检（预约号YY202611290001）吗？", [("对", "/affirm"), ("不对", "/deny")])
    assert _worded_intent(text, store.Memory(last=[asked])) == sent
