"""Round 20, fixer A (issue #11, blind16 read): lists chosen from in any words, records
listed as lines, pinyin names, a booking asked about by its id. Own wording throughout."""

from __future__ import annotations

from datetime import datetime

import pytest

from assistant.booking.timeparse import extract_time
from assistant.clock import TZ
from assistant.conversation.choices import (
    Option,
    Picked,
    options_from_reply,
    record_lines,
    record_message,
    resolve_choice,
    resolve_record,
)

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=TZ)

SERVICES = "理发 助餐 保洁 维修 体检 陪诊 助浴 法律咨询 心理咨询 场地预约".split()
MENU = options_from_reply(
    "可以约这些服务，您想约哪一项？",
    [(name, '/book_service{"service_type": "%s"}' % name) for name in SERVICES],
)


# --- a service said in pinyin -------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "service"),
    [("falv咨询吧", "法律咨询"), ("我要peizhen", "陪诊"), ("zhuyu那个", "助浴"), ("xinlizixun", "心理咨询"),
     ("changdi", "场地预约")],
)
def test_a_service_said_in_pinyin_is_picked(said, service):
    picked = resolve_choice(said, MENU)
    assert isinstance(picked, Picked) and picked.option.title == service


@pytest.mark.parametrize("said", ["zhu", "ok", "hao的", "13912345678", "明天上午十点"])
def test_too_little_pinyin_or_none_picks_nothing(said):
    # zhu begins 助餐 and 助浴 alike; ok/hao are no name; values are answers
    assert resolve_choice(said, MENU) is None


# --- a reason said after the ordinal -----------------------------------------------------

EVENING = [Option(f"12月9日（周三）{t}", f'/inform{{"time": "{i}"}}', [f"12月9日（周三）{t}"])
           for i, t in enumerate(["上午8点", "上午10点", "下午2点", "晚上6点"])]


@pytest.mark.parametrize("said", ["最后一个吧 晚上老伙计们才有空", "最后那个 晚上孩子们放学了"])
def test_a_longer_reason_after_the_ordinal_keeps_the_pick(said):
    picked = resolve_choice(said, EVENING)
    assert isinstance(picked, Picked) and picked.option is EVENING[-1]


@pytest.mark.parametrize("said", ["最后一个吧 上午大家都有空", "最后一个 还是改成周四晚上吧"])
def test_a_reason_that_disagrees_picks_nothing(said):
    assert resolve_choice(said, EVENING) is None


# --- bookings and tickets listed as lines ---------------------------------------------------

BOOKINGS = """您有3个预约：
1. 12月9日（周三）上午9点 上门保洁（已预约，YY202612070011）
2. 12月9日（周三）中午12点 助餐（已预约，YY202612070012）
3. 12月10日（周四）上午10点 体检（已预约，YY202612070013）"""
TICKETS = """您刚才报了 2 件事：
1. GD202612070021：5号楼楼道灯一直闪，已受理，正在安排处理部门
2. GD202612070022：小区西门有人占道卖菜，已受理，正在安排处理部门
您问的是哪一件？"""


@pytest.mark.parametrize(
    ("said", "record", "asked"),
    [
        ("把当中那个退掉", "YY202612070012", "cancel"),
        ("第三个不要了", "YY202612070013", "cancel"),
        ("取消头一个", "YY202612070011", "cancel"),
        ("体检那个取消掉", "YY202612070013", "cancel"),
        ("2", "YY202612070012", ""),
    ],
)
def test_a_booking_is_picked_from_the_list_with_what_is_asked(said, record, asked):
    found = resolve_record(said, record_lines(BOOKINGS))
    assert found is not None
    option, what = found
    assert record in option.title and what == asked
    if asked == "cancel":
        assert record_message(option, what) == '/cancel_booking{"booking_id": "%s"}' % record


@pytest.mark.parametrize(
    ("said", "record"),
    [("1", "GD202612070021"), ("第二件呢", "GD202612070022"), ("楼道灯那件怎么样了", "GD202612070021"),
     ("卖菜那个进度如何", "GD202612070022")],
)
def test_a_ticket_is_picked_from_the_list(said, record):
    found = resolve_record(said, record_lines(TICKETS))
    assert found is not None
    assert record_message(*found) == '/check_ticket{"ticket_id": "%s"}' % record


@pytest.mark.parametrize("said", ["5", "明天上午九点", "13912345678", "好的", "我还想约个理发", "那个"])
def test_other_words_pick_no_record(said):
    assert resolve_record(said, record_lines(BOOKINGS)) is None


def test_one_record_or_prose_is_no_list():
    assert record_lines("已经办好一件：预约号 YY202612070011（12月9日 保洁）。") == []
    assert record_lines("1. 带身份证\n2. 到服务中心窗口办理") == []


# --- an id's digits are no day --------------------------------------------------------------


@pytest.mark.parametrize("said", ["YY202612070031 还有效吧", "帮我看看yy202612070031", "GD202612070031咋样了"])
def test_a_record_id_is_no_time(said):
    assert extract_time(said, NOW) is None


def test_a_time_said_with_an_id_is_still_read():
    parsed = extract_time("YY202612070031 改到后天下午三点", NOW)
    assert parsed is not None and parsed.start.day == 9 and parsed.start.hour == 15


# --- through the conversation layer (the dialogue a stand-in) ----------------------------------

from tests.conversation._helpers import WordDialogue, converse_once  # noqa: E402

SENDER = "web:round20fixa"


def _listed(db, listing: str) -> WordDialogue:
    """The butler's last turn listed ``listing`` (said in answer to 我约了啥 / 我报的事)."""
    dialogue = WordDialogue({})
    dialogue.answer = listing
    converse_once(dialogue, db, SENDER, "我弄了哪些")
    dialogue.sent.clear()
    dialogue.answer = "好的。"
    return dialogue


def test_the_middle_booking_of_the_list_is_cancelled(db):
    dialogue = _listed(db, BOOKINGS)
    converse_once(dialogue, db, SENDER, "把当中那个退掉")
    assert dialogue.sent == ['/cancel_booking{"booking_id": "YY202612070012"}']


def test_the_second_ticket_of_the_list_is_looked_up(db):
    dialogue = _listed(db, TICKETS)
    converse_once(dialogue, db, SENDER, "2")
    assert dialogue.sent == ['/check_ticket{"ticket_id": "GD202612070022"}']


def test_without_a_list_a_number_goes_on_as_said(db):
    dialogue = _listed(db, "好的，已经记下了。")
    converse_once(dialogue, db, SENDER, "2")
    assert dialogue.sent == ["2"]


def _booked(db, clock):
    from assistant.booking.service import book

    clock.move_to(datetime(2026, 11, 30, 9, 0))
    return book(db, sender_id=SENDER, service="维修", starts_at=datetime(2026, 12, 1, 14, 30),
                address="6号楼1单元101", phone="13911112222", now=datetime(2026, 11, 30, 9, 0))


def test_a_booking_asked_about_by_its_id_is_answered_from_the_records(db, clock):
    booking = _booked(db, clock)
    dialogue = WordDialogue({})
    replies = converse_once(dialogue, db, SENDER, f"{booking.id} 这个没问题吧")
    assert dialogue.sent == []
    assert "还在" in replies[0].text and "下午2点半" in replies[0].text


def test_an_id_with_a_new_time_or_inside_a_form_goes_to_the_dialogue(db, clock):
    booking = _booked(db, clock)
    dialogue = WordDialogue({})
    converse_once(dialogue, db, SENDER, f"{booking.id} 改到后天上午")
    assert dialogue.sent == [f"{booking.id} 改到后天上午"]
    running = WordDialogue({}, loop="booking_form")
    converse_once(running, db, SENDER, f"{booking.id} 还有效吧")
    assert running.sent == [f"{booking.id} 还有效吧"]


def test_someone_elses_booking_id_is_not_told(db, clock):
    booking = _booked(db, clock)
    dialogue = WordDialogue({})
    converse_once(dialogue, db, "web:someone-else", f"{booking.id} 还在吗")
    assert dialogue.sent == [f"{booking.id} 还在吗"]


def test_when_the_worker_comes_right_after_booking(db, clock):
    booking = _booked(db, clock)
    dialogue = WordDialogue({})
    dialogue.answer = f"预约好了！预约号{booking.id}。12月1日（周二）下午2点半上门维修。"
    converse_once(dialogue, db, SENDER, "对")
    dialogue.sent.clear()
    replies = converse_once(dialogue, db, SENDER, "那修的人大概啥时候到啊")
    assert dialogue.sent == []
    assert "下午2点半" in replies[0].text


def test_when_someone_comes_with_no_booking_just_made_goes_on(db, clock):
    _booked(db, clock)
    dialogue = WordDialogue({})
    converse_once(dialogue, db, SENDER, "你们到底什么时候来人处理啊")
    assert dialogue.sent == ["你们到底什么时候来人处理啊"]


# --- the asking words are no part of a card's name (问一下老年证…) ---------------------------


def test_asking_words_before_a_card_do_not_change_its_name():
    from assistant.kb.answer import unnamed_credential
    from assistant.kb.service import SearchResult

    senior = SearchResult(id="ln-9", score=0.9, title="老年优待卡怎么申请？", source="s", text="带身份证到社区申请。")
    assert unnamed_credential("想打听一下老年证去哪里弄", senior) is None  # 老年 is in the entry
    assert unnamed_credential("请问下居住证去哪里弄", senior) == "居住证"  # named, and not in it


def test_the_clock_question_says_its_times():
    from datetime import date

    from assistant.booking.conversation import clock_question
    from assistant.booking.service import Slot

    starts = [Slot(service="理发", starts_at=datetime(2026, 12, 8, h, 0), ends_at=datetime(2026, 12, 8, h, 30), capacity=1) for h in (9, 14)]
    text = clock_question(date(2026, 12, 8), NOW, None, starts)
    assert "上午9点" in text and "下午2点" in text
    assert "上午9点" not in clock_question(date(2026, 12, 8), NOW)


# --- two bookings in one breath: the second heard at once, a yes to both takes both ----------

from assistant.conversation import split, store  # noqa: E402
from assistant.dialogue import Button, Reply  # noqa: E402
from tests.conversation.test_two_requests_more import Dialogue, say  # noqa: E402

YES_NO = [Button("对", "/affirm"), Button("不对", "/deny")]
TWO = "后天上午十点约个保洁，再约后天下午两点的陪诊，电话都是13911113030"


START_ESCORT = '/book_service{"service_type": "陪诊"}'


def _two_bookings_dialogue(first: str, second_reply: Reply | None = None) -> Dialogue:
    answers = {first: Reply(text="您要预约后天上午10点的上门保洁，对吗？", buttons=YES_NO),
               "/affirm": Reply(text="预约好了！预约号YY202612070101。"),
               START_ESCORT: Reply(text="陪诊想约哪天几点？")}
    # The second booking starts as its service's booking (a form), then its words answer it.
    dialogue = Dialogue({"约": "book_service"}, answers=answers, opens=(first, START_ESCORT))
    return dialogue


def test_the_second_booking_is_said_to_be_heard_with_the_first_question(db, clock):
    cut = split.share_contact(split.candidate_split(TWO))
    dialogue = _two_bookings_dialogue(cut.first)
    replies = say(dialogue, db, TWO)
    assert "陪诊" in replies[0].text and replies[-1].text.endswith("对吗？")
    assert not store.load(db, SENDER_TWO).pending.offered


SENDER_TWO = "web:more"  # test_two_requests_more.say speaks as this resident


@pytest.mark.parametrize("yes", ["对，两个都对", "两样都约上吧"])
def test_a_yes_to_both_books_the_first_and_starts_the_second(db, clock, yes):
    cut = split.share_contact(split.candidate_split(TWO))
    dialogue = _two_bookings_dialogue(cut.first)
    say(dialogue, db, TWO)
    replies = say(dialogue, db, yes)
    assert dialogue.sent[-3:] == ["/affirm", START_ESCORT, cut.second]
    assert "现在帮您约吗" not in " ".join(r.text for r in replies)
    assert store.load(db, SENDER_TWO).pending is None


def test_a_plain_yes_books_the_first_and_offers_the_second(db, clock):
    cut = split.share_contact(split.candidate_split(TWO))
    dialogue = _two_bookings_dialogue(cut.first)
    say(dialogue, db, TWO)
    replies = say(dialogue, db, "对")
    assert dialogue.sent[-1] == "/affirm"
    assert replies[-1].text == "另外您说要约个陪诊，现在帮您约吗？"


@pytest.mark.parametrize("said", ["都不要了", "两个都不对", "都行吗", "两个都约上了吧"])
def test_no_yes_to_both(said):
    assert not split.yes_to_both(said)


def test_booking_values_before_the_offer_are_the_waiting_booking(db, clock):
    question = "老年卡在哪里办"
    said = f"{question}？还有我想约个体检"
    dialogue = Dialogue({"约": "book_service", "老年卡": "ask_policy"}, answers={
        question: Reply(text="老年卡的事我暂时查不到。", buttons=[Button("转人工", "/request_human"),
                                                           Button("不用了", "/deny")])})
    say(dialogue, db, said)
    assert dialogue.sent == [question]
    say(dialogue, db, "周四上午九点 电话13911113131")
    assert dialogue.sent[-1] == "我想约个体检，周四上午九点 电话13911113131"


def test_a_phone_alone_before_the_offer_is_no_booking(db, clock):
    question = "老年卡在哪里办"
    dialogue = Dialogue({"约": "book_service", "老年卡": "ask_policy"}, answers={
        question: Reply(text="老年卡的事我暂时查不到。", buttons=[Button("转人工", "/request_human"),
                                                           Button("不用了", "/deny")])})
    say(dialogue, db, f"{question}？还有我想约个体检")
    say(dialogue, db, "13911113131")
    assert dialogue.sent[-1] == "13911113131"


# --- what the ticket holds, said to its filer -------------------------------------------------


def test_the_filer_hears_the_place_on_the_ticket_and_others_do_not(db):
    from assistant.tickets import service

    filed = service.file_ticket(db, description="路口那个井盖翘起来了", sender_id="web:filer20",
                                address="12号楼北门", now=NOW)
    with db.session() as s:
        owner = service.public_status(s, filed.ticket.id, "web:filer20")
        stranger = service.public_status(s, filed.ticket.id, "web:stranger20")
    assert "12号楼北门" in owner
    assert "12号楼" not in stranger


def test_a_mess_all_over_is_a_fault_of_its_own():
    assert split.two_problems("楼下草坪上狗屎到处都是", "晚上篮球场有人打球吵到半夜")
    assert not split.two_problems("楼道里烟头遍地都是", "还有楼道里烟头到处都是")


# --- put off at the read-back --------------------------------------------------------------

READBACK = "您要预约12月9日（周三）上午10点的上门保洁，地址3号楼101，联系电话139****3030，费用60元，对吗？"


def _at_readback(db) -> WordDialogue:
    dialogue = WordDialogue({})
    dialogue.answer = READBACK
    converse_once(dialogue, db, SENDER, "约保洁")
    # the read-back's buttons, as the butler shows them
    from assistant.conversation import store as memory_store

    memory = memory_store.load(db, SENDER)
    memory.last = [memory_store.Said(READBACK, [("对", "/affirm"), ("不对", "/deny")])]
    memory_store.save(db, SENDER, memory)
    dialogue.sent.clear()
    dialogue.answer = "好的。"
    return dialogue


@pytest.mark.parametrize("said", ["先这样吧 我回家跟老头子商量商量再说", "我再考虑考虑"])
def test_a_hedge_at_the_readback_is_its_no(db, said):
    dialogue = _at_readback(db)
    converse_once(dialogue, db, SENDER, said)
    assert dialogue.sent == ["/deny"]


@pytest.mark.parametrize("said", ["回头再说 地址改成5号楼202", "商量一下 能便宜点吗"])
def test_a_hedge_with_a_change_or_a_question_goes_on(db, said):
    dialogue = _at_readback(db)
    converse_once(dialogue, db, SENDER, said)
    assert dialogue.sent != ["/deny"]


# --- the place of an offered report, said instead of 好的 ------------------------------------

OFFERED_REPORT = "小区后门那个垃圾站老是满出来 臭得很"


@pytest.mark.parametrize("said", ["垃圾站就在88号楼后门边上", "在88号楼后面的垃圾站那儿"])
def test_the_place_of_the_offered_report_takes_the_offer(said):
    from assistant.conversation.offers import taken_offer

    assert taken_offer(said, OFFERED_REPORT, "file_complaint") == f"{said}，{OFFERED_REPORT}"


@pytest.mark.parametrize("said", ["88号楼电梯也坏了", "我住88号楼"])
def test_another_problem_or_a_home_is_no_place_of_the_offer(said):
    from assistant.conversation.offers import taken_offer

    assert taken_offer(said, OFFERED_REPORT, "file_complaint") is None


# --- what the ticket just filed holds, asked ---------------------------------------------------


def _filed(db):
    from assistant.tickets import service

    filed = service.file_ticket(db, description="楼下消防栓漏水", sender_id=SENDER, address="7号楼西门", now=NOW)
    dialogue = WordDialogue({})
    dialogue.answer = f"已为您登记，工单号 {filed.ticket.id}。"
    converse_once(dialogue, db, SENDER, "楼下消防栓漏水 7号楼西门")
    dialogue.sent.clear()
    dialogue.answer = "好的。"
    return dialogue


@pytest.mark.parametrize("said", ["你们登记的是哪个门呀", "位置记对了没", "地址改过来了吧"])
def test_what_was_recorded_is_read_from_the_ticket(db, said):
    dialogue = _filed(db)
    replies = converse_once(dialogue, db, SENDER, said)
    assert dialogue.sent == [] and "7号楼西门" in replies[0].text


@pytest.mark.parametrize("said", ["我还要登记什么吗", "哪个门能进车"])
def test_other_questions_after_filing_go_on(db, said):
    dialogue = _filed(db)
    converse_once(dialogue, db, SENDER, said)
    assert dialogue.sent == [said]


def test_the_cancel_said_twice_picks_the_first_booking():
    found = resolve_record("头一个不要了 取消掉", record_lines(BOOKINGS))
    assert found is not None and "YY202612070011" in found[0].title and found[1] == "cancel"


def test_zai_jie_after_a_pause_is_a_second_booking():
    cut = split.candidate_split("后天上午十点订个保洁 再借后天晚上的活动室")
    assert cut is not None and cut.second == "借后天晚上的活动室"
    assert split.two_bookings(cut.first, cut.second)
    assert split.candidate_split("活动室我还能再借一次吗") is None  # no pause before 再: one question


# --- a report asked to be filed in the middle of another form -----------------------------------


@pytest.mark.parametrize("said", ["对了 6号楼门口的下水道堵了 臭得很 你们给报一下", "顺便帮我反映一下 5号楼电梯老是停"])
def test_a_report_asked_to_be_filed_is_one(said):
    from assistant.form_turns import files_report

    assert files_report(said)


@pytest.mark.parametrize("said", ["水管坏了 记一下地址 3号楼101", "马桶漏水 3号楼101 报修", "下午三点 地址9号楼201"])
def test_a_bookings_answers_file_nothing(said):
    from assistant.form_turns import files_report

    assert not files_report(said)


def test_one_address_said_with_two_bookings_goes_with_both():
    cut = split.share_contact(split.candidate_split("后天上午九点约个理发 再约后天下午的保洁 地址31号楼2单元402 电话13911113232"))
    shared = split.share_address(cut)
    assert "31号楼2单元402" in shared.first and "13911113232" in shared.first
    assert shared.second == cut.second


def test_two_addresses_stay_each_with_its_booking():
    cut = split.Split("后天上午九点约个理发 地址31号楼2单元402", "再约后天下午的保洁 地址5号楼101")
    assert split.share_address(cut) == cut


def test_the_recap_never_asks_to_confirm_a_filed_tickets_phone_question(db, clock):
    from assistant.tickets import service
    from assistant.tickets.service import CONTACT_ASK_WORDS

    filed = service.file_ticket(db, description="8号楼后面垃圾堆成山了", sender_id=SENDER, address="8号楼",
                                now=clock.now())
    asked = f"已为您登记，工单号 {filed.ticket.id}。{CONTACT_ASK_WORDS}"
    memory = store.Memory(last=[store.Said(asked, [("不留电话", "/deny")])], last_at=clock.now())
    store.save(db, SENDER, memory)
    assert store.load(db, SENDER).last  # remembered: the question is there to be confused with
    replies = converse_once(WordDialogue({}), db, SENDER, "两件都记上了吗")
    said = " ".join(r.text for r in replies)
    assert "等您确认" not in said and "还差您确认" not in said


@pytest.mark.parametrize("said", ["两桩事体侪记好了伐", "两样都约上了未"])
def test_both_done_asked_in_dialect(said):
    from assistant.conversation import recap

    assert recap.asks_all_done(said)


def test_a_second_booking_the_classifier_cannot_place_is_still_two(db, clock):
    said = "后天中午订份助餐 再借后天上午十点的活动室 电话13911113434"
    dialogue = Dialogue({"订": "book_service"}, opens=("后天中午订份助餐，电话13911113434",))
    say(dialogue, db, said)
    assert dialogue.sent == ["后天中午订份助餐，电话13911113434"]
    pending = store.load(db, SENDER_TWO).pending
    assert pending is not None and pending.intent == "book_service" and "活动室" in pending.text


def test_a_second_part_that_books_nothing_is_no_second_booking(db, clock):
    said = "后天中午订份助餐 再借我两把椅子"
    dialogue = Dialogue({"订": "book_service"})
    say(dialogue, db, said)
    assert dialogue.sent == [said]


def test_a_yes_to_both_shows_the_seconds_readback_and_waits_for_its_yes(db, clock):
    # review20 #39: the yes was given to the first read-back only; the second's is shown as it is.
    cut = split.share_contact(split.candidate_split(TWO))
    dialogue = _two_bookings_dialogue(cut.first)
    readback = "您要预约后天下午2点的上门陪诊，联系电话139****3030，费用50元，对吗？"
    dialogue.answers[cut.second] = Reply(text=readback, buttons=YES_NO)
    say(dialogue, db, TWO)
    replies = say(dialogue, db, "对，两个都对")
    assert dialogue.sent[-3:] == ["/affirm", START_ESCORT, cut.second]
    assert replies[-1].text == readback and replies[-1].buttons


def test_a_yes_to_both_leaves_the_seconds_question_open(db, clock):
    cut = split.share_contact(split.candidate_split(TWO))
    dialogue = _two_bookings_dialogue(cut.first)
    dialogue.answers[cut.second] = Reply(text="请告诉我上门的地址，比如“3号楼2单元501”。")
    say(dialogue, db, TWO)
    say(dialogue, db, "对，两个都对")
    assert dialogue.sent[-3:] == ["/affirm", START_ESCORT, cut.second]


# --- the waiting report's place said with the first's -----------------------------------------


def test_the_waiting_reports_place_said_with_the_first_is_kept():
    from assistant.conversation.offers import place_of_waiting_report as _place_of_waiting_report

    waiting = store.Pending("晚上篮球场有人打球吵到半夜", "file_complaint", NOW)
    said = "狗屎在66号楼后门那块，打球的在66号楼东边的篮球场"
    assert _place_of_waiting_report(waiting, said) == "晚上篮球场有人打球吵到半夜，打球的在66号楼东边的篮球场"


@pytest.mark.parametrize("said", ["狗屎在66号楼后门那块", "在66号楼后门，别的不知道"])
def test_no_clause_about_the_waiting_report_keeps_it_as_it_was(said):
    from assistant.conversation.offers import place_of_waiting_report as _place_of_waiting_report

    waiting = store.Pending("晚上篮球场有人打球吵到半夜", "file_complaint", NOW)
    assert _place_of_waiting_report(waiting, said) is None


def test_a_shared_address_loses_its_dou_shi():
    cut = split.Split("后天上午九点约个理发", "再约后天下午的保洁 都是31号楼2单元402")
    shared = split.share_address(cut)
    assert "地址31号楼2单元402" in shared.first and "都是" not in shared.first
