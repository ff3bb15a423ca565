"""Booking through /api/v1/chat with the real Rasa server, action server and
gateway: book a haircut in several turns, hear it read back, get a YY id, list it,
cancel it and see it gone; a full slot offers the nearest free ones as buttons; a
closed day is refused with the nearest free slots.

"Today" is the servers' clock (``butler.clock``: ``BUTLER_TEST_NOW`` under
``make test-dates``), and the catalogue is the one this module installs as the
operators' catalogue, so the day said (明天, 后天 or a date) is one 理发 works on."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest

from assistant.booking.catalogue import DEFAULT_PATH, Catalogue, load_catalogue, save_catalogue
from assistant.booking.service import book, cancel
from assistant.db import Database

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def catalogue(butler) -> Iterator[Catalogue]:
    """The packaged services, installed as the operators' catalogue of the servers'
    data directory: the test knows exactly what the action server reads."""
    path = butler.settings.data_dir / "booking" / "catalogue.yml"
    installed = load_catalogue(DEFAULT_PATH)
    save_catalogue(installed, path)
    yield installed
    path.unlink(missing_ok=True)


def works(catalogue: Catalogue, day: date, service: str = "理发") -> bool:
    return day.isoweekday() in catalogue.service(service).days and not catalogue.is_closed(day)


def day_phrase(catalogue: Catalogue, today: date) -> tuple[str, date]:
    """How a resident names the nearest day 理发 works on after today: 明天, 后天, or
    the date itself (12月3日) when both are Sundays or closed."""
    for offset, phrase in ((1, "明天"), (2, "后天")):
        if works(catalogue, today + timedelta(days=offset)):
            return phrase, today + timedelta(days=offset)
    day = today + timedelta(days=3)
    while not works(catalogue, day):
        day += timedelta(days=1)
    return f"{day.month}月{day.day}日", day


def test_day_phrase_skips_sundays_and_closed_days():
    """The helper itself, on dates chosen for it (no server needed)."""
    services = load_catalogue(DEFAULT_PATH)
    saturday = date(2027, 1, 2)
    assert day_phrase(services, saturday) == ("后天", date(2027, 1, 4))          # Sunday skipped
    closed = services.model_copy(update={"closed_dates": [date(2027, 1, 4)]})
    assert day_phrase(closed, saturday) == ("1月5日", date(2027, 1, 5))          # Sunday, then closed
    assert day_phrase(closed, date(2027, 1, 3)) == ("后天", date(2027, 1, 5))     # closed tomorrow


def test_book_list_cancel_a_haircut(butler, staff_token, catalogue):
    sender = "booking-e2e-1"
    phrase, day = day_phrase(catalogue, butler.clear_of_midnight().date())
    first = butler.say(sender, f"我想预约{phrase}下午三点上门理发")
    assert "地址" in first, first
    second = butler.say(sender, "幸福路8号3号楼201室")
    assert "电话" in second, second
    readback = butler.say(sender, "13912345678")
    assert "没太明白" not in readback, readback
    assert f"{day.month}月{day.day}日" in readback and "下午3点" in readback, readback
    assert "上门理发" in readback and "幸福路8号3号楼201室" in readback and "139****5678" in readback
    assert "13912345678" not in readback

    done = butler.say(sender, "对")
    match = re.search(r"YY\d{12}", done)
    assert match, done
    assert "没太明白" not in done, done      # no core fallback after the booking
    booking_id = match.group(0)

    listed = butler.say(sender, "查一下我的预约")
    assert booking_id in listed and "下午3点" in listed and "已预约" in listed, listed

    staff = butler.http.get(f"{butler.gateway_url}/api/v1/bookings?day={day.isoformat()}&service=理发",
                            headers={"Authorization": f"Bearer {staff_token}"}).json()
    assert booking_id in [b["id"] for b in staff]

    ask = butler.say(sender, "取消我那个理发的预约")
    assert booking_id in ask and "取消" in ask, ask
    gone = butler.say(sender, "对")
    assert "已经取消" in gone and "没太明白" not in gone, gone
    after = butler.say(sender, "查一下我的预约")
    assert booking_id not in after and "没有预约" in after, after


def test_full_slot_offers_nearest_free_slots_as_buttons(butler, catalogue):
    now = butler.clear_of_midnight()
    phrase, day = day_phrase(catalogue, now.date())
    slot = datetime.combine(day, datetime.min.time()).replace(hour=10)
    database = Database(butler.settings.resolved_database_url)
    fillers = []
    try:
        for i in range(3):   # 理发 has 3 places per slot
            fillers.append(book(database, sender_id=f"web:filler-{i}", service="理发", starts_at=slot,
                                address="幸福路1号", now=now, catalogue=catalogue).id)

        sender = "booking-e2e-2"
        replies = butler.chat(sender, f"我想预约{phrase}上午十点理发")
        text = "\n".join(r["text"] for r in replies)
        assert "约满" in text, text
        buttons = [b for r in replies for b in r.get("buttons", [])]
        assert len(buttons) == 3 and all(b["payload"].startswith("/inform") for b in buttons)
        chosen = buttons[0]
        after_click = butler.say(sender, chosen["payload"])
        assert "地址" in after_click, after_click
        butler.say(sender, "幸福路8号")
        readback = butler.say(sender, "13800001111")
        assert chosen["title"] in readback, (chosen, readback)
    finally:
        # The stack is shared: later tests and conversations book 10:00 too.
        for booking_id in fillers:
            cancel(database, booking_id, now=now)
        database.dispose()


def test_bathing_is_refused_below_seventy(butler):
    sender = "booking-e2e-3"
    ask = butler.say(sender, "我想预约助浴")
    assert "多大年纪" in ask, ask
    refused = butler.say(sender, "我五十岁")
    assert "70岁以上" in refused and "没太明白" not in refused, refused
    assert "没有预约" in butler.say(sender, "查一下我的预约")


def test_no_after_the_read_back_asks_which_answer(butler, catalogue):
    sender = "booking-e2e-4"
    phrase, _day = day_phrase(catalogue, butler.clear_of_midnight().date())
    butler.say(sender, f"我想预约{phrase}上午九点理发")
    butler.say(sender, "幸福路8号")
    readback = butler.say(sender, "13912345678")
    assert "对吗" in readback, readback
    again = butler.say(sender, "不对")
    # Which answer? (buttons) — not the whole form again (issue #11).
    assert "哪一项要改" in again and "哪天几点" not in again, again
    assert "哪天几点" in butler.say(sender, "时间")


def test_closed_tomorrow_is_refused_with_the_nearest_free_slots(butler, catalogue):
    """The operators close tomorrow (a catalogue edit, read without a restart): 明天
    is refused as closed, and no button offers it."""
    path = butler.settings.data_dir / "booking" / "catalogue.yml"
    tomorrow = butler.clear_of_midnight().date() + timedelta(days=1)
    save_catalogue(catalogue.model_copy(update={"closed_dates": [tomorrow]}), path)
    try:
        replies = butler.chat("booking-e2e-5", "我想预约明天上午十点理发")
    finally:
        save_catalogue(catalogue, path)
    text = "\n".join(r["text"] for r in replies)
    assert f"{tomorrow.month}月{tomorrow.day}日社区服务暂停" in text, text
    buttons = [b for r in replies for b in r.get("buttons", [])]
    assert buttons and all(tomorrow.isoformat() not in b["payload"] for b in buttons), buttons


def test_asking_which_times_are_free_lists_them_as_numbered_buttons(butler, catalogue):
    # 后天有啥时间 at the time question: the day's free times to choose from (by number
    # or button), never the first slot booked silently.
    sender = "booking-e2e-free-times"
    phrase, day = day_phrase(catalogue, butler.clear_of_midnight().date())
    ask = butler.say(sender, "我想约个上门理发")
    assert "哪天" in ask or "几点" in ask, ask
    replies = butler.chat(sender, f"{phrase}有啥时间")
    text = "\n".join(r["text"] for r in replies)
    buttons = [b for r in replies for b in r.get("buttons", [])]
    assert "可以约的时间有：1. " in text and "地址" not in text, text
    assert buttons and all(b["payload"].startswith('/inform{"time": "' + day.isoformat()) for b in buttons), buttons
    after = butler.say(sender, "第二个")
    assert "地址" in after, after
    butler.say(sender, "幸福路8号")
    readback = butler.say(sender, "13912345678")
    assert buttons[1]["title"] in readback, (buttons[1], readback)
    butler.say(sender, "不对")  # leave no booking behind on the shared stack
    butler.say(sender, "不约了")
