"""Round 19 (conversation fixer B): a rating is read from the resident's own words before
the classifier's entity (a 满意 cut out of 不满意 rated an unhappy resident satisfied), and a
rating said unasked outside any form — the outcome said as it is now, praise to those who
did the work, the regions' praise words — rates the handled ticket whatever the classifier
heard (thanks, 报平安). New wording, not the corpora's."""

from __future__ import annotations

import anyio
import pytest

from assistant.conversation import commands
from assistant.db import Database
from assistant.dialogue import Reply
from assistant.tickets import feedback
from tests.tickets.test_followthrough_actions import ActionRateTicket, handled, joined, run, tracker


@pytest.mark.parametrize(("words", "entity", "score"), [
    ("说是修好了 第二天照样漏 不满意", "满意", 1),  # the entity cut 满意 out of 不满意
    ("门禁修完又刷不开了 处理得不好", "好", 1),
    ("还凑合 就是慢了点", "满意", 3),
    ("/rate_ticket", "满意", 5),  # a button: the entity is all there is
    ("嗯", "4分", 4),  # words that give none: the entity
])
def test_the_words_come_before_the_entity(words: str, entity: str, score: int) -> None:
    assert feedback.score_of(words, entity) == score


@pytest.mark.parametrize(("text", "score"), [
    ("蛮好", 5),
    ("师傅要得", 5),
    ("修得板扎", 5),
    ("嘎嘎好", 5),
    ("没毛病", 5),
    ("不太灵光", 2),
])
def test_more_of_the_regions_praise(text: str, score: int) -> None:
    assert feedback.parse_rating(text, accounts=False) == score


@pytest.mark.parametrize("text", [
    "现在晚上亮堂了 安逸",  # the outcome now, no work word
    "终于不堵了 你们真给力",
    "垃圾搬走了 老好额",
    "挪是挪走了 还凑合吧",  # the work granted before a but
    "谢谢师傅们 修得杠杠的",
    "灯倒是换了 现在又不亮了 不满意",
])
def test_the_outcome_or_praise_to_the_workers_rates_the_handled_ticket(app_env: Database, clock, text) -> None:
    tid = handled(app_env, clock, sender="web:r19a")
    found = feedback.unasked_rating(app_env, "web:r19a", text)
    assert found is not None and found[0] == tid


@pytest.mark.parametrize("text", [
    "安逸得很",  # about anything
    "今天天气蛮好",
    "现在几点了",
    "灯修好了 不错 可是6号楼门口的井盖又松了",  # a new matter with it
])
def test_no_rating_without_the_work_or_with_a_new_matter(app_env: Database, clock, text) -> None:
    handled(app_env, clock, sender="web:r19b")
    assert feedback.unasked_rating(app_env, "web:r19b", text) is None


def test_no_handled_ticket_no_rating(app_env: Database, clock) -> None:
    assert feedback.unasked_rating(app_env, "web:r19c", "现在路灯亮了 你们要得") is None


async def test_an_unhappy_rating_heard_as_satisfied_by_the_entity_is_unhappy(app_env: Database, clock) -> None:
    tid = handled(app_env, clock, sender="web:r19d")
    messages, slots, _ = await run(
        ActionRateTicket(),
        tracker("说修好了 今早又黑了 不满意", "rate_ticket", entities=[{"entity": "rating", "value": "满意"}],
                sender="web:r19d"),
    )
    said = joined(messages)
    assert "抱歉" in said and "已记下：满意" not in said
    with app_env.session() as session:
        rating = session.get(feedback.Ticket, tid).ratings[-1]
        assert rating.score == 1


async def test_the_rating_payload_reads_the_words_kept_behind_it(app_env: Database, clock) -> None:
    tid = handled(app_env, clock, sender="web:r19e")
    t = tracker(f'/rate_ticket{{"rating": "5分", "ticket_id": "{tid}"}}', "rate_ticket",
                entities=[{"entity": "rating", "value": "5分"}, {"entity": "ticket_id", "value": tid}],
                sender="web:r19e")
    t.latest_message["metadata"] = {commands.WORDS_KEY: "换是换了 亮度不够 一般般"}
    await run(ActionRateTicket(), t)
    with app_env.session() as session:
        rating = session.get(feedback.Ticket, tid).ratings[-1]
        assert rating.score == 3 and "亮度不够" in (rating.reason or "")


class _Recorder:
    def __init__(self, loop: str | None = None):
        self.loop, self.sent = loop, []

    async def active_loop(self, sender):
        return self.loop

    async def parse(self, text):
        return {"intent": {"name": "thank", "confidence": 0.9}}

    async def deliver_or_degrade(self, sender, text, metadata=None):
        self.sent.append((text, metadata or {}))
        return [Reply(text="好的。")]


def _converse(dialogue, db, sender, text):
    from assistant.conversation import converse

    return anyio.run(lambda: converse(dialogue, sender, text, None, db=db))


def test_the_chat_sends_an_unasked_rating_as_the_rating_of_the_handled_ticket(app_env: Database, clock) -> None:
    tid = handled(app_env, clock, sender="web:r19f")
    dialogue = _Recorder()
    _converse(dialogue, app_env, "web:r19f", "路灯弄好了 谢谢你们 蛮灵额")
    text, metadata = dialogue.sent[-1]
    assert text.startswith("/rate_ticket") and tid in text
    assert metadata.get(commands.WORDS_KEY) == "路灯弄好了 谢谢你们 蛮灵额"


def test_inside_a_form_or_without_a_handled_ticket_the_words_go_as_said(app_env: Database, clock) -> None:
    handled(app_env, clock, sender="web:r19g")
    dialogue = _Recorder(loop="booking_form")
    _converse(dialogue, app_env, "web:r19g", "现在亮了 你们要得")
    assert dialogue.sent[-1][0] == "现在亮了 你们要得"
    dialogue = _Recorder()
    _converse(dialogue, app_env, "web:r19h", "现在亮了 你们要得")
    assert dialogue.sent[-1][0] == "现在亮了 你们要得"


@pytest.mark.parametrize(("reason", "reopened"), [
    ("活是干完了 就是磨蹭了一个礼拜", False),  # the work granted, only the how found fault with
    ("水管换好了 师傅说话太冲", False),
    ("换好了没两天就又漏了", True),  # back again
    ("清走了 可楼道里还是一股味", True),
    ("根本没人来看过", True),  # the work not granted
    ("拖了半个月", True),
])
def test_only_a_problem_still_there_reopens(app_env: Database, clock, reason: str, reopened: bool) -> None:
    tid = handled(app_env, clock, sender="web:r19i")
    outcome = feedback.rate_ticket(app_env, sender_id="web:r19i", ticket_id=tid, score=1, reason=reason,
                                   now=clock.now())
    assert outcome.reopened is reopened
    assert "抱歉" in outcome.message and ("重新打开" in outcome.message) is reopened or not reopened
    with app_env.session() as session:
        ticket = session.get(feedback.Ticket, tid)
        assert (ticket.status == "处置中") is reopened
        assert ticket.ratings[-1].reason == reason  # staff see it either way
