"""How the butler speaks to one resident: the speech profile (issue #13, the elderly path).

A profile is kept per channel-namespaced sender (``resident_profile``). No row means the
ordinary profile: not elderly, normal speech rate (1.0). A resident becomes elderly by
saying so (我年纪大了, 说慢点: ``assistant/conversation/elder.py``) or by staff
(``PUT /api/v1/residents/{sender_id}/profile``). An elderly profile starts at
``settings.elderly_speech_rate`` (0.8: at least 15 % slower); each 慢一点 lowers the
rate one ``STEP`` more, never below ``FLOOR``.

``speech_profile`` is what the speech pipeline reads on every voice turn: one
primary-key lookup, and the ordinary profile when the database cannot answer (how fast
to speak is never a reason to leave a resident without an answer). The setters raise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import structlog
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from assistant import clock
from assistant.db import Database
from assistant.privacy import mask_text
from assistant.residents.models import Resident, ResidentProfile
from assistant.residents.service import get_or_create_resident
from assistant.settings import Settings, get_settings

log = structlog.get_logger(__name__)

NORMAL_RATE = 1.0
# Each 慢一点 slows speech by this much more, down to FLOOR.
STEP = 0.1
FLOOR = 0.6
RESIDENT = "resident"


@dataclass(frozen=True)
class SpeechProfile:
    elderly: bool = False
    rate_factor: float = NORMAL_RATE


ORDINARY = SpeechProfile()


def elderly_rate(settings: Settings | None = None) -> float:
    """Where an elderly profile starts (``BUTLER_ELDERLY_SPEECH_RATE``)."""
    return float((settings or get_settings()).elderly_speech_rate)


def floor_rate(settings: Settings | None = None) -> float:
    """The slowest rate: FLOOR, or the configured elderly rate if that is slower still."""
    return min(FLOOR, elderly_rate(settings))


def slower(rate: float, settings: Settings | None = None) -> float:
    """One step slower than ``rate``: the elderly rate first, then STEP at a time, down
    to the floor (a rate already below the floor is kept, never sped up)."""
    start = elderly_rate(settings)
    if rate > start + 1e-9:
        return start
    return min(rate, max(floor_rate(settings), round(rate - STEP, 2)))


def _profile(row: ResidentProfile | None) -> SpeechProfile:
    if row is None:
        return ORDINARY
    return SpeechProfile(elderly=bool(row.elderly), rate_factor=float(row.rate_factor))


def speech_profile(db: Database, sender: str) -> SpeechProfile:
    """The resident's speech profile; the ordinary one when none is stored or the
    database cannot be read."""
    try:
        with db.session() as session:
            return _profile(session.get(ResidentProfile, sender))
    except Exception as exc:  # noqa: BLE001 - the rate of speech never costs an answer
        log.warning("speech_profile_unavailable", error=type(exc).__name__)
        return ORDINARY


def _row(session: Session, sender: str) -> ResidentProfile:
    get_or_create_resident(session, sender)
    row = session.get(ResidentProfile, sender)
    if row is None:
        row = ResidentProfile(sender_id=sender, elderly=False, rate_factor=NORMAL_RATE)
        session.add(row)
    return row


def _audit(event: str, sender: str, profile: SpeechProfile, by: str) -> None:
    log.info(event, sender=mask_text(sender), elderly=profile.elderly, rate_factor=profile.rate_factor,
             by=mask_text(by))


def set_elderly(db: Database, sender: str, on: bool, by: str, settings: Settings | None = None) -> SpeechProfile:
    """Make the resident elderly (at the elderly rate, or slower if they had already
    asked for slower) or ordinary again (normal rate). ``by``: ``"resident"`` or
    ``"staff:<username>"``; it is kept with the profile and logged."""
    with db.transaction() as session:
        row = _row(session, sender)
        if on:
            current = float(row.rate_factor) if row.elderly else NORMAL_RATE
            row.rate_factor = min(current, elderly_rate(settings))
        else:
            row.rate_factor = NORMAL_RATE
        row.elderly = bool(on)
        row.set_by = by[:80]
        row.updated_at = clock.now()
        profile = _profile(row)
    _audit("resident_profile_set", sender, profile, by)
    return profile


def slow_down(db: Database, sender: str, by: str = RESIDENT, settings: Settings | None = None) -> SpeechProfile:
    """慢一点: the resident becomes elderly and speech one step slower (down to the floor)."""
    with db.transaction() as session:
        row = _row(session, sender)
        current = float(row.rate_factor) if row.elderly else NORMAL_RATE
        row.rate_factor = slower(current, settings)
        row.elderly = True
        row.set_by = by[:80]
        row.updated_at = clock.now()
        profile = _profile(row)
    _audit("resident_profile_slower", sender, profile, by)
    return profile


def known_sender(session: Session, sender: str) -> bool:
    """Whether the butler has ever met this sender: a resident record, a profile, or a
    message in the inbox (a resident who only chatted has no resident record)."""
    from assistant.inbox.models import InboxMessage

    return bool(session.scalar(select(exists().where(Resident.sender_id == sender)))
                or session.get(ResidentProfile, sender) is not None
                or session.scalar(select(exists().where(InboxMessage.sender_id == sender))))


@dataclass(frozen=True)
class ProfileRecord:
    """A profile as staff see it: with who set it and when (never set: None)."""

    sender_id: str
    elderly: bool
    rate_factor: float
    set_by: str | None = None
    updated_at: datetime | None = None


def profile_record(db: Database, sender: str) -> ProfileRecord | None:
    """The profile of a sender the butler knows (``known_sender``), else None."""
    with db.session() as session:
        if not known_sender(session, sender):
            return None
        row = session.get(ResidentProfile, sender)
        current = _profile(row)
        return ProfileRecord(sender_id=sender, elderly=current.elderly, rate_factor=current.rate_factor,
                             set_by=row.set_by if row else None, updated_at=row.updated_at if row else None)
