"""Round 21, the lead's last review fixes (review21_final F1-F3): a no anywhere that governs a
wish to book; 咋处理的-style questions that are how-to questions or name another problem; two
neighbouring numerals are a range, not a number said digit by digit. New wordings, both ways."""

from __future__ import annotations

from datetime import timedelta

import pytest

from assistant.booking.conversation import wishes_to_book
from assistant.db import Database
from assistant.location import with_digits
from assistant.tickets import service
from assistant.tickets.asking import asks_how_handled
from assistant.tickets.lifecycle import utcnow

# --- F1: 不给 / 用不着你 / 没叫你 / 谁让你 before the wish, 就不必了 / 不用了 after it ----------------


@pytest.mark.parametrize("said", [
    "不给俺爹约个了 他住院了",
    "用不着你们帮我订一份",
    "我又没让你给她约一个",
    "谁叫你帮我预约一下的",
    "帮她订一份就不用了吧",
    "给我约个就免了吧",
    "先别帮我订一个 我问问老伴",
])
def test_a_wish_governed_by_a_no_is_a_refusal(said: str) -> None:
    assert not wishes_to_book(said)


@pytest.mark.parametrize("said", [
    "要不给俺爹约一个吧",
    "不如帮她订一份",
    "别忘了帮她约个",
    "不用了 还是给我订一份吧",
    "给我约一个 不用太早",
])
def test_a_suggestion_or_a_no_to_something_else_stays_a_wish(said: str) -> None:
    assert wishes_to_book(said)


# --- F2: how-to questions and a named other problem get no ticket's outcome ---------------------


def _closed(db: Database, sender: str, description: str, note: str, days_ago: int) -> str:
    filed = service.file_ticket(db, description=description, sender_id=sender, address="6611号楼",
                                now=utcnow() - timedelta(days=days_ago + 1))
    for action in ("派单", "开始处置", "办结"):
        service.transition_ticket(db, filed.ticket.id, action, actor="staff:t", note=note,
                                  now=utcnow() - timedelta(days=days_ago))
    return filed.ticket.id


@pytest.mark.parametrize("said", [
    "你们这独生子女证怎么弄的",
    "你们那边公积金咋办的",
    "养老保险咋弄的",
    "残疾人补助是怎么办的",
    "那个敬老卡怎么弄的",
    "燃气开户怎么弄的",
    "独生子女奖励咋弄的",
])
def test_how_it_is_done_here_is_a_how_to_question(said: str) -> None:
    assert not asks_how_handled(said)


@pytest.mark.parametrize("said", ["你们最后是咋弄的", "你们到底怎么处理的", "我报的那个最后咋弄的"])
def test_the_ones_who_handled_it_asked_how(said: str) -> None:
    assert asks_how_handled(said)


def test_another_problem_named_gets_no_other_tickets_outcome(db: Database) -> None:
    tid = _closed(db, "web:r21fin1", "6611号楼电梯门夹人", "已调整门机感应。", days_ago=2)
    assert service.outcome_answer(db, "web:r21fin1", "上次那个水管爆了你们最后咋弄的") is None
    assert service.outcome_answer(db, "web:r21fin1", "GD20261205999咋处理的") is None
    told = service.outcome_answer(db, "web:r21fin1", "上次那个电梯你们最后咋弄的")
    assert told is not None and tid in told and "已调整门机感应" in told


# --- F3: 三四号楼之间 is 3 or 4, not 34 ------------------------------------------------------------


@pytest.mark.parametrize("said", ["五六号楼中间那条路的井盖", "二三栋之间的垃圾桶", "八九楼的窗户"])
def test_two_neighbouring_numerals_are_a_range_and_stay_as_said(said: str) -> None:
    assert with_digits(said) == said


@pytest.mark.parametrize(("said", "written"), [
    ("六六号楼门口", "66号楼门口"),
    ("幺五零三号楼一单元", "1503号楼1单元"),
    ("四三栋二单元五零二", "43栋2单元502"),
])
def test_any_other_run_is_a_number_said_digit_by_digit(said: str, written: str) -> None:
    assert with_digits(said) == written
