"""Round 22's final review, fixed after the measurement (new wordings, both ways).

- MUST 8: the "attacker fled" advice (别去追…马上拨打 110) is not given when the police or the guards
  came or took the one who threatened away.
- MUST 9: a mobile number read out digit by digit is masked in free text like a written one.
"""

from __future__ import annotations

import pytest

from assistant.privacy import mask_text, mobile_in
from assistant.tickets.emergency import _context_details

THREAT = "楼道里有个醉汉拿着酒瓶子砸我家门 还说要弄死我"


@pytest.mark.parametrize("said", [
    "民警已经把他带走了",
    "保安过来把那人按住带走了",
    "派出所的人来过了 他们一块儿走了",
])
def test_the_police_took_him_is_no_flight(said: str) -> None:
    assert "fled" not in [name for name, _ in _context_details(said, THREAT)]


@pytest.mark.parametrize("said", [
    "那人下楼了",
    "他往小区后门跑了",
    "警察还没来 他已经走了",
])
def test_gone_with_no_police_there_is_still_a_flight(said: str) -> None:
    assert "fled" in [name for name, _ in _context_details(said, THREAT)]


@pytest.mark.parametrize(("text", "masked"), [
    ("联系人赵阿姨 幺五九二二三四八八七六", "联系人赵阿姨 幺五九****八八七六"),
    ("电话是一八六 零零二一 三三四五 有事打", "电话是一八六****三三四五 有事打"),
])
def test_a_mobile_read_out_is_masked(text: str, masked: str) -> None:
    assert mobile_in(text) is not None
    assert mask_text(text) == masked


@pytest.mark.parametrize("text", ["一二三四五六七八九零一二三四", "三四号楼之间那条路", "二零二六年一二月"])
def test_other_number_words_are_kept(text: str) -> None:
    assert mask_text(text) == text
