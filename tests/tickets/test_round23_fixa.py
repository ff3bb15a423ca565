"""Round 23 (conversation fixer A, blind19 and dev read by reason): a notice that never came is part of
the report (也没贴通知), no question about a notice; a noise said at a place is a report whatever makes
it (排风机一直嗡嗡响). New wordings, both ways."""

from __future__ import annotations

import pytest

from assistant.tickets.intake import reads_as_complaint

# --- a notice that never came -------------------------------------------------------------------


@pytest.mark.parametrize("said", [
    "2036栋下午突然停电了 事先也没发个通知", "我们5单元今天停气了 物业都不通知一声",
])
def test_a_notice_that_never_came_is_part_of_the_report(said: str) -> None:
    assert reads_as_complaint(said)


@pytest.mark.parametrize("said", [
    "2036栋停电的通知啥时候贴出来", "明天7号楼停水 有没有通知", "我看到通知了 周五4栋停水",
])
def test_a_question_about_a_notice_stays_a_question(said: str) -> None:
    assert not reads_as_complaint(said)


@pytest.mark.parametrize("said", [
    "203栋底商那台冷柜压缩机整晚嗡嗡地响", "我家楼下那个换气扇轰隆隆的一夜没停",
])
def test_a_noise_at_a_place_is_a_report_whatever_makes_it(said: str) -> None:
    assert reads_as_complaint(said)


@pytest.mark.parametrize("said", [
    "5栋那边有人弹钢琴", "203栋底商几点开门", "我家楼下新开了个面馆",
])
def test_a_place_with_no_noise_or_fault_is_no_report(said: str) -> None:
    assert not reads_as_complaint(said)
