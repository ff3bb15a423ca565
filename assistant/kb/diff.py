"""What changed between two index versions, and what documents the live one holds.

Read from a version's ``entries.jsonl`` and ``passages.jsonl`` alone (no FAISS, no
BM25), so that the console can show it cheaply:

- documents (an entry's ``origin`` file) added, changed or removed;
- entries added, changed (content hash differs) or removed;
- chunks (searchable passages) added and removed, by their text.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assistant.kb import store


@dataclass
class VersionSummary:
    entries: dict[str, tuple[str, str, str]]  # id -> (hash, title, origin)
    chunks: Counter  # (kind, text) -> count
    manifest: dict


@dataclass
class KbDiff:
    previous: str | None
    current: str
    documents_added: list[str] = field(default_factory=list)
    documents_changed: list[str] = field(default_factory=list)
    documents_removed: list[str] = field(default_factory=list)
    entries_added: list[dict] = field(default_factory=list)  # {"id", "title", "document"}
    entries_changed: list[dict] = field(default_factory=list)
    entries_removed: list[dict] = field(default_factory=list)
    chunks_added: int = 0
    chunks_removed: int = 0
    entries_total: int = 0
    chunks_total: int = 0

    @property
    def unchanged(self) -> bool:
        return not (self.documents_added or self.documents_changed or self.documents_removed
                    or self.entries_added or self.entries_changed or self.entries_removed
                    or self.chunks_added or self.chunks_removed)

    def to_dict(self) -> dict:
        return {**asdict(self), "unchanged": self.unchanged}


def read_version(directory: Path) -> VersionSummary:
    directory = Path(directory)
    entries: dict[str, tuple[str, str, str]] = {}
    with open(directory / "entries.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            entries[row["id"]] = (row.get("hash", ""), row.get("title", ""), row.get("origin", ""))
    chunks: Counter = Counter()
    with open(directory / "passages.jsonl", encoding="utf-8") as fh:
        for line in fh:
            _owner, kind, text = json.loads(line)
            chunks[(kind, text)] += 1
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    return VersionSummary(entries, chunks, manifest)


def document_name(origin: str) -> str:
    return Path(origin).name if origin else "（未知文件）"


def diff_versions(previous: Path | None, current: Path) -> KbDiff:
    """What ``current`` adds, changes and removes relative to ``previous`` (None: an empty
    knowledge base, everything is new)."""
    old = read_version(previous) if previous is not None else VersionSummary({}, Counter(), {})
    new = read_version(current)
    out = KbDiff(previous=Path(previous).name if previous is not None else None, current=Path(current).name,
                 entries_total=len(new.entries), chunks_total=sum(new.chunks.values()))

    def by_document(summary: VersionSummary) -> dict[str, set[tuple[str, str]]]:
        docs: dict[str, set[tuple[str, str]]] = {}
        for entry_id, (digest, _title, origin) in summary.entries.items():
            docs.setdefault(origin, set()).add((entry_id, digest))
        return docs

    old_docs, new_docs = by_document(old), by_document(new)
    out.documents_added = sorted(document_name(o) for o in new_docs if o not in old_docs)
    out.documents_removed = sorted(document_name(o) for o in old_docs if o not in new_docs)
    out.documents_changed = sorted(document_name(o) for o in new_docs
                                   if o in old_docs and old_docs[o] != new_docs[o])
    for entry_id, (digest, title, origin) in new.entries.items():
        item = {"id": entry_id, "title": title, "document": document_name(origin)}
        if entry_id not in old.entries:
            out.entries_added.append(item)
        elif old.entries[entry_id][0] != digest:
            out.entries_changed.append(item)
    for entry_id, (_digest, title, origin) in old.entries.items():
        if entry_id not in new.entries:
            out.entries_removed.append({"id": entry_id, "title": title, "document": document_name(origin)})
    out.chunks_added = sum((new.chunks - old.chunks).values())
    out.chunks_removed = sum((old.chunks - new.chunks).values())
    return out


@dataclass
class DocumentRow:
    name: str
    title: str
    source: str
    entries: int
    origin: str
    uploaded: bool
    updated: float | None  # the file's mtime (epoch seconds), None when it is gone
    ingested: bool = True


def live_documents(kb_dir: Path, uploads: Path | None = None) -> tuple[str | None, list[DocumentRow]]:
    """The live version's name and its documents (one row per source file), plus
    uploaded files not ingested yet (``ingested=False``)."""
    uploads_root = str(Path(uploads).resolve()) if uploads is not None else None
    try:
        version = store.current_version_dir(kb_dir)
    except store.KbNotFound:
        version = None
    rows: dict[str, DocumentRow] = {}
    if version is not None:
        with open(version / "entries.jsonl", encoding="utf-8") as fh:
            for line in fh:
                entry = json.loads(line)
                origin = entry.get("origin", "")
                row = rows.get(origin)
                if row is None:
                    path = Path(origin) if origin else None
                    rows[origin] = DocumentRow(
                        name=document_name(origin), title=entry.get("title", ""), source=entry.get("source", ""),
                        entries=0, origin=origin,
                        uploaded=bool(uploads_root and origin.startswith(uploads_root.rstrip("/") + "/")),
                        updated=path.stat().st_mtime if path is not None and path.exists() else None)
                    row = rows[origin]
                row.entries += 1
                if row.entries > 1:  # a many-entry document is named by its source
                    row.title = row.source or row.name
    if uploads is not None and Path(uploads).is_dir():
        from assistant.kb.documents import iter_files

        for path in iter_files([Path(uploads)]):
            origin = str(path.resolve())
            if origin not in rows:
                rows[origin] = DocumentRow(name=path.name, title=path.stem, source="", entries=0, origin=origin,
                                           uploaded=True, updated=path.stat().st_mtime, ingested=False)
    ordered = sorted(rows.values(), key=lambda r: (r.ingested, not r.uploaded, -(r.updated or 0), r.name))
    return (version.name if version is not None else None), ordered
