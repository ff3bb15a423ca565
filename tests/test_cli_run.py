"""What `butler run` tells the operator before it starts anything."""

from __future__ import annotations

from datetime import datetime

from assistant.cli import _warn_about_holiday_calendar


def test_run_warns_when_holidays_are_missing_for_this_or_next_year(clock, capsys):
    clock.move_to(datetime(2028, 3, 15, 10, 0))  # chinese-calendar knows neither 2028 nor 2029
    _warn_about_holiday_calendar()
    err = capsys.readouterr().err
    assert "2028、2029" in err and "butler calendar import" in err


def test_run_is_quiet_when_the_package_covers_both_years(clock, capsys):
    clock.move_to(datetime(2025, 3, 15, 10, 0))  # 2025 and 2026 are in the pinned chinese-calendar
    _warn_about_holiday_calendar()
    assert capsys.readouterr().err == ""
