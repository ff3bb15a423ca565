"""Leases for the periodic jobs: at most one holder per name on this machine.

A lease is an exclusive ``flock`` on ``<data_dir>/locks/<name>.lock``. The kernel
releases it when the holder dies, however it dies (SIGKILL included), so a lease never
has to expire and is never left behind.

Two ways to hold one:

- ``with hold("reminders", data_dir): ...`` inside a process;
- ``python -m assistant.lease --name reminders --data-dir DIR -- COMMAND...`` takes the
  lease (waiting for it while another process holds it) and then *becomes* COMMAND
  (``exec``), which inherits the locked descriptor and holds the lease until it exits.
  The supervisor starts the reminders loop this way, so a second supervisor (or an
  orphan of a first one) can never run a second loop beside it.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class LeaseHeld(RuntimeError):
    """Another process holds the lease."""


def lease_path(name: str, data_dir: Path | str) -> Path:
    if not name or "/" in name or name.startswith("."):
        raise ValueError(f"not a lease name: {name!r}")
    return Path(data_dir) / "locks" / f"{name}.lock"


def acquire(name: str, data_dir: Path | str, *, wait: bool = True, poll: float = 1.0,
            on_wait=None) -> int:
    """Take the lease; returns its open descriptor (closing it releases the lease).
    ``wait=False`` raises ``LeaseHeld`` at once when someone else holds it."""
    path = lease_path(name, data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if not wait:
                os.close(fd)
                raise LeaseHeld(f"lease {name!r} is held by pid {_holder(path) or '?'}") from None
            if not told and on_wait is not None:
                on_wait(_holder(path))
                told = True
            time.sleep(poll)
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


def _holder(path: Path) -> str | None:
    try:
        return path.read_text().strip() or None
    except OSError:
        return None


@contextmanager
def hold(name: str, data_dir: Path | str, *, wait: bool = True) -> Iterator[None]:
    fd = acquire(name, data_dir, wait=wait)
    try:
        yield
    finally:
        os.close(fd)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m assistant.lease",
                                     description="run COMMAND while holding a lease")
    parser.add_argument("--name", required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--no-wait", action="store_true", help="exit 75 when the lease is held")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("a COMMAND is required after --")

    def _waiting(holder: str | None) -> None:
        print(f"lease {args.name!r} is held by pid {holder or '?'}: waiting for it", file=sys.stderr, flush=True)

    try:
        fd = acquire(args.name, args.data_dir, wait=not args.no_wait, on_wait=_waiting)
    except LeaseHeld as exc:
        print(str(exc), file=sys.stderr, flush=True)
        raise SystemExit(75) from None
    os.set_inheritable(fd, True)  # COMMAND holds the lease from here on
    os.execvp(command[0], command)


if __name__ == "__main__":
    main()
