"""How the bot is started: by the supervisor as ``butler telegram run`` (a real
child process against the stand-in), and in webhook mode; and the pure helpers."""

from __future__ import annotations

import asyncio
import re
import socket

import httpx
from hypothesis import given
from hypothesis import strategies as st

from tests.telegram.conftest import USER, texts, until
from tests.telegram.standin import TOKEN

GD_RE = re.compile(r"GD\d{12}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_the_supervisor_starts_the_bot_as_make_run_does(bot_env, standin):
    from assistant.settings import get_settings
    from assistant.supervisor import Supervisor, process_specs

    [spec] = [s for s in process_specs(get_settings()) if s.name == "telegram"]
    supervisor = Supervisor([spec])
    supervisor.start()
    try:
        standin.text_update(USER, "我的电话是13812345678，3号楼楼道的灯坏了好几天了")
        answer = await until(lambda: next((t for t in texts(standin) if GD_RE.search(t)), None), timeout=120,
                             what="the bot process's answer")
        assert supervisor.restarts("telegram") == 0
    finally:
        await asyncio.to_thread(supervisor.stop)
    log = spec.log_path.read_text()
    assert "telegram_bot_started" in log and "Traceback" not in log
    assert TOKEN not in log and "13812345678" not in log  # no token, no phone number in the logs
    assert GD_RE.search(answer)


async def test_webhook_mode_takes_updates_with_the_secret_only(bot_env, standin, monkeypatch):
    from assistant.channels.telegram import serve
    from assistant.settings import get_settings

    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram/5f0c9e"
    monkeypatch.setenv("BUTLER_TELEGRAM_WEBHOOK_URL", url)
    monkeypatch.setenv("BUTLER_TELEGRAM_WEBHOOK_SECRET", "s3cret-token")
    monkeypatch.setenv("BUTLER_TELEGRAM_WEBHOOK_PORT", str(port))
    monkeypatch.setenv("BUTLER_GATEWAY_HOST", "127.0.0.1")
    get_settings.cache_clear()
    stop = asyncio.Event()
    task = asyncio.create_task(serve(get_settings(), stop))
    try:
        await until(lambda: standin.count("setWebhook"), what="setWebhook")
        update = {"update_id": 77, "message": standin.message(USER, text="/help")}
        async with httpx.AsyncClient() as client:
            async def post(secret: str) -> int:
                for _ in range(100):  # the server may still be starting
                    try:
                        return (await client.post(url, json=update, headers={
                            "X-Telegram-Bot-Api-Secret-Token": secret})).status_code
                    except httpx.ConnectError:
                        await asyncio.sleep(0.1)
                raise AssertionError("the webhook server did not start")

            assert await post("wrong") == 403
            assert await post("s3cret-token") == 200
            await until(lambda: texts(standin), what="the help")
            assert await post("s3cret-token") == 200  # Telegram retried: handled once
        await asyncio.sleep(0.5)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
    assert len(texts(standin)) == 1 and "/mytickets" in texts(standin)[0]
    assert standin.count("getUpdates") == 0


@given(st.lists(st.sampled_from(["楼道灯坏了", "。", "，", "！", "？", "\n", "请", "a" * 50, "好的", "；"]),
                max_size=400))
def test_long_replies_are_split_at_sentence_ends(parts):
    from assistant.channels.telegram import HARD_LIMIT, SOFT_LIMIT, split_text

    text = "".join(parts)
    chunks = split_text(text)
    assert all(0 < len(c) <= SOFT_LIMIT <= HARD_LIMIT for c in chunks)
    assert "".join(chunks).replace("\n", "").replace(" ", "") == text.strip().replace("\n", "").replace(" ", "")


def test_a_long_answer_is_cut_after_a_sentence():
    from assistant.channels.telegram import split_text

    sentence = "社区卫生服务中心每周二上午有免费体检，请带好身份证。"
    chunks = split_text(sentence * 100, limit=300)
    assert len(chunks) > 1 and all(c.endswith("。") and len(c) <= 300 for c in chunks)
    assert split_text("短的。") == ["短的。"] and split_text("   ") == []
