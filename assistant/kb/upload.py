"""Documents staff upload to the knowledge base (the console's ``/console/kb``).

- Uploaded files live under the data directory (``data_dir/kb/documents``), never in
  the git tree; an ingest reads them together with the sample ``policy_kb/``
  (``source_dirs``).
- ``save_upload`` checks an upload before anything is written where the ingester
  reads: its type (what the ingester reads: Markdown, JSONL, DOCX, PDF, and plain
  text, saved as Markdown), its size, its name (sanitised), its encoding, that it
  parses into policy entries, and that its entry ids do not clash with another
  document's. A refusal is an ``UploadError`` with a stable code and a Chinese message.
- ``audit`` / ``recent_audit``: every upload and ingest, as a staff action, appended
  to ``data_dir/kb/audit.jsonl`` (and logged).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import structlog

from assistant import clock
from assistant.kb import store
from assistant.kb.documents import KbFormatError, read_file

log = structlog.get_logger(__name__)

DOCUMENTS_SUBDIR = "documents"
AUDIT_FILE = "audit.jsonl"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_NAME_CHARS = 80
# What the ingester reads (assistant/kb/documents.py), plus plain text (saved as Markdown).
UPLOAD_SUFFIXES = (".md", ".markdown", ".txt", ".jsonl", ".docx", ".pdf")
TEXT_SUFFIXES = (".md", ".markdown", ".txt", ".jsonl")
ALLOWED_ZH = "Markdown（.md）、纯文本（.txt）、JSONL（.jsonl）、Word（.docx）、PDF（.pdf）"
_audit_lock = threading.Lock()


class UploadError(ValueError):
    def __init__(self, code: str, message: str, status: int = 422):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


@dataclass
class SavedDocument:
    path: Path
    name: str
    entries: int
    entry_ids: list[str]
    replaced: bool
    bytes: int


def kb_dir_for(data_dir: Path) -> Path:
    return Path(data_dir) / "kb"


def documents_dir(kb_dir: Path) -> Path:
    return Path(kb_dir) / DOCUMENTS_SUBDIR


def policy_dir() -> Path:
    from assistant.settings import PROJECT_ROOT

    return PROJECT_ROOT / "policy_kb"


def source_dirs(kb_dir: Path, policy: Path | None = None) -> list[Path]:
    """What a console ingest reads: the sample ``policy_kb/`` (where it exists) and the
    uploaded documents."""
    uploads = documents_dir(kb_dir)
    uploads.mkdir(parents=True, exist_ok=True)
    policy = policy_dir() if policy is None else policy
    return [p for p in (policy,) if p.is_dir()] + [uploads]


def safe_filename(name: str) -> str:
    """The name an upload is saved under: no directories, no dot files, letters
    (Chinese included), digits, ``-`` and ``_`` only; plain text becomes ``.md``."""
    name = unicodedata.normalize("NFKC", name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    stem, dot, suffix = name.rpartition(".")
    suffix = "." + suffix.lower() if dot else ""
    if suffix not in UPLOAD_SUFFIXES:
        raise UploadError("unsupported_type", f"不支持这种文件。请上传 {ALLOWED_ZH}。", 415)
    stem = re.sub(r"[^\w\-]+", "_", stem).strip("._-")[:MAX_NAME_CHARS] or "document"
    if stem.lower().startswith("readme"):  # the ingester skips a folder's README
        stem = "doc_" + stem
    return stem + (".md" if suffix == ".txt" else suffix)


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise UploadError("not_text", "文件不是文本文件，请检查后重新上传。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UploadError("bad_encoding", "文件编码无法识别，请另存为 UTF-8 后再上传。")


def _front_matter(title: str) -> str:
    import yaml

    meta = yaml.safe_dump({"title": title, "source": title}, allow_unicode=True, sort_keys=False)
    return f"---\n{meta}---\n"


def _as_markdown(text: str, stem: str, from_txt: bool) -> str:
    """Markdown with front matter as the ingester wants it: a Markdown file without front
    matter, or a text file, gets one (title: its first heading or line, else the name)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not from_txt and re.match(r"^---\s*\n", text):
        return text
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    heading = re.match(r"^#{1,6}\s+(.*?)\s*#*$", first)
    if heading:
        title = heading.group(1)
    elif from_txt and len(first) <= 40:
        title = first
    else:
        title = stem
    return _front_matter(title) + "\n" + text.lstrip("\n")


def _check_magic(suffix: str, data: bytes) -> None:
    if suffix == ".docx" and not data.startswith(b"PK\x03\x04"):
        raise UploadError("bad_document", "这个文件不是有效的 Word（.docx）文件。")
    if suffix == ".pdf" and not data.lstrip()[:5] == b"%PDF-":
        raise UploadError("bad_document", "这个文件不是有效的 PDF 文件。")


def _live_ids(kb_dir: Path) -> dict[str, str]:
    """Entry id -> origin file in the live version (read without loading the index)."""
    try:
        version = store.current_version_dir(kb_dir)
    except store.KbNotFound:
        return {}
    ids: dict[str, str] = {}
    with open(version / "entries.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            ids[row["id"]] = row.get("origin", "")
    return ids


def save_upload(kb_dir: Path, filename: str, data: bytes, *,
                max_bytes: int = MAX_UPLOAD_BYTES) -> SavedDocument:
    """Check an uploaded document and save it into the knowledge base's document folder
    (replacing an earlier upload of the same name). Raises ``UploadError``."""
    name = safe_filename(filename)
    if len(data) > max_bytes:
        raise UploadError("document_too_large", f"文件太大了，最大 {max_bytes // (1024 * 1024)} MB。", 413)
    if not data.strip():
        raise UploadError("empty_document", "文件是空的。")
    original_suffix = "." + (filename or "").rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    suffix = Path(name).suffix
    _check_magic(suffix, data)
    if suffix in TEXT_SUFFIXES:
        text = _decode(data)
        if suffix in (".md", ".markdown"):
            text = _as_markdown(text, Path(name).stem, from_txt=original_suffix == ".txt")
        data = text.encode("utf-8")

    target_dir = documents_dir(kb_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / name
    scratch = Path(tempfile.mkdtemp(prefix=".upload-", dir=kb_dir))
    try:
        trial = scratch / name  # the same name: ids and titles derive from it
        trial.write_bytes(data)
        try:
            entries = read_file(trial)
        except KbFormatError as exc:
            raise UploadError("unreadable_document", f"文件内容读不出政策条目：{exc}") from exc
        except (UnicodeDecodeError, ValueError) as exc:
            raise UploadError("unreadable_document", "文件内容读不出政策条目，请检查格式。") from exc
        if not entries or not any(e.text.strip() for e in entries):
            raise UploadError("no_entries", "文件里没有可以导入的政策内容。")
        ids = [e.id for e in entries]
        if len(set(ids)) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise UploadError("duplicate_id", f"文件里的条目编号重复：{dup}")
        live = _live_ids(kb_dir)
        mine = str(target.resolve())
        for entry_id in ids:
            origin = live.get(entry_id)
            if origin and origin != mine:
                raise UploadError("id_in_use", f"条目编号「{entry_id}」已被《{Path(origin).name}》使用，请换一个编号或文件名。",
                                  409)
        replaced = target.exists()
        tmp = target_dir / f".{name}.{os.getpid()}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, target)  # the ingester never sees half a file
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return SavedDocument(path=target, name=name, entries=len(entries), entry_ids=ids, replaced=replaced,
                         bytes=len(data))


# ---- audit ------------------------------------------------------------------------------

def audit(kb_dir: Path, staff: str, action: str, **detail) -> dict:
    """Record a staff action on the knowledge base (upload, ingest) durably and in the log."""
    row = {"at": clock.now().isoformat(timespec="seconds"), "staff": staff, "action": action, **detail}
    path = Path(kb_dir) / AUDIT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with _audit_lock, open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    log.info("kb_staff_action", **row)
    return row


def recent_audit(kb_dir: Path, limit: int = 20) -> list[dict]:
    path = Path(kb_dir) / AUDIT_FILE
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    rows = []
    for line in reversed(lines[-limit * 2:]):
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            continue
        if len(rows) >= limit:
            break
    return rows


def parse_at(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
