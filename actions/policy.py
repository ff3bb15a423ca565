"""Policy questions: answer from the knowledge base with its source, resolve
follow-ups against the topic under discussion, and when nothing answers, say so and
offer a person or leaving the question for staff. Rules live in assistant.kb."""

from __future__ import annotations

import asyncio
import json
import os
import re

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from assistant.booking.about import answer_about_service, catalogue_first
from assistant.booking.conversation import names_public_place
from assistant.db import get_database
from assistant.kb.answer import (
    PolicyAnswer,
    answer_entry,
    answer_policy_question,
    entry_picked_by_words,
    own_record_answer,
)
from assistant.kb.service import warm_up_in_background
from assistant.kb.unanswered import record_unanswered
from assistant.settings import get_settings
from assistant.tickets.intake import reports_a_problem  # a report heard as a policy question

# Begin loading the model and the index when the action server starts, not when the
# first resident asks (the supervisor turns the setting on). rasa-sdk imports this
# module in its main process and again in the Sanic worker that serves requests; only
# the worker (SANIC_WORKER_NAME is set there) should hold the model.
if get_settings().warm_up_knowledge_base and os.environ.get("SANIC_WORKER_NAME"):
    warm_up_in_background()

OFFER_BUTTONS = [
    {"title": "转人工", "payload": "/request_human"},
    {"title": "把问题留给工作人员", "payload": "/affirm"},
    {"title": "不用了", "payload": "/deny"},
]


def _latest_text(tracker: Tracker) -> str:
    return ((tracker.latest_message or {}).get("text") or "").strip()


def _picked_entry(tracker: Tracker) -> str | None:
    """The entry id of a choice button (/ask_policy{"policy_entry": "ln-001"})."""
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == "policy_entry" and entity.get("value"):
            return str(entity["value"])
    return None


def offered_entries(tracker: Tracker) -> list[str]:
    """The entries the butler's last reply offered to pick from (您是想问：1. … 2. …), in order."""
    users = 0
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            users += 1
            if users > 1:
                return []
        elif event.get("event") == "bot" and users == 1:
            offered = [json.loads(match.group(1))["policy_entry"]
                       for button in (event.get("data") or {}).get("buttons") or []
                       if (match := re.match(r"^/ask_policy(\{.*\})$", str(button.get("payload", ""))))
                       and "policy_entry" in match.group(1)]
            if offered:
                return offered
    return []


def choice_buttons(answer: PolicyAnswer) -> list[dict]:
    picks = [
        {
            "title": title,
            "payload": "/ask_policy" + json.dumps({"policy_entry": entry_id}, ensure_ascii=False),
        }
        for entry_id, title in answer.choices
    ]
    return picks + [OFFER_BUTTONS[1], OFFER_BUTTONS[0]]


def _latest_intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def answered_this_message(tracker: Tracker) -> bool:
    """action_ask_policy already ran since the resident's latest message."""
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") == "action_ask_policy":
            return True
    return False


async def service_topic(name: str) -> list[SlotSet]:
    """After a service's facts from the catalogue (法律咨询：…周三 14:00-17:00): the policy
    entry about that service, if the knowledge base has one, becomes the topic, so a bare
    follow-up (要带啥东西去吗) is asked of it, not of nothing."""
    try:
        found = await asyncio.to_thread(answer_policy_question, name, None)
    except Exception:  # noqa: BLE001 - no topic: the follow-up is asked as said
        return []
    return [SlotSet("policy_topic", found.follow_up)] if found.answerable and found.follow_up else []


class ActionAskPolicy(Action):
    def name(self) -> str:
        return "action_ask_policy"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        if answered_this_message(tracker):
            # Predicted again for the same message (a follow-up the classifier could not place,
            # handed here by the fallback): it is answered; listen instead of saying it again.
            return [FollowupAction("action_listen")]
        question = _latest_text(tracker)
        picked = _picked_entry(tracker)
        if not picked and not question.startswith("/"):
            # 八十岁以上给的那个 right after 您是想问：1. … 2. …: the entry offered that says it.
            offered = offered_entries(tracker)
            picked = await asyncio.to_thread(entry_picked_by_words, question, offered) if offered else None
        if not picked and reports_a_problem(question):
            # 665号楼下水道返味 一开门就闻到 电话139…: a problem at a place, said with no question,
            # heard as a policy question (闻到 ~ 燃气味): the report is taken, not answered.
            return [FollowupAction("complaint_form")]
        own = None if picked or question.startswith("/") else own_record_answer(question)
        if own is not None:
            # 你帮我查查我这个月养老金到账没有: the resident's own account, which the butler cannot
            # see: said so, with where to ask (not the nearest policy entry).
            dispatcher.utter_message(text=own)
            return [SlotSet("policy_offer_pending", False), SlotSet("policy_pending_question", None)]
        if picked:  # a choice button: answer that entry
            answer = await asyncio.to_thread(answer_entry, picked)
            if answer is None:  # gone since (the knowledge base was updated)
                dispatcher.utter_message(response="utter_policy_ask_what")
                return [SlotSet("policy_offer_pending", False)]
        elif question.startswith("/"):  # the 政策咨询 button: no question yet
            dispatcher.utter_message(response="utter_policy_ask_what")
            return [SlotSet("policy_offer_pending", False)]
        elif catalogue_first(question):
            # 法律咨询是星期几 / 社区食堂几点开饭: the catalogue the booking form enforces is the one
            # answer to a service's days, hours and place (a policy entry may say it otherwise,
            # or be another entry that merely shares a word).
            answer = None
        else:
            # Encoding the question is CPU work: keep the action server's event loop free.
            answer = await asyncio.to_thread(
                answer_policy_question, question, tracker.get_slot("policy_topic")
            )
        about = None if picked or (answer is not None and answer.answerable) else answer_about_service(question)
        if about is not None and about[0] == "维修" and names_public_place(question):
            # 电梯坏了什么时候来修理: the property's repair (a complaint), not the home repair service.
            about = None
        if about is None and answer is None:
            answer = await asyncio.to_thread(answer_policy_question, question, tracker.get_slot("policy_topic"))
        if about is None and not picked and not answer.answerable and not answer.choices:
            # 多大岁数能整 right after 助浴's facts: the same service asked on (its rule, price or
            # hours), from the catalogue, rather than 查不到.
            from actions.booking import _service_just_talked_about

            talked_about = _service_just_talked_about(tracker)
            if talked_about and not question.startswith("/"):
                about = answer_about_service(talked_about + question)
        if about is not None:
            # 助浴有啥条件: no policy entry, but the catalogue knows the service; one tap books it.
            name, text = about
            dispatcher.utter_message(
                text=text + f"要帮您约{name}吗？",
                buttons=[
                    {
                        "title": f"约{name}",
                        "payload": "/book_service" + json.dumps({"service_type": name}, ensure_ascii=False),
                    },
                    {"title": "不用了", "payload": "/deny"},
                ],
            )
            return [SlotSet("policy_offer_pending", False), SlotSet("policy_pending_question", None),
                    *await service_topic(name)]
        if answer.choices:
            # Unsure which entry is meant: ask. "都不是" leads on to staff like a miss.
            dispatcher.utter_message(text=answer.text, buttons=choice_buttons(answer))
            return [
                # One entry offered (您是想问“高龄津贴怎么领”吗？): a bare aspect question next (一个月
                # 有好多钱咯) is about it, as after its answer; several offered: about none yet.
                SlotSet("policy_topic", answer.choices[0][0] if len(answer.choices) == 1 else None),
                SlotSet("policy_offer_pending", True),
                SlotSet("policy_pending_question", question),
                SlotSet("policy_best_guess", answer.choices[0][0]),
            ]
        if answer.answerable:
            dispatcher.utter_message(text=answer.text)
            dispatcher.utter_message(response="utter_policy_follow_up")
            return [
                SlotSet("policy_topic", answer.follow_up),
                SlotSet("policy_offer_pending", False),
                SlotSet("policy_pending_question", None),
            ]
        if not answer.available or not question:
            dispatcher.utter_message(text=answer.text, buttons=OFFER_BUTTONS[:1])
            return [SlotSet("policy_offer_pending", False)]
        dispatcher.utter_message(text=answer.text, buttons=OFFER_BUTTONS)
        return [
            SlotSet("policy_offer_pending", True),
            SlotSet("policy_pending_question", question),
            SlotSet("policy_best_guess", answer.alternatives[0] if answer.alternatives else None),
        ]


def last_yes_no_question(tracker: Tracker) -> list[dict] | None:
    """The buttons of the last yes/no question (a message offering /affirm) in the
    butler's latest turn, the one before the resident's current message; None when that
    turn asked none."""
    events = list(tracker.events or [])
    users = [i for i, e in enumerate(events) if e.get("event") == "user"]
    if not users:
        return None
    end = users[-1]
    start = users[-2] if len(users) > 1 else -1
    for event in reversed(events[start + 1:end]):
        buttons = (event.get("data") or {}).get("buttons") or [] if event.get("event") == "bot" else []
        if any(str(b.get("payload", "")).startswith("/affirm") for b in buttons):
            return buttons
    return None


def answers_another_question(tracker: Tracker) -> bool:
    """The yes/no is for the question a running form asked after the offer (对 to the
    booking's read-back 对吗？, while an earlier question still waited to be left for
    staff): the latest yes/no question is not the offer."""
    if not (tracker.active_loop or {}).get("name"):
        return False
    buttons = last_yes_no_question(tracker)
    return buttons is not None and not any(b.get("title") == OFFER_BUTTONS[1]["title"] for b in buttons)


class ActionPolicyOfferReply(Action):
    """The resident's yes/no to leaving an unanswered question for staff."""

    def name(self) -> str:
        return "action_policy_offer_reply"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        cleared = [
            SlotSet("policy_offer_pending", False),
            SlotSet("policy_pending_question", None),
            SlotSet("policy_best_guess", None),
        ]
        if answers_another_question(tracker):
            # The resident moved on (医保卡丢了咋补办… then booked a cleaning): the offer lapses
            # and the form takes its own yes/no.
            return [*cleared, FollowupAction(tracker.active_loop["name"])]
        question = tracker.get_slot("policy_pending_question")
        if _latest_intent(tracker) == "affirm" and question:
            with get_database().session() as session:
                record_unanswered(session, tracker.sender_id, question, tracker.get_slot("policy_best_guess"))
            settings = get_settings()
            dispatcher.utter_message(response="utter_policy_question_left", phone=settings.service_phone)
        else:
            dispatcher.utter_message(response="utter_policy_question_not_left")
        return cleared
