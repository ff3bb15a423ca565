"""Late answers through the shared outbox (issue #15 item 5): when the replay answers
a message degraded mode only recorded, a Telegram resident is sent the answer, once
per inbox row; a web resident is not (the web chat cannot be pushed to).

The replay needs something that answers Rasa's REST webhook: a real Rasa cannot run in
a unit test (it takes a minute to load), so a small HTTP server on loopback stands in
for it, as in tests/api/test_degraded.py."""

from __future__ import annotations

import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select, update

from assistant.dialogue import DialogueClient
from assistant.inbox import replay
from assistant.inbox import service as inbox
from assistant.inbox.models import InboxMessage
from assistant.outbox.models import OutboxMessage
from assistant.settings import Settings


class _StandInRasa(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 - the http.server interface
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append(body)
        self._json([{"recipient_id": body["sender"], "text": f"好的，关于“{body['message']}”：请问您要约哪天？",
                     "buttons": [{"title": "明天", "payload": "明天"},
                                 {"title": "理发", "payload": '/book_service{"service_type": "理发"}'},
                                 {"title": "上午9点", "payload": '/choose_slot{"slot": "09:00"}'}]}])

    def do_GET(self):  # noqa: N802
        self._json({"model_id": "stand-in"})  # /status and the action server's /health

    def _json(self, value):
        data = json.dumps(value, ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def rasa_url():
    _StandInRasa.received = []
    server = HTTPServer(("127.0.0.1", 0), _StandInRasa)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _replay(db, url, tmp_path, clock):
    settings = Settings(rasa_url=url, action_server_url=url, data_dir=tmp_path / "var", rasa_token="t")

    async def run():
        client = DialogueClient(settings)
        try:
            return await replay.replay_once(db, client, settings, now=clock.now())
        finally:
            await client.aclose()

    return asyncio.run(run())


def _recorded(db, sender, text):
    row = inbox.record(db, sender_id=sender, text=text)
    inbox.finish(db, row, state="pending", action="recorded", reply=[{"text": "已记下"}])
    return row


def _pushed(db):
    with db.session() as session:
        return session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_a_replayed_answer_is_pushed_to_a_telegram_resident_once(any_db, rasa_url, tmp_path, clock):
    db = any_db
    on_telegram = _recorded(db, "telegram:42", "明天想约个理发")
    on_web = _recorded(db, "web:r-abc", "停水通知什么时候发")
    assert _replay(db, rasa_url, tmp_path, clock).replayed == [on_telegram, on_web]
    [row] = _pushed(db)
    assert (row.recipient, row.state, row.dedupe_key) == ("telegram:42", "pending", f"inbox:{on_telegram}:late-answer")
    assert row.text.startswith("您之前说：“明天想约个理发”。") and "请问您要约哪天？" in row.text
    # Plain words and the domain's static menu payloads are kept; intent syntax the
    # conversation would refuse now (it was never shown in the chat) is left out.
    assert row.buttons == [{"title": "明天", "payload": "明天"},
                           {"title": "理发", "payload": '/book_service{"service_type": "理发"}'}]
    # Another pass: nothing replayed, nothing queued; a row put back (an operator) queues nothing twice.
    assert _replay(db, rasa_url, tmp_path, clock).skipped == "nothing_pending"
    with db.transaction() as session:
        session.execute(update(InboxMessage).where(InboxMessage.id == on_telegram).values(state="pending"))
    assert _replay(db, rasa_url, tmp_path, clock).replayed == [on_telegram]
    assert len(_pushed(db)) == 1 and len(_StandInRasa.received) == 3


def test_a_long_message_is_quoted_short():
    from assistant.dialogue import Reply

    text, buttons = replay.late_answer("我" * 50, [Reply(text="收到。")])
    assert "我" * 30 + "…" in text and "我" * 31 not in text and buttons == []
    assert replay.late_answer("你好", [Reply(text="  ")]) is None  # nothing said: nothing pushed


async def test_the_bot_delivers_the_late_answer(bot_env, standin, rasa_url, tmp_path, clock):
    from tests.telegram.conftest import USER, bot_running, texts, until

    row = _recorded(bot_env, f"telegram:{USER}", "明天想约个理发")
    report = await asyncio.to_thread(_replay, bot_env, rasa_url, tmp_path, clock)
    assert report.replayed == [row]
    async with bot_running():
        late = await until(lambda: next((s for s in standin.sent_to(USER, "sendMessage")
                                         if s.text.startswith("您之前说")), None), what="the late answer")
    assert "请问您要约哪天？" in late.text and late.titles() == ["明天", "理发"]
    assert texts(standin).count(late.text) == 1
