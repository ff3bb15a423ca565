"""Round 23 (conversation fixer B, blind19 read by reason): words in a form — a service let go in
its own verb (不洗了 / 那先不修了) leaves the form; a person asked for in plain words (跟人说话 / 活人
/ 找人 alone) is a hand-off in every state (``form_turns.wants_person``: forms, the gateway's
rewrite, degraded mode). New wording, both ways."""

from __future__ import annotations

import pytest

from assistant import form_turns

# --- a service let go in its own verb -------------------------------------------------------------------


@pytest.mark.parametrize("said", ["不洗了不洗了 我跟你说另一个事", "那先不修了", "算了不扫了", "我不检查了 腿疼"])
def test_a_service_let_go_in_its_own_verb_leaves_the_form(said: str) -> None:
    assert form_turns.is_stop(said)
    assert form_turns.classify("inform", said, answers=True) == "stop"


@pytest.mark.parametrize("said", ["物业说不修了", "师傅说明天不来了", "不修了吗", "楼下理发店不剪了 关门了"])
def test_others_letting_go_or_a_question_is_no_leaving(said: str) -> None:
    assert not form_turns.is_stop(said)


# --- a person asked for in plain words ---------------------------------------------------------------------


@pytest.mark.parametrize("said", ["我想直接同活人聊几句", "这机器听不懂 请让我和真人通话", "到底有没有真人在 电脑我弄不来", "我要同人讲 不跟机器讲"])
def test_a_person_asked_for_in_plain_words(said: str) -> None:
    assert form_turns.wants_person(said)


@pytest.mark.parametrize("said", ["我跟人说过了 没用", "跟人吵了一架", "这个活有没有人工费", "他们家活人都不见一个"])
def test_talk_of_people_that_asks_for_none(said: str) -> None:
    assert not form_turns.wants_person(said)


@pytest.mark.parametrize("said", ["俺要找人", "帮我找一个人过来吧", "快来个人吧"])
def test_a_person_and_nothing_else_is_one_word_away(said: str) -> None:
    assert form_turns.wants_person(said)


@pytest.mark.parametrize("said", ["找人来修一下水管", "叫个人来把垃圾拉走", "卫生间漏水了 来个人看看", "我自己找人问问"])
def test_someone_sent_for_a_job_or_asked_by_the_resident_is_no_hand_off(said: str) -> None:
    assert not form_turns.wants_person(said)


def test_a_person_in_plain_words_is_staff_asked_for() -> None:
    assert form_turns.wants_person("门口水管爆了 我想跟个活人说", staff_only=True)
    assert not form_turns.wants_person("帮我找一个人过来吧", staff_only=True)


# --- review 23 MUST 14: a let-go with a new time or day after it moves the service, it does not leave ----------


@pytest.mark.parametrize("said", ["先不洗了 后天下午两点来吧", "不剪了 挪到礼拜五上午", "不修了 换个日子再说", "那先不扫了 下周一再扫吧"])
def test_a_let_go_then_another_time_is_a_move_not_leaving(said: str) -> None:
    assert not form_turns.is_stop(said)
    assert form_turns.classify("inform", said, answers=True) == "answer"


@pytest.mark.parametrize("said", ["先不洗了 太折腾", "俺不修了 凑合用吧"])
def test_a_let_go_with_no_time_after_it_still_leaves(said: str) -> None:
    assert form_turns.is_stop(said)
    assert form_turns.classify("inform", said, answers=True) == "stop"
