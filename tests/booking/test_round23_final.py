"""Final review 23 MUST 6: a service let go (不洗了 / 先不剪了) is moved, not left, only when a
clause after it names the new appointment: the time at the clause's head with nothing of the
clause's own after it (大后天上午吧, 那就周四下午来修, 改礼拜天行不行). A time inside the reason
for letting it go (我下午得去趟银行, 礼拜六我闺女回来帮我弄, 明天约了医生) is no move: the form is
left, never given that day as the booking's time. Own sentences, a fixed "today" (Sunday
2026-11-29 10:00), the form run without Rasa."""

from __future__ import annotations

import pytest

import actions.booking as booking_actions
from assistant import form_turns
from tests.booking.form_helpers import NOW, run, texts, tracker

# A reason for letting the service go that names a day, a part of the day or a state.
REASONS_WITH_A_TIME = [
    "不洗了 我下午得去趟银行",
    "先不剪了 今天头有点晕",
    "不修了 礼拜六我闺女回来帮我弄",
    "不扫了 明天家里来客人",
    "那就不洗了 早上摔了一跤 走不动",
    "不理了 下周一我要住院",
    "不剪了 明天约了医生",
    "不洗了 今天 我腰不舒服",
    "先不修了 周末再看吧",
]
# A new time for the same service, said at the head of its clause (after a reason or not).
NEW_TIMES = [
    "不剪了 大后天上午吧",
    "先不修了 那就周四下午来修",
    "不洗了 改礼拜天行不行",
    "不扫了 明天我有空",
    "不剪了 今天有点累 周六上午吧",
    "不洗了 后天 上午十点",
]


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(booking_actions, "now", lambda: NOW)


@pytest.mark.parametrize("said", REASONS_WITH_A_TIME)
def test_a_time_in_the_reason_for_letting_go_leaves(said: str) -> None:
    assert form_turns.is_stop(said)
    assert form_turns.classify("inform", said, answers=True) == "stop"


@pytest.mark.parametrize("said", NEW_TIMES)
def test_a_new_time_at_the_head_of_its_clause_moves_the_service(said: str) -> None:
    assert not form_turns.is_stop(said)
    assert form_turns.classify("inform", said, answers=True) == "answer"


def test_another_service_asked_for_is_still_no_leaving() -> None:
    assert not form_turns.is_stop("不洗了 帮我约个理发吧")


@pytest.mark.parametrize("said", ["不洗了 我下午得去趟银行", "不扫了 明天家里来客人", "不修了 礼拜六我闺女回来帮我弄"])
def test_the_form_takes_no_day_from_the_reason(app_env, domain, said: str) -> None:
    trk = tracker(said, slots={"booking_service": "助浴", "requested_slot": "booking_time"})
    slots, messages, _ = run(booking_actions.ValidateBookingForm(), trk, domain)
    assert not slots.get("booking_time")
    assert not slots.get("form_failures")
    assert "几点方便" not in texts(messages) and "可以约的时间" not in texts(messages)
    assert slots.get("requested_slot") is None


def test_the_form_takes_the_new_time(app_env, domain) -> None:
    trk = tracker("不剪了 今天有点累 周六上午十点吧", slots={"booking_service": "理发", "requested_slot": "booking_time"})
    slots, _, _ = run(booking_actions.ValidateBookingForm(), trk, domain)
    assert (slots.get("booking_time") or "").startswith("2026-12-05T10:00")  # 周六, not 今天


# --- final review 23 SHOULD 2: every booking named kept, none cancelled: nothing is asked ----------------------

KEEPER = "web:r23final-keep"


def _clean_and_meal(db):
    from datetime import datetime

    from assistant.booking.service import book

    clean = book(db, sender_id=KEEPER, service="保洁", starts_at=datetime(2026, 12, 1, 9), address="和平里3号", now=NOW)
    meal = book(db, sender_id=KEEPER, service="助餐", starts_at=datetime(2026, 12, 2, 17), now=NOW)
    return clean, meal


def _cancel_turn(db, domain, said):
    trk = tracker(said, intent="cancel_booking", sender=KEEPER, form_active=False)
    return run(booking_actions.ActionCancelBooking(), trk, domain)


def _status(db, booking_id):
    from assistant.booking.service import get_booking

    with db.session() as session:
        return get_booking(session, booking_id).status


@pytest.mark.parametrize("said", ["保洁那个甭取消了 助餐还是留着", "打扫的先别退 吃饭那个照旧"])
def test_every_booking_kept_is_said_kept_and_nothing_asked(app_env, domain, said):
    clean, meal = _clean_and_meal(app_env)
    slots, messages, _ = _cancel_turn(app_env, domain, said)
    assert "保留" in texts(messages) and "吗" not in texts(messages)
    assert not slots.get("booking_cancel_pending")
    assert _status(app_env, clean.id) == "booked" and _status(app_env, meal.id) == "booked"


@pytest.mark.parametrize("said", ["保洁那个甭取消了 助餐给我退掉", "保洁先别退 助餐要不要留着呢", "保洁不用取消了 挪到礼拜四吧"])
def test_a_keep_said_with_anything_else_is_not_swallowed(app_env, domain, said):
    clean, meal = _clean_and_meal(app_env)
    slots, messages, _ = _cancel_turn(app_env, domain, said)
    assert "给您保留着" not in texts(messages)  # the cancel, the question or the move is answered as before
    assert _status(app_env, clean.id) == "booked"


def test_a_keep_of_nothing_booked_is_not_said_kept(app_env, domain):
    _, messages, _ = _cancel_turn(app_env, domain, "助浴那个甭取消了")
    assert "给您保留着" not in texts(messages)
