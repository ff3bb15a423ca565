"""Round 23 (conversation fixer B, blind19 read by reason): the booking's answers — the yes of the
south (系咁 / 冇问题 / 得啦) at the read-back; a room said digit by digit after a space, and an
address said digit by digit written in digits for staff; a clock time said with what the resident
is still busy with then is given up; a whole mobile read out after its end was said first (and
masked so in free text). New wording, both ways."""

from __future__ import annotations

from datetime import datetime

import pytest

from assistant.booking import conversation
from assistant.booking.service import address_for_staff, book
from assistant.db import Database
from assistant.privacy import mask_text, mobile_in

NOW = datetime(2026, 12, 8, 8, 0)

# --- the yes of the south at the read-back ------------------------------------------------------


@pytest.mark.parametrize("said", ["系咁样啦", "啱啱 係咁", "冇问题 帮我约", "啱晒", "得啦", "对 系咁"])
def test_a_cantonese_yes_confirms_the_read_back(said: str) -> None:
    assert conversation.confirms(said)


@pytest.mark.parametrize("said", ["系咁?", "唔系咁", "唔得", "系咁 不对", "得闲先", "得 改下时间", "冇问题吗"])
def test_a_cantonese_no_question_or_change_does_not(said: str) -> None:
    assert not conversation.confirms(said)


# --- an address said digit by digit ---------------------------------------------------------------


@pytest.mark.parametrize(("said", "address", "kept"), [
    ("二零五八栋 三单元 七零四", "二零五八栋 三单元 七零四", "2058栋 3单元 704"),
    ("幺二三栋 二单元 幺零幺", "幺二三栋 二单元 幺零幺", "123栋 2单元 101"),
    ("我住二二零七号楼四单元三零二", "二二零七号楼四单元三零二", "2207号楼4单元302"),
])
def test_an_address_said_digit_by_digit_is_kept_whole_in_digits(said: str, address: str, kept: str) -> None:
    assert conversation.address_in(said) == address  # the room after a space is not dropped
    assert address_for_staff(address) == kept  # what the booking keeps: staff dispatch by it


@pytest.mark.parametrize(("said", "address", "kept"), [
    ("十二栋三单元", "十二栋三单元", "十二栋三单元"),  # positional numerals only: as said
    ("幸福小区五栋", "幸福小区五栋", "幸福小区五栋"),
    ("3号楼2单元 139 1234 5678", "3号楼2单元", "3号楼2单元"),  # a phone said in groups is no room
])
def test_other_addresses_keep_their_words(said: str, address: str, kept: str) -> None:
    assert conversation.address_in(said) == address
    assert address_for_staff(address) == kept


def test_the_booking_keeps_the_address_in_digits(db: Database) -> None:
    booking = book(db, sender_id="web:r23b-addr", service="理发", starts_at=datetime(2026, 12, 10, 9),
                   address="二三九三栋 二单元 六零二", phone="13900002393", now=NOW)
    assert booking.address == "2393栋 2单元 602"


# --- a clock time given up with what the resident is busy with -----------------------------------


@pytest.mark.parametrize(("said", "value"), [
    ("不对 是下午四点 三点我正在医院排队", "下午四点"),
    ("不对 改成十一点 十点俺还在菜市场呢", "十一点"),
    ("说错了 是九点半 八点我刚出门呢", "九点半"),
])
def test_the_clock_said_with_what_keeps_the_resident_busy_is_given_up(said: str, value: str) -> None:
    found = conversation.correction_from(said, now=NOW)
    assert found is not None and found.slot == "booking_time" and value in found.value
    assert found.value.count("点") == 1


def test_a_clock_said_alone_after_the_change_stays_the_choice() -> None:
    found = conversation.correction_from("不对 改成下午四点吧 三点也行", now=NOW)
    assert found is not None and found.value.startswith("下午四点")


# --- a whole mobile read out after its end ---------------------------------------------------------


@pytest.mark.parametrize(("said", "phone"), [
    ("尾巴是五五八 幺五九零零二二三五五八", "15900223558"),
    ("幺八六 幺二三四 五六七八", "18612345678"),
    ("前面说错了 应该是 幺三七 幺一二二 三三四四 谢谢", "13711223344"),
])
def test_a_mobile_is_found_among_spoken_groups(said: str, phone: str) -> None:
    assert mobile_in(said) == phone
    assert "****" in mask_text(said)


@pytest.mark.parametrize("said", ["一二三 四五六 七八九", "幺二三四五 六七八九零幺二"])
def test_spoken_groups_with_no_mobile_in_them_are_none(said: str) -> None:
    assert mobile_in(said) is None


def test_a_phone_corrected_with_its_end_then_the_whole_is_the_phone() -> None:
    found = conversation.correction_from("唉说错了 尾号是五五八 幺五九零零二二三五五八", now=NOW)
    assert found == conversation.Correction("booking_phone", "15900223558")


def test_the_spoken_mobile_is_masked_in_free_text() -> None:
    masked = mask_text("尾巴是五五八 幺五九零零二二三五五八")
    assert "幺五九****三五五八" in masked and "零零二二" not in masked
