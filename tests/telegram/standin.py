"""A Telegram Bot API stand-in on loopback: the real python-telegram-bot application
talks HTTP to it exactly as it talks to api.telegram.org (``base_url`` /
``base_file_url``). Telegram's servers cannot be reached from the test machines, and
a test must be able to make the API fail on purpose (429 with ``retry_after``, 500,
403), so this small server stands in for them.

It implements getMe, deleteWebhook, setWebhook, getUpdates (``offset``, waiting up
to ``timeout``, answering the final ``timeout=0`` call at shutdown), sendMessage,
sendVoice, sendChatAction, answerCallbackQuery, editMessageReplyMarkup, getFile and
the file download route (voice notes, photos and documents the tests add, with the
size a test may make the server claim); it records what the bot sent, and the tests inject updates
and faults. Starlette + uvicorn in a thread with its own event loop.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

TOKEN = "123456:TEST-token-for-the-stand-in"
BOT_USER = {"id": 900001, "is_bot": True, "first_name": "社区管家", "username": "butler_test_bot",
            "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}


@dataclass
class Sent:
    method: str
    chat_id: int | None
    text: str | None = None
    buttons: list[list[dict]] = field(default_factory=list)
    voice: bytes | None = None
    message: dict | None = None
    params: dict = field(default_factory=dict)

    def titles(self) -> list[str]:
        return [b["text"] for row in self.buttons for b in row]


class BotApiStandIn:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.updates: list[dict] = []
        self.redeliver: list[dict] = []
        self.sent: list[Sent] = []
        self.calls: list[str] = []
        self.faults: dict[str, list[dict]] = {}
        self.files: dict[str, bytes] = {}
        # file id → (file_path under the file URL, media type, the file_size getFile claims or None)
        self.file_meta: dict[str, tuple[str, str, int | None]] = {}
        self.downloads: list[str] = []
        self.offsets: list[int] = []
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(1)
        self.port = _free_port()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    # -- URLs the bot is configured with ----------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- life -------------------------------------------------------------------------------
    def start(self) -> BotApiStandIn:
        app = Starlette(routes=[Route("/bot{token}/{method}", self._method, methods=["GET", "POST"]),
                                Route("/file/bot{token}/{path:path}", self._file, methods=["GET"])])
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                     lifespan="off"))
        self._thread = threading.Thread(target=self._server.run, name="bot-api-standin", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the stand-in did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    # -- what tests do ----------------------------------------------------------------------
    def inject(self, update: dict) -> dict:
        with self.lock:
            self.updates.append(update)
        return update

    def deliver_again(self, update: dict) -> None:
        """The same update once more, whatever offset the bot confirmed (a Bot API
        server that lost track, or a webhook retried)."""
        with self.lock:
            self.redeliver.append(update)

    def fail_next(self, method: str, status: int, *, retry_after: int | None = None, times: int = 1) -> None:
        body: dict[str, Any] = {"ok": False, "error_code": status,
                                "description": {429: f"Too Many Requests: retry after {retry_after}",
                                                403: "Forbidden: bot was blocked by the user",
                                                500: "Internal Server Error"}.get(status, "Error")}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        with self.lock:
            self.faults.setdefault(method, []).extend({"status": status, "body": body} for _ in range(times))

    def add_file(self, file_id: str, data: bytes, *, kind: str = "voice", media_type: str | None = None,
                 claimed_size: int | None = None) -> None:
        """A file the bot may fetch: ``kind`` "voice" (OGG), "photos" (JPEG) or
        "documents"; ``claimed_size`` is what getFile says when it should lie."""
        extension, default_type = {"voice": (".oga", "audio/ogg"), "photos": (".jpg", "image/jpeg"),
                                   "documents": (".bin", "application/octet-stream")}[kind]
        self.files[file_id] = data
        self.file_meta[file_id] = (f"{kind}/{file_id}{extension}", media_type or default_type, claimed_size)

    def sent_to(self, chat_id: int, method: str | None = None) -> list[Sent]:
        with self.lock:
            return [s for s in self.sent if s.chat_id == chat_id and (method is None or s.method == method)]

    def count(self, method: str) -> int:
        with self.lock:
            return self.calls.count(method)

    # -- updates the tests build ------------------------------------------------------------
    def next_update_id(self) -> int:
        return next(self._update_ids)

    @staticmethod
    def user(user_id: int) -> dict:
        return {"id": user_id, "is_bot": False, "first_name": "居民", "language_code": "zh-hans"}

    def message(self, user_id: int, *, text: str | None = None, chat: dict | None = None, **extra: Any) -> dict:
        body = {"message_id": next(self._message_ids), "date": int(time.time()), "from": self.user(user_id),
                "chat": chat or {"id": user_id, "type": "private", "first_name": "居民"}, **extra}
        if text is not None:
            body["text"] = text
            if text.startswith("/"):
                body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return body

    def text_update(self, user_id: int, text: str, **kwargs: Any) -> dict:
        return self.inject({"update_id": self.next_update_id(), "message": self.message(user_id, text=text, **kwargs)})

    def group_update(self, user_id: int, group_id: int, text: str) -> dict:
        chat = {"id": group_id, "type": "group", "title": "3号楼居民群"}
        extra: dict[str, Any] = {}
        handle = "@" + BOT_USER["username"]
        if handle in text:
            extra["entities"] = [{"type": "mention", "offset": text.index(handle), "length": len(handle)}]
        return self.inject({"update_id": self.next_update_id(),
                            "message": self.message(user_id, text=text, chat=chat, **extra)})

    def voice_update(self, user_id: int, file_id: str, duration: int) -> dict:
        voice = {"file_id": file_id, "file_unique_id": f"u-{file_id}", "duration": duration,
                 "mime_type": "audio/ogg", "file_size": len(self.files.get(file_id, b""))}
        return self.inject({"update_id": self.next_update_id(), "message": self.message(user_id, voice=voice)})

    def photo_update(self, user_id: int, sizes: list[tuple[str, int, int]], *, caption: str | None = None,
                     claimed_sizes: dict[str, int] | None = None) -> dict:
        """A photo as Telegram sends it: several sizes (file id, width, height), smallest first."""
        claimed = claimed_sizes or {}
        photo = [{"file_id": fid, "file_unique_id": f"u-{fid}", "width": w, "height": h,
                  "file_size": claimed.get(fid, len(self.files.get(fid, b"")))} for fid, w, h in sizes]
        extra: dict[str, Any] = {"photo": photo}
        if caption is not None:
            extra["caption"] = caption
        return self.inject({"update_id": self.next_update_id(), "message": self.message(user_id, **extra)})

    def document_update(self, user_id: int, file_id: str, mime_type: str, *, file_name: str = "file",
                        file_size: int | None = None, caption: str | None = None) -> dict:
        document = {"file_id": file_id, "file_unique_id": f"u-{file_id}", "file_name": file_name,
                    "mime_type": mime_type,
                    "file_size": len(self.files.get(file_id, b"")) if file_size is None else file_size}
        extra: dict[str, Any] = {"document": document}
        if caption is not None:
            extra["caption"] = caption
        return self.inject({"update_id": self.next_update_id(), "message": self.message(user_id, **extra)})

    def press(self, user_id: int, sent: Sent, title: str) -> dict:
        data = next(b["callback_data"] for row in sent.buttons for b in row if b["text"] == title)
        query = {"id": f"cq{self.next_update_id()}", "from": self.user(user_id), "chat_instance": "ci-1",
                 "data": data, "message": sent.message}
        return self.inject({"update_id": self.next_update_id(), "callback_query": query})

    # -- the HTTP side ----------------------------------------------------------------------
    async def _params(self, request: Request) -> tuple[dict, dict[str, bytes]]:
        params: dict[str, Any] = dict(request.query_params)
        files: dict[str, bytes] = {}
        ctype = request.headers.get("content-type", "")
        if "application/json" in ctype:
            params.update(await request.json())
        elif ctype:
            form = await request.form()
            for key, value in form.multi_items():
                if hasattr(value, "read"):
                    files[key] = await value.read()
                else:
                    params[key] = value
        for key in ("reply_markup", "allowed_updates"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        return params, files

    async def _method(self, request: Request) -> Response:
        method = request.path_params["method"]
        if request.path_params["token"] != TOKEN:
            return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"}, status_code=401)
        params, files = await self._params(request)
        with self.lock:
            self.calls.append(method)
            fault = self.faults.get(method, [])
            fault = fault.pop(0) if fault else None
        if fault is not None:
            return JSONResponse(fault["body"], status_code=fault["status"])
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return JSONResponse({"ok": False, "error_code": 404, "description": "Not Found"}, status_code=404)
        result = await handler(params, files)
        return JSONResponse({"ok": True, "result": result})

    async def _file(self, request: Request) -> Response:
        if request.path_params["token"] != TOKEN:
            return Response(status_code=401)
        name = request.path_params["path"].rsplit("/", 1)[-1].split(".")[0]
        data = self.files.get(name)
        if data is None:
            return Response(status_code=404)
        with self.lock:
            self.downloads.append(name)
        media_type = self.file_meta.get(name, ("", "audio/ogg", None))[1]
        return Response(data, media_type=media_type)

    async def _api_getMe(self, params, files):  # noqa: ANN001, N802
        return BOT_USER

    async def _api_deleteWebhook(self, params, files):  # noqa: ANN001, N802
        return True

    async def _api_setWebhook(self, params, files):  # noqa: ANN001, N802
        return True

    async def _api_getUpdates(self, params, files):  # noqa: ANN001, N802
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        with self.lock:
            self.offsets.append(offset)
        while True:
            with self.lock:
                again, self.redeliver = self.redeliver, []
                fresh = [u for u in self.updates if u["update_id"] >= offset]
                # Confirmed updates are forgotten, as Telegram does.
                self.updates = fresh
            if again or fresh or time.monotonic() >= deadline:
                return again + fresh[:100]
            await asyncio.sleep(0.05)

    def _record(self, method: str, params: dict, *, text: str | None = None, voice: bytes | None = None) -> dict:
        chat_id = int(params["chat_id"])
        markup = params.get("reply_markup") or {}
        message = {"message_id": next(self._message_ids), "date": int(time.time()), "from": BOT_USER,
                   "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"}}
        if text is not None:
            message["text"] = text
        if voice is not None:
            message["voice"] = {"file_id": f"v{message['message_id']}", "file_unique_id": f"uv{message['message_id']}",
                                "duration": 1, "mime_type": "audio/ogg", "file_size": len(voice)}
        if markup:
            message["reply_markup"] = markup
        with self.lock:
            self.sent.append(Sent(method, chat_id, text, markup.get("inline_keyboard", []), voice, message, params))
        return message

    async def _api_sendMessage(self, params, files):  # noqa: ANN001, N802
        return self._record("sendMessage", params, text=params["text"])

    async def _api_sendVoice(self, params, files):  # noqa: ANN001, N802
        return self._record("sendVoice", params, voice=files.get("voice", b""))

    async def _api_sendChatAction(self, params, files):  # noqa: ANN001, N802
        return True

    async def _api_answerCallbackQuery(self, params, files):  # noqa: ANN001, N802
        with self.lock:
            self.sent.append(Sent("answerCallbackQuery", None, params=params))
        return True

    async def _api_editMessageReplyMarkup(self, params, files):  # noqa: ANN001, N802
        with self.lock:
            self.sent.append(Sent("editMessageReplyMarkup", int(params["chat_id"]), params=params))
        return {"message_id": int(params["message_id"]), "date": int(time.time()), "from": BOT_USER,
                "chat": {"id": int(params["chat_id"]), "type": "private"}, "text": "…"}

    async def _api_getFile(self, params, files):  # noqa: ANN001, N802
        file_id = params["file_id"]
        path, _media_type, claimed = self.file_meta.get(file_id, (f"voice/{file_id}.oga", "audio/ogg", None))
        size = len(self.files.get(file_id, b"")) if claimed is None else claimed
        return {"file_id": file_id, "file_unique_id": f"u-{file_id}", "file_size": size, "file_path": path}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
