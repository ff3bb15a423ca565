"""One immutable index version: entries, passages, dense vectors + FAISS, and four
BM25 indexes (title/body x jieba words/character bigrams).

Files of a version directory:
    manifest.json      counts, embedding model, dense index kind, build time
    entries.jsonl      one Entry per line (with its content hash)
    passages.jsonl     [entry_index, kind, text] per line
    vectors.npy        float32 L2-normalised, one row per passage
    dense.faiss        FAISS inner-product index over vectors (flat, or HNSW when large)
    bm25_<field>_<tok>/ bm25s indexes; <field>_rows.npy maps their rows to passages
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from assistant.kb.documents import Entry, Passage, passages_for
from assistant.kb.text import document_tokens

HNSW_THRESHOLD = 50_000  # passages; exact search is fast enough below this on 2 cores
FIELDS = ("title", "body")
TOKENISERS = ("word", "bigram")
EMBED_BATCH = 64


class Embedder(Protocol):
    def encode_queries(self, texts: list[str]) -> np.ndarray: ...
    def encode_passages(self, texts: list[str]) -> np.ndarray: ...


def embedder_name(embedder: object) -> str:
    for attr in ("name", "model_name", "model_dir", "path"):
        value = getattr(embedder, attr, None)
        if value:
            return Path(str(value)).name if attr in ("model_dir", "path") else str(value)
    return type(embedder).__name__


def passage_key(kind: str, text: str) -> str:
    return hashlib.sha1(f"{kind}\x00{text}".encode("utf-8")).hexdigest()


def encode_passages(embedder: Embedder, passages: Sequence[Passage]) -> np.ndarray:
    """Titles are embedded as queries (a resident's question is compared question to
    question: e5's symmetric mode); bodies as passages (e5's asymmetric mode)."""
    titles = [i for i, p in enumerate(passages) if p.kind == "title"]
    bodies = [i for i, p in enumerate(passages) if p.kind != "title"]
    out: np.ndarray | None = None
    for indices, fn in ((titles, embedder.encode_queries), (bodies, embedder.encode_passages)):
        if not indices:
            continue
        vecs = np.asarray(fn([passages[i].text for i in indices]), dtype=np.float32)
        if out is None:
            out = np.zeros((len(passages), vecs.shape[1]), dtype=np.float32)
        out[indices] = vecs
    return out if out is not None else np.zeros((0, 0), dtype=np.float32)


def build_faiss(vectors: np.ndarray):
    import faiss

    dim = vectors.shape[1]
    if len(vectors) > HNSW_THRESHOLD:
        # M=16 / efConstruction=64: builds 100k passages in a few minutes on 2 cores;
        # efSearch=128 at query time keeps recall near exact for a top-100 head.
        index = faiss.IndexHNSWFlat(dim, 16, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 64
        index.hnsw.efSearch = 128
    else:
        index = faiss.IndexFlatIP(dim)
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def build_bm25(token_lists: list[list[str]]):
    import bm25s

    retriever = bm25s.BM25(k1=1.2, b=0.75)
    # bm25s cannot index an empty corpus or an all-empty document list.
    retriever.index([t or ["\x00"] for t in token_lists] or [["\x00"]], show_progress=False)
    return retriever


@dataclass
class BuildStats:
    entries: int
    passages: int
    embedded: int
    reused: int
    seconds: float
    dense_kind: str


def write_version(directory: Path, entries: list[Entry], embedder: Embedder, *,
                  reuse: dict[str, np.ndarray] | None = None,
                  progress: Callable[[str, int, int], None] | None = None,
                  vectors_override: np.ndarray | None = None) -> BuildStats:
    """Build every file of a version into ``directory`` (a staging dir).

    ``reuse`` maps passage_key -> vector from the previous version, so that an
    incremental ingest embeds only new or changed passages. ``vectors_override``
    (the scale benchmark only) supplies ready vectors and skips the model.
    """
    import faiss

    started = time.perf_counter()
    reuse = reuse or {}
    passages: list[Passage] = []
    owner: list[int] = []
    for idx, entry in enumerate(entries):
        for p in passages_for(entry):
            passages.append(p)
            owner.append(idx)

    # Dense vectors: reuse what the previous version has, embed the rest in batches.
    if vectors_override is not None:
        vectors = np.asarray(vectors_override, dtype=np.float32)
        embedded, reused = 0, 0
    else:
        keys = [passage_key(p.kind, p.text) for p in passages]
        missing = [i for i, k in enumerate(keys) if k not in reuse]
        new_vecs: dict[int, np.ndarray] = {}
        for start in range(0, len(missing), EMBED_BATCH):
            batch = missing[start:start + EMBED_BATCH]
            vecs = encode_passages(embedder, [passages[i] for i in batch])
            new_vecs.update(zip(batch, vecs))
            if progress:
                progress("embed", min(start + EMBED_BATCH, len(missing)), len(missing))
        if progress and not missing:
            progress("embed", 0, 0)
        dim = (next(iter(new_vecs.values())).shape[0] if new_vecs
               else next(iter(reuse.values())).shape[0] if reuse else 0)
        vectors = np.zeros((len(passages), dim), dtype=np.float32)
        for i, k in enumerate(keys):
            vectors[i] = new_vecs[i] if i in new_vecs else reuse[k]
        embedded, reused = len(missing), len(passages) - len(missing)

    dense = build_faiss(vectors)
    faiss.write_index(dense, str(directory / "dense.faiss"))
    np.save(directory / "vectors.npy", vectors)

    # Lexical side: four BM25 indexes over the title and body passages.
    tokens = []
    for i, p in enumerate(passages):
        tokens.append(document_tokens(p.text))
        if progress and (i % 500 == 0 or i == len(passages) - 1):
            progress("tokenise", i + 1, len(passages))
    for field in FIELDS:
        rows = np.array([i for i, p in enumerate(passages) if p.kind == field], dtype=np.int64)
        np.save(directory / f"{field}_rows.npy", rows)
        for t, tok in enumerate(TOKENISERS):
            build_bm25([tokens[i][t] for i in rows]).save(str(directory / f"bm25_{field}_{tok}"))

    from assistant.kb.text import normalise

    with open(directory / "entries.jsonl", "w", encoding="utf-8") as fh:
        for entry in entries:
            row = entry.to_json()
            row["hash"] = entry.content_hash()
            # Normalised once here: the coverage features need it, and normalising
            # 50k entries at every load would take a minute.
            row["norm"] = normalise(entry.title + " " + entry.text)
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    with open(directory / "passages.jsonl", "w", encoding="utf-8") as fh:
        for i, p in enumerate(passages):
            fh.write(json.dumps([owner[i], p.kind, p.text], ensure_ascii=False) + "\n")
    seconds = time.perf_counter() - started
    dense_kind = "hnsw" if len(vectors) > HNSW_THRESHOLD else "flat"
    manifest = {
        "format": 1, "entries": len(entries), "passages": len(passages),
        "embedding_model": "precomputed" if vectors_override is not None else embedder_name(embedder),
        "dim": int(vectors.shape[1]) if vectors.size else 0, "dense_index": dense_kind,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "build_seconds": round(seconds, 3),
    }
    (directory / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return BuildStats(len(entries), len(passages), embedded, reused, seconds, dense_kind)


class IndexVersion:
    """A loaded, read-only index version (safe to share between threads)."""

    def __init__(self, directory: Path):
        import bm25s
        import faiss

        self.directory = Path(directory)
        self.manifest = json.loads((self.directory / "manifest.json").read_text(encoding="utf-8"))
        self.entries: list[Entry] = []
        self.hashes: list[str] = []
        self.entry_norm_text: list[str] = []  # normalised title + text, for the coverage features
        with open(self.directory / "entries.jsonl", encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                self.hashes.append(row.pop("hash", ""))
                norm = row.pop("norm", None)
                entry = Entry.from_json(row)
                if norm is None:  # a version written before "norm" was stored
                    from assistant.kb.text import normalise

                    norm = normalise(entry.title + " " + entry.text)
                self.entry_norm_text.append(norm)
                self.entries.append(entry)
        owner, kinds, texts = [], [], []
        with open(self.directory / "passages.jsonl", encoding="utf-8") as fh:
            for line in fh:
                o, k, t = json.loads(line)
                owner.append(o)
                kinds.append(k)
                texts.append(t)
        self.passage_owner = np.array(owner, dtype=np.int64)
        self.passage_kind = kinds
        self.passage_text = texts
        self.vectors = np.load(self.directory / "vectors.npy", mmap_mode="r")
        self.dense = faiss.read_index(str(self.directory / "dense.faiss"))
        if hasattr(self.dense, "hnsw"):
            self.dense.hnsw.efSearch = 128
        self.rows = {f: np.load(self.directory / f"{f}_rows.npy") for f in FIELDS}
        self.bm25 = {(f, t): bm25s.BM25.load(str(self.directory / f"bm25_{f}_{t}"))
                     for f in FIELDS for t in TOKENISERS}
        self.id_to_index = {e.id: i for i, e in enumerate(self.entries)}
        # First row of each entry in each field's BM25 rows (for np.maximum.reduceat).
        self.field_starts = {}
        for f in FIELDS:
            owners = self.passage_owner[self.rows[f]]
            starts = np.searchsorted(owners, np.arange(len(self.entries)))
            if len(owners) and not (np.all(np.diff(owners) >= 0) and len(np.unique(owners)) == len(self.entries)):
                raise ValueError(f"index {self.directory} is inconsistent: {f} passages not grouped by entry")
            self.field_starts[f] = starts
        # Inverse document frequencies from the body indexes (bodies repeat their title,
        # so they see every word): weights for the coverage features.
        self.idf = {tok: self._idf(self.bm25[("body", tok)]) for tok in TOKENISERS}
        self.unseen_idf = {tok: float(np.log((self.bm25[("body", tok)].scores["num_docs"] + 1) / 0.5))
                           for tok in TOKENISERS}
        # Passages of each entry, by kind, for exact cosine of any candidate.
        self.entry_passages: dict[str, list[list[int]]] = {f: [[] for _ in self.entries] for f in FIELDS}
        for i, (o, k) in enumerate(zip(owner, kinds)):
            self.entry_passages["title" if k == "title" else "body"][o].append(i)

    @staticmethod
    def _idf(retriever) -> dict[str, float]:
        indptr = np.asarray(retriever.scores["indptr"])
        n_docs = float(retriever.scores["num_docs"])
        df = np.diff(indptr)
        return {token: float(np.log((n_docs + 1) / (df[i] + 0.5))) for token, i in retriever.vocab_dict.items()
                if i < len(df)}

    @property
    def name(self) -> str:
        return self.directory.name

    def reusable_vectors(self, model: str) -> dict[str, np.ndarray]:
        if self.manifest.get("embedding_model") != model:
            return {}
        return {passage_key(k, t): np.asarray(self.vectors[i])
                for i, (k, t) in enumerate(zip(self.passage_kind, self.passage_text))}
