"""Review 15's notes on the conversation layer and booking, fixed by reason. Own sentences
(never a bench line), both ways; every clock is injected."""

from __future__ import annotations

from datetime import datetime

import pytest

from assistant.booking.timeparse import TZ, parse_time

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=TZ)  # a Monday morning


# --- note 12: 中午 moves only the morning hour said right after it ------------------------------

@pytest.mark.parametrize(("said", "hour"), [
    ("明天中午不行，下午6点吧", 18),
    ("中午我要睡觉，下午五点来", 17),
    ("明天下午6点，别中午", 18),
    ("后天中午吃完饭，下午7点", 19),
    ("中午有事，晚上七点行不", 19),
])
def test_an_evening_hour_said_beside_noon_stays_in_the_evening(said, hour):
    parsed = parse_time(said, NOW)
    assert parsed is not None and parsed.start.hour == hour


@pytest.mark.parametrize(("said", "hour", "minute"), [
    ("明天中午10点", 10, 0),
    ("明天中午十一点", 11, 0),
    ("后天中午十点半", 10, 30),
    ("明天中午12点", 12, 0),
    ("明天中午1点", 13, 0),
])
def test_a_hour_said_right_after_noon_is_around_noon(said, hour, minute):
    parsed = parse_time(said, NOW)
    assert parsed is not None and (parsed.start.hour, parsed.start.minute) == (hour, minute)


@pytest.mark.parametrize("said", ["明天中午10点半到11点", "明天中午十点到十一点"])
def test_a_late_morning_range_after_noon_ends_after_it_starts_on_the_same_day(said):
    parsed = parse_time(said, NOW)
    assert parsed is not None
    assert parsed.start.hour == 10 and parsed.end.hour == 11
    assert parsed.start.date() == parsed.end.date() and parsed.end > parsed.start
