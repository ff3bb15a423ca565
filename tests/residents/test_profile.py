"""The speech profile (issue #13, the elderly path) on a real migrated database."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assistant.db import Database
from assistant.residents.models import Resident, ResidentProfile
from assistant.residents.profile import (
    ORDINARY,
    SpeechProfile,
    known_sender,
    set_elderly,
    slow_down,
    slower,
    speech_profile,
)
from assistant.settings import Settings


def test_a_resident_never_set_has_the_ordinary_profile(any_db):
    assert speech_profile(any_db, "web:r-new") == ORDINARY == SpeechProfile(elderly=False, rate_factor=1.0)


def test_elderly_starts_at_the_configured_rate_and_is_kept_with_who_set_it(any_db, clock):
    profile = set_elderly(any_db, "web:r-1", True, by="staff:dispatcher1")
    assert profile == SpeechProfile(elderly=True, rate_factor=0.8)
    assert speech_profile(any_db, "web:r-1") == profile
    with any_db.session() as session:
        row = session.get(ResidentProfile, "web:r-1")
        assert row.set_by == "staff:dispatcher1" and row.updated_at is not None
        # The resident exists as a resident too (staff lists and hand-offs find them).
        assert session.scalar(select(Resident).where(Resident.sender_id == "web:r-1")) is not None


def test_each_slower_lowers_the_rate_a_step_down_to_the_floor(any_db, clock):
    rates = [slow_down(any_db, "web:r-2").rate_factor for _ in range(5)]
    assert rates == [0.8, 0.7, 0.6, 0.6, 0.6]
    assert speech_profile(any_db, "web:r-2") == SpeechProfile(elderly=True, rate_factor=0.6)


def test_setting_elderly_again_keeps_a_slower_rate_and_off_restores_normal_speech(any_db, clock):
    slow_down(any_db, "web:r-3")
    slow_down(any_db, "web:r-3")
    assert set_elderly(any_db, "web:r-3", True, by="resident").rate_factor == 0.7
    assert set_elderly(any_db, "web:r-3", False, by="staff:admin1") == ORDINARY
    assert speech_profile(any_db, "web:r-3") == ORDINARY
    # Elderly again after being switched off: from the elderly rate, not the old slower one.
    assert set_elderly(any_db, "web:r-3", True, by="resident").rate_factor == 0.8


def test_the_elderly_rate_comes_from_settings_and_the_floor_never_rises_above_it(db, clock):
    slow = Settings(elderly_speech_rate=0.5)
    assert set_elderly(db, "web:r-4", True, by="resident", settings=slow).rate_factor == 0.5
    assert slow_down(db, "web:r-4", settings=slow).rate_factor == 0.5


@pytest.mark.parametrize(("rate", "expected"), [(1.0, 0.8), (0.85, 0.8), (0.8, 0.7), (0.7, 0.6), (0.6, 0.6),
                                                (0.55, 0.55)])
def test_one_step_slower_never_speeds_up(rate, expected):
    assert slower(rate, Settings()) == expected


def test_a_database_that_cannot_be_read_gives_the_ordinary_profile(tmp_path):
    unmigrated = Database(f"sqlite:///{tmp_path / 'empty.db'}")  # no resident_profile table
    try:
        assert speech_profile(unmigrated, "web:r-1") == ORDINARY
    finally:
        unmigrated.dispose()


def test_known_senders_are_residents_profiles_and_senders_in_the_inbox(db, clock):
    from assistant.inbox import service as inbox

    inbox.record(db, sender_id="web:r-chatted", text="你好", channel="web")
    set_elderly(db, "web:r-set", True, by="resident")
    with db.session() as session:
        assert known_sender(session, "web:r-chatted")
        assert known_sender(session, "web:r-set")
        assert not known_sender(session, "web:r-stranger")
