"""nlu_components/ticket_question.py, run in the real Rasa venv (Python 3.10) on real
``Message`` objects, with the gateway's own metadata (``assistant.dialogue``): a
question about a report already made, read by the classifier as thanks, a greeting,
a good-bye, help or a booking change, becomes ``check_ticket``; a genuine thanks or
good-bye, and a new complaint, keep their intent."""

import json
import os
import subprocess

import pytest

from assistant.dialogue import (
    BOOKING_CHANGE_KEY,
    REPORT_KEY,
    TICKET_QUESTION_KEY,
    TOLD_KEY,
    asks_about_ticket,
    asks_to_be_told_of_report,
    changes_booking,
    reads_as_plain_report,
)
from assistant.safety import assess
from assistant.settings import PROJECT_ROOT

PYTHON = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"
SCRIPT = """
import json, sys
from rasa.shared.nlu.training_data.message import Message
from nlu_components.ticket_question import TicketQuestionOverride
cases = json.loads(sys.stdin.read())
out = []
for case in cases:
    m = Message(data={"text": case["text"], "metadata": {"butler_safety": case["verdict"]}})
    ranking = [{"name": case["intent"], "confidence": 0.91}, {"name": "check_ticket", "confidence": 0.05},
               {"name": "file_complaint", "confidence": 0.04}]
    m.set("intent", dict(ranking[0]))
    m.set("intent_ranking", ranking)
    TicketQuestionOverride().process([m])
    data = m.as_dict(only_output_properties=False)
    out.append({"intent": m.get("intent")["name"], "ranking": [r["name"] for r in m.get("intent_ranking")],
                "override": data.get("ticket_question_override")})
print(json.dumps(out))
"""


def gateway_verdict(text: str) -> dict:
    """What assistant/dialogue.py sends for this text."""
    return {**assess(text).as_metadata(), REPORT_KEY: reads_as_plain_report(text),
            TICKET_QUESTION_KEY: asks_about_ticket(text), TOLD_KEY: asks_to_be_told_of_report(text),
            BOOKING_CHANGE_KEY: changes_booking(text)}


def run_component(cases: list[tuple[str, str]]) -> list[dict]:
    if not PYTHON.exists():
        pytest.fail("no Rasa venv: run `make setup`")
    payload = [{"text": text, "intent": intent, "verdict": gateway_verdict(text)} for text, intent in cases]
    result = subprocess.run([str(PYTHON), "-c", SCRIPT], input=json.dumps(payload), capture_output=True, text=True,
                            cwd=PROJECT_ROOT, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


# Questions about a report, each with a small-talk or booking-change reading.
QUESTIONS = [
    ("那物业那边通知到了没有", "thank"),
    ("师傅派过去了吗", "greet"),
    ("到底哪天能来人看看", "goodbye"),
    ("水管修好了没有啊", "help"),
    ("我前天报的那个事现在咋样了", "cancel_booking"),
    ("处理完了吗，我还等着用", "reschedule_booking"),
    ("搞定没", "thank"),
    ("有人管没管这事", "nlu_fallback"),
]
# Not questions about a report: they keep whatever intent the classifier chose.
NOT_QUESTIONS = [
    ("好的，太感谢你们了", "thank"),
    ("行，那先这样，拜拜", "goodbye"),
    ("早上好呀", "greet"),
    ("水管已经修好了，谢谢", "thank"),
    ("帮我把明天的理发取消掉", "cancel_booking"),
    ("能不能把体检改到周五", "reschedule_booking"),
    ("你都能帮我干点啥", "help"),
    ("12号楼的路灯又坏了，啥时候能修", "thank"),  # a new problem said with a question
]


def test_the_rule_reads_the_questions_and_leaves_the_rest():
    assert all(asks_about_ticket(text) for text, _ in QUESTIONS)
    assert not any(asks_about_ticket(text) for text, _ in NOT_QUESTIONS)
    assert not asks_about_ticket("/check_ticket")  # a button payload is its own intent


def test_ticket_questions_read_as_small_talk_become_check_ticket():
    got = run_component(QUESTIONS)
    assert [g["intent"] for g in got] == ["check_ticket"] * len(QUESTIONS)
    for (_, original), g in zip(QUESTIONS, got):
        # The classifier's ranking is kept below the override, and its choice for the logs.
        assert g["ranking"] == ["check_ticket", original, "file_complaint"]
        assert g["override"]["intent"]["name"] == original


def test_genuine_thanks_goodbyes_and_new_problems_keep_their_intent():
    got = run_component(NOT_QUESTIONS)
    assert [g["intent"] for g in got] == [intent for _, intent in NOT_QUESTIONS]
    assert all(g["override"] is None for g in got)


def test_a_question_read_as_a_request_of_its_own_is_left_alone():
    """A complaint, a booking, a policy question or 转人工 reading is read with the ticket in
    mind by the actions themselves (派人了没有，给我转人工 asks for a person too)."""
    cases = [("派人了没有，给我转人工", "request_human"), ("师傅派过去了吗", "file_complaint"),
             ("师傅派过去了吗", "query_booking"), ("师傅派过去了吗", "ask_policy")]
    got = run_component(cases)
    assert [g["intent"] for g in got] == [intent for _, intent in cases]


def test_an_emergency_verdict_is_never_turned():
    """有人来了吗，火越来越大了 is the net's (its own component makes it emergency)."""
    text = "有人来了吗，楼道里着火了"
    verdict = gateway_verdict(text)
    assert verdict["emergency"]
    got = run_component([(text, "greet")])
    assert got[0]["intent"] == "greet"


def test_the_gateway_sends_the_key_to_rasa():
    """assistant/dialogue.py puts asks_about_ticket in the safety verdict, which only the
    gateway may set (a client's own butler_safety is dropped)."""
    import asyncio

    import httpx

    from assistant.dialogue import SAFETY_METADATA_KEY, DialogueClient
    from assistant.settings import Settings

    sent: list[dict] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(200, json=[])

    async def go() -> None:
        client = httpx.AsyncClient(base_url="http://rasa", transport=httpx.MockTransport(handler))
        dialogue = DialogueClient(Settings(), client)
        await dialogue.send("web:r-1", "师傅派过去了吗", {SAFETY_METADATA_KEY: {TICKET_QUESTION_KEY: False}})
        await dialogue.send("web:r-1", "谢谢你", {SAFETY_METADATA_KEY: {TICKET_QUESTION_KEY: True}})
        await client.aclose()

    asyncio.run(go())
    assert [s["metadata"][SAFETY_METADATA_KEY][TICKET_QUESTION_KEY] for s in sent] == [True, False]


def test_a_wish_to_be_told_how_it_ends_heard_as_a_hand_off_or_a_check_in():
    """处理完了打个电话给我说一声 heard as 转人工, 弄好以后发条短信 as 报平安: check_ticket, whose
    action puts the phone on the ticket just filed (or runs the hand-off when there is none).
    A call-back asked for with no outcome (给我回个电话) or with 转人工 stays a hand-off; a
    request intent other than those two is left alone."""
    cases = [("处理完了打个电话给我说一声", "request_human"), ("弄好以后发条短信告诉我", "checkin"),
             ("有进展了给我回电 13900002222", "thank"),
             ("给我回个电话", "request_human"), ("转人工，修好了给我回电话", "request_human"),
             ("弄好以后发条短信告诉我", "book_service")]
    got = run_component(cases)
    assert [g["intent"] for g in got] == ["check_ticket"] * 3 + ["request_human", "request_human", "book_service"]


def test_a_booking_cancelled_or_moved_keeps_its_reading():
    """Review 14 item 7: a booking's worker is asked about in a report's words (师傅几点来),
    so 约的助浴师傅几点到，改到后天吧 read as a reschedule was answered with the tickets. A
    message that cancels, moves or names a booking keeps a cancel or reschedule reading; a
    question about a report read as one is still turned, and a thanks reading of the same
    words is not what this exempts."""
    kept = [("师傅啥时候上门，不想要了取消吧", "cancel_booking"),
            ("约的助浴师傅几点到，改到后天吧", "reschedule_booking"),
            ("明天约的理发师傅几点来，能不能改到下午", "reschedule_booking"),
            ("保洁阿姨什么时候来？我想改个时间", "reschedule_booking"),
            # own sentences of the same shape
            ("理发师傅几点到？挪到周五吧", "reschedule_booking"),
            ("上门的阿姨啥时候来，别来了", "cancel_booking"),
            ("我预约的那个师傅什么时候到，推迟一天行不行", "reschedule_booking")]
    turned = [("我前天报的那个事现在咋样了", "cancel_booking"), ("处理完了吗，我还等着用", "reschedule_booking"),
              ("电工师傅啥时候来修", "reschedule_booking"), ("派人了没有啊", "cancel_booking")]
    got = run_component(kept + turned)
    assert [g["intent"] for g in got] == [i for _, i in kept] + ["check_ticket"] * len(turned)
    assert all(g["override"] is None for g in got[: len(kept)])


def test_the_gateway_sends_the_booking_change_key():
    import asyncio

    import httpx

    from assistant.dialogue import SAFETY_METADATA_KEY, DialogueClient
    from assistant.settings import Settings

    sent: list[dict] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(200, json=[])

    async def go() -> None:
        client = httpx.AsyncClient(base_url="http://rasa", transport=httpx.MockTransport(handler))
        dialogue = DialogueClient(Settings(), client)
        await dialogue.send("web:r-2", "约的助浴师傅几点到，改到后天吧")
        await dialogue.send("web:r-2", "师傅派过去了吗")
        await client.aclose()

    asyncio.run(go())
    assert [s["metadata"][SAFETY_METADATA_KEY][BOOKING_CHANGE_KEY] for s in sent] == [True, False]
