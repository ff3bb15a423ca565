"""Two requests in one message (issue #11 item 4): the splitter and the decision."""

from __future__ import annotations

import pytest

from assistant.conversation.split import candidate_split, offer_text, two_requests


@pytest.mark.parametrize("text, first, second", [
    ("我要投诉楼上漏水，顺便约个维修", "我要投诉楼上漏水", "约个维修"),
    ("养老金怎么领，另外帮我约个体检", "养老金怎么领", "帮我约个体检"),
    ("我要投诉噪音，还有上次那个工单怎么样了", "我要投诉噪音", "上次那个工单怎么样了"),
    ("我要投诉噪音还有上次那个工单怎么样了", "我要投诉噪音", "上次那个工单怎么样了"),
    ("帮我约个理发，再帮我查下工单", "帮我约个理发", "帮我查下工单"),
    ("高龄津贴怎么领？对了，我要反映路灯坏了", "高龄津贴怎么领", "我要反映路灯坏了"),
    ("我要约保洁，然后问一下医保怎么交", "我要约保洁", "问一下医保怎么交"),
    ("我要投诉噪音，也想约个理发", "我要投诉噪音", "约个理发"),
    ("路灯坏了顺带问下低保怎么申请", "路灯坏了", "问下低保怎么申请"),
])
def test_connectors_cut_a_message_in_two(text, first, second):
    cut = candidate_split(text)
    assert cut is not None and (cut.first, cut.second) == (first, second)


@pytest.mark.parametrize("text", ["我要约理发", "再见", "我再想想", "还有名额吗", "然后呢", "另外", "楼上漏水还有异味",
                                  "好的，再说一遍"])
def test_no_second_request_without_words_on_both_sides(text):
    cut = candidate_split(text)
    # a cut may exist (楼上漏水还有异味), but never with less than two words a side
    assert cut is None or (len(cut.first) >= 2 and len(cut.second) >= 2)


def parsed(name, confidence=0.9):
    return {"intent": {"name": name, "confidence": confidence}}


def test_two_different_task_intents_are_two_requests():
    assert two_requests(parsed("file_complaint"), parsed("book_service")) == ("file_complaint", "book_service")
    assert two_requests(parsed("ask_policy"), parsed("book_service")) == ("ask_policy", "book_service")
    assert two_requests(parsed("file_complaint"), parsed("check_ticket")) == ("file_complaint", "check_ticket")


@pytest.mark.parametrize("first, second", [
    (parsed("file_complaint"), parsed("file_complaint")),  # 楼上漏水还有异味: one complaint
    (parsed("file_complaint"), parsed("inform")),
    (parsed("greet"), parsed("book_service")),
    (parsed("file_complaint"), parsed("book_service", 0.3)),
    ({}, parsed("book_service")),
])
def test_anything_else_is_one_request(first, second):
    assert two_requests(first, second) is None


def test_the_offer_names_the_second_request():
    assert offer_text("约个维修", "book_service") == "另外您说要约个维修，现在帮您约吗？"
    assert offer_text("帮我约个体检", "book_service") == "另外您说要约个体检，现在帮您约吗？"
    assert "上次那个工单怎么样了" in offer_text("上次那个工单怎么样了", "check_ticket")


def test_an_offered_booking_names_the_service_not_the_words_around_it():
    # 给我老伴儿约个助浴 lost its 给我 to the filler cut and read 您说要老伴儿约个助浴
    assert offer_text("顺便给我老伴儿约个助浴", "book_service") == "另外您说要约个助浴，现在帮您约吗？"
