"""Round 13 (blind9, tuned): how residents name a service, which services there are, a
progress question where an address is asked, and a yes with a question at the
read-back. Own sentences (never a bench line), a fixed "today" (Sunday 2026-11-29
10:00, Asia/Shanghai), a real migrated database; the actions run without Rasa."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import actions.booking as booking_actions
from assistant.booking import conversation
from assistant.booking.catalogue import DEFAULT_PATH, load_catalogue
from tests.booking.form_helpers import NOW, run, texts
from tests.booking.form_helpers import tracker as _tracker

PACKAGED = load_catalogue(DEFAULT_PATH)


def tracker(text: str, **kwargs):
    return _tracker(text, **{"sender": "web:r13", **kwargs})


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(booking_actions, "now", lambda: NOW)


# --- a long name said by its head --------------------------------------------------------

@pytest.mark.parametrize(("said", "service"), [
    ("心理那个吧，孩子最近睡不着", "心理咨询"),
    ("约个法律的，房子的事想问问", "法律咨询"),
    ("要心理的", "心理咨询"),
])
def test_a_long_name_said_by_its_head_is_that_service(said, service):
    assert conversation.service_asked_for(said, catalogue=PACKAGED) == service


def test_only_a_head_no_other_service_shares_counts():
    # Every long name's head is checked against every other name and alias of the catalogue.
    for service in PACKAGED.services.values():
        if len(service.name) >= 4 and conversation.service_by_head(service.name[:2] + "那个", PACKAGED):
            others = [w for s in PACKAGED.services.values() if s.name != service.name for w in (s.name, *s.aliases)]
            assert not any(w.startswith(service.name[:2]) for w in others)


@given(st.sampled_from([s for s in PACKAGED.services.values() if len(s.name) >= 4]),
       st.sampled_from(["", "那个", "那个吧", "的吧，", "那项，麻烦了"]))
@settings(max_examples=40, deadline=None)
def test_any_long_name_by_its_head_with_a_pointer(service, tail):
    said = service.name[:2] + tail
    assert conversation.service_asked_for(said, catalogue=PACKAGED) in (service.name, None)
    if conversation._head_is_own(service.name, PACKAGED):
        assert conversation.service_asked_for(said, catalogue=PACKAGED) == service.name


@pytest.mark.parametrize("said", ["明天下午三点", "13912345678", "我也说不好", "理发"])
def test_no_head_in_words_that_name_none(said):
    assert conversation.service_by_head(said, PACKAGED) is None


# --- a repair said with 修 ---------------------------------------------------------------

@pytest.mark.parametrize("said", [
    "卫生间的龙头老是滴水，约个修的",
    "叫个修理的师傅来一趟",
    "想找个修东西的上门",
    "约个师傅上门整下个水喉",  # Cantonese: 整 = fix, 水喉 = tap
    "帮我整一个水喉",
])
def test_the_one_who_repairs_asked_for_is_a_repair(said):
    assert conversation.service_asked_for(said, catalogue=PACKAGED) == "维修"


@pytest.mark.parametrize("said", ["整个楼都停电了", "电梯又坏了，找人来修", "楼道灯坏了约个修的"])
def test_a_public_place_is_still_no_home_repair(said):
    assert conversation.service_in_everyday_words(said, PACKAGED) is None


# --- which services there are --------------------------------------------------------------

@pytest.mark.parametrize("said", ["能约哪些服务啊", "你们都有啥服务", "这儿可以约些什么", "有什么能约的"])
def test_asking_which_services_there_are(said):
    assert conversation.asks_service_list(said)


@pytest.mark.parametrize("said", ["我约了哪些服务", "什么时候能约", "我想约理发", "/book_service"])
def test_not_asking_which_services_there_are(said):
    assert not conversation.asks_service_list(said)


def test_the_list_shows_every_service_as_a_button(app_env, domain):
    slots, messages, _ = run(booking_actions.ValidateBookingForm(),
                             tracker("能约哪些服务啊", intent="book_service", form_active=False), domain)
    catalogue = load_catalogue()
    assert [b["title"] for b in messages[-1]["buttons"]] == list(catalogue.services)
    assert all(name in messages[-1]["text"] for name in catalogue.services)
    assert slots["requested_slot"] == booking_actions.LIST_SLOT  # Rasa adds no shorter question


def test_the_answer_to_the_list_is_the_service(app_env, domain):
    slots, messages, _ = run(booking_actions.ValidateBookingForm(),
                             tracker("心理那个吧，孩子压力大", slots={"requested_slot": booking_actions.LIST_SLOT}),
                             domain)
    assert slots["booking_service"] == "心理咨询"
    assert "暂时没有" not in texts(messages)


def test_a_time_said_at_the_list_is_kept(app_env, domain):
    slots, _, _ = run(booking_actions.ValidateBookingForm(),
                      tracker("后天上午10点", slots={"requested_slot": booking_actions.LIST_SLOT}), domain)
    assert slots.get("booking_service") is None
    assert slots["booking_time_text"] == "后天上午10点"


def test_two_failed_service_answers_offer_every_service(app_env, domain):
    _, messages, _ = run(booking_actions.ValidateBookingForm(),
                         tracker("嗯嗯", slots={"requested_slot": "booking_service",
                                              "form_failures": "booking_service:1"}), domain)
    titles = [b["title"] for m in messages for b in m.get("buttons") or []]
    assert set(load_catalogue().services) <= set(titles) and "转人工" in titles


# --- a progress question where the address is asked -----------------------------------------

@pytest.mark.parametrize("said", [
    "诶，刚才那个GD202611290003到哪一步了",
    "上午报的那个单子现在到哪步了",
    "12号楼那个工单进度怎么样",
])
def test_a_progress_question_is_no_address(said):
    assert conversation.address_from(said) is None
    assert not conversation.answers_slot("booking_address", said)


def test_an_address_said_with_the_phone_keeps_only_the_address():
    said = "地址88号楼1单元402，电话还是13912345678"
    assert conversation.address_in(said) == "88号楼1单元402"
    assert conversation.value_slot(said, prefer="booking_address") == ("booking_address", "88号楼1单元402")


# --- a yes with a question at the read-back ---------------------------------------------------

@pytest.mark.parametrize(("said", "question"), [
    ("对，到时候会发短信提醒我吗？", "到时候会发短信提醒我吗"),
    ("好的，到时候提醒我一声", "到时候提醒我一声"),
    ("是的，要带身份证吗", "要带身份证吗"),
])
def test_a_yes_then_a_question(said, question):
    assert conversation.yes_then_question(said).rstrip("?？") == question


@pytest.mark.parametrize("said", ["对", "对，谢谢", "对，时间改成三点", "不对，会提醒我吗", "对吗？", "嗯，不用了吧"])
def test_no_yes_then_question(said):
    assert conversation.yes_then_question(said) is None


FILLED = {"booking_service": "体检", "booking_time": "2026-12-01T08:30", "booking_phone": "13912345678",
          "booking_confirming": True}


def test_a_yes_with_a_reminder_question_books_and_answers_honestly(app_env, domain):
    slots, messages, _ = run(booking_actions.ActionSubmitBooking(),
                             tracker("对，那到时候会发短信提醒我吧？", intent="query_booking", slots=FILLED,
                                     form_active=False), domain)
    said = texts(messages)
    assert "预约号YY" in said
    assert "发不了" in said and "前一天我会" not in said  # the web chat cannot push anything
    assert not any(w in said for w in ("会提醒您", "到时提醒您"))  # no words of a promise
    assert slots["booking_confirming"] is False


def test_a_reminder_question_with_a_change_books_nothing(app_env, domain):
    slots, messages, _ = run(booking_actions.ActionSubmitBooking(),
                             tracker("对，时间改成九点，会提醒我吗", slots=FILLED, form_active=False), domain)
    assert "预约号" not in texts(messages)


# --- an offer a policy answer left open is passed over when a booking starts ----------------------

@pytest.mark.parametrize("form_active", [False, True])  # Rasa validates a new form as already active
def test_a_booking_that_starts_passes_over_the_policy_offer(app_env, domain, form_active):
    trk = tracker("帮我约个保洁，明天上午10点 22栋1单元1801", intent="book_service", form_active=form_active,
                  slots={"policy_offer_pending": True, "policy_pending_question": "医保卡丢了咋补办"})
    slots, _, _ = run(booking_actions.ValidateBookingForm(), trk, domain)
    assert slots["policy_offer_pending"] is False  # the read-back's 对 is the booking's
    assert slots["policy_pending_question"] is None
    assert slots["booking_service"] == "保洁"


def test_a_running_booking_leaves_no_offer_slots_behind(app_env, domain):
    slots, _, _ = run(booking_actions.ValidateBookingForm(),
                      tracker("明天上午10点", slots={"booking_service": "保洁", "requested_slot": "booking_time",
                                                  "policy_offer_pending": True}),
                      domain)
    assert "policy_offer_pending" not in slots  # an offer made inside the form is the resume question's


def test_the_free_times_of_a_service_heard_as_a_query_start_its_booking(app_env, domain):
    slots, _, other = run(booking_actions.ActionQueryBooking(),
                          tracker("后天能剪头不 都有啥时间", intent="query_booking", form_active=False), domain)
    assert slots == {"booking_service": "理发"}
    assert other == [{"event": "followup", "name": "booking_form", "timestamp": None}]


def test_what_is_booked_is_still_a_query(app_env, domain):
    slots, messages, _ = run(booking_actions.ActionQueryBooking(),
                             tracker("我约了什么", intent="query_booking", form_active=False), domain)
    assert slots == {} and "没有预约" in texts(messages)
