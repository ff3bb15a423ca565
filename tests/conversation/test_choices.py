"""Choosing from the butler's last list by number or by name (issue #11 item 3)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.conversation.choices import (
    OutOfRange,
    Picked,
    options_from_reply,
    out_of_range_text,
    resolve_choice,
)

HELP_TEXT = (
    "我能帮您做这些事：\n1. 政策咨询：养老金、医保、居住证、高龄津贴等\n2. 预约服务：上门理发、助餐、保洁、维修、体检、陪诊等\n"
    "3. 反映问题、报修\n4. 查询进度：预约和工单\n5. 转人工：说“找工作人员”就行\n您直接说要办的事就可以。"
)
HELP_BUTTONS = [
    ("政策咨询", "/ask_policy"),
    ("预约服务", "/book_service"),
    ("反映问题", "/file_complaint"),
    ("转人工", "/request_human"),
]
SERVICE_BUTTONS = [
    ("上门理发", '/book_service{"service_type": "理发"}'),
    ("助餐", '/book_service{"service_type": "助餐"}'),
    ("保洁", '/book_service{"service_type": "保洁"}'),
    ("维修", '/book_service{"service_type": "维修"}'),
    ("体检", '/book_service{"service_type": "体检"}'),
    ("更多服务", "/help"),
]
POLICY_TEXT = (
    "我不太确定您问的是哪一条。您是想问：\n1. 居住证怎么办理？\n2. 居住证到期了怎么签注？\n点一下就行。"
)
POLICY_BUTTONS = [
    ("居住证怎么办理？", '/ask_policy{"policy_entry": "hj-001"}'),
    ("居住证到期了怎么签注？", '/ask_policy{"policy_entry": "hj-002"}'),
    ("把问题留给工作人员", "/affirm"),
    ("转人工", "/request_human"),
]

HELP = options_from_reply(HELP_TEXT, HELP_BUTTONS)
SERVICES = options_from_reply("您想约哪项服务？", SERVICE_BUTTONS)
POLICY = options_from_reply(POLICY_TEXT, POLICY_BUTTONS)


def picked(text, options):
    result = resolve_choice(text, options)
    assert isinstance(result, Picked), (text, result)
    return result.option.message()


@pytest.mark.parametrize(
    "text",
    [
        "一",
        "1",
        "1.",
        "1、",
        "第一个",
        "第一个吧",
        "第1个",
        "选一",
        "那就第一个吧",
        "我选1",
        "嗯…那就第一个吧",
        "嗯，第一个",
        "呃 第一个吧",
    ],
)
def test_the_first_of_the_services(text):
    assert picked(text, SERVICES) == SERVICE_BUTTONS[0][1]


@pytest.mark.parametrize(
    "text, index",
    [("最后一个", 5), ("倒数第二个", 4), ("第五个", 4), ("三", 2), ("第2个吧", 1), ("最后那个", 5)],
)
def test_ordinals_count_the_buttons(text, index):
    assert picked(text, SERVICES) == SERVICE_BUTTONS[index][1]


@pytest.mark.parametrize(
    "text, payload",
    [
        ("理发", SERVICE_BUTTONS[0][1]),
        ("上门理发", SERVICE_BUTTONS[0][1]),
        ("要那个助餐的", SERVICE_BUTTONS[1][1]),
        ("保洁吧", SERVICE_BUTTONS[2][1]),
        ("体检。", SERVICE_BUTTONS[4][1]),
    ],
)
def test_an_item_chosen_by_its_words(text, payload):
    assert picked(text, SERVICES) == payload


def test_the_help_menu_numbers_five_items_with_four_buttons():
    assert [o.title for o in HELP] == ["政策咨询", "预约服务", "反映问题、报修", "查询进度", "转人工"]
    assert picked("1", HELP) == "/ask_policy"
    assert picked("第三个", HELP) == "/file_complaint"
    assert picked("4", HELP) == "查询进度"  # no button: its words go to the dialogue
    assert picked("第五个", HELP) == "/request_human" and picked("最后一个", HELP) == "/request_human"


def test_policy_choices_are_counted_on_the_numbered_lines_not_the_extra_buttons():
    assert picked("第二个", POLICY) == POLICY_BUTTONS[1][1]
    assert picked("最后一个", POLICY) == POLICY_BUTTONS[1][1]
    assert picked("转人工", POLICY) == "/request_human"  # the extra buttons by name


@pytest.mark.parametrize("text", ["第五个", "第七个吧", "倒数第四个"])
def test_an_explicit_ordinal_past_the_end_gets_the_choices_named(text):
    result = resolve_choice(text, options_from_reply("您想约哪项服务？", SERVICE_BUTTONS[:3]))
    assert isinstance(result, OutOfRange)
    answer = out_of_range_text(result)
    assert "只有3个" in answer and "上门理发" in answer and "保洁" in answer


@pytest.mark.parametrize(
    "text",
    [
        "13800138000",
        "3号楼",
        "3号楼2单元501",
        "明天下午3点",
        "78岁",
        "3号",
        "下午三点",
        "我要投诉维修师傅",
        "理发多少钱",
        "不约了",
        "好",
        "5",
        "八十",
        "一个",
    ],
)
def test_answers_are_not_choices(text):
    assert resolve_choice(text, options_from_reply("您想约哪项服务？", SERVICE_BUTTONS[:3])) is None


def test_no_list_no_choice():
    assert resolve_choice("第一个", []) is None


def test_two_items_equally_named_are_no_choice():
    options = options_from_reply("哪一天？", [("明天上午", "/a"), ("明天下午", "/b")])
    assert resolve_choice("明天", options) is None
    assert picked("明天下午", options) == "/b"


phones = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
addresses = st.builds(
    lambda b, u, r, style: style.format(b=b, u=u, r=r),
    st.integers(1, 300),
    st.integers(1, 9),
    st.integers(101, 2802),
    st.sampled_from(
        ["{b}号楼{u}单元{r}", "{b}号楼", "{b}栋{r}", "{b}幢{u}单元", "{b}号楼{r}室", "幸福里{b}号"]
    ),
)
times = st.builds(
    lambda d, h, p: f"{d}{p}{h}点",
    st.sampled_from(["明天", "后天", "今天", "周三"]),
    st.integers(1, 12),
    st.sampled_from(["上午", "下午", "晚上", ""]),
)
ages = st.builds(lambda n, u: f"{n}{u}", st.integers(50, 110), st.sampled_from(["岁", "周岁", "了"]))


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(phones, addresses, times, ages))
def test_a_phone_an_address_a_time_or_an_age_never_becomes_a_choice(text):
    for options in (HELP, SERVICES, POLICY):
        assert resolve_choice(text, options) is None


def test_free_slot_buttons_by_number_but_not_by_a_stray_number():
    slots = options_from_reply(
        "最近可以约的时间有：…",
        [
            ("12月7日（周一）10:00", '/inform{"time": "2026-12-07T10:00"}'),
            ("12月7日（周一）14:00", '/inform{"time": "2026-12-07T14:00"}'),
        ],
    )
    assert picked("第二个", slots) == '/inform{"time": "2026-12-07T14:00"}'
    for text in ("10", "2026", "07", "14点", "3号楼2单元"):
        assert resolve_choice(text, slots) is None, text


def test_no_and_other_words_at_yes_no_buttons_are_left_to_the_dialogue():
    yes_no = options_from_reply("对吗？", [("对", "/affirm"), ("不对", "/deny")])
    for text in ("不对", "对，地址改一下", "对了，我还想问个事", "是吗", "谢谢", "对不起", "13912345678"):
        assert resolve_choice(text, yes_no) is None, text
    phone = options_from_reply("方便留个手机号吗？", [("匿名反映", "/deny")])
    assert resolve_choice("匿名", phone) is None


@pytest.mark.parametrize(
    "text",
    [
        "对",
        "对的",
        "中中中，对着哩",
        "系呀，冇错",
        "嗯呐 对",
        "对的对的",
        "要得",
        "好的，谢谢",
        "嗯…对",
        "没毛病",
        "对头",
    ],
)
def test_a_plain_yes_in_words_or_dialect_picks_the_yes_button(text):
    yes_no = options_from_reply("您要预约…对吗？", [("对", "/affirm"), ("不对", "/deny")])
    assert picked(text, yes_no) == "/affirm"


def test_a_yes_picks_only_a_button_that_is_itself_a_yes():
    # 还继续吗？ [继续 | 不用了] and 把问题留给工作人员: the dialogue reads the words.
    resume = options_from_reply("刚才的理发预约还继续吗？", [("继续", "/affirm"), ("不用了", "/deny")])
    offer = options_from_reply(
        "可以帮您转人工……",
        [("转人工", "/request_human"), ("把问题留给工作人员", "/affirm"), ("不用了", "/deny")],
    )
    for options in (resume, offer):
        assert resolve_choice("好", options) is None


FREE_TIMES = options_from_reply(
    "可以约的时间有：1. 12月7日（周一）上午9点、2. 12月7日（周一）上午9点半、3. 12月7日（周一）下午1点半。",
    [
        ("12月7日（周一）上午9点", '/inform{"time": "2026-12-07T09:00"}'),
        ("12月7日（周一）上午9点半", '/inform{"time": "2026-12-07T09:30"}'),
        ("12月7日（周一）下午1点半", '/inform{"time": "2026-12-07T13:30"}'),
    ],
)


@pytest.mark.parametrize(("text", "payload"), [
    ("最后一个吧 下午晚点好", '/inform{"time": "2026-12-07T13:30"}'),
    ("第一个吧，上午的好", '/inform{"time": "2026-12-07T09:00"}'),
    ("第二个 谢谢啊", '/inform{"time": "2026-12-07T09:30"}'),
])
def test_an_ordinal_with_a_remark_that_agrees_is_a_choice(text, payload):
    assert picked(text, FREE_TIMES) == payload


@pytest.mark.parametrize("text", [
    "第一个吧 下午的好",          # the first is a morning: the two disagree
    "最后一个 不对 第二个",
    "第一个 还是明天下午三点吧",
    "3 下午晚点好",               # a bare number is no ordinal
    "最后一个吧 地址是3号楼2单元",
    "第一个吧 明天",
])
def test_an_ordinal_with_a_remark_that_disagrees_or_answers_is_no_choice(text):
    assert resolve_choice(text, FREE_TIMES) is None


@pytest.mark.parametrize("text", [
    "第一个吧 十点的",            # another time in number words
    "第一个吧 两点半",
    "第一个吧，那天下雨吗",        # a question, not a remark
    "第二个 几点开始？",
    "最后一个吧 那天行吗",
])
def test_an_ordinal_with_a_clock_or_a_question_is_no_choice(text):
    assert resolve_choice(text, FREE_TIMES) is None
