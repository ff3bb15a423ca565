"""Round 21, fixer A (issue #11, blind17 read): corrections said with another answer, a unit
corrected alone, a phone that answers the ticket and the booking offered with it. Own
wording throughout; the dialogue is a stand-in."""

from __future__ import annotations

from datetime import datetime

import pytest

from assistant.booking.conversation import amended_address, correction_from
from assistant.clock import TZ
from assistant.conversation import store
from assistant.dialogue import Reply

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=TZ)


# --- a time corrected in the same breath as the phone is given ---------------------------


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("噢不对 九点我要去医院拿药 改成下午三点吧 手机号13900002222", "下午三点吧"),
        ("不对不对 上午不行 换下午两点半 电话是13700001234", "下午两点半"),
        ("说错了 不是周三 改周四上午 13600005678", "周四上午"),
    ],
)
def test_a_time_corrected_with_the_phone_is_the_time(said, value):
    found = correction_from(said, now=NOW)
    assert found is not None and found.slot == "booking_time"
    assert found.value == value


@pytest.mark.parametrize(
    "said", ["不对，手机号是13900002222", "电话不对 应该是13700001234", "号码说错了 是13600005678 不是13600005679"]
)
def test_a_phone_corrected_is_still_the_phone(said):
    found = correction_from(said, now=NOW)
    assert found is not None and found.slot == "booking_phone"


# --- a unit corrected alone keeps the room -----------------------------------------------


@pytest.mark.parametrize(
    ("before", "said", "after"),
    [
        ("1503号楼2单元601", "4单元", "1503号楼4单元601"),
        ("77号楼1单元1102", "三单元", "77号楼3单元1102"),
    ],
)
def test_a_unit_corrected_alone_keeps_the_room(before, said, after):
    assert amended_address(before, said).startswith(after)


def test_a_unit_and_room_corrected_replace_both():
    assert amended_address("1503号楼2单元601", "4单元302").startswith("1503号楼4单元302")
    assert "601" not in amended_address("1503号楼2单元601", "4单元302")


# --- a phone at the ticket's question while a booking with its time is offered ------------

CONTACT_ASK = store.Said("已为您登记，工单号 GD202612070031。想知道处理结果的话，留个手机号给我，我记到工单上；"
                         "不留也可以，进度随时问我。", [("不留电话", "/deny")])


def _offered(db, text, service="法律咨询"):
    from assistant import clock

    offer = store.Said(f"另外您说要约个{service}，现在帮您约吗？", [("好的", "/affirm"), ("不用了", "/deny")])
    store.save(db, "web:r21a", store.Memory(
        pending=store.Pending(text, "book_service", clock.now(), offered=True),
        last=[CONTACT_ASK, offer], last_at=clock.now()))


class _Recording:
    def __init__(self):
        self.sent: list[str] = []
        self.loop = None

    async def active_loop(self, sender):
        return self.loop

    async def parse(self, text):
        return {"intent": {"name": "nlu_fallback", "confidence": 0.9}}

    async def deliver_or_degrade(self, sender, text, metadata=None):
        self.sent.append(text)
        if len(self.sent) == 1:
            return [Reply(text="好的，电话已记到工单上。")]
        self.loop = "booking_form"
        return [Reply(text="您要预约…对吗？", buttons=[])]


@pytest.mark.parametrize(
    ("offered", "said"),
    [
        ("顺手帮我约个法律咨询 后天下午两点", "13900002222"),
        ("再约个上门保洁 周五上午九点", "我手机13700001234"),
    ],
)
def test_a_phone_goes_to_the_ticket_and_the_booking_asked_with_its_time(db, clock, offered, said):
    from tests.conversation._helpers import converse_once

    _offered(db, offered)
    dialogue = _Recording()
    replies = converse_once(dialogue, db, "web:r21a", said)
    assert dialogue.sent == [said, f"{offered}，{said}"]
    assert "工单" in replies[0].text  # the ticket's phone said back first
    assert store.load(db, "web:r21a").pending is None


def test_a_phone_with_a_home_address_goes_to_both(db, clock):
    from tests.conversation._helpers import converse_once

    _offered(db, "帮我约个维修 厨房灯坏了", "维修")
    dialogue = _Recording()
    said = "住址是88号楼1单元1201 电话13900002222"
    converse_once(dialogue, db, "web:r21a", said)
    assert dialogue.sent == [said, f"帮我约个维修 厨房灯坏了，{said}"]


@pytest.mark.parametrize("said", ["13900002222", "不留了 匿名吧"])
def test_a_phone_alone_for_a_booking_without_a_time_stays_the_tickets(db, clock, said):
    from tests.conversation._helpers import WordDialogue, converse_once

    _offered(db, "顺便约个体检", "体检")
    dialogue = WordDialogue({})
    converse_once(dialogue, db, "web:r21a", said)
    assert dialogue.sent == [said]
    assert store.load(db, "web:r21a").pending is not None  # the offer is asked again after it


# --- two matters said with 俩 ---------------------------------------------------------------


@pytest.mark.parametrize("said", ["跟你说俩事 3号楼路灯灭了 还有东门垃圾没人收", "有俩问题要反映一下"])
def test_two_matters_said_with_lia_are_two(said):
    from assistant.conversation import split

    assert split.says_two(said)


@pytest.mark.parametrize("said", ["我俩明天一起去", "俩人一起理发行不行"])
def test_lia_of_people_counts_no_matters(said):
    from assistant.conversation import split

    assert not split.says_two(said)


# --- one more of the same, right after a booking --------------------------------------------


@pytest.mark.parametrize("said", ["后天上午再约一个", "同一天晚上再订一场 电话不变", "下礼拜三再来一次"])
def test_one_more_of_the_same_is_a_wish_to_book(said):
    from assistant.booking.conversation import wishes_to_book

    assert wishes_to_book(said)


@pytest.mark.parametrize("said", ["我是不是再约了一个", "再约一个要钱吗", "再约一个的话能便宜点不"])
def test_asking_about_another_is_no_wish(said):
    from assistant.booking.conversation import wishes_to_book

    assert not wishes_to_book(said)


# --- the record ids are the ids' own patterns --------------------------------------------------


def test_record_ids_follow_the_id_patterns():
    from assistant.conversation.choices import RECORD_ID_RE, record_lines

    assert RECORD_ID_RE.findall("YY202612080003 和 GD202612080004") == ["YY202612080003", "GD202612080004"]
    assert RECORD_ID_RE.search("GD2026120800045") is None  # 13 digits: no ticket id
    lines = record_lines("您有2个预约：\n1. 理发（YY202612080003）\n2. 助餐（YY202612080004）")
    assert len(lines) == 2


# --- two matters announced, whatever the classifier makes of the first part -----------------


def test_two_matters_announced_are_both_filed(db, clock):
    from tests.conversation._helpers import WordDialogue, converse_once

    dialogue = WordDialogue({"路灯": "query_booking", "乱停": "file_complaint"})
    converse_once(dialogue, db, "web:r21b", "说俩事 2201号楼东头的路灯坏了 还有小区门口天天有车乱停 堵着路")
    assert len(dialogue.sent) == 2
    assert dialogue.sent[0] == "2201号楼东头的路灯坏了"  # the count is no part of the first report
    assert dialogue.sent[1].startswith("小区门口天天有车乱停")


def test_without_the_count_the_second_waits_for_its_offer(db, clock):
    from tests.conversation._helpers import WordDialogue, converse_once

    dialogue = WordDialogue({"路灯": "query_booking", "乱停": "file_complaint"})
    converse_once(dialogue, db, "web:r21c", "2201号楼东头的路灯坏了 还有小区门口天天有车乱停 堵着路")
    assert len(dialogue.sent) == 1


# --- what the resident has booked, asked in words the classifier may take for help ------------


@pytest.mark.parametrize("said", ["我这会儿都订了些啥", "帮我看看约了哪几个", "总共预约了几样"])
def test_what_was_booked_is_sent_as_the_bookings_question(db, clock, said):
    from tests.conversation._helpers import WordDialogue, converse_once

    dialogue = WordDialogue({})
    converse_once(dialogue, db, "web:r21d", said)
    assert dialogue.sent == ["/query_booking"]


@pytest.mark.parametrize("said", ["约了什么时候来", "再订一个吧", "你都能干些啥", "我约了理发"])
def test_other_words_about_booking_go_as_said(db, clock, said):
    from tests.conversation._helpers import WordDialogue, converse_once

    dialogue = WordDialogue({})
    converse_once(dialogue, db, "web:r21e", said)
    assert dialogue.sent == [said]


# --- a home address said while a home booking with its time waits for its offer -------------


def _waiting(db, text):
    from assistant import clock

    store.save(db, "web:r21f", store.Memory(pending=store.Pending(text, "book_service", clock.now())))


def test_an_address_for_a_waiting_home_booking_goes_with_it(db, clock):
    from tests.conversation._helpers import WordDialogue, converse_once

    _waiting(db, "再帮我约个上门保洁 后天下午两点")
    dialogue = WordDialogue({})
    converse_once(dialogue, db, "web:r21f", "2301号楼2单元502")
    assert dialogue.sent == ["再帮我约个上门保洁 后天下午两点，2301号楼2单元502"]


@pytest.mark.parametrize(("waiting", "said"), [
    ("再帮我约个上门保洁", "2301号楼2单元502"),  # no time said with it: the offer still comes first
    ("再约个心理咨询 后天下午两点", "2301号楼2单元502"),  # not a home visit: no address of its
])
def test_an_address_without_a_home_booking_with_its_time_goes_as_said(db, clock, waiting, said):
    from tests.conversation._helpers import WordDialogue, converse_once

    _waiting(db, waiting)
    dialogue = WordDialogue({})
    converse_once(dialogue, db, "web:r21f", said)
    assert dialogue.sent == [said]
