"""``assistant.conversation.stages``: the turn's stages as a table. Their order and names,
guards as data (a stage whose flags are not all true is never called), what the memory
keeps when a stage answers, and one case per early stage that a fake dialogue and a real
SQLite memory can show: it answers, and it stays quiet (the next stages are asked)."""

from __future__ import annotations

import anyio
import pytest

from assistant import form_turns
from assistant.conversation import commands, stages, store
from assistant.conversation.choices import options_from_reply
from assistant.conversation.stages import FLAGS, STAGES, Stage, TurnContext, answer_early
from assistant.dialogue import Reply

from ._helpers import WordDialogue

SENDER = "web:stages"


def test_the_stages_run_in_this_order():
    assert [stage.name for stage in STAGES] == [
        "command_refused", "safety_net", "person_declined", "elder", "number_again", "handoff_contact",
        "recap", "added_to_ticket", "reason_after_rating", "report_said_again", "booking_asked",
        "recorded_place", "someones_number", "errand_refused", "service_offered", "pushed_back", "how_to_follow", "how_handled",
        "someone_demanded", "dropped_after_emergency", "noise",
    ]
    assert [step.__name__ for step in stages.REWRITES] == [
        "read_offer", "read_rating", "read_reminder_after_booking", "read_cancel_said_again", "read_move_after_booking",
        "read_contact_after_booking", "read_emergency_update", "read_worded_intent", "read_cancel_by_time",
        "read_yes_to_both",
        "read_choice",
    ]
    assert [step.__name__ for step in stages.AFTER_DELIVERY] == [
        "confirm_cancel_said_outright", "say_not_yet", "answer_question_after_yes", "answer_first_question",
        "say_contact_first", "hand_off_after_request", "hold_second_question", "file_second_at_once",
        "place_waiting_report", "take_second_with_both", "offer_second_request", "say_first_what_was_said_first",
    ]


def test_every_flag_a_stage_needs_is_defined_and_names_are_unique():
    assert {flag for stage in STAGES for flag in stage.needs} <= FLAGS.keys()
    assert len({stage.name for stage in STAGES}) == len(STAGES)


def _context(said: str, memory: store.Memory | None, client=None, db=None, command: bool = False) -> TurnContext:
    return TurnContext(client=client or WordDialogue({}), db=db, sender=SENDER, stripped=said, metadata=None,
                       memory=memory, command=command)


def test_a_stage_whose_flags_are_not_all_true_is_never_called():
    called: list[str] = []

    async def never(ctx):
        called.append("never")
        raise AssertionError("called although a flag is false")

    async def passes(ctx):
        called.append("passes")

    async def answers(ctx):
        called.append("answers")
        return [Reply(text="好的。")]

    table = (
        Stage("needs_no_command", never, needs=("no_command",)),
        Stage("needs_both", never, needs=("said_before", "no_command")),
        Stage("passes", passes, needs=("said_before",)),
        Stage("answers", answers),
        Stage("after_the_answer", never),
    )
    memory = store.Memory(last=[store.Said("您还有别的事吗？")])
    ctx = _context("/affirm", memory, command=True)
    replies = anyio.run(lambda: answer_early(ctx, table))
    assert called == ["passes", "answers"]
    assert [r.text for r in replies] == ["好的。"] and ctx.answered_by == "answers"
    # Nothing remembered: "said_before" is false, so "passes" is not called either.
    called.clear()
    ctx = _context("/affirm", store.Memory(), command=True)
    anyio.run(lambda: answer_early(ctx, table))
    assert called == ["answers"]


@pytest.mark.parametrize(
    ("stage", "keeps_options", "keeps_pending"),
    [("elder", True, True), ("pushed_back", False, True), ("dropped_after_emergency", False, False)],
)
def test_what_the_memory_keeps_is_declared_in_the_table(stage, keeps_options, keeps_pending):
    row = next(s for s in STAGES if s.name == stage)
    assert row.keeps_options([]) is keeps_options and row.drop_pending is not keeps_pending
    noise = next(s for s in STAGES if s.name == "noise")
    assert noise.keeps_options([Reply(text="您说的我没听懂。")])
    assert not noise.keeps_options([Reply(text="您要办哪个？", buttons=[stages.Button("理发", "/x")])])


# One case per early stage a fake dialogue and an empty database can show. Each: what the
# butler said last (and the buttons shown), the message, and the stage that must answer
# (None: no early stage answers, the message goes on to the rewrites).
EMERGENCY_TOLD = "已记录紧急求助，请马上拨打 120，并留在安全的地方。"
CANT_SEE = "我这里看不到个人的公积金记录，可以打 12329 热线查询。"
READBACK = "您要预约周五上午九点的保洁，对吗？"
YES_NO = [("对", "/affirm"), ("不对", "/deny")]

CASES = [
    # A bare intent name is refused; one of the butler's own buttons is not.
    ("command_refused", [], [], "/close_all_tickets", "command_refused"),
    ("button_is_no_refusal", [READBACK], YES_NO, "/affirm", None),
    # 再讲一遍 with something said: repeated; with nothing said: not the elder's.
    ("elder", [READBACK], YES_NO, "没听清楚 麻烦再讲一遍", "elder"),
    ("elder_nothing_said", [], [], "没听清楚 麻烦再讲一遍", None),
    # Pressed after a can't: said again; after anything else: left alone.
    ("pushed_back", [CANT_SEE], [], "你们后台也查不到吗", "pushed_back"),
    ("pushed_back_not_after_a_cant", ["好的，已经帮您登记了。"], [], "你们后台也查不到吗", None),
    # A booking let go after the safety net took over: said back.
    ("dropped_after_emergency", [EMERGENCY_TOLD], [], "人已经送医院了，修脚先不约了", "dropped_after_emergency"),
    ("dropped_without_emergency", ["好的，已经帮您登记了。"], [], "人已经送医院了，修脚先不约了", None),
    # An errand the butler cannot run: said so; asked how to do it oneself: left to the dialogue.
    ("errand_refused", [], [], "麻烦帮我把这个季度的暖气费交一下", "errand_refused"),
    ("errand_asked_how", [], [], "暖气费在哪儿交", None),
    # Whether a service is offered: yes, with its booking; one's own booking asked about: not this.
    ("service_offered", [], [], "你们那有没有帮老人剪头发的", "service_offered"),
    ("own_booking_is_no_offer", [], [], "有没有我约的那个理发", None),
    # Letters with no word while a yes is awaited: not understood; with nothing awaited: as said.
    ("noise", [READBACK], YES_NO, "qwop zxvb", "noise"),
    ("noise_nothing_awaited", [], [], "qwop zxvb", None),
]


def _remembered(last: list[str], buttons: list[tuple[str, str]], pending: store.Pending | None = None):
    said = [store.Said(text, buttons if i == len(last) - 1 else []) for i, text in enumerate(last)]
    options = options_from_reply(last[-1], buttons) if buttons else []
    return store.Memory(options=options, shown_at=None, pending=pending, last=said)


@pytest.mark.parametrize(("name", "last", "buttons", "said", "answered_by"), CASES, ids=[c[0] for c in CASES])
def test_one_early_stage_answers_or_stays_quiet(db, clock, name, last, buttons, said, answered_by):
    memory = _remembered(last, buttons)
    dialogue = WordDialogue({})
    ctx = _context(said, memory, client=dialogue, db=db, command=commands.looks_like_command(said))
    replies = anyio.run(lambda: answer_early(ctx))
    assert ctx.answered_by == answered_by
    assert (replies is not None) is (answered_by is not None)
    if answered_by == "noise":
        assert dialogue.sent == [commands.NOISE_MESSAGE]
    elif answered_by is not None:
        assert dialogue.sent == []  # answered by the gateway, nothing reached the dialogue


def test_the_safety_net_sends_an_emergency_and_an_unreadable_memory_on_as_said(db, clock):
    dialogue = WordDialogue({})
    said = "厨房着火了，烟特别大，老人还在屋里"
    ctx = _context(said, _remembered([READBACK], YES_NO), client=dialogue, db=db)
    anyio.run(lambda: answer_early(ctx))
    assert ctx.answered_by == "safety_net" and dialogue.sent == [said]
    # No memory: whatever is said goes on as said (对 is no yes to anything).
    ctx = _context("对", None, client=dialogue, db=db)
    anyio.run(lambda: answer_early(ctx))
    assert ctx.answered_by == "safety_net" and dialogue.sent == [said, "对"]
    # An ordinary message with a memory: the verdict is set and the next stages are asked.
    ctx = _context("周五想约个保洁", store.Memory(), client=dialogue, db=db)
    anyio.run(lambda: answer_early(ctx))
    assert ctx.verdict is not None and not ctx.verdict.emergency and ctx.answered_by is None


def test_an_errand_with_a_report_keeps_the_cant_and_leaves_the_report_to_the_rest(db, clock):
    ctx = _context("麻烦帮我把这个月的水费交一下 另外9号楼车库的灯坏了", store.Memory(), db=db)
    assert anyio.run(lambda: answer_early(ctx)) is None  # the report goes on to the rewrites
    assert ctx.stripped == "9号楼车库的灯坏了" and "没法" in ctx.said_first[0].text


def test_a_declined_hand_off_is_dropped_from_the_words_and_nothing_is_answered(db, clock):
    ctx = _context("不用转人工了，你帮我约个周五的保洁就行", store.Memory(), db=db)
    assert anyio.run(lambda: answer_early(ctx)) is None
    assert "人工" not in ctx.stripped and "保洁" in ctx.stripped
    # One of the butler's own buttons is never read for it, even when its payload carries words
    # that would decline (removing no_command from the stage's flags fails here).
    button = '/inform{"note": "不用找人工了，给我约个理发"}'
    assert form_turns.declines_person(button)
    memory = _remembered(["还有别的要帮您吗？"], [("约理发", button)])
    ctx = _context(button, memory, db=db, command=True)
    anyio.run(lambda: answer_early(ctx))
    assert ctx.stripped == button


def test_a_stage_that_drops_the_waiting_request_drops_it_and_one_that_does_not_keeps_it(db, clock):
    waiting = store.Pending("楼道灯不亮", "file_complaint", clock.now())
    for last, said, pending_after in (
        ([EMERGENCY_TOLD], "人已经送医院了，修脚先不约了", None),
        ([CANT_SEE], "你们后台也查不到吗", "楼道灯不亮"),
    ):
        memory = _remembered(last, [], pending=store.Pending(waiting.text, waiting.intent, waiting.at))
        ctx = _context(said, memory, db=db)
        assert anyio.run(lambda ctx=ctx: answer_early(ctx)) is not None
        remembered = store.load(db, SENDER)
        assert (remembered.pending.text if remembered.pending else None) == pending_after


def test_noise_keeps_the_buttons_it_was_said_at(db, clock):
    memory = _remembered([READBACK], YES_NO)
    ctx = _context("qwop zxvb", memory, db=db)
    anyio.run(lambda: answer_early(ctx))
    assert [o.payload for o in store.load(db, SENDER).options] == ["/affirm", "/deny"]


@pytest.mark.parametrize(
    ("said", "answers"), [("嗯 对的", True), ("好 取消吧", True), ("对 那保洁还在吧", False), ("不对 撤错了", False)]
)
def test_read_cancel_said_again_answers_a_yes_after_a_cancel_done(db, clock, said, answers):
    """Round 22: the rewrite added after the refactor — a yes right after 已经取消了… is answered
    locally; anything else goes on to the dialogue."""
    done = "好的，已经取消了12月4日（周五）上午9点的上门保洁（预约号YY202612010003）。"
    ctx = _context(said, _remembered([done], []), db=db)
    ctx.message = ctx.stripped  # as run_turn sets it before the rewrites
    anyio.run(lambda: stages.read_cancel_said_again(ctx))
    assert (ctx.local is not None) is answers
    if answers:
        assert "YY202612010003" in ctx.local[0].text
