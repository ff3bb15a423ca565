"""The shared outbox (assistant/outbox) and the pushes it carries to Telegram: a
ticket's 派单 / 已办结 / 回访 reach the resident who filed it, the 1–5 rating comes
back onto the ticket, a blocked bot (403) stops pushes, nothing is sent twice."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.telegram.conftest import USER, bot_running, texts, until

GD_RE = re.compile(r"GD\d{12}")


def _file(db, sender: str, text: str = "3号楼楼道的灯坏了好几天了，晚上看不见") -> str:
    from assistant.tickets.service import file_ticket

    return file_ticket(db, description=text, sender_id=sender).ticket.id


def _rows(db):
    from assistant.outbox.models import OutboxMessage

    with db.session() as session:
        return session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


# -- the outbox itself ---------------------------------------------------------------------
def test_enqueue_once_per_dedupe_key(db, clock):
    from assistant import outbox

    with db.transaction() as session:
        assert outbox.enqueue(session, recipient="telegram:1", text="一", dedupe_key="k1")
        assert not outbox.enqueue(session, recipient="telegram:1", text="又一", dedupe_key="k1")
    [row] = _rows(db)
    assert (row.channel, row.text, row.state, row.attempts) == ("telegram", "一", "pending", 0)


def test_only_a_channel_with_a_delivery_adapter_gets_pushes(db, clock):
    from assistant.tickets.service import transition_ticket

    web_ticket = _file(db, "web:r-abc")
    transition_ticket(db, web_ticket, "派单", actor="staff:alice")
    assert _rows(db) == []  # the web chat cannot receive a push: nothing queued


async def test_delivery_retries_with_back_off_then_gives_up_or_blocks(db, clock):
    from assistant import outbox

    with db.transaction() as session:
        outbox.enqueue(session, recipient="telegram:1", text="重试", dedupe_key="retry")
        outbox.enqueue(session, recipient="telegram:2", text="拉黑", dedupe_key="blocked")
        outbox.enqueue(session, recipient="telegram:3", text="坏请求", dedupe_key="bad")
    calls: list[str] = []

    async def flaky(out: outbox.Outgoing) -> None:
        calls.append(out.text)
        if out.recipient == "telegram:2":
            raise outbox.RecipientBlocked("403")
        if out.recipient == "telegram:3":
            raise outbox.PermanentFailure("400")
        if calls.count("重试") < 3:
            raise outbox.DeliveryError("timeout")

    now = clock.now()
    first = await outbox.deliver_due(db, now, {"telegram": flaky})
    assert (len(first.retried), len(first.blocked), len(first.failed), first.sent) == (1, 1, 1, [])
    assert (await outbox.deliver_due(db, now + timedelta(seconds=29), {"telegram": flaky})).retried == []  # not yet
    assert len((await outbox.deliver_due(db, now + timedelta(seconds=31), {"telegram": flaky})).retried) == 1
    # The second wait is twice the first.
    assert (await outbox.deliver_due(db, now + timedelta(seconds=31 + 59), {"telegram": flaky})).sent == []
    assert len((await outbox.deliver_due(db, now + timedelta(seconds=31 + 61), {"telegram": flaky})).sent) == 1
    assert calls.count("重试") == 3 and calls.count("拉黑") == 1 and calls.count("坏请求") == 1
    states = {r.recipient: r.state for r in _rows(db)}
    assert states == {"telegram:1": "sent", "telegram:2": "blocked", "telegram:3": "failed"}
    # A blocked recipient gets nothing more until they write again.
    with db.transaction() as session:
        outbox.enqueue(session, recipient="telegram:2", text="再推", dedupe_key="blocked-2")
    assert _rows(db)[-1].state == "blocked" and outbox.is_blocked(db, "telegram:2")
    assert outbox.unblock(db, "telegram:2") and not outbox.is_blocked(db, "telegram:2")


async def test_two_senders_at_once_send_each_message_once(db, clock):
    from assistant import outbox

    with db.transaction() as session:
        for i in range(10):
            outbox.enqueue(session, recipient=f"telegram:{i}", text=f"第{i}条", dedupe_key=f"k{i}")
    sent: list[str] = []

    async def slow(out: outbox.Outgoing) -> None:
        await asyncio.sleep(0.01)
        sent.append(out.text)

    await asyncio.gather(*(outbox.deliver_due(db, clock.now(), {"telegram": slow}) for _ in range(3)))
    assert sorted(sent) == sorted(f"第{i}条" for i in range(10))
    assert (await outbox.deliver_due(db, clock.now() + timedelta(hours=1), {"telegram": slow})).sent == []


async def test_a_message_is_given_up_after_the_last_attempt(db, clock):
    from assistant import outbox

    with db.transaction() as session:
        outbox.enqueue(session, recipient="telegram:1", text="总失败", dedupe_key="never")

    async def down(out: outbox.Outgoing) -> None:
        raise outbox.DeliveryError("500", retry_after=1)

    now = clock.now()
    for i in range(outbox.MAX_ATTEMPTS + 2):
        await outbox.deliver_due(db, now + timedelta(seconds=2 * i), {"telegram": down})
    [row] = _rows(db)
    assert row.state == "failed" and row.attempts == outbox.MAX_ATTEMPTS and row.sent_at is None


# -- through the bot -----------------------------------------------------------------------
async def test_staff_transitions_reach_the_resident_and_the_rating_comes_back(bot_env, standin):
    from assistant.outbox.models import OutboxMessage
    from assistant.tickets.models import TicketRating
    from assistant.tickets.service import transition_ticket

    async with bot_running() as app:
        standin.text_update(USER, "3号楼楼道的灯坏了好几天了，晚上看不见")
        answer = await until(lambda: next((t for t in texts(standin) if GD_RE.search(t)), None), what="a GD id")
        ticket_id = GD_RE.search(answer).group(0)
        before = len(texts(standin))

        def staff(action: str, **kwargs) -> None:
            transition_ticket(bot_env, ticket_id, action, actor="staff:alice", **kwargs)

        await asyncio.to_thread(staff, "派单")
        await until(lambda: any("已派给" in t for t in texts(standin)), what="the 派单 push")
        await asyncio.to_thread(staff, "开始处置")
        await asyncio.to_thread(staff, "办结", note="已更换楼道灯")
        await until(lambda: any("已处理完毕" in t for t in texts(standin)), what="the 已办结 push")
        await asyncio.to_thread(staff, "回访", satisfaction=4)
        question = await until(lambda: next((s for s in standin.sent_to(USER, "sendMessage") if "打个分" in s.text),
                                            None), what="the rating question")
        assert question.titles() == ["5 很满意", "4 满意", "3 一般", "2 不满意", "1 很不满意"]
        assert all(ticket_id in t for t in texts(standin)[before:])  # each push names the ticket
        standin.press(USER, question, "5 很满意")
        await until(lambda: any(t.startswith("谢谢您的评价") for t in texts(standin)), what="the thanks")
        # Another round delivers nothing again.
        assert (await app.bot_data["butler"].deliver_outbox(app.bot)).sent == []
    with bot_env.session() as session:
        [rating] = session.scalars(select(TicketRating)).all()
        rows = session.scalars(select(OutboxMessage)).all()
    assert (rating.ticket_id, rating.sender_id, rating.score) == (ticket_id, f"telegram:{USER}", 5)
    assert [r.state for r in rows] == ["sent"] * 3
    pushed = [t for t in texts(standin) if ticket_id in t and ("已派给" in t or "已处理完毕" in t or "打个分" in t)]
    assert len(pushed) == 3  # each once


async def test_an_unhappy_rating_asks_why_and_the_reason_reopens_the_ticket(bot_env, standin):
    from assistant.tickets.models import Ticket
    from assistant.tickets.service import transition_ticket

    ticket_id = _file(bot_env, f"telegram:{USER}")
    for action, kwargs in (("派单", {}), ("开始处置", {}), ("办结", {"note": "已修"}), ("回访", {"satisfaction": 3})):
        transition_ticket(bot_env, ticket_id, action, actor="staff:alice", **kwargs)
    async with bot_running():
        question = await until(lambda: next((s for s in standin.sent_to(USER, "sendMessage") if "打个分" in s.text),
                                            None), what="the rating question")
        standin.press(USER, question, "1 很不满意")
        await until(lambda: any("哪里不满意" in t for t in texts(standin)), what="the question why")
        standin.text_update(USER, "灯还是不亮，根本没修好")
        await until(lambda: any("重新打开" in t for t in texts(standin)), what="the reopening")
    with bot_env.session() as session:
        ticket = session.get(Ticket, ticket_id)
        assert ticket.status == "处置中" and ticket.ratings[-1].reason == "灯还是不亮，根本没修好"


async def test_a_bot_blocked_by_the_resident_stops_pushing_until_they_write_again(bot_env, standin):
    from assistant import outbox
    from assistant.tickets.service import transition_ticket

    ticket_id = _file(bot_env, f"telegram:{USER}")
    standin.fail_next("sendMessage", 403)
    transition_ticket(bot_env, ticket_id, "派单", actor="staff:alice")
    async with bot_running():
        await until(lambda: outbox.is_blocked(bot_env, f"telegram:{USER}"), what="the chat marked blocked")
        transition_ticket(bot_env, ticket_id, "开始处置", actor="staff:alice")
        transition_ticket(bot_env, ticket_id, "办结", actor="staff:alice", note="已修")
        # The delivery loop reaches the new push and holds it back (no sleep: wait for it).
        await until(lambda: [r.state for r in _rows(bot_env)] == ["blocked", "blocked"], what="the push held back")
        assert texts(standin) == []
        standin.text_update(USER, "/help")  # they unblocked the bot and wrote again
        await until(lambda: texts(standin), what="the help")
    assert not outbox.is_blocked(bot_env, f"telegram:{USER}")


@pytest.mark.parametrize("action", ["开始处置"])
def test_transitions_residents_do_not_hear_about_queue_nothing(db, clock, action):
    from assistant.tickets.service import transition_ticket

    ticket_id = _file(db, "telegram:42")
    transition_ticket(db, ticket_id, "派单", actor="staff:alice")
    transition_ticket(db, ticket_id, action, actor="staff:alice")
    [row] = _rows(db)  # 派单 only
    assert "已派给" in row.text and ticket_id in row.text and row.recipient == "telegram:42"


@pytest.mark.postgres
async def test_the_outbox_on_postgresql_sends_each_message_once(pg_db, clock):
    """The production profile: ON CONFLICT DO NOTHING and SKIP LOCKED row claims."""
    from assistant import outbox

    with pg_db.transaction() as session:
        for i in range(6):
            assert outbox.enqueue(session, recipient=f"telegram:{i}", text=f"第{i}条", dedupe_key=f"k{i}")
        assert not outbox.enqueue(session, recipient="telegram:0", text="重复", dedupe_key="k0")
    sent: list[str] = []

    async def slow(out: outbox.Outgoing) -> None:
        await asyncio.sleep(0.01)
        sent.append(out.text)

    await asyncio.gather(*(outbox.deliver_due(pg_db, clock.now(), {"telegram": slow}) for _ in range(3)))
    assert sorted(sent) == sorted(f"第{i}条" for i in range(6))
    assert [r.state for r in _rows(pg_db)] == ["sent"] * 6


async def test_blocking_the_bot_in_the_app_stops_pushes_before_any_403(bot_env, standin):
    from assistant import outbox
    from tests.telegram.standin import BOT_USER

    def member_update(status: str) -> dict:
        return standin.inject({"update_id": standin.next_update_id(), "my_chat_member": {
            "chat": {"id": USER, "type": "private", "first_name": "居民"}, "from": standin.user(USER), "date": 0,
            "old_chat_member": {"status": "member", "user": BOT_USER},
            "new_chat_member": {"status": status, "user": BOT_USER, **({"until_date": 0} if status == "kicked" else {})}}})

    async with bot_running():
        member_update("kicked")
        await until(lambda: outbox.is_blocked(bot_env, f"telegram:{USER}"), what="blocked")
        member_update("member")
        await until(lambda: not outbox.is_blocked(bot_env, f"telegram:{USER}"), what="unblocked")
    assert texts(standin) == []
