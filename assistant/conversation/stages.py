"""One resident message, stage by stage: what ``converse()`` does, in the order it does it.

``converse()`` (``turn.py``) is the entry point every channel calls; it hands the message
to ``run_turn`` here. The helpers the stages call (what a yes to an offer is, which
booking is asked about, ...) live in modules named by their topic (``offers``,
``two_requests``, ``bookings``, ``reports``, ``ratings``, ``errands``, ``person``,
``after_emergency``, ``worded_intents``, ``elder``, ``recap``, ``numbers``, ``commands``,
``choices``, ``split``; ``state`` for what they all read: the records, the tracker, the
memory); this module imports the modules and only says *when* each one is asked. A turn
has four phases:

1. ``STAGES``: the gate and the early answers, a table. Each row names a stage, the flags
   it needs (``FLAGS``: a stage whose flags are not all true is never called) and what the
   memory keeps when it answers. The runner (``answer_early``) calls the stages in order;
   the first that answers (returns replies, not None) ends the turn: its name is logged
   (``conversation_<name>``), the memory is written once, and the replies are returned.
   A stage that returns None lets the next one try (a gate stage may leave a note in the
   context first: ``command_refused`` neutralises a slash, ``safety_net`` sets the verdict,
   ``person_declined`` drops a declined hand-off from the words).

   ====================  =======================================================
   command_refused       a slash command that is not one of the butler's buttons
   safety_net            an emergency (or no memory): to the dialogue as said
   person_declined       不用转人工，帮我…: the declined hand-off dropped (no answer)
   elder                 再说一遍 / 慢一点 / 我年纪大了, from the memory
   number_again          那个号再说一遍 / 啥叫工单号, from the records
   handoff_contact       the phone asked by a hand-off, put on it
   recap                 两个都记上了吧, from the records
   added_to_ticket       补充一下…: more words on the resident's open ticket
   reason_after_rating   why, said right after rating: joins the rating
   report_said_again     the same report again minutes later: said so, with its number
   booking_asked         the booking just made asked about
   recorded_place        你们记的是哪个门: the place on the ticket just filed
   someones_number       someone else's number: never given, said so
   errand_refused        帮我把电费交了 / 叫个车 / 每天给我打电话: can't, said so (a report said with it goes on)
   service_offered       你们有陪着去医院的没有: yes, what it is, with its booking button
   pushed_back           你们系统里看不到吗 right after a can't: the can't again
   how_to_follow         那我咋知道办没办: how the outcome will reach them
   how_handled           咋处理的: what staff wrote when they closed the ticket
   someone_demanded      那你们倒是再派人来看看啊: what has been done with the report
   dropped_after_emergency  120打了，理发先不约了: the broken-off booking let go
   noise                 hjkl qwer while an answer is awaited: not understood
   ====================  =======================================================

2. ``REWRITES``: what is sent to the dialogue. Each step reads the context and may
   change ``message`` (what Rasa gets: a button's payload, an offered request, the first of
   two requests), ``sent_metadata`` (the words kept for the action), ``new_pending``
   (the second request remembered) or set ``local`` (an answer of the gateway's own,
   then nothing reaches the dialogue). Most steps act only on an ``untouched`` message
   (no earlier step changed it, no ``local`` answer, no command). In order: the offer or
   waiting request (``read_offer``), a rating, the booking just made (reminder, move,
   contact; a yes after a cancel done), an update after an emergency, words sent as their intent, a cancel by
   time, 对，两个都对 at a read-back, then a
   choice / a record / a person asked for / two requests / a bare service (``read_choice``).
3. ``deliver``: a ``local`` answer is remembered and returned; otherwise the message goes
   to the dialogue (a phone for the ticket just filed first, when there is one).
4. ``AFTER_DELIVERY``: steps over the replies, in order: the cancel said outright gets its
   yes, 还没办 said first, the question after a yes, the offered request's first question
   answered, a person handed over, the second request held, filed at once, placed, taken
   with both or offered. Then the memory is written once and the replies returned.

Adding an early answer: write ``async def _my_stage(ctx: TurnContext) -> list[Reply] | None``
(None: not mine), add any flag it needs to ``FLAGS`` (a one-line, side-effect-free test of
the context), add one ``Stage("my_stage", _my_stage, needs=(...))`` row to ``STAGES`` where
it must come (earlier rows win), and one case to ``tests/conversation/test_stages.py``
(the table's names, and one table-driven case: it answers, and it stays quiet).
What the stage asks (the words read, the records looked up) goes in the module of its topic
with a public name, never here and never in ``turn.py``.
A rewrite of the message is a function over the context added to ``REWRITES`` (or
``AFTER_DELIVERY`` for a step over the replies) in its place.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import anyio
import structlog

from assistant import clock, form_turns
from assistant.booking.conversation import asks_if_eligible
from assistant.conversation import (
    after_emergency,
    bookings,
    commands,
    elder,
    errands,
    numbers,
    offers,
    person,
    ratings,
    recap,
    reports,
    split,
    state,
    store,
    two_requests,
    worded_intents,
)
from assistant.conversation.choices import (
    OutOfRange,
    Picked,
    out_of_range_text,
    plain_yes,
    record_message,
    resolve_choice,
    resolve_record,
)
from assistant.dialogue import Button, DialogueUnavailable, Reply
from assistant.safety import assess
from assistant.tickets.asking import asks_how_handled, asks_how_to_know

if TYPE_CHECKING:
    from assistant.db import Database
    from assistant.dialogue import DialogueClient
    from assistant.safety import SafetyVerdict

log = structlog.get_logger(__name__)


@dataclass
class TurnContext:
    """Everything one turn knows, read and decided: the locals of the old ``converse``."""

    client: DialogueClient
    db: Database | None
    sender: str
    stripped: str  # the words as read (a neutralised slash, a declined hand-off dropped)
    metadata: dict | None  # the channel's metadata, without a client's WORDS_KEY
    memory: store.Memory | None  # what the last turns left (None: unreadable)
    command: bool = False  # looks like a slash command and is one of the butler's buttons
    verdict: SafetyVerdict | None = None  # the safety net's, set by the ``safety_net`` stage
    answered_by: str | None = None  # the early stage that answered, if one did
    # What the dialogue gets, and what is remembered (the rewrites set them).
    message: str = ""  # ``stripped`` itself until a rewrite changes it (``untouched``)
    sent_metadata: dict | None = None
    new_pending: store.Pending | None = None  # the second request remembered after this turn
    local: list[Reply] | None = None  # the gateway's own answer: nothing reaches the dialogue
    # The gateway's own answer to part of the message (an errand it cannot run), said before the
    # answer to the rest (a report said with it), whoever answers that.
    said_first: list[Reply] = field(default_factory=list)
    follow_up: str | None = None  # a value answering the offered request's first question
    contact_first: str | None = None  # a phone for the ticket just filed, sent before the message
    both_at_once: bool = False  # 一是…二是…: both asked for outright, the second needs no offer
    hand_off: bool = False  # …，给我转个人工: a person asked for outright with another request
    cancel_first: bool = False  # a cancel said outright, then another request: the cancel needs no yes
    cancel_words: str = ""  # that cancel's words: its yes is sent only for the booking they name
    not_yet: Reply | None = None  # 路灯那件也报上了吧？ while it is offered: said before it is done
    split_now: bool = False  # two requests found in this very message
    asked_after_yes: str | None = None  # 对，那到时候短信会提醒我吧？: the question after the yes
    # What the dialogue answered (``deliver`` and the steps after it).
    replies: list[Reply] = field(default_factory=list)
    earlier: list[Reply] = field(default_factory=list)  # the answer to ``contact_first``

    @property
    def pending(self) -> store.Pending | None:
        """The second request remembered before this turn."""
        return self.memory.pending if self.memory is not None else None

    @property
    def last_texts(self) -> list[str]:
        return [said.text or "" for said in self.memory.last] if self.memory is not None else []

    @property
    def untouched(self) -> bool:
        """No rewrite has changed the message, none answered locally, and it is no command."""
        return self.local is None and self.message is self.stripped and not self.command

    @property
    def asked_if_done(self) -> bool:
        """两个都记上了吧 / 路灯那件也报上了吧？ naming the request still offered: it asks for it
        (taken in ``read_offer``, said so), so no recap answers it."""
        pending = self.pending
        return (
            not self.command
            and recap.asks_done(self.stripped)
            and pending is not None
            and pending.offered
            and (
                split.names_offer(self.stripped, pending.text, pending.intent)
                # 两个事都报上了吧: a report the resident told us is counted among "both" (a
                # booking or a question offered still needs its yes: the recap asks it again).
                or (pending.intent == "file_complaint" and recap.asks_all_done(self.stripped))
            )
        )

    @property
    def yes_to_both(self) -> bool:
        """两样都约上吧 at the first request's read-back: a yes to both, not a question."""
        pending = self.pending
        return (
            not self.command and pending is not None and not pending.offered and split.yes_to_both(self.stripped)
            and any((o.payload or "").strip() == "/affirm" for o in self.memory.options)
        )

    def with_words(self) -> dict:
        """The channel's metadata with the resident's words kept for the action."""
        return {**(self.metadata or {}), commands.WORDS_KEY: self.stripped}


# ---------------------------------------------------------------------------
# Flags: the guards of the stages, by name. Each is a side-effect-free test of the context.

FLAGS: dict[str, Callable[[TurnContext], bool]] = {
    # A slash command that is not one of the butler's own buttons.
    "command_not_allowed": lambda c: c.command
    and not commands.is_allowed(c.stripped, c.memory.payloads if c.memory else []),
    "no_command": lambda c: not c.command,
    "declines_person": lambda c: form_turns.declines_person(c.stripped),
    # Words the net finds plausibly acute (忘了说 那个井盖下面好像有人在喊) take no shortcut,
    # so the classifier's emergency vote is heard.
    "not_plausible": lambda c: not c.verdict.plausible,
    # The shortcuts answer before the dialogue: no command, no list to choose from, not acute.
    "shortcut": lambda c: not c.command and state.no_list_shown(c.memory.options) and not c.verdict.plausible,
    "handoff_phone_asked": lambda c: commands.asked_handoff_phone(c.last_texts),
    "recap_asked": lambda c: recap.asks_done(c.stripped) and not c.asked_if_done and not c.yes_to_both,
    "just_rated": lambda c: any(ratings.RATED_RE.search(said.text or "") for said in c.memory.last),
    "no_options": lambda c: not c.memory.options,
    "said_before": lambda c: bool(c.memory.last),
    "asks_how_to_know": lambda c: asks_how_to_know(c.stripped),
    "asks_how_handled": lambda c: asks_how_handled(c.stripped),
    "noise": lambda c: commands.is_noise(c.stripped),
    "answer_awaited": lambda c: state.answer_awaited(c.memory, c.pending),
}

Answer = Callable[[TurnContext], Awaitable["list[Reply] | None"]]


@dataclass(frozen=True)
class Stage:
    """One early answer: its name (logged as ``conversation_<name>``), the function, the flags
    it needs, and what the memory keeps when it answers: the options shown before
    (``keep_options``: a bool, or a test of the replies), the replies repeated
    (``keep_last``), or no second request (``drop_pending``)."""

    name: str
    run: Answer
    needs: tuple[str, ...] = ()
    keep_options: bool | Callable[[list[Reply]], bool] = False
    keep_last: bool = False
    drop_pending: bool = False

    def applies(self, ctx: TurnContext) -> bool:
        return all(FLAGS[flag](ctx) for flag in self.needs)

    def keeps_options(self, replies: list[Reply]) -> bool:
        return self.keep_options(replies) if callable(self.keep_options) else self.keep_options


# ---------------------------------------------------------------------------
# The gate: before anything reads the words.


async def _refuse_command(ctx: TurnContext) -> list[Reply] | None:
    """Intent syntax only from the butler's own buttons: a bare intent name gets a short
    answer and reaches neither Rasa nor the safety net; words after a slash lose the slash."""
    ctx.command = False
    if commands.is_intent_syntax(ctx.stripped):
        return [Reply(text=commands.NOT_A_COMMAND_TEXT)]
    log.info("conversation_command_neutralised", sender=ctx.sender)
    ctx.stripped = commands.neutralise(ctx.stripped)
    return None


async def _safety_net(ctx: TurnContext) -> list[Reply] | None:
    """An emergency is never read as a choice, an answer to an offer or two requests: it
    goes to the dialogue as it was said. So does everything when the memory is unreadable."""
    ctx.verdict = assess(ctx.stripped)
    if ctx.memory is None or ctx.verdict.emergency:
        return await ctx.client.deliver_or_degrade(ctx.sender, ctx.stripped, ctx.metadata)
    return None


async def _drop_declined_person(ctx: TurnContext) -> list[Reply] | None:
    """不用转人工，你帮我约个理发就行: the declined hand-off is dropped and the rest read as
    usual, so the NLU's request_human on its 转人工 never hands the resident over."""
    log.info("conversation_person_declined", sender=ctx.sender)
    ctx.stripped = form_turns.without_declined_person(ctx.stripped).strip() or "不用了"
    return None


# ---------------------------------------------------------------------------
# The early answers.


async def _elder(ctx: TurnContext) -> list[Reply] | None:
    """再说一遍 / 慢一点 / 我年纪大了: answered from the memory, never sent to Rasa (a form waits)."""
    return await elder.answer(state.database(ctx.db), ctx.sender, ctx.stripped, ctx.memory)


async def _number(ctx: TurnContext) -> list[Reply] | None:
    """那个号再说一遍 我拿笔记一下 / 啥叫工单号: the resident's own number again, from the records."""
    return await numbers.number_again(ctx.db, ctx.sender, ctx.stripped, ctx.memory)


async def _handoff_phone(ctx: TurnContext) -> list[Reply] | None:
    """转人工 → 留个手机号… → 13812348035: the number goes on the hand-off, said back."""
    taken = await person.handoff_contact(ctx.db, ctx.sender, ctx.stripped)
    if taken is not None and any(reports.TICKET_PHONE_ASK in text for text in ctx.last_texts):
        # 井盖松了…弄好了给我回个电话: the ticket asked for the phone in the same turn; the
        # number is on the hand-off now and goes on to the dialogue for the ticket too.
        log.info("conversation_handoff_and_ticket_contact", sender=ctx.sender)
        return None
    return taken


async def _recapped(ctx: TurnContext) -> list[Reply] | None:
    """两个都记上了吧 / 理发约上了吧: answered from the records, an open offer asked again."""
    return await recap.answer(ctx.db, ctx.sender, ctx.pending, ctx.memory.last)


async def _added(ctx: TurnContext) -> list[Reply] | None:
    """补充一下… / 再给他们加一句…: more words on the resident's own open ticket join it,
    whatever the classifier hears in them (a new report, a booking)."""
    return await reports.added_to_ticket(ctx.client, ctx.db, ctx.sender, ctx.stripped)


async def _reason(ctx: TurnContext) -> list[Reply] | None:
    """打个三分吧 → 已记下 → 来得太慢了 又停回来了: why, said unasked right after rating; it joins
    the rating (the dialogue hears a new report in it and asks "where?")."""
    return await ratings.reason_after_rating(ctx.client, ctx.db, ctx.sender, ctx.stripped)


async def _again(ctx: TurnContext) -> list[Reply] | None:
    """暖气不热啊 冰凉的 你们快给看看, minutes after reporting it: the same report again, said
    so with its number (the dialogue would file it anew and ask "where?")."""
    return await reports.report_said_again(ctx.client, ctx.db, ctx.sender, ctx.stripped)


async def _booking(ctx: TurnContext) -> list[Reply] | None:
    """YY… 这个还在吧 / 师傅几点来 right after 预约好了: the booking asked about, from the records
    (the classifier may hear a new booking in the id, or a ticket's progress)."""
    return await bookings.booking_asked(ctx.client, ctx.db, ctx.sender, ctx.stripped, ctx.memory.last)


async def _place(ctx: TurnContext) -> list[Reply] | None:
    """你们记的是哪个门 right after a ticket was filed: the place on it, from the records."""
    return await reports.recorded_place(ctx.client, ctx.db, ctx.sender, ctx.stripped, ctx.memory.last)


async def _someones(ctx: TurnContext) -> list[Reply] | None:
    """帮我查下502那户人家的电话 / 隔壁小区物业电话是多少: someone else's number, never given
    or made up, said so (the classifier hears a report in the problem said with it)."""
    return await errands.someones_number(ctx.client, ctx.sender, ctx.stripped)


async def _errand(ctx: TurnContext) -> list[Reply] | None:
    """帮我把电费交了 / 给我叫个出租车 / 每天早上给我打个电话: an errand the butler cannot run,
    said so with what the resident can do instead (``errands.errand_refused``). A report or a
    booking said with it (…另外楼道灯又坏了) is never swallowed: the can't is said first and the
    rest of the turn reads that request's words (no answer here)."""
    found = await errands.errand_refused(ctx.client, ctx.sender, ctx.stripped)
    if found is None:
        return None
    refused, besides = found
    if besides is None:
        return refused
    log.info("conversation_errand_with_request", sender=ctx.sender)
    ctx.said_first, ctx.stripped = refused, besides
    return None


async def _offered(ctx: TurnContext) -> list[Reply] | None:
    """那你们有陪着去医院的没有: yes, what it is, and one tap books it (the classifier may hear a
    question about the resident's own bookings in it; ``errands.service_offered``)."""
    return await errands.service_offered(ctx.client, ctx.sender, ctx.stripped)


async def _pushed_back(ctx: TurnContext) -> list[Reply] | None:
    """你们系统里看不到吗 / 大概估摸一下嘛, pressed right after a can't: the can't said again."""
    again = commands.pushed_back_said(ctx.stripped, ctx.memory.last[-1].text)
    return None if again is None else [Reply(text=again)]


async def _how_to_follow(ctx: TurnContext) -> list[Reply] | None:
    """那我咋知道办没办, right after reporting: how the outcome will reach them (their phone on the
    ticket, or its number to ask by), not the menu."""
    db, sender, said = ctx.db, ctx.sender, ctx.stripped
    return await state.told_outside_forms(
        ctx.client, sender, lambda: reports.follow_answer(db, sender, said), "ticket_lookup_failed"
    )


async def _how_handled(ctx: TurnContext) -> list[Reply] | None:
    """咋处理的, once the resident's report is handled: what staff wrote when they closed it."""
    db, sender, said = ctx.db, ctx.sender, ctx.stripped
    return await state.told_outside_forms(
        ctx.client, sender, lambda: reports.outcome_answer(db, sender, said), "ticket_lookup_failed"
    )


async def _demanded(ctx: TurnContext) -> list[Reply] | None:
    """那你们倒是再派人来看看啊, with an open report of theirs and no booking: what has been done
    with the report (the classifier may hear a booking question in it)."""
    return await reports.demand_for_ticket(ctx.client, ctx.db, ctx.sender, ctx.stripped)


async def _dropped(ctx: TurnContext) -> list[Reply] | None:
    """120打了，理发先不约了: the booking the emergency broke off is let go, said back (only
    when no form runs: without the tracker the words go on as they were said)."""
    dropped = after_emergency.dropped_after_emergency(ctx.stripped, ctx.memory)
    if dropped is None:
        return None
    try:
        running = await ctx.client.active_loop(ctx.sender)
    except DialogueUnavailable:
        running = "unknown"
    return [Reply(text=dropped)] if running is None else None


async def _noise(ctx: TurnContext) -> list[Reply] | None:
    """hjkl qwer at a read-back, a list, an offer or a question: letters with no word in
    them answer nothing (the classifier may hear a yes in them and confirm a read-back):
    the dialogue hears that it was not understood, and an open offer or list stays open.
    With nothing waiting, the words go to the dialogue as said (the flag is false)."""
    return await ctx.client.deliver_or_degrade(ctx.sender, commands.NOISE_MESSAGE, ctx.metadata)


def _no_buttons(replies: list[Reply]) -> bool:
    return not any(r.buttons for r in replies)


STAGES: tuple[Stage, ...] = (
    Stage("command_refused", _refuse_command, needs=("command_not_allowed",), keep_options=True),
    Stage("safety_net", _safety_net),
    Stage("person_declined", _drop_declined_person, needs=("no_command", "declines_person")),
    Stage("elder", _elder, keep_options=True, keep_last=True),
    Stage("number_again", _number, needs=("no_command",), keep_options=True),
    Stage("handoff_contact", _handoff_phone, needs=("no_command", "handoff_phone_asked")),
    Stage("recap", _recapped, needs=("no_command", "recap_asked")),
    Stage("added_to_ticket", _added, needs=("shortcut",)),
    Stage("reason_after_rating", _reason, needs=("shortcut", "just_rated")),
    Stage("report_said_again", _again, needs=("shortcut",)),
    Stage("booking_asked", _booking, needs=("no_command", "not_plausible")),
    Stage("recorded_place", _place, needs=("no_command", "not_plausible"), keep_options=True),
    Stage("someones_number", _someones, needs=("shortcut",)),
    Stage("errand_refused", _errand, needs=("shortcut",)),
    Stage("service_offered", _offered, needs=("shortcut",)),
    Stage("pushed_back", _pushed_back, needs=("no_command", "no_options", "said_before", "not_plausible")),
    Stage("how_to_follow", _how_to_follow, needs=("shortcut", "asks_how_to_know")),
    Stage("how_handled", _how_handled, needs=("shortcut", "asks_how_handled")),
    Stage("someone_demanded", _demanded, needs=("shortcut",)),
    Stage("dropped_after_emergency", _dropped, needs=("no_command",), drop_pending=True),
    Stage("noise", _noise, needs=("no_command", "noise", "answer_awaited"), keep_options=_no_buttons),
)

_unknown_flags = {flag for stage in STAGES for flag in stage.needs} - FLAGS.keys()
if _unknown_flags:  # a typo in a guard would silently never run its stage
    raise RuntimeError(f"stages need unknown flags: {sorted(_unknown_flags)}")


async def answer_early(ctx: TurnContext, stages: tuple[Stage, ...] = STAGES) -> list[Reply] | None:
    """The first stage (in table order) whose flags all hold and that answers: its replies,
    logged and remembered; None when none answers."""
    for stage in stages:
        if not stage.applies(ctx):
            continue
        replies = await stage.run(ctx)
        if replies is None:
            continue
        ctx.answered_by = stage.name
        log.info(f"conversation_{stage.name}", sender=ctx.sender)
        replies = [*ctx.said_first, *replies]
        if ctx.memory is not None:
            await state.remember(
                ctx.db, ctx.sender, ctx.memory, replies,
                pending=None if stage.drop_pending else ctx.pending,
                keep_options=stage.keeps_options(replies), keep_last=stage.keep_last,
            )
        return replies
    return None


# ---------------------------------------------------------------------------
# The rewrites: what the dialogue is sent.


async def read_offer(ctx: TurnContext) -> None:
    """The second request remembered: offered (a yes, a no, a value instead of 对, the first
    ticket's phone) or still waiting for its offer (asked for before it, or its values said)."""
    pending, said, memory = ctx.pending, ctx.stripped, ctx.memory
    if pending is not None and pending.offered:
        ctx.new_pending = None  # answered or passed over: either way the offer is spent
        taken = offers.taken_offer(said, pending.text, pending.intent)
        if taken is None and ctx.asked_if_done:
            taken = pending.text  # 两个事都报上了吧 while the second is offered: it is asked for
        if taken is not None:
            log.info("conversation_second_request_taken", sender=ctx.sender, intent=pending.intent)
            ctx.message = taken
            if ctx.asked_if_done:
                ctx.not_yet = Reply(text=f"“{split.offer_subject(pending.text)}”这件还没办，这就帮您办。")
        elif offers.declines_offer(said, pending.text, pending.intent):
            ctx.local = [Reply(text=offers.DECLINED_TEXT)]
        elif offers.offered_with_contact_question(memory.last) and offers.answers_contact(said) and not (
            pending.intent == "book_service" and bookings.has_booking_time(said)
        ):
            if offers.contact_for_both(said, pending):
                # The booking offered was asked for with its time (…顺便约个心理咨询 明天上午10点),
                # or the phone comes with the home address only a booking asks: the phone is the
                # ticket's and the booking's; the ticket takes it, then the booking starts with it
                # (its read-back still asks 对吗 before anything is booked).
                log.info("conversation_contact_for_ticket_and_offer", sender=ctx.sender)
                ctx.contact_first, ctx.message = said, f"{pending.text}，{said}"
            else:
                # The offer came with the first ticket's phone question still open: the phone
                # (or 不留) is that ticket's, and the offer is asked again once it is answered.
                log.info("conversation_contact_before_offer", sender=ctx.sender, intent=pending.intent)
                ctx.new_pending = store.Pending(pending.text, pending.intent, pending.at)
        elif split.is_bare_value(said):
            # 13022648170 / 我不留电话，匿名吧 / 明天下午两点: a yes that already answers.
            log.info("conversation_second_request_taken_with_value", sender=ctx.sender, intent=pending.intent)
            ctx.message, ctx.follow_up = pending.text, said
    elif (
        pending is not None
        and not ctx.command
        and not state.asks_yes_or_no(memory.options)
        and (asked := offers.asked_before_offer(said, pending)) is not None
    ):
        # 好的你帮我报上去 / 好的约 明天上午10点… while the request said with a question still
        # waits for its offer: the resident asks for it before it was offered; it goes now,
        # with the details said.
        log.info("conversation_second_request_asked_before_offer", sender=ctx.sender, intent=pending.intent)
        ctx.message, ctx.new_pending = asked, None
    elif (
        pending is not None
        and not pending.offered
        and not ctx.command
        and pending.intent == "book_service"
        and split.is_bare_value(said)
        and (bookings.has_booking_time(said) or offers.home_address_for(said, pending, memory.last))
        and not await state.form_running(ctx.client, ctx.sender)
    ):
        # 明天早上九点 电话139… while the booking said with a question still waits for its
        # offer (the answer ended on buttons of its own): the values are the booking's, asked
        # for before it was offered; no form runs that they could answer.
        log.info("conversation_second_request_values_before_offer", sender=ctx.sender)
        ctx.message, ctx.new_pending = f"{pending.text}，{said}", None


async def read_rating(ctx: TurnContext) -> None:
    """5 after the rating buttons, or a rating said unasked of a handled ticket: sent as the
    rating of that ticket."""
    said, memory = ctx.stripped, ctx.memory
    rating = (
        None if not ctx.untouched else (ratings.rating_said(said, memory.options) or ratings.rating_with_id(said))
    )
    if rating is not None:
        # 5 after the rating buttons: sent as the rating of that ticket (the classifier may
        # hear a bare digit as anything, even 再见).
        log.info("conversation_rating_by_number", sender=ctx.sender)
        ctx.message = rating
    elif ctx.untouched and not memory.options:
        unasked = await ratings.unasked_rating(ctx.client, ctx.db, ctx.sender, said)
        if unasked is not None:
            # 弄好了 蛮好额 谢谢侬 / 现在路宽敞了 你们要得 after staff handled the resident's
            # ticket: its rating, the words kept for the reason (heard as thanks or 报平安).
            log.info("conversation_unasked_rating", sender=ctx.sender)
            ctx.message, ctx.sent_metadata = unasked, ctx.with_words()


async def read_reminder_after_booking(ctx: TurnContext) -> None:
    """到时候提醒我一下哈 right after 预约好了: answered by what this channel can send (the
    classifier may hear a progress question in it)."""
    if ctx.untouched and bookings.reminder_after_booking(ctx.stripped, ctx.memory.last):
        log.info("conversation_reminder_after_booking", sender=ctx.sender)
        asked = await bookings.question_after_yes(ctx.client, ctx.db, ctx.sender, ctx.stripped, ctx.metadata)
        ctx.local = asked or None


async def read_cancel_said_again(ctx: TurnContext) -> None:
    """对 / 对 取消 right after 已经取消了…: the cancel is done (a pick from the list of bookings
    the resident asked to cancel does it at once), said so again with its number; the
    dialogue would hear a yes to nothing, or a cancel of another booking."""
    if ctx.untouched:
        done = bookings.cancel_said_again(ctx.stripped, ctx.memory)
        if done is not None:
            log.info("conversation_cancel_confirmed_again", sender=ctx.sender)
            ctx.local = [Reply(text=done)]


async def read_move_after_booking(ctx: TurnContext) -> None:
    """换个时间，改成下午两点半 right after 预约好了 while the classifier is unsure: the booking
    just made is moved (the classifier alone would not understand)."""
    if ctx.untouched:
        moved = await bookings.move_after_booking(ctx.client, ctx.stripped, ctx.memory.last)
        if moved is not None:
            log.info("conversation_move_after_booking", sender=ctx.sender)
            ctx.message = moved


async def read_contact_after_booking(ctx: TurnContext) -> None:
    """哎刚才电话留错了 最后一位是8 139… right after 预约好了: the booking's phone (or address)
    is put right and said back (the classifier may not place the words)."""
    if ctx.untouched:
        fixed = await bookings.contact_after_booking(ctx.db, ctx.sender, ctx.stripped, ctx.memory.last)
        if fixed is not None:
            log.info("conversation_contact_after_booking", sender=ctx.sender)
            ctx.local = [Reply(text=fixed)]


async def read_emergency_update(ctx: TurnContext) -> None:
    """他走了 好像往楼下跑了 right after an emergency, heard as a goodbye, a greeting, thanks or
    the menu: sent as an update on it (``after_emergency.emergency_update``), the words kept for the
    action. Words the net finds plausibly acute too: only a goodbye-like reading is rerouted,
    so the classifier's own emergency vote is heard as it is."""
    if ctx.untouched:
        update = await after_emergency.emergency_update(ctx.client, ctx.stripped, ctx.memory)
        if update is not None:
            log.info("conversation_emergency_update", sender=ctx.sender)
            ctx.message, ctx.sent_metadata = update, ctx.with_words()


async def read_worded_intent(ctx: TurnContext) -> None:
    """Words the classifier may not place, sent as the intent they are, the words kept for the
    action (commands.WORDS_KEY): see ``worded_intents.worded_intent``."""
    if ctx.untouched:
        worded = worded_intents.worded_intent(ctx.stripped, ctx.memory)
        if worded is not None:
            log.info("conversation_worded_intent", sender=ctx.sender, intent=worded.split("{", 1)[0])
            ctx.message, ctx.sent_metadata = worded, ctx.with_words()


async def read_cancel_by_time(ctx: TurnContext) -> None:
    """四点那个不要了 with two bookings: the one at that time, sent as its cancel (the classifier
    may not place the words), the words kept for the action. With a list or a yes/no shown,
    三点那个 is about what was shown; inside a running form (a booking asking its time) the
    time named is about the question asked, not a booking to cancel."""
    if ctx.untouched and not ctx.memory.options:
        by_time = await bookings.cancel_by_time(ctx.db, ctx.sender, ctx.stripped)
        if by_time is not None and not await state.form_running(ctx.client, ctx.sender):
            log.info("conversation_cancel_by_time", sender=ctx.sender)
            ctx.message, ctx.sent_metadata = by_time, ctx.with_words()


async def read_yes_to_both(ctx: TurnContext) -> None:
    """对，两个都对 at the first request's read-back: its yes (the second follows after delivery)."""
    pending = ctx.pending
    yes_buttons = [o for o in ctx.memory.options if (o.payload or "").strip() == "/affirm" and plain_yes(o.title)]
    if (
        ctx.untouched and len(yes_buttons) == 1
        and pending is not None and not pending.offered and split.yes_to_both(ctx.stripped)
    ):
        ctx.message = yes_buttons[0].message()


async def read_choice(ctx: TurnContext) -> None:
    """What the message picks from what was shown: a yes then a question, a button by number
    or name, the booking offered asked for in words, an ordinal past the end, a record of a
    list; else the request itself (``_read_request``)."""
    if not ctx.untouched:
        return
    said, options = ctx.stripped, ctx.memory.options
    yes_then = bookings.yes_then_question(said, options)
    choice = resolve_choice(said, options)
    if yes_then is not None:
        # 对，那到时候短信会提醒我吧？ at a yes/no question: the yes is its button, the
        # question is answered after it (the NLU would hear only the question).
        log.info("conversation_yes_then_question", sender=ctx.sender)
        ctx.message, ctx.asked_after_yes = yes_then
    elif isinstance(choice, Picked):
        log.info("conversation_choice", sender=ctx.sender, title=choice.option.title)
        ctx.message = choice.option.message()
        if ctx.message.startswith(bookings.CANCEL_PAYLOAD) and said != choice.option.title:
            # 助浴那个退了吧: the booking picked, and the words (a cancel said again) kept.
            ctx.sent_metadata = ctx.with_words()
    elif (offered := bookings.offered_booking_taken(said, options)) is not None:
        # 那给我订一个 明儿中午十一点半 at 要帮您约助餐吗？[约助餐 | 不用了]: the booking offered,
        # asked for in words; the time said with it answers its first question.
        log.info("conversation_offered_booking_taken", sender=ctx.sender)
        ctx.message = offered
        if bookings.has_booking_details(said) or asks_if_eligible(said):
            ctx.follow_up = said  # …她能约不: the age question the form asks first takes the words
    elif isinstance(choice, OutOfRange):
        # An ordinal past the end keeps the list it was counted on.
        ctx.local = [
            Reply(
                text=out_of_range_text(choice),
                buttons=[Button(o.title, o.message()) for o in choice.options],
            )
        ]
    elif (record := resolve_record(said, state.records_listed(ctx.memory.last))) is not None:
        # 2 / 把中间那个取消了 / 第一件怎么样了 after the butler listed the resident's
        # bookings or tickets as lines (no buttons): that record, with what is asked of it.
        option, asked = record
        log.info("conversation_record_choice", sender=ctx.sender, asked=asked or "which")
        ctx.message = record_message(option, asked)
        if ctx.message.startswith(bookings.CANCEL_PAYLOAD):
            ctx.sent_metadata = ctx.with_words()
        elif not ctx.message.startswith("/"):
            told = await bookings.booking_asked(ctx.client, ctx.db, ctx.sender, ctx.message, [], anywhere=True)
            if told is not None:
                ctx.local = told
    else:
        await _read_request(ctx)


async def _read_request(ctx: TurnContext) -> None:
    """Nothing shown was picked: a person asked for (with another request, or alone), two
    requests in one message, or a booking said as a bare service, its free times or its values."""
    client, sender, said = ctx.client, ctx.sender, ctx.stripped
    rest = await person.besides_person(client, said)
    if rest is not None:
        log.info("conversation_person_with_request", sender=sender)
        ctx.message, ctx.hand_off = rest, True
    elif split.asks_person(said) and await person.person_missed(client, said):
        # 俺不会弄这个手机，你给俺找个人说说中不中: a person and nothing else, which the
        # classifier reads as something else: sent as the words it knows.
        log.info("conversation_person_asked", sender=sender)
        ctx.message = split.HAND_OFF_MESSAGE
    found = await two_requests.two_requests(client, ctx.message)
    if found is not None:
        ctx.split_now = True
        first, second, intent, counted = found
        log.info("conversation_two_requests", sender=sender, second_intent=intent, counted=counted)
        ctx.message = first
        ctx.new_pending = store.Pending(second, intent, clock.now())
        ctx.both_at_once = counted
        ctx.cancel_first, ctx.cancel_words = bookings.cancels_outright(first), first
        # 理发不要了 取消吧 给我爸换个助浴…: a booking cancelled to book another in one
        # breath is one change of plan; the new booking starts right after the cancel.
        ctx.both_at_once = ctx.both_at_once or (ctx.cancel_first and intent == "book_service")
    elif not ctx.hand_off:
        wished = await bookings.bare_service(client, sender, said)
        times_of = None if wished is not None else await bookings.free_times_asked(client, sender, said)
        if wished is not None:
            log.info("conversation_bare_service", sender=sender, service=wished)
            ctx.message = f'/book_service{{"service_type": "{wished}"}}'
        elif times_of is not None:
            # 明天能剪头不 都有啥时间: the booking starts, and the words answer its time
            # question (the free times of that day are listed).
            log.info("conversation_free_times_of_a_service", sender=sender, service=times_of)
            ctx.message, ctx.follow_up = f'/book_service{{"service_type": "{times_of}"}}', said
        elif (line := await bookings.booking_line(client, sender, said)) is not None:
            # 保洁 明天 下午两点 3号楼501 139…: a booking said as its values alone, which
            # the classifier heard as something else (a report, a phone for the ticket
            # just filed): the booking starts and the words answer its questions.
            log.info("conversation_booking_line", sender=sender, service=line)
            ctx.message, ctx.follow_up = f'/book_service{{"service_type": "{line}"}}', said


REWRITES: tuple[Callable[[TurnContext], Awaitable[None]], ...] = (
    read_offer,
    read_rating,
    read_reminder_after_booking,
    read_cancel_said_again,
    read_move_after_booking,
    read_contact_after_booking,
    read_emergency_update,
    read_worded_intent,
    read_cancel_by_time,
    read_yes_to_both,
    read_choice,
)


# ---------------------------------------------------------------------------
# Delivery, and the steps over the dialogue's replies.


async def deliver(ctx: TurnContext) -> None:
    """The message to the dialogue (a phone for the ticket just filed first, if any)."""
    if ctx.contact_first is not None:
        ctx.earlier = await ctx.client.deliver_or_degrade(ctx.sender, ctx.contact_first, ctx.metadata)
    ctx.replies = await ctx.client.deliver_or_degrade(ctx.sender, ctx.message, ctx.sent_metadata)


async def confirm_cancel_said_outright(ctx: TurnContext) -> None:
    """The cancel said outright with another request (维修不用了 给取消了吧 还有…报一下): the
    words are its yes; asking again would hold the other request behind a question. Only
    for the booking the words name (那个投诉不用了 撤销吧 names none: a booking it did not
    mention is never cancelled on a yes nobody gave; the question stays asked)."""
    replies = ctx.replies
    if ctx.cancel_first and replies and bookings.asks_to_cancel([store.Said(replies[-1].text, [
        (b.title, b.payload) for b in replies[-1].buttons
    ])]) and bookings.cancel_names_asked(ctx.cancel_words, replies[-1].text):
        log.info("conversation_cancel_with_another_request", sender=ctx.sender)
        ctx.replies = [*replies[:-1], *await ctx.client.deliver_or_degrade(ctx.sender, "/affirm", ctx.metadata)]


async def say_not_yet(ctx: TurnContext) -> None:
    """路灯那件也报上了吧？ while it was offered: 还没办 said before it is done."""
    if ctx.not_yet is not None:
        ctx.replies = [ctx.not_yet, *ctx.replies]


async def answer_question_after_yes(ctx: TurnContext) -> None:
    """对，那到时候短信会提醒我吧？: the question after the yes, answered after it."""
    if ctx.asked_after_yes is not None:
        ctx.replies = [*ctx.replies, *await bookings.question_after_yes(
            ctx.client, ctx.db, ctx.sender, ctx.asked_after_yes, ctx.metadata)]


async def answer_first_question(ctx: TurnContext) -> None:
    """The offered request asks its first question; the value said with the yes answers it."""
    if ctx.follow_up is not None and ctx.replies and await state.form_running(ctx.client, ctx.sender):
        ctx.replies = await ctx.client.deliver_or_degrade(ctx.sender, ctx.follow_up, ctx.metadata)


async def say_contact_first(ctx: TurnContext) -> None:
    """The ticket's phone said back before the booking it starts."""
    ctx.replies = [*ctx.earlier, *ctx.replies]


async def hand_off_after_request(ctx: TurnContext) -> None:
    """A person asked for outright: done right after the first request, whether or not its form
    still asks something (a hand-off inside a form is recorded and the form goes on)."""
    if ctx.hand_off:
        log.info("conversation_hand_off_after_request", sender=ctx.sender)
        ctx.replies = [*ctx.replies, *await ctx.client.deliver_or_degrade(
            ctx.sender, split.HAND_OFF_MESSAGE, ctx.metadata)]


async def hold_second_question(ctx: TurnContext) -> None:
    """养老金咋查 还有医保卡丢了咋补办 met with "您是想问…吗？": the yes/no stays the last thing
    said (answering the second now would replace the first's topic, and 对 would answer
    nothing); the second waits, said so, and is offered once the first is answered."""
    new_pending, replies = ctx.new_pending, ctx.replies
    if new_pending is not None and new_pending.intent == "ask_policy" and state.asks_did_you_mean(replies):
        ctx.both_at_once = False
        ctx.replies = [*replies[:-1], Reply(text=f"您的另一个问题“{new_pending.text}”，等这个说清楚了接着回答您。"),
                       replies[-1]]


async def file_second_at_once(ctx: TurnContext) -> None:
    """一是…二是… (both asked for outright): the second goes as soon as the first is done; a
    second question is answered too when the first was answered outright."""
    new_pending = ctx.new_pending
    if ctx.both_at_once and new_pending is not None and (
        await state.first_done(ctx.client, ctx.sender, ctx.replies)
        or (new_pending.intent == "ask_policy" and not await state.form_running(ctx.client, ctx.sender))
    ):
        log.info("conversation_second_request_filed_at_once", sender=ctx.sender, intent=new_pending.intent)
        ctx.replies = [*ctx.replies, *await ctx.client.deliver_or_degrade(ctx.sender, new_pending.text, ctx.metadata)]
        ctx.new_pending = None


async def place_waiting_report(ctx: TurnContext) -> None:
    """狗屎在1029号楼门前，跳舞的在1029号楼旁边的小广场, answering the first report's where: the
    clause about the waiting report is its place, kept with it (never asked again)."""
    new_pending = ctx.new_pending
    if new_pending is not None and new_pending is ctx.pending and ctx.message is ctx.stripped and not ctx.command:
        placed = offers.place_of_waiting_report(new_pending, ctx.stripped)
        if placed is not None:
            log.info("conversation_waiting_report_placed", sender=ctx.sender)
            new_pending.text = placed


async def take_second_with_both(ctx: TurnContext) -> None:
    """对，两个都对 at the first request's read-back: the yes covers the second too, which starts
    right away with what was said for it. Its own read-back is shown and asks its own 对
    (review20 #39: the yes was given to the first read-back; the second's fee, address and
    phone were never shown)."""
    new_pending = ctx.new_pending
    if (
        new_pending is not None
        and not new_pending.offered
        and not ctx.split_now
        and split.yes_to_both(ctx.stripped)
        and await state.first_done(ctx.client, ctx.sender, ctx.replies)
    ):
        log.info("conversation_second_request_taken_with_both", sender=ctx.sender, intent=new_pending.intent)
        second = await bookings.deliver_second_booking(ctx.client, ctx.sender, new_pending, ctx.metadata)
        ctx.replies = [*ctx.replies, *second]
        ctx.new_pending = None


async def offer_second_request(ctx: TurnContext) -> None:
    """The second request is offered once the first is done (no form left running, no yes/no
    open); found in this very message and not yet offerable, it is said to be heard."""
    new_pending, replies = ctx.new_pending, ctx.replies
    if new_pending is not None and not new_pending.offered and await state.first_done(ctx.client, ctx.sender, replies):
        offer = Reply(
            text=split.offer_text(new_pending.text, new_pending.intent),
            buttons=[Button("好的", "/affirm"), Button("不用了", "/deny")],
        )
        ctx.replies = [*replies, offer]
        new_pending.offered = True
    elif ctx.split_now and new_pending is not None and not new_pending.offered and replies:
        # 先约理发 居住证的事待会儿说: the first request asks its questions, and the resident
        # hears at once that the second was heard too (it is offered once the first is done).
        note = split.later_text(new_pending.text, new_pending.intent)
        if note and not any(split.offer_subject(new_pending.text) in (r.text or "") for r in replies):
            ctx.replies = [*replies[:-1], Reply(text=note), replies[-1]]


async def say_first_what_was_said_first(ctx: TurnContext) -> None:
    """The gateway's own answer to part of the message (帮我把电费交了: can't) before the dialogue's
    answer to the rest (另外楼道灯又坏了: the report taken)."""
    if ctx.said_first:
        ctx.replies = [*ctx.said_first, *ctx.replies]


AFTER_DELIVERY: tuple[Callable[[TurnContext], Awaitable[None]], ...] = (
    confirm_cancel_said_outright,
    say_not_yet,
    answer_question_after_yes,
    answer_first_question,
    say_contact_first,
    hand_off_after_request,
    hold_second_question,
    file_second_at_once,
    place_waiting_report,
    take_second_with_both,
    offer_second_request,
    say_first_what_was_said_first,
)


# ---------------------------------------------------------------------------
# The turn.


async def open_turn(
    client: DialogueClient, sender: str, text: str, metadata: dict | None, db: Database | None
) -> TurnContext:
    """The context of a new turn: the words stripped, the metadata without a client's
    WORDS_KEY (the words behind a payload are the layer's to keep), the memory read (None
    if it cannot be: the memory is a help, never a reason to fail)."""
    stripped = text.strip()
    metadata = {k: v for k, v in (metadata or {}).items() if k != commands.WORDS_KEY} if metadata else metadata
    try:
        memory: store.Memory | None = await anyio.to_thread.run_sync(store.load, state.database(db), sender)
    except Exception as exc:  # noqa: BLE001 - the memory is a help, never a reason to fail
        log.warning("conversation_memory_unavailable", error=type(exc).__name__)
        memory = None
    return TurnContext(
        client=client, db=db, sender=sender, stripped=stripped, metadata=metadata, memory=memory,
        command=commands.looks_like_command(stripped), sent_metadata=metadata,
    )


async def run_turn(
    client: DialogueClient, sender: str, text: str, metadata: dict | None = None, db: Database | None = None
) -> list[Reply]:
    """One resident message through the four phases (module docstring)."""
    ctx = await open_turn(client, sender, text, metadata, db)
    early = await answer_early(ctx)
    if early is not None:
        return early

    ctx.message, ctx.new_pending = ctx.stripped, ctx.pending
    for rewrite in REWRITES:
        await rewrite(ctx)
    if ctx.local is not None:
        # An ordinal past the end keeps the list it was counted on.
        keep_options = bool(ctx.local[0].buttons)
        ctx.local = [*ctx.said_first, *ctx.local]
        await state.remember(db, sender, ctx.memory, ctx.local, pending=ctx.new_pending, keep_options=keep_options)
        return ctx.local

    await deliver(ctx)
    for step in AFTER_DELIVERY:
        await step(ctx)
    await state.remember(db, sender, ctx.memory, ctx.replies, pending=ctx.new_pending)
    return ctx.replies
