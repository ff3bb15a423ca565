"""The bot end to end against the Bot API stand-in (see conftest.py for why Rasa is
not started: the real DialogueClient answers in degraded mode)."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime

from sqlalchemy import select

from tests.telegram.conftest import USER, bot_running, texts, until

GD_RE = re.compile(r"GD\d{12}")


async def test_start_shows_the_menu_and_a_greeting_is_answered(bot_env, standin):
    from assistant.inbox.models import InboxMessage

    async with bot_running():
        standin.text_update(USER, "/start")
        await until(lambda: texts(standin), what="the welcome")
        [welcome] = standin.sent_to(USER, "sendMessage")
        assert "社区管家" in welcome.text and "119" in welcome.text
        assert {"我要投诉", "我的工单", "报平安", "转人工"} <= set(welcome.titles())
        standin.text_update(USER, "你好")
        await until(lambda: len(texts(standin)) >= 2, what="the answer to 你好")
    assert texts(standin)[1]  # degraded mode answers in Chinese and says what it did
    with bot_env.session() as session:
        rows = session.scalars(select(InboxMessage)).all()
    assert [(r.sender_id, r.channel, r.text) for r in rows] == [(f"telegram:{USER}", "telegram", "你好")]


async def test_an_emergency_gets_the_numbers_and_a_ticket(bot_env, standin):
    from assistant.tickets.models import Ticket

    async with bot_running():
        standin.text_update(USER, "厨房着火了，烟很大，怎么办")
        await until(lambda: any("119" in t for t in texts(standin)), what="the fire advice")
    with bot_env.session() as session:
        [ticket] = session.scalars(select(Ticket)).all()
    assert ticket.sender_id == f"telegram:{USER}" and ticket.urgency == "emergency"
    assert any(ticket.id in t for t in texts(standin))


async def test_a_complaint_files_a_ticket_and_mytickets_lists_it(bot_env, standin):
    async with bot_running():
        standin.text_update(USER, "3号楼楼道的灯坏了好几天了，晚上看不见")
        answer = await until(lambda: next((t for t in texts(standin) if GD_RE.search(t)), None), what="a GD id")
        ticket_id = GD_RE.search(answer).group(0)
        standin.text_update(USER, "/mytickets")
        listing = await until(lambda: next((t for t in texts(standin) if t.startswith("您最近")), None),
                              what="the ticket list")
    assert ticket_id in listing and "受理" in listing and "楼道" in listing


async def test_the_same_update_delivered_twice_is_handled_once(bot_env, standin):
    from assistant.inbox.models import InboxMessage

    async with bot_running():
        update = standin.text_update(USER, "/help")
        await until(lambda: texts(standin), what="the help")
        standin.deliver_again(update)
        await until(lambda: standin.offsets.count(update["update_id"] + 1) >= 2, what="the next polls")
        second = standin.text_update(USER, "你好")
        standin.deliver_again(second)
        await until(lambda: len(texts(standin)) >= 2, what="the answer to 你好")
        await asyncio.sleep(0.5)
    assert len(texts(standin)) == 2
    with bot_env.session() as session:
        assert len(session.scalars(select(InboxMessage)).all()) == 1


async def test_a_429_and_a_500_do_not_stop_the_bot(bot_env, standin):
    standin.fail_next("getUpdates", 500, times=2)
    async with bot_running() as app:
        standin.fail_next("sendMessage", 429, retry_after=1)
        standin.text_update(USER, "/help")
        await until(lambda: texts(standin), timeout=40, what="the help after a 429")
        standin.fail_next("sendMessage", 500)
        standin.text_update(USER, "/help")
        await until(lambda: len(texts(standin)) == 2, timeout=40, what="the help after a 500")
        assert app.updater.running
    assert standin.count("sendMessage") == 4  # each refused once, then sent
    assert standin.count("getUpdates") >= 3


async def test_buttons_send_their_payload(bot_env, standin):
    from assistant.residents.models import HandoffRequest, Resident

    async with bot_running():
        standin.text_update(USER, "/start")
        await until(lambda: texts(standin), what="the menu")
        [menu] = standin.sent_to(USER, "sendMessage")
        standin.press(USER, menu, "我的工单")
        await until(lambda: any(t.startswith("您在这里还没有投诉") for t in texts(standin)), what="the ticket list")
        standin.text_update(USER, "/start")
        await until(lambda: len(texts(standin)) >= 3, what="the menu again")
        standin.press(USER, standin.sent_to(USER, "sendMessage")[-1], "转人工")
        await until(lambda: len(texts(standin)) >= 4, what="the hand-off answer")
    assert [s.method for s in standin.sent if s.method != "sendMessage"].count("answerCallbackQuery") == 2
    assert standin.sent_to(USER, "editMessageReplyMarkup")  # the keyboard goes once pressed
    with bot_env.session() as session:
        [sender] = session.scalars(select(Resident.sender_id).join(
            HandoffRequest, HandoffRequest.resident_id == Resident.id)).all()
    assert sender == f"telegram:{USER}"


async def test_in_a_group_the_bot_answers_only_when_mentioned(bot_env, standin):
    group = -100777
    async with bot_running():
        standin.group_update(USER, group, "今天天气不错")
        standin.group_update(USER, group, "@butler_test_bot 3号楼楼道的灯坏了好几天了")
        await until(lambda: texts(standin, group), what="the answer in the group")
        await asyncio.sleep(0.3)
    [answer] = texts(standin, group)
    assert GD_RE.search(answer)


async def test_a_chat_that_floods_is_slowed_down(bot_env, standin, monkeypatch):
    from assistant.settings import get_settings

    monkeypatch.setenv("BUTLER_TELEGRAM_CHAT_RATE_PER_MINUTE", "3")
    get_settings.cache_clear()
    async with bot_running():
        for _ in range(6):
            standin.text_update(USER, "/help")
        await until(lambda: len(texts(standin)) >= 4, what="three answers and a warning")
        await asyncio.sleep(0.5)
    assert texts(standin).count("您发得太快了，请过一分钟再发。") == 1 and len(texts(standin)) == 4


async def test_mybookings_lists_the_residents_bookings(bot_env, standin, clock):
    from assistant.booking.service import book
    from tests.booking.test_actions import NOW

    clock.move_to(NOW)
    booking = book(bot_env, sender_id=f"telegram:{USER}", service="理发", starts_at=datetime(2026, 11, 30, 15),
                   address="幸福路8号", now=NOW)
    async with bot_running():
        standin.text_update(USER, "/mybookings")
        await until(lambda: texts(standin), what="the bookings")
        standin.text_update(USER + 1, "/mybookings")
        await until(lambda: texts(standin, USER + 1), what="another resident's (empty) bookings")
    assert booking.id in texts(standin)[0] and "理发" in texts(standin)[0]
    assert texts(standin, USER + 1) == ["您现在没有预约。想约的话，跟我说“我想预约理发”就行。"]


async def test_elderly_toggles_the_residents_speech_profile(bot_env, standin):
    from assistant.residents.profile import speech_profile

    async with bot_running():
        standin.text_update(USER, "/elderly")
        await until(lambda: texts(standin), what="elderly on")
        on = speech_profile(bot_env, f"telegram:{USER}")
        standin.text_update(USER, "/elderly")
        await until(lambda: len(texts(standin)) == 2, what="elderly off")
    assert on.elderly and on.rate_factor < 1 and not speech_profile(bot_env, f"telegram:{USER}").elderly
    assert texts(standin)[0].startswith("已打开长辈模式") and texts(standin)[1].startswith("已关闭长辈模式")


async def test_one_chat_waits_for_its_own_turn_but_not_for_other_chats():
    from telegram import Update

    from assistant.channels.telegram import PerChatUpdateProcessor

    def update(update_id: int, chat_id: int) -> Update:
        return Update.de_json({"update_id": update_id, "message": {
            "message_id": update_id, "date": 0, "chat": {"id": chat_id, "type": "private"}, "text": "x"}}, None)

    events: list[str] = []

    async def turn(name: str, seconds: float) -> None:
        events.append(f"{name}+")
        await asyncio.sleep(seconds)
        events.append(f"{name}-")

    processor = PerChatUpdateProcessor(8)
    await asyncio.gather(processor.process_update(update(1, 10), turn("a1", 0.2)),
                         processor.process_update(update(2, 10), turn("a2", 0.0)),
                         processor.process_update(update(3, 20), turn("b1", 0.0)))
    assert events.index("a1-") < events.index("a2+")  # the same chat in order
    assert events.index("b1-") < events.index("a1-")  # another chat did not wait
    assert processor._locks == {}


async def test_an_edited_message_is_not_a_second_request(bot_env, standin):
    from assistant.tickets.models import Ticket

    async with bot_running():
        first = standin.text_update(USER, "3号楼楼道的灯坏了好几天了")
        await until(lambda: texts(standin), what="the answer")
        edited = {**first["message"], "text": "3号楼楼道的灯坏了好几天了！", "edit_date": 1}
        standin.inject({"update_id": standin.next_update_id(), "edited_message": edited})
        standin.inject({"update_id": standin.next_update_id(), "edited_message": {**edited, "text": "/help"}})
        await until(lambda: standin.offsets and standin.offsets[-1] > first["update_id"] + 2, what="the edits taken")
        await asyncio.sleep(0.5)
    assert len(texts(standin)) == 1
    with bot_env.session() as session:
        assert len(session.scalars(select(Ticket)).all()) == 1


async def test_a_shared_location_reaches_the_dialogue_as_the_place(bot_env, standin):
    from assistant.inbox.models import InboxMessage

    async with bot_running():
        standin.inject({"update_id": standin.next_update_id(),
                        "message": standin.message(USER, location={"latitude": 31.2304, "longitude": 121.4737})})
        await until(lambda: texts(standin), what="the answer")
    with bot_env.session() as session:
        [row] = session.scalars(select(InboxMessage)).all()
    assert row.text == "就是这里" and row.meta["location"] == {"lat": 31.2304, "long": 121.4737}


async def test_a_bot_api_server_that_restarts_does_not_end_the_bot(bot_env, standin):
    async with bot_running() as app:
        standin.text_update(USER, "/help")
        await until(lambda: texts(standin), what="the first help")
        await asyncio.to_thread(standin.stop)  # connection refused, for a while
        await asyncio.sleep(2.0)
        await asyncio.to_thread(standin.start)
        standin.text_update(USER, "/help")
        await until(lambda: len(texts(standin)) == 2, timeout=60, what="the help after the restart")
        assert app.updater.running
