"""Check-ins (报平安) as the dialogue's check-in action will call them: a sign of life,
a warm short reply, a care ticket for trouble, the emergency flag for an emergency."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from assistant.care.models import CareSign
from assistant.care.service import CHECKIN_REPLY, record_checkin, register, says_trouble
from assistant.clock import TZ
from assistant.tickets.models import Ticket


@pytest.fixture
def elder(db):
    return register(db, name="张秀英", phone="13912345678", address="6号楼3单元201", sender_id="web:r-zhang",
                    grid_worker="李网格", now=datetime(2026, 12, 1, 7, 0, tzinfo=TZ))


def _signs(db, care_id):
    with db.session() as session:
        return session.query(CareSign).filter_by(care_id=care_id).all()


def test_a_checkin_is_a_sign_of_life_with_a_warm_reply(db, clock, elder):
    now = clock.move_to(datetime(2026, 12, 1, 8, 30, tzinfo=TZ))
    result = record_checkin(db, "web:r-zhang", "报平安，今天挺好的", now)
    assert result.registered and result.reply == CHECKIN_REPLY == "好的，收到您的平安。祝您今天顺心！"
    assert not result.emergency and result.ticket_id is None
    [sign] = _signs(db, elder.id)
    assert sign.source == "checkin" and sign.at == now


def test_an_unregistered_sender_still_hears_a_warm_reply_and_nothing_is_stored(db, clock, elder):
    result = record_checkin(db, "web:r-stranger", "报平安", clock.now())
    assert not result.registered and "收到您的平安" in result.reply
    assert _signs(db, elder.id) == []


@pytest.mark.parametrize("text", ["平安，就是头有点晕", "我今天挺好的，就是有点不舒服", "报个平安，不太舒服"])
def test_trouble_in_a_checkin_opens_a_care_ticket_for_the_grid_worker(db, clock, elder, text):
    now = clock.move_to(datetime(2026, 12, 1, 8, 30, tzinfo=TZ))
    result = record_checkin(db, "web:r-zhang", text, now)
    assert result.registered and result.trouble and not result.emergency
    assert result.ticket_id and result.ticket_id in result.reply and "网格员李网格" in result.reply
    with db.session() as session:
        ticket = session.get(Ticket, result.ticket_id)
        assert ticket.status == "派单" and ticket.department == "网格员 李网格"
        assert ticket.address == "6号楼3单元201" and ticket.channel == "care"
        assert text in ticket.description and "张**" in ticket.description
    assert len(_signs(db, elder.id)) == 1  # the check-in still counts


def test_an_emergency_in_a_checkin_is_flagged_for_the_emergency_path(db, clock, elder):
    now = clock.move_to(datetime(2026, 12, 1, 8, 30, tzinfo=TZ))
    result = record_checkin(db, "web:r-zhang", "我摔倒了起不来，流了好多血", now)
    assert result.emergency and result.reply is None and result.ticket_id is None
    with db.session() as session:
        assert session.query(Ticket).count() == 0  # the caller's emergency path files it
    assert len(_signs(db, elder.id)) == 1


@pytest.mark.parametrize("text, trouble", [
    ("平安，没有不舒服", False), ("没摔着，挺好的", False), ("挺好的", False),
    ("头有点晕", True), ("早上摔了一跤", True), ("腿有点疼", True),
])
def test_trouble_is_read_with_its_negation(text, trouble):
    assert says_trouble(text) is trouble


def test_a_checkin_timestamp_from_the_future_is_taken_as_now(db, clock, elder):
    from assistant.care.service import record_sign

    now = clock.move_to(datetime(2026, 12, 1, 8, 30, tzinfo=TZ))
    sign = record_sign(db, care_id=elder.id, source="sensor", kind="water", at=now + timedelta(days=1), now=now)
    assert sign.at == now


def test_respond_to_checkin_runs_the_emergency_path_with_the_registered_address(db, elder):
    from assistant.care.service import respond_to_checkin

    response = respond_to_checkin(db, sender_id="web:r-zhang", text="我摔倒了起不来，流了好多血")
    assert response.emergency and response.ticket_id
    assert "120" in response.lines[0]  # the advice comes first
    with db.session() as session:
        ticket = session.get(Ticket, response.ticket_id)
        assert ticket.urgency == "emergency" and ticket.address == "6号楼3单元201"
    calm = respond_to_checkin(db, sender_id="web:r-zhang", text="报平安")
    assert calm.lines == [CHECKIN_REPLY] and not calm.emergency
