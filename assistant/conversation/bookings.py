"""The resident's bookings as the conversation meets them, before and after the dialogue.

A booking asked about (``booking_asked``); a booking said as a bare service, its free times
or its values alone (``bare_service``, ``free_times_asked``, ``booking_line``); the booking
offered asked for in words (``offered_booking_taken``); a cancel by time, said outright or
said again (``cancel_by_time``, ``cancels_outright``, ``cancel_said_again``); right after a
booking was made, a reminder, a move or its contact put right (``BOOKED_RE``); its read-back
corrected or put off (``corrects_readback``, ``hedges_at_readback``); the question after a
yes (``yes_then_question``, ``question_after_yes``); and the waiting booking started
(``deliver_second_booking``). The booking rules themselves are
``assistant.booking.conversation``'s: this module only reads the turn.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import anyio
import structlog

from assistant import clock, form_turns
from assistant.conversation import split, state, store
from assistant.booking.conversation import MOVED_OPENING
from assistant.booking.service import BOOKED_OPENING, READBACK_OPENING
from assistant.conversation.choices import plain_yes

if TYPE_CHECKING:
    from assistant.db import Database
    from assistant.dialogue import DialogueClient, Reply

log = structlog.get_logger(__name__)


def has_booking_time(said: str) -> bool:
    """A day or a clock time said: only a booking asks for one (a ticket's phone never does)."""
    from assistant.booking.conversation import time_from

    return time_from(said) is not None


def has_booking_details(said: str) -> bool:
    """A time, a phone or an address said in the message."""
    from assistant.booking.conversation import address_in, phone_from, time_from

    return bool(time_from(said) or phone_from(said) or address_in(said))


def offered_booking_taken(said: str, options) -> str | None:  # noqa: ANN001 - remembered options
    """The booking button's message when the butler offered one service's booking (要帮您约助餐吗？
    with 约助餐 / 不用了) and the resident asks for it in words (那给我订一个 / 好 给俺约上 明天
    中午), or asks whether the person they tell of may have it (我老伴八十二了 腿脚不利索 她能约不:
    the form's age question answers it, with the words): a wish to book naming no other
    service. None otherwise."""
    from assistant.booking.conversation import asks_if_eligible, service_asked_for, wishes_to_book

    booking = [o for o in options if (o.payload or "").startswith("/book_service{")]
    if len(booking) != 1 or not (wishes_to_book(said) or asks_if_eligible(said)):
        return None
    try:
        offered = json.loads(booking[0].payload[len("/book_service") :]).get("service_type")
    except (ValueError, AttributeError):
        return None
    named = service_asked_for(said)
    return booking[0].message() if offered and named in (None, offered) else None


async def booking_asked(
    client: DialogueClient, db: Database | None, sender: str, said: str, last: list[store.Said], *,
    anywhere: bool = False,
) -> list[Reply] | None:
    """The answer to a booking of the resident's asked about by its id (YY… 这个还在吧), or
    to 师傅几点来 (the booking just made, else the only one), outside forms (``anywhere``:
    a record picked from a list is answered inside one too); None otherwise."""
    from assistant.booking.conversation import asks_when_worker_comes, booking_asked_by_id, visit_time_text
    from assistant.booking.service import find_booking_id
    from assistant.dialogue import Reply

    by_id = find_booking_id(said) is not None
    if not by_id and not asks_when_worker_comes(said):
        return None
    made = [s.text for s in last if BOOKED_RE.search(s.text or "")]
    just_booked = _BOOKING_ID_RE.search(made[-1]) if made else None

    def answer() -> str | None:
        database = state.database(db)
        if by_id:
            return booking_asked_by_id(database, sender, said, now=clock.local_now())
        return visit_time_text(database, sender, said, booking_id=just_booked.group(1) if just_booked else None,
                               now=clock.local_now())

    if anywhere:
        try:
            told = await anyio.to_thread.run_sync(answer)
        except Exception as exc:  # noqa: BLE001 - the records are a help here
            log.warning("conversation_booking_asked_unavailable", error=type(exc).__name__)
            return None
        return [Reply(text=told)] if told else None
    return await state.told_outside_forms(client, sender, answer, "conversation_booking_asked_unavailable")


def cancel_names_asked(words: str, question: str) -> bool:
    from assistant.booking.conversation import cancel_names_asked

    return cancel_names_asked(words, question)


def cancels_outright(part: str) -> bool:
    """The part cancels a booking in plain words (理发不要了 取消吧 / 给取消了吧): no question,
    no keeping it, no hesitation."""
    from assistant.booking.conversation import cancels_again

    return cancels_again(part) and not split.HESITATES_RE.search(part)


# The cancel question (assistant.booking.conversation.cancel_question), with its 对 / 不对.
CANCEL_QUESTION_RE = re.compile(r"^要取消.*吗[？?]$")


def asks_to_cancel(last: list[store.Said]) -> bool:
    asked = last[-1] if last else None
    return (
        asked is not None
        and bool(CANCEL_QUESTION_RE.match((asked.text or "").strip()))
        and {p.strip() for _, p in asked.buttons} >= state.YES_NO_PAYLOADS
    )


CANCEL_PAYLOAD = "/cancel_booking"


# The booking read-back (assistant.booking.service.confirmation_text, and its short
# sentences for elders), asked with its 对 / 不对 buttons: known by the service's own words.
BOOKING_READBACK_RE = re.compile("^" + re.escape(READBACK_OPENING))


def corrects_readback(said: str, last: list[store.Said]) -> bool:
    """The message corrects one answer of the booking read-back just asked, with the new
    value (是18号楼，别的不变 / 手机尾号是4417): not leaving, not a bare 不对 (the
    read-back asks which one itself), not a question put to it."""
    from assistant.booking.conversation import changes_mind_on_value, correction_from, hedges

    asked = last[-1] if last else None
    if asked is None or not BOOKING_READBACK_RE.match(asked.text or ""):
        return False
    if not {p.strip() for _, p in asked.buttons} >= state.YES_NO_PAYLOADS:
        return False
    # 唉 算了算了 还是上午十点吧: 算了 lets go of the change just made, the value is the answer.
    stops = form_turns.is_stop(said) and not changes_mind_on_value(said, now=clock.local_now())
    if stops or hedges(said) or re.search(r"[?？吗]", said):
        return False
    correction = correction_from(said, now=clock.local_now())
    return correction is not None and correction.slot is not None and correction.value is not None


def hedges_at_readback(said: str, last: list[store.Said]) -> bool:
    """The message puts off the booking read-back just asked (我再想想 / 先这样吧，回去商量
    商量再约), with no correction and no question in it."""
    from assistant.booking.conversation import correction_from, hedges

    asked = last[-1] if last else None
    if asked is None or not BOOKING_READBACK_RE.match(asked.text or ""):
        return False
    if not {p.strip() for _, p in asked.buttons} >= state.YES_NO_PAYLOADS:
        return False
    if not hedges(said) or re.search(r"[?？吗]", said) or form_turns.is_stop(said):
        return False
    return correction_from(said, now=clock.local_now()) is None


async def deliver_second_booking(
    client: DialogueClient, sender: str, pending: store.Pending, metadata: dict | None
) -> list[Reply]:
    """The waiting request sent on: a booking of a service its words name starts as that
    service's booking, and the words then answer its questions (借明天下午三点的活动室: words
    the classifier may not place); anything else goes as it was said."""
    from assistant.booking.conversation import service_asked_for

    service = service_asked_for(pending.text) if pending.intent == "book_service" else None
    if service is None:
        return await client.deliver_or_degrade(sender, pending.text, metadata)
    started = await client.deliver_or_degrade(sender, f'/book_service{{"service_type": "{service}"}}', metadata)
    if started and await state.form_running(client, sender):
        return await client.deliver_or_degrade(sender, pending.text, metadata)
    return started


# The butler's words for a booking just made or moved (service.booked_text, conversation.moved_text),
# known by their own openings.
BOOKED_RE = re.compile(f"{re.escape(BOOKED_OPENING)}|{re.escape(MOVED_OPENING)}")


def cancel_said_again(said: str, memory: store.Memory) -> str | None:
    """对 / 对 取消 right after the butler said a booking was cancelled (a pick from the list
    of bookings to cancel does it at once): the cancel is done; said so with its number."""
    from assistant.booking.conversation import cancel_confirmed_again

    if memory.options:
        return None
    return cancel_confirmed_again(said, [s.text or "" for s in memory.last])


def reminder_after_booking(said: str, last: list[store.Said]) -> bool:
    """A reminder asked for (到时候提醒我一下哈 我记性不好) right after a booking was made."""
    from assistant.conversation.commands import asks_reminder

    return any(BOOKED_RE.search(s.text or "") for s in last) and asks_reminder(said)


# 换个时间 / 改成… / 挪到…: a change of time asked for in words.
_MOVE_WORDS_RE = re.compile(
    r"(?:换|改|调|挪)(?:个|一下|下)?(?:时间|钟点|日子|点儿?)|改到|改成|改在|换到|换成|挪到|推到|调到|延到|提前到"
)


_BOOKING_ID_RE = re.compile(r"预约号\s*([A-Z]{2}\d{8,})")


async def move_after_booking(client: DialogueClient, said: str, last: list[store.Said]) -> str | None:
    """The reschedule payload for 换个时间，改成下午两点半 said right after a booking was
    made (预约好了…预约号YY…), when the message asks for a change and carries the new time
    and the classifier is unsure what it is; None otherwise (a confident classifier, no
    booking just made, no time, or a cancel said)."""
    import json

    from assistant.booking.conversation import reschedule_target
    from assistant.dialogue import DialogueUnavailable

    made = [s.text for s in last if BOOKED_RE.search(s.text or "")]
    if not made or not _MOVE_WORDS_RE.search(said):
        return None
    booked = _BOOKING_ID_RE.search(made[-1])
    if form_turns.is_stop(said) or re.search(r"取消|不约|退掉", said):
        return None
    if re.search(r"的话|如果|要是|假如", said):
        return None  # 改成下午的话要加钱吗: asked about a move, not asked for
    target = reschedule_target(said)
    if target is None:
        return None
    try:
        parsed = await client.parse(said)
    except DialogueUnavailable:
        return None
    intent = parsed.get("intent") or {}
    if intent.get("name") != "nlu_fallback" and float(intent.get("confidence") or 0) >= split.MIN_CONFIDENCE:
        return None
    entities = {**({"booking_id": booked.group(1)} if booked else {}), "time": target}
    return "/reschedule_booking" + json.dumps(entities, ensure_ascii=False)


async def contact_after_booking(db: Database | None, sender: str, said: str, last: list[store.Said]) -> str | None:
    """The reply for a phone or an address put right right after a booking was made
    (``booking.conversation.contact_fixed_after_booking``), or None."""
    from assistant.booking.conversation import contact_fixed_after_booking

    made = [s.text for s in last if BOOKED_RE.search(s.text or "")]
    booked = _BOOKING_ID_RE.search(made[-1]) if made else None
    if booked is None:
        return None
    try:
        return await anyio.to_thread.run_sync(
            lambda: contact_fixed_after_booking(state.database(db), sender, booked.group(1), said, now=clock.local_now())
        )
    except Exception as exc:  # noqa: BLE001 - the booking is a help here, never a reason to fail
        log.warning("conversation_contact_after_booking_failed", error=type(exc).__name__)
        return None


def yes_then_question(said: str, options) -> tuple[str, str] | None:  # noqa: ANN001 - remembered options
    """(the yes button's message, the question) when the message answers the butler's
    yes/no question with a plain yes and then asks something (对，那到时候短信会提醒我吧？);
    None otherwise."""
    from assistant.booking.conversation import yes_then_question

    yes = [o for o in options or [] if (o.payload or "").strip() == "/affirm" and plain_yes(o.title)]
    if len(yes) != 1:
        return None
    question = yes_then_question(said)
    return (yes[0].message(), question) if question else None


async def question_after_yes(
    client: DialogueClient, db: Database | None, sender: str, question: str, metadata: dict | None
) -> list[Reply]:
    """The question said after a yes: a reminder is answered by what this channel can
    really send (``booking.conversation.reminder_asked_text``); anything else goes to
    the dialogue as a question of its own."""
    from assistant.booking.conversation import asks_to_be_reminded, reminder_asked_text
    from assistant.dialogue import Reply

    if asks_to_be_reminded(question):
        try:
            text = await anyio.to_thread.run_sync(lambda: reminder_asked_text(state.database(db), sender))
        except Exception as exc:  # noqa: BLE001 - the booking is made; the answer is a help
            log.warning("conversation_reminder_answer_unavailable", error=type(exc).__name__)
            return []
        return [Reply(text=text)]
    return await client.deliver_or_degrade(sender, question, metadata)


async def bare_service(client: DialogueClient, sender: str, text: str) -> str | None:
    """The service a message that is nothing but its everyday name wants booked (剪头,
    洗澡吧: words an elder says, which the classifier may not be sure of), when no
    form is running (inside one it is the form's answer); None otherwise."""
    from assistant.booking.conversation import bare_service_request
    from assistant.dialogue import DialogueUnavailable

    service = bare_service_request(text)
    if service is None:
        return None
    try:
        return service if await client.active_loop(sender) is None else None
    except DialogueUnavailable:
        return None


async def free_times_asked(client: DialogueClient, sender: str, text: str) -> str | None:
    """The service whose free times a message asks for (明天能剪头不 都有啥时间), when no
    form is running and the classifier hears no booking in it (no task, or a question
    about bookings or policy: its words name the service and ask for times, a booking);
    None otherwise."""
    from assistant.booking.conversation import asks_free_times, service_from

    service = service_from(text)
    if service is None or not asks_free_times(text):
        return None
    parsed = await state.parsed_outside_forms(client, sender, text)
    if parsed is None:
        return None
    return None if split.task_intent(parsed) in ("book_service", "cancel_booking") else service


async def cancel_by_time(db: Database | None, sender: str, text: str) -> str | None:
    from assistant.booking.conversation import cancel_by_time

    try:
        return await anyio.to_thread.run_sync(lambda: cancel_by_time(state.database(db), sender, text))
    except Exception as exc:  # noqa: BLE001 - the bookings are a help here, never a reason to fail
        log.warning("conversation_cancel_by_time_unavailable", error=type(exc).__name__)
        return None


async def booking_line(client: DialogueClient, sender: str, text: str) -> str | None:
    """The service of a message that is nothing but a booking's values (``booking_line``),
    when no form is running (inside one they are its answers) and the classifier hears no
    booking task in it; None otherwise."""
    from assistant.booking.conversation import booking_line

    service = booking_line(text)
    if service is None:
        return None
    parsed = await state.parsed_outside_forms(client, sender, text)
    if parsed is None:
        return None
    # Any booking task the classifier hears (a query or a move of the booking they have too)
    # goes on as said: only words it cannot place are a new booking.
    # (reschedule_booking is no TASK_INTENT of the splitter, so the intent is read here.)
    intent = parsed.get("intent") or {}
    booking_tasks = ("book_service", "cancel_booking", "query_booking", "reschedule_booking")
    heard = intent.get("name") if float(intent.get("confidence") or 0) >= split.MIN_CONFIDENCE else None
    return None if heard in booking_tasks else service
