"""Round 12 of the booking conversations (issue #11): a cancel taken back at its
confirmation, Cantonese and dialect names of services, a correction said back, a
fee question in the middle of the form."""

from __future__ import annotations

from datetime import datetime

import pytest

from assistant.booking import conversation
from assistant.booking.service import book, get_booking
from tests.booking.test_actions import NOW, fixed_now, run, tracker  # noqa: F401 - fixed_now is a fixture

import actions.booking as booking_actions


# --- 不取消了 at 要取消…吗？ -----------------------------------------------------------

@pytest.mark.parametrize("said", ["等等等等 不取消了 还是去吃", "先别取消", "不用取消了", "还是留着吧", "不要取消"])
def test_taking_the_cancel_back_keeps_the_booking(said):
    assert conversation.keeps_booking(said)


@pytest.mark.parametrize("said", ["对，取消吧", "取消", "是的，不要了", "还是取消吧", "还是要取消", "对"])
def test_a_yes_to_the_cancel_is_no_keeping(said):
    assert not conversation.keeps_booking(said)


def test_no_cancel_heard_as_cancel_booking_keeps_it_and_says_so(app_env, domain):
    meal = book(app_env, sender_id="web:t1", service="助餐", starts_at=datetime(2026, 11, 30, 12), now=NOW)
    slots, said, _ = run(
        booking_actions.ActionCancelBooking(),
        tracker("等等等等 不取消了 还是去吃", intent="cancel_booking", form_active=False,
                slots={"booking_cancel_id": meal.id, "booking_cancel_pending": True}),
        domain,
    )
    assert slots["booking_cancel_pending"] is False and slots["booking_cancel_id"] is None
    assert "不取消" in said[0] and "保留" in said[0] and "助餐" in said[0]
    with app_env.session() as session:
        assert get_booking(session, meal.id).status == "booked"


# --- Cantonese and dialect names of services -------------------------------------------

@pytest.mark.parametrize(("said", "service"), [
    ("我想搵个人陪我去睇医生 唔该", "陪诊"),
    ("揾人陪我睇医生", "陪诊"),
    ("想飞个发", "理发"),
    ("约个飞发", "理发"),
    ("揾人执屋", "保洁"),
    ("搵师傅整下水喉", "维修"),
    ("帮我冲凉", "助浴"),
    ("想去食饭", "助餐"),
])
def test_cantonese_and_dialect_words_name_the_service(said, service):
    assert conversation.service_asked_for(said) == service


def test_going_to_the_doctor_with_someone_is_no_escort():
    assert conversation.service_asked_for("我要陪我妈去睇医生") is None


def test_a_cantonese_morning_is_read():
    from assistant.booking.timeparse import extract_time

    parsed = extract_time("明天朝早八点", NOW)
    assert parsed.start.hour == 8 and parsed.start.day == 30


def test_a_cantonese_yes_with_dui():
    assert conversation.confirms("啱 对")


# --- the service question failed twice, while other answers were given ---------------

def test_other_answers_at_the_service_question_count_as_failed_answers(app_env, domain):
    from tests.booking.test_actions import validate

    events, said = validate(tracker("263座2单元801", slots={"requested_slot": "booking_service"}), domain)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["booking_address"] == "263座2单元801"  # kept
    assert slots["form_failures"] == "booking_service:1"
    events, said = validate(
        tracker("13812347218", slots={"requested_slot": "booking_service", "booking_address": "263座2单元801",
                                      "form_failures": "booking_service:1"}), domain)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["booking_phone"] == "13812347218" and slots["form_failures"] == "booking_service:2"
    titles = [b["title"] for b in said[-1]["buttons"]]
    assert "理发" in titles and titles[-1] == "转人工"


def test_a_day_at_the_time_question_is_no_failed_answer(app_env, domain):
    from tests.booking.test_actions import validate

    events, _ = validate(tracker("明天", slots={"requested_slot": "booking_time", "booking_service": "理发"}), domain)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots.get("booking_time_text") and "form_failures" not in slots


# --- a correction at another question is said back ------------------------------------

AT_PHONE_REPAIR = {"booking_service": "维修", "booking_time": "2026-11-30T10:30",
                   "booking_address": "208栋1单元1502", "requested_slot": "booking_phone"}


def test_a_time_changed_at_the_phone_question_is_said_back(app_env, domain):
    from tests.booking.test_actions import validate

    events, said = validate(tracker("等下 时间换成下午两点半吧 上午我不在家", slots=AT_PHONE_REPAIR), domain)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["booking_time"] == "2026-11-30T14:30"
    assert [m["text"] for m in said] == ["好的，时间改成11月30日（周一）下午2点半。"]


def test_an_answer_to_the_question_asked_is_not_said_back(app_env, domain):
    from tests.booking.test_actions import validate

    _, said = validate(tracker("13812342231", slots=AT_PHONE_REPAIR), domain)
    assert said == []


def test_changed_text():
    assert conversation.changed_text("booking_phone", "13812342231") == "好的，电话改成138****2231。"
    assert conversation.changed_text("booking_address", "3号楼") == "好的，地址改成3号楼。"


# --- a fee question in the middle of the form -------------------------------------------

AT_ADDRESS_REPAIR = {"booking_service": "维修", "booking_time": "2026-11-30T09:30",
                     "requested_slot": "booking_address"}


@pytest.mark.parametrize("said", ["诶对了 上门修东西收不收钱啊", "要钱吗", "多少钱啊"])
def test_a_fee_question_is_answered_and_the_form_asks_to_go_on(app_env, domain, said):
    from tests.booking.test_actions import validate

    events, messages = validate(tracker(said, intent="inform", confidence=0.4, slots=AT_ADDRESS_REPAIR), domain)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert [m["text"] for m in messages] == ["上门维修免费（材料费另算）。"]
    assert slots["requested_slot"] == "form_resume" and "booking_address" not in slots


def test_go_on_with_the_address_after_the_fee_answer(app_env, domain):
    from tests.booking.test_actions import validate

    events, _ = validate(tracker("继续 203栋1单元602", slots={**AT_ADDRESS_REPAIR, "requested_slot": "form_resume",
                                                               "form_resume": "booking_form"}), domain)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["booking_address"] == "203栋1单元602" and slots["requested_slot"] == "booking_phone"


def test_the_price_answer_comes_from_the_catalogue():
    from assistant.booking.about import price_answer

    from assistant.booking.catalogue import load_catalogue

    services = load_catalogue().services
    assert price_answer("理发") == f"上门理发{services['理发'].price_text()}。"
    assert price_answer("助餐") == f"助餐在社区服务中心，{services['助餐'].price_text()}。"
    assert price_answer("维修") == "上门维修免费（材料费另算）。"


# --- 到时候提醒我一下: honest about the channel -------------------------------------------

def test_a_reminder_asked_on_the_web_chat_is_refused_honestly(app_env):
    book(app_env, sender_id="web:t1", service="理发", starts_at=datetime(2026, 11, 30, 11), address="241栋", now=NOW)
    text = conversation.reminder_asked_text(app_env, "web:t1", now=NOW)
    assert "没法" in text and "理发" in text and "我约了什么" in text
    assert "会提醒" not in text and "会发消息提醒" not in text


def test_a_reminder_asked_on_telegram_is_promised_when_one_is_scheduled(app_env):
    book(app_env, sender_id="telegram:7", service="理发", starts_at=datetime(2026, 12, 2, 11), address="241栋",
         now=NOW)
    assert "前一天我会发消息提醒您" in conversation.reminder_asked_text(app_env, "telegram:7", now=NOW)


def test_a_reminder_asked_without_a_booking(app_env):
    assert "没法" in conversation.reminder_asked_text(app_env, "web:none", now=NOW)


def test_a_reminder_heard_as_query_booking_is_answered_honestly(app_env, domain):
    book(app_env, sender_id="web:t1", service="理发", starts_at=datetime(2026, 11, 30, 11), address="241栋", now=NOW)
    _, said, _ = run(booking_actions.ActionQueryBooking(),
                     tracker("到时候提醒我一下哈 我记性不好", intent="query_booking", form_active=False), domain)
    assert "没法" in said[0] and "理发" in said[0]


# --- a part of the day with no time in it: the day kept, its clock asked --------------------

def test_an_evening_meal_keeps_the_day_and_asks_the_clock_then_half_past_five(app_env, domain):
    from tests.booking.test_actions import validate

    events, said = validate(tracker("明天晚上想去服务中心吃饭 那个助餐", intent="book_service", form_active=False),
                            domain)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["booking_service"] == "助餐" and slots.get("booking_time") is None
    assert slots["booking_time_text"] == "2026年11月30日"
    texts = [m["text"] for m in said]
    assert any("17:00-18:00" in t for t in texts) and "几点方便" in texts[-1]
    events, said = validate(
        tracker("五点吧……不对不对 换成五点半 我跳完舞过去",
                slots={"booking_service": "助餐", "booking_time_text": "2026年11月30日",
                       "requested_slot": "booking_time_text"}),
        domain,
    )
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["booking_time"] == "2026-11-30T17:30"


def test_a_bare_yes_after_a_list_of_free_times_is_no_refusal(app_env, domain):
    from tests.booking.test_actions import validate

    listed = {"event": "bot", "text": "可以约的时间有：1. 11月30日（周一）上午9点。请选一个，说“第一个”或具体时间都行。",
              "data": {"buttons": [{"title": "11月30日（周一）上午9点",
                                    "payload": '/inform{"time": "2026-11-30T09:00"}'}]}}
    _, said = validate(tracker("对", slots={"booking_service": "理发", "requested_slot": "booking_time"},
                               events=[listed]), domain)
    assert said[0]["text"].startswith("时间还没选") and "约不了" not in said[0]["text"]


def test_a_time_said_with_the_age_is_kept(app_env, domain):
    from tests.booking.test_actions import validate

    events, _ = validate(tracker("我82了 明天上午9点",
                                 slots={"booking_service": "助浴", "requested_slot": "booking_eligibility"}), domain)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["booking_eligibility"] == "我82了 明天上午9点"
    assert slots["booking_time"] == "2026-11-30T09:00"


@pytest.mark.parametrize("said", ["对了，八十岁的高龄津贴一个月多少钱？", "医保报销要钱吗 住院的"])
def test_a_price_of_something_else_is_no_fee_question(app_env, domain, said):
    from tests.booking.test_actions import validate

    _, messages = validate(tracker(said, intent="ask_policy", confidence=0.95, slots=AT_ADDRESS_REPAIR), domain)
    assert not any("免费" in (m.get("text") or "") for m in messages)


# --- 那给她约一个 after a service was offered, heard as query_booking -------------------------

@pytest.mark.parametrize(("said", "wish"), [
    ("俺娘八十二了，那给她约一个", True), ("帮我约一个", True), ("给我妈预约一下", True),
    ("我约了什么", False), ("我的预约呢", False), ("帮我查查约了哪些", False), ("帮我取消一个", False),
])
def test_a_wish_to_book_is_no_question_about_bookings(said, wish):
    assert conversation.wishes_to_book(said) is wish


def test_a_wish_after_an_offer_books_the_service_offered(app_env, domain):
    offer = {"event": "bot", "text": "助浴：…要帮您约助浴吗？",
             "data": {"buttons": [{"title": "约助浴", "payload": '/book_service{"service_type": "助浴"}'},
                                  {"title": "不用了", "payload": "/deny"}]}}
    events = [{"event": "user", "text": "助浴有啥条件"}, offer, {"event": "user", "text": "俺娘八十二了，那给她约一个"}]
    slots, said, other = run(booking_actions.ActionQueryBooking(),
                             tracker("俺娘八十二了，那给她约一个", intent="query_booking", form_active=False,
                                     events=events), domain)
    assert slots == {"booking_service": "助浴"} and said == []
    assert other[0]["event"] == "followup" and other[0]["name"] == "booking_form"


@pytest.mark.parametrize("action", [booking_actions.ActionCancelBooking, booking_actions.ActionRescheduleBooking])
def test_a_wish_after_an_offer_heard_as_cancel_or_move_books_too(app_env, domain, action):
    offer = {"event": "bot", "text": "要帮您约助浴吗？",
             "data": {"buttons": [{"title": "约助浴", "payload": '/book_service{"service_type": "助浴"}'}]}}
    slots, _, other = run(action(), tracker("那给她约一个", intent="cancel_booking", form_active=False,
                                            events=[offer, {"event": "user", "text": "那给她约一个"}]), domain)
    assert slots.get("booking_service") == "助浴" and other[-1]["name"] == "booking_form"


def test_an_address_said_at_the_phone_question_is_taken_and_the_phone_asked_again(app_env, domain):
    from tests.booking.test_actions import validate

    at_phone = {"booking_service": "理发", "booking_time": "2026-11-30T10:00", "booking_address": "125号楼",
                "requested_slot": "booking_phone"}
    events, said = validate(tracker("125号楼1单元201", slots=at_phone), domain)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["booking_address"] == "125号楼1单元201" and slots.get("booking_phone") is None
    assert not any("手机号好像不对" in (m.get("text") or "") for m in said)
    assert said[0]["text"] == "好的，地址改成125号楼1单元201。"


@pytest.mark.parametrize(("address", "home"), [("3号楼2单元501", True), ("幸福路8号3号楼201室", True),
                                               ("125号楼", False), ("小区东门", False)])
def test_only_an_address_with_a_room_is_a_home(address, home):
    assert conversation.is_home_address(address) is home
