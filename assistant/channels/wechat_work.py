"""WeCom (企业微信) for staff (issue #17, docs/wechat.md): the app's callback, always
encrypted (receive id = the corpid), and pushes to staff through the shared outbox.

- Alerts: every outbox round the gateway looks at the tickets of the last
  ``ALERT_LOOKBACK`` (``sweep_alerts``): an emergency, or an elder-care ticket (urgent
  or emergency), is queued once per person (``enqueue_staff_alert``, an outbox row of
  channel ``wecom``, recipient ``wecom:<userid>``) for everyone of
  ``BUTLER_WECOM_ALERT_TO`` and, for a care ticket, the responsible grid worker (the
  ticket's ``网格员 <name>`` department, when that name is a bound WeCom user or its
  console username). The gateway delivers them with WeCom's app message API. Personal
  data masked as in the webhook alert. Nothing in the ticket code had to change: the
  outbox's dedupe key makes each alert once.
- Commands a staff member sends the app, with the console's role rules and audit:
  ``查 GD…`` (the ticket's state), ``接单 GD…`` (开始处置), ``办结 GD… 说明``. Who may
  is ``BUTLER_WECOM_STAFF``: ``userid:console username`` pairs; the console user's role
  decides (a viewer may only look), and the ticket's audit names ``staff:<username>``.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import anyio
import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant import outbox
from assistant.channels import wechat_api
from assistant.channels.wechat_api import WeChatApi
from assistant.privacy import mask_id
from assistant.settings import Settings

log = structlog.get_logger(__name__)

CHANNEL = "wecom"
ALERT_LOOKBACK = timedelta(minutes=30)
GRID_PREFIX = "网格员 "  # a care ticket's department: 网格员 <the elder's grid worker>
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


def alert_key(ticket_id: str, user: str) -> str:
    return f"wecom:alert:{ticket_id}:{user}"


def recipients_for(ticket: Any, settings: Settings) -> list[str]:
    """Everyone of ``BUTLER_WECOM_ALERT_TO``, and a care ticket's grid worker when bound."""
    users = alert_recipients(settings)
    department = ticket.department or ""
    if ticket.channel == "care" and department.startswith(GRID_PREFIX):
        name = department[len(GRID_PREFIX):].strip()
        bound = staff_map(settings)
        worker = name if name in bound else next((u for u, username in bound.items() if username == name), None)
        if worker and worker not in users:
            users.append(worker)
    return users


def enqueue_staff_alert(session: Session, ticket: Any, *, kind: str = "紧急", settings: Settings | None = None) -> int:
    """Queue the alert for every recipient (``recipients_for``), in the caller's
    transaction: one row per person and ticket. Returns how many were queued."""
    from assistant.settings import get_settings

    settings = settings or get_settings()
    if not settings.wecom_token:
        return 0
    text = alert_text(ticket, kind)
    return sum(outbox.enqueue(session, recipient=f"{CHANNEL}:{user}", channel=CHANNEL, text=text,
                              dedupe_key=alert_key(ticket.id, user))
               for user in recipients_for(ticket, settings))


def alert_kind(ticket: Any) -> str | None:
    """What a ticket's alert says it is, or None when staff are not alerted."""
    if ticket.channel == "care" and ticket.urgency in ("urgent", "emergency"):
        return "关爱·特急" if ticket.urgency == "emergency" else "关爱"
    return "特急" if ticket.urgency == "emergency" else None


def sweep_alerts(db: Any, settings: Settings, now: datetime) -> int:
    """Queue the alerts of the recent tickets that need one and do not have it yet.
    Reads first: a round with nothing new writes nothing."""
    from sqlalchemy import or_

    from assistant.outbox.models import OutboxMessage
    from assistant.tickets.models import Ticket

    recent = (select(Ticket).where(Ticket.created_at >= now - ALERT_LOOKBACK,
                                   or_(Ticket.urgency == "emergency",
                                       (Ticket.channel == "care") & Ticket.urgency.in_(("urgent", "emergency"))))
              .order_by(Ticket.created_at))
    with db.session() as session:
        wanted = {t.id: [alert_key(t.id, u) for u in recipients_for(t, settings)] for t in session.scalars(recent)}
        keys = [k for ks in wanted.values() for k in ks]
        have = set(session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(keys)))) \
            if keys else set()
    missing = [ticket_id for ticket_id, ks in wanted.items() if set(ks) - have]
    if not missing:
        return 0
    queued = 0
    with db.transaction() as session:
        for ticket in session.scalars(select(Ticket).where(Ticket.id.in_(missing))):
            kind = alert_kind(ticket)
            if kind:
                queued += enqueue_staff_alert(session, ticket, kind=kind, settings=settings)
    if queued:
        log.info("wecom_alerts_queued", count=queued)
    return queued


@dataclass
class WorkApp:
    settings: Settings
    cipher: wechat_api.Cipher = field(init=False)
    api: WeChatApi | None = None
    kick: asyncio.Event = field(default_factory=asyncio.Event)
    # The server's wall time, for WeCom's protocol timestamps (not business time).
    wall: Callable[[], float] = time.time
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
            log.warning("wecom_unknown_staff", userid=mask_id(userid, keep=4))
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
