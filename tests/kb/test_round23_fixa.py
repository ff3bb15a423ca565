"""Round 23 (conversation fixer A): an entry of the choices just offered, picked by what it says
(九十岁以上的那个, 腿脚不方便那条) rather than by its title or its number. Own entries, both ways."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from assistant.kb.answer import entry_picked_by_words

_ENTRIES = {
    "a": SimpleNamespace(title="长寿补贴怎么申请？", text="年满90周岁的本市户籍老人每月领取200元，百岁老人每月500元。"),
    "b": SimpleNamespace(title="护理补贴谁能领？", text="经评估生活不能自理、行动不便的老人，每月发放护理补贴300元。"),
    "c": SimpleNamespace(title="助浴服务有补贴吗？", text="70周岁以上独居老人每次助浴补贴10元。"),
}


class _Kb:
    def entry(self, entry_id):
        return _ENTRIES.get(entry_id)


@pytest.mark.parametrize(("said", "entry"), [
    ("九十岁的老人那个", "a"),
    ("独居老人每次补贴的那个", "c"),
    ("生活不能自理给的那条", "b"),
    ("每月三百块那个", "b"),
])
def test_an_offered_entry_is_picked_by_what_it_says(said, entry):
    assert entry_picked_by_words(said, ["a", "b", "c"], kb=_Kb()) == entry


@pytest.mark.parametrize("said", [
    "八十岁的那个",  # an amount no offered entry says
    "补贴那个",  # said by all alike
    "第二个",
    "都不是",
])
def test_words_that_single_out_no_entry_pick_none(said):
    assert entry_picked_by_words(said, ["a", "b", "c"], kb=_Kb()) is None


def test_one_entry_offered_is_no_list_to_pick_from():
    assert entry_picked_by_words("九十岁的那个", ["a"], kb=_Kb()) is None


# --- a follow-up in the answer's own words --------------------------------------------------------

from assistant.kb.followup import follows_answer  # noqa: E402

_ANSWER = ("年满90周岁的本市户籍老人可以领取长寿补贴，每月200元。本人或子女带户口本到街道事务所申请，"
           "按季度打到老人的社保卡上。")


@pytest.mark.parametrize("said", ["户口本要原件不", "街道事务所在哪儿啊", "社保卡上是几号到账"])
def test_a_question_in_the_answers_own_words_follows_it(said):
    assert follows_answer(said, "topic", answer_text=_ANSWER)


@pytest.mark.parametrize("said", [
    "医保断缴了咋补交",  # another thing
    "街道事务所门口的路灯坏了",  # a report, no question
    "户口本要原件不",  # no answer given: nothing to reuse
])
def test_a_question_of_another_thing_or_no_answer_does_not(said):
    answer = None if said == "户口本要原件不" else _ANSWER
    assert not follows_answer(said, "topic", answer_text=answer)


# --- the misunderstanding path hands such a pick to the policy action ------------------------------


def _after_choices(said: str, offered=("a", "b", "c")):
    from rasa_sdk import Tracker

    buttons = [{"title": _ENTRIES[e].title, "payload": '/ask_policy{"policy_entry": "%s"}' % e} for e in offered]
    events = [{"event": "user", "text": "老人有啥补贴"},
              {"event": "bot", "text": "关于补贴，我这里查到这几项：…", "data": {"buttons": buttons}},
              {"event": "user", "text": said}]
    return Tracker("web:r23a-kb", {}, {"text": said, "intent": {"name": "nlu_fallback"}, "entities": []},
                   events, False, None, {}, "action_listen")


@pytest.mark.parametrize(("said", "picks"), [
    ("九十岁的老人那个", True), ("生活不能自理给的那条", True), ("补贴那个", False), ("楼道灯坏了", False),
])
def test_the_fallback_hands_a_pick_by_words_to_the_policy_action(monkeypatch, said, picks):
    import assistant.kb.answer as answer
    from actions.core import picks_offered_entry

    monkeypatch.setattr(answer, "get_knowledge_base", lambda: _Kb())
    assert picks_offered_entry(_after_choices(said), said) is picks


def test_without_choices_just_offered_nothing_is_picked(monkeypatch):
    import assistant.kb.answer as answer
    from actions.core import picks_offered_entry

    monkeypatch.setattr(answer, "get_knowledge_base", lambda: _Kb())
    assert not picks_offered_entry(_after_choices("九十岁的老人那个", offered=()), "九十岁的老人那个")


@pytest.mark.parametrize("said", [
    "户籍老人几点能去申请",  # a question of its own, though it shares words with an entry
    "社保卡办好了",  # nothing points
])
def test_a_new_question_or_words_that_point_nowhere_pick_nothing(said):
    assert entry_picked_by_words(said, ["a", "b", "c"], kb=_Kb()) is None
