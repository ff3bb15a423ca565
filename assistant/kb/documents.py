"""Reading policy documents into entries and passages.

An *entry* is what a resident is pointed to (one FAQ item, one Markdown policy note,
one article 第X条 of a DOCX/PDF regulation); it has a stable ``id``. A *passage* is a
searchable piece of an entry: its title (the FAQ question / note title / article
heading) and its body split into chunks of a few sentences.

Formats:
- ``.jsonl``: one object per line ``{"id", "question", "answer", "topic", "source"}``
  (``title`` accepted for ``question``; ``effective_date``/``department`` optional).
- ``.md``/``.markdown``: YAML front matter (id, title, topic, source, effective_date,
  department) and a body split at headings.
- ``.docx`` / ``.pdf``: split by article (第X条) when the text has articles, else by
  heading (DOCX heading styles, or numbered headings like 一、). The entry id is the
  document's name plus its article: ``示例市老年人优待办法#第五条``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

SUPPORTED_SUFFIXES = (".jsonl", ".md", ".markdown", ".docx", ".pdf")
# Article markers: 第五条 / 第十二条 / 第5条, at the start of a line.
ARTICLE_RE = re.compile(r"^\s*(第[零一二三四五六七八九十百千0-9]+条)[\s　:：、]*", re.MULTILINE)
# Numbered headings in plain text (PDF without articles): 一、 / （一） / 1.
NUMBERED_HEADING_RE = re.compile(r"^\s*([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)", re.MULTILINE)
SENTENCE_END_RE = re.compile(r"(?<=[。！？；!?;])")
CHUNK_CHARS = 220  # a few sentences: long enough for context, short enough for e5 (512 tokens)


class KbFormatError(ValueError):
    """A file could not be read as a policy document (message says which and why)."""


@dataclass
class Entry:
    id: str
    title: str
    text: str  # the answer / body, plain text
    topic: str = ""
    source: str = ""
    effective_date: str = ""
    department: str = ""
    origin: str = ""  # the file it came from (absolute path), for incremental updates
    sections: list[tuple[str, str]] = field(default_factory=list)  # (heading, text) of a Markdown body

    def content_hash(self) -> str:
        payload = json.dumps([self.id, self.title, self.text, self.topic, self.source, self.sections],
                             ensure_ascii=False)
        return hashlib.sha1(payload.encode("utf-8")).hexdigest()

    def to_json(self) -> dict:
        data = asdict(self)
        data["sections"] = [list(s) for s in self.sections]
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Entry":
        data = dict(data)
        data["sections"] = [tuple(s) for s in data.get("sections") or []]
        return cls(**data)


@dataclass(frozen=True)
class Passage:
    entry_id: str
    kind: str  # "title" | "body"
    text: str


def split_sentences_into_chunks(text: str, limit: int = CHUNK_CHARS) -> list[str]:
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return [text] if text else []
    chunks: list[str] = []
    current = ""
    for sentence in (s for s in SENTENCE_END_RE.split(text) if s.strip()):
        if current and len(current) + len(sentence) > limit:
            chunks.append(current.strip())
            current = ""
        current += sentence
    if current.strip():
        chunks.append(current.strip())
    return chunks


def passages_for(entry: Entry) -> list[Passage]:
    """Title passage plus body chunks; each body chunk carries the title (and the section
    heading) so that it reads on its own for the dense model."""
    out = [Passage(entry.id, "title", entry.title)]
    sections = entry.sections or [("", entry.text)]
    for heading, body in sections:
        prefix = entry.title + ("：" + heading if heading else "")
        for chunk in split_sentences_into_chunks(body):
            out.append(Passage(entry.id, "body", f"{prefix}。{chunk}"))
    if len(out) == 1:  # an entry with no body still gets one body passage
        out.append(Passage(entry.id, "body", entry.title))
    return out


# ---------------------------------------------------------------- readers

def _require(value, what: str, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise KbFormatError(f"{where}: missing or empty {what!r}")
    return value.strip()


def read_jsonl(path: Path) -> list[Entry]:
    entries = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path.name}:{lineno}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise KbFormatError(f"{where}: not valid JSON ({exc.msg})") from exc
        if not isinstance(row, dict):
            raise KbFormatError(f"{where}: expected a JSON object")
        entries.append(Entry(
            id=_require(str(row.get("id", "")), "id", where),
            title=_require(row.get("question") or row.get("title"), "question", where),
            text=_require(row.get("answer") or row.get("text"), "answer", where),
            topic=str(row.get("topic") or ""), source=str(row.get("source") or ""),
            effective_date=str(row.get("effective_date") or ""), department=str(row.get("department") or ""),
            origin=str(path.resolve()),
        ))
    return entries


def _markdown_sections(body: str) -> list[tuple[str, str]]:
    sections: list[tuple[str, str]] = []
    heading, lines = "", []
    for line in body.splitlines():
        if line.lstrip().startswith(">"):
            continue  # block quotes are editorial notes (e.g. the SAMPLE banner), not policy text
        match = re.match(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)
        if match:
            if "".join(lines).strip():
                sections.append((heading, "\n".join(lines).strip()))
            heading, lines = match.group(1), []
        else:
            lines.append(re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "", line))  # list markers are not content
    if "".join(lines).strip():
        sections.append((heading, "\n".join(lines).strip()))
    return sections


def read_markdown(path: Path) -> list[Entry]:
    raw = path.read_text(encoding="utf-8")
    match = re.match(r"^---\s*\n(.*?)\n---\s*\n?(.*)$", raw, re.DOTALL)
    if not match:
        raise KbFormatError(f"{path.name}: no YAML front matter (--- ... ---) at the top")
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise KbFormatError(f"{path.name}: front matter is not valid YAML") from exc
    if not isinstance(meta, dict):
        raise KbFormatError(f"{path.name}: front matter must be a mapping")
    sections = _markdown_sections(match.group(2))
    title = str(meta.get("title") or (sections[0][0] if sections else "") or path.stem)
    # A leading "# title" heading repeats the title: drop it as a section heading.
    sections = [("" if h == title else h, t) for h, t in sections]
    return [Entry(
        id=str(meta.get("id") or path.stem), title=title,
        text="\n".join(t for _, t in sections), sections=sections,
        topic=str(meta.get("topic") or ""), source=str(meta.get("source") or title),
        effective_date=str(meta.get("effective_date") or ""), department=str(meta.get("department") or ""),
        origin=str(path.resolve()),
    )]


def split_articles(doc_name: str, text: str, *, topic: str = "", source: str = "",
                   origin: str = "", headings: list[tuple[str, str]] | None = None) -> list[Entry]:
    """Split a regulation's text by 第X条; without articles, by given or numbered headings;
    without either, the whole document is one entry."""
    text = text.replace("\r", "")
    source = source or doc_name
    marks = list(ARTICLE_RE.finditer(text))
    pieces: list[tuple[str, str]] = []
    if marks:
        for i, m in enumerate(marks):
            end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
            pieces.append((m.group(1), text[m.end():end].strip()))
    elif headings:
        pieces = [(h, t) for h, t in headings if t.strip()]
    else:
        numbered = list(NUMBERED_HEADING_RE.finditer(text))
        for i, m in enumerate(numbered):
            end = numbered[i + 1].start() if i + 1 < len(numbered) else len(text)
            line_end = text.find("\n", m.start())
            line_end = end if line_end == -1 or line_end > end else line_end
            pieces.append((text[m.start():line_end].strip(), text[line_end:end].strip() or text[m.start():end].strip()))
    if not pieces:
        return [Entry(id=doc_name, title=doc_name, text=re.sub(r"\s+", " ", text).strip(), topic=topic,
                      source=source, origin=origin)]
    entries = []
    seen: set[str] = set()
    for label, body in pieces:
        body = re.sub(r"\s+", " ", body).strip()
        if not body:
            continue
        entry_id = f"{doc_name}#{label}"
        if entry_id in seen:  # a repeated article number: keep both, distinguishably
            entry_id = f"{entry_id}-{len(seen)}"
        seen.add(entry_id)
        first = SENTENCE_END_RE.split(body, maxsplit=1)[0]
        entries.append(Entry(id=entry_id, title=f"{doc_name} {label} {first[:40]}", text=body, topic=topic,
                             source=source, origin=origin))
    return entries


def _doc_name(path: Path) -> str:
    return re.sub(r"[《》]", "", path.stem)


def read_docx(path: Path) -> list[Entry]:
    import docx  # python-docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds for a bad zip
        raise KbFormatError(f"{path.name}: not a readable DOCX file") from exc
    lines, headings = [], []
    heading, buffer = "", []
    for para in document.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        lines.append(text)
        if (para.style is not None and para.style.name.lower().startswith(("heading", "title"))):
            if buffer:
                headings.append((heading, "\n".join(buffer)))
            heading, buffer = text, []
        else:
            buffer.append(text)
    if buffer:
        headings.append((heading, "\n".join(buffer)))
    props = document.core_properties
    name = (props.title or "").strip() or _doc_name(path)
    headings = [(h or name, t) for h, t in headings]
    return split_articles(name, "\n".join(lines), topic=(props.subject or "").strip(),
                          source=name, origin=str(path.resolve()), headings=headings)


_CJK_END = re.compile(r"[\u3400-\u9fff\uff00-\uffef，、；：（）“”]$")
_CJK_START = re.compile(r"^[\u3400-\u9fff\uff00-\uffef，、；：（）“”。]")


def unwrap_pdf_lines(text: str) -> str:
    """Undo the PDF's visual line wrapping: a line that does not start an article or a
    numbered heading continues the previous one (without a space between Chinese
    characters, which pypdf would otherwise leave as "施 工")."""
    out: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        starts_block = ARTICLE_RE.match(line) or NUMBERED_HEADING_RE.match(line)
        if out and not starts_block and not out[-1].endswith(("。", "！", "？")):
            joiner = "" if _CJK_END.search(out[-1]) and _CJK_START.search(line) else " "
            out[-1] += joiner + line
        else:
            out.append(line)
    return "\n".join(out)


def read_pdf(path: Path) -> list[Entry]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
        meta = reader.metadata or {}
    except (PdfReadError, OSError, ValueError) as exc:
        raise KbFormatError(f"{path.name}: not a readable PDF file") from exc
    if not text.strip():
        raise KbFormatError(f"{path.name}: the PDF has no extractable text (scanned images need OCR first)")
    text = unwrap_pdf_lines(text)
    name = str(meta.get("/Title") or "").strip() or _doc_name(path)
    return split_articles(name, text, topic=str(meta.get("/Subject") or "").strip(), source=name,
                          origin=str(path.resolve()))


READERS = {".jsonl": read_jsonl, ".md": read_markdown, ".markdown": read_markdown,
           ".docx": read_docx, ".pdf": read_pdf}


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Supported files under the given paths (directories recursively, sorted)."""
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                # A folder's README explains the folder; it is not a policy document.
                if (child.is_file() and child.suffix.lower() in SUPPORTED_SUFFIXES
                        and not child.name.startswith(".") and not child.stem.lower().startswith("readme")):
                    yield child
        elif path.is_file():
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                raise KbFormatError(f"{path.name}: unsupported file type (use {', '.join(SUPPORTED_SUFFIXES)})")
            yield path
        else:
            raise KbFormatError(f"{path}: no such file or directory")


def read_file(path: Path) -> list[Entry]:
    return READERS[path.suffix.lower()](path)
