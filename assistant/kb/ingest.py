"""Incremental ingestion: read files, merge them into the live version's entries,
embed only new or changed passages, write a new version and swap it in atomically.

Merge rule: every entry remembers the file it came from. Re-ingesting a file
replaces all of that file's entries (changed ones updated, removed ones dropped);
entries of a previously ingested file that no longer exists under a given
directory are dropped too; entries of other files stay. ``replace=True`` makes the
given paths the whole knowledge base.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.kb import store
from assistant.kb.documents import Entry, KbFormatError, iter_files, read_file
from assistant.kb.index import Embedder, IndexVersion, embedder_name, write_version

Progress = Callable[[str, int, int], None]


@dataclass
class IngestReport:
    version: str
    files: int
    entries: int
    passages: int
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    embedded: int = 0
    reused: int = 0
    seconds: float = 0.0


def read_all(paths: Iterable[Path], progress: Progress | None = None) -> tuple[list[Path], list[Entry]]:
    files = list(iter_files(paths))
    entries: list[Entry] = []
    for i, path in enumerate(files):
        entries.extend(read_file(path))
        if progress:
            progress("read", i + 1, len(files))
    return files, entries


def ingest(paths: Iterable[Path], kb_dir: Path, embedder: Embedder, *, replace: bool = False,
           progress: Progress | None = None) -> IngestReport:
    kb_dir = Path(kb_dir)
    kb_dir.mkdir(parents=True, exist_ok=True)
    paths = [Path(p) for p in paths]
    files, new_entries = read_all(paths, progress)
    if not files:
        raise KbFormatError("no policy files found (.jsonl, .md, .docx, .pdf)")

    seen: dict[str, str] = {}
    for e in new_entries:
        if e.id in seen:
            raise KbFormatError(f"duplicate entry id {e.id!r} in {Path(seen[e.id]).name} and {Path(e.origin).name}")
        seen[e.id] = e.origin

    try:
        current = IndexVersion(store.current_version_dir(kb_dir))
    except store.KbNotFound:
        current = None
    old_entries = current.entries if current else []
    old_hash = dict(zip((e.id for e in old_entries), current.hashes)) if current else {}

    reread = {str(f.resolve()) for f in files}
    dirs = [str(p.resolve()) for p in paths if p.is_dir()]

    def keep(old: Entry) -> bool:
        if replace or old.origin in reread:
            return False
        if any(old.origin.startswith(d.rstrip("/") + "/") for d in dirs) and not Path(old.origin).exists():
            return False  # its file was deleted from an ingested directory
        return old.id not in seen  # a moved entry: the newly read one wins

    kept = [e for e in old_entries if keep(e)]
    merged = kept + new_entries
    if not merged:
        raise KbFormatError("the files hold no policy entries")
    merged_ids = {e.id for e in merged}
    report = IngestReport(version="", files=len(files), entries=len(merged), passages=0)
    for e in new_entries:
        if e.id not in old_hash:
            report.added.append(e.id)
        elif old_hash[e.id] != e.content_hash():
            report.updated.append(e.id)
        else:
            report.unchanged += 1
    report.removed = [e.id for e in old_entries if e.id not in merged_ids]

    reuse = current.reusable_vectors(embedder_name(embedder)) if current else {}
    staging = store.new_staging_dir(kb_dir)
    try:
        stats = write_version(staging, merged, embedder, reuse=reuse, progress=progress)
        report.version = store.publish(kb_dir, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    report.passages, report.embedded, report.reused, report.seconds = (
        stats.passages, stats.embedded, stats.reused, stats.seconds)
    return report
