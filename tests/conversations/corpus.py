"""The conversation corpus: load the YAML scripts, run one against a running butler
through ``/api/v1/chat``, check every reply and the goal against the system's real
state (staff API), and render a readable transcript.

Used by ``tests/e2e/test_conversations.py`` (pytest, the ``butler`` fixture) and by
``bench/dialogue.py`` (goal rate and turns to goal). The format is documented in
``tests/conversations/README.md``; ``load_corpus`` refuses anything else with a
message naming the file and the conversation.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import yaml

HERE = Path(__file__).resolve().parent
# Relative days a resident says, in the order {day:SERVICE} tries them.
DAY_WORDS = {"今天": 0, "明天": 1, "后天": 2, "大后天": 3}
TICKET_ID_RE = re.compile(r"GD\d{12}")
BOOKING_ID_RE = re.compile(r"YY\d{8,}")
PLACEHOLDER_RE = re.compile(r"\{(day):([^{}:]+)(?::(\d))?\}|\{(ticket|booking)\}")


class _CorpusYamlLoader(yaml.SafeLoader):
    """YAML 1.1 reads an unquoted 0541 as the octal number 353 (and 0011 as 9), and 10:30 as the
    base-60 number 630: script writers expect the last four digits of a phone (`expect: [0541]`)
    and a clock (`expect: [10:30]`) that way. Here both stay the text written; every other
    scalar resolves as usual."""


_CorpusYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:int"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_CorpusYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0x[0-9a-fA-F_]+|[-+]?(?:0|[1-9][0-9_]*))$"),
    list("-+0123456789"),
)

TURN_KEYS = {"say", "expect", "forbid", "buttons", "note"}
STAFF_KEYS = {"staff", "note"}
CONVERSATION_KEYS = {"id", "about", "turns", "goal", "dates", "rasa_story"}
BOOKING_GOAL_KEYS = {"service", "day", "time", "status", "address", "phone"}
TICKET_GOAL_KEYS = {"category", "status", "urgency", "address", "description", "satisfaction",
                    "contact_phone", "min_reports", "rated", "rating"}
GOAL_KEYS = {"booking", "bookings", "ticket", "tickets", "handoff"}
STAFF_TARGETS = {"派单", "处置中", "已办结"}
# The staff actions that lead from each state towards 已办结 (lifecycle.TRANSITIONS).
STAFF_PATH = {"受理": "派单", "派单": "开始处置", "处置中": "办结"}
STATE_ORDER = ("受理", "派单", "处置中", "已办结")


class CorpusError(ValueError):
    """A corpus file that does not follow the documented format."""


# ---- the format -----------------------------------------------------------------

@dataclass
class Turn:
    say: str | None = None
    expect: list[str] = field(default_factory=list)   # each item: "A|B" = A or B must appear
    forbid: list[str] = field(default_factory=list)   # none may appear
    buttons: list[str] = field(default_factory=list)  # each item "A|B" must appear among button titles
    staff: dict[str, Any] | None = None                # a staff step instead of a resident message


@dataclass
class Conversation:
    id: str
    about: str
    kind: str
    file: str
    turns: list[Turn]
    goal: dict[str, Any]
    dates: bool = False
    rasa_story: bool = True

    @property
    def name(self) -> str:
        return f"{self.kind}/{self.id}"

    @property
    def says(self) -> int:
        return sum(1 for t in self.turns if t.say is not None)


def _strings(value: Any, where: str, key: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
        return [str(v) for v in value]
    raise CorpusError(f"{where}: '{key}' must be a string or a list of strings")


def _check_keys(data: dict, allowed: set[str], where: str) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise CorpusError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(allowed)}")


def _parse_turn(raw: Any, where: str) -> Turn:
    if not isinstance(raw, dict):
        raise CorpusError(f"{where}: a turn is a mapping with 'say' (or 'staff')")
    if "staff" in raw:
        _check_keys(raw, STAFF_KEYS, where)
        staff = raw["staff"]
        if not isinstance(staff, dict) or staff.get("to") not in STAFF_TARGETS:
            raise CorpusError(f"{where}: 'staff' needs 'to:' one of {sorted(STAFF_TARGETS)}")
        _check_keys(staff, {"ticket", "to", "note"}, f"{where} staff")
        if staff.get("ticket", "last") not in ("last", "first"):
            raise CorpusError(f"{where}: staff 'ticket' is 'last' (default) or 'first'")
        return Turn(staff=dict(staff))
    _check_keys(raw, TURN_KEYS, where)
    say = raw.get("say")
    if not isinstance(say, (str, int)) or not str(say).strip():
        raise CorpusError(f"{where}: 'say' must be non-empty text")
    return Turn(say=str(say).strip(), expect=_strings(raw.get("expect"), where, "expect"),
                forbid=_strings(raw.get("forbid"), where, "forbid"),
                buttons=_strings(raw.get("buttons"), where, "buttons"))


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _parse_goal(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict) or not raw:
        raise CorpusError(f"{where}: 'goal' is a non-empty mapping ({sorted(GOAL_KEYS)})")
    _check_keys(raw, GOAL_KEYS, f"{where} goal")
    for key, keys in (("booking", BOOKING_GOAL_KEYS), ("ticket", TICKET_GOAL_KEYS)):
        for item in _as_list(raw.get(key, [])):
            if not isinstance(item, dict):
                raise CorpusError(f"{where}: goal '{key}' is a mapping (or a list of them)")
            _check_keys(item, keys, f"{where} goal {key}")
    for key in ("bookings", "tickets"):
        if key in raw and (not isinstance(raw[key], int) or raw[key] < 0):
            raise CorpusError(f"{where}: goal '{key}' is a count (0, 1, ...)")
    if "handoff" in raw and not isinstance(raw["handoff"], bool):
        raise CorpusError(f"{where}: goal 'handoff' is true or false")
    for item in _as_list(raw.get("booking", [])):
        day = str(item.get("day", "明天"))
        if day not in DAY_WORDS and not PLACEHOLDER_RE.fullmatch(day):
            raise CorpusError(f"{where}: booking day '{day}' is one of {list(DAY_WORDS)} or {{day:SERVICE}}")
        if "time" in item and not re.fullmatch(r"\d{1,2}:\d{2}", str(item["time"])):
            raise CorpusError(f"{where}: booking time is HH:MM (24 h), got {item['time']!r}")
    return raw


def load_file(path: Path) -> list[Conversation]:
    where = path.name
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_CorpusYamlLoader)
    except yaml.YAMLError as exc:
        raise CorpusError(f"{where}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("conversations"), list):
        raise CorpusError(f"{where}: top level needs 'kind' and a list 'conversations'")
    _check_keys(data, {"kind", "about", "conversations"}, where)
    kind = str(data.get("kind") or path.stem)
    out: list[Conversation] = []
    for i, raw in enumerate(data["conversations"]):
        cw = f"{where} conversation #{i + 1}"
        if not isinstance(raw, dict):
            raise CorpusError(f"{cw}: a conversation is a mapping")
        _check_keys(raw, CONVERSATION_KEYS, cw)
        cid = raw.get("id")
        if not isinstance(cid, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", cid):
            raise CorpusError(f"{cw}: 'id' is lower-case letters, digits, - and _")
        cw = f"{where} {cid}"
        turns = raw.get("turns")
        if not isinstance(turns, list) or not turns:
            raise CorpusError(f"{cw}: 'turns' is a non-empty list")
        parsed = [_parse_turn(t, f"{cw} turn {j + 1}") for j, t in enumerate(turns)]
        if parsed[0].say is None:
            raise CorpusError(f"{cw}: the first turn is the resident's")
        out.append(Conversation(id=cid, about=str(raw.get("about", "")), kind=kind, file=str(path),
                                turns=parsed, goal=_parse_goal(raw.get("goal"), cw),
                                dates=bool(raw.get("dates", False)), rasa_story=bool(raw.get("rasa_story", True))))
    return out


def load_corpus(directory: Path) -> list[Conversation]:
    """Every conversation of ``directory/*.yml``, ids unique across the corpus."""
    files = sorted(Path(directory).glob("*.yml")) + sorted(Path(directory).glob("*.yaml"))
    if not files:
        raise CorpusError(f"no *.yml files in {directory}")
    conversations = [c for f in files for c in load_file(f)]
    seen: dict[str, str] = {}
    for c in conversations:
        if c.id in seen:
            raise CorpusError(f"id '{c.id}' is used twice ({seen[c.id]} and {c.file})")
        seen[c.id] = c.file
    return conversations


# ---- running one conversation ---------------------------------------------------

@dataclass
class Exchange:
    step: int
    say: str | None
    replies: list[dict]
    problems: list[str]
    staff: str | None = None
    goal_held: bool | None = None

    @property
    def text(self) -> str:
        return "\n".join(r.get("text", "") for r in self.replies)


@dataclass
class Result:
    conversation: Conversation
    sender_id: str
    sender: str = ""  # as the staff API and Rasa know it (channel-namespaced)
    exchanges: list[Exchange] = field(default_factory=list)
    goal_problems: list[str] = field(default_factory=list)
    error: str | None = None
    turns_to_goal: int | None = None
    seconds: float = 0.0

    @property
    def reply_problems(self) -> list[str]:
        return [f"turn {e.step}: {p}" for e in self.exchanges for p in e.problems]

    @property
    def goal_reached(self) -> bool:
        return self.error is None and not self.goal_problems

    @property
    def passed(self) -> bool:
        return self.goal_reached and not self.reply_problems

    def transcript(self) -> str:
        c = self.conversation
        lines = [f"== {c.name} ({Path(c.file).name}) — {c.about}", f"   sender: {self.sender or self.sender_id}"]
        for e in self.exchanges:
            if e.staff:
                lines.append(f"[{e.step}] 工作人员: {e.staff}")
            else:
                lines.append(f"[{e.step}] 居民: {e.say}")
                for r in e.replies:
                    text = r.get("text", "").replace("\n", "\n         ")
                    lines.append(f"     管家: {text}")
                    if r.get("buttons"):
                        lines.append("           [" + " | ".join(b.get("title", "") for b in r["buttons"]) + "]")
            for p in e.problems:
                lines.append(f"     ✗ {p}")
        if self.error:
            lines.append(f"ERROR: {self.error}")
        lines.append("goal: " + ("reached" if self.goal_reached else "NOT reached"))
        lines.extend(f"  ✗ {p}" for p in self.goal_problems)
        return "\n".join(lines)


class StaffApi:
    """The staff API of a running gateway, as an admin (unmasked: phones and sender ids)."""

    def __init__(self, http: httpx.Client, gateway_url: str, token: str):
        self.http, self.url = http, gateway_url.rstrip("/")
        self.headers = {"authorization": f"Bearer {token}"}

    def get(self, path: str, **params) -> Any:
        resp = self.http.get(f"{self.url}{path}", params=params, headers=self.headers)
        resp.raise_for_status()
        return resp.json()

    def post(self, path: str, body: dict | None = None) -> Any:
        resp = self.http.post(f"{self.url}{path}", json=body or {}, headers=self.headers)
        if resp.status_code >= 400:
            raise RuntimeError(f"POST {path} -> {resp.status_code}: {resp.text[:300]}")
        return resp.json()

    def bookings_of(self, sender: str) -> list[dict]:
        return [b for b in self.get("/api/v1/bookings") if b["sender_id"] == sender]

    def tickets_of(self, sender: str, since: datetime, mentioned: set[str]) -> list[dict]:
        """Tickets this sender filed or joined: those created since the conversation
        began, and those the butler named to the resident (a report joined to an older
        ticket), with the timeline and watchers."""
        ids = set(mentioned)
        page = 1
        while True:
            data = self.get("/api/v1/tickets", since=since.isoformat(), page=page, page_size=200)
            ids.update(t["id"] for t in data["items"])
            if page * data["page_size"] >= data["total"]:
                break
            page += 1
        out = []
        for tid in sorted(ids):
            resp = self.http.get(f"{self.url}/api/v1/tickets/{tid}", headers=self.headers)
            if resp.status_code == 404:
                continue
            resp.raise_for_status()
            ticket = resp.json()
            if any(w.get("sender_id") == sender for w in ticket.get("watchers", [])):
                out.append(ticket)
        return sorted(out, key=lambda t: t["created_at"] or "")

    def handoffs_of(self, sender: str) -> list[dict]:
        return [h for h in self.get("/api/v1/handoffs", status="all") if h["sender_id"] == sender]


@dataclass
class Runner:
    """Runs conversations against one running gateway.

    ``local_now`` is the servers' clock (``butler.local_now``); ``channel`` the
    namespace the gateway gives web senders."""

    http: httpx.Client
    gateway_url: str
    staff: StaffApi
    local_now: Callable[[], datetime]
    run_tag: str = field(default_factory=lambda: uuid.uuid4().hex[:6])
    channel: str = "web"
    # A trusted integration's key ("name:key" or a bare key named default) to speak
    # for our own sender ids; None: each conversation is a fresh resident session
    # (the server issues the identity), or, on a gateway without resident sessions,
    # the body's sender_id.
    chat_key: str | None = None
    # Each conversation's bookings are cancelled afterwards, so scripts never fill a
    # slot for the next one (set False to inspect them).
    cleanup: bool = True
    day_cache: dict[tuple[date, str, int], tuple[str, date]] = field(default_factory=dict)

    # -- placeholders --------------------------------------------------------------

    def day_for(self, service: str, today: date, nth: int = 1) -> tuple[str, date]:
        """How a resident names the ``nth`` nearest day ``service`` has a free slot on,
        after today: 明天, 后天, 大后天, else the date (12月3日). Asked of the real
        slots API."""
        key = (today, service, nth)
        if key not in self.day_cache:
            found = 0
            for offset in range(1, 22):
                day = today + timedelta(days=offset)
                slots = self.staff.get(f"/api/v1/booking/services/{service}/slots", day=day.isoformat())
                if any(s["free"] > 0 for s in slots):
                    found += 1
                    if found == nth:
                        word = next((w for w, o in DAY_WORDS.items() if o == offset and w != "今天"),
                                    f"{day.month}月{day.day}日")
                        self.day_cache[key] = (word, day)
                        break
            else:
                raise RuntimeError(f"no free slot of {service} on {nth} day(s) of the next three weeks")
        return self.day_cache[key]

    def expand(self, text: str, today: date, context: dict[str, str]) -> str:
        def sub(m: re.Match) -> str:
            if m.group(1):
                return self.day_for(m.group(2).strip(), today, int(m.group(3) or 1))[0]
            value = context.get(m.group(4))
            if not value:
                raise RuntimeError(f"{{{m.group(4)}}} used before the butler named a {m.group(4)} id")
            return value
        return PLACEHOLDER_RE.sub(sub, text)

    def resolve_day(self, word: str, today: date) -> date:
        m = PLACEHOLDER_RE.fullmatch(word)
        if m and m.group(1):
            return self.day_for(m.group(2).strip(), today, int(m.group(3) or 1))[1]
        return today + timedelta(days=DAY_WORDS[word])

    # -- the goal ------------------------------------------------------------------

    def check_goal(self, conv: Conversation, sender: str, started: datetime, today: date,
                   mentioned: set[str]) -> list[str]:
        goal, problems = conv.goal, []
        bookings = [b for b in self.staff.bookings_of(sender)]
        active = [b for b in bookings if b["status"] == "booked"]
        if "bookings" in goal and len(active) != goal["bookings"]:
            problems.append(f"expected {goal['bookings']} booking(s), found {len(active)}: "
                            + ("; ".join(_booking_str(b) for b in active) or "none"))
        for want in _as_list(goal.get("booking", [])):
            if not any(_booking_matches(b, want, self.resolve_day(str(want.get("day", "明天")), today))
                       for b in bookings):
                problems.append(f"no booking like {want} (day {self.resolve_day(str(want.get('day', '明天')), today)}); "
                                f"found: " + ("; ".join(_booking_str(b) for b in bookings) or "none"))
        if "ticket" in goal or "tickets" in goal:
            tickets = self.staff.tickets_of(sender, started, {m for m in mentioned if m.startswith("GD")})
            if "tickets" in goal and len(tickets) != goal["tickets"]:
                problems.append(f"expected {goal['tickets']} ticket(s), found {len(tickets)}: "
                                + ("; ".join(_ticket_str(t) for t in tickets) or "none"))
            for want in _as_list(goal.get("ticket", [])):
                if not any(_ticket_matches(t, want, sender) for t in tickets):
                    problems.append(f"no ticket like {want}; found: "
                                    + ("; ".join(_ticket_str(t) for t in tickets) or "none"))
        if "handoff" in goal:
            handoffs = self.staff.handoffs_of(sender)
            if bool(handoffs) != goal["handoff"]:
                problems.append(f"hand-off expected {goal['handoff']}, found {len(handoffs)} request(s)")
        return problems

    # -- staff steps ---------------------------------------------------------------

    def staff_step(self, step: dict, sender: str, started: datetime, mentioned: set[str]) -> str:
        tickets = self.staff.tickets_of(sender, started, {m for m in mentioned if m.startswith("GD")})
        if not tickets:
            raise RuntimeError("staff step: this conversation has no ticket yet")
        ticket = tickets[-1] if step.get("ticket", "last") == "last" else tickets[0]
        target = step["to"]
        done = []
        while STATE_ORDER.index(ticket["status"]) < STATE_ORDER.index(target) if ticket["status"] in STATE_ORDER \
                else False:
            action = STAFF_PATH[ticket["status"]]
            body: dict[str, Any] = {"action": action}
            if action == "办结":
                body["note"] = step.get("note") or "已处理完毕"
            ticket = self.staff.post(f"/api/v1/tickets/{ticket['id']}/transitions", body)
            done.append(action)
        return f"{ticket['id']} → {ticket['status']}" + (f"（{'、'.join(done)}）" if done else "（无需操作）")

    # -- talking -------------------------------------------------------------------

    def _post_chat(self, body: dict, headers: dict) -> httpx.Response:
        # No cookie jar: each conversation is its own resident, never the last one's.
        import time

        for _ in range(10):
            self.http.cookies.clear()
            resp = self.http.post(f"{self.gateway_url}/api/v1/chat", json=body, headers=headers)
            self.http.cookies.clear()
            if resp.status_code != 429:  # the abuse limits are not what a script tests: wait and resend
                break
            time.sleep(min(float(resp.headers.get("retry-after") or 5), 60))
        return resp

    def say(self, who: dict, text: str) -> httpx.Response:
        """One message as this conversation's resident. ``who`` holds the identity:
        ``sender_id`` (ours), ``session`` (a resident session token) and ``sender``
        (the channel-namespaced id the staff API and Rasa know)."""
        body: dict[str, Any] = {"text": text}
        headers: dict[str, str] = {}
        if self.chat_key:
            name, _, key = self.chat_key.rpartition(":")
            headers["authorization"] = f"Bearer {key}"
            body["sender_id"] = who["sender_id"]
            who["sender"] = f"{self.channel}:int-{name or 'default'}:{who['sender_id']}"
            return self._post_chat(body, headers)
        if who.get("mode") == "sender":
            body["sender_id"] = who["sender_id"]
            return self._post_chat(body, headers)
        if who.get("session"):
            headers["X-Butler-Session"] = who["session"]
        resp = self._post_chat(body, headers)
        if resp.status_code == 422 and not who.get("session") and "sender_id" in resp.text:
            who["mode"] = "sender"  # a gateway that takes the body's sender_id
            who["sender"] = f"{self.channel}:{who['sender_id']}"
            return self.say(who, text)
        if resp.status_code == 200:
            data = resp.json()
            if data.get("session_token"):
                who["session"] = data["session_token"]
                who["sender_id"] = data.get("sender_id") or who["sender_id"]
                who["sender"] = f"{self.channel}:{who['sender_id']}"
        return resp

    # -- the conversation ----------------------------------------------------------

    def run(self, conv: Conversation) -> Result:
        import time

        who: dict[str, Any] = {"sender_id": f"conv-{self.run_tag}-{conv.id}"[:128]}
        who["sender"] = f"{self.channel}:{who['sender_id']}"
        result = Result(conversation=conv, sender_id=who["sender_id"])
        t0 = time.perf_counter()
        # A conversation never straddles midnight: 明天 must mean one day throughout.
        now = _clear_of_midnight(self.local_now, margin=180.0)
        today, started = now.date(), now - timedelta(seconds=5)
        context: dict[str, str] = {}
        mentioned: set[str] = set()
        held_from: int | None = None
        says = 0
        try:
            for step, turn in enumerate(conv.turns, start=1):
                sender = who["sender"]
                if turn.staff is not None:
                    done = self.staff_step(turn.staff, sender, started, mentioned)
                    result.exchanges.append(Exchange(step=step, say=None, replies=[], problems=[], staff=done))
                    continue
                says += 1
                text = self.expand(turn.say, today, context)
                resp = self.say(who, text)
                sender = result.sender = who["sender"]
                result.sender_id = who["sender_id"]
                if resp.status_code != 200:
                    problems = [f"/api/v1/chat answered {resp.status_code}: {resp.text[:300]}"]
                    result.exchanges.append(Exchange(step=step, say=text, replies=[], problems=problems))
                    continue
                replies = resp.json().get("replies", [])
                exchange = Exchange(step=step, say=text, replies=replies, problems=[])
                joined = exchange.text
                for found in TICKET_ID_RE.findall(joined):
                    context["ticket"] = found
                    mentioned.add(found)
                for found in BOOKING_ID_RE.findall(joined):
                    context["booking"] = found
                exchange.problems = self.check_replies(turn, replies, today, context)
                held = not self.check_goal(conv, sender, started, today, mentioned)
                exchange.goal_held = held
                if held and held_from is None:
                    held_from = says
                elif not held:
                    held_from = None
                result.exchanges.append(exchange)
            result.goal_problems = self.check_goal(conv, who["sender"], started, today, mentioned)
            if result.goal_reached:
                result.turns_to_goal = held_from if held_from is not None and _positive(conv.goal) else says
        except Exception as exc:  # noqa: BLE001 — reported in the transcript, never hidden
            result.error = f"{type(exc).__name__}: {exc}"
        finally:
            result.seconds = time.perf_counter() - t0
            if self.cleanup:
                try:
                    for b in self.staff.bookings_of(who["sender"]):
                        if b["status"] == "booked":
                            self.staff.post(f"/api/v1/bookings/{b['id']}/cancel")
                except Exception as exc:  # noqa: BLE001
                    result.error = result.error or f"clean-up failed: {exc}"
        return result

    def check_replies(self, turn: Turn, replies: list[dict], today: date, context: dict[str, str]) -> list[str]:
        text = normalise("\n".join(r.get("text", "") for r in replies))
        titles = [normalise(b.get("title", "")) for r in replies for b in r.get("buttons") or []]
        problems = []
        if not replies:
            problems.append("no reply at all")
        for item in turn.expect:
            options = [normalise(self.expand(o, today, context)) for o in item.split("|")]
            if not any(o in text for o in options):
                problems.append(f"reply lacks {' or '.join(repr(o) for o in options)}")
        for item in turn.forbid:
            options = [normalise(self.expand(o, today, context)) for o in item.split("|")]
            hit = [o for o in options if o in text]
            if hit:
                problems.append(f"reply must not contain {hit[0]!r}")
        for item in turn.buttons:
            options = [normalise(self.expand(o, today, context)) for o in item.split("|")]
            if not any(o in t for o in options for t in titles):
                problems.append(f"no button {' or '.join(repr(o) for o in options)} (buttons: {titles or 'none'})")
        return problems


def normalise(text: str) -> str:
    """Full-width ASCII to half-width, no spaces, lower case: 'ＧＤ' = 'GD', '１２０' = '120'."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            ch = chr(code - 0xFEE0)
        elif ch == "\u3000":
            ch = " "
        out.append(ch)
    return re.sub(r"\s+", "", "".join(out)).lower()


def _positive(goal: dict) -> bool:
    """Whether the goal asks for something to exist (then it can be reached early);
    a goal of absences (no booking, no ticket) is only judged at the end."""
    return bool(goal.get("booking") or goal.get("ticket") or goal.get("bookings") or goal.get("tickets")
                or goal.get("handoff"))


def _clear_of_midnight(local_now: Callable[[], datetime], margin: float) -> datetime:
    import time

    now = local_now()
    left = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), now.tzinfo) - now
    if left.total_seconds() < margin:
        time.sleep(left.total_seconds() + 1)
        now = local_now()
    return now


def _booking_str(b: dict) -> str:
    return f"{b['id']} {b['service']} {b['starts_at']} {b['status']} 地址={b.get('address')} 电话={b.get('phone')}"


def _ticket_str(t: dict) -> str:
    return (f"{t['id']} {t['category']} {t['status']} {t['urgency']} 地址={t.get('address')} "
            f"满意度={t.get('satisfaction')} 描述={(t.get('description') or '')[:40]}")


def _booking_matches(b: dict, want: dict, day: date) -> bool:
    starts = datetime.fromisoformat(b["starts_at"])
    if want.get("service") and b["service"] != want["service"]:
        return False
    if starts.date() != day:
        return False
    if want.get("time"):
        hh, mm = (int(x) for x in str(want["time"]).split(":"))
        if (starts.hour, starts.minute) != (hh, mm):
            return False
    if b["status"] != want.get("status", "booked"):
        return False
    if want.get("address") and normalise(str(want["address"])) not in normalise(b.get("address") or ""):
        return False
    return not (want.get("phone") and str(want["phone"]) != (b.get("phone") or ""))


def _scores(t: dict, sender: str | None) -> list[tuple[int | None, str | None]]:
    """The ratings of a ticket that count for this resident: their own ratings through
    the conversation (score, label), else the staff's 回访 satisfaction."""
    own = [(r.get("score"), r.get("label")) for r in t.get("ratings") or []
           if sender is None or r.get("sender_id") == sender]
    if own:
        return own
    return [(t["satisfaction"], None)] if t.get("satisfaction") is not None else []


def _ticket_matches(t: dict, want: dict, sender: str | None = None) -> bool:
    for key in ("category", "status", "urgency"):
        if key in want and t.get(key) not in _as_list(want[key]):
            return False
    # What staff read about the ticket: its description and every timeline note.
    notes = normalise((t.get("description") or "") + " " + " ".join(e.get("note") or "" for e in t.get("timeline", [])))
    if "description" in want and not all(normalise(str(v)) in notes for v in _as_list(want["description"])):
        return False
    # The location: the ticket's address field, or, failing that, what staff read.
    if "address" in want and not all(normalise(str(v)) in normalise(t.get("address") or "") or normalise(str(v)) in notes
                                     for v in _as_list(want["address"])):
        return False
    scores = _scores(t, sender)
    if "satisfaction" in want and not any(score == want["satisfaction"] for score, _ in scores):
        return False
    if "rating" in want and not any(label in _as_list(want["rating"]) for _, label in scores):
        return False
    if "rated" in want and bool(scores) != bool(want["rated"]):
        return False
    if "contact_phone" in want and str(want["contact_phone"]) != (t.get("contact_phone") or ""):
        return False
    return not ("min_reports" in want and (t.get("report_count") or 1) < int(want["min_reports"]))
