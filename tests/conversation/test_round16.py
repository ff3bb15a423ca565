"""Round 16 (blind12, tuned): a booking verb said once for two services (约…理发，还有…助餐),
heard as a booking and a question. Sentences are our own, not the blind corpora's."""

from __future__ import annotations

import pytest

from assistant.conversation import split, store
from assistant.conversation.offers import taken_offer
from assistant.dialogue import Reply

from .test_two_requests_more import YES_NO, Dialogue, say

SENDER = "web:more"


@pytest.mark.parametrize(
    ("first", "second", "carried"),
    [
        ("麻烦给我约后天下午两点的保洁", "后天中午的助餐", True),
        ("帮我订周三的体检", "周四上午的理发", True),
        ("帮我约个理发", "助餐", True),
        ("帮我约个理发", "助餐多少钱", False),  # a question about the second service
        ("帮我约个理发", "助餐能送上门吗", False),
        ("帮我约个理发", "明天下午的", False),  # one booking told in two parts
        ("我不想约理发了", "助餐", False),  # no booking asked in the first part
        ("楼道灯坏了", "明天的助餐", False),  # no booking verb to carry
    ],
)
def test_the_booking_verb_carries_to_a_second_service_with_only_its_details(first, second, carried):
    assert split.booking_carried(first, second) is carried


def test_a_second_service_heard_as_a_question_is_offered_as_a_booking(db, clock):
    said = "麻烦给我约后天下午两点的保洁 还有后天中午的助餐"
    first = "麻烦给我约后天下午两点的保洁"
    dialogue = Dialogue(
        # The classifier hears the bare second part as a question about the meal service.
        {"约": "book_service", "助餐": "ask_policy"},
        answers={
            first: Reply(text="您要预约后天下午2点的保洁，对吗？", buttons=YES_NO),
            "对": Reply(text="预约好了！预约号 B2。"),
        },
        opens=(first,),
    )
    say(dialogue, db, said)
    assert dialogue.sent == [first]
    assert store.load(db, SENDER).pending.intent == "book_service"
    replies = say(dialogue, db, "对")
    assert replies[-1].text == "另外您说要约个助餐，现在帮您约吗？"  # 约, never 帮您查
    say(dialogue, db, "助餐的话十一点半吧")
    # The day said in the first message stays with the time said now.
    assert dialogue.sent[-1] == "后天中午的助餐，助餐的话十一点半吧"




OFFERED = "小区西门口天天有人乱倒建筑垃圾 58号楼旁边"


@pytest.mark.parametrize(("said", "sent"), [
    ("能管的话就帮我记下来 手机13712345670", f"{OFFERED}，手机13712345670"),
    ("要是归你们管就登记一下", OFFERED),
    ("可以的话就报上去吧", OFFERED),
    ("帮我登记一下，电话13712345670", f"{OFFERED}，电话13712345670"),
    ("麻烦的话就算了", None),
    ("不用了，谢谢", None),
])
def test_a_yes_on_a_condition_takes_the_offer_with_the_values_said(said, sent):
    assert taken_offer(said, OFFERED, "file_complaint") == sent


@pytest.mark.parametrize(("said", "person"), [
    ("我要跟你们管事的工作人员直接说", True),
    ("想和社区的负责人当面谈谈", True),
    ("让我跟你们领导说话", True),
    ("我跟工作人员说过了 还是没人管", False),  # what was done, no asking
    ("工作人员跟我说下周来修", False),
])
def test_asking_to_speak_with_staff_is_asking_for_a_person(said, person):
    from assistant import form_turns

    assert form_turns.wants_person(said) is person


def test_the_offer_says_the_matter_without_the_words_that_announce_it():
    text = split.offer_text("说个情况 东门外面的井盖松了 踩上去咣当响", "file_complaint")
    assert text == "另外您还说了“东门外面的井盖松了 踩上去咣当响”，现在也帮您登记吗？"


def test_naming_the_offered_report_with_a_building_says_where_it_is():
    offered = "北门外面天天有人烧树叶 烟大得很"
    said = "烧树叶的就在95号楼后头那个北门外面"
    assert taken_offer(said, offered, "file_complaint") == f"{said}，{offered}"
    # Named without a building: the report as offered.
    assert taken_offer("烧树叶那个也报一下", offered, "file_complaint") == offered
