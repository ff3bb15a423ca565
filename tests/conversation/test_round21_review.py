"""Round 21 review fixes (conversation): M1/M2 a wish to book refused in its clause, M4 a car
blocking the way is no stall. All wordings new, both ways."""

from __future__ import annotations

import pytest

from assistant.booking.conversation import wishes_to_book
from assistant.db import Database
from assistant.tickets import service

# --- M1/M2: 不用/别/甭/没必要 before the wish, 就算了 after it ------------------------------------


@pytest.mark.parametrize(
    "said",
    [
        "不用给我妈订一份 她自己会做",
        "你先不帮他约个了 他腿还没好",
        "甭再订一回了 太贵",
        "别再给俺约一个了",
        "用不着帮她订份",
        "后天再约一场就算了 太折腾",
        "不需要帮我预约一下",
    ],
)
def test_a_wish_said_with_a_no_is_a_refusal(said: str) -> None:
    assert not wishes_to_book(said)


@pytest.mark.parametrize(
    "said",
    [
        "不用了，帮我约一个明天的",
        "别忘了给我爸订一份",
        "那就给她约一个算了",
        "不用那么麻烦就帮我订一份",
        "礼拜五再订一场",
    ],
)
def test_a_wish_after_a_no_to_something_else_stays_a_wish(said: str) -> None:
    assert wishes_to_book(said)


# --- M4: 占道 alone is the commonest car report, a stall sells on the way ------------------------


def test_a_stall_and_a_car_blocking_the_way_are_told_apart(db: Database) -> None:
    from assistant.tickets.references import resolve_ticket_reference

    car = service.file_ticket(
        db, description="4417号楼北门天天有车占道 救护车都进不来", sender_id="web:r21rv1", address="4417号楼"
    )
    stall = service.file_ticket(
        db, description="4418号楼下有人摆摊卖早点 把路占了一半", sender_id="web:r21rv1", address="4418号楼"
    )
    with db.session() as s:
        ref = resolve_ticket_reference(s, "web:r21rv1", "卖早点的那个怎么样了")
        assert ref.match == "one" and ref.ticket.id == stall.ticket.id
        ref = resolve_ticket_reference(s, "web:r21rv1", "车占道那件事有人管吗")
        assert ref.match == "one" and ref.ticket.id == car.ticket.id


# --- M6: the place an emergency asked for is not a waiting home booking's address ---------------


def _waiting_after(db, text, last):
    from assistant import clock

    from assistant.conversation import store

    memory = store.Memory(
        pending=store.Pending(text, "book_service", clock.now()), last=[store.Said(last)], last_at=clock.now()
    )
    store.save(db, "web:r21rv6", memory)


def test_an_address_after_the_emergency_location_question_answers_it(db, clock) -> None:
    from tests.conversation._helpers import WordDialogue, converse_once

    _waiting_after(db, "顺便帮我约个上门洗澡 礼拜四下午三点", service.LOCATION_QUESTION)
    dialogue = WordDialogue({})
    converse_once(dialogue, db, "web:r21rv6", "5503号楼3单元402")
    assert dialogue.sent == ["5503号楼3单元402"]


def test_an_address_after_an_answer_that_asked_no_place_goes_with_the_waiting_booking(db, clock) -> None:
    from tests.conversation._helpers import WordDialogue, converse_once

    _waiting_after(db, "顺便帮我约个上门洗澡 礼拜四下午三点", "老年卡在社区服务中心办理，带上身份证就行。")
    dialogue = WordDialogue({})
    converse_once(dialogue, db, "web:r21rv6", "5503号楼3单元402")
    assert dialogue.sent == ["顺便帮我约个上门洗澡 礼拜四下午三点，5503号楼3单元402"]


# --- M3: how one gets a document is a how-to question; an old ticket needs a word about it ------


def _closed(db: Database, sender: str, description: str, note: str, days_ago: int) -> str:
    from datetime import timedelta

    from assistant.tickets.lifecycle import utcnow

    filed_at = utcnow() - timedelta(days=days_ago + 1)
    filed = service.file_ticket(
        db, description=description, sender_id=sender, address="6601号楼", now=filed_at
    )
    for action in ("派单", "开始处置", "办结"):
        service.transition_ticket(
            db, filed.ticket.id, action, actor="staff:t", note=note, now=utcnow() - timedelta(days=days_ago)
        )
    return filed.ticket.id


@pytest.mark.parametrize("said", ["残疾证怎么弄的", "高龄补贴是咋办的 俺也想领", "社保卡挂失怎么弄的"])
def test_how_one_gets_a_document_is_no_question_about_a_report(said: str) -> None:
    from assistant.tickets.asking import asks_how_handled

    assert not asks_how_handled(said)


@pytest.mark.parametrize("said", ["上次那个下水道堵的咋处理的", "我反映的门禁卡那事最后怎么弄的"])
def test_the_old_problem_named_to_point_at_it_is_that_question(said: str) -> None:
    from assistant.tickets.asking import asks_how_handled

    assert asks_how_handled(said)


def test_an_old_ticket_needs_a_word_about_it(db: Database) -> None:
    tid = _closed(db, "web:r21rv3", "6601号楼电梯按钮失灵", "已更换按钮面板。", days_ago=40)
    assert service.outcome_answer(db, "web:r21rv3", "咋处理的") is None
    told = service.outcome_answer(db, "web:r21rv3", "上回那个电梯你们咋弄的")
    assert told is not None and tid in told and "已更换按钮面板。对结果" in told and "。。" not in told


def test_a_long_note_is_cut_with_an_ellipsis(db: Database) -> None:
    _closed(db, "web:r21rv4", "6602号楼屋顶渗水", "已联系防水公司，" * 30, days_ago=1)
    told = service.outcome_answer(db, "web:r21rv4", "咋处理的")
    assert told is not None and "…。对结果" in told


# --- M2: a visit that has to happen again is a complaint, not one more booking ------------------


@pytest.mark.parametrize("said", ["刚换的龙头又滴水了 工人还得再来一次", "师傅又要再来一回 烦死了"])
def test_a_visit_that_must_happen_again_is_no_wish(said: str) -> None:
    assert not wishes_to_book(said)


@pytest.mark.parametrize("said", ["礼拜六上午再来一次吧", "我还要再来一次", "还得再给我约一个"])
def test_one_more_visit_wished_for_stays_a_wish(said: str) -> None:
    assert wishes_to_book(said)
