"""An ingest run in the background with progress others can poll (the console's
knowledge base page): one at a time per knowledge base directory, in a worker thread,
never on the event loop.

``run_ingest`` is the whole job as a plain function (what the thread runs, and what
tests call directly): it notes the live version, runs ``ingest`` with a progress
callback, and compares the new version with the old one (``assistant.kb.diff``).
"""

from __future__ import annotations

import threading
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import structlog

from assistant import clock
from assistant.kb import store
from assistant.kb.diff import diff_versions
from assistant.kb.index import Embedder
from assistant.kb.ingest import ingest

log = structlog.get_logger(__name__)

# Share of the bar each stage fills: reading is quick, embedding is the long part.
STAGE_SPAN = {"load": (0.0, 0.05), "read": (0.05, 0.15), "embed": (0.15, 0.85), "tokenise": (0.85, 0.98)}
STAGE_ZH = {"queued": "排队中", "load": "加载模型", "read": "读取文件", "embed": "向量化", "tokenise": "建立检索索引",
            "done": "完成", "failed": "失败"}


class IngestBusy(RuntimeError):
    """An ingest is already running for this knowledge base."""


@dataclass
class IngestJob:
    id: str
    staff: str
    started_at: str
    state: str = "running"  # running | done | failed
    stage: str = "queued"
    done: int = 0
    total: int = 0
    finished_at: str | None = None
    error: str | None = None
    diff: dict | None = None
    report: dict | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def progress(self, stage: str, done: int, total: int) -> None:
        with self._lock:
            self.stage, self.done, self.total = stage, done, total

    @property
    def percent(self) -> int:
        if self.state == "done":
            return 100
        start, end = STAGE_SPAN.get(self.stage, (0.0, 0.0))
        part = (self.done / self.total) if self.total else (1.0 if self.stage in STAGE_SPAN and self.done else 0.0)
        return int(round(100 * (start + (end - start) * min(1.0, part))))

    def snapshot(self) -> dict:
        with self._lock:
            stage = self.stage if self.state == "running" else self.state
            return {"id": self.id, "state": self.state, "stage": stage, "stage_zh": STAGE_ZH.get(stage, stage),
                    "done": self.done, "total": self.total, "percent": self.percent, "staff": self.staff,
                    "started_at": self.started_at, "finished_at": self.finished_at, "error": self.error,
                    "diff": self.diff, "report": self.report}


def run_ingest(kb_dir: Path, sources: list[Path], embedder: Embedder | Callable[[], Embedder],
               progress: Callable[[str, int, int], None] | None = None) -> tuple[dict, dict]:
    """Ingest ``sources`` into ``kb_dir`` (incrementally, never ``replace``: entries an
    operator ingested from elsewhere stay) and return (report, diff) as dicts.
    ``embedder`` may be a factory: loading the model is then the job's first stage."""
    kb_dir = Path(kb_dir)
    try:
        previous = store.current_version_dir(kb_dir)
    except store.KbNotFound:
        previous = None
    if callable(embedder) and not hasattr(embedder, "encode_passages"):
        if progress:
            progress("load", 0, 1)
        embedder = embedder()
        if progress:
            progress("load", 1, 1)
    report = ingest(sources, kb_dir, embedder, progress=progress)
    current = store.current_version_dir(kb_dir)
    diff = diff_versions(previous, current)
    summary = {"version": report.version, "files": report.files, "entries": report.entries,
               "passages": report.passages, "embedded": report.embedded, "reused": report.reused,
               "seconds": round(report.seconds, 2)}
    return summary, diff.to_dict()


class IngestRunner:
    """One worker thread per runner; at most one job running; the last job kept."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb-ingest")
        self._lock = threading.Lock()
        self.last: IngestJob | None = None

    def running(self) -> IngestJob | None:
        with self._lock:
            return self.last if self.last is not None and self.last.state == "running" else None

    def start(self, kb_dir: Path, sources: list[Path], embedder: Embedder | Callable[[], Embedder], staff: str,
              on_finish: Callable[[IngestJob], None] | None = None) -> IngestJob:
        with self._lock:
            if self.last is not None and self.last.state == "running":
                raise IngestBusy(self.last.id)
            job = IngestJob(id=uuid.uuid4().hex[:12], staff=staff,
                            started_at=clock.now().isoformat(timespec="seconds"))
            self.last = job

        def work() -> None:
            try:
                report, diff = run_ingest(kb_dir, sources, embedder, progress=job.progress)
            except Exception as exc:  # noqa: BLE001 - a failed ingest is shown, never raised into the pool
                with job._lock:
                    job.state, job.error = "failed", _explain(exc)
                log.warning("kb_ingest_failed", job=job.id, error=str(exc)[:300],
                            trace=traceback.format_exc(limit=3)[-1500:])
            else:
                with job._lock:
                    job.state, job.report, job.diff = "done", report, diff
            job.finished_at = clock.now().isoformat(timespec="seconds")
            if on_finish is not None:
                try:
                    on_finish(job)
                except Exception as exc:  # noqa: BLE001
                    log.warning("kb_ingest_on_finish_failed", job=job.id, error=str(exc)[:300])

        self._executor.submit(work)
        return job

    def wait(self, timeout: float | None = None) -> None:
        """Block until the queued work is done (tests, shutdown)."""
        self._executor.submit(lambda: None).result(timeout=timeout)


def _explain(exc: Exception) -> str:
    from assistant.embeddings.model import EmbeddingModelError
    from assistant.kb.documents import KbFormatError

    if isinstance(exc, EmbeddingModelError):
        return "向量模型不存在或已损坏，请先运行 butler models prepare。"
    if isinstance(exc, KbFormatError):
        return f"有文件读不出来：{exc}"
    return f"导入失败：{type(exc).__name__}"


_runners: dict[Path, IngestRunner] = {}
_runners_lock = threading.Lock()


def runner_for(kb_dir: Path) -> IngestRunner:
    kb_dir = Path(kb_dir).resolve()
    with _runners_lock:
        if kb_dir not in _runners:
            _runners[kb_dir] = IngestRunner()
        return _runners[kb_dir]
