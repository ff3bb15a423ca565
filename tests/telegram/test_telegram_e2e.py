"""The bot with the real butler (Rasa, action server, gateway started by the
supervisor, tests/e2e/conftest.py) and the bot process started from the same
process specs as ``make run`` would with a token, against the Bot API stand-in: a
complaint through Rasa's form to a GD id, buttons from a real dialogue answer, and a
staff transition made through the staff API reaching the chat unasked, with the
rating coming back onto the ticket. Starts Rasa: minutes of CPU (marker e2e)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest

from tests.telegram.conftest import USER
from tests.telegram.standin import TOKEN, BotApiStandIn

pytestmark = pytest.mark.e2e
TICKET_ID = re.compile(r"GD\d{12}")


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator:
    from tests.e2e.conftest import running_butler

    with running_butler(tmp_path_factory.mktemp("telegram-e2e")) as butler:
        yield butler


@pytest.fixture(scope="module")
def staff_token(stack) -> str:
    resp = stack.http.post(f"{stack.gateway_url}/api/v1/auth/token",
                           json={"username": "admin", "password": "admin-password-1"})
    assert resp.status_code == 200, resp.text
    return resp.json()["access_token"]


@pytest.fixture(scope="module")
def bot(stack) -> Iterator[BotApiStandIn]:
    from assistant.supervisor import Supervisor, process_specs

    standin = BotApiStandIn().start()
    settings = stack.settings.model_copy(update={"telegram_bot_token": TOKEN,
                                                 "telegram_api_base_url": standin.base_url,
                                                 "telegram_file_base_url": standin.file_base_url})
    [spec] = [s for s in process_specs(settings) if s.name == "telegram"]
    spec.env.update(stack.clock.env())
    for name in ("BUTLER_TELEGRAM_BOT_TOKEN", "BUTLER_TELEGRAM_API_BASE_URL", "BUTLER_TELEGRAM_FILE_BASE_URL"):
        spec.env[name] = str(getattr(settings, name.removeprefix("BUTLER_").lower()))
    supervisor = Supervisor([spec])
    supervisor.start()
    yield standin
    supervisor.stop()
    standin.stop()
    log = spec.log_path.read_text()
    assert "Traceback" not in log and TOKEN not in log


def wait(predicate, timeout: float = 120.0):  # noqa: ANN001, ANN201
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


def say(bot: BotApiStandIn, text: str, until, chat: int = USER) -> str:  # noqa: ANN001
    """Send ``text``; the answer's messages so far once ``until(answer)`` holds (an answer
    comes as several messages: wait for what the test needs, not for a time)."""
    before = len(bot.sent_to(chat, "sendMessage"))
    bot.text_update(chat, text)

    def answer() -> str:
        return "\n".join(s.text for s in bot.sent_to(chat, "sendMessage")[before:])

    return wait(lambda: until(answer()) and answer())


def test_a_complaint_through_rasa_is_pushed_its_progress_and_rated(stack, bot, staff_token):
    asked = say(bot, "98号楼门口的路灯坏了好几天了，晚上黑乎乎的",
                until=lambda t: TICKET_ID.search(t) or re.search("电话|手机|匿名|联系", t))
    filed = say(bot, "匿名", until=TICKET_ID.search) if not TICKET_ID.search(asked) else asked
    ticket_id = TICKET_ID.search(filed).group(0)
    assert ticket_id in say(bot, "/mytickets", until=lambda t: ticket_id in t)
    headers = {"Authorization": f"Bearer {staff_token}"}
    for body in ({"action": "派单"}, {"action": "开始处置"}, {"action": "办结", "note": "已更换灯泡"},
                 {"action": "回访", "satisfaction": 4}):
        resp = stack.http.post(f"{stack.gateway_url}/api/v1/tickets/{ticket_id}/transitions", json=body,
                               headers=headers)
        assert resp.status_code == 200, resp.text
    question = wait(lambda: next((s for s in bot.sent_to(USER, "sendMessage") if "打个分" in s.text), None))
    texts = [s.text for s in bot.sent_to(USER, "sendMessage")]
    assert any("已派给" in t for t in texts) and any("已处理完毕" in t for t in texts)
    bot.press(USER, question, "4 满意")
    wait(lambda: any(s.text.startswith("谢谢您的评价") for s in bot.sent_to(USER, "sendMessage")))
    ticket = stack.http.get(f"{stack.gateway_url}/api/v1/tickets/{ticket_id}", headers=headers).json()
    assert ticket["resident_rating"]["score"] == 4


def test_buttons_of_a_real_dialogue_answer_send_their_payload(bot):
    chat = USER + 7
    before = len(bot.sent_to(chat, "sendMessage"))
    bot.text_update(chat, "我想预约")
    with_buttons = wait(lambda: next((s for s in bot.sent_to(chat, "sendMessage")[before:] if s.buttons), None))
    title = with_buttons.titles()[0]
    count = len(bot.sent_to(chat, "sendMessage"))
    bot.press(chat, with_buttons, title)
    # The first message of the answer says whether the payload was understood.
    answer = wait(lambda: next((s.text for s in bot.sent_to(chat, "sendMessage")[count:]), None))
    assert "没听明白" not in answer and "已记下" not in answer, (title, answer)
