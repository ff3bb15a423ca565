"""Review 19 (conversation): the reviewer's notes on the conversation layer, one section
each (the note's number in its heading). New wording, not the review's."""

from __future__ import annotations

import pytest

from tests.conversation._helpers import converse_once
from tests.conversation.test_round19_conv import CancelDialogue


# --- #21: a cancel of something else is no yes for a booking ----------------------------------

@pytest.mark.parametrize("said", [
    "之前反映的那个事不用了 取消吧 帮我约个理发",
    "那个工单取消掉 给我订个明天中午的饭",
    "那个不要了 退掉吧 帮我约个理发",  # nothing named: the resident answers the question
])
def test_a_cancel_that_names_no_booking_leaves_the_question_asked(db, clock, said):
    dialogue = CancelDialogue()
    replies = converse_once(dialogue, db, "web:rv19c1", said)
    assert "/affirm" not in dialogue.sent
    assert any("要取消" in r.text for r in replies)


@pytest.mark.parametrize("said", [
    "打扫卫生那个不要了 退掉吧 帮我约个理发",  # the asked booking's service in everyday words
    "约好的那个退掉吧 给我订个明天中午的饭",  # a booking, nothing else named
    "YY202612070001取消 帮我约个理发",  # its id
])
def test_a_cancel_that_names_the_asked_booking_is_its_yes(db, clock, said):
    dialogue = CancelDialogue()
    converse_once(dialogue, db, "web:rv19c2", said)
    assert dialogue.sent[1] == "/affirm"


def test_a_cancel_naming_another_service_is_no_yes_for_the_asked_one():
    from assistant.booking.conversation import cancel_names_asked

    asked = "要取消12月8日（周二）上午10点的上门保洁（预约号YY202612070001）吗？"
    assert not cancel_names_asked("理发不要了 取消吧", asked)
    assert cancel_names_asked("保洁不要了 取消吧", asked)


# --- #24: whose number is asked: the owner before the number word ------------------------------

@pytest.mark.parametrize("text", [
    "请问物业管理处的电话是多少 楼上天天往下滴水",
    "你们居委会的联系方式发我一下 对门那户老是堵门",
    "社区电话给我 隔壁那家狗整夜叫",
])
def test_the_communitys_own_number_with_a_neighbours_problem_goes_on(db, text):
    from tests.conversation._helpers import WordDialogue

    dialogue = WordDialogue({"": "ask_policy"})
    replies = converse_once(dialogue, db, "web:rv19n1", text)
    assert dialogue.sent == [text] and not any("隐私" in r.text for r in replies)


@pytest.mark.parametrize("text", [
    "麻烦你把对门那家的电话给我 他家狗整夜叫",
    "我打了物业电话没人接 楼上那户的电话多少",  # two numbers: the household's is asked too
    "楼下天天装修 能把他手机号给我吗",  # 他: the household the message tells of
])
def test_a_households_number_is_still_private(db, text):
    from tests.conversation._helpers import WordDialogue

    dialogue = WordDialogue({"": "file_complaint"})
    replies = converse_once(dialogue, db, "web:rv19n2", text)
    assert dialogue.sent == [] and "隐私" in replies[0].text


# --- #20: a ticket just filed is known by the service's own words -------------------------------

def test_the_filed_marker_is_the_services_own_words(db, clock):
    from assistant.conversation import reports
    from assistant.tickets import service

    assert reports.TICKET_FILED is service.FILED_OPENING
    filed = service.file_ticket(db, description="3号楼西边垃圾桶满了没人清", sender_id="web:rv19f", address="3号楼")
    assert reports.just_filed(filed.message)
    assert reports.just_filed(service.filed_asking_contact(filed.ticket))


def test_the_tickets_phone_question_marker_is_the_services_own_words(db, clock):
    from assistant.conversation import reports
    from assistant.tickets import service

    assert reports.TICKET_PHONE_ASK is service.CONTACT_ASK_WORDS
    filed = service.file_ticket(db, description="2号楼门口的台阶塌了一块", sender_id="web:rv19g", address="2号楼")
    assert reports.just_filed(service.CONTACT_INVITATION)
    assert reports.TICKET_PHONE_ASK in service.how_to_follow(filed.ticket.id)


# --- #16 (the sibling shortcuts): words the net finds plausibly acute reach the dialogue --------

def test_a_number_asked_with_plausibly_acute_words_reaches_the_dialogue(db, clock):
    from assistant.safety import assess
    from tests.conversation._helpers import WordDialogue

    said = "帮我查下楼下那户的电话 他家一直有股怪味"
    assert assess(said).plausible and not assess(said).emergency
    dialogue = WordDialogue({"": "file_complaint"})
    converse_once(dialogue, db, "web:rv19s1", said)
    assert dialogue.sent == [said]


def test_someone_demanded_with_plausibly_acute_words_reaches_the_dialogue(db, clock):
    from datetime import timedelta

    from assistant.safety import assess
    from assistant.tickets import service
    from tests.conversation._helpers import WordDialogue

    said = "你们倒是派人来看看啊 楼道里一直有股怪味"
    assert assess(said).plausible and not assess(said).emergency
    service.file_ticket(db, description="4号楼楼道里有股怪味", sender_id="web:rv19s2", address="4号楼",
                        now=clock.now() - timedelta(hours=2))
    dialogue = WordDialogue({"": "file_complaint"})
    converse_once(dialogue, db, "web:rv19s2", said)
    assert dialogue.sent == [said]


def test_someone_demanded_of_nothing_acute_is_still_answered_from_the_report(db, clock):
    from datetime import timedelta

    from assistant.tickets import service
    from tests.conversation._helpers import WordDialogue

    service.file_ticket(db, description="4号楼门口的路灯不亮", sender_id="web:rv19s3", address="4号楼",
                        now=clock.now() - timedelta(hours=2))
    dialogue = WordDialogue({"": "file_complaint"})
    converse_once(dialogue, db, "web:rv19s3", "你们倒是再派人来看看啊")
    assert dialogue.sent == []


# --- review19b #B18: the community addressed before the asking is not the number's owner --------

@pytest.mark.parametrize("text", [
    "你们能帮我查查楼下那户的手机号吗",
    "物业可以把对门邻居的微信给我不",
    "社区麻烦告诉我302的电话",
])
def test_a_households_number_asked_of_the_community_is_private(db, text):
    from tests.conversation._helpers import WordDialogue

    dialogue = WordDialogue({"": "ask_policy"})
    replies = converse_once(dialogue, db, "web:rv19n3", text)
    assert dialogue.sent == [] and any("隐私" in r.text for r in replies)


@pytest.mark.parametrize("text", ["你们物业的电话多少", "社区能给我居委会的联系方式吗", "请问你们服务中心电话是多少"])
def test_the_communitys_own_number_asked_of_it_goes_on(db, text):
    from tests.conversation._helpers import WordDialogue

    dialogue = WordDialogue({"": "ask_policy"})
    replies = converse_once(dialogue, db, "web:rv19n4", text)
    assert dialogue.sent == [text] and not any("隐私" in r.text for r in replies)
