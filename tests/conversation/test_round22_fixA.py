"""Round 22, fixer A (issue #11, blind18 read): a value taken back in one breath (哦不 / 不对
with the address said after it), 算了 at the read-back that lets go of a change and keeps
the booking, a pick from the list of bookings to cancel that the resident asked for, and a
yes said after the cancel is done. Own wordings throughout, both ways."""

from __future__ import annotations

from datetime import datetime

import pytest

import actions.booking as booking_actions
from assistant.booking.conversation import (
    cancel_asked_outright,
    cancel_confirmed_again,
    changes_mind_on_value,
    correction_from,
    picked_after_cancel_asked,
)
from assistant.booking.references import cancel_payload
from assistant.booking.service import book, get_booking
from assistant.clock import TZ
from assistant.conversation import split
from tests.booking.test_actions import NOW, fixed_now, run, tracker  # noqa: F401 - fixed_now is a fixture

TODAY = datetime(2026, 12, 7, 10, 0, tzinfo=TZ)


# --- a value taken back in one breath --------------------------------------------------


@pytest.mark.parametrize(
    ("said", "value"),
    [
        # an interjection and a bare 不: the new clock keeps the day and the part of the day
        ("后天早上八点 噢不 八点半吧", "后天早上八点半吧"),
        ("今天晚上六点 呃不 七点", "今天晚上七点"),
        # 地址 / 手机 said after the slip only label their own values: the time is put right
        ("大后天下午两点 不对 两点半 住址88号楼1单元101 手机13700003333", "大后天下午两点半"),
    ],
)
def test_a_time_taken_back_in_one_breath_is_the_new_time(said, value):
    found = correction_from(said, now=TODAY)
    assert found is not None and found.slot == "booking_time"
    assert found.value.startswith(value)


@pytest.mark.parametrize("said", ["明天下午两点 啊不用了", "后天上午 哦不要了", "下午三点 诶不行"])
def test_a_no_after_an_interjection_is_no_slip(said):
    found = correction_from(said, now=TODAY)
    assert found is None or found.slot != "booking_time" or found.value is None


def test_the_field_named_before_the_slip_is_still_corrected():
    found = correction_from("电话不对 是13700004444", now=TODAY)
    assert found is not None and found.slot == "booking_phone"
    found = correction_from("不对 地址是42号楼2单元301", now=TODAY)
    assert found is not None and found.slot == "booking_address"


@pytest.mark.parametrize(
    ("said", "bare"),
    [
        ("后天上午十点 噢不 十一点 手机13700001111", True),
        ("周五下午三点 不对 四点", True),
        ("后天上午 哦不用了", False),
        ("明天下午 啊不要 我问问再说", False),
    ],
)
def test_a_slip_in_values_still_answers_an_offer(said, bare):
    assert split.is_bare_value(said) is bare


# --- 算了 at the read-back with a value: the change is let go, the booking kept ----------------


@pytest.mark.parametrize(
    ("said", "changes"),
    [
        ("唉 算了算了 还是上午十点吧 早弄完早省心", True),
        ("算了吧 改回下午三点", True),
        ("算了 还是下礼拜再说吧", False),
        ("算了 不弄了", False),
        ("算了 我让儿子给我剪", False),
        ("算了", False),
    ],
)
def test_changes_mind_on_value(said, changes):
    assert changes_mind_on_value(said, now=TODAY) is changes


FILLED = {
    "booking_service": "维修",
    "booking_time": "2026-11-30T10:30",
    "booking_address": "幸福路8号",
    "booking_phone": "13912345678",
    "booking_confirming": True,
}


def test_let_go_of_a_change_at_the_read_back_reads_back_the_value(app_env, domain):
    slots, said, _ = run(
        booking_actions.ActionSubmitBooking(),
        tracker("唉 算了算了 还是上午九点吧 早弄完早省心", intent="deny", slots=FILLED, form_active=False),
        domain,
    )
    assert slots["booking_time"] == "2026-11-30T09:00" and slots["booking_confirming"] is True
    assert "上午9点" in said[-1] and "对吗" in said[-1] and not any("不约了" in s for s in said)


def test_leaving_at_the_read_back_still_leaves(app_env, domain):
    slots, said, _ = run(
        booking_actions.ActionSubmitBooking(),
        tracker("算了 不弄了 下回再说", intent="deny", slots=FILLED, form_active=False),
        domain,
    )
    assert any("不约了" in s for s in said) and slots.get("booking_time") is None


# --- a pick from the list of bookings the resident asked to cancel ----------------------------


@pytest.mark.parametrize(
    ("asked", "outright"),
    [
        ("帮我退一个预约", True),
        ("有个预约我要撤销", True),
        ("我约的那些能退吗", False),
        ("要不要取消一个呢", False),
        ("我约了哪些", False),
    ],
)
def test_cancel_asked_outright(asked, outright):
    assert cancel_asked_outright(asked) is outright


@pytest.mark.parametrize(
    ("words", "done"),
    [("最后一个", True), ("保洁那个", True), ("后面那个吧", True), ("第一个吗", False), ("第一个先留着", False),
     ("第二个改到后天", False)],
)
def test_a_bare_pick_after_the_cancel_was_asked(words, done):
    payload = cancel_payload("YY202611290002")
    assert picked_after_cancel_asked(words, payload, listed=True, asked="帮我退一个预约") is done
    assert not picked_after_cancel_asked(words, payload, listed=False, asked="帮我退一个预约")
    assert not picked_after_cancel_asked(words, payload, listed=True, asked="那俩预约都是几点来着")


def _two_bookings(db):
    haircut = book(db, sender_id="web:t1", service="理发", starts_at=datetime(2026, 11, 30, 9), address="幸福路8号",
                   now=NOW)
    meal = book(db, sender_id="web:t1", service="助餐", starts_at=datetime(2026, 11, 30, 11), now=NOW)
    return haircut, meal


def _after_list(asked: str, haircut, meal) -> list[dict]:
    buttons = [{"title": f"{b.id} {b.service}", "payload": cancel_payload(b.id)} for b in (haircut, meal)]
    return [
        {"event": "user", "text": asked, "metadata": {}},
        {"event": "bot", "text": "您有2个预约：理发，…；助餐，…。要取消哪一个？", "data": {"buttons": buttons}},
        {"event": "user", "text": cancel_payload(meal.id), "metadata": {"butler_words": "末尾那个"}},
    ]


def _pick(meal, events, domain):
    from assistant.conversation import commands

    trk = tracker(cancel_payload(meal.id), intent="cancel_booking", form_active=False,
                  entities=[{"entity": "booking_id", "value": meal.id}], events=events)
    trk.latest_message["metadata"] = {commands.WORDS_KEY: "末尾那个"}
    return run(booking_actions.ActionCancelBooking(), trk, domain)


def test_the_pick_cancels_when_the_cancel_was_asked_outright(app_env, domain):
    haircut, meal = _two_bookings(app_env)
    slots, said, _ = _pick(meal, _after_list("有个预约我要撤销", haircut, meal), domain)
    assert "已经取消了" in said[0] and meal.id in said[0]
    with app_env.session() as session:
        assert get_booking(session, meal.id).status == "cancelled"
        assert get_booking(session, haircut.id).status == "booked"


def test_the_pick_is_confirmed_when_the_cancel_was_only_asked_about(app_env, domain):
    haircut, meal = _two_bookings(app_env)
    slots, said, _ = _pick(meal, _after_list("预约能退不", haircut, meal), domain)
    assert slots == {"booking_cancel_id": meal.id, "booking_cancel_pending": True} and "吗" in said[0]
    with app_env.session() as session:
        assert get_booking(session, meal.id).status == "booked"


# --- a yes after the cancel is done ------------------------------------------------------------

DONE = "好的，已经取消了11月30日（周一）上午11点的助餐（预约号YY202611290002）。"


@pytest.mark.parametrize("said", ["嗯对", "行 取消吧", "是的"])
def test_a_yes_after_the_cancel_is_said_done(said):
    answer = cancel_confirmed_again(said, [DONE])
    assert answer is not None and "YY202611290002" in answer and "取消" in answer


@pytest.mark.parametrize("said", ["不对 取消错了", "对 那理发还在吧", "好 再帮我约个保洁"])
def test_anything_else_after_the_cancel_goes_on(said):
    assert cancel_confirmed_again(said, [DONE]) is None


def test_a_yes_after_something_else_is_no_cancel():
    assert cancel_confirmed_again("嗯对", ["您要预约11月30日（周一）上午11点的助餐，对吗？"]) is None


# --- 俩事 inside a word, two problems with no connector ----------------------------------------


@pytest.mark.parametrize("said", ["我们娘俩事先说好的 明天下午给她约个理发", "他爷俩事后才知道", "老两口事多 想约个保洁"])
def test_a_pair_of_people_or_a_word_is_no_two_matters(said):
    assert not split.says_two(said)


@pytest.mark.parametrize("said", ["跟你们说俩事 灯坏了 水也停了", "有两件事情要反映", "俺有俩问题"])
def test_two_matters_still_counted(said):
    assert split.says_two(said)


@pytest.mark.parametrize(
    "said", ["2301号楼楼道灯不亮了 门口井盖也松了", "东门路灯坏了，垃圾桶也满了没人倒"]
)
def test_two_problems_side_by_side_are_cut(said):
    cut = split.problems_side_by_side(said)
    assert cut is not None and cut.first and cut.second


@pytest.mark.parametrize(
    "said",
    ["2301号楼门口路灯不亮了 都三天了 电话13700005555", "卫生间漏水 墙上都发霉了", "电梯坏了 老人下不了楼",
     "垃圾站好几天没人收了 老鼠到处窜"],
)
def test_one_problem_in_two_clauses_is_not_cut(said):
    assert split.problems_side_by_side(said) is None


# --- the resident's reports as a whole; a report no problem word names -----------------------


@pytest.mark.parametrize("said", ["我反映的那俩事 现在到哪一步了", "俺报的那几个问题有人管没", "那两个事有信儿没"])
def test_several_reports_named_as_a_whole(said):
    from assistant.tickets.intake import names_no_report

    assert names_no_report(said)


@pytest.mark.parametrize("said", ["路灯那个咋样了", "我报的下水道通了没", "我说的这个问题有人管吗"])
def test_one_report_picked_out_is_not_all(said):
    from assistant.tickets.intake import names_no_report

    assert not names_no_report(said)


@pytest.mark.parametrize(
    ("said", "report"),
    [
        ("隔壁天天半夜剁肉 咚咚咚的 我住2302号楼502", True),
        ("2302号楼楼上那户天天夜里拖凳子 我住602", True),
        ("我住2302号楼 想约个理发", False),
        ("2302号楼的王阿姨人很好 天天帮我拿快递", False),
    ],
)
def test_a_thing_and_its_fault_at_a_place_is_a_report(said, report):
    from assistant.tickets.intake import reads_as_complaint

    assert reads_as_complaint(said) is report


# --- a list chosen by where the option stands --------------------------------------------------


@pytest.mark.parametrize(
    ("said", "count", "index"),
    [("末尾那个", 3, 2), ("最底下的", 4, 3), ("最后边那个吧", 2, 1), ("下边那个", 2, 1), ("前面那个", 2, 0),
     ("上边的", 2, 0), ("倒数第二个", 4, 2), ("正中间那个", 3, 1)],
)
def test_a_choice_by_where_it_stands(said, count, index):
    from assistant.conversation.choices import resolve_ordinal

    assert resolve_ordinal(said, count) == index


@pytest.mark.parametrize("said", ["下边那个", "前面那个"])
def test_before_or_after_of_more_than_two_is_no_choice(said):
    from assistant.conversation.choices import resolve_ordinal

    assert resolve_ordinal(said, 3) is None


@pytest.mark.parametrize("said", ["后面再说吧", "前面那个助餐不要了", "下面有人喊"])
def test_words_about_something_else_are_no_place_in_the_list(said):
    from assistant.conversation.choices import resolve_ordinal

    assert resolve_ordinal(said, 2) is None


# --- a phone alone at the address question --------------------------------------------------------


def test_a_phone_alone_at_the_address_question_is_kept_and_the_address_asked_again(app_env, domain):
    slots, said, _ = run(
        booking_actions.ValidateBookingForm(),
        tracker("13700006666", slots={"booking_service": "维修", "booking_time": "2026-11-30T10:30",
                                      "requested_slot": "booking_address"}),
        domain,
    )
    assert slots.get("booking_phone") == "13700006666"
    assert slots.get("booking_address") is None
    assert not any("具体地址" in s for s in said)


def test_an_address_at_the_address_question_is_still_taken(app_env, domain):
    slots, _, _ = run(
        booking_actions.ValidateBookingForm(),
        tracker("2303号楼1单元402 电话13700006666", slots={"booking_service": "维修", "booking_time": "2026-11-30T10:30",
                                                        "requested_slot": "booking_address"}),
        domain,
    )
    assert slots.get("booking_address", "").startswith("2303号楼1单元402")


# --- 算了 with a value at the read-back reaches the read-back, whatever the classifier hears ------


READ_BACK = "您要预约12月1日（周二）下午3点的上门维修，地址2303号楼1单元402，联系电话137****6666，免费，对吗？"


@pytest.mark.parametrize(
    ("said", "corrects"),
    [("唉 算了算了 还是上午十点吧 上午家里有人", True), ("算了吧 改回上午九点半", True), ("算了 不约了", False),
     ("算了 还是回头再说吧", False)],
)
def test_let_go_of_a_change_corrects_the_read_back(said, corrects):
    from assistant.conversation import store
    from assistant.conversation.bookings import corrects_readback as _corrects_readback

    last = [store.Said(READ_BACK, [("对", "/affirm"), ("不对", "/deny")])]
    assert _corrects_readback(said, last) is corrects


@pytest.mark.parametrize(
    ("part", "asked"),
    [("门口井盖也松了 电话13700007777", "门口井盖也松了"), ("东门路灯坏了，手机号是13700007777", "东门路灯坏了"),
     ("13700007777", "13700007777")],
)
def test_a_part_is_classified_without_the_phone_said_for_both(part, asked):
    assert split.without_phone(part) == asked
