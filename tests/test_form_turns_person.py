"""The one "asks for a person" rule (assistant.form_turns.wants_person), called by every
form (算了，找工作人员吧: leave, then hand over; actions/forms.py) and by degraded mode
(a hand-off request while Rasa is down; assistant/degraded.py). Until issue #12's
housekeeping each had its own word list; the more careful one (degraded mode's: a verb
of asking before whom) was kept, with the forms' extra ways of asking."""

from __future__ import annotations

import pytest

from assistant import degraded
from assistant.form_turns import (
    bare_yes,
    cant_answer,
    classify,
    declines_person,
    resume_answer,
    wants_person,
    without_declined_person,
)


@pytest.mark.parametrize(
    "text",
    [
        "转人工",
        "找工作人员",
        "我要人工",
        "人工服务",
        "叫个真人",
        "人工",
        "人工！",
        "我要找工作人员",
        "帮我联系一下物业的人",
        "算了 找工作人员吧",
        "不知道，找工作人员吧",
        # the forms' own list had these; degraded mode now hands them over too
        "找领导",
        "找你们的人来看看",
        "你们打电话给我吧",
    ],
)
def test_asks_for_a_person(text):
    assert wants_person(text)
    assert degraded.decide(text).kind == "handoff"


@pytest.mark.parametrize(
    ("text", "degraded_kind"),
    [
        ("工作人员态度很差", "recorded"),  # names staff, asks for no one (was a person in forms)
        ("工作人员态度很差，我要投诉", "ticket"),  # a complaint about staff
        ("人工费多少", "recorded"),  # a question about a price
        ("上次工作人员来修过", "recorded"),  # a story (was a person in forms)
        ("你是真人吗", "recorded"),  # a question about the butler (was a person in forms)
        ("有人打电话给我说要停水", "recorded"),  # someone else's call (was a person in forms)
    ],
)
def test_naming_staff_is_not_asking_for_them(text, degraded_kind):
    assert not wants_person(text)
    assert degraded.decide(text).kind == degraded_kind


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("不用转人工，你帮我约个理发就行", "你帮我约个理发就行"),
        ("别转人工", ""),
        ("不要找工作人员，帮我看看3号楼的路灯", "帮我看看3号楼的路灯"),
        ("不需要人工了，继续吧", "继续吧"),
        ("不要人工", ""),
    ],
)
def test_a_declined_hand_off_is_no_hand_off(text, rest):
    # Issue #11: the words of asking, said no to. The rest of the message is read as usual.
    assert not wants_person(text) and declines_person(text)
    assert without_declined_person(text) == rest
    assert degraded.decide(text).kind != "handoff"


@pytest.mark.parametrize(
    "text", ["能不能转人工", "要不找工作人员吧", "怎么还不转人工", "别转人工了…算了还是转人工吧"]
)
def test_a_question_or_a_change_of_mind_still_asks(text):
    assert wants_person(text) and not declines_person(text)
    assert without_declined_person(text) == text
    assert degraded.decide(text).kind == "handoff"


def test_a_declined_hand_off_with_a_complaint_files_the_complaint_in_degraded_mode():
    assert degraded.decide("不用转人工，3号楼楼道灯坏了好几天了").kind == "ticket"


@pytest.mark.parametrize("said", ["给我转个人工", "转一下人工", "帮我转个工作人员"])
def test_a_measure_word_between_the_verb_and_whom_still_asks(said):
    assert wants_person(said) and not declines_person(said)


@pytest.mark.parametrize(
    "text",
    [
        "不知道",
        "我也说不好",
        "说不准",
        "不好说",
        "不确定",
        "拿不准",
        "没想好",
        "还没想好",
        "想不好",
        "记不清了",
    ],
)
def test_i_cannot_answer_is_a_failed_answer(text):
    # Never leaving (the deny it sounds like) nor a question in the middle.
    assert cant_answer(text)
    assert classify("deny", text, answers=False) == "answer"
    assert classify("ask_policy", text, answers=False) == "answer"


@pytest.mark.parametrize(
    ("text", "intent", "turn"),
    [
        ("不知道，帮我转人工", "request_human", "handoff"),
        ("不知道，帮我转人工", "deny", "stop"),  # not read as a failed answer: the intent decides
        ("我不知道怎么取消这个预约", "cancel_booking", "stop"),
        ("说不好，算了", "inform", "stop"),
        ("不清楚，找个工作人员跟我说", "request_human", "handoff"),
    ],
)
def test_i_dont_know_with_a_person_or_a_cancel_goes_its_own_way(text, intent, turn):
    assert not cant_answer(text)
    assert classify(intent, text, answers=False) == turn


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("/affirm", True),  # the 继续 button at 刚才的…还继续吗？
        ("好", True),
        ("继续吧", True),
        ('/affirm{"x": "y"}', False),  # not exactly the button's payload
        ("/inform", False),
        ("好，地址12号楼5单元303", False),  # answers in the same breath
    ],
)
def test_a_bare_yes_to_go_on(text, bare):
    assert bare_yes(text) is bare


def test_the_continue_button_is_a_yes_that_answers_nothing():
    assert resume_answer("/affirm", "affirm") == "yes" and bare_yes("/affirm")


@pytest.mark.parametrize(
    "text",
    [
        "转人工吧",
        "我想和你们客服直接讲",
        "能不能找你们领导来跟我说",
        "麻烦联系社区负责人",
        "我要找管事的",
        "楼道灯坏了 我要跟工作人员当面说",
    ],
)
def test_staff_asked_for(text):
    assert wants_person(text, staff_only=True)
    assert wants_person(text)


@pytest.mark.parametrize(
    "text",
    [
        "水管漏了 修好了给我回个电话",  # a call back: may only ask to hear the outcome
        "路灯不亮 快叫物业的人来修",  # someone sent to work, no staff to speak with
        "你们打电话给我吧",
        "帮我找个人来看看",
    ],
)
def test_asks_for_someone_who_is_not_staff(text):
    assert wants_person(text)
    assert not wants_person(text, staff_only=True)


@pytest.mark.parametrize(
    "text",
    [
        "工作人员上午来过了",  # names staff, asks for no one
        "不用转人工 你帮我约个理发",  # said no to
        "客服电话是多少",
        "我跟我们领导商量一下",  # the resident's own boss
    ],
)
def test_no_staff_asked_for(text):
    assert not wants_person(text, staff_only=True)


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        # review 17 (d24516d's residue): the leader's number asked for, to call them oneself
        ("我想联系一下居委会负责人的手机 号码多少", False),
        ("找物业领导的联系方式 能给我吗", False),
        # asked outright, a phone said only after it
        ("麻烦找你们负责人 电话一直打不通", True),
    ],
)
def test_a_leaders_number_asked_for_is_no_hand_off(text, asks):
    assert wants_person(text) is asks


@pytest.mark.parametrize("text", [
    "后天上午我得去找街道领导签个字 换个时间吧",  # the resident's own errand
    "我先去找小区负责人问问 回头再约",
    "楼道灯不亮 叫物业负责人来换一下",  # someone sent to do a job: the report's
])
def test_in_charge_named_on_an_errand_or_for_a_job_is_no_hand_off(text):
    """Review 17 note 1: 找/叫 + 负责人/领导 asks us for a person only when asked of us."""
    assert not wants_person(text)
    assert not wants_person(text, staff_only=True)


def test_someone_on_duty_sent_is_not_staff_to_speak_with():
    """Review 17 note 2: 管理员 / 值班的人 are mostly sent to do a job."""
    assert not wants_person("电梯卡住了 快叫值班的人来开一下", staff_only=True)
