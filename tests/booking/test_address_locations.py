"""Booking reads addresses through the one location parser (assistant/location.py):
an address said in Chinese numerals or with a 3-digit building is an address, and a
text holding one is not read as a time."""

from __future__ import annotations

from datetime import datetime

import pytest

from assistant.booking.conversation import address_in, has_address_shape, value_slot
from assistant.booking.timeparse import extract_time

NOW = datetime(2026, 11, 29, 10, 0)  # naive local wall-clock, as bookings keep times


@pytest.mark.parametrize("text", ["五栋二单元三零二", "203号楼1单元502", "3-2-302", "幸福路8号", "幸福小区", "12楼"])
def test_address_shapes(text):
    assert has_address_shape(text)


@pytest.mark.parametrize("text", ["明天下午三点", "理发", "13912345678", "12月3号", "我要预约"])
def test_not_addresses(text):
    assert not has_address_shape(text)


def test_an_address_in_chinese_numerals_is_an_address_not_a_time():
    assert value_slot("十二号楼二单元五零一", now=NOW) == ("booking_address", "十二号楼二单元五零一")
    assert extract_time("203号楼2单元", NOW) is None


def test_address_said_with_other_things():
    assert address_in("我住十二号楼二单元五零一，想约明天理发") == "十二号楼二单元五零一"
