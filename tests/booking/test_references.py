"""References to a resident's upcoming bookings (刚才订的那个不要了, 理发那个, 周三的)
on a real migrated SQLite database, with bookings made through the booking service
on a fixed clock: "now" is Sunday 2026-11-29 10:00 in Asia/Shanghai (conftest)."""

from __future__ import annotations

from datetime import datetime

import pytest

from assistant.booking.references import booking_label, cancel_payload, resolve_booking_reference
from assistant.booking.service import book, cancel
from assistant.db import Database

AMY, BOB, CAROL = "web:amy", "web:bob", "web:carol"
ADDRESS = "幸福路8号3号楼201室"


def _book(db, catalogue, sender, service, starts_at, made_at):
    return book(db, sender_id=sender, service=service, starts_at=starts_at, address=ADDRESS, phone="13912345678",
                now=made_at, catalogue=catalogue).id


@pytest.fixture
def world(db: Database, catalogue, now) -> dict[str, str]:
    """Amy's bookings, made on different days (the id carries the day made and its
    sequence): soonest first they are 助餐 Mon 11-30 11:00, 保洁 Tue 12-01 10:00,
    理发 Wed 12-02 15:00, 理发 Sat 12-05 09:30. The last one made was 理发 on Saturday;
    a 体检 made after it was cancelled, and a 维修 of 11-25 is past. Bob booked after
    all of them."""
    ids = {
        "past_repair": _book(db, catalogue, AMY, "维修", datetime(2026, 11, 25, 9, 30), datetime(2026, 11, 20, 9)),
        "haircut_wed": _book(db, catalogue, AMY, "理发", datetime(2026, 12, 2, 15), datetime(2026, 11, 27, 9)),
        "cleaning_tue": _book(db, catalogue, AMY, "保洁", datetime(2026, 12, 1, 10), datetime(2026, 11, 28, 9)),
        "meal_mon": _book(db, catalogue, AMY, "助餐", datetime(2026, 11, 30, 11), datetime(2026, 11, 29, 8)),
        "haircut_sat": _book(db, catalogue, AMY, "理发", datetime(2026, 12, 5, 9, 30), datetime(2026, 11, 29, 9)),
        "checkup_tue": _book(db, catalogue, AMY, "体检", datetime(2026, 12, 1, 8), datetime(2026, 11, 29, 9, 30)),
        "bob_haircut": _book(db, catalogue, BOB, "理发", datetime(2026, 12, 1, 15), datetime(2026, 11, 29, 9, 45)),
    }
    cancel(db, ids["checkup_tue"], sender_id=AMY, now=now)
    return ids


def _resolve(db, catalogue, now, sender, text):
    with db.session() as session:
        return resolve_booking_reference(session, sender, text, now=now, catalogue=catalogue)


# (sender, message, expected match, expected key of the first booking or None)
PHRASINGS = [
    (AMY, "刚才订的那个不要了", "one", "haircut_sat"),       # latest made and live (not the cancelled 体检)
    (AMY, "刚约的那个取消吧", "one", "haircut_sat"),
    (AMY, "我刚刚预约的帮我取消", "one", "haircut_sat"),
    (AMY, "最后那个不要了", "one", "haircut_sat"),
    (AMY, "最新订的那个退了吧", "one", "haircut_sat"),
    (AMY, "刚约的理发不去了", "one", "haircut_sat"),
    (AMY, "理发那个不要了", "ambiguous", "haircut_wed"),     # two haircuts: ask, soonest first
    (AMY, "剪头发的那个取消", "ambiguous", "haircut_wed"),
    (AMY, "上午那个理发", "one", "haircut_sat"),
    (AMY, "下午三点那个", "one", "haircut_wed"),
    (AMY, "明天那个不去了", "one", "meal_mon"),
    (AMY, "明天吃饭那个取消", "one", "meal_mon"),
    (AMY, "周三的不要了", "one", "haircut_wed"),
    (AMY, "星期二那个", "one", "cleaning_tue"),             # the cancelled 体检 is Tuesday too
    (AMY, "下周三的理发", "one", "haircut_wed"),
    (AMY, "礼拜六那个剪发的", "one", "haircut_sat"),
    (AMY, "12月5号那个", "one", "haircut_sat"),
    (AMY, "五号那个取消", "one", "haircut_sat"),
    (AMY, "十二月二日的", "one", "haircut_wed"),
    (AMY, "第二个取消", "one", "cleaning_tue"),              # as upcoming_text numbers them
    (AMY, "第3个不要了", "one", "haircut_wed"),
    (AMY, "最早那个", "one", "meal_mon"),
    (AMY, "打扫卫生那个不要了", "one", "cleaning_tue"),
    (AMY, "搞卫生的取消", "one", "cleaning_tue"),
    (AMY, "取消预约", "ambiguous", "meal_mon"),
    (AMY, "体检那个取消", "none", None),                     # cancelled
    (AMY, "维修的不要了", "none", None),                     # past
    (AMY, "周五的", "none", None),
    (AMY, "明天的理发", "none", None),
    (BOB, "刚才订的那个不要了", "one", "bob_haircut"),
    (BOB, "理发那个", "one", "bob_haircut"),
    (BOB, "保洁那个", "none", None),                         # Amy's, never Bob's
    (CAROL, "刚才订的那个不要了", "none", None),
]


def test_colloquial_references_resolve_to_the_residents_own_booking(db, catalogue, now, world):
    wrong = []
    for sender, text, match, key in PHRASINGS:
        ref = _resolve(db, catalogue, now, sender, text)
        got = ref.bookings[0].id if ref.bookings else None
        if ref.match != match or got != (world[key] if key else None):
            wrong.append((sender, text, ref.match, got, ref.cues))
    assert wrong == [], f"{len(PHRASINGS) - len(wrong)}/{len(PHRASINGS)} right"


def test_latest_made_is_by_the_injected_clock_not_by_the_appointment(db, catalogue, now, world):
    ref = _resolve(db, catalogue, now, AMY, "刚才订的那个不要了")
    assert ref.booking_id == world["haircut_sat"]
    # The soonest appointment is another one: "just made" is not "next".
    assert _resolve(db, catalogue, now, AMY, "最近的那个").booking_id == world["meal_mon"]


def test_ambiguous_gives_buttons_with_the_booking_id(db, catalogue, now, world):
    ref = _resolve(db, catalogue, now, AMY, "理发那个不要了")
    assert ref.match == "ambiguous" and ref.booking is None and ref.service == "理发"
    assert [c.booking_id for c in ref.candidates] == [world["haircut_wed"], world["haircut_sat"]]
    assert ref.candidates[0].title == f"{world['haircut_wed']} 理发 12月2日（周三）15:00"
    assert ref.candidates[1].payload == f'/cancel_booking{{"booking_id": "{world["haircut_sat"]}"}}' == cancel_payload(world["haircut_sat"])
    # Said in words too, in the buttons' order (a voice channel reads the text).
    assert ref.message == "您有2个理发预约：理发，12月2日（周三）下午3点；理发，12月5日（周六）上午9点半。是哪一个？"
    everything = _resolve(db, catalogue, now, AMY, "取消预约")
    assert len(everything.candidates) == 4 and [b.id for b in everything.bookings] == [
        world["meal_mon"], world["cleaning_tue"], world["haircut_wed"], world["haircut_sat"]]


def test_cancelled_and_past_bookings_never_match(db, catalogue, now, world):
    for text in ("取消预约", "第五个", "星期二那个", "11月25号那个", "刚才订的那个"):
        ref = _resolve(db, catalogue, now, AMY, text)
        assert not {b.id for b in ref.bookings} & {world["checkup_tue"], world["past_repair"], world["bob_haircut"]}


def test_none_says_whether_the_resident_has_any_upcoming_booking(db, catalogue, now, world):
    missing = _resolve(db, catalogue, now, AMY, "体检那个取消")
    assert missing.match == "none" and missing.has_upcoming and missing.message == "您没有体检的预约。"
    nothing = _resolve(db, catalogue, now, CAROL, "刚才订的那个不要了")
    assert nothing.match == "none" and not nothing.has_upcoming and nothing.message == "您现在没有预约。"


def test_an_id_counts_only_when_it_is_the_residents_upcoming_booking(db, catalogue, now, world):
    mine = _resolve(db, catalogue, now, AMY, f"取消{world['cleaning_tue'].lower()}")
    assert mine.match == "one" and mine.booking_id == world["cleaning_tue"]
    theirs = _resolve(db, catalogue, now, AMY, f"取消预约{world['bob_haircut']}")
    assert theirs.match == "none" and theirs.mentioned_id == world["bob_haircut"] and theirs.bookings == []


def test_label(db, catalogue, now, world):
    with db.session() as session:
        from assistant.booking.service import get_booking

        assert booking_label(get_booking(session, world["meal_mon"])) == f"{world['meal_mon']} 助餐 11月30日（周一）11:00"
