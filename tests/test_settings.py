"""Settings: the suite never reads an operator's ``.env``; ``BUTLER_ENV_FILE``; and the
project clock that ``BUTLER_CLOCK_START`` moves (assistant/clock.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from assistant import clock
from assistant.settings import PROJECT_ROOT, Settings, get_settings

BAD_ENV = "BUTLER_GATEWAY_PORT=not-a-port\nBUTLER_COMMUNITY_NAME=别的社区\n"


def test_a_bad_env_file_in_the_working_directory_changes_nothing(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text(BAD_ENV, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert os.environ["BUTLER_ENV_FILE"] == ""          # set by tests/conftest.py for the whole suite
    settings = Settings()
    assert settings.gateway_port == 8000 and settings.community_name == "幸福里社区"
    get_settings.cache_clear()
    try:
        assert get_settings().gateway_port == 8000
    finally:
        get_settings.cache_clear()
    # The same file is read when the suite's setting is taken away: this test can fail.
    monkeypatch.delenv("BUTLER_ENV_FILE")
    with pytest.raises(ValidationError, match="gateway_port"):
        Settings()


def test_env_file_setting_names_another_file_and_explicit_wins(tmp_path, monkeypatch):
    other = tmp_path / "butler.env"
    other.write_text("BUTLER_COMMUNITY_NAME=阳光社区\n", encoding="utf-8")
    monkeypatch.setenv("BUTLER_ENV_FILE", str(other))
    assert Settings().community_name == "阳光社区"
    assert Settings(_env_file=None).community_name == "幸福里社区"
    monkeypatch.setenv("BUTLER_COMMUNITY_NAME", "环境变量社区")   # the environment beats the file
    assert Settings().community_name == "环境变量社区"


# ---- the project clock ------------------------------------------------------------------

def test_instants_must_name_their_offset():
    assert clock.parse_instant("2026-12-31T23:59:30+08:00") == datetime(2026, 12, 31, 15, 59, 30, tzinfo=UTC)
    assert clock.parse_instant("2027-01-03T02:00:00Z") == datetime(2027, 1, 3, 2, tzinfo=UTC)
    for bad in ("2026-12-31T23:59:30", "tomorrow", ""):
        with pytest.raises(clock.ClockError):
            clock.parse_instant(bad)


def test_a_moved_clock_starts_there_and_ticks():
    start = datetime(2027, 1, 3, 2, 0, tzinfo=UTC)
    ticking = clock.Clock.starting_at(start)
    standing = clock.Clock.starting_at(start, tick=False)
    time.sleep(0.05)
    assert start + timedelta(milliseconds=40) <= ticking.now() < start + timedelta(seconds=30)
    assert standing.now() == start
    assert ticking.local_now().utcoffset() == timedelta(hours=8) and ticking.today().isoformat() == "2027-01-03"
    assert clock.Clock().now().tzinfo is UTC and not clock.Clock().moved and clock.Clock().env() == {}


def test_set_clock_moves_every_reader_and_reset_restores_it():
    from assistant.booking.service import to_local
    from assistant.booking.timeparse import local_now
    from assistant.tickets.lifecycle import utcnow

    start = datetime(2028, 3, 15, 2, 0, tzinfo=UTC)
    previous = clock.set_clock(start, tick=False)
    try:
        assert utcnow() == start and clock.today().isoformat() == "2028-03-15"
        assert local_now() == start and to_local(None) == datetime(2028, 3, 15, 10, 0)
    finally:
        clock.set_clock(previous)
    assert utcnow() != start


def _child_now(env: dict[str, str]) -> dict:
    """What a separate Python process (as the supervisor starts them) reads as now."""
    code = ("import json, os; from assistant import clock; "
            "print(json.dumps({'now': clock.now().isoformat(), 'anchor': os.environ.get('BUTLER_CLOCK_ANCHOR')}))")
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True,
                         timeout=120, check=True).stdout
    return json.loads(out)


def test_processes_given_the_same_start_and_anchor_share_one_clock():
    base = {k: v for k, v in os.environ.items() if not k.startswith("BUTLER_CLOCK_")}
    shared = clock.Clock.starting_at(datetime(2026, 12, 31, 15, 59, 30, tzinfo=UTC))
    child = datetime.fromisoformat(_child_now({**base, **shared.env()})["now"])
    # The child started later than the clock (a new interpreter), yet reads the same
    # clock: the difference is only the time the line took to reach us. The bound is
    # generous because 2 shared cores can stall a process start for seconds.
    assert timedelta(0) <= shared.now() - child < timedelta(seconds=20)
    # Without an anchor, a process's clock starts when it does, and it hands its anchor
    # on to the processes it starts.
    alone = _child_now({**base, "BUTLER_CLOCK_START": "2026-12-31T23:59:30+08:00"})
    assert alone["anchor"] and float(alone["anchor"]) <= time.monotonic()
    assert datetime.fromisoformat(alone["now"]) - datetime(2026, 12, 31, 15, 59, 30, tzinfo=UTC) \
        < timedelta(seconds=20)
    # An anchor from another boot (in the future of this one) is not trusted.
    future = _child_now({**base, **shared.env(), "BUTLER_CLOCK_ANCHOR": str(time.monotonic() + 10_000)})
    assert datetime.fromisoformat(future["now"]) - datetime(2026, 12, 31, 15, 59, 30, tzinfo=UTC) \
        < timedelta(seconds=20)
