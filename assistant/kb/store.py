"""The on-disk layout of a knowledge base directory, versioned and swapped atomically.

    <kb>/
      CURRENT              name of the live version (replaced with os.replace: atomic)
      versions/<name>/     one complete, immutable index (see ``index.py``)

A new version is written in full under a temporary name, renamed into ``versions/``,
and only then does ``CURRENT`` change. Readers that already hold the old version keep
using it; a server notices the new pointer (mtime) and loads it in the background.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

CURRENT = "CURRENT"
VERSIONS = "versions"
KEEP_VERSIONS = 3


class KbNotFound(FileNotFoundError):
    """No index has been built in this knowledge base directory yet."""


def current_version_dir(kb_dir: Path) -> Path:
    pointer = Path(kb_dir) / CURRENT
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError as exc:
        raise KbNotFound(f"no knowledge base index in {kb_dir} (run `butler kb ingest PATH --kb {kb_dir}`)") from exc
    path = Path(kb_dir) / VERSIONS / name
    if not path.is_dir():
        raise KbNotFound(f"{pointer} points at a missing version {name!r}")
    return path


def pointer_stamp(kb_dir: Path) -> tuple[int, str] | None:
    """A cheap fingerprint of the live pointer: (mtime_ns, content)."""
    pointer = Path(kb_dir) / CURRENT
    try:
        return pointer.stat().st_mtime_ns, pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None


def new_staging_dir(kb_dir: Path) -> Path:
    root = Path(kb_dir) / VERSIONS
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f".staging-{os.getpid()}-{time.time_ns()}"
    staging.mkdir()
    return staging


def publish(kb_dir: Path, staging: Path) -> str:
    """Move a fully written staging directory into place and point CURRENT at it."""
    kb_dir = Path(kb_dir)
    name = time.strftime("v%Y%m%d-%H%M%S") + f"-{time.time_ns() % 1_000_000_000:09d}"
    final = kb_dir / VERSIONS / name
    os.replace(staging, final)
    tmp = kb_dir / f".{CURRENT}.{os.getpid()}.tmp"
    tmp.write_text(name + "\n", encoding="utf-8")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, kb_dir / CURRENT)
    _prune(kb_dir, keep=name)
    return name


def _prune(kb_dir: Path, keep: str) -> None:
    """Drop old versions beyond the last few (a reader may still hold the previous one)."""
    root = kb_dir / VERSIONS
    versions = sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith("v") and p.name != keep)
    for old in versions[: max(0, len(versions) - (KEEP_VERSIONS - 1))]:
        shutil.rmtree(old, ignore_errors=True)
    for stale in root.glob(".staging-*"):
        # A staging dir older than an hour belongs to a crashed ingest.
        if time.time() - stale.stat().st_mtime > 3600:
            shutil.rmtree(stale, ignore_errors=True)
