"""The per-resident memory in a real database (SQLite; PostgreSQL too for the
round trip), migrated by Alembic."""

from __future__ import annotations

from datetime import timedelta

from assistant.conversation import store
from assistant.conversation.choices import options_from_reply

from .test_choices import SERVICE_BUTTONS


def test_choices_and_a_waiting_request_survive_a_new_process(any_db, clock):
    db = any_db  # SQLite and the production profile, PostgreSQL
    memory = store.Memory(options=options_from_reply("您想约哪项服务？", SERVICE_BUTTONS), shown_at=clock.now(),
                          pending=store.Pending("约个维修", "book_service", clock.now()))
    store.save(db, "web:a", memory)
    again = store.load(db, "web:a")  # a fresh read, as after a gateway restart
    assert [o.title for o in again.options] == [t for t, _ in SERVICE_BUTTONS]
    assert again.payloads[0] == SERVICE_BUTTONS[0][1]
    assert again.pending is not None and again.pending.text == "约个维修" and not again.pending.offered


def test_each_resident_has_their_own_memory(db, clock):
    store.save(db, "web:a", store.Memory(options=options_from_reply("", SERVICE_BUTTONS), shown_at=clock.now()))
    assert store.load(db, "web:b").options == []
    assert store.load(db, "telegram:a").options == []


def test_memory_expires_after_half_an_hour(db, clock):
    store.save(db, "web:a", store.Memory(options=options_from_reply("", SERVICE_BUTTONS), shown_at=clock.now(),
                                         pending=store.Pending("约个维修", "book_service", clock.now(), True)))
    clock.shift(store.MEMORY_TTL - timedelta(minutes=1))
    assert store.load(db, "web:a").options and store.load(db, "web:a").pending
    clock.shift(timedelta(minutes=2))
    expired = store.load(db, "web:a")
    assert expired.options == [] and expired.pending is None


def test_a_reply_without_buttons_forgets_the_choices(db, clock):
    store.save(db, "web:a", store.Memory(options=options_from_reply("", SERVICE_BUTTONS), shown_at=clock.now()))
    store.save(db, "web:a", store.Memory())
    assert store.load(db, "web:a").options == []
