"""Round 21 (conversation fixer B, blind17 read by reason): a place said digit by digit (as
speech recognition writes it) is written in digits on the ticket; an address said again more
fully is the fuller one; 我说的是… at the read-back is the value meant; a rating changed in
words (改成五星) is a new rating; 报俩事 counts two matters; a shop's goods on the pavement is
占道经营 and a smell in the air is 环境卫生; 不留电话 with a call asked for, and 那我咋知道办没办,
are answered honestly with the ticket's number; 那给我订一个 at an offered booking takes it.
New wording, both ways."""

from __future__ import annotations

from datetime import timedelta

import pytest

from assistant.booking.conversation import address_in, correction_from, wishes_to_book
from assistant.conversation import split
from assistant.db import Database
from assistant.dialogue import Reply
from assistant.location import with_digits
from assistant.settings import Settings
from assistant.tickets import feedback, service
from assistant.tickets.asking import asks_how_to_know
from assistant.tickets.classify import classify_category
from assistant.tickets.lifecycle import aware, utcnow
from tests.conversation._helpers import WordDialogue, converse_once

# --- numbers said digit by digit -----------------------------------------------------------


@pytest.mark.parametrize(("said", "written"), [
    ("三三零八号楼二单元六零二", "3308号楼2单元602"),
    ("就在幺零五栋 四单元 一零一", "就在105栋 4单元 101"),
    ("七七号楼三楼东户", "77号楼3楼东户"),
])
def test_a_place_said_digit_by_digit_is_written_in_digits(said: str, written: str) -> None:
    assert with_digits(said) == written


@pytest.mark.parametrize("said", [
    "十二号楼三单元",  # positional numerals: as said
    "五栋二单元",
    "3号楼2单元301",
    "三里屯小区东门",  # a name, not a number
    "这一栋楼的电梯",
])
def test_a_place_said_otherwise_stays_as_said(said: str) -> None:
    assert with_digits(said) == said


def test_an_emergency_placed_digit_by_digit_is_written_in_digits_on_the_ticket(db: Database) -> None:
    first = service.respond_to_emergency(db, text="快来人 我妈喘不过气来了 嘴唇都紫了", sender_id="web:r21b1",
                                         settings=Settings())
    service.follow_up_emergency(
        db, ticket_id=first.ticket_id, sender_id="web:r21b1", text="四四零二号楼一单元三零三",
        awaiting_location=True, now=aware(utcnow()) + timedelta(minutes=1), settings=Settings(),
    )
    with db.session() as s:
        assert service.get_ticket(s, first.ticket_id).address == "4402号楼1单元303"


def test_a_report_placed_digit_by_digit_is_filed_in_digits(db: Database) -> None:
    filed = service.file_ticket(db, description="五五一号楼门口的路灯不亮了", sender_id="web:r21b2",
                                address="五五一号楼")
    assert filed.ticket.address == "551号楼"
    other = service.file_ticket(db, description="十五号楼门口的路灯不亮了", sender_id="web:r21b3",
                                address="十五号楼")
    assert other.ticket.address == "十五号楼"


# --- an address said again, more fully -------------------------------------------------------


@pytest.mark.parametrize(("said", "address"), [
    ("3305号楼 3305号楼4单元 二楼 201", "3305号楼4单元201室"),
    ("住九栋 九栋一单元五零一", "9号楼1单元501室"),
])
def test_the_same_building_said_again_more_fully_is_the_address(said: str, address: str) -> None:
    assert address_in(said) == address


@pytest.mark.parametrize(("said", "address"), [
    ("3306号楼 3307号楼1单元101", "3306号楼"),  # another building: no repetition
    ("8号楼2单元 501", "8号楼2单元 501"),  # one address in pieces, as before
])
def test_another_building_or_one_address_is_not_taken_as_a_repetition(said: str, address: str) -> None:
    assert address_in(said) == address


# --- 我说的是… at the read-back ----------------------------------------------------------------


@pytest.mark.parametrize(("said", "slot", "value"), [
    ("九点？俺说的是下午三点", "booking_time", "下午三点"),
    ("你听岔了吧 我要的是礼拜四上午", "booking_time", "礼拜四上午"),
    ("我明明说的是5号楼2单元201", "booking_address", "5号楼2单元201"),
])
def test_the_value_the_resident_says_they_said_is_the_correction(said: str, slot: str, value: str) -> None:
    correction = correction_from(said)
    assert correction is not None and (correction.slot, correction.value) == (slot, value)


@pytest.mark.parametrize("said", ["我说的是实话", "我说的是对的", "你说的是下午三点吗"])
def test_without_a_value_of_theirs_there_is_no_correction(said: str) -> None:
    correction = correction_from(said)
    assert correction is None or correction.value is None


# --- a rating changed ------------------------------------------------------------------------


@pytest.mark.parametrize(("said", "score"), [
    ("哎 还是给五星吧 人家挺辛苦", 5),
    ("改成4分", 4),
    ("重新打个一星", 1),
])
def test_a_score_said_as_a_change_is_the_new_score(said: str, score: int) -> None:
    assert feedback.changed_score(said) == score


@pytest.mark.parametrize("said", ["师傅来得太慢了", "五星", "改天再评吧", "换个师傅来修"])
def test_no_change_word_before_a_score_changes_nothing(said: str) -> None:
    assert feedback.changed_score(said) is None


def _handled(db: Database, sender: str) -> str:
    filed = service.file_ticket(db, description="楼道的感应灯坏了", sender_id=sender, address="3303号楼",
                                now=utcnow() - timedelta(days=2))
    for action in ("派单", "开始处置", "办结"):
        service.transition_ticket(db, filed.ticket.id, action, actor="staff:t", note="已更换",
                                  now=utcnow() - timedelta(days=1))
    return filed.ticket.id


def test_a_rating_changed_right_after_is_recorded_with_its_new_score(db: Database) -> None:
    tid = _handled(db, "web:r21b4")
    feedback.rate_ticket(db, sender_id="web:r21b4", ticket_id=tid, score=3)
    told = feedback.reason_after_rating(db, "web:r21b4", "算了算了 师傅半夜还来了 改成五星")
    assert told is not None and "5分" in told
    with db.session() as s:
        scores = [r.score for r in service.get_ticket(s, tid).ratings]
    assert scores == [3, 5]


def test_a_reason_without_a_new_score_joins_the_rating(db: Database) -> None:
    tid = _handled(db, "web:r21b5")
    feedback.rate_ticket(db, sender_id="web:r21b5", ticket_id=tid, score=3)
    told = feedback.reason_after_rating(db, "web:r21b5", "师傅来得太慢了 等了三天")
    assert told is not None and "5分" not in told
    with db.session() as s:
        ticket = service.get_ticket(s, tid)
        assert [r.score for r in ticket.ratings] == [3] and ticket.ratings[0].reason


# --- 报俩事 ----------------------------------------------------------------------------------


@pytest.mark.parametrize("said", ["跟你说俩事 3号楼路灯不亮 还有垃圾桶满了", "有俩问题想反映"])
def test_two_matters_said_short_are_counted(said: str) -> None:
    assert split.says_two(said)


@pytest.mark.parametrize("said", ["我俩事都没办成", "他俩问题挺多的"])
def test_the_two_of_us_is_no_count(said: str) -> None:
    assert not split.says_two(said)


def test_the_count_opening_the_message_is_left_off_the_first_part() -> None:
    assert split.without_count("说俩事 3号楼路灯不亮") == "3号楼路灯不亮"


# --- categories by reason -------------------------------------------------------------------------


@pytest.mark.parametrize("said", [
    "5号楼底下的便利店老板把饮料箱子全码在人行道上 老人都绕着走",
    "菜店把菜筐摆到马路边 车都过不去",
])
def test_a_shops_goods_on_the_way_is_occupying_the_way(said: str) -> None:
    assert classify_category(said).category == "占道经营"


@pytest.mark.parametrize(("said", "category"), [
    ("超市门口的井盖松了", "市政设施"),  # a shop named, nothing of it put out
    ("人行道的地砖翘起来了", "市政设施"),
])
def test_a_shop_or_a_pavement_alone_is_not_occupying(said: str, category: str) -> None:
    assert classify_category(said).category == category


@pytest.mark.parametrize("said", [
    "楼下汽修店天天给车喷漆 油漆味熏得人睁不开眼",
    "隔壁小作坊一股刺鼻的气味 窗户都不敢开",
])
def test_a_smell_in_the_air_is_the_environment(said: str) -> None:
    assert classify_category(said).category == "环境卫生"


def test_a_noise_with_a_shop_stays_a_noise() -> None:
    assert classify_category("小卖部的冰柜半夜嗡嗡响 吵得睡不着").category == "噪音扰民"


# --- how the resident will know ---------------------------------------------------------------


@pytest.mark.parametrize("said", ["那我上哪儿知道修没修好", "我到时候怎么晓得处理结果", "那俺咋知道呢"])
def test_how_the_outcome_will_reach_them_is_asked(said: str) -> None:
    assert asks_how_to_know(said)


@pytest.mark.parametrize("said", ["你咋知道我家住哪", "我怎么知道该找哪个部门", "5号楼漏水了 我怎么知道修没修"])
def test_other_knowing_is_not_that_question(said: str) -> None:
    assert not asks_how_to_know(said)


def test_without_a_phone_the_answer_is_the_ticket_number_and_no_call(db: Database) -> None:
    filed = service.file_ticket(db, description="3310号楼门口下水道堵了", sender_id="web:r21b6")
    told = service.follow_answer(db, "web:r21b6", "那我咋知道修没修")
    assert told is not None and filed.ticket.id in told and "工单号" in told and "没法" in told


def test_with_a_phone_the_answer_names_it(db: Database) -> None:
    service.file_ticket(db, description="3311号楼门口下水道堵了", sender_id="web:r21b7", contact_phone="13911113311")
    told = service.follow_answer(db, "web:r21b7", "那我咋知道修没修")
    assert told is not None and "3311" in told and "没法" not in told


def test_without_an_open_ticket_there_is_no_such_answer(db: Database) -> None:
    assert service.follow_answer(db, "web:r21b8", "那我咋知道修没修") is None


# --- a booking offered, taken in words -------------------------------------------------------------


@pytest.mark.parametrize("said", ["那给我订一个", "就订一份吧 后天中午", "行 那帮俺约上"])
def test_a_wish_to_book_in_other_words(said: str) -> None:
    assert wishes_to_book(said)


@pytest.mark.parametrize("said", ["我订了什么", "订的那个取消吧"])
def test_a_question_about_bookings_is_no_wish(said: str) -> None:
    assert not wishes_to_book(said)


class OfferDialogue(WordDialogue):
    """Answers a question about the canteen with the offer of its booking."""

    def __init__(self):
        super().__init__({"食堂": "ask_policy"})

    async def deliver_or_degrade(self, sender, text, metadata=None):
        if "食堂" in text:
            self.sent.append(text)
            return [Reply(text="助餐在社区服务中心。要帮您约助餐吗？",
                          buttons=[_button("约助餐", '/book_service{"service_type": "助餐"}'),
                                   _button("不用了", "/deny")])]
        return await super().deliver_or_degrade(sender, text, metadata)


def _button(title: str, payload: str):
    from assistant.dialogue import Button

    return Button(title, payload)


def test_the_offered_booking_is_taken_with_the_time_said(db: Database) -> None:
    dialogue = OfferDialogue()
    converse_once(dialogue, db, "web:r21b9", "社区食堂几点开饭")
    converse_once(dialogue, db, "web:r21b9", "那给我订一份 明天中午十二点")
    assert dialogue.sent[1:] == ['/book_service{"service_type": "助餐"}', "那给我订一份 明天中午十二点"]


def test_another_service_named_is_not_the_offered_one(db: Database) -> None:
    dialogue = OfferDialogue()
    converse_once(dialogue, db, "web:r21b10", "社区食堂几点开饭")
    converse_once(dialogue, db, "web:r21b10", "那给我约个理发")
    assert '/book_service{"service_type": "助餐"}' not in dialogue.sent


# --- how a handled report was handled ------------------------------------------------------------


@pytest.mark.parametrize("said", ["你们最后是咋弄的", "那个门禁怎么给修好的", "处理结果是什么"])
def test_how_it_was_handled_is_asked(said: str) -> None:
    from assistant.tickets.asking import asks_how_handled

    assert asks_how_handled(said)


@pytest.mark.parametrize("said", ["居住证怎么办理", "这事咋办啊", "6号楼水管又爆了 上回咋修的"])
def test_how_to_do_something_or_a_new_problem_is_not_that_question(said: str) -> None:
    from assistant.tickets.asking import asks_how_handled

    assert not asks_how_handled(said)


def test_the_outcome_is_what_staff_wrote_when_they_closed_it(db: Database) -> None:
    tid = _handled(db, "web:r21b11")
    told = service.outcome_answer(db, "web:r21b11", "你们最后是咋弄的")
    assert told is not None and tid in told and "已更换" in told


def test_an_open_report_gets_no_outcome(db: Database) -> None:
    service.file_ticket(db, description="3312号楼门口下水道堵了", sender_id="web:r21b12", address="3312号楼")
    assert service.outcome_answer(db, "web:r21b12", "你们最后是咋弄的") is None


# --- the stall said by what is sold ------------------------------------------------------------


def test_a_stall_is_found_by_what_is_sold(db: Database) -> None:
    from assistant.tickets.references import resolve_ticket_reference

    service.file_ticket(db, description="3313号楼西边路灯不亮", sender_id="web:r21b13", address="3313号楼")
    sold = service.file_ticket(db, description="3314号楼门口有人占道卖水果 堵得过不去", sender_id="web:r21b13",
                               address="3314号楼")
    with db.session() as s:
        ref = resolve_ticket_reference(s, "web:r21b13", "卖水果那个还没管吧")
        assert ref.match == "one" and ref.ticket.id == sold.ticket.id
        other = resolve_ticket_reference(s, "web:r21b13", "路灯那个修了没")
        assert other.match == "one" and other.ticket.id != sold.ticket.id


@pytest.mark.parametrize("said", ["卖水果那个还没管吧", "井盖那件是不是还没修"])
def test_one_of_theirs_pointed_at_and_asked_if_done_yet_refers_back(said: str) -> None:
    from assistant.tickets.references import is_reference_to_existing

    assert is_reference_to_existing(said)


@pytest.mark.parametrize("said", ["那个人没管好自己的狗", "那个路灯坏了"])
def test_a_pointer_without_asking_after_a_report_does_not_refer_back(said: str) -> None:
    from assistant.tickets.references import is_reference_to_existing

    assert not is_reference_to_existing(said)


def test_the_fallback_answers_a_pointer_back_with_that_reports_state(db: Database, monkeypatch) -> None:
    import asyncio

    from rasa_sdk.executor import CollectingDispatcher

    import actions.core as core
    from actions.core import ActionHandleMisunderstanding
    from tests.actions.test_core_actions import _fallback_tracker

    monkeypatch.setattr(core, "get_database", lambda: db)
    import actions.tickets as tickets_actions

    monkeypatch.setattr(tickets_actions, "get_database", lambda: db)
    service.file_ticket(db, description="3315号楼西边路灯不亮", sender_id="web:m1", address="3315号楼")
    sold = service.file_ticket(db, description="3316号楼门口有人占道卖水果", sender_id="web:m1", address="3316号楼")
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionHandleMisunderstanding().run(dispatcher, _fallback_tracker("卖水果那个还没管吧"), {}))
    assert any(sold.ticket.id in (m.get("text") or "") and "受理" in (m.get("text") or "")
               for m in dispatcher.messages)
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionHandleMisunderstanding().run(dispatcher, _fallback_tracker("那个人没管好自己的狗"), {}))
    assert not any(sold.ticket.id in (m.get("text") or "") for m in dispatcher.messages)
