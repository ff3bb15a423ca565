"""Conversation basics: repeat, hand-off to a person, misunderstandings."""

from __future__ import annotations

import re
from typing import Any

import structlog
from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from assistant import form_turns
from assistant.channels import can_receive_reminders
from assistant.conversation import commands
from assistant.db import get_database
from assistant.residents.profile import speech_profile
from assistant.residents.service import (
    handoff_phone,
    handoff_reply,
    has_open_handoff,
    remember_contact,
    request_handoff,
)
from assistant.kb.followup import follows_answer
from assistant.settings import get_settings
from assistant.tickets.feedback import rates_a_ticket
from assistant.tickets.ids import find_ticket_id
from assistant.tickets.intake import extract_location, parse_contact, reads_as_complaint

log = structlog.get_logger(__name__)

# After this many misunderstandings in a row the butler offers a person (an elderly
# resident gets one: the hand-off is recorded at once).
MISUNDERSTANDINGS_BEFORE_OFFER = 2


def last_resident_text(tracker: Tracker) -> str | None:
    return (tracker.latest_message or {}).get("text")


MISUNDERSTANDING_ACTIONS = {"action_handle_misunderstanding", "action_default_fallback"}


def consecutive_misunderstandings(events: list[dict[str, Any]]) -> int:
    """How many of the resident's turns in a row, the current one included, the
    butler did not understand: either NLU fell back (nlu_fallback) or no policy
    knew what to do next (Rasa's core fallback runs this same action)."""
    count = 1  # the turn being answered now is a misunderstanding: that is why we run
    seen_current = False
    answered_with_misunderstanding = False
    for event in reversed(events):
        kind = event.get("event")
        if kind == "action" and event.get("name") in MISUNDERSTANDING_ACTIONS:
            answered_with_misunderstanding = True
        elif kind == "user":
            if not seen_current:
                seen_current = True
            elif answered_with_misunderstanding:
                count += 1
            else:
                break
            answered_with_misunderstanding = False
    return count


MISUNDERSTOOD_OFFER = "抱歉，我还是没听明白。要不要让工作人员来帮您？"


def previous_bot_messages(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The butler's messages of its last turn before the resident's latest message."""
    seen_current_user = False
    messages: list[dict[str, Any]] = []
    for event in reversed(events):
        kind = event.get("event")
        if kind == "user":
            if seen_current_user:
                if messages:
                    break
                continue  # an earlier resident turn without a bot reply: keep looking
            seen_current_user = True
        elif kind == "bot" and seen_current_user:
            messages.append(event)
        elif kind == "bot" and not seen_current_user:
            continue
    return list(reversed(messages))


def handoff_message(first_line: str, phone: str | None = None) -> str:
    settings = get_settings()
    return handoff_reply(
        first_line, phone, service_phone=settings.service_phone, service_hours=settings.service_hours
    )


class ActionRequestHuman(Action):
    def name(self) -> str:
        return "action_request_human"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        from actions.tickets import told_here

        told = await told_here(dispatcher, tracker)
        if told is not None:
            # 修好了给我回个电话 right after filing: to hear the outcome, not a person now.
            return told
        if adds_to_emergency(tracker, details=True) or asks_about_pending_ticket(tracker):
            # 我能开灯找一下阀门不 right after a gas smell may be heard as 转人工: it needs the
            # advice for the emergency (千万不要开灯), which joins its ticket. 有人来处理了吗
            # right after a report asks what was done with it, not for a person.
            answered = await ticket_followup_here(dispatcher, tracker, domain, self.name())
            if answered is not None:
                if not _also_wants_person(tracker, answered):
                    return answered
                # 派人了没有，给我转人工: the ticket's state first, then the person asked for.
                return answered + await self._hand_off(dispatcher, tracker)
        text = last_resident_text(tracker) or ""
        if follows_policy_answer(tracker, text, handoff=True):
            # 在手机上能交不 我不想跑一趟 right after a policy answer may be heard as 转人工 (不想跑
            # 一趟): a follow-up on that answer, which asks for nobody; 帮我转人工 still hands off.
            return [FollowupAction("action_ask_policy")]
        if form_turns.refuses_someone(text):
            # 不用叫医生啊 就是跟你说一声 / 别叫人来 heard as 转人工: a person said no to is not asked
            # for. Only the hand-off is answered: a booking or a ticket still stands, said so.
            dispatcher.utter_message(text=_no_handoff_said(tracker))
            return []
        return await self._hand_off(dispatcher, tracker)

    @staticmethod
    async def _hand_off(dispatcher: CollectingDispatcher, tracker: Tracker) -> list:
        # 转人工 pressed on the offer made after two misunderstandings: staff should know why.
        offered = any(
            (m.get("text") or "") == MISUNDERSTOOD_OFFER for m in previous_bot_messages(tracker.events)
        )
        reason = "misunderstood" if offered else "asked"
        text = last_resident_text(tracker) or ""
        said = parse_contact(text) if not text.startswith("/") else None
        with get_database().session() as session:
            request_handoff(session, tracker.sender_id, reason, text)
            if said is not None and said[0] == "phone":  # 转人工，打我电话13812345678
                remember_contact(session, tracker.sender_id, phone=said[1])
            phone = handoff_phone(session, tracker.sender_id)
        # In the middle of a form the form runs again afterwards and asks whether to go
        # on (nlu_data/rules/forms.yml): the resident may finish it while waiting.
        if phone is None and not (tracker.active_loop or {}).get("name"):
            # No number to call back on: ask for one (the gateway puts the next message's
            # number on the hand-off: assistant.conversation.person), never promise a call.
            settings = get_settings()
            dispatcher.utter_message(
                text=commands.handoff_phone_question("好的，给您转人工。", settings.service_phone, settings.service_hours)
            )
            return []
        dispatcher.utter_message(text=handoff_message("好的，给您转人工。", phone))
        return []


async def ticket_followup_here(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict, caller: str
) -> list | None:
    """Answer the ticket question the butler waits on inside the action the classifier's
    intent led to (转人工, 再说一遍, 报平安), instead of a FollowupAction: after a followed-up
    action no rule says what comes next, and the dialogue policy guessed (a 没听明白, then a
    complaint form, after 你们跟物业说了没 heard as 转人工). None when the follow-up hands the
    message back to ``caller`` itself: the caller then does its usual work."""
    from actions.tickets import ActionTicketFollowup

    collected = CollectingDispatcher()
    events = await ActionTicketFollowup().run(collected, tracker, domain)
    if any(e.get("event") == "followup" and e.get("name") == caller for e in events):
        return None
    dispatcher.messages.extend(collected.messages)
    return events


def _also_wants_person(tracker: Tracker, answered: list) -> bool:
    """The message answered about the pending ticket also asks for a person in words of
    its own (到底有没有人处理，转人工), not only in how the classifier heard it (有人来处理了吗
    heard as 转人工). A follow-up that moved on to another action keeps its way."""
    from assistant.form_turns import wants_person

    text = last_resident_text(tracker) or ""
    if text.startswith("/") or any(e.get("event") == "followup" for e in answered):
        return False
    return wants_person(text)


def adds_to_emergency(tracker: Tracker, details: bool = False) -> bool:
    """A message right after an emergency that names what is happening now (血还是止不住，
    咋办): the classifier may hear 咋办 as 再说一遍, but it needs the advice for it.
    ``details``: any further word on it counts too (拿毛巾按着呢还在渗 heard as 报平安,
    我不敢过去看 heard as 转人工), not only one with advice of its own; off for 再说一遍,
    whose own words would count."""
    pending = str(tracker.get_slot("ticket_followup") or "")
    if not pending.startswith("emergency|"):
        return False
    text = last_resident_text(tracker) or ""
    if text.startswith("/"):
        return False
    from assistant.tickets.emergency import adds_a_detail, follow_up_advice

    if follow_up_advice(text):
        return True
    if details and adds_a_detail(text) and not form_turns.mentions_person(text):
        return True
    from assistant.tickets.service import advice_for_addition

    # Read with the ticket's own words: 我能开灯找一下阀门不 names no hazard of its own but
    # is about the gas smell reported (千万不要开灯).
    ticket_id = pending.split("|")[1]
    return bool(ticket_id) and bool(advice_for_addition(get_database(), ticket_id, text))


def asks_about_pending_ticket(tracker: Tracker) -> bool:
    """A question about what was done with the ticket the butler waits on (派人了吗,
    你们通知物业了没有), whatever intent the classifier gave it."""
    pending = str(tracker.get_slot("ticket_followup") or "")
    text = last_resident_text(tracker) or ""
    if pending.split("|")[0] not in ("emergency", "filed", "contact") or text.startswith("/"):
        return False
    from assistant.tickets.asking import asks_what_was_done

    return asks_what_was_done(text)


def answers_ticket_question(tracker: Tracker) -> bool:
    """The message answers the ticket question the butler waits on (why not satisfied,
    a score, a detail of the emergency), whatever intent the classifier gave it (今天又卡了
    一回 根本没修好 is no 报平安)."""
    pending = str(tracker.get_slot("ticket_followup") or "")
    text = last_resident_text(tracker) or ""
    if text.startswith("/"):
        return False
    if pending.startswith("rating_reason|"):
        return True
    if pending.startswith("rating|"):
        from assistant.tickets.feedback import parse_rating

        return parse_rating(text) is not None
    return adds_to_emergency(tracker, details=True) or asks_about_pending_ticket(tracker)


class ActionRepeatLastMessage(Action):
    def name(self) -> str:
        return "action_repeat_last_message"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        if adds_to_emergency(tracker):
            answered = await ticket_followup_here(dispatcher, tracker, domain, self.name())
            if answered is not None:
                return answered
        messages = previous_bot_messages(tracker.events)
        if not messages:
            dispatcher.utter_message(text="我刚才还没说什么。您有什么需要帮忙的？")
            return []
        for message in messages:
            data = message.get("data") or {}
            dispatcher.utter_message(text=message.get("text"), buttons=data.get("buttons") or [])
        return []


# A place in the community or a public object (楼道, 电梯, 楼顶, 路灯, 小区, 9号楼): what the
# estate answers for, unlike a household matter (我家wifi坏了, 我老公打呼噜太吵了).
_COMMUNITY_PLACE = re.compile(
    r"小区|园区|楼道|楼梯|走廊|过道|电梯|楼顶|天台|屋顶|外墙|单元门|大门|门口|门岗|门禁|地下室|车库|地库|停车场"
    r"|车位|路灯|路面|马路|花园|绿化|草坪|广场|健身器材|游乐|垃圾(?:桶|站|房|点)|消防通道|消防栓|井盖|下水道"
    r"|化粪池|水箱|围墙|公共|物业|保安|快递柜|充电桩|\d+\s*(?:号楼|栋|幢|单元)|[一二三四五六七八九十百]+(?:号楼|栋|幢)"
)
# Said in play (隔壁小孩好吵哦哈哈): no report.
_PLAY = re.compile(r"哈哈|嘻嘻|嘿嘿|hhh|lol|😂|🤣", re.IGNORECASE)


def out_of_scope_report(text: str) -> bool:
    """A report the classifier set aside as out of scope: a problem (``reads_as_complaint``)
    at a place in the community or with a public object, not said in play."""
    return (
        reads_as_complaint(text)
        and not _PLAY.search(text)
        and bool(_COMMUNITY_PLACE.search(text) or extract_location(text))
    )


class ActionOutOfScope(Action):
    """For out_of_scope (the rule sends it here instead of utter_out_of_scope): a
    problem at a place in the community the classifier set aside (349号楼楼顶天天有人晚上唱歌
    喝酒，吵得睡不着) is taken as a report; anything else (我家wifi坏了, a joke) gets the
    usual 帮不上忙."""

    def name(self) -> str:
        return "action_out_of_scope"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        text = last_resident_text(tracker) or ""
        if asks_about_own_ticket(tracker, text):
            # 你们去管了没 今晚还吵 set aside as off-topic: what was done with their report (a
            # problem said as still going on is no new report).
            return [FollowupAction("action_check_ticket")]
        if (
            not (tracker.active_loop or {}).get("name")
            and not text.startswith("/")
            and out_of_scope_report(text)
        ):
            return [FollowupAction("complaint_form")]
        if follows_policy_answer(tracker, text) or asks_about_a_service(tracker, text) or picks_offered_entry(
            tracker, text
        ):
            # 手机上能弄不 right after the 养老金认证 answer: a follow-up, not off-topic; 食堂几点
            # 开饭: a service's hours, from the catalogue; 八十岁以上给的那个: a choice just offered.
            return [FollowupAction("action_ask_policy")]
        if said_cannot_do(dispatcher, tracker, text):
            return []
        dispatcher.utter_message(response="utter_out_of_scope")
        return []


def asks_about_own_ticket(tracker: Tracker, text: str) -> bool:
    """Outside a form, a question about what was done with a report (``asks_what_was_done``)
    from a resident with an open ticket of their own (``own_open_ticket``)."""
    if (tracker.active_loop or {}).get("name") or not text or text.startswith("/"):
        return False
    from assistant.tickets.asking import asks_what_was_done
    from assistant.tickets.service import own_open_ticket

    if not asks_what_was_done(text):
        return False
    try:
        return own_open_ticket(get_database(), tracker.sender_id) is not None
    except Exception as exc:  # noqa: BLE001 - without the records, the usual answer
        log.warning("ticket_lookup_failed", error=type(exc).__name__)
        return False


def refers_to_own_ticket(tracker: Tracker, text: str) -> bool:
    """Outside a form, a message that points back at one of the resident's own reports
    (``references.is_reference_to_existing``: 卖菜那个还没管吧) and reports nothing new."""
    if (tracker.active_loop or {}).get("name") or not text or text.startswith("/") or reads_as_complaint(text):
        return False
    from assistant.tickets.references import is_reference_to_existing, resolve_ticket_reference

    if not is_reference_to_existing(text):
        return False
    try:
        with get_database().session() as session:
            return resolve_ticket_reference(session, tracker.sender_id, text).match == "one"
    except Exception as exc:  # noqa: BLE001 - without the records, the usual answer
        log.warning("ticket_lookup_failed", error=type(exc).__name__)
        return False


def _no_handoff_said(tracker: Tracker) -> str:
    """明天不用派师傅来了 heard as 转人工: no hand-off, and what still stands (an upcoming
    booking, the ticket just filed) with how to change it: nothing is cancelled by it."""
    from assistant.booking.conversation import upcoming_text

    lines = ["好的，不转人工。"]
    try:
        bookings = upcoming_text(get_database(), tracker.sender_id)
    except Exception as exc:  # noqa: BLE001 - the honest first line stands without the list
        log.warning("booking_lookup_failed", error=type(exc).__name__)
        bookings = ""
    if bookings.startswith("您有"):
        lines.append(f"{bookings}\n这些预约还在，要取消就说“取消预约”。")
    pending = str(tracker.get_slot("ticket_followup") or "").split("|")
    ticket_id = pending[1] if len(pending) > 1 and pending[1] else tracker.get_slot("last_ticket_id")
    if ticket_id:
        lines.append(f"工单 {ticket_id} 还开着；不需要处理了的话，说“转人工”，请工作人员帮您撤销。")
    return "".join(lines)


def follows_policy_answer(tracker: Tracker, text: str, handoff: bool = False) -> bool:
    """A bare aspect question or an age (那要钱吗, 手机上能弄不, 俺81了) right after a policy
    answer, outside a form: a follow-up on that answer (``assistant.kb.followup.follows_answer``,
    the one rule; a 转人工 reading kept when a person is named). ``handoff``: the hand-off
    itself asks, however it was reached (the classifier, two fallbacks, a button): 有人吗
    there is always a person asked for."""
    heard = ((tracker.latest_message or {}).get("intent") or {}).get("name")
    return not (tracker.active_loop or {}).get("name") and follows_answer(
        text, tracker.get_slot("policy_topic"), heard_as_handoff=handoff or heard == "request_human",
        answer_text=_answer_just_given(tracker),
    )


def _answer_just_given(tracker: Tracker) -> str:
    """The butler's reply to the message before this one, its texts joined (a question in its
    words asks on about it)."""
    texts: list[str] = []
    users = 0
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            users += 1
            if users > 1:
                break
        elif event.get("event") == "bot" and users == 1:
            texts.append(event.get("text") or "")
    return "".join(reversed(texts))


# 那就约后天下午两点的 / 就约明天上午吧 / 行 约周三下午: a booking asked with a time and no service.
_BOOK_WITH_TIME_RE = re.compile(r"(?:^|[，,。\s那就行好嗯])(?:预约|约|订)(?!了|过|的|好|上没)")
_OWN_BOOKING_RE = re.compile(r"约了|约过|约的是|我的预约|取消|不约|改到|改成|挪|推迟|提前|几点来")


def _booking_of_service_talked_about(tracker: Tracker, text: str) -> str | None:
    """Outside a form, a booking asked for with a time but no service, right after the
    butler talked about one service (``service_talked_about_lately``): that service."""
    if (tracker.active_loop or {}).get("name") or not text or text.startswith("/"):
        return None
    if not _BOOK_WITH_TIME_RE.search(text) or _OWN_BOOKING_RE.search(text):
        return None
    from actions.booking import service_talked_about_lately
    from assistant.booking.conversation import service_from, time_from
    from assistant.booking.timeparse import local_now

    if service_from(text) is not None or time_from(text, (), local_now()) is None:
        return None
    return service_talked_about_lately(tracker)


_CHANGES_A_BOOKING_RE = re.compile(r"取消|不要了|不约了|退掉|退了|改到|改成|改个|换个|换到|挪|推迟|提前|延后")


def _looks_up_a_booking(tracker: Tracker, text: str) -> bool:
    """Outside a form, a booking id said with no cancel or move (我查一下 YY… 这个还在吧)."""
    from assistant.booking.references import find_booking_id

    if (tracker.active_loop or {}).get("name") or not text or text.startswith("/"):
        return False
    return bool(find_booking_id(text)) and not _CHANGES_A_BOOKING_RE.search(text)


def picks_offered_entry(tracker: Tracker, text: str) -> bool:
    """八十岁以上给的那个 right after 您是想问：1. … 2. …, in words the classifier could not place:
    an entry of the list picked by what it says (``kb.answer.entry_picked_by_words``), which
    action_ask_policy answers."""
    from actions.policy import offered_entries
    from assistant.kb.answer import entry_picked_by_words

    if (tracker.active_loop or {}).get("name") or not text or text.startswith("/"):
        return False
    offered = offered_entries(tracker)
    return bool(offered) and entry_picked_by_words(text, offered) is not None


def asks_about_a_service(tracker: Tracker, text: str) -> bool:
    """Outside a form, a catalogue service's days, hours, place or what it is asked
    (``assistant.booking.about.answer_about_service``), in words the classifier could not
    place: action_ask_policy answers it from the catalogue. Not a report (电梯坏了几点来修)."""
    from assistant.booking.about import answer_about_service

    if (tracker.active_loop or {}).get("name") or not text or text.startswith("/") or reads_as_complaint(text):
        return False
    about = answer_about_service(text)
    if about is None:
        # 上门要另外加钱不 right after 理发's price: the service just talked about, asked on.
        from actions.booking import _service_just_talked_about

        talked_about = _service_just_talked_about(tracker)
        about = answer_about_service(talked_about + text) if talked_about else None
    return about is not None and not (about[0] == "维修" and _public_place(text))


def _public_place(text: str) -> bool:
    from assistant.booking.conversation import names_public_place

    return names_public_place(text)


def said_cannot_do(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> bool:
    """A reminder (明早8点提醒我吃降压药) or a call / message to someone (给她打个电话说一声)
    the classifier could not place: said honestly that the butler cannot, and what it
    did or can do, instead of 没听明白. False for anything else."""
    if (tracker.active_loop or {}).get("name") or text.startswith("/"):
        return False
    settings = get_settings()
    if commands.asks_relay(text):
        try:
            with get_database().session() as session:
                handed_over = has_open_handoff(session, tracker.sender_id)
        except Exception as exc:  # noqa: BLE001 - without the record, promise nothing
            log.warning("handoff_lookup_failed", error=type(exc).__name__)
            handed_over = False
        dispatcher.utter_message(
            text=commands.relay_text(settings.service_phone, settings.service_hours, handed_over),
            buttons=[] if handed_over else [{"title": "转人工", "payload": "/request_human"}],
        )
        return True
    if commands.asks_reminder(text):
        dispatcher.utter_message(text=commands.reminder_said(can_receive_reminders(tracker.sender_id)))
        return True
    if commands.asks_text_message(text):
        dispatcher.utter_message(text=_no_text_message(tracker.sender_id))
        return True
    if commands.asks_hospital_number(text) and not reads_as_complaint(text):
        # 帮我挂个市一院的专家号: a hospital's own booking; said so, and what the community does.
        dispatcher.utter_message(text=commands.HOSPITAL_TEXT)
        return True
    if commands.asks_weather(text) and not reads_as_complaint(text) and not _names_a_service(text):
        # 明天会不会下雨啊 我想晒被子: no forecast offline; said so, not 帮不上忙 or a menu.
        dispatcher.utter_message(text=commands.WEATHER_TEXT)
        return True
    return False


def _names_a_service(text: str) -> bool:
    from assistant.booking.conversation import service_from

    return service_from(text) is not None


def _no_text_message(sender_id: str) -> str:
    """No SMS: said plainly, with the resident's bookings (their numbers) to note down."""
    from assistant.booking.conversation import upcoming_text

    said = commands.cannot_text_said(can_receive_reminders(sender_id))
    try:
        bookings = upcoming_text(get_database(), sender_id)
    except Exception as exc:  # noqa: BLE001 - the honest part stands without the list
        log.warning("booking_lookup_failed", error=type(exc).__name__)
        return said
    if bookings.startswith("您有"):
        return f"{said}{bookings}\n预约号记下来就行，想查随时跟我说“我约了什么”。"
    return said


def phone_for_open_handoff(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> bool:
    """A bare phone number (我电话139…) from a resident whose hand-off to a person is open:
    the number staff will call, whatever came between (the gateway takes it only right
    after the phone question). False for anything else."""
    if (tracker.active_loop or {}).get("name") or text.startswith("/"):
        return False
    said = parse_contact(text)
    if said is None or said[0] != "phone":
        return False
    from assistant.conversation.split import is_bare_value

    if not is_bare_value(text):
        return False
    try:
        with get_database().transaction() as session:
            if not has_open_handoff(session, tracker.sender_id):
                return False
            remember_contact(session, tracker.sender_id, phone=said[1])
            request_handoff(session, tracker.sender_id, "asked", text)
    except Exception as exc:  # noqa: BLE001 - unrecorded: the usual answer follows
        log.warning("handoff_phone_failed", error=type(exc).__name__)
        return False
    dispatcher.utter_message(text=handoff_message("好的，号码记下了。", said[1]))
    return True


def _elderly_handed_over(dispatcher: CollectingDispatcher, sender: str, text: str) -> bool:
    """Two misunderstandings bring a person for an elderly resident (issue #13): no
    choice to make, the hand-off is recorded at once. False (the usual offer) for
    anyone else, or when the hand-off could not be recorded."""
    database = get_database()
    if not speech_profile(database, sender).elderly:
        return False
    try:
        with database.transaction() as session:
            request_handoff(session, sender, "misunderstood", text or None)
            phone = handoff_phone(session, sender)
    except Exception as exc:  # noqa: BLE001 - the offer below still gets them a person
        log.warning("elderly_handoff_failed", error=type(exc).__name__)
        return False
    dispatcher.utter_message(text=handoff_message("抱歉，我还是没听明白，给您转人工。", phone))
    return True


def asks_to_book(text: str) -> bool:
    """A booking asked for in words (a booking verb and a service: 能约上门洗澡吗), by the
    rule two requests in one message are read with (``split.worded_intent``)."""
    from assistant.conversation.split import worded_intent

    return worded_intent(text) == "book_service"


class ActionHandleMisunderstanding(Action):
    """Runs for nlu_fallback (a rule) and as Rasa's core fallback (config.yml).
    Like Rasa's own default fallback it reverts the resident's message, so the
    conversation goes back to listening instead of predicting again."""

    def name(self) -> str:
        return "action_handle_misunderstanding"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        text = last_resident_text(tracker) or ""
        if asks_about_own_ticket(tracker, text):
            # 派人去看了没有 水还在漏 in words the classifier could not place: their report's
            # state (a problem said as still going on is no new report).
            from actions.tickets import ActionCheckTicket

            return await ActionCheckTicket().run(dispatcher, tracker, domain)
        if refers_to_own_ticket(tracker, text):
            # 卖菜那个还没管吧 in words the classifier could not place: that report of theirs, by
            # what it was about (its state, as the progress action says it).
            from actions.tickets import ActionCheckTicket

            return await ActionCheckTicket().run(dispatcher, tracker, domain)
        if (
            not (tracker.active_loop or {}).get("name")
            and not text.startswith("/")
            and reads_as_complaint(text)
        ):
            # A problem at a place in words the classifier has not seen: take the report
            # (the complaint form reads this message as its description) instead of
            # answering 没听明白 and losing it.
            return [FollowupAction("complaint_form")]
        if not (tracker.active_loop or {}).get("name") and not text.startswith("/") and asks_to_book(text):
            # 我帮我妈问问，她84了，能约上门洗澡吗: a booking verb and a service, in words the
            # classifier has not seen: the booking form starts and reads this message (the
            # service, an age, a time said with it).
            return [FollowupAction("booking_form")]
        if _looks_up_a_booking(tracker, text):
            # 我查一下 YY… 这个还在吧: the resident's bookings, that one among them.
            return [FollowupAction("action_query_booking")]
        booked_again = _booking_of_service_talked_about(tracker, text)
        if booked_again:
            # 那就约后天下午两点的 电话139… after 法律咨询's facts and a question about it: that
            # service, booked with what this message says.
            return [SlotSet("booking_service", booked_again), FollowupAction("booking_form")]
        if not (tracker.active_loop or {}).get("name") and not text.startswith("/") and rates_a_ticket(text):
            # 我要评价一下GD… / 那件事我给4分: a rating, in words the classifier has not seen.
            return [FollowupAction("action_rate_ticket")]
        if not (tracker.active_loop or {}).get("name") and not text.startswith("/") and find_ticket_id(text):
            # GD… 基本满意 / GD…咋样了 the classifier could not place: about that ticket (its
            # state, or a rating said with its id), answered here by the progress action.
            from actions.tickets import ActionCheckTicket

            return await ActionCheckTicket().run(dispatcher, tracker, domain)
        if follows_policy_answer(tracker, text) or asks_about_a_service(tracker, text) or picks_offered_entry(
            tracker, text
        ):
            # 那要钱吗 right after a policy answer: a follow-up on that answer. 法律咨询是星期几 /
            # 助浴是干哈的: a service's facts, which the catalogue answers. 八十岁以上给的那个: an
            # entry of the choices just offered, by what it says.
            return [FollowupAction("action_ask_policy")]
        if said_cannot_do(dispatcher, tracker, text):
            return [UserUtteranceReverted()]
        if phone_for_open_handoff(dispatcher, tracker, text):
            # Reverted like every answer here: with [] the policy predicts this fallback again
            # and the same reply came ten times (review 20 note 11).
            return [UserUtteranceReverted()]
        if consecutive_misunderstandings(tracker.events) < MISUNDERSTANDINGS_BEFORE_OFFER:
            dispatcher.utter_message(
                text="不好意思，我没听明白。您可以换个说法，比如“我想预约理发”或“路灯坏了”。"
            )
            return [UserUtteranceReverted()]
        if _elderly_handed_over(dispatcher, tracker.sender_id, text):
            return [UserUtteranceReverted()]
        dispatcher.utter_message(
            text=MISUNDERSTOOD_OFFER,
            buttons=[
                {"title": "转人工", "payload": "/request_human"},
                {"title": "我能做什么", "payload": "/help"},
            ],
        )
        return [UserUtteranceReverted()]
