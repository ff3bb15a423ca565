"""The conversation layer knows what the butler just said by the words of the service that
said it (round 23): a booking read back, made or moved, a rating recorded. The markers are
built from the services' own openings, so rewording a reply there cannot silently stop
the conversation from recognising it; and they stay quiet on the butler's other replies."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from assistant.booking import conversation as booking_conversation
from assistant.booking import service as booking_service
from assistant.conversation.bookings import BOOKED_RE, BOOKING_READBACK_RE
from assistant.conversation.ratings import RATED_RE
from assistant.tickets import feedback

AT = datetime(2026, 12, 15, 9, 30)


def _booking(**kw):
    return SimpleNamespace(**{"id": "YY2026121500077", "service": "助浴", "location": "上门", "starts_at": AT, **kw})


def test_a_booking_made_or_moved_is_known_by_its_own_words():
    assert BOOKED_RE.search(booking_service.booked_text(_booking()))
    assert BOOKED_RE.search(booking_service.booked_text(_booking(location="中心"), remind=True))
    assert BOOKED_RE.search(booking_conversation.moved_text(_booking()))


def test_a_question_about_a_booking_is_no_booking_made():
    assert not BOOKED_RE.search(booking_conversation.cancel_question(_booking()))
    assert not BOOKED_RE.search(booking_conversation.move_question(_booking(), datetime(2026, 12, 16, 15, 0)))


def test_the_read_back_is_known_by_its_own_opening():
    from assistant.booking.catalogue import load_catalogue

    for service in list(load_catalogue().services.values())[:4]:
        text = booking_service.confirmation_text(service, AT, address="7号楼3单元402", phone="15822460913")
        assert BOOKING_READBACK_RE.match(text)
        assert not BOOKING_READBACK_RE.match(booking_service.booked_text(_booking(service=service.name)))


def test_a_rating_heard_is_known_by_its_own_words_and_its_invitation_is_not():
    heard = feedback._heard(SimpleNamespace(label="不满意", score=2), with_score=True)
    assert RATED_RE.search(heard)
    assert RATED_RE.search(f"{feedback.THANKS_OPENING}，已记下：满意。")
    assert not RATED_RE.search(feedback.INVITATION)
