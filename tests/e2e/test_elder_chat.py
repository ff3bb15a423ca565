"""The elderly path through /api/v1/chat with the real Rasa server, action server and
gateway (issue #13 item 6): 再说一遍 and 慢一点 in the middle of a booking form repeat
the question slower without disturbing the form, 我年纪大了 sets the profile staff
see, and content said with 我年纪大了 still books."""

from __future__ import annotations

import pytest

from assistant.booking.catalogue import DEFAULT_PATH, load_catalogue

from .test_booking_chat import day_phrase

pytestmark = pytest.mark.e2e


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def rates(replies: list[dict]) -> list[float]:
    return [r["custom"]["speak"]["rate_factor"] for r in replies]


def test_say_it_again_and_slower_inside_a_booking_form_keep_the_form(butler, staff_token):
    first = butler.chat("elder-1", "我想约个上门理发")
    asked = [r["text"] for r in first]
    assert any("哪天" in t or "几点" in t for t in asked)

    again = butler.chat("elder-1", "没听清，再说一遍")
    assert [r["text"] for r in again] == asked and rates(again) == [0.8] * len(again)

    slower = butler.chat("elder-1", "说慢点")
    assert slower[0]["text"] == "好的，我说慢一点。"
    assert [r["text"] for r in slower[1:]] == asked and rates(slower) == [0.8] * len(slower)

    # The form never saw any of it: the next answer is read as the time (a day 理发
    # works on, by the servers' clock and the packaged catalogue).
    phrase, _ = day_phrase(load_catalogue(DEFAULT_PATH), butler.clear_of_midnight().date())
    assert "地址" in butler.say("elder-1", f"{phrase}上午十点")

    resp = butler.http.get(f"{butler.gateway_url}/api/v1/residents/{butler.sender('elder-1')}/profile",
                           headers=auth(staff_token))
    assert resp.status_code == 200
    assert resp.json()["elderly"] is True and resp.json()["set_by"] == "resident"


def test_im_old_with_a_request_still_books(butler):
    said = butler.say("elder-2", "我年纪大了腿脚不方便想约个上门理发")
    assert "我会说慢一点" not in said
    assert "哪天" in said or "几点" in said
