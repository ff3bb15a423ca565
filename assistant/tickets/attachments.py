"""Photos residents send with a complaint: stored by the butler, never linked to the
chat app's servers (issue #15).

- ``check(data)``: the type is sniffed from the bytes (JPEG, PNG or WebP by their
  signatures; what the sender claims is not trusted) and the size capped
  (``MAX_BYTES``); otherwise ``AttachmentRefused`` with a short Chinese message.
- ``store(db, data, sender_id=...)``: the bytes are written under
  ``data_dir/attachments`` with a random name (mode 0600), the row keeps the sniffed
  type, size and sha256. The photo joins the complaint it belongs to:

  * the resident filed (or joined) a ticket that is still open within the last
    ``JOIN_WINDOW``: it is attached to that ticket at once;
  * otherwise it waits (``ticket_id`` empty) and ``link_pending`` attaches it when
    the sender's complaint is filed (``service.file_ticket`` calls it in its
    transaction, whichever channel or path files the ticket — the form, degraded
    mode, an emergency, a duplicate that joins an earlier ticket). A photo waits at
    most ``PENDING_WINDOW``, and a sender has at most ``MAX_WAITING`` waiting in that
    window (the next is refused, ``AttachmentTooManyWaiting``). ``forget_stale``
    removes older ones with their files: the jobs process runs it every hour
    (``attachments-cleanup`` in ``assistant/jobs.py``), whichever channel they came by.

- ``receive_photo(db, data, sender_id=..., channel=...)``: what a chat channel calls
  with a photo's bytes: stores it and returns the resident's answer (``PHOTO_*``, or
  why it was refused), the same on every channel.

- ``list_for_ticket`` / ``read`` are the staff side (``GET /api/v1/tickets/{id}/
  attachments[/{attachment id}]``).

Only the bytes are kept: no URL, file id or path of the chat app.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import structlog
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from assistant import clock
from assistant.db import Database
from assistant.settings import Settings, get_settings
from assistant.tickets.lifecycle import OPEN_STATES, record_event
from assistant.tickets.models import Ticket, TicketAttachment, TicketWatcher

log = structlog.get_logger(__name__)

MAX_BYTES = 10 * 1024 * 1024
# Content type → the stored file's extension.
TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
TYPE_NAMES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WebP"}
# A photo sent soon after the resident's complaint was filed belongs to it.
JOIN_WINDOW = timedelta(hours=1)
# A photo sent before its complaint waits this long for it to be filed.
PENDING_WINDOW = timedelta(hours=1)
# Pending photos older than this are removed (forget_stale).
KEEP_PENDING = timedelta(days=1)
MAX_PER_TICKET = 20
# Photos one sender may have waiting for a complaint (within PENDING_WINDOW).
MAX_WAITING = 10
EVENT_ACTION = "附件"
# The resident's answers to a photo (every chat channel: ``receive_photo``).
PHOTO_RECEIVED = "照片收到了"
PHOTO_LINKED_TEXT = PHOTO_RECEIVED + "，已附在工单 {ticket_id} 上。"
PHOTO_PENDING_TEXT = PHOTO_RECEIVED + "。登记工单时会一起附上；还没说是什么事的话，请打字或发语音告诉我。"
PHOTO_FAILED_TEXT = "照片没收到，请再发一次。"
SUBDIR = "attachments"
_STORAGE_NAME = re.compile(r"^[0-9a-f]{32}\.(jpg|png|webp)$")


class AttachmentError(Exception):
    code = "attachment_error"


class AttachmentRefused(AttachmentError):
    """Not stored: the resident is told why (``str(error)`` is short Chinese)."""


class AttachmentTooLarge(AttachmentRefused):
    code = "attachment_too_large"

    def __init__(self, limit: int = MAX_BYTES) -> None:
        super().__init__(f"照片太大了（最大 {limit // (1024 * 1024)} MB），请压缩一下或换一张再发。")


class AttachmentTypeRefused(AttachmentRefused):
    code = "attachment_type_refused"

    def __init__(self) -> None:
        super().__init__("这个文件收不了：只能收 JPG、PNG 或 WebP 格式的照片。")


class AttachmentTooManyWaiting(AttachmentRefused):
    code = "attachment_too_many_waiting"

    def __init__(self) -> None:
        super().__init__("照片已经收到好几张了。请先说一下是什么事，登记工单时会一起附上。")


class AttachmentNotFound(AttachmentError):
    code = "attachment_not_found"


@dataclass(frozen=True)
class Stored:
    id: int
    ticket_id: str | None  # None: waiting for the complaint to be filed
    content_type: str
    size: int
    sha256: str


def sniff(data: bytes) -> str | None:
    """The image type the bytes are (by their signature), or None."""
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if len(data) >= 16 and data[:4] == b"RIFF" and data[8:12] == b"WEBP" and data[12:15] == b"VP8":
        return "image/webp"
    return None


def check(data: bytes, max_bytes: int = MAX_BYTES) -> str:
    """The sniffed content type of an acceptable photo; ``AttachmentRefused`` otherwise."""
    if len(data) > max_bytes:
        raise AttachmentTooLarge(max_bytes)
    content_type = sniff(data)
    if content_type is None:
        raise AttachmentTypeRefused
    return content_type


def allowed_declared_type(mime_type: str | None) -> bool:
    """Whether a type a sender declares (a document's MIME type) may be one we keep;
    the bytes are checked anyway."""
    return (mime_type or "").split(";")[0].strip().lower() in TYPES


def storage_dir(settings: Settings | None = None) -> Path:
    return (settings or get_settings()).data_dir / SUBDIR


def _path(name: str, settings: Settings | None) -> Path:
    if not _STORAGE_NAME.fullmatch(name):  # never a path from elsewhere
        raise AttachmentNotFound(name)
    return storage_dir(settings) / name


def _write(data: bytes, content_type: str, settings: Settings | None) -> str:
    folder = storage_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16) + TYPES[content_type]
    final = folder / name
    temporary = folder / f".{name}.part"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, final)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return name


def _recent_ticket(session: Session, sender_id: str, now: datetime) -> Ticket | None:
    """The open ticket this resident filed or joined within ``JOIN_WINDOW``, newest first."""
    return session.scalars(
        select(Ticket).join(TicketWatcher, TicketWatcher.ticket_id == Ticket.id)
        .where(TicketWatcher.sender_id == sender_id, TicketWatcher.at >= now - JOIN_WINDOW,
               Ticket.status.in_(OPEN_STATES))
        .order_by(TicketWatcher.at.desc(), TicketWatcher.id.desc()).limit(1)).first()


def _attach(ticket: Ticket, row: TicketAttachment, *, now: datetime) -> None:
    row.ticket_id, row.linked_at = ticket.id, now
    record_event(ticket, actor=f"resident:{row.sender_id}" if row.sender_id else "system", action=EVENT_ACTION,
                 from_state=ticket.status, to_state=ticket.status,
                 note=f"居民发来照片（{TYPE_NAMES[row.content_type]}，{max(1, row.size // 1024)} KB）", now=now)


def _attached_count(session: Session, ticket_id: str) -> int:
    return len(session.scalars(select(TicketAttachment.id).where(TicketAttachment.ticket_id == ticket_id)).all())


def _waiting_count(session: Session, sender_id: str, now: datetime) -> int:
    return len(session.scalars(select(TicketAttachment.id).where(
        TicketAttachment.sender_id == sender_id, TicketAttachment.ticket_id.is_(None),
        TicketAttachment.created_at >= now - PENDING_WINDOW)).all())


def store(db: Database, data: bytes, *, sender_id: str | None, channel: str, now: datetime | None = None,
          settings: Settings | None = None, max_bytes: int = MAX_BYTES) -> Stored:
    """Check and keep a photo; attach it to the sender's recent open ticket, or let it
    wait for the complaint (see the module's doc). ``AttachmentRefused`` stores nothing."""
    content_type = check(data, max_bytes)
    now = now or clock.now()
    digest = hashlib.sha256(data).hexdigest()
    name = _write(data, content_type, settings)
    try:
        with db.transaction() as session:
            ticket = _recent_ticket(session, sender_id, now) if sender_id else None
            joins = ticket is not None and _attached_count(session, ticket.id) < MAX_PER_TICKET
            if not joins and sender_id and _waiting_count(session, sender_id, now) >= MAX_WAITING:
                raise AttachmentTooManyWaiting
            row = TicketAttachment(sender_id=sender_id, channel=channel[:16], created_at=now,
                                   content_type=content_type, size=len(data), sha256=digest, storage_name=name)
            session.add(row)
            if joins:
                _attach(ticket, row, now=now)
            session.flush()
            stored = Stored(row.id, row.ticket_id, content_type, row.size, digest)
    except BaseException:
        _path(name, settings).unlink(missing_ok=True)
        raise
    log.info("attachment_stored", attachment_id=stored.id, ticket_id=stored.ticket_id, content_type=content_type,
             size=stored.size, channel=channel)
    return stored


def receive_photo(db: Database, data: bytes, *, sender_id: str, channel: str, now: datetime | None = None,
                  settings: Settings | None = None) -> str:
    """A chat channel's photo: stored (``store``) and the resident's answer, the same
    on every channel: attached to the ticket, waiting for the complaint, refused (why)
    or not stored (send it again). Blocking: call it from a worker thread."""
    try:
        stored = store(db, data, sender_id=sender_id, channel=channel, now=now, settings=settings)
    except AttachmentRefused as refused:
        log.info("photo_refused", channel=channel, code=refused.code)
        return str(refused)
    except Exception:  # noqa: BLE001 - the disk or the database: the resident may send it again
        log.exception("photo_not_stored", channel=channel)
        return PHOTO_FAILED_TEXT
    if stored.ticket_id:
        return PHOTO_LINKED_TEXT.format(ticket_id=stored.ticket_id)
    return PHOTO_PENDING_TEXT


def link_pending(session: Session, *, sender_id: str, ticket: Ticket, now: datetime) -> int:
    """Attach the photos ``sender_id`` sent in the last ``PENDING_WINDOW`` that wait for
    a complaint to ``ticket`` (in the filing transaction). How many were attached."""
    rows = session.scalars(
        select(TicketAttachment).where(TicketAttachment.sender_id == sender_id, TicketAttachment.ticket_id.is_(None),
                                       TicketAttachment.created_at >= now - PENDING_WINDOW)
        .order_by(TicketAttachment.id)).all()
    room = MAX_PER_TICKET - _attached_count(session, ticket.id) if rows else 0
    for row in rows[:max(0, room)]:
        _attach(ticket, row, now=now)
    if rows:
        log.info("attachments_linked", ticket_id=ticket.id, count=min(len(rows), max(0, room)))
    return min(len(rows), max(0, room))


def list_for_ticket(session: Session, ticket_id: str) -> list[TicketAttachment]:
    return list(session.scalars(select(TicketAttachment).where(TicketAttachment.ticket_id == ticket_id)
                                .order_by(TicketAttachment.id)).all())


def read(db: Database, ticket_id: str, attachment_id: int,
         settings: Settings | None = None) -> tuple[TicketAttachment, bytes]:
    """One of a ticket's photos and its bytes; ``AttachmentNotFound`` for any other id
    (another ticket's, a waiting one's, or a file gone from the disk)."""
    with db.session() as session:
        row = session.get(TicketAttachment, attachment_id)
        if row is None or row.ticket_id != ticket_id:
            raise AttachmentNotFound(attachment_id)
        session.expunge(row)
    try:
        data = _path(row.storage_name, settings).read_bytes()
    except OSError:
        log.warning("attachment_file_missing", attachment_id=attachment_id)
        raise AttachmentNotFound(attachment_id) from None
    return row, data


def to_dict(row: TicketAttachment) -> dict:
    """The staff view of an attachment (no sender, no storage name)."""
    return {"id": row.id, "ticket_id": row.ticket_id, "content_type": row.content_type, "size": row.size,
            "sha256": row.sha256, "created_at": row.created_at.isoformat() if row.created_at else None,
            "url": f"/api/v1/tickets/{row.ticket_id}/attachments/{row.id}"}


def forget_stale(db: Database, now: datetime | None = None, settings: Settings | None = None) -> int:
    """Remove photos that waited longer than ``KEEP_PENDING`` for a complaint, files too."""
    now = now or clock.now()
    with db.transaction() as session:
        stale = session.scalars(select(TicketAttachment).where(
            TicketAttachment.ticket_id.is_(None), TicketAttachment.created_at < now - KEEP_PENDING)).all()
        names = [row.storage_name for row in stale]
        if stale:
            session.execute(delete(TicketAttachment).where(TicketAttachment.id.in_([row.id for row in stale])))
    for name in names:
        try:
            _path(name, settings).unlink(missing_ok=True)
        except (OSError, AttachmentNotFound):
            log.warning("attachment_not_removed")
    if names:
        log.info("attachments_forgotten", count=len(names))
    return len(names)


__all__ = ["MAX_BYTES", "MAX_WAITING", "PHOTO_FAILED_TEXT", "PHOTO_LINKED_TEXT", "PHOTO_PENDING_TEXT",
           "PHOTO_RECEIVED", "TYPES", "AttachmentError", "AttachmentNotFound", "AttachmentRefused",
           "AttachmentTooLarge", "AttachmentTooManyWaiting", "AttachmentTypeRefused", "Stored",
           "allowed_declared_type", "check", "forget_stale", "link_pending", "list_for_ticket", "read",
           "receive_photo", "sniff", "store", "to_dict"]
