"""Review 23 MUST 12: a cancel said and negated (保洁就不用取消了 / 家政那个先不用退) keeps the
booking wherever it stands in the clause — one reading (``references.NEGATED_CANCEL``) for a
booking named and kept, the answer to 要取消…吗？ and a cancel said again; a booking is cancelled
without a question only on a cancel word that is not negated. Own sentences, the actions run
without Rasa."""

from __future__ import annotations


import pytest

import actions.booking as booking_actions
from assistant.booking.conversation import cancels_again, keeps_booking
from assistant.booking.service import get_booking
from tests.booking.form_helpers import NOW, clean_and_meal, run, texts
from tests.booking.form_helpers import tracker as _tracker

SENDER = "web:rv23a"


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(booking_actions, "now", lambda: NOW)




@pytest.mark.parametrize("said", [
    "保洁就甭取消了 晚饭的照常",
    "家政那个先不用退 吃饭的别动",
])
def test_a_negated_cancel_cancels_nothing_unasked(app_env, domain, said):
    clean, meal = clean_and_meal(app_env, SENDER)
    trk = _tracker(said, intent="cancel_booking", sender=SENDER, form_active=False)
    _, messages, _ = run(booking_actions.ActionCancelBooking(), trk, domain)
    assert "已经取消" not in texts(messages)
    with app_env.session() as session:
        assert get_booking(session, clean.id).status == "booked"
        assert get_booking(session, meal.id).status == "booked"


def test_a_cancel_not_negated_with_another_kept_is_still_done(app_env, domain):
    clean, meal = clean_and_meal(app_env, SENDER)
    trk = _tracker("家政那个给我撤掉 晚饭那顿不用退", intent="cancel_booking", sender=SENDER, form_active=False)
    _, messages, _ = run(booking_actions.ActionCancelBooking(), trk, domain)
    assert "取消" in texts(messages) and "吗" not in texts(messages)
    with app_env.session() as session:
        assert get_booking(session, clean.id).status == "cancelled"
        assert get_booking(session, meal.id).status == "booked"


@pytest.mark.parametrize("said", ["打扫那个就不用退了", "助餐先别撤", "体检不想取消了"])
def test_a_service_then_its_cancel_negated_keeps_it(said):
    assert keeps_booking(said) and not cancels_again(said)


@pytest.mark.parametrize("said", ["打扫那个退掉吧", "体检给我撤销了"])
def test_a_cancel_said_again_still_cancels(said):
    assert cancels_again(said) and not keeps_booking(said)


# --- SHOULD 3: kin named with the booking is a head count only when said to take part too ----------

from assistant.booking.conversation import more_than_one_asked  # noqa: E402


@pytest.mark.parametrize("said", ["俺同俺爱人商量好了 约个理发", "我带着老伴儿去社区 给她约个助浴"])
def test_kin_named_for_another_reason_is_no_head_count(said):
    assert not more_than_one_asked(said)


@pytest.mark.parametrize("said", ["我和老头子一块去吃午饭", "我和闺女一起吃 订午饭"])
def test_kin_said_to_take_part_too_is_a_head_count(said):
    assert more_than_one_asked(said)
