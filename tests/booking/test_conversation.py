"""Reading residents' answers and the dialogue texts (no Rasa needed)."""

from __future__ import annotations

from datetime import datetime

import pytest

from assistant.booking import conversation
from assistant.booking.service import BookingError, book

NOW = datetime(2026, 11, 29, 10, 0)


@pytest.mark.parametrize(
    ("text", "entities", "service"),
    [
        ("我想预约明天下午三点上门理发", [], "理发"),
        ("随便说说", ["剪头"], "理发"),  # an alias from the NLU entity
        ("随便说说", ["按摩"], None),  # an entity value the catalogue does not know
        ("约个师傅", ["维修"], "维修"),
        ("帮我借活动室", [], "场地预约"),
        ("你好", [], None),
    ],
)
def test_service_from(text, entities, service):
    assert conversation.service_from(text, entities) == service


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我想预约明天下午三点上门理发", "我想预约明天下午三点上门理发"),
        ('/inform{"time": "2026-12-01T14:30"}', "2026-12-01T14:30"),
        ("后天吧", "后天吧"),
        ("幸福路8号3号楼201", None),  # an address, not the 8th or the 3rd
        ("13912345678", None),
        ("好的", None),
    ],
)
def test_time_from(text, expected):
    assert conversation.time_from(text, now=NOW) == expected


@pytest.mark.parametrize(
    ("text", "age", "disabled"),
    [
        ("我今年七十五岁", 75, None),
        ("八十多了", 80, None),
        ("八十多岁", 80, None),
        ("92", 92, None),
        ("我九十二了", 92, None),
        ("腿脚不好", None, True),
        ("六十五，坐轮椅", None, True),
        ("身体还好", None, False),
    ],
)
def test_eligibility_answers(text, age, disabled):
    facts = conversation.eligibility_from(text)
    assert facts.disabled is disabled
    if age is not None:
        assert facts.age == age


@pytest.mark.parametrize("text", ["13912345678", "人民路88号", "好的", ""])
def test_not_an_eligibility_answer(text):
    assert conversation.eligibility_from(text) is None


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("幸福路8号3号楼201室", "幸福路8号3号楼201室"),
        ("我住在5栋302", "5栋302"),
        ("地址是人民路88号。", "人民路88号"),
        ("好的", None),
        ("13912345678", None),
        ('/inform{"time": "2026-12-01T14:30"}', None),
    ],
)
def test_address_answers(text, address):
    assert conversation.address_from(text) == address


def test_resolve_time_for_a_service(db, catalogue):
    slot = conversation.resolve_time(db, "理发", "明天下午三点", now=NOW, catalogue=catalogue)
    assert slot.key == "2026-11-30T15:00"
    assert (
        conversation.resolve_time(db, "理发", "2026-12-01T14:30", now=NOW, catalogue=catalogue).key
        == "2026-12-01T14:30"
    )
    for said, code in [
        ("随便", "no_time"),
        ("今年", "vague_time"),
        ("今天下午三点", "closed"),
        ("下礼拜", "vague_time"),
        ("下周吧，上午十点", "vague_time"),  # a clock time, but no day of the week
    ]:  # several days, none named: asked, never the first free one
        with pytest.raises(BookingError) as err:
            conversation.resolve_time(db, "理发", said, now=NOW, catalogue=catalogue)
        assert err.value.code == code


def test_alternatives_become_buttons(db, catalogue):
    with pytest.raises(BookingError) as err:
        conversation.resolve_time(db, "理发", "今天下午三点", now=NOW, catalogue=catalogue)
    buttons = conversation.alternatives_buttons(err.value.alternatives)
    assert len(buttons) == 3
    assert buttons[0] == {
        "title": "11月30日（周一）上午9点",
        "payload": '/inform{"time": "2026-11-30T09:00"}',
    }
    assert "最近可以约的时间有" in conversation.alternatives_text(err.value)


def test_lists_cancel_choice_and_remembered_contact(db, catalogue):
    assert "没有预约" in conversation.upcoming_text(db, "web:amy", now=NOW)
    haircut = book(
        db,
        sender_id="web:amy",
        service="理发",
        starts_at=datetime(2026, 12, 1, 15),
        address="幸福路8号",
        now=NOW,
        catalogue=catalogue,
    )
    checkup = book(
        db,
        sender_id="web:amy",
        service="体检",
        starts_at=datetime(2026, 12, 1, 9),
        now=NOW,
        catalogue=catalogue,
    )
    text = conversation.upcoming_text(db, "web:amy", now=NOW)
    assert text.startswith("您有2个预约") and haircut.id in text and "12月1日（周二）上午9点" in text
    assert (
        conversation.bookings_to_cancel(db, "web:amy", "取消我那个理发的预约", service="理发", now=NOW)[0].id
        == haircut.id
    )
    assert [
        b.id for b in conversation.bookings_to_cancel(db, "web:amy", f"取消{checkup.id.lower()}", now=NOW)
    ] == [checkup.id]
    assert len(conversation.bookings_to_cancel(db, "web:amy", "取消预约", now=NOW)) == 2
    assert conversation.bookings_to_cancel(db, "web:bob", f"取消{haircut.id}", now=NOW) == []
    assert (
        conversation.cancel_question(haircut)
        == f"要取消12月1日（周二）下午3点的上门理发（预约号{haircut.id}）吗？"
    )
    conversation.remember(db, "web:amy", address="幸福路8号", phone="13912345678")
    assert conversation.remembered_contact(db, "web:amy") == ("幸福路8号", "13912345678")


def test_whole_answer_beats_a_partial_location_entity():
    assert conversation.address_from("幸福路8号3号楼201室", ["幸福路8号"]) == "幸福路8号3号楼201室"
    assert conversation.address_from("好的", ["3号楼"]) == "3号楼"


# --- corrections, answers and early values (issue #11) ----------------------------------

NOW_FIXED = datetime(2026, 11, 29, 10, 0)


@pytest.mark.parametrize(
    ("text", "slot", "value"),
    [
        ("不对，时间改成后天下午三点", "booking_time", "后天下午三点"),
        ("不对，后天下午三点", "booking_time", "后天下午三点"),
        ("换成下周二上午", "booking_time", "下周二上午"),
        ("地址不对，是3号楼1单元202", "booking_address", "3号楼1单元202"),
        ("是3号楼不是5号楼", "booking_address", "3号楼"),
        ("不是5号楼，是3号楼2单元101", "booking_address", "3号楼2单元101"),
        ("电话不对，13900001111", "booking_phone", "13900001111"),
        ("不对，改成保洁", "booking_service", "保洁"),
        ("时间不对", "booking_time", None),  # named without a new value: asked again
        ("地址错了", "booking_address", None),
        ("不对", None, None),  # which one? (buttons)
    ],
)
def test_corrections(text, slot, value):
    assert conversation.correction_from(text, now=NOW_FIXED) == conversation.Correction(slot, value)


@pytest.mark.parametrize("text", ["明天下午三点", "3号楼1单元202", "地址", "我不是很清楚", "/deny", ""])
def test_not_corrections(text):
    assert conversation.correction_from(text, now=NOW_FIXED) is None


@pytest.mark.parametrize(
    ("slot", "text", "answers"),
    [
        ("booking_time", "不约了", False),  # the bug of issue #11: not a time
        ("booking_time", "明天下午三点理发", True),
        ("booking_time", '/inform{"time": "2026-12-01T14:30"}', True),
        ("booking_service", "/help", False),  # the 更多服务 button is not a service
        ("booking_service", "剪头发", True),
        ("booking_eligibility", "不约了", False),
        ("booking_eligibility", "八十二了", True),
        ("booking_address", "我要找工作人员", False),
        ("booking_address", "3号楼2单元501", True),
        ("booking_phone", "算了不要了", False),
        ("booking_phone", "139 1234 5678", True),
        (None, "随便", False),
    ],
)
def test_answers_slot(slot, text, answers):
    assert conversation.answers_slot(slot, text, now=NOW_FIXED) is answers


@pytest.mark.parametrize(
    ("text", "prefer", "found"),
    [
        ("13900001111", None, ("booking_phone", "13900001111")),
        ("3号楼1单元202", None, ("booking_address", "3号楼1单元202")),  # not the 3rd of the month
        ("12月3号下午三点", None, ("booking_time", "12月3号下午三点")),
        ("幸福里", "booking_address", ("booking_address", "幸福里")),
        ("保洁", None, ("booking_service", "保洁")),
        ("好的", None, None),
    ],
)
def test_value_slot(text, prefer, found):
    assert conversation.value_slot(text, now=NOW_FIXED, prefer=prefer) == found


def test_which_to_change_buttons_name_the_four_answers():
    buttons = conversation.which_to_change_buttons()
    assert [b["title"] for b in buttons] == ["时间", "地址", "电话", "服务"]
    assert [conversation.field_from_title(b["title"]) for b in buttons] == [
        "booking_time",
        "booking_address",
        "booking_phone",
        "booking_service",
    ]


@pytest.mark.parametrize(
    ("said", "current", "result"),
    [
        ("下午三点半", "2026-12-01T16:00", "2026-12-01T15:30"),  # the day already chosen stays
        ("后天下午三点", "2026-12-01T16:00", "后天下午三点"),  # a day said: as said
        ("12月3号上午", "2026-12-01T16:00", "12月3号上午"),
        ("上午", "2026-12-01T16:00", "上午"),  # no clock time: as said
        ("下午三点半", None, "下午三点半"),
    ],
)
def test_on_same_day(said, current, result):
    assert conversation.on_same_day(said, current) == result


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("我住8号楼2单元502，想约明天下午三点理发", "8号楼2单元502"),
        ("约明天理发，地址3号楼2单元501", "3号楼2单元501"),
        ("我想预约明天下午三点上门理发", None),
        ("13912345678", None),
    ],
)
def test_address_in_a_longer_message(text, address):
    assert conversation.address_in(text) == address


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("后天有啥时间", True),
        ("明天都有哪些时段", True),
        ("明天几点有空", True),
        ("什么时候能约", True),
        ("下周二还有空吗", True),
        ("明天下午三点", False),
        ("后天吧", False),
        ("明天上午有时间", False),  # says when the resident is free: a time, not a question
    ],
)
def test_asks_free_times(text, asks):
    assert conversation.asks_free_times(text) is asks


def test_free_times_lists_the_named_day_and_skips_full_slots(db, catalogue):
    # NOW is Sunday 2026-11-29 10:00; 后天 is Tuesday 2026-12-01.
    slots = conversation.free_times(db, "理发", "后天有啥时间", now=NOW, catalogue=catalogue)
    assert slots and all(s.starts_at.date() == datetime(2026, 12, 1).date() for s in slots)
    first = slots[0]
    for i in range(first.capacity):
        book(
            db,
            sender_id=f"web:r{i}",
            service="理发",
            starts_at=first.starts_at,
            address="1号楼",
            now=NOW,
            catalogue=catalogue,
        )
    again = conversation.free_times(db, "理发", "后天有啥时间", now=NOW, catalogue=catalogue)
    assert first.starts_at not in [s.starts_at for s in again]
    text = conversation.free_times_text(again)
    assert text.startswith("可以约的时间有：1. ") and "第一个" in text
    buttons = conversation.alternatives_buttons(again)
    assert buttons[0]["payload"] == f'/inform{{"time": "{again[0].key}"}}'


def test_free_times_without_a_day_are_the_nearest_ones(db, catalogue):
    slots = conversation.free_times(db, "理发", "有什么时间", now=NOW, catalogue=catalogue)
    assert slots and all(s.starts_at > NOW for s in slots)
    assert slots == sorted(slots, key=lambda s: s.starts_at)


def test_the_address_the_resident_marks_wins_over_a_place_named_before():
    from assistant.booking.conversation import address_in

    said = "20号楼南门那个路灯坏了好几天了。另外帮我约明天下午三点上门理发，地址20号楼3单元503"
    assert address_in(said) == "20号楼3单元503"
    assert address_in("我住8号楼2单元502，想约明天理发") == "8号楼2单元502"


@pytest.mark.parametrize(
    ("text", "service"),
    [
        ("师傅，明天能来修个马桶不", "维修"),
        ("家里水龙头坏了，想找人来修", "维修"),
        ("帮我修修电视", "维修"),
        ("我年纪大了，下礼拜想去医院复查，能不能有人陪我去", "陪诊"),
        ("找个人陪我去看病", "陪诊"),
        ("改一下时间", None),
        ("明天下午三点", None),
    ],
)
def test_a_service_said_in_everyday_words(text, service):
    assert conversation.service_in_everyday_words(text) == service
    assert conversation.service_asked_for(text) == service


@pytest.mark.parametrize(
    ("text", "service"),
    [
        ("订明天的饭", "助餐"),
        ("帮我订个饭", "助餐"),
        ("订两份午餐", "助餐"),
        ("幸福小区5号楼302，马桶坏了", "维修"),  # an estate's name in the address is no public place
        ("我下午要陪我妈去医院复查", None),  # the resident goes with someone: no escort asked
        ("俺得陪老伴去医院", None),
        ("5号楼1单元302，楼道灯坏了上来注意脚下", None),  # a public place: the property's
        ("电梯坏了啥时候来修", None),
        ("小区门口的路灯不亮了", None),
        ("小区里的水管漏水了", None),
        ("订饭店", None),
    ],
)
def test_everyday_words_both_ways(text, service):
    assert conversation.service_in_everyday_words(text) == service


@pytest.mark.parametrize(
    "text",
    [
        "师傅，明天能来修个马桶不",
        "5号楼1单元302，楼道灯坏了上来注意脚下",
        "明天上午吧，下午我要陪我妈去医院复查",
        "找个人陪我去看病",
    ],
)
def test_service_from_reads_names_and_aliases_only(text):
    # Everyday words are read only where a service is asked for (service_asked_for).
    assert conversation.service_from(text) is None


def test_a_correction_reads_everyday_words_only_when_the_service_is_named():
    assert conversation.correction_from("服务不对，是修马桶") == conversation.Correction(
        "booking_service", "维修"
    )
    assert conversation.correction_from("不对，是理发") == conversation.Correction("booking_service", "理发")
    found = conversation.correction_from("不对，楼道灯坏了")
    assert found is None or found.slot != "booking_service"


@pytest.mark.parametrize(
    ("text", "unsure"),
    [
        ("那个那个，我也说不好", True),
        ("不知道", True),
        ("还没想好", True),
        ("后天有啥时间", False),
        ("明天下午三点", False),
        ("13912345678", False),
        ("不知道，帮我转人工", False),  # a person asked for: goes its own way
        ("我不知道怎么取消这个预约", False),  # cancelling
        ("说不好，算了不约了", False),  # leaving
        ("不清楚，找个工作人员跟我说", False),
        ("我也不确定", True),
    ],
)
def test_unsure_of_a_time(text, unsure):
    assert conversation.unsure(text) is unsure


@pytest.mark.parametrize(
    ("text", "yes"),
    [
        ("对", True),
        ("对，取消吧", True),
        ("是的，不要了", True),
        ("确定取消", True),
        ("取消吧", True),
        ("不对", False),
        ("别取消", False),
        ("先不取消了", False),
        ("取消理发那个", False),
        ("取消YY202611290001", False),
        ("不要了", False),  # 不要[取消]了 as often as the booking: no cancel verb, no yes word
        ("不去了", False),
        ("那就不要了", False),
        ("要不要了", False),
        ("嗯，不约了", True),
        ("对，不去了", True),
        ("那就取消吧", True),
        ("退掉吧", True),
    ],
)
def test_a_yes_to_the_cancel_question(text, yes):
    assert conversation.confirms_cancel(text) is yes


def test_the_value_said_with_bu_shi_is_the_wrong_one():
    assert conversation.correction_from("不对不对，换成保洁，不是理发") == conversation.Correction(
        "booking_service", "保洁"
    )
    assert conversation.correction_from("不对，改成13912340199，不是13912340104") == conversation.Correction(
        "booking_phone", "13912340199"
    )
