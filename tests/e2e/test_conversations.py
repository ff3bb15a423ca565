"""The conversation corpus (tests/conversations/<set>/*.yml, format in
tests/conversations/README.md), each conversation run end to end through
/api/v1/chat against the real stack with its own sender id: every reply is checked
against what the script expects of it, and the goal against the system's real state
through the staff API (bookings, tickets, hand-offs). "Today" is the servers' clock
(``butler.local_now``), so 明天 and {day:理发} mean the same day to the script and to
the butler.

The gate is per corpus, not per conversation: a share of conversations must reach
their goal (``GOAL_RATE_FLOOR``; a conversation whose script could not go on — a staff
step with no ticket to move — has not reached it). Why: the Rasa model is
trained on every machine, and TensorFlow's training is not bit-for-bit repeatable
across machines, so a borderline reading (是 check_ticket or file_complaint?) can flip
between two trainings of the same data — one conversation's result is not a stable
fact, a corpus's rate is. The floor sits below what the corpora reach today
(``make bench-dialogue``: dev 58/66, blind 65/75 when measured once; a clean clone's own
training missed two more dev goals; issue #11 asks 95 %), so that a model flipping a few
borderline lines passes and a real regression (eight or more conversations) fails. Every failing
conversation's transcript is printed with the verdict, and
``bench/dialogue.py --only ID --transcripts`` replays one.

Conversations marked ``dates: true`` run again, one test each, under
``make test-dates``: there the question is the date, not the model."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from conversations.corpus import HERE, Runner, StaffApi, load_corpus

try:  # the trusted integration the e2e tests chat as, when the stack has one
    from e2e.conftest import E2E_CHAT_KEY, E2E_INTEGRATION
    CHAT_KEY: str | None = f"{E2E_INTEGRATION}:{E2E_CHAT_KEY}"
except ImportError:  # a gateway that takes the body's sender_id, or resident sessions
    CHAT_KEY = None

pytestmark = pytest.mark.e2e

# Share of a corpus's conversations that must reach their goal.
GOAL_RATE_FLOOR = 0.75
# blind2 was measured once at 29/53 (54.7 %, bench/results/dialogue_blind2.md): many of its
# scripts guess a flow the butler does not have (工单号 before the phone question, times off
# the slot grid). Its floor guards that figure against regression, with the same room for a
# machine's own training as the others; it rises as the flows it found are settled.
GOAL_RATE_FLOOR_BY_CORPUS = {"blind2": 0.45}
SETS = [d for d in (HERE / "dev", HERE / "blind", HERE / "blind2") if d.is_dir() and any(d.glob("*.y*ml"))]
# One test per dated conversation, at every date of `make test-dates` — for the corpora
# that pass as a whole; blind2's two dated scripts run in its corpus test.
DATED = [(d.name, c) for d in SETS if d.name != "blind2" for c in load_corpus(d) if c.dates]


@pytest.fixture(scope="module")
def runner(butler, staff_token) -> Runner:
    return Runner(http=butler.http, gateway_url=butler.gateway_url,
                  staff=StaffApi(butler.http, butler.gateway_url, staff_token), local_now=butler.local_now,
                  chat_key=CHAT_KEY)


@pytest.mark.parametrize("corpus", SETS, ids=[d.name for d in SETS])
def test_conversation_corpus_reaches_its_goals(corpus, runner: Runner):
    results = [runner.run(conversation) for conversation in load_corpus(corpus)]
    assert results, f"no conversations in {corpus}"
    reached = [r for r in results if r.goal_reached]
    failed = [r for r in results if not r.passed]
    rate = len(reached) / len(results)
    report = (f"\n{corpus.name}: goal {len(reached)}/{len(results)} ({rate:.1%}), "
              f"all checks {len(results) - len(failed)}\n" + "\n".join(r.transcript() for r in failed))
    print(report)
    assert rate >= GOAL_RATE_FLOOR_BY_CORPUS.get(corpus.name, GOAL_RATE_FLOOR), report


@pytest.mark.dates
@pytest.mark.parametrize("conversation", [pytest.param(c, id=f"{s}/{c.kind}/{c.id}") for s, c in DATED])
def test_dated_conversation_reaches_its_goal(conversation, runner: Runner):
    # A sender of its own: the corpus test above already ran this conversation.
    result = dataclasses.replace(runner, run_tag=uuid.uuid4().hex[:6]).run(conversation)
    assert result.goal_reached, "\n" + result.transcript()
