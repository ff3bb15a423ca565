"""The care register and signs of life (issue #14): everything the CLI, the staff API,
the ladder, the sensors and the check-in action do with registered elders goes through
these functions.

- ``register`` / ``update_elder`` / ``deactivate`` / ``add_device`` / ``remove_device``:
  staff manage the register and its home sensors (the CLI and the staff API call these;
  every change is audited in ``care_events``);
- ``record_sign``: a sign of life (a check-in or a sensor reading);
- ``record_checkin``: an elder's 报平安 from any channel: a sign of life, a warm short
  reply, a care ticket when it also mentions trouble, the emergency flag when the
  safety net reads an emergency (the caller then runs the emergency path);
- ``file_care_ticket``: a care ticket dispatched (派单) to the elder's grid worker;
- ``register_rows``: the register with each elder's last sign of life.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import structlog
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant import clock
from assistant.care.models import DEVICE_KINDS, CareDevice, CareEvent, CareLadderStep, CareResident, CareSign
from assistant.db import Database
from assistant.privacy import mask_name, mask_phone, mask_sender, mask_text

log = structlog.get_logger(__name__)

# The department a care ticket is dispatched to when the elder has no named grid worker.
GRID_DEPARTMENT = "社区网格员"
# The routing-table category of care tickets (the classifier is not asked: staff filed it).
CARE_CATEGORY = "其他"
# A sensor reading stamped later than this after "now" is taken as received now.
CLOCK_SKEW = timedelta(minutes=5)

CHECKIN_REPLY = "好的，收到您的平安。祝您今天顺心！"
UNREGISTERED_REPLY = "好的，收到您的平安，祝您今天顺心！想每天报平安的话，可以找社区工作人员登记。"

# Trouble mentioned in a check-in: a care ticket (the grid worker looks in).
TROUBLE_RE = re.compile(
    r"头(有点|有些|好|很|老是)?晕|头疼|头痛|摔(了|倒|跤)|跌(了|倒|跤)|绊了一跤|不(太|大|怎么)?舒服|难受|没(什么)?力气|胸闷|心慌|"
    r"喘不(上|过)气|发烧|发热|咳(嗽)?得厉害|(腰|腿|膝盖|胸口|肚子|胃)(有点|好|很)?(疼|痛)|吃不下|睡不着|血压(有点|好|很)?高|"
    r"起不来|走不动|看不清")
# "没有不舒服", "没摔", "不疼": no trouble.
_NEGATED_RE = re.compile(r"(没有?|不|别)(什么)?$")


class CareError(ValueError):
    """A register entry that cannot be made as given; ``str()`` is for the operator."""

    code = "invalid_care_entry"


class CareNotFound(CareError):
    code = "care_not_found"


@dataclass
class CheckinResult:
    """What a check-in did. ``reply`` is what the elder hears (None when ``emergency``:
    the caller runs ``assistant.tickets.service.respond_to_emergency`` and says its
    lines). ``registered``: the sender is in the care register (a sign of life was
    recorded); ``ticket_id``: the care ticket opened for the trouble mentioned."""

    registered: bool
    reply: str | None
    care_id: int | None = None
    ticket_id: str | None = None
    trouble: bool = False
    emergency: bool = False


# ---- the register -------------------------------------------------------------------

def parse_hhmm(value: str) -> time:
    match = re.fullmatch(r"\s*(\d{1,2})[:：](\d{2})\s*", value or "")
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise CareError(f"时间要写成 08:00 这样：{value!r}")
    return time(int(match.group(1)), int(match.group(2)))


def _clean(value: str | None, limit: int, what: str, *, required: bool = False) -> str | None:
    value = " ".join((value or "").split())
    if not value:
        if required:
            raise CareError(f"请填写{what}。")
        return None
    if len(value) > limit:
        raise CareError(f"{what}太长了（最多 {limit} 字）。")
    return value


def _contacts(contacts: list | None) -> list[dict]:
    out = []
    for entry in contacts or []:
        if isinstance(entry, str):  # "name:phone" or "name:phone:relation" (the CLI's form)
            parts = [p.strip() for p in re.split(r"[:：]", entry)]
            entry = {"name": parts[0], "phone": parts[1] if len(parts) > 1 else "",
                     "relation": parts[2] if len(parts) > 2 else ""}
        if not isinstance(entry, dict) or not entry.get("name") or not entry.get("phone"):
            raise CareError("紧急联系人要有姓名和电话，例如 王小明:13912345678:儿子。")
        contact = {"name": str(entry["name"])[:64], "phone": str(entry["phone"])[:32],
                   "relation": str(entry.get("relation") or "")[:16]}
        if entry.get("sender_id"):  # the contact's own chat account: the urgent alert is pushed there
            contact["sender_id"] = str(entry["sender_id"])[:160]
        out.append(contact)
    return out


class CareConflict(CareError):
    """The entry clashes with one already in the register (a sender or a device taken)."""

    code = "care_conflict"


class DeviceNotFound(CareNotFound):
    code = "device_not_found"


# The register's fields staff may change after registering (``update_elder``).
EDITABLE = ("name", "phone", "address", "sender_id", "grid_worker", "window_start", "window_end", "quiet_days",
            "consent", "emergency_contacts", "active")
# Fields whose values are personal: masked in the audit trail and the logs.
_PERSONAL = {"name": mask_name, "phone": mask_phone}


def _check_phone(phone: str | None) -> str:
    phone = _clean(phone, 32, "电话", required=True)
    if not re.fullmatch(r"\+?[\d\- ]{5,20}", phone):
        raise CareError("电话号码不对。")
    return phone


def _check_quiet_days(value) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise CareError("静默天数要在 1 到 30 天之间。") from None
    if not 1 <= days <= 30:
        raise CareError("静默天数要在 1 到 30 天之间。")
    return days


def _check_window(window_start: str, window_end: str) -> tuple[str, str]:
    start, end = parse_hhmm(window_start), parse_hhmm(window_end)
    if end <= start:
        raise CareError("报平安的时段要先开始后结束，例如 08:00 到 10:00。")
    return start.strftime("%H:%M"), end.strftime("%H:%M")


def _masked_value(field: str, value):
    if value is None:
        return None
    if field in _PERSONAL:
        return _PERSONAL[field](value)
    if field == "emergency_contacts":
        return [{"name": mask_name(c.get("name")), "phone": mask_phone(c.get("phone")),
                 "relation": c.get("relation") or ""} for c in value or []]
    if field == "sender_id":
        return mask_sender(str(value))
    return value


def _audit(session: Session, care_id: int, action: str, actor: str, changes: dict | None, now: datetime) -> None:
    """One row of the register's audit trail (``care_events``), in the caller's
    transaction, and one log line; personal values masked in both."""
    session.add(CareEvent(care_id=care_id, at=now, actor=actor[:160], action=action, changes=changes))
    log.info("care_register_changed", care_id=care_id, action=action, actor=mask_text(actor),
             fields=sorted(changes or {}))


def register(db: Database, *, name: str, phone: str, address: str, sender_id: str | None = None,
             grid_worker: str | None = None, window_start: str = "08:00", window_end: str = "10:00",
             quiet_days: int = 3, consent: bool = True, emergency_contacts: list | None = None,
             now: datetime | None = None, actor: str = "operator:cli") -> CareResident:
    """Register an elder; returns the new entry (its ``id`` is the care id). ``actor``
    ("staff:<username>", "operator:cli") is kept in the audit trail."""
    now = now or clock.now()
    name = _clean(name, 64, "姓名", required=True)
    phone = _check_phone(phone)
    address = _clean(address, 256, "地址", required=True)
    sender_id = _clean(sender_id, 160, "聊天账号")
    grid_worker = _clean(grid_worker, 48, "网格员")
    start, end = _check_window(window_start, window_end)
    days = _check_quiet_days(quiet_days)
    elder = CareResident(name=name, phone=phone, address=address, sender_id=sender_id, grid_worker=grid_worker,
                         window_start=start, window_end=end, quiet_days=days, consent=bool(consent),
                         emergency_contacts=_contacts(emergency_contacts), active=True, created_at=now)
    try:
        with db.transaction() as session:
            session.add(elder)
            session.flush()
            _audit(session, elder.id, "create", actor,
                   {f: [None, _masked_value(f, getattr(elder, f))] for f in EDITABLE
                    if getattr(elder, f) not in (None, [], "")}, now)
    except IntegrityError:
        raise CareConflict(f"聊天账号 {sender_id} 已经登记过了。") from None
    log.info("care_registered", care_id=elder.id, name=mask_name(name), phone=mask_phone(phone),
             has_sender=bool(sender_id), grid_worker=mask_name(grid_worker), quiet_days=elder.quiet_days)
    return elder


def update_elder(db: Database, care_id: int, changes: dict, *, actor: str,
                 now: datetime | None = None) -> CareResident:
    """Change an entry of the register: any of ``EDITABLE`` (the window's two ends may
    change alone; they are checked together). Validated as ``register`` validates;
    every change is audited. ``active`` false takes the elder off the ladder (its open
    steps are resolved); true puts them back. Returns the entry as it now is."""
    now = now or clock.now()
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise CareError(f"不能修改：{', '.join(sorted(unknown))}。")
    clean: dict = {}
    for field, value in changes.items():
        if field == "name":
            clean[field] = _clean(value, 64, "姓名", required=True)
        elif field == "phone":
            clean[field] = _check_phone(value)
        elif field == "address":
            clean[field] = _clean(value, 256, "地址", required=True)
        elif field == "sender_id":
            clean[field] = _clean(value, 160, "聊天账号")
        elif field == "grid_worker":
            clean[field] = _clean(value, 48, "网格员")
        elif field == "quiet_days":
            clean[field] = _check_quiet_days(value)
        elif field in ("consent", "active"):
            if not isinstance(value, bool):
                raise CareError(f"{field} 只能是 true 或 false。")
            clean[field] = value
        elif field == "emergency_contacts":
            clean[field] = _contacts(value)
        elif field in ("window_start", "window_end"):
            parse_hhmm(value)
            clean[field] = value
    try:
        with db.transaction() as session:
            elder = session.get(CareResident, care_id)
            if elder is None:
                raise CareNotFound(f"没有登记号 {care_id}。")
            if "window_start" in clean or "window_end" in clean:
                clean["window_start"], clean["window_end"] = _check_window(
                    clean.get("window_start", elder.window_start), clean.get("window_end", elder.window_end))
            diff = {}
            for field, value in clean.items():
                old = getattr(elder, field)
                if old != value:
                    diff[field] = [_masked_value(field, old), _masked_value(field, value)]
                    setattr(elder, field, value)
            if diff:
                action = "update"
                if "active" in diff:
                    action = "reactivate" if elder.active else "deactivate"
                    if not elder.active:
                        resolve_open_steps(session, care_id, now)
                session.flush()
                _audit(session, care_id, action, actor, diff, now)
            session.flush()
            session.expunge(elder)
    except IntegrityError:
        raise CareConflict(f"聊天账号 {clean.get('sender_id')} 已经登记过了。") from None
    return elder


def deactivate(db: Database, care_id: int, *, actor: str, now: datetime | None = None) -> CareResident:
    """Take an elder off the register (moved away, in care, passed away): no more
    prompts or alerts; the entry, its signs and its ladder stay as record."""
    return update_elder(db, care_id, {"active": False}, actor=actor, now=now)


def get_elder(session: Session, care_id: int) -> CareResident:
    elder = session.get(CareResident, care_id)
    if elder is None:
        raise CareNotFound(f"没有登记号 {care_id}。")
    return elder


def add_device(db: Database, *, device_id: str, care_id: int, kind: str,
               now: datetime | None = None, actor: str = "operator:cli") -> CareDevice:
    now = now or clock.now()
    device_id = _clean(device_id, 64, "设备号", required=True)
    if not re.fullmatch(r"[A-Za-z0-9_.\-]+", device_id):
        raise CareError("设备号只能用字母、数字、-、_ 和 .（它也是 MQTT 主题的一段）。")
    if kind not in DEVICE_KINDS:
        raise CareError(f"设备类型只能是 {'|'.join(DEVICE_KINDS)}。")
    try:
        with db.transaction() as session:
            if session.get(CareResident, care_id) is None:
                raise CareNotFound(f"没有登记号 {care_id}。")
            if session.get(CareDevice, device_id) is not None:
                raise CareConflict(f"设备 {device_id} 已经登记过了。")
            device = CareDevice(device_id=device_id, care_id=care_id, kind=kind, created_at=now)
            session.add(device)
            session.flush()
            _audit(session, care_id, "device_add", actor, {"device_id": device_id, "kind": kind}, now)
    except IntegrityError:
        raise CareConflict(f"设备 {device_id} 已经登记过了。") from None
    log.info("care_device_added", device_id=device_id, care_id=care_id, kind=kind)
    return device


def remove_device(db: Database, device_id: str, *, actor: str, care_id: int | None = None,
                  now: datetime | None = None) -> CareDevice:
    """Unmap a home sensor (its readings are kept); ``care_id``: only if it is that
    elder's. Later readings of the device are logged as unknown."""
    now = now or clock.now()
    with db.transaction() as session:
        device = session.get(CareDevice, device_id)
        if device is None or (care_id is not None and device.care_id != care_id):
            raise DeviceNotFound(f"没有设备 {device_id}。")
        session.delete(device)
        _audit(session, device.care_id, "device_remove", actor, {"device_id": device_id, "kind": device.kind}, now)
    log.info("care_device_removed", device_id=device_id, care_id=device.care_id)
    return device


def devices_of(session: Session, care_id: int) -> list[CareDevice]:
    return list(session.scalars(select(CareDevice).where(CareDevice.care_id == care_id)
                                .order_by(CareDevice.device_id)))


def events_of(session: Session, care_id: int) -> list[dict]:
    """The entry's audit trail, oldest first."""
    rows = session.scalars(select(CareEvent).where(CareEvent.care_id == care_id).order_by(CareEvent.id))
    return [{"at": _aware(e.at).isoformat(), "actor": e.actor, "action": e.action, "changes": e.changes}
            for e in rows]


def elder_for_sender(session: Session, sender_id: str | None) -> CareResident | None:
    if not sender_id:
        return None
    return session.scalars(select(CareResident).where(CareResident.sender_id == sender_id,
                                                      CareResident.active.is_(True))).first()


def device(session: Session, device_id: str) -> CareDevice | None:
    return session.get(CareDevice, device_id)


# ---- signs of life ------------------------------------------------------------------

def resolve_open_steps(session: Session, care_id: int, now: datetime, *, except_episode: str | None = None) -> int:
    """A sign of life stopped the ladder: its open steps are resolved (kept, as record)."""
    query = update(CareLadderStep).where(CareLadderStep.care_id == care_id, CareLadderStep.resolved_at.is_(None),
                                         CareLadderStep.step != "prompt")
    if except_episode is not None:
        query = query.where(CareLadderStep.episode != except_episode)
    return session.execute(query.values(resolved_at=now)).rowcount or 0


def record_sign(db: Database, *, care_id: int, source: str, at: datetime | None = None, kind: str | None = None,
                device_id: str | None = None, value: float | None = None,
                now: datetime | None = None) -> CareSign:
    """Store one sign of life. A check-in stops the ladder at once (its open steps are
    resolved); a sensor reading stops it at the next sweep if it breaks the silence
    that raised it (``ladder.silence``)."""
    now = now or clock.now()
    at = at or now
    if at > now + CLOCK_SKEW:
        at = now
    with db.transaction() as session:
        sign = CareSign(care_id=care_id, source=source, kind=kind, device_id=device_id, value=value, at=at)
        session.add(sign)
        if source == "checkin":
            resolve_open_steps(session, care_id, now)
        session.flush()
    return sign


def is_life():
    """The rows of ``care_signs`` that are signs of life: a check-in, an event, a meter
    reading that shows use (a water meter reporting 0 is stored but shows no life)."""
    return or_(CareSign.value.is_(None), CareSign.value > 0)


def last_signs(session: Session, care_ids: list[int] | None = None) -> dict[int, datetime]:
    """Each elder's last sign of life of any source."""
    query = select(CareSign.care_id, func.max(CareSign.at)).where(is_life()).group_by(CareSign.care_id)
    if care_ids is not None:
        query = query.where(CareSign.care_id.in_(care_ids))
    return {care_id: _aware(at) for care_id, at in session.execute(query)}


def _aware(value: datetime | None) -> datetime | None:
    from assistant.tickets.lifecycle import aware

    return aware(value)


def says_trouble(text: str) -> bool:
    """Does the check-in also mention trouble (头有点晕, 摔了一跤, 不舒服)? Negated
    mentions (没有不舒服, 没摔着) do not count."""
    for match in TROUBLE_RE.finditer(text or ""):
        before = text[max(0, match.start() - 3):match.start()]
        if not _NEGATED_RE.search(before):
            return True
    return False


def record_checkin(db: Database, sender_id: str, text: str, now: datetime | None = None) -> CheckinResult:
    """An elder's 报平安 from any channel (the dialogue's check-in action calls this).

    The sender is looked up in the register: a registered elder's check-in is a sign of
    life and stops the ladder. The reply is warm and short. When the words also
    mention trouble (头有点晕, 摔了一跤, 不舒服), the safety net reads them: an emergency
    returns ``emergency=True`` and no reply (the caller runs the emergency path, which
    files and alerts); otherwise a care ticket is opened for the grid worker."""
    now = now or clock.now()
    text = (text or "").strip()
    with db.session() as session:
        elder = elder_for_sender(session, sender_id)
        if elder is not None:
            session.expunge(elder)
    trouble = says_trouble(text)
    emergency = False
    if trouble or text:
        from assistant.safety import assess

        emergency = assess(text, quiet=True).emergency if text else False
    if elder is None:
        log.info("care_checkin_unregistered", sender_id=sender_id, trouble=trouble, emergency=emergency)
        return CheckinResult(registered=False, reply=None if emergency else UNREGISTERED_REPLY,
                             trouble=trouble, emergency=emergency)
    record_sign(db, care_id=elder.id, source="checkin", at=now, now=now)
    log.info("care_checkin", care_id=elder.id, trouble=trouble, emergency=emergency, text=mask_text(text))
    if emergency:
        return CheckinResult(registered=True, reply=None, care_id=elder.id, trouble=trouble, emergency=True)
    if not trouble:
        return CheckinResult(registered=True, reply=CHECKIN_REPLY, care_id=elder.id)
    ticket_id = file_care_ticket(
        db, elder, description=(f"独居老人 {mask_name(elder.name)}（登记号 {elder.id}）报平安时说：{text[:500]}。"
                                f"地址：{elder.address}。请网格员上门看看。"),
        urgency="urgent", now=now, sender_id=sender_id)
    who = f"网格员{elder.grid_worker}" if elder.grid_worker else "网格员"
    reply = (f"收到您的平安。您说不太舒服，我已经请{who}来看看您，工单号 {ticket_id}。"
             "要是加重了，请马上打 120。")
    return CheckinResult(registered=True, reply=reply, care_id=elder.id, ticket_id=ticket_id, trouble=True)


# ---- tickets ------------------------------------------------------------------------

def file_care_ticket(db: Database, elder: CareResident, *, description: str, urgency: str = "urgent",
                     now: datetime | None = None, sender_id: str | None = None) -> str:
    """A care ticket through the ticket service, dispatched (派单) to the elder's grid
    worker. ``urgency`` "emergency" also alerts staff through the tickets' emergency
    alert path (``assistant.tickets.emergency.send_alert``). Returns the ticket id."""
    from assistant.tickets.service import file_ticket, transition_ticket

    now = now or clock.now()
    filed = file_ticket(db, description=description, sender_id=sender_id, address=elder.address,
                        contact_name=elder.name, contact_phone=elder.phone, channel="care",
                        category=CARE_CATEGORY, force_urgency=urgency, check_duplicates=False,
                        actor="system:care", now=now)
    department = f"网格员 {elder.grid_worker}" if elder.grid_worker else GRID_DEPARTMENT
    transition_ticket(db, filed.ticket.id, "派单", actor="system:care", department=department[:64],
                      note="独居老人关怀", now=now)
    log.warning("care_ticket_filed", care_id=elder.id, ticket_id=filed.ticket.id, urgency=filed.ticket.urgency,
                grid_worker=mask_name(elder.grid_worker), alerted=filed.alerted)
    return filed.ticket.id


# ---- reading ------------------------------------------------------------------------

def list_elders(session: Session, *, active_only: bool = True) -> list[CareResident]:
    query = select(CareResident).order_by(CareResident.id)
    if active_only:
        query = query.where(CareResident.active.is_(True))
    return list(session.scalars(query))


def elder_to_dict(elder: CareResident, last_sign: datetime | None, *, masked: bool = True) -> dict:
    """The staff view of one register entry; ``masked`` hides personal data."""

    contacts = [{"name": mask_name(c.get("name")) if masked else c.get("name"),
                 "phone": mask_phone(c.get("phone")) if masked else c.get("phone"),
                 "relation": c.get("relation") or "",
                 # A chat account is personal data too: masked as the tickets' watchers are.
                 "sender_id": mask_sender(c["sender_id"]) if masked and c.get("sender_id") else c.get("sender_id")}
                for c in elder.emergency_contacts or []]
    return {
        "id": elder.id,
        "name": mask_name(elder.name) if masked else elder.name,
        "phone": mask_phone(elder.phone) if masked else elder.phone,
        "address": elder.address,
        "sender_id": elder.sender_id,
        "grid_worker": elder.grid_worker,
        "window": {"start": elder.window_start, "end": elder.window_end},
        "quiet_days": elder.quiet_days,
        "consent": elder.consent,
        "emergency_contacts": contacts,
        "last_sign_of_life": _aware(last_sign).isoformat() if last_sign else None,
    }


def register_rows(session: Session, *, masked: bool = True) -> list[dict]:
    elders = list_elders(session)
    last = last_signs(session)
    return [elder_to_dict(e, last.get(e.id), masked=masked) for e in elders]


ESCALATION_STEPS = ("second_prompt", "ticket", "alert", "contact")


def open_alerts(session: Session, *, masked: bool = True) -> list[dict]:
    """The ladder's open alerts: escalation steps taken and not yet stopped by a sign of
    life, newest first, with the elder (masked) and their last sign of life."""
    rows = session.execute(
        select(CareLadderStep, CareResident).join(CareResident, CareResident.id == CareLadderStep.care_id)
        .where(CareLadderStep.resolved_at.is_(None), CareLadderStep.done.is_(True),
               CareLadderStep.step.in_(ESCALATION_STEPS))
        .order_by(CareLadderStep.at.desc(), CareLadderStep.id.desc())).all()
    last = last_signs(session, sorted({elder.id for _, elder in rows}))
    out = []
    for step, elder in rows:
        since = step.episode.partition(":")[2]
        out.append({
            "id": step.id,
            "care_id": elder.id,
            "name": mask_name(elder.name) if masked else elder.name,
            "phone": mask_phone(elder.phone) if masked else elder.phone,
            "address": elder.address,
            "grid_worker": elder.grid_worker,
            "step": step.step,
            "at": _aware(step.at).isoformat(),
            "silent_since": since or None,
            "reason": step.note,
            "ticket_id": step.ticket_id,
            "last_sign_of_life": last[elder.id].isoformat() if elder.id in last else None,
        })
    return out


@dataclass
class CheckinResponse:
    """What the elder hears after a check-in, in order, for a channel or an action to
    say as it is; ``emergency``: the emergency path ran (its ticket is ``ticket_id``)."""

    lines: list[str]
    emergency: bool
    ticket_id: str | None
    checkin: CheckinResult


def respond_to_checkin(db: Database, *, sender_id: str, text: str, channel: str = "chat",
                       now: datetime | None = None) -> CheckinResponse:
    """The one check-in path for every channel (the dialogue's check-in action calls
    this): ``record_checkin``, and when it flags an emergency the tickets' emergency
    path (``respond_to_emergency``: the 119/120/110 advice first, the ticket, the staff
    alert)."""
    result = record_checkin(db, sender_id, text, now)
    if not result.emergency:
        return CheckinResponse(lines=[result.reply], emergency=False, ticket_id=result.ticket_id, checkin=result)
    from assistant.tickets.service import respond_to_emergency

    address = None
    if result.registered:
        with db.session() as session:
            elder = session.get(CareResident, result.care_id)
            address = elder.address if elder else None
    response = respond_to_emergency(db, text=text, sender_id=sender_id, address=address, channel=channel)
    return CheckinResponse(lines=response.lines, emergency=True, ticket_id=response.ticket_id, checkin=result)
