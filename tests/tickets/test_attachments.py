"""Photos residents send (assistant/tickets/attachments.py): the type is sniffed from
the bytes, the size capped, the bytes kept under the data directory with a random
name; a photo joins the resident's recent open ticket or waits for the complaint
to be filed; staff read them through the ticket API."""

from __future__ import annotations

import hashlib
import struct
import zlib
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.db import Database
from assistant.tickets import attachments, service
from assistant.tickets.models import Ticket, TicketAttachment

SENDER = "telegram:5550001"
COMPLAINT = "3号楼楼道的灯坏了好几天了，晚上看不见"


def png(width: int = 2, height: int = 2) -> bytes:
    """A real (tiny, grey) PNG."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


# The signatures are what is checked: JPEG's SOI + marker, WebP's RIFF/WEBP/VP8 header.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + b"\x00" * 64 + b"\xff\xd9"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00" + b"\x00" * 24
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
HTML = b"<html><script>alert(1)</script></html>"


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def stored_files(app_env) -> list:  # noqa: ANN001
    return sorted(attachments.storage_dir().glob("*")) if attachments.storage_dir().exists() else []


def rows(db: Database) -> list[TicketAttachment]:
    with db.session() as session:
        return list(session.scalars(select(TicketAttachment).order_by(TicketAttachment.id)).all())


# -- the type and the size ---------------------------------------------------------------------
@pytest.mark.parametrize("data, content_type", [(JPEG, "image/jpeg"), (png(), "image/png"),
                                                (WEBP, "image/webp")])
def test_jpeg_png_and_webp_are_recognised_by_their_bytes(data: bytes, content_type: str):
    assert attachments.sniff(data) == content_type
    assert attachments.check(data) == content_type


@pytest.mark.parametrize("data", [GIF, PDF, HTML, b"", b"\xff\xd8", b"RIFF\x00\x00\x00\x00WAVEfmt "])
def test_anything_else_is_refused(data: bytes):
    assert attachments.sniff(data) is None
    with pytest.raises(attachments.AttachmentTypeRefused) as refused:
        attachments.check(data)
    assert refused.value.code == "attachment_type_refused" and "JPG" in str(refused.value)


def test_the_size_is_capped():
    assert attachments.MAX_BYTES == 10 * 1024 * 1024
    big = JPEG[:4] + b"\x00" * attachments.MAX_BYTES
    with pytest.raises(attachments.AttachmentTooLarge) as refused:
        attachments.check(big)
    assert refused.value.code == "attachment_too_large" and "10 MB" in str(refused.value)
    assert attachments.check(JPEG[:4] + b"\x00" * (attachments.MAX_BYTES - 4)) == "image/jpeg"  # exactly the cap


def test_declared_types_are_only_a_first_filter():
    assert attachments.allowed_declared_type("image/jpeg") and attachments.allowed_declared_type("IMAGE/PNG")
    assert not attachments.allowed_declared_type("application/pdf")
    assert not attachments.allowed_declared_type("image/svg+xml") and not attachments.allowed_declared_type(None)


def test_a_refused_file_stores_nothing(app_env: Database):
    for data, error in ((PDF, attachments.AttachmentTypeRefused), (JPEG + b"\x00" * 100, attachments.AttachmentTooLarge)):
        with pytest.raises(error):
            attachments.store(app_env, data, sender_id=SENDER, channel="telegram", max_bytes=64 if data[:1] == b"\xff"
                              else attachments.MAX_BYTES)
    assert rows(app_env) == [] and stored_files(app_env) == []


# -- storing and linking ------------------------------------------------------------------------
def test_a_photo_before_the_complaint_waits_and_is_attached_when_it_is_filed(app_env: Database, clock):
    data = png()
    stored = attachments.store(app_env, data, sender_id=SENDER, channel="telegram")
    assert stored.ticket_id is None and stored.content_type == "image/png" and stored.size == len(data)
    [path] = stored_files(app_env)
    assert path.read_bytes() == data and path.stat().st_mode & 0o777 == 0o600
    assert path.name.endswith(".png") and len(path.stem) == 32  # random, nothing of the sender's
    [row] = rows(app_env)
    assert row.sha256 == hashlib.sha256(data).hexdigest() == stored.sha256 and row.storage_name == path.name

    clock.shift(timedelta(minutes=5))
    ticket = service.file_ticket(app_env, description=COMPLAINT, sender_id=SENDER).ticket
    [row] = rows(app_env)
    assert row.ticket_id == ticket.id and row.linked_at is not None
    with app_env.session() as session:
        events = session.get(Ticket, ticket.id).events
        assert [e.action for e in events] == ["受理", "附件"] and "PNG" in events[-1].note


def test_a_photo_after_the_complaint_joins_the_open_ticket(app_env: Database, clock):
    ticket = service.file_ticket(app_env, description=COMPLAINT, sender_id=SENDER).ticket
    clock.shift(timedelta(minutes=10))
    assert attachments.store(app_env, JPEG, sender_id=SENDER, channel="telegram").ticket_id == ticket.id
    clock.shift(attachments.JOIN_WINDOW)  # much later: a new problem, not this ticket's
    assert attachments.store(app_env, WEBP, sender_id=SENDER, channel="telegram").ticket_id is None


def test_a_closed_ticket_or_another_residents_gets_no_photo(app_env: Database, clock):
    ticket = service.file_ticket(app_env, description=COMPLAINT, sender_id=SENDER).ticket
    assert attachments.store(app_env, JPEG, sender_id="telegram:42", channel="telegram").ticket_id is None
    for action in ("派单", "开始处置", "办结"):
        service.transition_ticket(app_env, ticket.id, action, actor="staff:alice", note="灯已换好")
    assert attachments.store(app_env, JPEG, sender_id=SENDER, channel="telegram").ticket_id is None
    other = service.file_ticket(app_env, description="小区东门的垃圾桶满了好几天没人收，臭得很", sender_id="telegram:42").ticket
    assert {(r.sender_id, r.ticket_id) for r in rows(app_env)} == {("telegram:42", other.id), (SENDER, None)}


def test_a_stale_photo_is_not_attached_and_is_forgotten_with_its_file(app_env: Database, clock):
    attachments.store(app_env, JPEG, sender_id=SENDER, channel="telegram")
    clock.shift(attachments.PENDING_WINDOW + timedelta(minutes=1))
    service.file_ticket(app_env, description=COMPLAINT, sender_id=SENDER)
    [row] = rows(app_env)
    assert row.ticket_id is None
    assert attachments.forget_stale(app_env) == 0  # kept a day, in case
    clock.shift(attachments.KEEP_PENDING)
    assert attachments.forget_stale(app_env) == 1
    assert rows(app_env) == [] and stored_files(app_env) == []


def test_a_sender_may_have_only_so_many_photos_waiting(app_env: Database, clock):
    for _ in range(attachments.MAX_WAITING):
        assert attachments.store(app_env, JPEG, sender_id=SENDER, channel="wechat").ticket_id is None
    with pytest.raises(attachments.AttachmentTooManyWaiting) as refused:
        attachments.store(app_env, JPEG, sender_id=SENDER, channel="wechat")
    assert refused.value.code == "attachment_too_many_waiting" and "照片" in str(refused.value)
    assert len(rows(app_env)) == attachments.MAX_WAITING == len(stored_files(app_env))  # nothing kept of it
    assert attachments.store(app_env, JPEG, sender_id="wechat:other", channel="wechat").ticket_id is None
    clock.shift(attachments.PENDING_WINDOW + timedelta(minutes=1))  # the old ones no longer wait for a complaint
    assert attachments.store(app_env, JPEG, sender_id=SENDER, channel="wechat").ticket_id is None


def test_a_full_waiting_list_does_not_stop_a_photo_joining_the_ticket(app_env: Database, clock):
    for _ in range(attachments.MAX_WAITING):
        attachments.store(app_env, JPEG, sender_id=SENDER, channel="telegram")
    ticket = service.file_ticket(app_env, description=COMPLAINT, sender_id=SENDER).ticket  # links them
    assert attachments.store(app_env, png(), sender_id=SENDER, channel="telegram").ticket_id == ticket.id


def test_receive_photo_is_every_channels_answer(app_env: Database, clock, monkeypatch):
    assert attachments.receive_photo(app_env, JPEG, sender_id=SENDER, channel="wechat") == \
        attachments.PHOTO_PENDING_TEXT
    ticket = service.file_ticket(app_env, description=COMPLAINT, sender_id=SENDER).ticket
    assert attachments.receive_photo(app_env, png(), sender_id=SENDER, channel="wechat") == \
        f"照片收到了，已附在工单 {ticket.id} 上。"
    assert attachments.receive_photo(app_env, PDF, sender_id=SENDER, channel="telegram") == \
        str(attachments.AttachmentTypeRefused())

    def broken_disk(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise OSError("disk full")

    monkeypatch.setattr(attachments, "_write", broken_disk)
    assert attachments.receive_photo(app_env, JPEG, sender_id=SENDER, channel="wechat") == \
        attachments.PHOTO_FAILED_TEXT


def test_a_duplicate_report_brings_its_photo_to_the_earlier_ticket(app_env: Database, clock):
    first = service.file_ticket(app_env, description=COMPLAINT, address="3号楼", sender_id="web:a").ticket
    attachments.store(app_env, JPEG, sender_id=SENDER, channel="telegram")
    filed = service.file_ticket(app_env, description="3号楼楼道的灯坏了，晚上黑乎乎的看不见", address="3号楼",
                                sender_id=SENDER)
    assert not filed.created and filed.ticket.id == first.id
    assert [r.ticket_id for r in rows(app_env)] == [first.id]


# -- the staff API ------------------------------------------------------------------------------
@pytest.fixture
def with_photo(app_env: Database) -> tuple[str, int]:
    ticket = service.file_ticket(app_env, description=COMPLAINT, sender_id=SENDER).ticket
    stored = attachments.store(app_env, png(), sender_id=SENDER, channel="telegram")
    assert stored.ticket_id == ticket.id
    return ticket.id, stored.id


def test_staff_list_and_read_a_tickets_photos(client: TestClient, tokens, with_photo):
    ticket_id, attachment_id = with_photo
    r = client.get(f"/api/v1/tickets/{ticket_id}/attachments", headers=auth(tokens["worker"]))
    assert r.status_code == 200
    [item] = r.json()["items"]
    url = f"/api/v1/tickets/{ticket_id}/attachments/{attachment_id}"
    assert item == {"id": attachment_id, "ticket_id": ticket_id, "content_type": "image/png", "size": len(png()),
                    "sha256": hashlib.sha256(png()).hexdigest(), "created_at": item["created_at"], "url": url}
    r = client.get(url, headers=auth(tokens["dispatcher"]))
    assert r.status_code == 200 and r.content == png()
    assert r.headers["content-type"] == "image/png" and r.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in r.headers["content-security-policy"] and "no-store" in r.headers["cache-control"]


def test_photos_need_a_token_and_a_handling_role(client: TestClient, tokens, with_photo):
    ticket_id, attachment_id = with_photo
    for path in (f"/api/v1/tickets/{ticket_id}/attachments", f"/api/v1/tickets/{ticket_id}/attachments/{attachment_id}"):
        assert client.get(path).status_code == 401
        r = client.get(path, headers=auth(tokens["viewer"]))  # viewers see masked data; a photo cannot be masked
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"


def test_unknown_tickets_and_photos_are_404_with_a_stable_code(app_env: Database, client: TestClient, tokens,
                                                               with_photo):
    ticket_id, attachment_id = with_photo
    other = service.file_ticket(app_env, description="小区东门的垃圾桶满了好几天没人收，臭得很", sender_id="web:b").ticket
    waiting = attachments.store(app_env, JPEG, sender_id="web:c", channel="web")
    h = auth(tokens["admin"])
    assert client.get(f"/api/v1/tickets/{other.id}/attachments", headers=h).json() == {"items": []}
    for path, code in [("/api/v1/tickets/GD209901010001/attachments", "ticket_not_found"),
                       ("/api/v1/tickets/nonsense/attachments/1", "ticket_not_found"),
                       (f"/api/v1/tickets/{other.id}/attachments/{attachment_id}", "attachment_not_found"),
                       (f"/api/v1/tickets/{ticket_id}/attachments/{waiting.id}", "attachment_not_found"),
                       (f"/api/v1/tickets/{ticket_id}/attachments/999999", "attachment_not_found"),
                       (f"/api/v1/tickets/{ticket_id}/attachments/abc", "attachment_not_found"),
                       (f"/api/v1/tickets/{ticket_id}/attachments/%EF%BC%91", "attachment_not_found")]:
        r = client.get(path, headers=h)
        assert r.status_code == 404 and r.json()["error"]["code"] == code, path


def test_a_photo_whose_file_is_gone_is_404_not_500(client: TestClient, tokens, with_photo):
    ticket_id, attachment_id = with_photo
    for path in attachments.storage_dir().glob("*"):
        path.unlink()
    r = client.get(f"/api/v1/tickets/{ticket_id}/attachments/{attachment_id}", headers=auth(tokens["admin"]))
    assert r.status_code == 404 and r.json()["error"]["code"] == "attachment_not_found"


def test_storing_and_linking_on_sqlite_and_postgres(any_db: Database, tmp_path, clock):
    from assistant.settings import Settings

    settings = Settings(data_dir=tmp_path / "data")
    waiting = attachments.store(any_db, JPEG, sender_id=SENDER, channel="telegram", settings=settings)
    ticket = service.file_ticket(any_db, description=COMPLAINT, sender_id=SENDER).ticket
    joined = attachments.store(any_db, png(), sender_id=SENDER, channel="telegram", settings=settings)
    assert waiting.ticket_id is None and joined.ticket_id == ticket.id
    with any_db.session() as session:
        assert [a.id for a in attachments.list_for_ticket(session, ticket.id)] == [waiting.id, joined.id]
    row, data = attachments.read(any_db, ticket.id, joined.id, settings=settings)
    assert data == png() and row.content_type == "image/png"
