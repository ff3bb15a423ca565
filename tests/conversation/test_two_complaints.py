"""Two complaints in one message, and naming an offered second request (issue #11)."""

import pytest

from assistant.conversation.split import candidate_split, names_offer, offer_text, two_problems
from assistant.conversation.offers import taken_offer


@pytest.mark.parametrize(
    "text",
    [
        "3号楼门口有人乱摆摊占道，还有楼下垃圾好几天没人收了",
        "楼道灯坏了一个礼拜，另外电梯也老是不动",
        "小区门口井盖丢了，还有路灯也不亮",
        "电梯坏了，还有电梯里面灯也不亮了",  # 电梯里的灯 is a lamp: two things wrong
    ],
)
def test_two_things_wrong_are_two_complaints(text):
    cut = candidate_split(text)
    assert cut is not None
    assert two_problems(cut.first, cut.second)


@pytest.mark.parametrize(
    "text",
    [
        "楼上漏水，还有异味",  # the second part adds to the first: no thing of its own
        "楼上漏水，还有墙上都发霉了",
        "楼道灯坏了，还有就是一直没人修",
    ],
)
def test_one_problem_told_in_two_parts_stays_one(text):
    cut = candidate_split(text)
    assert cut is not None
    assert not two_problems(cut.first, cut.second)


def test_naming_the_offered_booking_takes_it():
    offered = "想约后天下午四点上门理发"
    assert names_offer("那理发的事呢", offered, "book_service")
    assert taken_offer("那理发的事呢", offered, "book_service") == offered
    assert not names_offer("那保洁呢", offered, "book_service")
    assert taken_offer("不用了", offered, "book_service") is None


def test_naming_the_offered_complaint_takes_it():
    offered = "楼下垃圾也好几天没人收了"
    assert taken_offer("垃圾那件事也记上了没", offered, "file_complaint") == offered
    assert taken_offer("路灯那个呢", offered, "file_complaint") is None


def test_a_second_complaint_is_offered_in_words_that_fit():
    assert (
        offer_text("楼下垃圾好几天没人收了", "file_complaint")
        == "另外您还说了“楼下垃圾好几天没人收了”，现在也帮您登记吗？"
    )


# --- the second complaint offered with the first's phone question (blind7) ----------------------


@pytest.mark.parametrize("said", ["对，那个也报上", "那个也报上", "这个也帮我登记一下", "好"])
def test_that_one_too_takes_the_offered_complaint(said):
    offered = "小区东门健身器材那边晚上音响太吵"
    assert taken_offer(said, offered, "file_complaint") == offered


@pytest.mark.parametrize(
    ("text", "first", "second"),
    [
        (
            "两件事，一个是12号楼电梯老是卡住，一个是12号楼前面晚上跳舞音响太吵",
            "12号楼电梯老是卡住",
            "12号楼前面晚上跳舞音响太吵",
        ),
        ("第一个是路灯不亮，第二个是井盖丢了", "路灯不亮", "井盖丢了"),
    ],
)
def test_counted_out_with_the_same_words_twice(text, first, second):
    from assistant.conversation.split import enumerated_split, two_things

    cut = enumerated_split(text)
    assert (cut.first, cut.second) == (first, second)
    assert two_things(cut.first, cut.second)


@pytest.mark.parametrize("text", ["我反映一个事，一个是楼道灯坏了", "这一个是我家的问题"])
def test_one_thing_counted_is_no_split(text):
    from assistant.conversation.split import enumerated_split

    assert enumerated_split(text) is None


def test_an_offered_booking_names_its_service_and_takes_a_yes_in_dialect():
    assert offer_text("能约个剃头的不", "book_service") == "另外您说要约个理发，现在帮您约吗？"
    assert offer_text("约个维修", "book_service") == "另外您说要约个维修，现在帮您约吗？"
    assert (
        taken_offer("能约就约 明天下午4点", "能约个剃头的不", "book_service") == "能约个剃头的不，明天下午4点"
    )
    assert taken_offer("那就约吧", "能约个剃头的不", "book_service") == "能约个剃头的不"
