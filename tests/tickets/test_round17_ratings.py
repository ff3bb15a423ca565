"""Round 17: a rating said unasked in the regions' words, about work said done, is the
rating of the resident's handled ticket (not a new report, not a greeting). New wording,
not the corpora's."""

from __future__ import annotations

import pytest

from assistant.db import Database
from assistant.tickets import feedback
from tests.tickets.test_followthrough_actions import handled, run, tracker


@pytest.mark.parametrize(("text", "score"), [
    ("安逸得很", 5),
    ("杠杠的", 5),
    ("手脚麻利 没得说", 5),
    ("真棒", 5),
    ("心里不得劲", 2),
    ("干活不利索", 2),
])
def test_praise_in_the_regions_words(text: str, score: int | None) -> None:
    assert feedback.parse_rating(text, accounts=False) == score


def test_unasked_praise_of_work_done_rates_the_handled_ticket(app_env: Database, clock) -> None:
    handled(app_env, clock, sender="web:r17a")
    assert feedback.rates_handled_ticket(app_env, "web:r17a", "灯换好了 亮堂堂的 安逸得很")
    assert feedback.rates_handled_ticket(app_env, "web:r17a", "修完了 杠杠的")


@pytest.mark.parametrize("text", [
    "安逸得很",  # no work said done: about anything
    "灯修好了 很好 可是4号楼楼道里又堆满了纸箱",  # a new matter with it
    "/greet",
])
def test_praise_without_work_done_or_with_a_new_matter_is_no_rating(app_env: Database, clock, text) -> None:
    handled(app_env, clock, sender="web:r17b")
    assert not feedback.rates_handled_ticket(app_env, "web:r17b", text)


def test_nothing_handled_or_already_rated_is_no_rating(app_env: Database, clock) -> None:
    assert not feedback.rates_handled_ticket(app_env, "web:r17c", "修完了 杠杠的")
    tid = handled(app_env, clock, sender="web:r17d")
    feedback.rate_ticket(app_env, sender_id="web:r17d", ticket_id=tid, score=5, now=clock.now())
    assert not feedback.rates_handled_ticket(app_env, "web:r17d", "修完了 杠杠的")


async def test_the_complaint_form_opened_on_such_praise_hands_it_to_the_rating(app_env: Database, clock) -> None:
    from actions.tickets import ActionSubmitComplaint

    handled(app_env, clock, sender="web:r17e")
    _, _, events = await run(
        ActionSubmitComplaint(),
        tracker("灯换好了 亮堂堂的 安逸得很", "file_complaint", {"complaint_cancelled": True}, sender="web:r17e"),
    )
    assert [e["name"] for e in events if e["event"] == "followup"] == ["action_rate_ticket"]


async def test_the_complaint_form_opened_on_such_praise_ends_itself(app_env: Database, clock) -> None:
    from rasa_sdk.executor import CollectingDispatcher

    from actions.tickets import ValidateComplaintForm
    from tests.tickets.test_followthrough_actions import DOMAIN

    handled(app_env, clock, sender="web:r17f")
    t = tracker("路灯换好了 亮亮堂堂 杠杠的", "file_complaint", {"requested_slot": None}, sender="web:r17f")
    events = await ValidateComplaintForm().run(CollectingDispatcher(), t, DOMAIN)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots.get("complaint_cancelled") is True and not slots.get("complaint_description")


@pytest.mark.parametrize("text", [
    "活是干完了 师傅没那么利索",
    "弄是弄好了 就是不咋得劲",
    "修完了 不太靠谱 三天两头出毛病",
    "换好了 也不怎么安逸",
])
def test_praise_negated_with_a_degree_word_between_is_no_five(text: str) -> None:
    """Review 17 note 23."""
    assert (feedback.parse_rating(text) or 0) <= 3
    assert (feedback.explicit_rating(text) or 0) <= 3
