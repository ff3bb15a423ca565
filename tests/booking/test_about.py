"""Questions about a service answered from the catalogue (assistant/booking/about.py)."""

from __future__ import annotations

import pytest

from assistant.booking.about import answer_about_service


@pytest.mark.parametrize("text, service, words", [
    ("助浴有啥条件", "助浴", ["70岁以上", "周一"]),
    ("理发有年龄要求吗", "理发", ["没有年龄等条件", "10元"]),
    ("俺想问问剃头多少钱", "理发", ["10元"]),
    ("体检哪天有", "体检", ["周二、周四"]),
])
def test_a_service_question_is_answered_from_the_catalogue(text, service, words):
    name, answer = answer_about_service(text)
    assert name == service and all(word in answer for word in words), answer


@pytest.mark.parametrize("text", ["医保怎么报销", "我想约理发", "助浴", "/ask_policy", ""])
def test_no_service_or_no_question_is_not_answered_here(text):
    assert answer_about_service(text) is None
