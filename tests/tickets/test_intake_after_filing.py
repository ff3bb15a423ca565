"""What a message right after filing is about, among the resident's own reports
(``assistant.tickets.intake``: the follow-up actions only say what these return)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from assistant.db import Database
from assistant.tickets import intake, service

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # Monday 10:00 Shanghai
ME = "web:intake-after-filing"
BINS = "东门口的垃圾桶满出来了 一直没人清"
SWINGS = "小花园里的秋千链子断了一根"


@pytest.fixture
def two_reports(db: Database) -> tuple[str, str]:
    bins = service.file_ticket(db, description=BINS, sender_id=ME, address="幸福里4号楼", now=NOW)
    swings = service.file_ticket(db, description=SWINGS, sender_id=ME, address="幸福里小花园", now=NOW)
    return bins.ticket.id, swings.ticket.id


# --- 也帮我记上: a matter just filed is said filed, never filed twice ------------------

@pytest.mark.parametrize("text", ["秋千那个也帮我记一下", "小花园秋千的事一起给登记了吧"])
def test_asking_to_file_a_matter_just_filed_says_it_is_filed(db, two_reports, text):
    said = intake.already_filed(db, ME, text, now=NOW + timedelta(minutes=3))
    assert said is not None and two_reports[1] in said and "已经登记上了" in said


def test_the_matter_is_said_in_the_residents_words_masked(db):
    filed = service.file_ticket(db, description="13912340877 这个号码的人天天在楼道堆纸箱", sender_id=ME,
                                address="幸福里6号楼", now=NOW)
    said = intake.already_filed(db, ME, "堆纸箱那个也帮我报上去", now=NOW + timedelta(minutes=1))
    assert said is not None and filed.ticket.id in said and "13912340877" not in said


def test_a_matter_filed_long_ago_is_not_said_filed_again(db, two_reports):
    assert intake.already_filed(db, ME, "秋千那个也帮我记一下", now=NOW + timedelta(hours=2)) is None


@pytest.mark.parametrize("text", [
    "秋千链子断了",  # asks to file nothing
    "/file_complaint",  # a button
    "",
])
def test_no_wish_to_file_is_no_answer(db, two_reports, text):
    assert intake.already_filed(db, ME, text, now=NOW + timedelta(minutes=3)) is None


def test_another_residents_report_is_not_said_filed(db, two_reports):
    assert intake.already_filed(db, "web:someone-else", "秋千那个也帮我记一下", now=NOW) is None


# --- 我报的事咋样了 after two reports: which one? ---------------------------------------

def test_a_question_about_the_reports_as_a_whole_lists_both(db, two_reports):
    listed = intake.which_of_mine_to_ask(db, ME, "我今天报的事都咋样了", now=NOW + timedelta(minutes=5))
    assert listed is not None and all(t in listed for t in two_reports) and "哪一件" in listed


@pytest.mark.parametrize("text", [
    "垃圾桶那个处理了没",  # picks one by its words
    "我的工单进度",  # no whole
    "/check_ticket",
])
def test_a_question_that_picks_one_or_names_no_whole_lists_nothing(db, two_reports, text):
    assert intake.which_of_mine_to_ask(db, ME, text, now=NOW + timedelta(minutes=5)) is None


def test_a_question_with_an_id_lists_nothing(db, two_reports):
    assert intake.which_of_mine_to_ask(db, ME, f"我报的事 {two_reports[0]} 咋样了", now=NOW) is None


def test_one_report_alone_lists_nothing(db):
    service.file_ticket(db, description=SWINGS, sender_id=ME, address="幸福里小花园", now=NOW)
    assert intake.which_of_mine_to_ask(db, ME, "我报的事咋样了", now=NOW + timedelta(minutes=5)) is None


# --- after the list: does the answer pick one? -----------------------------------------

def test_words_that_fit_one_report_pick_it(db, two_reports):
    assert intake.names_one_of_mine(db, ME, "秋千那件", now=NOW)


def test_an_id_picks_one_and_a_button_only_by_its_id(db, two_reports):
    assert intake.names_one_of_mine(db, ME, two_reports[0], now=NOW)
    assert intake.names_one_of_mine(db, ME, f'/check_ticket{{"ticket_id": "{two_reports[0]}"}}', now=NOW)
    assert not intake.names_one_of_mine(db, ME, "/affirm", now=NOW)


def test_words_that_fit_no_report_pick_none(db, two_reports):
    assert not intake.names_one_of_mine(db, ME, "算了不问了", now=NOW)


# --- the form opened on a question about an earlier report ------------------------------

def test_a_reference_to_an_own_report_is_about_it(db, two_reports):
    assert intake.asks_about_earlier(db, ME, "秋千断了那个事有人管了吗", now=NOW)
    assert intake.asks_about_earlier(db, ME, "我的工单", now=NOW)


def test_a_reference_to_nothing_filed_stays_a_new_report(db, two_reports):
    assert not intake.asks_about_earlier(db, "web:newcomer", "秋千断了那个事有人管了吗", now=NOW)


# --- a correction right after filing -----------------------------------------------------

def test_another_side_of_the_building_filed_at(db):
    filed = service.file_ticket(db, description="路灯不亮了", sender_id=ME, address="幸福里9号楼西边", now=NOW)
    assert intake.place_corrected_on(db, filed.ticket.id, "说错了 应该是南边") == "9号楼南边"


def test_a_building_named_replaces_the_place(db):
    filed = service.file_ticket(db, description="路灯不亮了", sender_id=ME, address="幸福里9号楼", now=NOW)
    assert "19号楼" in (intake.place_corrected_on(db, filed.ticket.id, "不是9号 是19号楼") or "")


def test_an_unknown_ticket_still_takes_the_place_said(db):
    assert "21号楼" in (intake.place_corrected_on(db, "GD20261130999", "不对，是21号楼") or "")


def test_a_correction_naming_no_place_is_none(db):
    filed = service.file_ticket(db, description="路灯不亮了", sender_id=ME, address="幸福里9号楼", now=NOW)
    assert intake.place_corrected_on(db, filed.ticket.id, "不对不对 我说错了") is None
