"""Round 20 (conversation fixer B, blind16 read by reason): after an emergency, whether the
community called the responders (救护车咋还不来 你们打了没) is asked about what was done
(the butler calls no one, says so with the number); a floor said after the building
(卡在7楼跟8楼中间) is inside that building, never in its place; a further word about what
the advice warns against (门扒不开 after 不要扒门) gets the advice again. New wording."""

from __future__ import annotations

from datetime import timedelta

import pytest

from assistant.db import Database
from assistant.settings import Settings
from assistant.tickets import lifecycle, service
from assistant.tickets.asking import asks_what_was_done
from assistant.tickets.emergency import advice_touched
from assistant.tickets.lifecycle import aware


@pytest.mark.parametrize("said", [
    "消防车怎么还没来 你们帮我打119了没有",
    "你们给叫救护车了吗",
    "110你们报了没啊",
])
def test_whether_the_community_called_the_responders_is_asked_about_what_was_done(said: str) -> None:
    assert asks_what_was_done(said)


@pytest.mark.parametrize("said", [
    "救护车还没到",  # how things stand: advice follows, not a question about us
    "我自己打过120了",
    "要不要帮我叫救护车",
    "你帮我打个120吧",
])
def test_the_residents_own_call_or_a_request_is_not_that_question(said: str) -> None:
    assert not asks_what_was_done(said)


def _follow(db: Database, first, sender: str, text: str):
    return service.follow_up_emergency(
        db, ticket_id=first.ticket_id, sender_id=sender, text=text, awaiting_location=False,
        now=aware(lifecycle.utcnow()) + timedelta(minutes=1), settings=Settings(),
    )


def test_a_floor_said_after_the_building_is_inside_it(db: Database) -> None:
    first = service.respond_to_emergency(db, text="23号楼电梯困住人了 是我家老太太", sender_id="web:r20e1",
                                         settings=Settings())
    answer = _follow(db, first, "web:r20e1", "停在12楼和13楼之间 她在里面拍门")
    assert answer is not None
    with db.session() as s:
        address = service.get_ticket(s, first.ticket_id).address
    assert address.startswith("23号楼") and "12" in address


def test_another_building_said_replaces_the_place(db: Database) -> None:
    first = service.respond_to_emergency(db, text="23号楼电梯困住人了", sender_id="web:r20e2", settings=Settings())
    _follow(db, first, "web:r20e2", "说错了 是25号楼2单元的电梯")
    with db.session() as s:
        assert "23号楼" not in (service.get_ticket(s, first.ticket_id).address or "")


def test_what_the_advice_warns_against_gets_the_advice_again() -> None:
    reported = "18号楼电梯坏在半路 里面关着两个人"
    assert any("扒门" in line for line in advice_touched("他们说想把门扒开爬出来", reported))
    assert advice_touched("他们在里面按了警铃", reported) == []
    assert advice_touched("想把门扒开", None) == []


async def test_heard_as_a_rating_the_question_gets_what_was_done(app_env: Database) -> None:
    from actions.tickets import ActionRateTicket
    from tests.tickets.test_followthrough_actions import joined, run, tracker

    service.respond_to_emergency(app_env, text="32号楼302我爸倒地上叫不醒了", sender_id="web:r20e3",
                                 settings=Settings())
    messages, _, _ = await run(ActionRateTicket(), tracker("急救车还没影 你们给叫了没有", "rate_ticket",
                                                          sender="web:r20e3"))
    said = joined(messages)
    assert "120" in said and "评价" not in said


async def test_a_rating_is_still_a_rating(app_env: Database) -> None:
    from actions.tickets import ActionRateTicket
    from tests.tickets.test_followthrough_actions import joined, run, tracker

    messages, _, _ = await run(ActionRateTicket(), tracker("五星好评", "rate_ticket", sender="web:r20e4"))
    assert "120" not in joined(messages)


@pytest.mark.parametrize("said", ["对了 最近小区是不是又要停电啊 群里有人说", "下礼拜会不会停水 我好存点水"])
def test_an_outage_to_come_asked_about_is_no_report(said: str) -> None:
    from assistant.tickets.intake import reads_as_complaint

    assert not reads_as_complaint(said)


@pytest.mark.parametrize("said", ["12号楼整栋停电了 好几个小时了", "12号楼又停水了 你们管不管"])
def test_an_outage_now_is_a_report(said: str) -> None:
    from assistant.tickets.intake import reads_as_complaint

    assert reads_as_complaint(said)


def test_a_ticket_reopened_on_the_residents_word_says_so(db: Database) -> None:
    from assistant.tickets import feedback

    ticket = service.file_ticket(db, description="6号楼地下室渗水 墙皮都泡起来了", sender_id="web:r20e5",
                                 address="6号楼", check_duplicates=False).ticket
    for action in ("派单", "开始处置", "办结"):
        service.transition_ticket(db, ticket.id, action, actor="staff:t", note="已处理")
    feedback.rate_ticket(db, sender_id="web:r20e5", ticket_id=ticket.id, score=1, reason="墙上还在往外冒水")
    with db.session() as session:
        said = service.public_status(session, ticket.id, "web:r20e5")
    assert "重新打开" in said
    other = service.file_ticket(db, description="7号楼门口井盖松了", sender_id="web:r20e6", address="7号楼",
                                check_duplicates=False).ticket
    for action in ("派单", "开始处置"):
        service.transition_ticket(db, other.id, action, actor="staff:t")
    with db.session() as session:
        said = service.public_status(session, other.id, "web:r20e6")
    assert "重新打开" not in said and "处理中" in said
