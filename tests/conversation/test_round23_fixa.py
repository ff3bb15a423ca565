"""Round 23 (conversation fixer A): nothing said with something else is swallowed, and what a
question is about is chosen in its words. One reading of "is there another request here?"
(``split.request_among``) for a check-in and an errand; 不X了 is over only when X is the trouble;
naming back what a yes/no question asks about is its yes. New wordings, both ways."""

from __future__ import annotations

import pytest

from assistant.care.besides import request_besides_checkin
from assistant.conversation.choices import Picked, options_from_reply, resolve_choice
from assistant.conversation.split import request_among, spoken_clauses

# --- another request among clauses -------------------------------------------------------------


@pytest.mark.parametrize(("clauses", "intent", "words"), [
    (["另外地库的卷帘门坏了 升不上去"], "file_complaint", "地库的卷帘门坏了 升不上去"),
    (["还有", "车棚顶上那盏灯不亮了"], "file_complaint", "车棚顶上那盏灯不亮了"),
    (["顺便", "给我约个后天下午的理发"], "book_service", "给我约个后天下午的理发"),
    (["我家厨房的暖气片不热了"], "file_complaint", "我家厨房的暖气片不热了"),
])
def test_a_request_among_clauses_is_found_with_its_words(clauses, intent, words) -> None:
    found = request_among(clauses)
    assert found is not None and found.intent == intent and found.words == words


@pytest.mark.parametrize("clauses", [
    ["我手机屏幕坏了"],  # the resident's own thing, nothing of the estate's
    ["我不会弄", "家里没人帮忙"],
    ["缴费单在抽屉里"],
    [],
])
def test_no_request_among_clauses(clauses) -> None:
    assert request_among(clauses) is None


def test_a_passed_over_clause_is_skipped_for_the_next() -> None:
    found = request_among(["胃有点胀", "另外楼下水管漏水了"], passed_over=lambda c: "胃" in c)
    assert found is not None and found.words == "楼下水管漏水了"


def test_spoken_clauses_split_at_pauses_and_stops() -> None:
    assert spoken_clauses("报平安，我很好 就是…门禁坏了") == ["报平安", "我很好", "就是", "门禁坏了"]


# --- a check-in with a trouble told as over, or not ---------------------------------------------


@pytest.mark.parametrize(("said", "words"), [
    ("报平安 我都挺好 就是走廊的灯现在都不亮了", "走廊的灯现在都不亮了"),
    ("我很好 不过家里暖气片已经不热了", "家里暖气片已经不热了"),
    ("平安 就是厨房水龙头现在不出水了", "厨房水龙头现在不出水了"),
    ("挺好的 就是楼下门铃现在不响了", "楼下门铃现在不响了"),
])
def test_a_things_work_stopped_is_the_fault_not_the_trouble_over(said: str, words: str) -> None:
    besides = request_besides_checkin(said)
    assert besides is not None and besides.intent == "file_complaint" and besides.words == words


@pytest.mark.parametrize("said", [
    "报个平安 卫生间前天渗水 现在不渗了",
    "我挺好 隔壁装修吵了两天 已经不吵了",
    "平安 暖气管子夜里咕咚咕咚响 现在不响了",  # the trouble said, then that it stopped
    "今天不错 电梯昨天卡了一下 现在都好了",
])
def test_a_trouble_told_as_over_carries_nothing(said: str) -> None:
    assert request_besides_checkin(said) is None


# --- naming back what a yes/no question is about ------------------------------------------------

_CANCEL_MEAL = options_from_reply(
    "要取消12月10日（周四）下午5点的助餐（预约号YY202612090003）吗？", [("对", "/affirm"), ("不对", "/deny")]
)
_BOOK_HAIRCUT = options_from_reply(
    "您要预约12月10日（周四）上午10点的上门理发，地址8号楼1单元302，联系电话139****2211，费用10元，对吗？",
    [("对", "/affirm"), ("不对", "/deny")],
)


@pytest.mark.parametrize(("said", "options"), [
    ("对对 就是饭堂那个", _CANCEL_MEAL),
    ("老年食堂那个 删掉吧", _CANCEL_MEAL),
    ("是的 助餐", _CANCEL_MEAL),
    ("就剃头那个", _BOOK_HAIRCUT),
])
def test_naming_back_the_one_asked_about_is_the_yes(said: str, options) -> None:
    picked = resolve_choice(said, options)
    assert isinstance(picked, Picked) and picked.option.payload == "/affirm"


@pytest.mark.parametrize(("said", "options"), [
    ("不是吃饭那个", _CANCEL_MEAL),
    ("剪头的那个", _CANCEL_MEAL),  # another service: not the one asked about
    ("饭堂那个留着吧", _CANCEL_MEAL),
    ("吃饭那个还是先别退", _CANCEL_MEAL),
    ("是助餐那个吗", _CANCEL_MEAL),
    ("理发 改到下午", _BOOK_HAIRCUT),
])
def test_naming_with_anything_else_is_no_yes(said: str, options) -> None:
    picked = resolve_choice(said, options)
    assert not (isinstance(picked, Picked) and picked.option.payload == "/affirm")


def test_a_question_naming_two_services_asks_about_none() -> None:
    options = options_from_reply("理发和助餐都要取消吗？", [("对", "/affirm"), ("不对", "/deny")])
    assert all(not o.asks_about for o in options)


def test_what_a_question_asks_about_is_remembered() -> None:
    from assistant.conversation.choices import Option

    yes = next(o for o in _CANCEL_MEAL if o.payload == "/affirm")
    assert Option.from_dict(yes.to_dict()).asks_about == "助餐"


# --- an errand said with a report or a booking: nothing swallowed ---------------------------------

from assistant.conversation.errands import errand_in, errand_said, request_besides_errand  # noqa: E402
from tests.conversation._helpers import WordDialogue, converse_once  # noqa: E402


@pytest.mark.parametrize(("said", "rest"), [
    ("你帮我把这个季度的暖气费交一下 还有2号楼车库门口的灯坏了", "2号楼车库门口的灯坏了"),
    ("地下车库进口积水老深了 你顺便帮我叫个出租车", "地下车库进口积水老深了"),
    ("帮我把燃气费充一下 顺便约个后天上午的保洁", "约个后天上午的保洁"),
    ("昨天5号楼电梯又坏了 另外帮我把水费交一下", "昨天5号楼电梯又坏了"),  # 昨天 is the report's
])
def test_the_request_said_with_an_errand_goes_on_after_the_cant(db, said: str, rest: str) -> None:
    dialogue = WordDialogue({})
    replies = converse_once(dialogue, db, "web:r23a-errand", said)
    assert "没法" in replies[0].text and dialogue.sent == [rest]
    assert replies[-1].text == WordDialogue.answer


@pytest.mark.parametrize("said", [
    "帮我交下电费 我腿脚不好出不了门",
    "你给我叫辆车 我手机坏了叫不了",
    "麻烦你们每天早上给我来个电话 我一个人住",
])
def test_an_errand_with_nothing_else_asked_is_the_cant_alone(db, said: str) -> None:
    dialogue = WordDialogue({})
    replies = converse_once(dialogue, db, "web:r23a-errand-alone", said)
    assert len(replies) == 1 and "没法" in replies[0].text and dialogue.sent == []


def test_the_errand_and_its_request_are_found_apart() -> None:
    said = "顺便帮我把宽带费续一下 另外我家楼下路灯一直不亮"
    errand = errand_in(said)
    assert errand is not None and "宽带费" in said[errand.start:errand.end]
    besides = request_besides_errand(said, errand)
    assert besides is not None and besides.intent == "file_complaint" and besides.words == "我家楼下路灯一直不亮"


def test_an_errand_told_in_its_own_clause_as_done_asks_nothing() -> None:
    assert errand_said("上回你们帮我叫的车挺准时") is None
    assert errand_said("楼道灯昨天坏了 你帮我叫个车") is not None


# --- whether the person told of may have the service offered --------------------------------------

from assistant import clock as _clock  # noqa: E402
from assistant.conversation import store  # noqa: E402
from assistant.conversation.choices import Option  # noqa: E402

_BATH = '/book_service{"service_type": "助浴"}'


def _offered_bath(db, sender):
    store.save(db, sender, store.Memory(
        options=[Option("约助浴", _BATH, ["约助浴"]), Option("不用了", "/deny", ["不用了"])],
        shown_at=_clock.now(),
        last=[store.Said("助浴：护理员上门帮助洗澡，面向70岁以上或行动不便的居民。要帮您约助浴吗？",
                         [("约助浴", _BATH), ("不用了", "/deny")])],
        last_at=_clock.now(),
    ))


@pytest.mark.parametrize("said", ["我家老头子八十四了 洗澡站不稳 他能约不", "俺姥姥九十了 够条件吗"])
def test_asking_whether_the_person_may_have_it_takes_the_offer_with_the_words(db, said):
    _offered_bath(db, "web:r23a-bath")
    dialogue = WordDialogue({})
    converse_once(dialogue, db, "web:r23a-bath", said)
    assert dialogue.sent == [_BATH, said]  # the form starts; its age question takes the words


@pytest.mark.parametrize("said", ["她能约不", "我老伴八十了 助浴多少钱", "不用了 她八十了洗不动"])
def test_no_person_told_or_another_question_leaves_the_offer(db, said):
    _offered_bath(db, "web:r23a-bath2")
    dialogue = WordDialogue({})
    converse_once(dialogue, db, "web:r23a-bath2", said)
    assert _BATH not in dialogue.sent
