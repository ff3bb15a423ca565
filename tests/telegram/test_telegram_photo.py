"""Photos through the Bot API stand-in, with the bot configured as ``butler telegram
run`` configures it: downloaded with getFile from BUTLER_TELEGRAM_FILE_BASE_URL,
checked and stored by the butler (assistant/tickets/attachments.py), attached to the
resident's complaint; too large or not an image → a short Chinese message and
nothing stored; never a link to Telegram's servers. The dialogue answers in degraded
mode (see conftest.py), which files a complaint at once."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.telegram.conftest import USER, bot_running, texts, until
from tests.telegram.standin import TOKEN
from tests.tickets.test_attachments import JPEG, PDF, png

GD_RE = re.compile(r"GD\d{12}")
COMPLAINT = "3号楼楼道的灯坏了好几天了，晚上看不见"
OVER = 10 * 1024 * 1024 + 1


def attachment_rows(db):  # noqa: ANN001, ANN201
    from assistant.tickets.models import TicketAttachment

    with db.session() as session:
        return list(session.scalars(select(TicketAttachment).order_by(TicketAttachment.id)).all())


def stored_files() -> list:
    from assistant.tickets.attachments import storage_dir

    return sorted(storage_dir().glob("*")) if storage_dir().exists() else []


def assert_nothing_of_telegrams_kept(db, *file_ids: str) -> None:  # noqa: ANN001
    for row in attachment_rows(db):
        values = " ".join(str(v) for v in vars(row).values())
        assert "http" not in values and TOKEN not in values and "127.0.0.1" not in values
        assert not any(fid in values for fid in file_ids)


async def test_a_photo_with_a_caption_files_the_complaint_with_the_photo_attached(bot_env, standin):
    from assistant.tickets import attachments

    large = png(64, 48)
    standin.add_file("small1", png(4, 3), kind="photos", media_type="image/png")
    standin.add_file("large1", large, kind="photos", media_type="image/png")
    async with bot_running():
        standin.photo_update(USER, [("small1", 4, 3), ("large1", 64, 48)], caption=COMPLAINT)
        answer = await until(lambda: next((t for t in texts(standin) if GD_RE.search(t)), None), what="a GD id")
    ticket_id = GD_RE.search(answer).group(0)
    assert texts(standin)[0] == "照片收到了。"  # then the caption's own answer
    assert standin.downloads == ["large1"]  # the largest size, fetched from the file URL
    [row] = attachment_rows(bot_env)
    assert (row.ticket_id, row.sender_id, row.content_type, row.size) == (ticket_id, f"telegram:{USER}",
                                                                          "image/png", len(large))
    [path] = stored_files()
    assert path.read_bytes() == large
    with bot_env.session() as session:
        assert [a.id for a in attachments.list_for_ticket(session, ticket_id)] == [row.id]
    assert_nothing_of_telegrams_kept(bot_env, "small1", "large1")


async def test_a_photo_sent_first_waits_for_the_complaint(bot_env, standin):
    from assistant.tickets.attachments import PHOTO_PENDING_TEXT

    standin.add_file("p2", JPEG, kind="photos")
    async with bot_running():
        standin.photo_update(USER, [("p2", 800, 600)])
        await until(lambda: texts(standin), what="the photo's answer")
        assert texts(standin) == [PHOTO_PENDING_TEXT]
        assert attachment_rows(bot_env)[0].ticket_id is None
        standin.text_update(USER, COMPLAINT)
        answer = await until(lambda: next((t for t in texts(standin) if GD_RE.search(t)), None), what="a GD id")
    [row] = attachment_rows(bot_env)
    assert row.ticket_id == GD_RE.search(answer).group(0) and row.content_type == "image/jpeg"


async def test_a_photo_after_the_complaint_joins_it_and_an_image_file_too(bot_env, standin):
    standin.add_file("p3", JPEG, kind="photos")
    standin.add_file("d3", png(), kind="documents", media_type="image/png")
    async with bot_running():
        standin.text_update(USER, COMPLAINT)
        answer = await until(lambda: next((t for t in texts(standin) if GD_RE.search(t)), None), what="a GD id")
        ticket_id = GD_RE.search(answer).group(0)
        standin.photo_update(USER, [("p3", 1280, 960)])
        await until(lambda: len(texts(standin)) >= 2, what="the photo's answer")
        standin.document_update(USER, "d3", "image/png", file_name="lamp.png")
        await until(lambda: len(texts(standin)) >= 3, what="the file's answer")
    assert texts(standin)[1:] == [f"照片收到了，已附在工单 {ticket_id} 上。"] * 2
    assert [(r.ticket_id, r.content_type) for r in attachment_rows(bot_env)] == [(ticket_id, "image/jpeg"),
                                                                                 (ticket_id, "image/png")]


async def test_too_large_photos_are_refused_and_nothing_is_stored(bot_env, standin):
    standin.add_file("big4", JPEG, kind="photos", claimed_size=OVER)  # getFile says more than the message did
    standin.add_file("doc4", JPEG, kind="documents", media_type="image/jpeg")
    async with bot_running():
        standin.photo_update(USER, [("huge4", 5000, 4000)], claimed_sizes={"huge4": OVER})
        await until(lambda: texts(standin), what="the first refusal")
        standin.document_update(USER, "doc4", "image/jpeg", file_size=OVER)
        await until(lambda: len(texts(standin)) >= 2, what="the second refusal")
        standin.photo_update(USER, [("big4", 1280, 960)], claimed_sizes={"big4": 1000})
        await until(lambda: len(texts(standin)) >= 3, what="the third refusal")
    assert all(t.startswith("照片太大了") and "10 MB" in t for t in texts(standin)) and len(texts(standin)) == 3
    assert standin.count("getFile") == 1 and standin.downloads == []  # only the lying one was asked about
    assert attachment_rows(bot_env) == [] and stored_files() == []


async def test_the_largest_size_within_the_cap_is_taken(bot_env, standin):
    standin.add_file("mid5", JPEG, kind="photos")
    async with bot_running():
        standin.photo_update(USER, [("mid5", 1280, 960), ("orig5", 8000, 6000)], claimed_sizes={"orig5": OVER})
        await until(lambda: texts(standin), what="the photo's answer")
    assert standin.downloads == ["mid5"] and len(attachment_rows(bot_env)) == 1


async def test_files_that_are_not_photos_are_refused_and_nothing_is_stored(bot_env, standin):
    standin.add_file("pdf6", PDF, kind="documents", media_type="application/pdf")
    standin.add_file("fake6", PDF, kind="documents", media_type="image/jpeg")
    async with bot_running():
        standin.document_update(USER, "pdf6", "application/pdf", file_name="bill.pdf")
        await until(lambda: texts(standin), what="the first refusal")
        standin.document_update(USER, "fake6", "image/jpeg", file_name="photo.jpg")  # says JPEG, is a PDF
        await until(lambda: len(texts(standin)) >= 2, what="the second refusal")
    assert texts(standin) == ["这个文件收不了：只能收 JPG、PNG 或 WebP 格式的照片。"] * 2
    assert standin.downloads == ["fake6"]  # the declared PDF was not even fetched
    assert attachment_rows(bot_env) == [] and stored_files() == []


async def test_photos_that_never_met_their_complaint_are_forgotten_by_the_jobs_process(bot_env, standin, clock):
    from datetime import timedelta

    from assistant.channels.telegram import build_application
    from assistant.clock import now
    from assistant.jobs import JOBS
    from assistant.settings import get_settings
    from assistant.tickets.attachments import KEEP_PENDING

    standin.add_file("p7", JPEG, kind="photos")
    async with bot_running():
        standin.photo_update(USER, [("p7", 800, 600)])
        await until(lambda: texts(standin), what="the photo's answer")
    assert len(attachment_rows(bot_env)) == 1 and len(stored_files()) == 1
    cleanup = JOBS["attachments-cleanup"]  # what `butler jobs run` runs every hour
    assert cleanup.every(get_settings()) == 3600
    assert cleanup.run(bot_env, now()) == "forgotten 0"
    clock.shift(KEEP_PENDING + timedelta(minutes=1))
    build_application(get_settings()).bot_data["butler"].housekeeping()  # the bot's own no longer does it
    assert len(attachment_rows(bot_env)) == 1
    assert cleanup.run(bot_env, now()) == "forgotten 1"
    assert attachment_rows(bot_env) == [] and stored_files() == []
