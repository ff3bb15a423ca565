"""A WeChat API stand-in on loopback: the butler's ``WeChatApi`` talks HTTP to it
exactly as to api.weixin.qq.com / qyapi.weixin.qq.com (``BUTLER_WECHAT_API_BASE_URL``,
``BUTLER_WECOM_API_BASE_URL``). WeChat cannot be reached from the test machines, and a
test must be able to make it refuse on purpose (an expired token, the 48-hour window).

It implements the 公众号's ``/cgi-bin/token``, ``/cgi-bin/message/custom/send`` and
``/cgi-bin/media/get``, and WeCom's ``/cgi-bin/gettoken`` and ``/cgi-bin/message/send``;
it records what was sent, checks the access token (a retired one gets 40001, an
expired one 42001), and the tests inject errcodes. Starlette + uvicorn in a thread,
on a port the OS chooses.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

APP_ID, APP_SECRET = "wx49f0ab532d5d035a", "oa-secret-for-the-stand-in"
CORP_ID, CORP_SECRET, AGENT_ID = "ww1234567890abcdef", "work-secret-for-the-stand-in", "1000002"


@dataclass
class Sent:
    path: str
    touser: str
    text: str
    token: str
    body: dict


class WeChatStandIn:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sent: list[Sent] = []
        self.calls: list[str] = []
        self.media: dict[str, bytes] = {}
        self.faults: dict[str, list[int]] = {}
        self.valid_tokens: set[str] = set()
        self.expired_tokens: set[str] = set()
        self._tokens = itertools.count(1)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- life -------------------------------------------------------------------------------
    def start(self) -> WeChatStandIn:
        app = Starlette(routes=[
            Route("/cgi-bin/token", self._token, methods=["GET"]),
            Route("/cgi-bin/gettoken", self._work_token, methods=["GET"]),
            Route("/cgi-bin/message/custom/send", self._send, methods=["POST"]),
            Route("/cgi-bin/message/send", self._send, methods=["POST"]),
            Route("/cgi-bin/media/get", self._media, methods=["GET"]),
        ])
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                                                     lifespan="off"))
        self._thread = threading.Thread(target=self._server.run, name="wechat-standin", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not (self._server.started and self._server.servers):
            if time.monotonic() > deadline:
                raise RuntimeError("the stand-in did not start")
            time.sleep(0.02)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    # -- what tests do ----------------------------------------------------------------------
    def fail_next(self, path: str, errcode: int, times: int = 1) -> None:
        with self.lock:
            self.faults.setdefault(path, []).extend([errcode] * times)

    def expire_tokens(self) -> None:
        """Every token handed out so far expires (WeChat then answers 42001)."""
        with self.lock:
            self.expired_tokens |= self.valid_tokens
            self.valid_tokens = set()

    def sent_to(self, user: str) -> list[Sent]:
        with self.lock:
            return [s for s in self.sent if s.touser == user]

    def count(self, path: str) -> int:
        with self.lock:
            return self.calls.count(path)

    # -- the API ----------------------------------------------------------------------------
    def _fault(self, path: str) -> int | None:
        with self.lock:
            self.calls.append(path)
            queue = self.faults.get(path)
            return queue.pop(0) if queue else None

    def _new_token(self, prefix: str) -> JSONResponse:
        token = f"{prefix}-{next(self._tokens)}"
        with self.lock:
            # A new token retires the earlier ones (WeChat keeps the old one ~5 minutes;
            # the stand-in is strict so that a second fetch shows).
            self.expired_tokens |= self.valid_tokens
            self.valid_tokens = {token}
        return JSONResponse({"access_token": token, "expires_in": 7200})

    async def _token(self, request: Request) -> Response:
        errcode = self._fault("/cgi-bin/token")
        q = request.query_params
        if errcode or q.get("appid") != APP_ID or q.get("secret") != APP_SECRET:
            return JSONResponse({"errcode": errcode or 40013, "errmsg": "invalid appid"})
        return self._new_token("oa")

    async def _work_token(self, request: Request) -> Response:
        errcode = self._fault("/cgi-bin/gettoken")
        q = request.query_params
        if errcode or q.get("corpid") != CORP_ID or q.get("corpsecret") != CORP_SECRET:
            return JSONResponse({"errcode": errcode or 40013, "errmsg": "invalid corpid"})
        return self._new_token("work")

    def _token_error(self, request: Request) -> JSONResponse | None:
        token = request.query_params.get("access_token", "")
        with self.lock:
            if token in self.valid_tokens:
                return None
            expired = token in self.expired_tokens
        return JSONResponse({"errcode": 42001 if expired else 40001, "errmsg": "access_token invalid"})

    async def _send(self, request: Request) -> Response:
        path = request.url.path
        errcode = self._fault(path)
        refused = self._token_error(request)
        if refused is not None:
            return refused
        if errcode:
            return JSONResponse({"errcode": errcode, "errmsg": "refused by the stand-in"})
        body = await request.json()
        if body.get("msgtype") != "text" or not body.get("touser") or len(body["text"]["content"].encode()) > 2048:
            return JSONResponse({"errcode": 44004, "errmsg": "bad text"})
        with self.lock:
            self.sent.append(Sent(path, body["touser"], body["text"]["content"],
                                  request.query_params["access_token"], body))
        return JSONResponse({"errcode": 0, "errmsg": "ok"})

    async def _media(self, request: Request) -> Response:
        errcode = self._fault("/cgi-bin/media/get")
        refused = self._token_error(request)
        if refused is not None:
            return refused
        data = self.media.get(request.query_params.get("media_id", ""))
        if errcode or data is None:
            return JSONResponse({"errcode": errcode or 40007, "errmsg": "invalid media_id"})
        return Response(data, media_type="audio/amr")
