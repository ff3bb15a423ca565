"""Browser tests of the web pages: Playwright driving Debian's Chromium
(``/usr/bin/chromium``; ``playwright install`` cannot work here: PLATFORM_NOTES.md)
against a real gateway under uvicorn on a free loopback port.

The gateway is the production app with the pages installed (``gateway_app.py``) on a
fresh SQLite database. Its Rasa and action-server URLs point at loopback ports where
nothing listens, so every chat message is answered by the gateway's real degraded
mode (``assistant/degraded.py``: a complaint is filed as a ticket with the tickets
service, 转人工 is a hand-off): the chat round trip and the ticket it files are real,
without starting Rasa (minutes of CPU) for tests of the pages. No speech-recognition
model is installed for this gateway (``BUTLER_VOSK_MODEL_DIR`` names an empty
folder), so the microphone meets the voice API's real ``503 asr_model_missing``.

One browser for the whole session (CPU is shared); each test opens its own context
(its own cookies). Screenshots go to ``tests/web/artifacts/`` (git-ignored).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from assistant.auth.service import create_user
from assistant.clock import Clock, parse_instant
from assistant.db import Database, upgrade
from assistant.settings import PROJECT_ROOT, Settings

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-quic",
                 # A fake microphone (a tone) that needs no permission prompt: the
                 # MediaRecorder path runs for real in a headless browser.
                 "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
PASSWORD = "correct-horse-battery"
ADMIN_PASSWORD = "admin-password-1"
# A resident's phone number in seeded words: masked for every role but admin.
SEEDED_PHONE = "13912345678"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Gateway:
    url: str
    db: Database
    data_dir: Path
    log: Path


def _seed(db: Database, settings: Settings, clock: Clock) -> None:
    """Staff of every role, and tickets over the last ten days so the thermometer has
    something to draw (filed with the tickets service, at past instants)."""
    from assistant.tickets.intake import extract_location
    from assistant.tickets.service import file_ticket

    with db.session() as session:
        for role in ("dispatcher", "worker", "viewer"):
            create_user(session, f"{role}1", PASSWORD, role)
    now = clock.now()
    complaints = ["8号楼楼道灯坏了一个星期了，晚上太黑", "小区北门垃圾堆了三天没人清理，臭得不行",
                  "12号楼电梯又坏了，老人上不了楼，太气人了", "3号楼楼下有人天天半夜装修，吵得睡不着",
                  "5号楼门口路灯修好了，谢谢你们", "南门外的下水道堵了，污水流到路上",
                  f"6号楼2单元漏水，联系电话 {SEEDED_PHONE}"]
    for day in range(10):
        for i in range(1 + day % 3):
            text = complaints[(day + i) % len(complaints)]
            file_ticket(db, description=text, sender_id=f"web:seed-{day}-{i}", check_duplicates=False,
                        address=extract_location(text),
                        now=now - timedelta(days=day, hours=i), settings=settings)


@pytest.fixture(scope="session")
def gateway(tmp_path_factory) -> Iterator[Gateway]:
    data_dir = tmp_path_factory.mktemp("web-data")
    url = f"sqlite:///{data_dir / 'butler.db'}"
    upgrade(url)
    db = Database(url)
    test_now = os.environ.get("BUTLER_TEST_NOW", "").strip()  # see tests/conftest.py
    clock = Clock.starting_at(parse_instant(test_now)) if test_now else Clock()
    settings = Settings(data_dir=data_dir, database_url=url, alert_webhook_url="")
    _seed(db, settings, clock)
    (data_dir / "no-asr-model").mkdir()
    port = free_port()
    env = {**os.environ, **clock.env(),
           "BUTLER_ENV_FILE": "", "BUTLER_DATA_DIR": str(data_dir), "BUTLER_DATABASE_URL": url,
           "BUTLER_RASA_URL": f"http://127.0.0.1:{free_port()}",
           "BUTLER_ACTION_SERVER_URL": f"http://127.0.0.1:{free_port()}",
           "BUTLER_ADMIN_USER": "admin", "BUTLER_ADMIN_PASSWORD": ADMIN_PASSWORD,
           "BUTLER_ALERT_WEBHOOK_URL": "", "BUTLER_VOSK_MODEL_DIR": str(data_dir / "no-asr-model"),
           # Pages, not abuse limits, are tested here (tests/api has the limit tests).
           "BUTLER_CHAT_RATE_LIMIT": "1000/minute", "BUTLER_CHAT_IP_RATE_LIMIT": "10000/minute"}
    log = data_dir / "gateway.log"
    try:
        with gateway_process(port, env, log) as base:
            yield Gateway(url=base, db=db, data_dir=data_dir, log=log)
    finally:
        db.dispose()
    text = log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback (most recent call last)" not in text, text[-4000:]


# Module-scoped, not session-scoped: while sync_playwright is open, its event loop counts
# as running in the main thread, and every later test of the same process that calls
# asyncio.run() fails ("cannot be called from a running event loop"). Under pytest-xdist
# any file may follow a browser test on the same worker, so the browser closes with its file.
@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no {CHROMIUM}: `make` installs Debian's chromium (requirements/apt.txt)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser, gateway):
    """A fresh browser profile (cookies, storage) per test, failing the test on any
    JavaScript error or Content-Security-Policy violation the page reports."""
    ctx = browser.new_context(base_url=gateway.url, locale="zh-CN", viewport={"width": 1366, "height": 900})
    ctx.set_default_timeout(15_000)
    errors: list[str] = []
    ctx.errors = errors

    def watch(page):
        page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
        page.on("console", lambda msg: errors.append(f"console: {msg.text}")
                if msg.type == "error" and "Content Security Policy" in msg.text else None)

    ctx.on("page", watch)
    yield ctx
    ctx.close()
    assert not errors, errors


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/console/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


@contextmanager
def gateway_process(port: int, env: dict[str, str], log: Path) -> Iterator[str]:
    """The test gateway (tests.web.gateway_app) as its own uvicorn process on ``port``,
    with ``env``, its output in ``log``; yields its base URL once /healthz answers, and
    stops it after."""
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "tests.web.gateway_app:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
            cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                pytest.fail(f"the gateway exited ({process.returncode}):\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the gateway did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)  # polling for the server to come up, not synchronising a test
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
