"""Stopping a long-running process on SIGTERM / SIGINT without a deadlock.

Every process the supervisor starts (``butler jobs run``, the care sensors, ``butler run``
itself) loops on ``stop.wait(...)`` and stops when a signal sets ``stop``. Calling
``stop.set()`` inside the signal handler can hang the process for good: the handler runs
in the main thread between two bytecodes, and if that is the moment the main thread holds
the event's own lock (``Event.wait`` takes it briefly on every pass), ``set()`` waits for
a lock its own thread holds. Rare, but it is how a ``jobs run`` outlived a SIGKILLed
supervisor in a clean clone (tests/e2e/test_engine_room.py). So the handler only starts a
thread that sets the event; the main thread returns from the handler, lets go of the lock,
and the event is set a moment later.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterable

DEFAULT_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def signal_handler(stop: threading.Event, also: Callable[[], None] | None = None) -> Callable[..., None]:
    """A handler that sets ``stop`` from another thread (and then runs ``also`` there)."""

    def set_stop() -> None:
        stop.set()
        if also is not None:
            also()

    def handler(*_: object) -> None:
        threading.Thread(target=set_stop, name="stop-on-signal", daemon=True).start()

    return handler


def stop_on_signals(stop: threading.Event, signals: Iterable[int] = DEFAULT_SIGNALS,
                    also: Callable[[], None] | None = None) -> None:
    """Install :func:`signal_handler` for ``signals`` (main thread only, as ``signal.signal``)."""
    handler = signal_handler(stop, also)
    for sig in signals:
        signal.signal(sig, handler)
