"""Rasa's last NLU component (nlu_components/safety_net.py), run in the real Rasa venv
(Python 3.10) on real ``Message`` objects: the net's verdict, as the gateway sends it in
``metadata["butler_safety"]``, overrides the classifier or outvotes its emergency."""

import json
import os
import subprocess

import pytest

from assistant.safety import assess
from assistant.settings import PROJECT_ROOT

PYTHON = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"
SCRIPT = """
import json, sys
from rasa.shared.nlu.training_data.message import Message
from nlu_components.safety_net import SafetyNetOverride
cases = json.loads(sys.stdin.read())
out = []
for case in cases:
    m = Message(data={"text": case["text"], "metadata": {"butler_safety": case["verdict"]}})
    m.set("intent", {"name": case["intent"], "confidence": 0.97})
    m.set("intent_ranking", case.get("ranking") or [{"name": case["intent"], "confidence": 0.97},
                                                    {"name": "file_complaint", "confidence": 0.02}])
    SafetyNetOverride().process([m])
    out.append(m.get("intent")["name"])
print(json.dumps(out))
"""


def run_component(cases: list[dict]) -> list[str]:
    if not PYTHON.exists():
        pytest.fail("no Rasa venv: run `make setup`")
    result = subprocess.run([str(PYTHON), "-c", SCRIPT], input=json.dumps(cases), capture_output=True, text=True,
                            cwd=PROJECT_ROOT, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_net_overrides_and_outvotes_the_classifier():
    fire = assess("楼道里着火了").as_metadata()
    weather = assess("今天天气不错，出去转了转").as_metadata()
    assert weather["plausible"] is False
    old_gateway = {k: v for k, v in weather.items() if k != "plausible"}  # a verdict without the vote
    got = run_component([
        {"text": "楼道里着火了", "intent": "file_complaint", "verdict": fire},
        {"text": "今天天气不错，出去转了转", "intent": "emergency", "verdict": weather},
        {"text": "今天天气不错，出去转了转", "intent": "greet", "verdict": weather},
        {"text": "今天天气不错，出去转了转", "intent": "emergency", "verdict": old_gateway},
    ])
    assert got == ["emergency", "file_complaint", "greet", "emergency"]


def test_a_plain_report_read_as_a_booking_without_a_service_is_a_complaint():
    from assistant.dialogue import REPORT_KEY, reads_as_plain_report

    report = "116号楼门口路灯不亮了，电话13912340601"
    assert reads_as_plain_report(report) and not reads_as_plain_report("我想约个上门理发")
    verdict = {**assess(report).as_metadata(), REPORT_KEY: True}
    got = run_component([
        {"text": report, "intent": "book_service", "verdict": verdict},
        {"text": report, "intent": "greet", "verdict": verdict},  # only a booking reading is turned
        {"text": report, "intent": "book_service", "verdict": {**verdict, REPORT_KEY: False}},
    ])
    assert got == ["file_complaint", "greet", "book_service"]


def test_an_outvoted_emergency_that_reads_as_a_report_is_a_complaint():
    """我屋头厕所漏水 漏到楼下去了: the classifier's emergency (1.0) is outvoted (a leak to the
    flat below is everyday); its next-best (thank, 0.0) means nothing, the report is a complaint.
    A next-best that is a request of its own (a policy question) is kept."""
    from assistant.dialogue import REPORT_KEY

    leak = "我屋头厕所漏水 漏到楼下去了 楼下嬢嬢都来敲门了"
    verdict = assess(leak).as_metadata()
    assert verdict["plausible"] is False
    thank_next = [{"name": "emergency", "confidence": 1.0}, {"name": "thank", "confidence": 0.0}]
    policy_next = [{"name": "emergency", "confidence": 1.0}, {"name": "ask_policy", "confidence": 0.0}]
    got = run_component([
        {"text": leak, "intent": "emergency", "verdict": {**verdict, REPORT_KEY: True}, "ranking": thank_next},
        {"text": leak, "intent": "emergency", "verdict": {**verdict, REPORT_KEY: False}, "ranking": thank_next},
        {"text": leak, "intent": "emergency", "verdict": {**verdict, REPORT_KEY: True}, "ranking": policy_next},
    ])
    assert got == ["file_complaint", "thank", "ask_policy"]
