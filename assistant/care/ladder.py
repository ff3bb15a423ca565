"""The escalation ladder (issue #14): ``sweep(db, now)`` turns an elder's silence into
prompts, a care ticket and an urgent alert, each step recorded once.

For every active, consenting elder in the register, at ``now``:

1. **Daily prompt** (elders with a push channel, i.e. a ``sender_id``): from the start
   of the check-in window until its end, unless they already checked in that day.
   Episode ``day:<local date>``.
2. **Silence** (``silence()``) opens an escalation episode ``silent:<instant>``, the
   instant the silence started (the last sign of life that counts), so a new sign of
   life that breaks the silence and a later silence make a new episode:
   - *check-in silence* (push channel): the day's window has ended and there was no
     sign of life at all (check-in or sensor) since that day's local midnight (an elder
     registered after that day's window opened is expected from the next window);
   - *sensor silence*: a water meter with no reading for ``SENSOR_SILENCE["water"]``,
     or door/motion sensors with no event for ``SENSOR_SILENCE["door"]``, and no
     check-in in that time either.
3. In a silent episode: a **second prompt** at once (push channel only); a **care
   ticket** to the grid worker ``TICKET_AFTER`` later (at once without a push
   channel), with the address and the last sign of life; then, once the elder has
   been silent for ``quiet_days`` days, the **urgent alert**: an emergency ticket, which
   alerts staff through the tickets' emergency alert path; then (its own step,
   ``contact``) a message to each emergency contact: pushed when the contact is on a
   push channel (their ``sender_id``, or a resident of the butler with their phone),
   else queued for the contact webhook (``care_contact_webhook_url``, retried), and
   always on the log.

A check-in stops the ladder at once (``service.record_sign`` resolves its open
steps); a sensor reading that breaks the silence stops it at the next sweep. Every
step is claimed with a unique row (``care_id, episode, step``) before its work, so a
second sweep at the same time, a restarted sweep, or two sweeps at once send nothing
twice; a claim whose work failed (``done`` false) is retried after ``RETRY_CLAIM``.

Prompts and contact messages are written to ``care_outbox`` (the ladder's record). To
a recipient on a push channel (``assistant.outbox.can_push``: Telegram) they are queued
in the shared outbox in the same transaction, once per elder, episode and step
(``outbox_key``), the prompts with a 报平安 button the dialogue reads as a check-in;
the channel's process delivers them with retries. A contact message for the webhook
goes on the outbox's ``sms`` channel (``assistant.outbox.webhook``), delivered by the
jobs process with the same retries. Anything else is delivered by log.
"""

from __future__ import annotations

import time as _time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import structlog
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from assistant import clock, outbox
from assistant.care.models import CareDevice, CareLadderStep, CareOutbox, CareResident, CareSign
from assistant.care.service import _aware, file_care_ticket, is_life, last_signs, list_elders, parse_hhmm
from assistant.db import Database
from assistant.privacy import mask_name, mask_phone, mask_sender

log = structlog.get_logger(__name__)

# No reading of a kind for this long (and no check-in in that time) is silence.
SENSOR_SILENCE: dict[str, timedelta] = {
    "water": timedelta(hours=24),
    "door": timedelta(hours=24),
    "motion": timedelta(hours=24),
}
# Door and motion sensors watch the same thing: someone moving about the home.
SENSOR_GROUPS: tuple[tuple[str, ...], ...] = (("water",), ("door", "motion"))
# From the second prompt to the care ticket, when the elder can be prompted.
TICKET_AFTER = timedelta(hours=2)
# A claimed step whose work did not finish (a crash, a database error) is taken again after this.
RETRY_CLAIM = timedelta(minutes=10)

PROMPT_TEXT = "您好！今天身体怎么样？回一句“平安”就好。"
SECOND_PROMPT_TEXT = "您今天还没报平安，一切都好吗？回一句“平安”就行。要是不舒服，也请告诉我。"
# A pressed button sends its payload as the resident's words: 报平安 is the check-in
# (the Telegram menu's own 报平安 button sends the same).
CHECKIN_BUTTONS = [{"title": "报平安", "payload": "报平安"}]


def outbox_key(care_id: int, episode: str, step: str, part: str | None = None) -> str:
    """The shared outbox's dedupe key of one ladder message: one per elder, episode and
    step (``part`` tells apart the messages of one step, e.g. each emergency contact)."""
    return f"care:{care_id}:{episode}:{step}" + (f":{part}" if part else "")


def _queue(session, *, recipient: str, text: str, key: str, now: datetime,
           buttons: list[dict] | None = None) -> bool:
    """Queue the message in the shared outbox when the recipient can receive pushes
    (in the caller's transaction). False: delivered by log instead."""
    if not outbox.can_push(recipient):
        return False
    outbox.enqueue(session, recipient=recipient, text=text, buttons=buttons, dedupe_key=key, now=now)
    return True


@dataclass
class Silence:
    """Why an elder counts as silent, and since when."""

    since: datetime  # the last sign of life that counts (or when watching began)
    reasons: list[str]

    @property
    def episode(self) -> str:
        return "silent:" + self.since.astimezone(clock.TZ).isoformat(timespec="seconds")


@dataclass
class SweepReport:
    elders: int = 0
    sent: list[tuple[int, str]] = field(default_factory=list)  # (care_id, step) done in this sweep
    resolved: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        steps = {}
        for _, step in self.sent:
            steps[step] = steps.get(step, 0) + 1
        done = "，".join(f"{k} {v}" for k, v in steps.items()) or "无新步骤"
        return (f"巡查 {self.elders} 位老人：{done}；停止 {self.resolved} 个；失败 {len(self.failed)} 个；"
                f"用时 {self.seconds:.2f} 秒")


@dataclass
class _Facts:
    """What the sweep knows of one elder, read in bulk."""

    last_any: datetime | None = None
    last_checkin: datetime | None = None
    last_by_kind: dict[str, datetime] = field(default_factory=dict)
    devices: dict[str, datetime] = field(default_factory=dict)  # kind -> earliest device added


def _window(elder: CareResident, day) -> tuple[datetime, datetime]:
    start, end = parse_hhmm(elder.window_start), parse_hhmm(elder.window_end)
    return (datetime.combine(day, start, tzinfo=clock.TZ), datetime.combine(day, end, tzinfo=clock.TZ))


def _midnight(day) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=clock.TZ)


def silence(elder: CareResident, facts: _Facts, now: datetime) -> Silence | None:
    """Whether the elder counts as silent at ``now`` (see the module docstring)."""
    registered = _aware(elder.created_at)
    found: list[tuple[datetime, str]] = []
    if elder.sender_id:
        local = now.astimezone(clock.TZ)
        day = local.date()
        _, end = _window(elder, day)
        if local < end:
            day -= timedelta(days=1)
        start, _ = _window(elder, day)
        if registered <= start:  # watched since before that day's window opened
            if facts.last_any is None or facts.last_any < _midnight(day):
                found.append((facts.last_any or registered, "未报平安"))
    for group in SENSOR_GROUPS:
        added = [facts.devices[k] for k in group if k in facts.devices]
        if not added:
            continue
        readings = [facts.last_by_kind[k] for k in group if k in facts.last_by_kind]
        last = max(readings) if readings else min(added)
        if facts.last_checkin and facts.last_checkin > last:
            last = facts.last_checkin
        limit = min(SENSOR_SILENCE[k] for k in group)
        if now - last >= limit:
            name = "用水" if group == ("water",) else "开门或走动"
            hours = int((now - last).total_seconds() // 3600)
            found.append((last, f"{hours}小时没有{name}"))
    if not found:
        return None
    return Silence(since=min(t for t, _ in found), reasons=[r for _, r in found])


def _read_facts(session, elders: list[CareResident]) -> dict[int, _Facts]:
    ids = [e.id for e in elders]
    facts = {i: _Facts() for i in ids}
    for care_id, at in last_signs(session, ids).items():
        facts[care_id].last_any = at
    rows = session.execute(select(CareSign.care_id, CareSign.source, CareSign.kind, func.max(CareSign.at))
                           .where(CareSign.care_id.in_(ids), is_life())
                           .group_by(CareSign.care_id, CareSign.source, CareSign.kind))
    for care_id, source, kind, at in rows:
        at = _aware(at)
        if source == "checkin":
            facts[care_id].last_checkin = max(filter(None, (facts[care_id].last_checkin, at)))
        elif kind:
            facts[care_id].last_by_kind[kind] = at
    for care_id, kind, added in session.execute(
            select(CareDevice.care_id, CareDevice.kind, func.min(CareDevice.created_at))
            .where(CareDevice.care_id.in_(ids)).group_by(CareDevice.care_id, CareDevice.kind)):
        facts[care_id].devices[kind] = _aware(added)
    return facts


# ---- claiming steps -------------------------------------------------------------------

def _claim(db: Database, care_id: int, episode: str, step: str, now: datetime, note: str | None = None) -> int | None:
    """Take the step for this episode: the new row's id, or None when it is already
    taken (done, or being done). A stale unfinished claim is taken over."""
    try:
        with db.transaction() as session:
            stale = session.scalars(select(CareLadderStep).where(
                CareLadderStep.care_id == care_id, CareLadderStep.episode == episode,
                CareLadderStep.step == step).with_for_update()).first()
            if stale is not None:
                if stale.done or _aware(stale.at) > now - RETRY_CLAIM:
                    return None
                stale.at = now
                return stale.id
            row = CareLadderStep(care_id=care_id, episode=episode, step=step, at=now, done=False, note=note)
            session.add(row)
            session.flush()
            return row.id
    except IntegrityError:  # another sweep claimed it first
        return None


def _finish(db: Database, step_id: int, *, ticket_id: str | None = None, note: str | None = None) -> None:
    with db.transaction() as session:
        values = {"done": True}
        if ticket_id:
            values["ticket_id"] = ticket_id
        if note:
            values["note"] = note
        session.execute(update(CareLadderStep).where(CareLadderStep.id == step_id).values(**values))


def _release(db: Database, step_id: int) -> None:
    """The step's work failed: let the next sweep try again."""
    with db.transaction() as session:
        session.execute(delete(CareLadderStep).where(CareLadderStep.id == step_id, CareLadderStep.done.is_(False)))


def _deliver(care_id: int, channel: str, recipient: str, text: str, *, via: str = "log") -> None:
    # The text is not logged: a message to a contact names the elder (您的家人王秀兰…), and
    # names are not masked by mask_text; it is kept in care_outbox for staff.
    log.info("care_message", care_id=care_id, channel=channel, recipient=_masked_recipient(recipient),
             chars=len(text), via=via)


@dataclass
class _Message:
    """A prompt due to one elder: its step and its outbox row are written together."""

    elder: CareResident
    episode: str
    step: str
    text: str
    note: str | None = None
    queued: bool = False  # in the shared outbox (a push channel), else delivered by log


def _write_messages(session, messages: list[_Message], now: datetime) -> list[_Message]:
    """Claim each message's step (done at once: the outbox row is its work) and write the
    outbox row, in the caller's transaction; skips steps already taken."""
    taken = set()
    for episode in {m.episode for m in messages}:
        ids = [m.elder.id for m in messages if m.episode == episode]
        taken |= {(care_id, episode, step) for care_id, step in session.execute(
            select(CareLadderStep.care_id, CareLadderStep.step).where(
                CareLadderStep.care_id.in_(ids), CareLadderStep.episode == episode))}
    written = []
    for m in messages:
        if (m.elder.id, m.episode, m.step) in taken:
            continue
        row = CareLadderStep(care_id=m.elder.id, episode=m.episode, step=m.step, at=now, done=True, note=m.note)
        session.add(row)
        session.flush()
        m.queued = _queue(session, recipient=m.elder.sender_id, text=m.text, now=now, buttons=CHECKIN_BUTTONS,
                          key=outbox_key(m.elder.id, m.episode, m.step))
        session.add(CareOutbox(care_id=m.elder.id, step_id=row.id, channel=_channel(m.elder.sender_id),
                               recipient=m.elder.sender_id, text=m.text, created_at=now,
                               delivered_at=None if m.queued else now))
        written.append(m)
    return written


def _send_messages(db: Database, messages: list[_Message], now: datetime, report: SweepReport) -> None:
    """Prompts in one transaction per batch; when another sweep wrote one of them first
    (a unique-constraint race), one transaction per message instead."""
    if not messages:
        return
    try:
        with db.transaction() as session:
            written = _write_messages(session, messages, now)
    except IntegrityError:
        written = []
        for m in messages:
            try:
                with db.transaction() as session:
                    written += _write_messages(session, [m], now)
            except IntegrityError:
                continue
    for m in written:
        _deliver(m.elder.id, _channel(m.elder.sender_id), m.elder.sender_id, m.text,
                 via="outbox" if m.queued else "log")
        report.sent.append((m.elder.id, m.step))


def _masked_recipient(recipient: str) -> str:
    """A sender id (channel:id) or a bare phone, masked by the one rule for each."""
    if ":" in recipient:
        return mask_sender(recipient)
    return mask_phone(recipient) or "***"


def _channel(sender_id: str) -> str:
    return sender_id.partition(":")[0] or "chat"


# ---- the sweep ------------------------------------------------------------------------

def _describe_last(elder: CareResident, facts: _Facts) -> str:
    if facts.last_any is None:
        return "登记以来没有任何平安信号"
    local = facts.last_any.astimezone(clock.TZ).strftime("%m月%d日 %H:%M")
    source = "报平安" if facts.last_checkin == facts.last_any else "传感器"
    return f"{local}（{source}）"


def _open_steps(session, ids: list[int]) -> dict[int, dict[str, dict[str, CareLadderStep]]]:
    """Each elder's unresolved escalation steps, by episode and step."""
    out: dict[int, dict[str, dict[str, CareLadderStep]]] = {}
    for row in session.scalars(select(CareLadderStep).where(CareLadderStep.care_id.in_(ids),
                                                            CareLadderStep.resolved_at.is_(None),
                                                            CareLadderStep.step != "prompt")):
        out.setdefault(row.care_id, {}).setdefault(row.episode, {})[row.step] = row
    return out


def _prompted(session, ids: list[int], episode: str) -> set[int]:
    """The elders already prompted today (the claim decides anyway; this saves the work)."""
    return set(session.scalars(select(CareLadderStep.care_id).where(
        CareLadderStep.care_id.in_(ids), CareLadderStep.step == "prompt", CareLadderStep.episode == episode,
        CareLadderStep.done.is_(True))))


def sweep(db: Database, now: datetime | None = None, *, batch: int = 500) -> SweepReport:
    """One pass of the ladder over the whole register (see the module docstring)."""
    started = _time.perf_counter()
    now = now or clock.now()
    report = SweepReport()
    with db.session() as session:
        elders = [e for e in list_elders(session) if e.consent]
        for e in elders:
            session.expunge(e)
    report.elders = len(elders)
    for i in range(0, len(elders), batch):
        chunk = elders[i:i + batch]
        with db.session() as session:
            facts = _read_facts(session, chunk)
            open_steps = _open_steps(session, [e.id for e in chunk])
            day_episode = f"day:{now.astimezone(clock.TZ).date().isoformat()}"
            prompted = _prompted(session, [e.id for e in chunk if e.sender_id], day_episode)
        messages: list[_Message] = []
        for elder in chunk:
            try:
                _sweep_one(db, elder, facts[elder.id], open_steps.get(elder.id, {}),
                           prompted=elder.id in prompted, now=now, report=report, messages=messages)
            except Exception:  # noqa: BLE001 - one elder's failure never stops the others
                log.exception("care_sweep_failed", care_id=elder.id)
                report.failed.append((elder.id, "sweep"))
        try:
            _send_messages(db, messages, now, report)
        except Exception:  # noqa: BLE001 - the next sweep sends them
            log.exception("care_prompts_failed", count=len(messages))
            report.failed.extend((m.elder.id, m.step) for m in messages)
    report.seconds = _time.perf_counter() - started
    log.info("care_sweep", elders=report.elders, sent=len(report.sent), resolved=report.resolved,
             failed=len(report.failed), seconds=round(report.seconds, 3))
    return report


def _sweep_one(db: Database, elder: CareResident, facts: _Facts, open_steps: dict[str, dict[str, CareLadderStep]],
               *, prompted: bool, now: datetime, report: SweepReport, messages: list[_Message]) -> None:
    local = now.astimezone(clock.TZ)
    # 1. The daily prompt, during the window, unless the elder already checked in today.
    if elder.sender_id and not prompted:
        start, end = _window(elder, local.date())
        checked_in_today = facts.last_checkin is not None and facts.last_checkin >= _midnight(local.date())
        if start <= local < end and not checked_in_today:
            messages.append(_Message(elder, f"day:{local.date().isoformat()}", "prompt", PROMPT_TEXT))
    # 2. Silence, and the escalation episode it opens.
    quiet = silence(elder, facts, now)
    stale = [ep for ep in open_steps if quiet is None or ep != quiet.episode]
    if stale:
        with db.transaction() as session:
            report.resolved += session.execute(
                update(CareLadderStep).where(CareLadderStep.care_id == elder.id, CareLadderStep.episode.in_(stale),
                                             CareLadderStep.resolved_at.is_(None))
                .values(resolved_at=now)).rowcount or 0
        log.info("care_ladder_stopped", care_id=elder.id, episodes=len(stale))
    if quiet is None:
        return
    steps = open_steps.get(quiet.episode, {})
    done = {name: row for name, row in steps.items() if row.done}
    reasons = "，".join(quiet.reasons)
    # 3a. The second prompt.
    if elder.sender_id and "second_prompt" not in steps:
        messages.append(_Message(elder, quiet.episode, "second_prompt", SECOND_PROMPT_TEXT, note=reasons))
        return  # the ticket comes TICKET_AFTER later
    # 3b. The care ticket to the grid worker.
    if "ticket" not in done:
        prompted_at = _aware(done["second_prompt"].at) if "second_prompt" in done else None
        if prompted_at is not None and now < prompted_at + TICKET_AFTER:
            return
        step_id = _claim(db, elder.id, quiet.episode, "ticket", now, note=reasons)
        if step_id is None:
            return
        description = (f"独居老人 {mask_name(elder.name)}（登记号 {elder.id}）{reasons}。"
                       f"地址：{elder.address}。最后一次平安信号：{_describe_last(elder, facts)}。"
                       "请网格员上门看看。")
        try:
            ticket_id = file_care_ticket(db, elder, description=description, urgency="urgent", now=now)
        except Exception:
            _release(db, step_id)
            raise
        _finish(db, step_id, ticket_id=ticket_id)
        report.sent.append((elder.id, "ticket"))
        return
    # 3c. The urgent alert, once the elder has been silent for quiet_days days: staff
    # (an emergency ticket), then 3d. the emergency contacts (``_alert_contacts``).
    if "alert" in done:
        _alert_contacts(db, elder, quiet, done, now, report)
        return
    if now - quiet.since < timedelta(days=elder.quiet_days):
        return
    step_id = _claim(db, elder.id, quiet.episode, "alert", now, note=reasons)
    if step_id is None:
        return
    days = (now - quiet.since).days
    description = (f"紧急：独居老人 {mask_name(elder.name)}（登记号 {elder.id}）已经 {days} 天没有平安信号（{reasons}）。"
                   f"地址：{elder.address}。最后一次平安信号：{_describe_last(elder, facts)}。"
                   f"关怀工单 {done['ticket'].ticket_id}。请马上上门查看，必要时联系紧急联系人。")
    try:
        ticket_id = file_care_ticket(db, elder, description=description, urgency="emergency", now=now)
    except Exception:
        _release(db, step_id)
        raise
    _finish(db, step_id, ticket_id=ticket_id)
    report.sent.append((elder.id, "alert"))
    done["alert"] = CareLadderStep(step="alert", at=now, done=True, ticket_id=ticket_id)
    _alert_contacts(db, elder, quiet, done, now, report)


def contact_text(elder: CareResident, days: int) -> str:
    return (f"您好，社区提醒：您的家人{elder.name}已经 {days} 天没有报平安。"
            "我们已请工作人员上门查看，也请您尽快联系老人。")


def _contact_recipient(session, contact: dict) -> str | None:
    """Where a pushed message reaches the contact: the contact's own chat account
    (``sender_id``) or a resident of the butler with the contact's phone, on a push
    channel (Telegram) and not blocking the bot. None: not reachable by push."""
    from assistant.outbox.models import OutboxBlocked
    from assistant.residents.models import Resident

    candidates = [contact.get("sender_id")] if contact.get("sender_id") else []
    phone = (contact.get("phone") or "").strip()
    if phone:
        candidates += list(session.scalars(select(Resident.sender_id).where(Resident.phone == phone)
                                           .order_by(Resident.id.desc())))
    for sender in candidates:
        if outbox.can_push(sender) and session.get(OutboxBlocked, sender) is None:
            return sender
    return None


def _alert_contacts(db: Database, elder: CareResident, quiet: Silence, done: dict, now: datetime,
                    report: SweepReport) -> None:
    """The urgent alert's message to each emergency contact, its own ladder step
    (``contact``, once per episode): pushed to a contact on a push channel (the shared
    outbox), else queued for the contact webhook (``care_contact_webhook_url``, the
    outbox's ``sms`` channel, retried), and always on the log (masked, without the
    text) and in ``care_outbox``. Its own step, so a failure here is retried without
    filing the emergency ticket again."""
    from assistant.outbox.webhook import enqueue_sms
    from assistant.settings import get_settings

    contacts = elder.emergency_contacts or []
    if "contact" in done or not contacts:
        return
    step_id = _claim(db, elder.id, quiet.episode, "contact", now)
    if step_id is None:
        return
    webhook = get_settings().care_contact_webhook_url
    text = contact_text(elder, (now - quiet.since).days)
    vias: list[tuple[str, str, str]] = []
    try:
        with db.transaction() as session:
            for i, contact in enumerate(contacts):
                key = outbox_key(elder.id, quiet.episode, "alert", f"contact:{i}")
                phone = (contact.get("phone") or "").strip()
                recipient = _contact_recipient(session, contact)
                if recipient is not None:
                    outbox.enqueue(session, recipient=recipient, text=text, dedupe_key=key, now=now)
                    via, channel = "outbox", _channel(recipient)
                elif webhook and phone:
                    enqueue_sms(session, phone=phone, text=text, dedupe_key=key, now=now)
                    recipient, via, channel = f"sms:{phone}", "webhook", "sms"
                else:
                    recipient, via, channel = phone, "log", "phone"
                session.add(CareOutbox(care_id=elder.id, step_id=step_id, channel=channel, recipient=recipient[:160],
                                       text=text, created_at=now, delivered_at=now if via == "log" else None))
                vias.append((channel, recipient, via))
    except Exception:
        _release(db, step_id)
        raise
    for channel, recipient, via in vias:
        _deliver(elder.id, channel, recipient, text, via=via)
    counts: dict[str, int] = {}
    for channel, _, _ in vias:
        counts[channel] = counts.get(channel, 0) + 1
    _finish(db, step_id, ticket_id=done["alert"].ticket_id if "alert" in done else None,
            note="，".join(f"{CONTACT_CHANNELS.get(k, k)} {v}" for k, v in counts.items()))
    report.sent.append((elder.id, "contact"))


CONTACT_CHANNELS = {"telegram": "Telegram", "sms": "短信网关", "phone": "仅日志"}


def deliver_contact_webhook(db: Database, now: datetime | None = None) -> int:
    """Deliver the contact messages queued for the contact webhook (the outbox's ``sms``
    channel, with its retries); returns how many were accepted. Nothing without a webhook."""
    import anyio

    from assistant.outbox.webhook import deliver_webhook_due
    from assistant.settings import get_settings

    url = get_settings().care_contact_webhook_url
    if not url:
        return 0
    run = anyio.run(lambda: deliver_webhook_due(db, now, url))
    return len(run.sent)
