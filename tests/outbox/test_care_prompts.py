"""The care ladder's prompts through the shared outbox (issue #14 item 5), on a
controllable clock: a Telegram elder gets the daily 报平安 prompt and the second
prompt once each, with a 报平安 button the dialogue reads as a check-in; an elder on
the web chat (no push) keeps the log delivery; the ladder's own record (care_outbox)
is written either way."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from sqlalchemy import select

from assistant.care.ladder import CHECKIN_BUTTONS, PROMPT_TEXT, SECOND_PROMPT_TEXT, outbox_key, sweep
from assistant.care.models import CareOutbox
from assistant.care.service import register
from assistant.clock import TZ
from assistant.db import Database
from assistant.outbox.models import OutboxMessage

DAY0 = datetime(2026, 12, 1, 7, 0, tzinfo=TZ)  # registered at 07:00; window 08:00–10:00


def at(days: int, hh: int, mm: int = 0) -> datetime:
    return (DAY0 + timedelta(days=days)).replace(hour=hh, minute=mm)


def _register(db, sender="telegram:777", i=0):
    return register(db, name=f"张秀英{i}", phone=f"1391234{i:04d}", address="6号楼3单元201", sender_id=sender,
                    grid_worker="李网格", quiet_days=3, emergency_contacts=["张小明:13800001111:儿子"], now=DAY0)


def _pushed(db):
    with db.session() as session:
        return [(r.recipient, r.text, r.buttons, r.dedupe_key, r.state)
                for r in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def _record(db):
    with db.session() as session:
        return [(r.recipient, r.text, r.delivered_at is not None)
                for r in session.scalars(select(CareOutbox).order_by(CareOutbox.id))]


def run(db, clock, when):
    clock.move_to(when)
    return sweep(db, when)


def test_a_telegram_elders_prompts_reach_the_shared_outbox_once_each(any_db, clock):
    db = any_db
    elder = _register(db)
    assert run(db, clock, at(0, 7, 30)).sent == [] and _pushed(db) == []
    assert run(db, clock, at(0, 8, 5)).sent == [(elder.id, "prompt")]
    assert run(db, clock, at(0, 9, 0)).sent == []  # once a day
    assert _pushed(db) == [("telegram:777", PROMPT_TEXT, CHECKIN_BUTTONS,
                            outbox_key(elder.id, "day:2026-12-01", "prompt"), "pending")]
    assert run(db, clock, at(0, 10, 5)).sent == [(elder.id, "second_prompt")]
    assert run(db, clock, at(0, 10, 30)).sent == []
    [_, second] = _pushed(db)
    assert second[1:3] == (SECOND_PROMPT_TEXT, CHECKIN_BUTTONS) and second[3].endswith(":second_prompt")
    # The ladder's own record is kept; delivery is the shared outbox's now (not "delivered by log").
    assert _record(db) == [("telegram:777", PROMPT_TEXT, False), ("telegram:777", SECOND_PROMPT_TEXT, False)]
    assert run(db, clock, at(0, 12, 10)).sent == [(elder.id, "ticket")]  # to staff: nothing pushed
    assert len(_pushed(db)) == 2
    # The next day: a new daily prompt, a new key.
    assert run(db, clock, at(1, 8, 5)).sent == [(elder.id, "prompt")]
    assert _pushed(db)[-1][3] == outbox_key(elder.id, "day:2026-12-02", "prompt")
    # The urgent alert's messages go to the contacts' phones (no push channel, no contact
    # webhook set): logged, never pushed.
    assert run(db, clock, at(3, 7, 0)).sent == [(elder.id, "alert"), (elder.id, "contact")]
    assert len(_pushed(db)) == 3
    assert _record(db)[-1][0] == "13800001111" and _record(db)[-1][2] is True


def test_an_elder_on_the_web_chat_keeps_the_log_delivery(db, clock):
    elder = _register(db, sender="web:r-zhang")
    assert run(db, clock, at(0, 8, 5)).sent == [(elder.id, "prompt")]
    assert _pushed(db) == []
    assert _record(db) == [("web:r-zhang", PROMPT_TEXT, True)]


def test_two_sweeps_at_once_push_each_prompt_once(db, clock):
    elders = [_register(db, sender=f"telegram:{100 + i}", i=i) for i in range(5)]
    second = Database(db.url)
    try:
        for when in (at(0, 8, 5), at(0, 10, 5)):
            clock.move_to(when)
            with ThreadPoolExecutor(2) as pool:
                list(pool.map(lambda d: sweep(d, when), (db, second)))
    finally:
        second.dispose()
    keys = [row[3] for row in _pushed(db)]
    silent = "silent:" + DAY0.isoformat()  # the silence began at registration
    assert sorted(keys) == sorted(outbox_key(e.id, episode, step) for e in elders for episode, step in
                                  (("day:2026-12-01", "prompt"), (silent, "second_prompt")))


async def test_the_bot_pushes_the_prompt_and_its_button_is_a_checkin(bot_env, standin, clock):
    from assistant.inbox import service as inbox
    from tests.telegram.conftest import USER, bot_running, until

    local = clock.now().astimezone(TZ)
    start = (local - timedelta(minutes=5)).strftime("%H:%M")
    end = (local + timedelta(minutes=30)).strftime("%H:%M")
    if end <= start:  # the window would cross midnight: use the next day's early morning
        clock.move_to((local + timedelta(days=1)).replace(hour=8, minute=0))
        start, end = "07:55", "08:30"
    register(bot_env, name="王奶奶", phone="13912345678", address="6号楼", sender_id=f"telegram:{USER}",
             window_start=start, window_end=end, now=clock.now() - timedelta(minutes=10))
    assert [step for _, step in sweep(bot_env, clock.now()).sent] == ["prompt"]
    async with bot_running():
        prompt = await until(lambda: next((s for s in standin.sent_to(USER, "sendMessage") if s.text == PROMPT_TEXT),
                                          None), what="the daily prompt")
        assert prompt.titles() == ["报平安"]
        standin.press(USER, prompt, "报平安")
        await until(lambda: inbox.list_messages(bot_env, sender_id=f"telegram:{USER}"), what="the check-in words")
    # The press reached the dialogue as the resident's words 报平安 (Rasa, which reads
    # them as the check-in intent, is not running here: degraded mode records them).
    [said] = inbox.list_messages(bot_env, sender_id=f"telegram:{USER}")
    assert said.text == "报平安"
    assert [row[4] for row in _pushed(bot_env)] == ["sent"]
