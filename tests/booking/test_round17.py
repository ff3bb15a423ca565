"""Round 17 (issue #11): bookings said and put right as residents do — a slip corrected in
the same breath, only the last digits of a phone, Cantonese 唔系…系…, the person the booking
is for, a phone read out digit by digit, loneliness heard as a booking, a dropped booking
taken up again, a booking picked from the cancel list in words. New wording throughout."""

from __future__ import annotations

from datetime import datetime

import pytest

import actions.booking as booking_actions
from assistant.booking import conversation
from assistant.booking.references import cancel_payload
from assistant.booking.service import book, normalise_phone
from assistant.conversation import commands
from tests.booking.test_actions import NOW, fixed_now, run, tracker  # noqa: F401 - fixed_now is a fixture

FORM = booking_actions.ValidateBookingForm
WHEN = datetime(2026, 11, 28, 10)  # a Saturday, for the pure readers


# --- a slip put right in the same breath ----------------------------------------------------

def test_a_time_slip_in_the_first_message_keeps_the_service_and_takes_the_new_time(app_env, domain):
    slots, _, _ = run(FORM(), tracker("帮我约个上门剃头，后天上午十点，哎不对，十一点吧", intent="book_service",
                                      form_active=False), domain)
    assert slots["booking_service"] == "理发"
    assert slots["booking_time"] == "2026-12-01T11:00"


def test_a_service_slip_in_the_first_message_books_the_service_meant_at_the_time_said(app_env, domain):
    slots, said, _ = run(FORM(), tracker("给我约个助餐，哦不是，是维修，水龙头坏了，明天下午两点半",
                                         intent="book_service", form_active=False), domain)
    assert slots["booking_service"] == "维修"
    assert slots["booking_time"] == "2026-11-30T14:30"
    assert any("维修" in s for s in said)


def test_a_correction_of_an_answer_given_before_still_corrects_only_it(app_env, domain):
    """A time given in an earlier message, corrected now: the service is not read again."""
    slots, _, _ = run(FORM(), tracker("不对，时间说错了，是下午四点", slots={
        "booking_service": "理发", "booking_time": "2026-11-30T15:00", "requested_slot": "booking_address"}),
        domain)
    assert slots.get("booking_time") == "2026-11-30T16:00"
    assert "booking_service" not in slots


@pytest.mark.parametrize(("text", "slot", "meant", "not_meant"), [
    ("不是周二呀 我说的是周三", "booking_time", "周三", "周二"),
    ("不是上午 是下午", "booking_time", "下午", "上午"),
    ("讲错咗，唔系七号楼，系九号楼", "booking_address", "九号楼", "七号楼"),
    ("门牌号记错了，是502", "booking_address", "502", None),
    ("楼号说反了，应该是318号楼", "booking_address", "318", None),
])
def test_corrections_said_in_other_words(text, slot, meant, not_meant):
    found = conversation.correction_from(text, now=WHEN)
    assert found is not None and found.slot == slot and meant in (found.value or "")
    assert not_meant is None or not_meant not in found.value


def test_the_answer_corrected_is_the_one_said_before_the_slip():
    """约个理发，哦不是，是保洁…明天上午: the new words name a service and a time; the service
    was said before the slip, so the service is corrected (the time is only said along)."""
    found = conversation.correction_from("想约保洁 呃不是 是陪诊 后天早上八点", now=WHEN)
    assert found == conversation.Correction("booking_service", "陪诊")


# --- only the last digits of a phone ----------------------------------------------------------

def test_the_last_digits_of_the_phone_replace_the_end_of_the_number():
    found = conversation.correction_from("手机尾号弄错了，应该是3388，不是3838", now=WHEN)
    assert found is not None and found.slot == "booking_phone"
    assert conversation.amended_phone("13912343838", found.value) == "13912343388"
    assert conversation.amended_phone("13912343838", "15800001111") == "15800001111"
    assert conversation.amended_phone(None, "3388") is None


def test_the_last_digits_at_the_read_back_are_read_back_with_the_whole_number(app_env, domain):
    slots, said, _ = run(booking_actions.ActionSubmitBooking(), tracker(
        "电话最后两位反了，是83，不是38", intent="inform", form_active=False, slots={
            "booking_service": "保洁", "booking_time": "2026-11-30T09:00", "booking_address": "8号楼1单元101",
            "booking_phone": "13912345638", "booking_confirming": True}), domain)
    assert slots["booking_phone"] == "13912345683"
    assert "5683" in said[0] and "对吗" in said[0]


# --- a phone read out digit by digit ---------------------------------------------------------

@pytest.mark.parametrize(("said", "phone"), [
    ("手机幺五八 零零幺二 三四五六 你记下", "15800123456"),
    ("号码是一八六洞洞幺二三四五六", "18600123456"),
])
def test_a_phone_read_out_digit_by_digit(said, phone):
    assert normalise_phone(said) == phone


def test_a_room_read_out_is_no_phone():
    assert normalise_phone("我住五号楼三单元六零二") is None


# --- the person the booking is for -----------------------------------------------------------

@pytest.mark.parametrize(("texts", "who"), [
    (["替我外婆约个洗澡的"], "她"),
    (["想给俺爷爷约个助浴"], "他"),
    (["我家老伴儿洗澡不方便"], "老人家"),
    (["我妈叫我自己来约个体检"], "您"),
    (["我想约助浴"], "您"),
])
def test_the_person_served(texts, who):
    assert conversation.person_served(texts) == who


def test_the_age_question_asks_about_the_person_served(app_env, domain):
    slots, said, _ = run(FORM(), tracker("替我外婆约个助浴", intent="book_service", form_active=False), domain)
    assert slots["requested_slot"] == booking_actions.AGE_SLOT
    assert "她今年多大年纪" in said[-1] and "您今年" not in said[-1]
    slots, _, _ = run(FORM(), tracker("她八十七了", slots={
        "booking_service": "助浴", "requested_slot": booking_actions.AGE_SLOT}), domain)
    assert slots["booking_eligibility"] == "她八十七了"


@pytest.mark.parametrize(("said", "age", "disabled"), [
    ("佢九十几岁，行路唔稳", 90, True),
    ("我爸七十来岁", 70, None),
])
def test_ages_and_walking_said_loosely(said, age, disabled):
    assert conversation.eligibility_from(said) == conversation.Eligibility(age=age, disabled=disabled)


# --- loneliness is no booking ------------------------------------------------------------------

@pytest.mark.parametrize(("text", "lonely"), [
    ("儿女都在外地 我一个人怪没意思的", True),
    ("老伴走了以后 家里挺寂寞的", True),
    ("寂寞的话能约心理咨询吗", False),  # a question, a service named
    ("一个人闷得慌 帮我约个谈心的", False),  # a booking asked for
])
def test_loneliness_alone(text, lonely):
    assert conversation.only_lonely(text) is lonely


def test_loneliness_heard_as_a_booking_gets_company_offered_not_the_service_question(app_env, domain):
    slots, said, _ = run(FORM(), tracker("儿女都在外地 我一个人怪没意思的", intent="book_service",
                                         form_active=False), domain)
    assert slots["requested_slot"] is None and slots["booking_service"] is None
    assert "活动室" in said[0] and "哪项服务" not in " ".join(said)


# --- a dropped booking taken up again ----------------------------------------------------------

def test_a_dropped_booking_taken_up_again_keeps_its_service(app_env, domain):
    events = [{"event": "slot", "name": "booking_service", "value": "保洁"},
              {"event": "user", "text": "先不弄了"},
              {"event": "action", "name": "action_leave_form"},
              {"event": "bot", "text": "好的，刚才的保洁预约不约了。需要的时候再跟我说。"},
              {"event": "slot", "name": "booking_service", "value": None},
              {"event": "user", "text": "想了想还是约吧，周二下午三点"}]
    slots, _, _ = run(FORM(), tracker("想了想还是约吧，周二下午三点", intent="book_service", form_active=False,
                                      events=events), domain)
    assert slots["booking_service"] == "保洁"


def test_without_a_dropped_booking_nothing_is_guessed(app_env, domain):
    slots, _, _ = run(FORM(), tracker("想了想还是约吧，周二下午三点", intent="book_service", form_active=False),
                      domain)
    assert not slots.get("booking_service")


# --- yes said as "just so" -----------------------------------------------------------------

@pytest.mark.parametrize(("text", "yes"), [
    ("好 就这吧", True),
    ("系，就咁啦", True),
    ("就这个时间改一下", False),
])
def test_just_so_is_a_yes(text, yes):
    assert conversation.confirms(text) is yes


def test_which_services_asked_in_cantonese():
    assert conversation.asks_service_list("有乜嘢服务可以预约")
    assert not conversation.asks_service_list("我约咗咩")


# --- picked from the cancel list in words -------------------------------------------------------

def _two(db):
    bath = book(db, sender_id="web:t1", service="体检", starts_at=datetime(2026, 12, 1, 9), now=NOW)
    cut = book(db, sender_id="web:t1", service="理发", starts_at=datetime(2026, 12, 2, 9), address="幸福路8号",
               now=NOW)
    return bath, cut


def _picked(text: str, payload: str, domain: dict, *, listed: bool = True):
    """The pick sent as the button's payload with the words kept, after the list (or not)."""
    asked = {"event": "bot", "text": "您有2个预约：…是哪一个？",
             "data": {"buttons": [{"title": "…", "payload": payload}]}}
    events = [{"event": "user", "text": "帮我退一个预约"}, *([asked] if listed else []),
              {"event": "user", "text": payload}]
    trk = tracker(payload, intent="cancel_booking", form_active=False, events=events)
    trk.latest_message["metadata"] = {commands.WORDS_KEY: text}
    return run(booking_actions.ActionCancelBooking(), trk, domain)


def test_a_pick_that_says_the_cancel_again_cancels_at_once(app_env, domain):
    checkup, cut = _two(app_env)
    slots, said, _ = _picked("体检那个取消掉", cancel_payload(checkup.id), domain)
    assert "已经取消" in said[0] and checkup.id in said[0]
    assert slots.get("booking_cancel_pending") is False


def test_a_bare_pick_after_an_outright_cancel_cancels(app_env, domain):
    """Round 22: 帮我退一个预约 → 要取消哪一个？ → 第一个: the only question left was which one,
    and the pick answers it (round 17 asked a third time; three blind writers counted that
    as not done). Asked first still when the cancel was only asked about (below)."""
    checkup, _ = _two(app_env)
    slots, said, _ = _picked("第一个", cancel_payload(checkup.id), domain)
    assert "已经取消" in said[0] and checkup.id in said[0]
    assert slots.get("booking_cancel_pending") is False


def test_a_bare_pick_is_still_asked_when_the_cancel_was_a_question(app_env, domain):
    checkup, _ = _two(app_env)
    asked = {"event": "bot", "text": "您有2个预约：…要取消哪一个？",
             "data": {"buttons": [{"title": "…", "payload": cancel_payload(checkup.id)}]}}
    events = [{"event": "user", "text": "预约还能退吗"}, asked, {"event": "user", "text": cancel_payload(checkup.id)}]
    trk = tracker(cancel_payload(checkup.id), intent="cancel_booking", form_active=False, events=events)
    trk.latest_message["metadata"] = {commands.WORDS_KEY: "第一个"}
    slots, said, _ = run(booking_actions.ActionCancelBooking(), trk, domain)
    assert slots == {"booking_cancel_id": checkup.id, "booking_cancel_pending": True} and "吗" in said[0]


def test_a_typed_id_with_a_cancel_word_is_still_asked(app_env, domain):
    """取消YY… typed (no list shown): the id sent as the intent, the words kept; asked first."""
    checkup, _ = _two(app_env)
    slots, _, _ = _picked(f"把{checkup.id}取消掉", cancel_payload(checkup.id), domain, listed=False)
    assert slots == {"booking_cancel_id": checkup.id, "booking_cancel_pending": True}


def test_a_tap_is_still_asked(app_env, domain):
    checkup, _ = _two(app_env)
    slots, _, _ = run(booking_actions.ActionCancelBooking(),
                      tracker(cancel_payload(checkup.id), intent="cancel_booking", form_active=False), domain)
    assert slots == {"booking_cancel_id": checkup.id, "booking_cancel_pending": True}


@pytest.mark.parametrize(("text", "again"), [
    ("理发那个退了吧", True),
    ("理发那个不要了吗", False),
    ("理发那个先别取消", False),
])
def test_cancels_again(text, again):
    assert conversation.cancels_again(text) is again


def test_words_of_a_payload():
    assert commands.words_of({"text": "/inform", "metadata": {commands.WORDS_KEY: "是9号楼"}}) == "是9号楼"
    assert commands.words_of({"text": "是9号楼", "metadata": {commands.WORDS_KEY: "别的"}}) == "是9号楼"
    assert commands.words_of({"text": "/affirm"}) == "/affirm"


@pytest.mark.parametrize(("text", "yes"), [("现在对了", True), ("这下没问题了", True), ("这下对了吗", False)])
def test_right_now_after_a_correction_is_a_yes(text, yes):
    assert conversation.confirms(text) is yes


def test_when_a_service_is_offered_heard_as_a_question_about_bookings(app_env, domain):
    _, said, events = run(booking_actions.ActionQueryBooking(),
                          tracker("请问心理咨询礼拜几有啊", intent="query_booking", form_active=False), domain)
    assert "周二" in said[0] and "周五" in said[0] and not events


def test_a_question_about_ones_own_booking_is_still_about_bookings(app_env, domain):
    _, said, _ = run(booking_actions.ActionQueryBooking(),
                     tracker("我下礼拜几点去体检", intent="query_booking", form_active=False), domain)
    assert "没有预约" in said[0]


def test_digits_said_for_the_middle_of_the_phone_are_no_tail():
    assert conversation.phone_tail("中间四位说错了，是5566") is None
    assert conversation.phone_tail("尾号是5566") == "5566"
    assert conversation.phone_tail("最后两位是83") == "83"


@pytest.mark.parametrize("said", ["不对 是158开头的", "手机错了 中间是2468", "号码不对 是56"])
def test_digits_not_said_as_the_end_replace_nothing(said):
    """Review 17 note 18: only digits said as the end (or a bare four) amend the phone."""
    assert conversation.amended_phone("13912345678", said) is None


@pytest.mark.parametrize("texts", [["我爷爷走得早 我想约个助浴"], ["我闺女不在家 我想给我自己约个理发"],
                                   ["我老伴前年没了 想约个心理咨询"]])
def test_a_relative_only_named_is_not_the_person_served(texts):
    """Review 17 note 20: the relative must be the booking's object, and 自己 is the resident."""
    assert conversation.person_served(texts) == "您"


@pytest.mark.parametrize("text", ["屋里好闷 暖气烧得太热了", "这几天天气闷得很", "有点闷 空调坏了"])
def test_stuffy_air_is_no_loneliness(text):
    """Review 17 note 19: 闷 of the air or a broken thing is no loneliness."""
    assert not conversation.only_lonely(text)
