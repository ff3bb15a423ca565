"""WeChat without WeChat: the tests play WeChat's side. They sign and encrypt the XML
themselves (``WeChatServer``: the AES is done here with ``cryptography`` directly, not
through wechatpy, so the butler's adapter is checked against an independent
implementation), POST it to the real callback of the gateway (in-process, FastAPI's
TestClient, configured from the environment as ``butler run`` configures it), and
decrypt and read the replies. The butler's outgoing API calls go to a loopback
stand-in (``standin.py``).

The dialogue is a real ``DialogueClient`` pointed at ports where nothing listens, as
in the Telegram tests (tests/telegram/conftest.py): Rasa is not started because one
Rasa server costs minutes of CPU on these shared machines, and degraded mode is a
real answer path (the safety net, a ticket for a complaint, a hand-off for 转人工)
that every channel must survive. Only the slow-dialogue test puts a fake dialogue in
its place, and says so.
"""

from __future__ import annotations

import base64
import hashlib
import os
import socket
import struct
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from tests.wechat.standin import AGENT_ID, APP_ID, APP_SECRET, CORP_ID, CORP_SECRET, WeChatStandIn

OA_TOKEN = "AAAAA"
OA_AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
WORK_TOKEN = "work-token"
WORK_AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
OA_PATH, WORK_PATH = "/channels/wechat/oa", "/channels/wechat/work"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sha1(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


class WeChatServer:
    """WeChat's side of a callback: signing, safe-mode AES (PKCS#7 to 32 bytes, IV =
    the key's first 16 bytes, random(16) + length + XML + receive id), message XML."""

    def __init__(self, token: str, aes_key: str, receive_id: str) -> None:
        self.token, self.receive_id = token, receive_id
        self.key = base64.b64decode(aes_key + "=")
        self.times = iter(range(1_733_000_000, 1_733_100_000))
        self.nonces = iter(range(1_514_711_492, 1_515_711_492))

    def encrypt(self, xml: str, receive_id: str | None = None) -> str:
        raw = xml.encode()
        plain = os.urandom(16) + struct.pack(">I", len(raw)) + raw + (receive_id or self.receive_id).encode()
        pad = 32 - len(plain) % 32
        plain += bytes([pad]) * pad
        encryptor = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16])).encryptor()
        return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()

    def decrypt(self, encrypt: str) -> str:
        decryptor = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16])).decryptor()
        plain = decryptor.update(base64.b64decode(encrypt)) + decryptor.finalize()
        plain = plain[:-plain[-1]]
        length = struct.unpack(">I", plain[16:20])[0]
        assert plain[20 + length:].decode() == self.receive_id
        return plain[20:20 + length].decode()

    def query(self, *, encrypt: str | None = None, timestamp: str | None = None, nonce: str | None = None) -> dict:
        """A callback's signed query: by default now (the butler refuses a timestamp 5
        minutes off) and a nonce of its own, as WeChat signs each new message."""
        timestamp = timestamp or str(int(time.time()))
        nonce = nonce or str(next(self.nonces))
        params = {"timestamp": timestamp, "nonce": nonce, "signature": sha1(self.token, timestamp, nonce)}
        if encrypt is not None:
            params |= {"encrypt_type": "aes", "msg_signature": sha1(self.token, timestamp, nonce, encrypt)}
        return params

    def message(self, msg_type: str, *, sender: str = OPENID, msg_id: int | None = None,
                create_time: int | None = None, to: str = "gh_butler", **fields: str) -> str:
        parts = [f"<ToUserName><![CDATA[{to}]]></ToUserName>", f"<FromUserName><![CDATA[{sender}]]></FromUserName>",
                 f"<CreateTime>{create_time or next(self.times)}</CreateTime>",
                 f"<MsgType><![CDATA[{msg_type}]]></MsgType>"]
        parts += [f"<{name}><![CDATA[{value}]]></{name}>" for name, value in fields.items()]
        if msg_id is not None:
            parts.append(f"<MsgId>{msg_id}</MsgId>")
        return "<xml>" + "".join(parts) + "</xml>"

    def envelope(self, xml: str, receive_id: str | None = None) -> tuple[str, str]:
        encrypt = self.encrypt(xml, receive_id)
        return encrypt, f"<xml><ToUserName><![CDATA[gh_butler]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"


def fields(xml: str) -> dict[str, str]:
    return {child.tag: child.text or "" for child in ET.fromstring(xml)}


@pytest.fixture
def standin() -> Iterator[WeChatStandIn]:
    server = WeChatStandIn().start()
    yield server
    server.stop()


@pytest.fixture
def wechat_env(app_env, standin: WeChatStandIn, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """The environment the gateway would read with a 公众号 (plain mode: no AES key; the
    ``safe_mode`` fixture adds it) and a WeCom app configured."""
    from assistant.db import get_database
    from assistant.settings import get_settings

    for name, value in {
        "WECHAT_TOKEN": OA_TOKEN, "WECHAT_APP_ID": APP_ID, "WECHAT_APP_SECRET": APP_SECRET,
        "WECHAT_API_BASE_URL": standin.base_url, "WECHAT_OUTBOX_SECONDS": "0.2",
        "WECOM_CORP_ID": CORP_ID, "WECOM_AGENT_ID": AGENT_ID, "WECOM_SECRET": CORP_SECRET,
        "WECOM_TOKEN": WORK_TOKEN, "WECOM_AES_KEY": WORK_AES_KEY, "WECOM_API_BASE_URL": standin.base_url,
        "RASA_URL": f"http://127.0.0.1:{closed_port()}", "ACTION_SERVER_URL": f"http://127.0.0.1:{closed_port()}",
        "VOSK_MODEL_DIR": str(tmp_path / "no-vosk-model"),
    }.items():
        monkeypatch.setenv(f"BUTLER_{name}", value)
    get_settings.cache_clear()
    get_database.cache_clear()
    yield app_env
    get_settings.cache_clear()
    get_database.cache_clear()


@pytest.fixture
def gateway(wechat_env, monkeypatch: pytest.MonkeyPatch):
    """The gateway in-process, configured from the environment."""
    from fastapi.testclient import TestClient

    from assistant.api.app import create_app
    from assistant.settings import get_settings

    settings = get_settings()
    with TestClient(create_app(settings)) as test_client:
        # Passive replies whatever the machine's load: the 4-second rule itself is tested
        # with a dialogue that answers on cue (test_wechat_oa.py, ``slow``).
        monkeypatch.setattr(settings, "wechat_reply_seconds", 60.0)
        yield test_client


@pytest.fixture
def safe_mode(gateway, monkeypatch: pytest.MonkeyPatch):
    """The running 公众号 with its EncodingAESKey set (safe mode), as the gateway builds
    it from BUTLER_WECHAT_AES_KEY."""
    from assistant.channels import wechat_api

    oa = gateway.app.state.wechat.oa
    monkeypatch.setattr(oa.settings, "wechat_aes_key", OA_AES_KEY)
    monkeypatch.setattr(oa, "cipher", wechat_api.Cipher(OA_TOKEN, OA_AES_KEY, APP_ID))
    return oa


@pytest.fixture
def oa() -> WeChatServer:
    return WeChatServer(OA_TOKEN, OA_AES_KEY, APP_ID)


@pytest.fixture
def work() -> WeChatServer:
    return WeChatServer(WORK_TOKEN, WORK_AES_KEY, CORP_ID)


def until(predicate: Callable[[], object], timeout: float = 30.0, what: str = "") -> object:
    """Wait for what the gateway does in the background (the outbox), polling."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        time.sleep(0.05)


def inbox_rows(db):
    from sqlalchemy import select

    from assistant.inbox.models import InboxMessage

    with db.session() as session:
        return session.scalars(select(InboxMessage).order_by(InboxMessage.id)).all()


def outbox_rows(db):
    from sqlalchemy import select

    from assistant.outbox.models import OutboxMessage

    with db.session() as session:
        return session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
