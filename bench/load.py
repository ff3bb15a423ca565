"""`make bench-load`: many residents at once against the real butler, with crashes.

Starts the butler (bench/stack.py: the project's supervisor, loopback ports, a fresh
data directory; SQLite, or a fresh PostgreSQL database that is dropped afterwards)
and runs N simulated residents (default 50) for a duration (default 5 min). Each
resident runs a realistic mix of conversations through POST /api/v1/chat as the
bench's trusted integration (one sender per conversation): a greeting, a policy
question, a booking (长者食堂, a day of the next four weeks, phone, confirm), a
complaint (place, phone), and a progress query on a ticket it filed earlier. Every
message carries an ``Idempotency-Key`` (the channel's message id); a connection
error, a timeout, a 5xx, a 409 (key still in progress) or a 429 is retried with the
same key, for up to --message-deadline seconds, as a channel would.

``--kill-gateway-at`` / ``--kill-rasa-at`` send SIGKILL to that process of the
stack at that second of the run; the supervisor restarts it.

Reports throughput, p50/p95/p99 latency per kind of conversation (a message's
latency includes its retries), errors by status (final ones, and the attempts that
were retried), and LOST ACKNOWLEDGED WRITES, checked after the run:

- every 工单号 (GD…) and 预约号 (YY…) a reply gave must exist (staff API, admin token);
- every message answered 200 must be on record: in Rasa's tracker store for its
  sender, or in the gateway's durable inbox when there is one (the database).

Writes bench/results/load_<db>.md and .json (or --out).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import platform
import random
import re
import shutil
import subprocess
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Literal

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from sqlalchemy import create_engine, inspect, text

from assistant.booking.catalogue import DEFAULT_PATH, load_catalogue
from assistant.privacy import mask_text
from assistant.settings import PROJECT_ROOT
from stack import Stack  # bench/stack.py (the script's own directory is on sys.path)

RESULTS = PROJECT_ROOT / "bench" / "results"
PG_ADMIN_URL = os.environ.get("BUTLER_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
TICKET_ID = re.compile(r"GD\d{12}")
BOOKING_ID = re.compile(r"YY\d{12}")
KINDS = ("greeting", "policy", "booking", "complaint", "progress")
# Share of conversations of each kind (a community's chat is mostly questions).
WEIGHTS = (0.15, 0.30, 0.20, 0.20, 0.15)
RETRY_STATUSES = frozenset({409, 429, 500, 502, 503, 504})
# In every reply that says the butler cannot go on (the dialogue engine is down: the
# degraded reply gives the community's number): the conversation ends there.
SERVICE_PHONE = "021-12345678"

GREETINGS = ("你好", "您好，在吗", "早上好", "你能帮我干啥")
POLICY = ("我今年刚满八十，社区能给啥补贴？", "居民医保什么时候交钱？今年的还能交吗？",
          "要交够多少年才能领养老金？", "每年都要刷脸认证吗？我妈走不动去不了",
          "自由职业者怎么自己交社保？", "老人去世了有丧葬费可以领吗？")
COMPLAINTS = ("{b}号楼门口的垃圾三天没人清了，臭得不行", "{b}号楼楼下的路灯坏了好几天了，晚上黑乎乎的",
              "{b}号楼楼道里堆满了杂物，消防通道都堵了", "{b}号楼下面的下水道堵了，污水都冒出来了")

app = typer.Typer(add_completion=False, help=__doc__.split("\n\n")[0])
console = Console(stderr=True)


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return round(ordered[k], 1)


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    final: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))  # kind -> outcome -> n
    retried: Counter = field(default_factory=Counter)  # attempt outcome -> n (retried)
    replays: int = 0
    # answers given in degraded mode (the dialogue engine down: first reply's custom "degraded")
    degraded: Counter = field(default_factory=Counter)
    engine_latencies: list[float] = field(default_factory=list)
    conversations: Counter = field(default_factory=Counter)
    goals: Counter = field(default_factory=Counter)
    # what the butler acknowledged: (sender, message text) answered 200, ids it gave
    acked_messages: list[tuple[str, str, str]] = field(default_factory=list)  # sender, key, text
    ticket_ids: dict[str, str] = field(default_factory=dict)  # id -> sender
    booking_ids: dict[str, str] = field(default_factory=dict)
    sent: int = 0
    ok: int = 0
    failed: int = 0
    # a few conversations per kind that did not reach their goal, as said and answered
    missed: dict[str, list[list[str]]] = field(default_factory=lambda: defaultdict(list))


class Resident:
    def __init__(self, index: int, run: str, client: httpx.AsyncClient, url: str, key: str, stats: Stats,
                 rng: random.Random, message_deadline: float, think: float, today: date):
        self.index, self.run, self.client, self.url, self.key = index, run, client, url, key
        self.stats, self.rng = stats, rng
        self.message_deadline, self.think, self.today = message_deadline, think, today
        self.conversation = 0
        self.message = 0
        self.phone = f"139{rng.randrange(10**8):08d}"
        self.tickets: list[tuple[str, str]] = []  # (sender, ticket id) this resident filed
        self.transcript: list[str] = []

    async def send(self, kind: str, sender: str, text: str) -> str | None:
        """One message, retried with the same Idempotency-Key; the replies joined, or
        None when it failed for good."""
        self.message += 1
        key = f"{self.run}-{self.index}-{self.message}"
        headers = {"Authorization": f"Bearer {self.key}", "Idempotency-Key": key}
        started = time.monotonic()
        give_up = started + self.message_deadline
        delay = 0.5
        self.stats.sent += 1
        while True:
            retry_after = None
            try:
                resp = await self.client.post(self.url, json={"sender_id": sender, "text": text}, headers=headers)
                outcome: int | str = resp.status_code
                if resp.status_code == 200:
                    latency = (time.monotonic() - started) * 1000
                    self.stats.latencies[kind].append(latency)
                    self.stats.final[kind]["200"] += 1
                    self.stats.ok += 1
                    if resp.headers.get("Idempotent-Replayed"):
                        self.stats.replays += 1
                    self.stats.acked_messages.append((sender, key, text))
                    replies = resp.json().get("replies", [])
                    if any(isinstance(r.get("custom"), dict) and "degraded" in r["custom"] for r in replies):
                        self.stats.degraded[kind] += 1
                    else:
                        self.stats.engine_latencies.append(latency)
                    joined = "\n".join(r.get("text", "") for r in replies)
                    self.transcript.append(f"> {text}\n< {joined}")
                    for found in TICKET_ID.findall(joined):
                        self.stats.ticket_ids.setdefault(found, sender)
                    for found in BOOKING_ID.findall(joined):
                        self.stats.booking_ids.setdefault(found, sender)
                    return joined
                retry_after = resp.headers.get("Retry-After")
            except httpx.HTTPError as exc:
                outcome = type(exc).__name__
            retryable = isinstance(outcome, str) or outcome in RETRY_STATUSES
            wait = min(float(retry_after), 10.0) if retry_after and retry_after.isdigit() else delay
            if not retryable or time.monotonic() + wait > give_up:
                self.transcript.append(f"> {text}\n< HTTP {outcome}")
                self.stats.final[kind][str(outcome)] += 1
                self.stats.failed += 1
                return None
            self.stats.retried[str(outcome)] += 1
            await asyncio.sleep(wait)
            delay = min(delay * 2, 5.0)

    def sender(self) -> str:
        self.conversation += 1
        return f"{self.run}-r{self.index}-c{self.conversation}"

    async def pause(self) -> None:
        await asyncio.sleep(self.rng.uniform(0.5, 1.5) * self.think)

    async def greeting(self) -> bool:
        return await self.send("greeting", self.sender(), self.rng.choice(GREETINGS)) is not None

    async def policy(self) -> bool:
        reply = await self.send("policy", self.sender(), self.rng.choice(POLICY))
        return bool(reply)

    async def booking(self) -> bool:
        """长者食堂 (40 places a slot, every day): a day of the next four weeks."""
        sender = self.sender()
        catalogue = load_catalogue(DEFAULT_PATH)
        day = self.today + timedelta(days=self.rng.randint(2, 27))
        while catalogue.is_closed(day):
            day += timedelta(days=1)
        said = f"{day.month}月{day.day}日中午想去长者食堂吃饭，帮我订一下"
        reply = await self.send("booking", sender, said)
        for _ in range(5):  # answer what the butler asks, as a resident would
            if reply is None:
                return False
            if BOOKING_ID.search(reply):
                return True
            if SERVICE_PHONE in reply:
                return False
            if "对吗" in reply or "确认" in reply:
                answer = "是的"
            elif "电话" in reply or "手机" in reply:
                answer = self.phone
            elif "地址" in reply:
                answer = f"{self.rng.randint(1, 60)}号楼{self.rng.randint(1, 4)}单元{self.rng.randint(101, 1802)}"
            elif "哪天" in reply or "几点" in reply or "时间" in reply:
                answer = f"{day.month}月{day.day}日中午十二点"
            else:
                return False
            await self.pause()
            reply = await self.send("booking", sender, answer)
        return False

    async def complaint(self) -> bool:
        sender = self.sender()
        building = self.rng.randint(1, 199)
        reply = await self.send("complaint", sender, self.rng.choice(COMPLAINTS).format(b=building))
        for _ in range(4):
            if reply is None:
                return False
            found = TICKET_ID.search(reply)
            if found:
                self.tickets.append((sender, found.group(0)))
                return True
            if SERVICE_PHONE in reply:
                return False
            if "手机" in reply or "电话" in reply:
                answer = self.phone
            elif "位置" in reply or "哪里" in reply or "哪儿" in reply:
                answer = f"{building}号楼"
            elif "对吗" in reply:
                answer = "对"
            else:
                return False
            await self.pause()
            reply = await self.send("complaint", sender, answer)
        return False

    async def progress(self) -> bool:
        if not self.tickets:
            reply = await self.send("progress", self.sender(), "我的投诉处理到哪一步了")
            return reply is not None
        sender, ticket_id = self.rng.choice(self.tickets)
        reply = await self.send("progress", sender, f"{ticket_id} 怎么样了")
        return reply is not None and ticket_id in reply

    async def live(self, deadline: float) -> None:
        await asyncio.sleep(self.rng.uniform(0, 3))  # residents do not all arrive in the same second
        while time.monotonic() < deadline:
            kind = self.rng.choices(KINDS, WEIGHTS)[0]
            self.stats.conversations[kind] += 1
            self.transcript = []
            if await getattr(self, kind)():
                self.stats.goals[kind] += 1
            elif len(self.stats.missed[kind]) < 3:
                self.stats.missed[kind].append([mask_text(line) for line in self.transcript])
            await self.pause()


async def crash(stack: Stack, name: str, at: float, t0: float, events: list[dict]) -> None:
    await asyncio.sleep(max(0.0, t0 + at - time.monotonic()))
    pid = await asyncio.to_thread(stack.kill, name)
    killed = time.monotonic()
    event = {"process": name, "at_s": round(killed - t0, 1), "pid": pid, "ready_again_after_s": None}
    events.append(event)
    console.log(f"kill -9 {name} (pid {pid}) at {event['at_s']} s")
    await asyncio.sleep(1.0)
    while time.monotonic() - killed < 600:
        if await asyncio.to_thread(stack.ready):
            event["ready_again_after_s"] = round(time.monotonic() - killed, 1)
            console.log(f"{name} back: /readyz 200 {event['ready_again_after_s']} s after the kill")
            return
        await asyncio.sleep(1.0)


async def run_load(stack: Stack, residents: int, duration: float, think: float, message_deadline: float,
                   kills: dict[str, float], seed: int) -> tuple[Stats, list[dict], float]:
    stats = Stats()
    events: list[dict] = []
    run = f"load{int(time.time())}"
    today = stack.clock.local_now().date()
    url = f"{stack.gateway_url}/api/v1/chat"
    limits = httpx.Limits(max_connections=residents + 10, max_keepalive_connections=residents)
    async with httpx.AsyncClient(timeout=httpx.Timeout(90.0, connect=5.0), limits=limits) as client:
        t0 = time.monotonic()
        deadline = t0 + duration
        people = [Resident(i, run, client, url, stack.chat_key, stats, random.Random(seed * 1000 + i),
                           message_deadline, think, today) for i in range(residents)]
        crashes = [asyncio.create_task(crash(stack, name, at, t0, events)) for name, at in kills.items()]
        with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
                      console=console, transient=False) as progress:
            task = progress.add_task("load", total=duration)
            lives = asyncio.gather(*(p.live(deadline) for p in people))
            while not lives.done():
                elapsed = time.monotonic() - t0
                progress.update(task, completed=min(elapsed, duration), description=(
                    f"{residents} residents · sent {stats.sent} · ok {stats.ok} · failed {stats.failed} · "
                    f"retried {sum(stats.retried.values())}"))
                await asyncio.wait([lives], timeout=1.0)
            await lives
        wall = time.monotonic() - t0
        # A process killed late in the run may come back after the load: wait for it (the
        # write check needs the stack ready anyway); a kill scheduled past the end never ran.
        unfired = [t for name, t in zip(kills, crashes, strict=True) if not any(e["process"] == name for e in events)]
        for task_ in unfired:
            task_.cancel()
        pending = [t for t in crashes if t not in unfired]
        if pending:
            await asyncio.wait(pending, timeout=600)
        for task_ in crashes:
            if not task_.done():
                task_.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*crashes, return_exceptions=True)
    return stats, events, wall


def check_writes(stack: Stack, stats: Stats, tracker_url: str, app_url: str) -> dict:
    """What the butler acknowledged and what is on record afterwards."""
    stack.wait_ready(timeout=600)
    token = stack.staff_token()
    lost_tickets, lost_bookings = [], []
    with httpx.Client(base_url=stack.gateway_url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
        for ticket_id in stats.ticket_ids:
            if http.get(f"/api/v1/tickets/{ticket_id}").status_code != 200:
                lost_tickets.append(ticket_id)
        for booking_id in stats.booking_ids:
            if http.get(f"/api/v1/bookings/{booking_id}").status_code != 200:
                lost_bookings.append(booking_id)
    # Messages answered 200, per sender: in the durable inbox by (sender, Idempotency-Key)
    # when the gateway has one, else among the user messages of Rasa's tracker.
    in_inbox: set[tuple[str, str]] = set()
    inbox_tables = []
    engine = create_engine(app_url)
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            columns = {c["name"] for c in inspect(conn).get_columns(table)}
            if "inbox" in table and {"sender_id", "idempotency_key"} <= columns:
                inbox_tables.append(table)
                rows = conn.execute(text(f'SELECT sender_id, idempotency_key FROM "{table}"'))
                in_inbox.update((sender, key) for sender, key in rows if key)
    engine.dispose()
    tracked: Counter = Counter()
    tracker = create_engine(tracker_url)
    with tracker.connect() as conn:
        for sender, n in conn.execute(text("SELECT sender_id, count(*) FROM events WHERE type_name = 'user' "
                                           "GROUP BY sender_id")):
            tracked[sender] += n
    tracker.dispose()
    outside_inbox: dict[str, list[str]] = defaultdict(list)
    via_inbox = 0
    for sender, key, said in stats.acked_messages:
        full = f"web:int-{stack.integration}:{sender}"
        if (full, key) in in_inbox:
            via_inbox += 1
        else:
            outside_inbox[full].append(said)
    lost_messages = {sender: {"acknowledged_outside_inbox": len(said), "in_tracker": tracked[sender],
                              "messages": said}
                     for sender, said in outside_inbox.items() if tracked[sender] < len(said)}
    return {
        "acknowledged_ticket_ids": len(stats.ticket_ids), "lost_ticket_ids": lost_tickets,
        "acknowledged_booking_ids": len(stats.booking_ids), "lost_booking_ids": lost_bookings,
        "acknowledged_messages": len(stats.acked_messages), "on_record_in_inbox": via_inbox,
        "messages_not_on_record": sum(v["acknowledged_outside_inbox"] - v["in_tracker"]
                                      for v in lost_messages.values()),
        "senders_with_messages_not_on_record": dict(sorted(lost_messages.items())[:20]),
        "inbox_tables": inbox_tables,
    }


def summarise(stats: Stats, wall: float) -> dict:
    per_kind = {}
    for kind in KINDS:
        values = stats.latencies.get(kind, [])
        per_kind[kind] = {"conversations": stats.conversations[kind], "goal_reached": stats.goals[kind],
                          "messages_ok": len(values), "p50_ms": percentile(values, 50),
                          "p95_ms": percentile(values, 95), "p99_ms": percentile(values, 99),
                          "degraded_answers": stats.degraded[kind], "outcomes": dict(stats.final.get(kind, {}))}
    everything = [v for values in stats.latencies.values() for v in values]
    errors = Counter()
    for outcomes in stats.final.values():
        errors.update({k: v for k, v in outcomes.items() if k != "200"})
    return {
        "seconds": round(wall, 1), "messages_sent": stats.sent, "messages_ok": stats.ok,
        "messages_failed": stats.failed, "throughput_msgs_per_s": round(stats.ok / wall, 2) if wall else None,
        "conversations": sum(stats.conversations.values()),
        "p50_ms": percentile(everything, 50), "p95_ms": percentile(everything, 95),
        "p99_ms": percentile(everything, 99), "errors_by_status": dict(errors),
        "degraded_answers": sum(stats.degraded.values()),
        "engine_p50_ms": percentile(stats.engine_latencies, 50), "engine_p95_ms": percentile(stats.engine_latencies, 95),
        "engine_p99_ms": percentile(stats.engine_latencies, 99),
        "retried_attempts_by_status": dict(stats.retried), "idempotent_replays": stats.replays,
        "by_kind": per_kind, "missed_goal_samples": dict(stats.missed),
    }


def markdown(report: dict) -> str:
    s, w, m = report["summary"], report["writes"], report["meta"]
    lost = len(w["lost_ticket_ids"]) + len(w["lost_booking_ids"]) + w["messages_not_on_record"]
    out = [f"# Load: {m['residents']} residents for {m['duration_s']} s on {m['db']}", "",
           f"Command: `{m['command']}`  ",
           f"Commit `{m['commit']}` · model `{m['model']}` · {m['machine']} · finished {m['finished']}", "",
           f"- Throughput: **{s['throughput_msgs_per_s']} messages/s** answered 200 "
           f"({s['messages_ok']} of {s['messages_sent']} in {s['seconds']} s; {s['conversations']} conversations)",
           f"- Latency per message (retries included): p50 {s['p50_ms']} ms · p95 {s['p95_ms']} ms · "
           f"p99 {s['p99_ms']} ms",
           f"- Answered in degraded mode (dialogue engine down): {s.get('degraded_answers', 'n/a')}; latency of the "
           f"answers the engine gave: p50 {s.get('engine_p50_ms')} ms · p95 {s.get('engine_p95_ms')} ms · "
           f"p99 {s.get('engine_p99_ms')} ms",
           f"- Errors (after retries): **{s['messages_failed']}** {s['errors_by_status'] or ''}",
           f"- Attempts retried (same Idempotency-Key): {sum(s['retried_attempts_by_status'].values())} "
           f"{s['retried_attempts_by_status'] or ''}; answers replayed: {s['idempotent_replays']}",
           f"- Lost acknowledged writes: **{lost}** — ticket ids {len(w['lost_ticket_ids'])} of "
           f"{w['acknowledged_ticket_ids']}, booking ids {len(w['lost_booking_ids'])} of "
           f"{w['acknowledged_booking_ids']}, messages answered 200 but not on record "
           f"{w['messages_not_on_record']} of {w['acknowledged_messages']} "
           f"(on record: {w['on_record_in_inbox']} in the inbox "
           f"{', '.join(w['inbox_tables']) or '(none)'} by Idempotency-Key, the rest among Rasa's tracker events)",
           "", "## Crashes", ""]
    if report["crashes"]:
        out += ["| process | kill -9 at | pid | /readyz 200 again after |", "|---|---|---|---|"]
        out += [f"| {e['process']} | {e['at_s']} s | {e['pid']} | {e['ready_again_after_s']} s |"
                for e in report["crashes"]]
    else:
        out.append("none")
    out += ["", "## Per kind of conversation", "",
            "| kind | conversations | goal reached | messages ok | degraded answers | p50 ms | p95 ms | p99 ms | "
            "outcomes |", "|---|---|---|---|---|---|---|---|---|"]
    for kind, k in s["by_kind"].items():
        out.append(f"| {kind} | {k['conversations']} | {k['goal_reached']} | {k['messages_ok']} | "
                   f"{k.get('degraded_answers', 'n/a')} | {k['p50_ms']} | "
                   f"{k['p95_ms']} | {k['p99_ms']} | {k['outcomes']} |")
    out += ["", "Goal reached: greeting and policy answered; booking got a 预约号; complaint got a 工单号; "
            "progress answered with the ticket's id.", ""]
    if w["senders_with_messages_not_on_record"]:
        out += ["## Messages answered 200 but not on record (first 20 senders)", ""]
        for sender, v in w["senders_with_messages_not_on_record"].items():
            out.append(f"- `{sender}`: {v['acknowledged_outside_inbox']} answered outside the inbox, "
                       f"{v['in_tracker']} in the tracker: {' / '.join(v['messages'])}")
        out.append("")
    if s.get("missed_goal_samples"):
        out += ["## Conversations that missed their goal (up to 3 per kind)", ""]
        for kind, samples in s["missed_goal_samples"].items():
            for sample in samples:
                out += [f"{kind}:", "", "```text", *sample, "```", ""]
    if report.get("tracebacks"):
        out += ["## Tracebacks in the process logs (by last line)", "",
                *[f"- {n} × {log}: `{line}`" for (log, line), n in
                  ((tuple(k.split(" | ", 1)), v) for k, v in report["tracebacks"].items())], ""]
    if report.get("notes"):
        out += ["## Notes", "", *[f"- {n}" for n in report["notes"]], ""]
    return "\n".join(out)


def traceback_summary(logs: Path) -> dict[str, int]:
    """Tracebacks in the stack's logs, counted by log and by their last line."""
    found: Counter = Counter()
    for log in sorted(logs.glob("*.log")):
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        for i, line in enumerate(lines):
            if "Traceback (most recent call last)" not in line:
                continue
            if line.lstrip().startswith("{"):  # a JSON log line carrying its own traceback
                try:
                    exception = json.loads(line).get("exception") or ""
                except ValueError:
                    exception = ""
                tail = [x for x in exception.splitlines() if x.strip() and not x.startswith(("(Background", "["))]
                found[f"{log.name} | {(tail[-1].strip() if tail else '?')[:160]}"] += 1
                continue
            j = i + 1
            while j < len(lines) and (lines[j].startswith((" ", "\t")) or not lines[j].strip()):
                j += 1
            last = lines[j].strip()[:160] if j < len(lines) else "?"
            found[f"{log.name} | {last}"] += 1
    return dict(found.most_common(15))


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


@app.command()
def main(
    residents: Annotated[int, typer.Option(min=1, help="simulated residents chatting at once")] = 50,
    duration: Annotated[float, typer.Option(min=1, help="seconds of load")] = 300.0,
    db: Annotated[Literal["sqlite", "postgresql"], typer.Option(help="the application database")] = "sqlite",
    kill_gateway_at: Annotated[float | None, typer.Option(help="kill -9 the gateway at this second")] = None,
    kill_rasa_at: Annotated[float | None, typer.Option(help="kill -9 Rasa at this second")] = None,
    think: Annotated[float, typer.Option(min=0, help="mean seconds a resident takes between messages")] = 1.0,
    message_deadline: Annotated[float, typer.Option(help="seconds a message is retried before it counts as an error")
                                ] = 180.0,
    model: Annotated[Path, typer.Option(help="Rasa model")] = Path(
        os.environ.get("BUTLER_TEST_RASA_MODEL", PROJECT_ROOT / "models" / "butler.tar.gz")),
    seed: Annotated[int, typer.Option(help="random seed of the residents")] = 7,
    out: Annotated[Path | None, typer.Option(help="results file stem (default bench/results/load_<db>)")] = None,
) -> None:
    if not model.exists():
        raise typer.BadParameter(f"no Rasa model at {model}")
    kills = {name: at for name, at in (("gateway", kill_gateway_at), ("rasa", kill_rasa_at)) if at is not None}
    out = out or RESULTS / f"load_{db}"
    with contextlib.ExitStack() as cleanup:
        database_url = ""
        if db == "postgresql":
            from assistant.db import temporary_postgres_database

            database_url = cleanup.enter_context(temporary_postgres_database(PG_ADMIN_URL, prefix="butler_load")).url
        console.log(f"starting the butler on {db} with {model.name} ...")
        started = time.monotonic()
        # The limits are not under test: one integration speaks for every resident.
        stack = cleanup.enter_context(Stack(model, database_url=database_url, prefix="bench-load-", extra_env={
            "BUTLER_CHAT_RATE_LIMIT": "100000/minute", "BUTLER_CHAT_IP_RATE_LIMIT": "100000/minute"}))
        console.log(f"ready after {time.monotonic() - started:.0f} s; {residents} residents for {duration:.0f} s")
        stats, events, wall = asyncio.run(run_load(stack, residents, duration, think, message_deadline, kills, seed))
        tracker_url = database_url or f"sqlite:///{stack.data_dir / 'rasa_tracker.db'}"
        app_url = database_url or f"sqlite:///{stack.data_dir / 'butler.db'}"
        writes = check_writes(stack, stats, tracker_url, app_url)
        tracebacks = traceback_summary(stack.data_dir / "logs")
        kept = PROJECT_ROOT / "var" / "bench-load" / f"{out.name}-logs"
        shutil.rmtree(kept, ignore_errors=True)
        shutil.copytree(stack.data_dir / "logs", kept)
    report = {
        "meta": {"command": ".venv/bin/python bench/load.py " + " ".join(
                     f"--{k.replace('_', '-')} {v}" for k, v in (
                         ("residents", residents), ("duration", duration), ("db", db),
                         ("kill_gateway_at", kill_gateway_at), ("kill_rasa_at", kill_rasa_at), ("think", think))
                     if v is not None),
                 "residents": residents, "duration_s": duration, "db": db, "think_s": think,
                 "message_deadline_s": message_deadline, "model": str(model.relative_to(PROJECT_ROOT))
                 if model.is_relative_to(PROJECT_ROOT) else str(model),
                 "commit": _commit(), "machine": f"{platform.machine()}, {os.cpu_count()} cores",
                 "finished": datetime.now(UTC).isoformat(timespec="seconds"), "seed": seed},
        "summary": summarise(stats, wall), "crashes": events, "writes": writes, "tracebacks": tracebacks,
        "notes": [f"the processes' logs of the run are kept in {kept.relative_to(PROJECT_ROOT)}/"],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    out.with_suffix(".md").write_text(markdown(report), encoding="utf-8")
    typer.echo(markdown(report))


if __name__ == "__main__":
    app()
