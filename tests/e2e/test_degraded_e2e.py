"""Degraded mode and "nothing acknowledged is lost", for real (issue #12 item 5): the
project's supervisor runs Rasa, the action server and the gateway, and the tests kill
them with SIGKILL.

These tests run on a stack of their own (``outage_butler``, one per module, stopped
after it): killing Rasa or the gateway of the shared ``butler`` stack would break the
conversations of the tests that run after them. The tests in this module share it
and run in order; each waits for the stack to be whole again before it ends.

The supervisor's kill -9 (no orphans) is tested in tests/e2e/test_engine_room.py and
tests/test_supervisor.py, and not repeated here.
"""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.db import Database
from assistant.inbox import service as inbox
from assistant.residents.service import list_handoffs
from assistant.supervisor import wait_until_ready
from assistant.tickets.models import Ticket
from tests.e2e.conftest import E2E_CHAT_KEY, Butler, running_butler

pytestmark = pytest.mark.e2e

TICKET_ID = re.compile(r"GD\d{12}")
READY_TIMEOUT = float(os.environ.get("BUTLER_TEST_READY_TIMEOUT", "600"))
AUTH = {"Authorization": f"Bearer {E2E_CHAT_KEY}"}


@pytest.fixture(scope="module")
def outage_butler(tmp_path_factory) -> Iterator[Butler]:
    with running_butler(tmp_path_factory.mktemp("butler-outage")) as running:
        yield running


@pytest.fixture(scope="module")
def db(outage_butler: Butler) -> Iterator[Database]:
    database = Database(outage_butler.settings.resolved_database_url)
    yield database
    database.dispose()


def kill(butler: Butler, name: str) -> int:
    """SIGKILL to the process and its group (the supervisor starts each in its own)."""
    pid = butler.supervisor.pid(name)
    assert pid is not None, f"{name} is not running"
    os.killpg(pid, signal.SIGKILL)
    return pid


def wait_for(predicate, timeout: float, what: str, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


def down(butler: Butler) -> list[str]:
    try:
        resp = httpx.get(f"{butler.gateway_url}/readyz", timeout=10)
    except httpx.HTTPError:
        return ["gateway"]
    return resp.json().get("down", []) if resp.status_code == 503 else []


def rasa_user_turns(butler: Butler, sender: str, text: str) -> int:
    """How many times Rasa's tracker for ``sender`` holds the resident saying ``text``."""
    token = (Path(butler.settings.data_dir) / "rasa_token").read_text().strip()
    resp = httpx.get(f"{butler.rasa_url}/conversations/{sender}/tracker", params={"token": token}, timeout=30)
    resp.raise_for_status()
    return sum(1 for e in resp.json().get("events", []) if e.get("event") == "user" and e.get("text") == text)


def ticket(db: Database, ticket_id: str) -> Ticket | None:
    with db.session() as session:
        return session.get(Ticket, ticket_id)


def test_with_rasa_stopped_each_message_is_acted_on_or_recorded_then_replayed_once(outage_butler, db):
    b = outage_butler
    kill(b, "rasa")
    wait_for(lambda: "rasa" in down(b), 60, "/readyz to name rasa")

    fire = b.chat("deg-fire", "5号楼1单元楼道里着火了")
    complaint = b.chat("deg-complaint", "3号楼楼顶漏水了，天花板都湿了")
    handoff = b.chat("deg-handoff", "我要找工作人员")
    chat = b.chat("deg-chat", "明天上午想约个理发")
    # Each answer came from degraded mode (Rasa was really down for each of them).
    assert fire[0]["custom"]["emergency"]["by"] == "gateway", fire
    assert [r[0]["custom"]["degraded"]["action"] for r in (complaint, handoff, chat)] == \
        ["ticket", "handoff", "recorded"]

    # The fire: 119 first, an emergency ticket, the staff alert (console log: no webhook here).
    assert "119" in fire[0]["text"]
    fire_id = TICKET_ID.search("\n".join(r["text"] for r in fire)).group(0)
    assert ticket(db, fire_id).urgency == "emergency"
    gateway_log = (Path(b.settings.data_dir) / "logs" / "gateway.log").read_text(encoding="utf-8")
    assert any("ticket_emergency_alert" in line and fire_id in line for line in gateway_log.splitlines())
    # The complaint: a ticket with its id in the answer.
    complaint_id = TICKET_ID.search(complaint[0]["text"]).group(0)
    filed = ticket(db, complaint_id)
    assert filed.sender_id == b.sender("deg-complaint") and "漏水" in filed.description
    # The hand-off, for staff.
    with db.session() as session:
        assert b.sender("deg-handoff") in [r.sender_id for _, r in list_handoffs(session)]
    # The chat message: in the inbox, waiting.
    [recorded] = inbox.list_messages(db, sender_id=b.sender("deg-chat"))
    assert recorded.state == "pending" and recorded.text == "明天上午想约个理发"

    wait_until_ready(b.gateway_url, timeout=READY_TIMEOUT)
    wait_for(lambda: inbox.list_messages(db, sender_id=b.sender("deg-chat"))[0].state == "replayed",
             90, "the replay of the recorded message")
    time.sleep(12)  # two more replay passes: nothing is sent again
    assert rasa_user_turns(b, b.sender("deg-chat"), "明天上午想约个理发") == 1
    # What degraded mode acted on never reaches Rasa (it would be filed twice).
    for sid, text in (("deg-fire", "5号楼1单元楼道里着火了"), ("deg-complaint", "3号楼楼顶漏水了，天花板都湿了"),
                      ("deg-handoff", "我要找工作人员")):
        assert rasa_user_turns(b, b.sender(sid), text) == 0, sid
        assert [e.state for e in inbox.list_messages(db, sender_id=b.sender(sid))] == ["answered"]


# ---- kill -9 under load ----------------------------------------------------------------

MESSAGES = ("你好", "物业电话是多少", "小区门口的路灯坏了好几天了", "谢谢", "楼下垃圾站好臭")


def _client(butler: Butler, sender: str, acknowledged: dict, errors: list, progress: threading.Semaphore,
            deadline: float) -> None:
    """One resident sending MESSAGES in turn, each with its own Idempotency-Key, and
    retrying the same key until the gateway answers (as a channel does)."""
    with httpx.Client(timeout=60) as http:
        for i, text in enumerate(MESSAGES):
            key = f"{sender}-m{i}"
            while True:
                if time.monotonic() > deadline:
                    errors.append((sender, key, "gave up"))
                    return
                try:
                    resp = http.post(f"{butler.gateway_url}/api/v1/chat", headers={**AUTH, "Idempotency-Key": key},
                                     json={"sender_id": sender, "text": text})
                except httpx.HTTPError:
                    time.sleep(0.5)  # the gateway is down: retry with the same key
                    continue
                if resp.status_code in (409, 502, 503):  # the first attempt still holds the key
                    time.sleep(1)
                    continue
                if resp.status_code != 200:
                    errors.append((sender, key, resp.status_code, resp.text[:200]))
                    break
                acknowledged[(sender, key)] = (text, resp.json()["replies"])
                progress.release()
                break


def _load(butler: Butler, prefix: str, kill_after: int, victim: str, senders: int = 4,
          timeout: float = 400) -> tuple[dict, list]:
    acknowledged: dict = {}
    errors: list = []
    progress = threading.Semaphore(0)
    deadline = time.monotonic() + timeout
    threads = [threading.Thread(target=_client, args=(butler, f"{prefix}-{n}", acknowledged, errors, progress,
                                                      deadline)) for n in range(senders)]
    for t in threads:
        t.start()
    for _ in range(kill_after):  # some answers first, then the kill with requests in flight
        assert progress.acquire(timeout=180), "no progress before the kill"
    kill(butler, victim)
    for t in threads:
        t.join()
    return acknowledged, errors


def _assert_nothing_acknowledged_was_lost(butler: Butler, db: Database, acknowledged: dict) -> None:
    for (sender, key), (text, replies) in acknowledged.items():
        [entry] = inbox.list_messages(db, sender_id=butler.sender(sender), idempotency_key=key)
        assert entry.text == text and entry.state != "received", entry
        assert [r["text"] for r in entry.reply] == [r["text"] for r in replies], entry
        for ticket_id in TICKET_ID.findall("\n".join(r["text"] for r in replies)):
            assert ticket(db, ticket_id) is not None, (sender, key, ticket_id)


def test_a_kill_of_the_gateway_under_load_loses_nothing_acknowledged(outage_butler, db):
    b = outage_butler
    wait_until_ready(b.gateway_url, timeout=READY_TIMEOUT)
    acknowledged, errors = _load(b, "kill-gw", kill_after=3, victim="gateway")
    assert errors == []
    assert len(acknowledged) == 4 * len(MESSAGES)  # every message was answered in the end
    _assert_nothing_acknowledged_was_lost(b, db, acknowledged)
    # A retry with the same key gets the first answer, and is not acted on again.
    (sender, key), (text, replies) = next(iter(acknowledged.items()))
    again = httpx.post(f"{b.gateway_url}/api/v1/chat", headers={**AUTH, "Idempotency-Key": key},
                       json={"sender_id": sender, "text": text}, timeout=60)
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["replies"] == replies
    assert len(inbox.list_messages(db, sender_id=b.sender(sender), idempotency_key=key)) == 1


def test_a_kill_of_rasa_under_load_loses_nothing_acknowledged(outage_butler, db):
    b = outage_butler
    wait_until_ready(b.gateway_url, timeout=READY_TIMEOUT)
    acknowledged, errors = _load(b, "kill-rasa", kill_after=3, victim="rasa")
    assert errors == [] and len(acknowledged) == 4 * len(MESSAGES)
    _assert_nothing_acknowledged_was_lost(b, db, acknowledged)
    degraded = [replies for _, replies in acknowledged.values() if (replies[0].get("custom") or {}).get("degraded")]
    assert degraded, "no message was answered while Rasa was down"
    # Once Rasa is back, nothing stays waiting: replayed, or handed over to staff.
    wait_until_ready(b.gateway_url, timeout=READY_TIMEOUT)
    senders = {b.sender(sender) for sender, _ in acknowledged}
    wait_for(lambda: not [e for e in inbox.list_messages(db, state="pending", limit=1000) if e.sender_id in senders],
             120, "the replay of what was recorded while Rasa was down")
