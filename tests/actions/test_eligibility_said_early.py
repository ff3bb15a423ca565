"""An age or a disability said before the butler asks for it is kept (issue #11: a
value given early is never asked again). Own sentences; the form is driven without
Rasa on a real migrated database, with a fixed "today"."""

from __future__ import annotations

import pytest

from assistant.booking import conversation

from tests.actions.test_day_only import fixed_now, run, texts, tracker  # noqa: F401 - the fixed "today"


@pytest.mark.parametrize("said", ["俺要约个助浴，俺爹腿脚不好使", "给我妈约个助浴，她82了", "约助浴，我坐轮椅"])
def test_an_eligibility_said_with_the_request_is_not_asked_again(app_env, domain, said):
    slots, messages = run(tracker(said, intent="book_service", slots={"booking_service": "助浴"},
                                  form_active=False), domain)
    assert slots.get("booking_eligibility") == said
    assert "多大年纪" not in texts(messages)


def test_a_request_without_an_age_keeps_nothing(app_env, domain):
    slots, _ = run(tracker("我想约个助浴", intent="book_service", slots={"booking_service": "助浴"},
                           form_active=False), domain)
    assert not slots.get("booking_eligibility")


@pytest.mark.parametrize("said", ["系啊，啱嘅", "冇错", "对头", "是滴"])
def test_dialect_yes_confirms_the_read_back(said):
    assert conversation.confirms(said)
