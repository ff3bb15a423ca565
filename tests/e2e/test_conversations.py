"""The conversation corpus (tests/conversations/<set>/*.yml, format in
tests/conversations/README.md), each conversation run end to end through
/api/v1/chat against the real stack with its own sender id: every reply is checked
against what the script expects of it, and the goal against the system's real state
through the staff API (bookings, tickets, hand-offs). A failure prints the whole
transcript. "Today" is the servers' clock (``butler.local_now``), so 明天 and
{day:理发} mean the same day to the script and to the butler.

Conversations marked ``dates: true`` in their file also run under ``make test-dates``.
``bench/dialogue.py`` runs the same corpus for the goal rate and turns to goal.

Conversations listed in ``tests/conversations/known_failures.yml`` failed when the
corpus was last measured (the file names the results file and each reason): they
still run, as expected failures, so the list is the open work of issue #11 and a fix
shows up as XPASS; nothing else is allowed to fail."""

from __future__ import annotations

import pytest
import yaml

from conversations.corpus import HERE, Runner, StaffApi, load_corpus

try:  # the trusted integration the e2e tests chat as, when the stack has one
    from e2e.conftest import E2E_CHAT_KEY, E2E_INTEGRATION
    CHAT_KEY: str | None = f"{E2E_INTEGRATION}:{E2E_CHAT_KEY}"
except ImportError:  # a gateway that takes the body's sender_id, or resident sessions
    CHAT_KEY = None

pytestmark = pytest.mark.e2e

SETS = [d for d in (HERE / "dev", HERE / "blind") if d.is_dir() and any(d.glob("*.y*ml"))]
CONVERSATIONS = [(d.name, c) for d in SETS for c in load_corpus(d)]
KNOWN_FAILURES: dict[str, str] = (
    yaml.safe_load((HERE / "known_failures.yml").read_text(encoding="utf-8")) or {}
).get("failures") or {}


def _marks(corpus: str, conversation) -> list:
    marks = [pytest.mark.dates] if conversation.dates else []
    reason = KNOWN_FAILURES.get(f"{corpus}/{conversation.id}")
    if reason:
        marks.append(pytest.mark.xfail(reason=reason, strict=False))
    return marks


@pytest.fixture(scope="module")
def runner(butler, staff_token) -> Runner:
    return Runner(http=butler.http, gateway_url=butler.gateway_url,
                  staff=StaffApi(butler.http, butler.gateway_url, staff_token), local_now=butler.local_now,
                  chat_key=CHAT_KEY)


@pytest.mark.parametrize(
    "conversation",
    [pytest.param(c, id=f"{s}/{c.kind}/{c.id}", marks=_marks(s, c)) for s, c in CONVERSATIONS])
def test_conversation_reaches_its_goal(conversation, runner: Runner):
    result = runner.run(conversation)
    assert result.passed, "\n" + result.transcript()
