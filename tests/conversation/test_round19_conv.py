"""Round 19 (issue #11, blind15 read): bookings, lists and corrections said the way
residents say them. Own wording throughout; the dialogue is a stand-in."""

from __future__ import annotations

from datetime import datetime

import pytest

from assistant.booking.conversation import correction_from
from assistant.clock import TZ
from assistant.conversation import split, store
from assistant.conversation.choices import Option, Picked, resolve_choice
from assistant.conversation.bookings import corrects_readback as _corrects_readback
from assistant.dialogue import Reply

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=TZ)

# --- two bookings said with a spoken pause before 再 -----------------------------------


@pytest.mark.parametrize(
    ("said", "second"),
    [
        ("帮我约后天下午两点的保洁 再约周五上午的体检", "约周五上午的体检"),
        ("约个理发 再帮我订一份大后天中午的饭", "帮我订一份大后天中午的饭"),  # 订 books as 约 does
        ("后天上午的陪诊帮我约一下，再订个助餐", "订个助餐"),
    ],
)
def test_a_pause_before_zai_cuts_two_bookings(said, second):
    cut = split.candidate_split(said)
    assert cut is not None and cut.second == second
    assert split.two_bookings(cut.first, cut.second)


@pytest.mark.parametrize("said", ["我再想想", "约好了 再见", "约个保洁 再说吧", "理发 再约"])
def test_zai_that_asks_nothing_is_no_cut(said):
    assert split.candidate_split(said) is None


# --- the middle of a list, and the daytime as a reason ---------------------------------

SIX = [Option(f"周三{t}", f'/inform{{"time": "{i}"}}', [f"周三{t}"]) for i, t in enumerate(
    ["上午9点", "上午10点", "上午11点", "下午2点", "下午3点", "下午4点"])]
FIVE = SIX[:5]


@pytest.mark.parametrize("said", ["中间那个", "中间的吧", "当中那个", "就要正中间那个"])
def test_the_middle_one_is_picked(said):
    picked = resolve_choice(said, FIVE)
    assert isinstance(picked, Picked) and picked.option is FIVE[2]
    picked = resolve_choice(said, SIX)  # an even count: the earlier middle one, read back later
    assert isinstance(picked, Picked) and picked.option is SIX[2]


def test_no_middle_of_two():
    assert resolve_choice("中间那个", SIX[:2]) is None


@pytest.mark.parametrize("said", ["最后一个吧 白天我要上班", "最后那个 晚一点好 白天忙", "第一个 白天都行"])
def test_the_daytime_said_as_a_reason_keeps_the_ordinal(said):
    picked = resolve_choice(said, SIX)
    assert isinstance(picked, Picked)
    assert picked.option is (SIX[0] if said.startswith("第一") else SIX[-1])


@pytest.mark.parametrize("said", ["最后一个 明天", "最后一个 天天忙", "最后一个 白天下雨吗"])
def test_a_day_or_a_question_after_the_ordinal_is_still_no_pick(said):
    assert resolve_choice(said, SIX) is None


# --- a new time after a change word ----------------------------------------------------


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("不对 两点我得去医院拿药 改三点半吧", "三点半"),
        ("不对，十点孙子要上课，换十一点", "十一点"),
        ("不行 五点太晚了 换四点吧", "四点"),
        ("不对 三点我有事 四点吧", "四点"),
        ("算了 还是改回上午九点", "上午九点"),
        ("噢还是下午吧 上午要去买药 下午两点半", "下午两点半"),
        ("改成下午4点吧 2点太早了", "下午4点"),
    ],
)
def test_the_time_after_the_change_is_the_new_one(said, value):
    correction = correction_from(said, now=NOW)
    assert correction is not None and correction.slot == "booking_time"
    assert value in correction.value


@pytest.mark.parametrize("said", ["电话还是13912345678", "还是一样", "改天再说", "还是不约了", "换个师傅"])
def test_still_or_another_day_corrects_no_time(said):
    correction = correction_from(said, now=NOW)
    assert correction is None or correction.slot != "booking_time"


READBACK = store.Said("您要预约12月8日（周二）下午2点的上门理发，地址5号楼1单元101，联系电话139****5678，对吗？",
                      [("对", "/affirm"), ("不对", "/deny")])


@pytest.mark.parametrize("said", ["哎还是上午吧 下午要睡觉 上午十一点", "不对 两点要接孩子 改三点吧"])
def test_a_change_of_mind_at_the_readback_corrects_it(said):
    assert _corrects_readback(said, [READBACK])


# --- a booking's time said at the ticket's phone question, the booking offered with it ---

CONTACT_ASK = store.Said("已为您登记，工单号 GD202612070009。想知道处理结果的话，留个手机号给我，我记到工单上；"
                         "不留也可以，进度随时问我。", [("不留电话", "/deny")])
OFFER = store.Said("另外您说要约个维修，现在帮您约吗？", [("好的", "/affirm"), ("不用了", "/deny")])


def _offered_at_contact_question(db):
    from assistant import clock

    store.save(db, "web:r19", store.Memory(
        pending=store.Pending("家里灯不亮 想约个师傅上门修", "book_service", clock.now(), offered=True),
        last=[CONTACT_ASK, OFFER], last_at=clock.now()))


@pytest.mark.parametrize("said", [
    "后天上午十点 我家是7号楼3单元201 电话13912345678",
    "周三下午三点半 13912345678",
    "13912345678 明天下午两点 5栋101",
])
def test_a_time_with_the_phone_takes_the_offered_booking(db, clock, said):
    from tests.conversation._helpers import WordDialogue, converse_once

    class BookingDialogue(WordDialogue):
        async def deliver_or_degrade(self, sender, text, metadata=None):
            self.sent.append(text)
            self.loop = "booking_form"  # the booking asked for starts its form
            return [Reply(text="维修想约哪天几点？")]

    _offered_at_contact_question(db)
    dialogue = BookingDialogue({})
    converse_once(dialogue, db, "web:r19", said)
    assert dialogue.sent == ["家里灯不亮 想约个师傅上门修", said]  # the booking, then its answers


def test_a_phone_alone_is_still_the_tickets(db, clock):
    from tests.conversation._helpers import WordDialogue, converse_once

    _offered_at_contact_question(db)
    dialogue = WordDialogue({})
    converse_once(dialogue, db, "web:r19", "13912345678")
    assert dialogue.sent == ["13912345678"]
    assert store.load(db, "web:r19").pending is not None  # the offer is asked again after it


# --- a cancel said outright, then another request ----------------------------------------


class CancelDialogue:
    """The cancel asks 要取消…吗？ until /affirm; a booking starts a form; a report is filed."""

    def __init__(self):
        self.sent: list[str] = []
        self.loop = None

    async def active_loop(self, sender):
        return self.loop

    async def parse(self, text):
        for word, intent in (("不要了", "cancel_booking"), ("退掉", "cancel_booking"), ("取消", "cancel_booking"),
                             ("不用了", "cancel_booking"), ("约", "book_service"), ("订", "book_service"),
                             ("松了", "file_complaint"), ("坏了", "file_complaint")):
            if word in text:
                return {"intent": {"name": intent, "confidence": 0.95}}
        return {"intent": {"name": "nlu_fallback", "confidence": 0.9}}

    async def deliver_or_degrade(self, sender, text, metadata=None):
        from assistant.dialogue import Button

        self.sent.append(text)
        intent = (await self.parse(text))["intent"]["name"]
        if text == "/affirm":
            return [Reply(text="已经取消了预约YY202612070001。")]
        if intent == "cancel_booking":
            return [Reply(text="要取消12月8日（周二）上午10点的上门保洁（预约号YY202612070001）吗？",
                          buttons=[Button("对", "/affirm"), Button("不对", "/deny")])]
        if intent == "book_service":
            self.loop = "booking_form"
            return [Reply(text="您要预约……对吗？")]
        return [Reply(text="已为您登记，工单号 GD202612070003。")]


@pytest.mark.parametrize(("said", "first", "second"), [
    ("保洁不要了 退掉吧 给我妈改约个理发 后天上午十点", "保洁不要了 退掉吧", "给我妈改约个理发 后天上午十点"),
    ("把保洁取消了，帮我订一份明天中午的饭", "把保洁取消了", "帮我订一份明天中午的饭"),
])
def test_a_cancel_then_a_booking_cancels_and_books_at_once(db, clock, said, first, second):
    from tests.conversation._helpers import converse_once

    dialogue = CancelDialogue()
    replies = converse_once(dialogue, db, "web:r19c", said)
    assert dialogue.sent == [first, "/affirm", second]
    assert "已经取消" in replies[0].text and not any("要取消" in r.text for r in replies)


def test_a_cancel_then_a_report_cancels_and_offers_the_report(db, clock):
    from tests.conversation._helpers import converse_once

    dialogue = CancelDialogue()
    replies = converse_once(dialogue, db, "web:r19c", "保洁不用了 家里人收拾好了 给退掉吧 还有5号楼门口的井盖松了 报一下")
    assert dialogue.sent[:2] == ["保洁不用了 家里人收拾好了 给退掉吧", "/affirm"]
    assert "井盖" in replies[-1].text  # offered right after the cancel


@pytest.mark.parametrize("said", ["保洁要不要取消呢 约个理发吧", "保洁先别取消 约个理发"])
def test_a_hesitant_cancel_is_still_asked(db, clock, said):
    from tests.conversation._helpers import converse_once

    dialogue = CancelDialogue()
    converse_once(dialogue, db, "web:r19c", said)
    assert "/affirm" not in dialogue.sent


# --- the phone or the address of a booking just made, put right --------------------------


def _just_booked(db, clock):
    from datetime import timedelta

    from assistant.booking.service import book

    starts = (clock.local_now() + timedelta(days=2)).replace(hour=15, minute=0, second=0, microsecond=0)
    booking = book(db, sender_id="web:r19b", service="理发", starts_at=starts, address="6号楼2单元301",
                   phone="13912345678", now=clock.local_now())
    store.save(db, "web:r19b", store.Memory(
        last=[store.Said(f"预约好了！预约号{booking.id}。请记好时间。", [])], last_at=clock.now()))
    return booking


@pytest.mark.parametrize(("said", "phone"), [
    ("哎呀刚才手机号留错了 最后一位是5不是8 13912345675", "13912345675"),
    ("电话说错了，应该是13812345678", "13812345678"),
    ("号码错了 尾号是5679", "13912345679"),
])
def test_the_phone_of_a_booking_just_made_is_put_right(db, clock, said, phone):
    from assistant.booking.service import get_booking
    from tests.conversation._helpers import WordDialogue, converse_once

    booking = _just_booked(db, clock)
    dialogue = WordDialogue({})
    replies = converse_once(dialogue, db, "web:r19b", said)
    assert dialogue.sent == []  # answered here
    assert phone[-4:] in replies[0].text and "时间不变" in replies[0].text
    with db.session() as session:
        assert get_booking(session, booking.id).phone == phone


def test_the_address_of_a_booking_just_made_is_put_right(db, clock):
    from assistant.booking.service import get_booking
    from tests.conversation._helpers import WordDialogue, converse_once

    booking = _just_booked(db, clock)
    converse_once(WordDialogue({}), db, "web:r19b", "地址说错了 是8号楼2单元301 不是6号楼")
    with db.session() as session:
        assert get_booking(session, booking.id).address.startswith("8号楼")


@pytest.mark.parametrize("said", ["改到下午四点吧", "我的电话是13912345678 对吧", "电话对吗？", "谢谢"])
def test_no_contact_put_right_goes_on_as_said(db, clock, said):
    from assistant.booking.service import get_booking
    from tests.conversation._helpers import WordDialogue, converse_once

    booking = _just_booked(db, clock)
    dialogue = WordDialogue({})
    converse_once(dialogue, db, "web:r19b", said)
    assert dialogue.sent  # the dialogue reads it
    with db.session() as session:
        assert get_booking(session, booking.id).phone == "13912345678"


# --- asking whether both were done while the second is still offered -----------------------


@pytest.mark.parametrize("said", ["两件事都记上了吧", "俩都登记了吗", "都报上去了没"])
def test_asking_if_all_is_done_takes_the_offered_report(db, clock, said):
    from assistant import clock as project_clock
    from tests.conversation._helpers import WordDialogue, converse_once

    offered = "单元门口的垃圾箱满了没人清"
    store.save(db, "web:r19d", store.Memory(
        pending=store.Pending(offered, "file_complaint", project_clock.now(), offered=True),
        last=[store.Said(f"另外您还说了“{offered}”，现在也帮您登记吗？", [("好的", "/affirm"), ("不用了", "/deny")])],
        last_at=project_clock.now()))
    dialogue = WordDialogue({})
    replies = converse_once(dialogue, db, "web:r19d", said)
    assert dialogue.sent == [offered]
    assert "还没办" in replies[0].text


def test_asking_about_one_thing_done_is_no_take():
    from assistant.conversation.recap import asks_all_done

    assert not asks_all_done("路灯那个记上了吗")
    assert not asks_all_done("都有啥服务")  # no question of recording


def test_asking_if_all_is_done_leaves_an_offered_booking_offered(db, clock):
    from assistant import clock as project_clock
    from tests.conversation._helpers import WordDialogue, converse_once

    store.save(db, "web:r19e", store.Memory(
        pending=store.Pending("约个保洁", "book_service", project_clock.now(), offered=True)))
    dialogue = WordDialogue({})
    converse_once(dialogue, db, "web:r19e", "俩都登记了吗")
    assert dialogue.sent == [] and store.load(db, "web:r19e").pending is not None
