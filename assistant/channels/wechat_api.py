"""Our small adapter over WeChat: signatures, safe-mode crypto, message XML and the
few HTTP APIs the butler calls (issue #17, docs/wechat.md).

``wechatpy`` (MIT) does the signing, AES and XML work. Its current release is the
pre-release 2.0.0a26, pinned exactly, so the rest of the butler sees only this module
(``tests/wechat/test_wechat_crypto.py`` holds known-answer vectors that would catch a
swap of the library or of its ``cryptography`` backend).

- ``check_signature``: the URL check and plain-mode callbacks: sha1 of the sorted
  token, timestamp and nonce.
- ``Cipher``: safe mode. ``msg_signature`` also covers the ``Encrypt`` text; the
  plaintext carries the receive id (the 公众号's AppID, WeCom's corpid), which must be
  ours. The OA and WeCom cipher classes differ only in that id, and each app gets its
  own (using the OA class for WeCom is a known pitfall).
- ``WeChatApi``: an access token per app (one cache: fetching a new token retires the
  old one after about 5 minutes), refreshed when WeChat answers 40001 / 40014 /
  42001; the customer-service send, the media download (voice) and WeCom's app
  message send. Async (httpx), with a timeout: nothing blocks the event loop.
"""

from __future__ import annotations

import asyncio
import hmac
import re
import time
from collections.abc import Callable
from typing import Any

import httpx
import structlog

log = structlog.get_logger(__name__)

TOKEN_EXPIRED = frozenset({40001, 40014, 42001})
# The server's address is not on the account's IP allow-list (OA, WeCom).
IP_NOT_ALLOWED = frozenset({40164, 60020})
# The token is refreshed this long before WeChat says it expires.
TOKEN_MARGIN_SECONDS = 300
# A passive reply's Content and a customer-service text: WeChat counts bytes (UTF-8),
# not characters; 2048 is its limit, a margin is kept.
TEXT_LIMIT_BYTES = 2000
# A callback's ``timestamp`` may be this far from the server's wall time (seconds).
MAX_CLOCK_SKEW = 300
API_TIMEOUT = 8.0
SENTENCE_END = re.compile(r"(?<=[。！？!?；;…\n])")


class WeChatError(Exception):
    """A callback that must be refused: ``status`` and a stable ``code``."""

    status = 400
    code = "bad_message"


class SignatureError(WeChatError):
    status = 403
    code = "bad_signature"


class ReceiveIdError(WeChatError):
    status = 403
    code = "wrong_receive_id"


class SafeModeRequired(WeChatError):
    """A plain callback where safe mode is configured (the plain signature does not
    cover the body)."""

    status = 403
    code = "safe_mode_required"


class StaleTimestamp(WeChatError):
    status = 403
    code = "stale_timestamp"


class ReplayedNonce(WeChatError):
    """The same signed timestamp and nonce again, with another body."""

    status = 403
    code = "replayed_nonce"


class WeChatApiError(Exception):
    """WeChat answered an API call with a non-zero ``errcode``."""

    def __init__(self, errcode: int, errmsg: str = "") -> None:
        super().__init__(f"{errcode} {errmsg}"[:200])
        self.errcode = errcode
        self.errmsg = errmsg


# -- signatures and crypto ----------------------------------------------------------------
def signature(*parts: str) -> str:
    """sha1 of the sorted, concatenated parts (WeChat's one signing rule)."""
    from wechatpy.utils import WeChatSigner

    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def check_signature(token: str, sig: str, timestamp: str, nonce: str) -> None:
    """The URL check and plain-mode callbacks. Raises ``SignatureError``."""
    if not (token and sig and timestamp and nonce) or not hmac.compare_digest(
            signature(token, timestamp, nonce), sig.lower()):
        raise SignatureError("bad signature")


def check_timestamp(timestamp: str, now: float) -> int:
    """The callback's ``timestamp`` (seconds since the epoch, WeChat's protocol time),
    refused with ``StaleTimestamp`` when it is more than ``MAX_CLOCK_SKEW`` from ``now``
    (the server's wall time): a leaked signed request cannot be replayed later."""
    try:
        value = int(timestamp)
    except (TypeError, ValueError):
        raise StaleTimestamp("no valid timestamp") from None
    if abs(now - value) > MAX_CLOCK_SKEW:
        raise StaleTimestamp("timestamp too far from the server's time")
    return value


class Cipher:
    """One app's safe mode: ``work=False`` the 公众号 (receive id = AppID), ``work=True``
    WeCom (receive id = corpid)."""

    def __init__(self, token: str, aes_key: str, receive_id: str, *, work: bool = False) -> None:
        if work:
            from wechatpy.work.crypto import WeChatCrypto
        else:
            from wechatpy.crypto import WeChatCrypto
        try:
            self._crypto = WeChatCrypto(token, aes_key, receive_id)
        except (AssertionError, ValueError) as error:
            raise ValueError("the EncodingAESKey must be 43 characters of base64") from error
        self.token = token

    def decrypt(self, encrypt: str, msg_signature: str, timestamp: str, nonce: str) -> str:
        """The XML inside ``encrypt``, after checking ``msg_signature`` over it."""
        from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
        from wechatpy.work.exceptions import InvalidCorpIdException

        if not (encrypt and msg_signature and timestamp and nonce) or not hmac.compare_digest(
                signature(self.token, timestamp, nonce, encrypt), msg_signature.lower()):
            raise SignatureError("bad msg_signature")
        try:
            return self._crypto.decrypt_message({"Encrypt": encrypt}, msg_signature.lower(), timestamp, nonce)
        except InvalidSignatureException:
            raise SignatureError("bad msg_signature") from None
        except (InvalidAppIdException, InvalidCorpIdException):
            raise ReceiveIdError("the message is for another app") from None
        except Exception as error:  # noqa: BLE001 - bad base64, padding, lengths, UTF-8: not ours
            raise WeChatError(f"cannot decrypt: {type(error).__name__}") from None

    def decrypt_body(self, body: bytes, msg_signature: str, timestamp: str, nonce: str) -> str:
        """A POSTed ``<xml><Encrypt>…</Encrypt></xml>`` envelope's inner XML."""
        return self.decrypt(envelope_field(body, "Encrypt"), msg_signature, timestamp, nonce)

    def encrypt(self, xml: str, nonce: str, timestamp: str | None = None) -> str:
        """A reply as the encrypted envelope WeChat expects back."""
        return self._crypto.encrypt_message(xml, nonce, timestamp)


def envelope_field(body: bytes, name: str) -> str:
    import xmltodict

    try:
        data = xmltodict.parse(body)["xml"]
        value = data.get(name) if isinstance(data, dict) else None
    except Exception:  # noqa: BLE001 - expat errors and shapes that are not WeChat's
        raise WeChatError("not WeChat's XML") from None
    if not isinstance(value, str) or not value:
        raise WeChatError(f"no {name} in the message")
    return value


def parse(xml: str | bytes, *, work: bool = False) -> Any:
    """A message or event object (``wechatpy.messages`` / ``wechatpy.work``)."""
    if work:
        from wechatpy.work import parse_message
    else:
        from wechatpy import parse_message
    try:
        message = parse_message(xml)
    except Exception:  # noqa: BLE001 - expat errors, a missing MsgType
        raise WeChatError("not WeChat's message XML") from None
    if message is None or not getattr(message, "source", None):
        raise WeChatError("a message without a sender")
    return message


def text_reply(message: Any, content: str, *, work: bool = False) -> str:
    """A passive text reply to ``message`` (To/From swapped), as XML. wechatpy puts the
    content in CDATA as it is: a ``]]>`` in it (a reply echoing the resident's words)
    would end the section early, so it is split across two sections."""
    content = content.replace("]]>", "]]]]><![CDATA[>")
    if work:
        from wechatpy.work.replies import TextReply
    else:
        from wechatpy.replies import TextReply
    return TextReply(message=message, content=content).render()


def split_bytes(text: str, limit: int = TEXT_LIMIT_BYTES) -> list[str]:
    """``text`` in pieces of at most ``limit`` UTF-8 bytes, cut after a sentence
    where possible, else at a character."""
    text = text.strip()
    if not text:
        return []
    if len(text.encode()) <= limit:
        return [text]
    pieces: list[str] = []
    for sentence in (s for s in SENTENCE_END.split(text) if s):
        while len(sentence.encode()) > limit:
            cut = limit // 4
            while len(sentence[:cut + 1].encode()) <= limit:
                cut += 1
            pieces.append(sentence[:cut])
            sentence = sentence[cut:]
        pieces.append(sentence)
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        if current and len((current + piece).encode()) > limit:
            chunks.append(current)
            current = ""
        current += piece
    if current:
        chunks.append(current)
    return [c.strip() for c in chunks if c.strip()]


# -- the HTTP APIs ------------------------------------------------------------------------
class WeChatApi:
    """One app's API calls. ``work=False``: the 公众号 (``appid`` + ``secret`` at
    ``/cgi-bin/token``); ``work=True``: WeCom (``corpid`` + ``corpsecret`` at
    ``/cgi-bin/gettoken``, messages from ``agent_id``)."""

    def __init__(self, base_url: str, app_id: str, secret: str, *, work: bool = False, agent_id: str = "",
                 client: httpx.AsyncClient | None = None, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.base_url = base_url.rstrip("/")
        self.app_id, self.secret, self.work, self.agent_id = app_id, secret, work, agent_id
        self._client = client or httpx.AsyncClient(timeout=API_TIMEOUT)
        self._monotonic = monotonic
        self._token: str | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def token(self, *, refresh: bool = False) -> str:
        """The cached access token; a new one when it is (nearly) expired or WeChat
        said it was not valid. One fetch at a time: a second fetch would retire the
        first token."""
        stale = self._token
        async with self._lock:
            if self._token and self._monotonic() < self._expires and not (refresh and self._token == stale):
                return self._token
            path, params = (("/cgi-bin/gettoken", {"corpid": self.app_id, "corpsecret": self.secret}) if self.work
                            else ("/cgi-bin/token", {"grant_type": "client_credential", "appid": self.app_id,
                                                     "secret": self.secret}))
            data = self._checked(await self._client.get(self.base_url + path, params=params))
            token = data.get("access_token")
            if not isinstance(token, str) or not token:
                raise WeChatApiError(-1, "no access_token in the answer")
            self._token = token
            self._expires = self._monotonic() + max(60, int(data.get("expires_in") or 7200) - TOKEN_MARGIN_SECONDS)
            log.info("wechat_token_fetched", work=self.work)
            return token

    def _checked(self, response: httpx.Response) -> dict:
        response.raise_for_status()
        try:
            data = response.json()
        except ValueError:
            raise WeChatApiError(-1, "not JSON") from None
        errcode = int(data.get("errcode") or 0)
        if errcode:
            if errcode in IP_NOT_ALLOWED:
                log.error("wechat_ip_not_allowed", errcode=errcode, work=self.work)
            raise WeChatApiError(errcode, str(data.get("errmsg") or ""))
        return data

    async def _call(self, method: str, path: str, *, json: dict | None = None,
                    params: dict | None = None) -> httpx.Response:
        """One authenticated call; once more with a new token on 40001/40014/42001."""
        for attempt in (1, 2):
            token = await self.token(refresh=attempt == 2)
            response = await self._client.request(method, self.base_url + path,
                                                  params={**(params or {}), "access_token": token}, json=json)
            if response.headers.get("content-type", "").startswith(("application/json", "text/plain")):
                try:
                    data = response.json()
                except ValueError:
                    data = {}
                errcode = int(data.get("errcode") or 0) if isinstance(data, dict) else 0
                if errcode in TOKEN_EXPIRED and attempt == 1:
                    log.info("wechat_token_refused", errcode=errcode, work=self.work)
                    continue
            return response
        raise AssertionError("unreachable")

    async def send_text(self, user: str, text: str) -> None:
        """The 公众号's customer-service message (``/cgi-bin/message/custom/send``,
        within 48 h of the resident's last message) or WeCom's app message."""
        if self.work:
            body = {"touser": user, "msgtype": "text", "agentid": int(self.agent_id or 0), "text": {"content": text}}
            path = "/cgi-bin/message/send"
        else:
            body = {"touser": user, "msgtype": "text", "text": {"content": text}}
            path = "/cgi-bin/message/custom/send"
        self._checked(await self._call("POST", path, json=body))

    async def get_media(self, media_id: str, max_bytes: int) -> bytes:
        """A temporary media file (a voice message's AMR)."""
        response = await self._call("GET", "/cgi-bin/media/get", params={"media_id": media_id})
        if response.headers.get("content-type", "").startswith(("application/json", "text/plain")):
            self._checked(response)
            raise WeChatApiError(-1, "no media in the answer")
        response.raise_for_status()
        if len(response.content) > max_bytes:
            raise WeChatApiError(-2, "media too large")
        return response.content


__all__ = ["MAX_CLOCK_SKEW", "Cipher", "ReceiveIdError", "ReplayedNonce", "SafeModeRequired", "SignatureError",
           "StaleTimestamp", "TEXT_LIMIT_BYTES", "TOKEN_EXPIRED", "WeChatApi", "WeChatApiError", "WeChatError",
           "check_signature", "check_timestamp", "envelope_field", "parse", "signature", "split_bytes", "text_reply"]
