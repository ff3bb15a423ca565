"""Answers to an offered second request, said as residents say them (blind9, round 13):
a dialect yes (要得，约嘛), a yes run into the request (好的你帮我报上去), a no after naming
what was offered (保洁先不用了，等…再说), and a Cantonese second request (…，仲有想约个
师傅上门整下个水喉). Own sentences; the dialogue is a stand-in that records what reached
it, the memory a real migrated database."""

from __future__ import annotations

import anyio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.conversation import converse, split, store
from assistant.conversation.offers import DECLINED_TEXT, declines_offer, says_yes, taken_offer
from assistant.dialogue import Button, Reply

SENDER = "web:offers13"


class Dialogue:
    """What reached Rasa, the intents its NLU gives (a word in the part -> intent)."""

    def __init__(self, intents: dict[str, str], answers: dict[str, Reply] | None = None):
        self.intents, self.answers = intents, answers or {}
        self.sent: list[str] = []

    async def active_loop(self, sender):
        return None

    async def parse(self, text):
        name = next((intent for word, intent in self.intents.items() if word in text), "nlu_fallback")
        return {"intent": {"name": name, "confidence": 0.9}}

    async def deliver_or_degrade(self, sender, text, metadata=None):
        self.sent.append(text)
        return [self.answers.get(text, Reply(text="好的。"))]


def say(dialogue, db, text):
    return anyio.run(lambda: converse(dialogue, SENDER, text, None, db=db))


OFFERED_BOOKING = "帮我约个陪诊，我妈下周要去医院复查"


@pytest.mark.parametrize("said", ["要得，约嘛", "要得", "中，约吧", "好的你帮我约", "行，帮我约上", "系呀，约啦", "嗯，约"])
def test_a_yes_in_any_words_takes_the_offer(said):
    assert says_yes(said)
    assert taken_offer(said, OFFERED_BOOKING, "book_service") == OFFERED_BOOKING


@pytest.mark.parametrize("said", ["我不知道", "要得好久哦", "约了什么", "好的，下周二上午九点", "不用了"])
def test_not_a_bare_yes(said):
    assert not says_yes(said)


YESES = ["好", "好的", "要得", "中", "行", "可以", "嗯", "对", "没问题", "系呀"]
RESTATED = ["约嘛", "帮我约", "你帮我约上", "约吧", "帮我报上去", "登记一下"]


@given(st.lists(st.sampled_from(YESES + RESTATED), min_size=1, max_size=3), st.sampled_from(["，", "，", " ", "。"]))
@settings(max_examples=60, deadline=None)
def test_clauses_that_are_all_yes_are_a_yes(clauses, comma):
    assert says_yes(comma.join(clauses))


@pytest.mark.parametrize(("said", "offered"), [
    ("保洁先不用了，等电梯修好再说", "我还想约个保洁"),
    ("那个先不约了", "我还想约个保洁"),
    ("理发的事先不用了", "再帮我约个理发"),
    ("不用了", "我还想约个保洁"),
])
def test_a_no_after_naming_the_offer(said, offered):
    assert declines_offer(said, offered, "book_service")
    assert taken_offer(said, offered, "book_service") is None


@pytest.mark.parametrize(("said", "offered"), [
    ("理发先不用了", "我还想约个保洁"),  # another service named: no answer to this offer
    ("保洁什么时候有空", "我还想约个保洁"),
])
def test_not_a_no_to_this_offer(said, offered):
    assert not declines_offer(said, offered, "book_service")


def test_the_named_no_drops_the_offer(db, clock):
    store.save(db, SENDER, store.Memory(pending=store.Pending("我还想约个保洁", "book_service", clock.now(),
                                                              offered=True)))
    dialogue = Dialogue({"保洁": "book_service"})
    replies = say(dialogue, db, "保洁先不用了，等电梯修好再说")
    assert dialogue.sent == [] and replies[0].text == DECLINED_TEXT
    assert store.load(db, SENDER).pending is None


def test_the_dialect_yes_sends_the_offered_booking(db, clock):
    store.save(db, SENDER, store.Memory(pending=store.Pending(OFFERED_BOOKING, "book_service", clock.now(),
                                                              offered=True)))
    dialogue = Dialogue({"陪诊": "book_service"})
    say(dialogue, db, "要得，约嘛")
    assert dialogue.sent == [OFFERED_BOOKING]


def test_filing_asked_for_before_the_offer_files_the_remembered_report(db, clock):
    report = "45号楼下的垃圾桶满了，三天没人收"
    store.save(db, SENDER, store.Memory(pending=store.Pending(report, "file_complaint", clock.now())))
    dialogue = Dialogue({"垃圾": "file_complaint"})
    say(dialogue, db, "好的你帮我报上去")
    assert dialogue.sent == [report]
    assert store.load(db, SENDER).pending is None


def test_a_yes_to_something_else_before_the_offer_leaves_the_report_waiting(db, clock):
    report = "45号楼下的垃圾桶满了，三天没人收"
    store.save(db, SENDER, store.Memory(pending=store.Pending(report, "file_complaint", clock.now())))
    dialogue = Dialogue({"垃圾": "file_complaint"})
    say(dialogue, db, "好的")
    assert dialogue.sent == ["好的"]


# --- Cantonese 仲有 (= 还有) --------------------------------------------------------------------

def test_cantonese_also_cuts_two_requests():
    cut = split.candidate_split("厕所天花板渗水渗到我屋企，21座5楼，仲有想约个师傅上门整下个水喉")
    assert cut is not None
    assert cut.second == "想约个师傅上门整下个水喉"
    assert split.worded_intent(cut.second) == "book_service"
    assert "维修" in split.offer_text(cut.second, "book_service")


def test_the_cantonese_second_request_is_offered_after_the_complaint(db, clock):
    first = "厕所天花板渗水渗到我屋企，21座5楼"
    dialogue = Dialogue({"渗水": "file_complaint"},
                        answers={first: Reply(text="已为您登记，工单号 GD202601010071。",
                                              buttons=[Button("不留电话", "/deny")])})
    replies = say(dialogue, db, f"{first}，仲有想约个师傅上门整下个水喉")
    assert dialogue.sent == [first]
    assert "维修" in replies[-1].text


# --- a yes, then a question, at a yes/no question ------------------------------------------------

READ_BACK = Reply(text="您要预约12月1日（周二）上午8点半在社区服务中心的体检，联系电话139****5678，对吗？",
                  buttons=[Button("对", "/affirm"), Button("不对", "/deny")])


def _at_read_back(db, clock):
    from assistant.conversation.choices import options_from_reply

    options = options_from_reply(READ_BACK.text, [(b.title, b.payload) for b in READ_BACK.buttons])
    store.save(db, SENDER, store.Memory(options=options, shown_at=clock.now(),
                                        last=[store.Said(READ_BACK.text, [("对", "/affirm"), ("不对", "/deny")])],
                                        last_at=clock.now()))


def test_a_yes_then_a_reminder_question_confirms_and_answers_honestly(app_env, clock):
    _at_read_back(app_env, clock)
    dialogue = Dialogue({}, answers={"/affirm": Reply(text="预约好了！预约号YY202611290001。")})
    replies = say(dialogue, app_env, "对，那到时候会发短信提醒我吧？")
    assert dialogue.sent == ["/affirm"]  # the reminder is answered here, by what the channel can send
    assert "预约号" in replies[0].text
    assert "不能" in replies[-1].text and "到时提醒您" not in replies[-1].text


def test_a_yes_then_another_question_goes_on_as_a_question(db, clock):
    _at_read_back(db, clock)
    dialogue = Dialogue({})
    say(dialogue, db, "好的，要带身份证吗")
    assert dialogue.sent == ["/affirm", "要带身份证吗"]


@pytest.mark.parametrize("said", ["对，时间改成九点", "对", "不对，会提醒我吗"])
def test_no_yes_then_question_there(db, clock, said):
    _at_read_back(db, clock)
    dialogue = Dialogue({})
    say(dialogue, db, said)
    assert len(dialogue.sent) == 1


# --- a booking asked for before its offer ---------------------------------------------------------

@pytest.mark.parametrize(("said", "sent"), [
    ("好的约 后天上午9点 18栋3单元602", "帮我约个保洁，后天上午9点 18栋3单元602"),
    ("约吧", "帮我约个保洁"),
    ("行，那就约一下，明天下午", "帮我约个保洁，明天下午"),
])
def test_a_booking_asked_for_before_its_offer_goes_with_its_details(db, clock, said, sent):
    store.save(db, SENDER, store.Memory(pending=store.Pending("帮我约个保洁", "book_service", clock.now())))
    dialogue = Dialogue({"保洁": "book_service"})
    say(dialogue, db, said)
    assert dialogue.sent == [sent]
    assert store.load(db, SENDER).pending is None


@pytest.mark.parametrize("said", ["好的", "约了什么", "我还想约个理发，明天上午", "预约过了吗"])
def test_no_booking_asked_for_before_its_offer(db, clock, said):
    store.save(db, SENDER, store.Memory(pending=store.Pending("帮我约个保洁", "book_service", clock.now())))
    dialogue = Dialogue({"保洁": "book_service"})
    say(dialogue, db, said)
    # 约了什么 asks for the resident's bookings (round 21: sent as that question, the words kept).
    assert dialogue.sent == ["/query_booking" if said == "约了什么" else said]


# --- the free times of a service, asked in words the classifier cannot place ---------------------

class FormDialogue(Dialogue):
    """A booking form starts on /book_service and asks its time question."""

    def __init__(self, intents):
        super().__init__(intents)
        self.loop = None

    async def active_loop(self, sender):
        return self.loop

    async def deliver_or_degrade(self, sender, text, metadata=None):
        self.sent.append(text)
        if text.startswith("/book_service"):
            self.loop = "booking_form"
            return [Reply(text="您想约哪天几点？")]
        return [Reply(text="可以约的时间有：1. 明天上午9点。")]


def test_the_free_times_of_a_named_service_start_its_booking(db, clock):
    dialogue = FormDialogue({})
    replies = say(dialogue, db, "后天能剪头不 都有啥时间")
    assert dialogue.sent == ['/book_service{"service_type": "理发"}', "后天能剪头不 都有啥时间"]
    assert "可以约的时间" in replies[-1].text


def test_free_times_heard_as_a_question_about_bookings_start_the_booking(db, clock):
    dialogue = FormDialogue({"剪头": "query_booking"})
    say(dialogue, db, "后天能剪头不 都有啥时间")
    assert dialogue.sent[0] == '/book_service{"service_type": "理发"}'


def test_free_times_the_classifier_places_go_on_as_said(db, clock):
    dialogue = FormDialogue({"剪头": "book_service"})
    say(dialogue, db, "后天能剪头不 都有啥时间")
    assert dialogue.sent == ["后天能剪头不 都有啥时间"]


# --- a reminder asked for right after a booking ---------------------------------------------------

def _just_booked(db, clock, text="预约好了！预约号YY202611290001。11月30日（周一）上午11点上门理发。请记好时间。"):
    store.save(db, SENDER, store.Memory(last=[store.Said(text, [])], last_at=clock.now()))


def test_a_reminder_asked_right_after_a_booking_is_answered_honestly(app_env, clock):
    _just_booked(app_env, clock)
    dialogue = Dialogue({"提醒": "check_ticket"})
    replies = say(dialogue, app_env, "到时候提醒我一下哈 我记性不好")
    assert dialogue.sent == []  # never a progress question
    assert "不能" in replies[0].text and "到时提醒您" not in replies[0].text


@pytest.mark.parametrize("said", ["谢谢", "我约了什么"])
def test_other_words_after_a_booking_go_on(db, clock, said):
    _just_booked(db, clock)
    dialogue = Dialogue({})
    say(dialogue, db, said)
    # 我约了什么 asks for the resident's bookings (round 21: sent as that question, the words kept).
    assert dialogue.sent == ["/query_booking" if said == "我约了什么" else said]


def test_a_reminder_asked_without_a_booking_just_made_goes_on(db, clock):
    _just_booked(db, clock, text="已为您登记，工单号 GD202611290001。")
    dialogue = Dialogue({})
    say(dialogue, db, "到时候提醒我一下")
    assert dialogue.sent == ["到时候提醒我一下"]
