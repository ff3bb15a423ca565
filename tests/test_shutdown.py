"""assistant/shutdown.py: a stop signal never waits on the stop event's own lock."""

from __future__ import annotations

import os
import signal
import threading

from assistant.shutdown import signal_handler, stop_on_signals


def test_the_handler_returns_at_once_even_while_the_event_lock_is_held():
    # The deadlock being avoided: the signal arrives while the main thread holds the
    # event's lock (inside Event.wait). Held here by hand; the handler must not wait on it.
    stop = threading.Event()
    handler = signal_handler(stop)
    with stop._cond:  # noqa: SLF001 - the lock Event.set() takes
        handler(signal.SIGTERM, None)  # would block forever if it called stop.set() itself
        assert not stop.is_set()
    assert stop.wait(5)


def test_also_runs_after_the_event_is_set():
    stop = threading.Event()
    seen: list[bool] = []
    done = threading.Event()

    def also() -> None:
        seen.append(stop.is_set())
        done.set()

    signal_handler(stop, also)(signal.SIGTERM, None)
    assert done.wait(5) and seen == [True]


def test_a_real_sigterm_sets_the_event():
    stop = threading.Event()
    previous = signal.getsignal(signal.SIGTERM)
    try:
        stop_on_signals(stop, signals=(signal.SIGTERM,))
        os.kill(os.getpid(), signal.SIGTERM)
        assert stop.wait(5)
    finally:
        signal.signal(signal.SIGTERM, previous)
