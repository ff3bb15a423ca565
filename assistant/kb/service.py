"""``KnowledgeBase``: open a knowledge base directory, search it, and pick up a newly
published version without downtime (the pointer file is checked at most once a
second; the new version is loaded while the old one keeps serving, then swapped)."""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import structlog

from assistant.kb import store
from assistant.kb.fusion import FusionModel, load_fusion
from assistant.kb.index import Embedder, IndexVersion
from assistant.kb.retrieval import gather
from assistant.kb.text import has_content



def _log():
    # Looked up at each (rare) use, not cached at import: a CLI reconfigures logging
    # per invocation, and a cached logger would keep writing to an old stream.
    return structlog.get_logger(__name__)
RELOAD_CHECK_SECONDS = 1.0
QUERY_THREADS = 1
MAX_QUERY_CHARS = 500


@dataclass
class SearchResult:
    id: str
    score: float
    title: str
    source: str
    topic: str = ""
    text: str = ""  # the entry's full answer/body
    passage: str = ""  # its best-matching passage
    logit: float = 0.0  # the ranker's log-odds (``score`` is their sigmoid, which saturates)

    def public(self) -> dict:
        return {"id": self.id, "score": round(self.score, 4), "title": self.title, "source": self.source}


@dataclass
class SearchResponse:
    query: str
    answerable: bool
    confidence: float
    results: list[SearchResult] = field(default_factory=list)
    uncertain: bool = False  # answerable, but under even odds: ask which entry is meant

    def public(self) -> dict:
        return {"query": self.query, "answerable": self.answerable,
                "results": [r.public() for r in self.results]}

    def to_dict(self) -> dict:
        return asdict(self)


def default_embedder() -> Embedder:
    from assistant.embeddings.model import get_embedder

    return get_embedder()  # shared per process: the model loads once


def limit_query_threads(threads: int = QUERY_THREADS) -> None:
    """Answering one question is a chain of small operations (encode ~20 tokens, one
    FAISS search): extra threads only add synchronisation, and on a loaded 2-core
    machine they spin against other processes. Measured under load average ~10:
    torch encode p50 79 ms with 1 thread vs 500-2300 ms with 2; FAISS flat 10k
    search 0.3 ms vs 7 ms. Process-wide: a server process only encodes queries.
    Batch ingestion (``ingest``) does not construct a KnowledgeBase and keeps the
    default thread count."""
    import faiss

    faiss.omp_set_num_threads(threads)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)


class KnowledgeBase:
    def __init__(self, kb_dir: Path, embedder: Embedder | None = None, fusion: FusionModel | None = None):
        self.kb_dir = Path(kb_dir)
        self._embedder = embedder
        limit_query_threads()
        self.fusion = fusion or load_fusion()
        self._lock = threading.Lock()
        self._version: IndexVersion | None = None
        self._stamp: tuple[int, str] | None = None
        self._checked = 0.0

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = default_embedder()
            limit_query_threads()  # torch is imported by now
        return self._embedder

    # ------------------------------------------------------------ versions
    def version(self) -> IndexVersion:
        """The live version, reloading if CURRENT changed (raises KbNotFound)."""
        now = time.monotonic()
        if self._version is not None and now - self._checked < RELOAD_CHECK_SECONDS:
            return self._version
        self._checked = now
        stamp = store.pointer_stamp(self.kb_dir)
        if self._version is not None and stamp == self._stamp:
            return self._version
        with self._lock:  # one loader at a time; other requests keep the old version
            if self._version is not None and stamp == self._stamp:
                return self._version
            loaded = IndexVersion(store.current_version_dir(self.kb_dir))
            old = self._version.name if self._version else None
            self._version, self._stamp = loaded, stamp
            _log().info("kb_version_loaded", version=loaded.name, previous=old, entries=len(loaded.entries))
            return loaded

    # ------------------------------------------------------------ search
    def search(self, query: str, top_k: int = 5) -> SearchResponse:
        query = (query or "").strip()[:MAX_QUERY_CHARS]
        version = self.version()
        if not has_content(query) or not version.entries:
            return SearchResponse(query, False, 0.0, [])
        cands = gather(version, self.embedder, query)
        if len(cands.entry_indices) == 0:
            return SearchResponse(query, False, 0.0, [])
        logits = self.fusion.logits(cands.features)
        scores = self.fusion.squash(logits)
        answerable, confidence = self.fusion.answerable(cands.features, scores)
        order = np.argsort(-logits, kind="stable")[: max(1, top_k)]
        results = []
        for j in order:
            entry = version.entries[int(cands.entry_indices[j])]
            row = cands.best_passage[j]
            results.append(SearchResult(
                id=entry.id, score=float(scores[j]), title=entry.title, source=entry.source,
                topic=entry.topic, text=entry.text, passage=version.passage_text[row] if row >= 0 else "",
                logit=float(logits[j]),
            ))
        unsure = answerable and self.fusion.uncertain(confidence, [r.logit for r in results])
        return SearchResponse(query, answerable, confidence, results, uncertain=unsure)

    def entry(self, entry_id: str):
        version = self.version()
        idx = version.id_to_index.get(entry_id)
        return None if idx is None else version.entries[idx]


def warm_up_in_background(kb_dir: Path | None = None, question: str = "高龄津贴怎么申请？") -> threading.Thread:
    """Load the embedding model, the live index and jieba's dictionary now, in a daemon
    thread, so that the first resident to ask a policy question after a restart does
    not wait ~10 s for them. A request arriving meanwhile waits on the same locks
    rather than loading a second copy. Failures are only logged: the first real
    question then gets the honest "暂时用不了" answer."""

    def run() -> None:
        started = time.perf_counter()
        try:
            get_knowledge_base(kb_dir).search(question, top_k=1)
        except Exception as exc:  # noqa: BLE001 - a warm-up must never take the process down
            _log().warning("kb_warm_up_failed", error=str(exc)[:300])
            return
        _log().info("kb_warm_up_done", seconds=round(time.perf_counter() - started, 1))

    thread = threading.Thread(target=run, name="kb-warm-up", daemon=True)
    thread.start()
    return thread


_shared: dict[Path, KnowledgeBase] = {}
_shared_lock = threading.Lock()


def get_knowledge_base(kb_dir: Path | None = None) -> KnowledgeBase:
    """A process-wide KnowledgeBase per directory (the model loads once)."""
    if kb_dir is None:
        from assistant.settings import get_settings

        kb_dir = get_settings().data_dir / "kb"
    kb_dir = Path(kb_dir).resolve()
    with _shared_lock:
        if kb_dir not in _shared:
            _shared[kb_dir] = KnowledgeBase(kb_dir)
        return _shared[kb_dir]
