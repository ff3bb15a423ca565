"""WeCom (企业微信) for staff (issue #17, docs/wechat.md): the app's callback, always
encrypted (receive id = the corpid), and pushes to staff through the shared outbox.

- Alerts: ``enqueue_staff_alert`` queues a ticket's alert (an emergency, a care
  escalation) for each WeCom user of ``BUTLER_WECOM_ALERT_TO`` as an outbox row of
  channel ``wecom`` (recipient ``wecom:<userid>``); the gateway delivers it with WeCom's
  app message API. Personal data masked as in the webhook alert.
- Commands a staff member sends the app, with the console's role rules and audit:
  ``查 GD…`` (the ticket's state), ``接单 GD…`` (开始处置), ``办结 GD… 说明``. Who may
  is ``BUTLER_WECOM_STAFF``: ``userid:console username`` pairs; the console user's role
  decides (a viewer may only look), and the ticket's audit names ``staff:<username>``.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import Any

import anyio
import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant import outbox
from assistant.channels import wechat_api
from assistant.channels.wechat_api import WeChatApi
from assistant.settings import Settings

log = structlog.get_logger(__name__)

CHANNEL = "wecom"
COMMAND = re.compile(r"^\s*(查|查询|接单|办结)\s*(GD\d{12})\s*(.*)$", re.S | re.I)
# The console's rule (assistant/api/routers/tickets.py): a worker may start and finish work.
MAY_MOVE = frozenset({"admin", "dispatcher", "worker"})
HELP_TEXT = "可以发：\n查 GD工单号\n接单 GD工单号\n办结 GD工单号 处理说明"
UNKNOWN_STAFF_TEXT = "您还没有绑定管家的工作人员账号，请联系管理员。"


def staff_map(settings: Settings) -> dict[str, str]:
    """``BUTLER_WECOM_STAFF`` (``userid:username,…``) as a dict."""
    pairs = (item.split(":", 1) for item in settings.wecom_staff.split(",") if ":" in item)
    return {userid.strip(): username.strip() for userid, username in pairs if userid.strip() and username.strip()}


def alert_recipients(settings: Settings) -> list[str]:
    return [user.strip() for user in re.split(r"[,|]", settings.wecom_alert_to) if user.strip()]


def alert_text(ticket: Any, kind: str = "紧急") -> str:
    from assistant.privacy import mask_text

    where = ticket.address or "地点未说明"
    return (f"【{kind}】工单 {ticket.id}\n{mask_text(ticket.description or '')[:300]}\n地点：{where}\n"
            f"部门：{ticket.department or '待分派'}\n回复“接单 {ticket.id}”开始处置。")


def enqueue_staff_alert(session: Session, ticket: Any, *, kind: str = "紧急", settings: Settings | None = None) -> int:
    """Queue the alert for every WeCom user of ``BUTLER_WECOM_ALERT_TO``, in the caller's
    transaction (one row per user and ticket). Returns how many were queued."""
    from assistant.settings import get_settings

    settings = settings or get_settings()
    if not settings.wecom_token:
        return 0
    text = alert_text(ticket, kind)
    return sum(outbox.enqueue(session, recipient=f"{CHANNEL}:{user}", channel=CHANNEL, text=text,
                              dedupe_key=f"wecom:alert:{ticket.id}:{kind}:{user}")
               for user in alert_recipients(settings))


@dataclass
class WorkApp:
    settings: Settings
    cipher: wechat_api.Cipher = field(init=False)
    api: WeChatApi | None = None
    kick: asyncio.Event = field(default_factory=asyncio.Event)
    _db: Any = None

    def __post_init__(self) -> None:
        s = self.settings
        self.cipher = wechat_api.Cipher(s.wecom_token, s.wecom_aes_key, s.wecom_corp_id, work=True)
        if self.api is None and s.wecom_corp_id and s.wecom_secret:
            self.api = WeChatApi(s.wecom_api_base_url, s.wecom_corp_id, s.wecom_secret, work=True,
                                 agent_id=s.wecom_agent_id)

    @property
    def db(self):  # noqa: ANN201
        if self._db is None:
            from assistant.db import get_database

            self._db = get_database()
        return self._db

    async def handle(self, message: Any) -> str | None:
        """The passive reply to a staff member's message (None: ``success``)."""
        if getattr(message, "type", "") != "text":
            return None
        return await anyio.to_thread.run_sync(self.command, message.source, (message.content or "").strip())

    def command(self, userid: str, text: str) -> str:
        from assistant.auth.models import StaffUser
        from assistant.tickets import service
        from assistant.tickets.lifecycle import TicketError

        match = COMMAND.match(text)
        if not match:
            return HELP_TEXT
        verb, ticket_id, note = match.group(1), match.group(2).upper(), match.group(3).strip() or None
        username = staff_map(self.settings).get(userid)
        with self.db.session() as session:
            user = session.scalars(select(StaffUser).where(StaffUser.username == username)).first() if username \
                else None
            role = user.role if user is not None and user.active else None
        if role is None:
            log.warning("wecom_unknown_staff", userid=userid[:4] + "***")
            return UNKNOWN_STAFF_TEXT
        try:
            if verb in ("查", "查询"):
                with self.db.session() as session:
                    ticket = service.get_ticket(session, ticket_id)
                    return f"{ticket.id}：{ticket.status}，{ticket.department or '待分派'}"
            if role not in MAY_MOVE:
                return f"您的角色（{role}）只能查询工单。"
            action = "开始处置" if verb == "接单" else "办结"
            if action == "办结" and not note:
                return f"办结需要写处理说明，例如：办结 {ticket_id} 已更换灯泡"
            ticket = service.transition_ticket(self.db, ticket_id, action, actor=f"staff:{username}", note=note)
        except TicketError as error:
            return str(error)
        log.info("wecom_ticket_moved", ticket_id=ticket.id, action=action, staff=username)
        return f"已{'接单' if action == '开始处置' else '办结'}：{ticket.id}，现在是“{ticket.status}”。"

    async def push(self, outgoing: Any) -> None:
        from assistant.channels.wechat import deliver
        from assistant.outbox import PermanentFailure

        if self.api is None:
            raise PermanentFailure("BUTLER_WECOM_CORP_ID / SECRET are not set")
        user = outgoing.recipient.split(":", 1)[1]
        for piece in wechat_api.split_bytes(outgoing.text):
            await deliver(self.api, user, piece)

    async def aclose(self) -> None:
        if self.api is not None:
            await self.api.aclose()


__all__ = ["CHANNEL", "WorkApp", "alert_text", "enqueue_staff_alert", "staff_map"]
