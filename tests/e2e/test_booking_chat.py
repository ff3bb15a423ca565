"""Booking through /api/v1/chat with the real Rasa server, action server and
gateway: book a haircut in several turns, hear it read back, get a YY id, list it,
cancel it and see it gone; a full slot offers the nearest free ones as buttons."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest

from assistant.booking.service import book
from assistant.booking.timeparse import TZ
from assistant.db import Database

pytestmark = pytest.mark.e2e


def day_phrase() -> tuple[str, date]:
    """明天, unless tomorrow is a Sunday (理发 does not work on Sundays): then 后天."""
    today = datetime.now(TZ).date()
    tomorrow = today + timedelta(days=1)
    if tomorrow.isoweekday() == 7:
        return "后天", today + timedelta(days=2)
    return "明天", tomorrow


def test_book_list_cancel_a_haircut(butler, staff_token):
    sender = "booking-e2e-1"
    phrase, day = day_phrase()
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


def test_full_slot_offers_nearest_free_slots_as_buttons(butler):
    phrase, day = day_phrase()
    slot = datetime.combine(day, datetime.min.time()).replace(hour=10)
    database = Database(butler.settings.resolved_database_url)
    try:
        for i in range(3):   # 理发 has 3 places per slot
            book(database, sender_id=f"web:filler-{i}", service="理发", starts_at=slot, address="幸福路1号")
    finally:
        database.dispose()

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


def test_bathing_is_refused_below_seventy(butler):
    sender = "booking-e2e-3"
    ask = butler.say(sender, "我想预约助浴")
    assert "多大年纪" in ask, ask
    refused = butler.say(sender, "我五十岁")
    assert "70岁以上" in refused and "没太明白" not in refused, refused
    assert "没有预约" in butler.say(sender, "查一下我的预约")


def test_no_after_the_read_back_asks_again(butler):
    sender = "booking-e2e-4"
    phrase, _day = day_phrase()
    butler.say(sender, f"我想预约{phrase}上午九点理发")
    butler.say(sender, "幸福路8号")
    readback = butler.say(sender, "13912345678")
    assert "对吗" in readback, readback
    again = butler.say(sender, "不对")
    assert "重新确认" in again and "哪天几点" in again, again
