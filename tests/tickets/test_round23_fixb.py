"""Round 23 (conversation fixer B, blind19 read by reason): tickets — 黑灯瞎火 (pitch dark) is no
fire; a rating changed to a word of satisfaction (改成不满意 / 换成一般); running and jumping upstairs
is the noise of footsteps. New wording, both ways."""

from __future__ import annotations

from datetime import timedelta

import pytest

from assistant.db import Database
from assistant.tickets import feedback, service
from assistant.tickets.classify import classify_category
from assistant.tickets.duplicates import read_problem, same_problem
from assistant.tickets.intake import reads_as_complaint
from assistant.tickets.lifecycle import utcnow

# --- 黑灯瞎火 is no fire ------------------------------------------------------------------------------


@pytest.mark.parametrize("said", ["单元里的声控灯全坏了 黑灯瞎火的 老人下楼摸黑", "楼梯间灯泡憋了 晚上黑灯瞎火"])
def test_pitch_dark_is_a_lamp_out_not_fire_safety(said: str) -> None:
    assert classify_category(said).category != "消防安全"


@pytest.mark.parametrize("said", ["楼道里电动车在充电 冒火星了", "地下室堆的纸箱子着火了 有烟"])
def test_real_fire_words_stay_fire_safety(said: str) -> None:
    assert classify_category(said).category == "消防安全"


# --- a rating changed to a word of satisfaction -------------------------------------------------------


@pytest.mark.parametrize(("said", "score"), [
    ("改成不满意吧 修完第二天又坏了", 1), ("我想换成一般 师傅来得太晚", 3), ("调成非常满意 人家冒雨来的", 5),
])
def test_a_rating_changed_in_words_of_satisfaction(said: str, score: int) -> None:
    assert feedback.changed_score(said) == score


@pytest.mark.parametrize("said", ["还是不行 又灭了", "我改天再评", "换个师傅来看看", "满意"])
def test_no_change_word_before_a_score_changes_nothing(said: str) -> None:
    assert feedback.changed_score(said) is None


def _rated(db: Database, sender: str, score: int) -> str:
    filed = service.file_ticket(db, description="2391号楼北门的路灯忽明忽暗", sender_id=sender, address="2391号楼",
                                now=utcnow() - timedelta(days=3))
    for action in ("派单", "开始处置", "办结"):
        service.transition_ticket(db, filed.ticket.id, action, actor="staff:t", note="已换灯头",
                                  now=utcnow() - timedelta(days=1))
    feedback.rate_ticket(db, sender_id=sender, ticket_id=filed.ticket.id, score=score)
    return filed.ticket.id


def test_the_rating_just_given_is_changed_to_the_word_said(db: Database) -> None:
    ticket_id = _rated(db, "web:r23b1", 5)
    told = feedback.reason_after_rating(db, "web:r23b1", "哎 改成基本满意 晚上灯头还是偶尔暗一下")
    assert told is not None and "基本满意" in told
    with db.session() as s:
        from assistant.tickets.models import Ticket

        ratings = s.get(Ticket, ticket_id).ratings
        assert ratings[-1].score == 3 and ratings[-1].reason


def test_the_same_word_said_again_is_only_a_reason(db: Database) -> None:
    ticket_id = _rated(db, "web:r23b2", 3)
    feedback.reason_after_rating(db, "web:r23b2", "改成基本满意 修是修好了 就是走的时候地没拖")
    with db.session() as s:
        from assistant.tickets.models import Ticket

        assert [r.score for r in s.get(Ticket, ticket_id).ratings] == [3]


# --- running upstairs is a noise -----------------------------------------------------------------------------


@pytest.mark.parametrize("said", ["楼上的娃每天夜里蹦来蹦去", "楼上住户十一点了还在来回跑", "楼上那家小孩跑跑跳跳到半夜"])
def test_running_and_jumping_upstairs_is_a_noise_report(said: str) -> None:
    problem = read_problem(said)
    assert "楼上走动" in problem.objects and "吵" in problem.faults
    assert reads_as_complaint(said)


@pytest.mark.parametrize("said", ["小区广场上小孩跑来跑去", "孩子在操场蹦蹦跳跳的"])
def test_running_outdoors_is_no_noise_of_upstairs(said: str) -> None:
    assert "楼上走动" not in read_problem(said).objects


def test_running_upstairs_is_the_same_noise_as_footsteps() -> None:
    assert same_problem("2392号楼楼上小孩夜里跑来跑去", "2392号楼楼上拖椅子跺脚")


# --- review 23 MUST 11: 上火 after a place is a fire on it, after a body or a feeling a temper -------------------


@pytest.mark.parametrize("said", ["露台顶上火苗蹿得老高", "车棚顶上火舌往外蹿", "天台上火光冲天"])
def test_a_fire_on_a_place_stays_fire_safety(said: str) -> None:
    assert classify_category(said).category == "消防安全"


@pytest.mark.parametrize("said", ["三楼又上火了 烟往上冒", "车库都上火了 快叫人"])
def test_a_place_on_fire_again_after_a_bare_adverb_stays_fire_safety(said: str) -> None:
    # final review 23 SHOULD 5: 又 / 都 before 上火 are no body or feeling
    assert classify_category(said).category == "消防安全"


@pytest.mark.parametrize("said", ["物业天天不修电梯 我急得上火", "楼下广场舞吵得我心里上火"])
def test_a_temper_said_as_shanghuo_is_no_fire(said: str) -> None:
    assert classify_category(said).category != "消防安全"


# --- a home fault in Shanghai speech (坏脱了 at 屋里厢) is a report, also when heard as a progress question -----


@pytest.mark.parametrize("said", ["屋里向抽水马桶个水箱断脱了 侬喊个师傅上门", "灶披间个水管爆脱了 师傅啥辰光好来",
                                  "卫生间灯泡闷脱了 侬寻个人来调一调"])
def test_a_home_fault_said_in_shanghai_speech_reads_as_a_report(said: str) -> None:
    assert reads_as_complaint(said)


@pytest.mark.parametrize("said", ["屋里厢空调弄好了伐", "伊拉屋里厢昨日脱了一双鞋子在门口"])
def test_asking_after_a_repair_or_taking_off_shoes_is_no_report(said: str) -> None:
    assert not reads_as_complaint(said)
