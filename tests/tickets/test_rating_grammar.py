"""Round review: a score is said in a score grammar (打/给/评 N 分, N分 at the end, stars, 满分),
never minutes or money (三分钟前报的, 给我5分钟, 一分钱都没退给我); the restated yes is one
pattern; a message that set aside a pending question and is out of scope goes to
action_out_of_scope."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.tickets import _USUAL, ActionCheckTicket
from assistant.conversation.ratings import rating_with_id as _rating_with_id
from assistant.db import Database
from assistant.tickets import service
from assistant.tickets.feedback import parse_rating, rates_a_ticket, restates_yes
from assistant.tickets.models import TicketRating

NOT_SCORES = (
    "三分钟前报的那个修好了没",
    "两分钟前刚报的电梯，怎么样了",
    "给我5分钟",
    "一分钱都没退给我",
    "一分都不退给我",
    "等了五分多钟没人接",
    "三分之一的灯不亮",
    "第一",
    "第一个",
)
SCORES = (
    ("4分", 4),
    ("我给4分", 4),
    ("打5分吧", 5),
    ("给个1分，昨晚还在跳", 1),
    ("5分满意", 5),
    ("那个楼道杂物的事我给4分", 4),
    ("给个五星", 5),
    ("三颗星", 3),
    ("3/5", 3),
    ("满分", 5),
    ("5", 5),
)


@pytest.mark.parametrize("text", NOT_SCORES)
def test_minutes_money_fractions_and_ordinals_are_no_score(text):
    assert parse_rating(text, accounts=False) is None
    assert not rates_a_ticket(text)


@pytest.mark.parametrize(("text", "score"), SCORES)
def test_scores_in_the_score_grammar_are_read(text, score):
    assert parse_rating(text) == score
    if text != "5":  # a bare number is a score only as an answer to the rating question
        assert rates_a_ticket(text)


def test_a_ticket_id_with_minutes_is_no_rating_but_with_points_it_is():
    assert _rating_with_id("GD202601010005 三分钟前报的，怎么样了") is None
    assert _rating_with_id("GD202601010005 给我5分钟") is None
    assert (
        _rating_with_id("GD202601010005打5分")
        == '/rate_ticket{"ticket_id": "GD202601010005", "rating": "5分"}'
    )


@pytest.mark.parametrize(
    "text", ("帮我报上去", "好，帮我报", "行，登记一下吧", "那个也报上", "要的，帮我报上去")
)
def test_the_restated_yes(text):
    assert restates_yes(text)


@pytest.mark.parametrize("text", ("帮我报一下楼道灯坏了", "好的", "不用报了", "报什么", ""))
def test_no_restated_yes(text):
    assert not restates_yes(text)


def test_out_of_scope_after_a_pending_question_goes_to_the_out_of_scope_action():
    assert _USUAL["out_of_scope"] == "action_out_of_scope"


ROOT = Path(__file__).resolve().parents[2]
SLOTS: dict = {}
for _name in ("core.yml", "tickets.yml", "booking.yml"):
    SLOTS.update(
        (yaml.safe_load((ROOT / "domain" / _name).read_text(encoding="utf-8")) or {}).get("slots") or {}
    )


def _tracker(text: str, sender: str = "web:rg") -> Tracker:
    return Tracker(
        sender_id=sender,
        slots={name: None for name in SLOTS},
        latest_message={"text": text, "intent": {"name": "check_ticket", "confidence": 0.9}, "entities": []},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def _handled(db: Database, clock, sender: str = "web:rg") -> str:
    filed = service.file_ticket(
        db,
        description="我家楼下的路灯坏了好几天了",
        sender_id=sender,
        address="3号楼",
        now=clock.now() - timedelta(days=2),
    )
    for action in ("派单", "开始处置", "办结"):
        service.transition_ticket(
            db,
            filed.ticket.id,
            action,
            actor="staff:t",
            note="已更换灯泡",
            now=clock.now() - timedelta(days=1),
        )
    return filed.ticket.id


def _ratings(db: Database) -> int:
    with db.session() as session:
        return len(session.query(TicketRating).all())


async def test_a_progress_query_with_minutes_is_answered_not_rated(app_env: Database, clock):
    tid = _handled(app_env, clock)
    for text in ("三分钟前报的那个修好了没", f"{tid} 两分钟前问过，怎么样了"):
        dispatcher = CollectingDispatcher()
        events = await ActionCheckTicket().run(dispatcher, _tracker(text), {})
        assert not [e for e in events if e.get("event") == "followup"], text
        assert dispatcher.messages, text
    assert _ratings(app_env) == 0
    dispatcher = CollectingDispatcher()
    await ActionCheckTicket().run(dispatcher, _tracker(f"{tid}打4分"), {})
    assert _ratings(app_env) == 1
