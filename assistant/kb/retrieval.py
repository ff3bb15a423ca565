"""Hybrid retrieval over one index version: candidate entries from six rankings
(dense title/body, BM25 title/body x word/bigram), a feature vector per candidate,
and a calibrated combination (``fusion.py``) that ranks them and decides whether the
knowledge base answers the question at all."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from assistant.kb.index import FIELDS, TOKENISERS, Embedder, IndexVersion
from assistant.kb.text import bigram_tokens, formal_rewrite, normalise, query_tokens, word_tokens

CANDIDATES_PER_LIST = 20
DENSE_PASSAGES = 100
RRF_K = 60
SIGNALS = ("dense_title", "dense_body") + tuple(f"bm25_{f}_{t}" for f in FIELDS for t in TOKENISERS)

FEATURE_NAMES = (
    [f"{s}_rr" for s in SIGNALS]  # 1/(1+rank) in each ranking
    + ["dense_title_cos", "dense_body_cos", "dense_title_gap", "dense_body_gap"]
    + [f"{s}_rel" for s in SIGNALS[2:]]  # BM25 score / best BM25 score for this query
    + ["rrf", "bigram_coverage", "word_coverage"]
    + ["bigram_coverage_idf", "word_coverage_idf", "query_unseen_share"]
    + ["query_bigrams"]  # distinct bigrams of the (expanded) query: its length
)


@dataclass
class Candidates:
    """Everything the fusion needs for one query."""

    entry_indices: np.ndarray  # (n,)
    features: np.ndarray  # (n, len(FEATURE_NAMES))
    best_passage: list[int] = field(default_factory=list)  # per candidate: its best passage row
    query_bigrams: int = 0


def _ranks_among(scores: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Rank (0 = best) of the entries ``at`` in ``scores``. Only the non-zero scores
    are sorted (BM25 leaves most entries at zero), which keeps this cheap at 100k."""
    nonzero = np.sort(scores[scores > 0])
    return len(nonzero) - np.searchsorted(nonzero, scores[at], side="right")


def _entry_max(version: IndexVersion, field_name: str, passage_scores: np.ndarray) -> np.ndarray:
    """Per-entry maximum of scores given for the passages of one field (each entry's
    passages are contiguous and every entry has at least one per field)."""
    return np.maximum.reduceat(np.asarray(passage_scores, dtype=np.float32), version.field_starts[field_name])


def encode_questions(embedder: Embedder, questions: list[str]) -> np.ndarray:
    """One unit vector per question: the mean of the question as asked and its formal
    rewrite (when the colloquial table changes it), encoded in one batch. The encoder
    knows 异地就医 better than 回老家看病; the original keeps what the table misses."""
    rewrites = [formal_rewrite(q) for q in questions]
    extra = [i for i, (q, r) in enumerate(zip(questions, rewrites)) if r != normalise(q)]
    vectors = np.asarray(embedder.encode_queries(list(questions) + [rewrites[i] for i in extra]), dtype=np.float32)
    combined = vectors[: len(questions)].copy()
    for j, i in enumerate(extra):
        combined[i] += vectors[len(questions) + j]
    norms = np.linalg.norm(combined, axis=1, keepdims=True)
    return combined / np.where(norms > 0, norms, 1.0)


def gather(version: IndexVersion, embedder: Embedder, query: str, query_vector: np.ndarray | None = None
           ) -> Candidates:
    n_entries = len(version.entries)
    words, bigrams = query_tokens(query)
    if query_vector is None:
        query_vector = encode_questions(embedder, [query])[0]
    qv = np.ascontiguousarray(query_vector.reshape(1, -1), dtype=np.float32)

    # Lexical: full score arrays are cheap with bm25s (sparse), so ranks are exact.
    lexical: dict[str, np.ndarray] = {}
    for f in FIELDS:
        for t, toks in zip(TOKENISERS, (words, bigrams)):
            scores = version.bm25[(f, t)].get_scores(toks) if toks else np.zeros(len(version.rows[f]))
            lexical[f"bm25_{f}_{t}"] = _entry_max(version, f, np.asarray(scores))

    # Dense: the nearest passages from FAISS give each ranking's head.
    k = min(DENSE_PASSAGES, version.dense.ntotal)
    sims, rows = version.dense.search(qv, k)
    head: dict[str, dict[int, float]] = {"dense_title": {}, "dense_body": {}}
    for sim, row in zip(sims[0], rows[0]):
        if row < 0:
            continue
        name = "dense_title" if version.passage_kind[row] == "title" else "dense_body"
        entry = int(version.passage_owner[row])
        if sim > head[name].get(entry, -2.0):
            head[name][entry] = float(sim)

    candidates: set[int] = set()
    for scores in lexical.values():
        top = np.argpartition(-scores, min(CANDIDATES_PER_LIST, n_entries - 1))[:CANDIDATES_PER_LIST]
        candidates.update(int(i) for i in top if scores[i] > 0)
    for name in head:
        candidates.update(sorted(head[name], key=head[name].get, reverse=True)[:CANDIDATES_PER_LIST])
    cand = np.array(sorted(candidates), dtype=np.int64)
    if len(cand) == 0:
        return Candidates(cand, np.zeros((0, len(FEATURE_NAMES)), dtype=np.float32))

    # Exact cosines of every candidate's passages (a handful of dot products).
    dense_scores = {"dense_title": np.zeros(len(cand)), "dense_body": np.zeros(len(cand))}
    best_passage = []
    for j, e in enumerate(cand):
        best_row, best_sim = -1, -2.0
        for name, f in (("dense_title", "title"), ("dense_body", "body")):
            rows_e = version.entry_passages[f][e]
            sims_e = np.asarray(version.vectors[rows_e]) @ qv[0]
            dense_scores[name][j] = float(sims_e.max())
            if f == "body" and sims_e.max() > best_sim:
                best_row, best_sim = rows_e[int(sims_e.argmax())], float(sims_e.max())
        best_passage.append(best_row)
    # Dense ranks: among the FAISS head, else "beyond the head".
    dense_rr = {}
    for name in dense_scores:
        ordered = sorted(head[name], key=head[name].get, reverse=True)
        pos = {e: r for r, e in enumerate(ordered)}
        dense_rr[name] = np.array([1.0 / (1 + pos.get(int(e), DENSE_PASSAGES)) for e in cand])

    feats: dict[str, np.ndarray] = {}
    rrf = np.zeros(len(cand))
    for name in SIGNALS:
        if name in dense_rr:
            rr = dense_rr[name]
        else:
            ranks = _ranks_among(lexical[name], cand)
            rr = np.where(lexical[name][cand] > 0, 1.0 / (1 + ranks), 0.0)
        feats[f"{name}_rr"] = rr
        rank = np.where(rr > 0, 1.0 / np.maximum(rr, 1e-9) - 1, 1e6)
        rrf += 1.0 / (RRF_K + rank)
    for name in ("dense_title", "dense_body"):
        feats[f"{name}_cos"] = dense_scores[name]
        feats[f"{name}_gap"] = dense_scores[name] - dense_scores[name].max()
    for name in SIGNALS[2:]:
        best = float(lexical[name].max())
        feats[f"{name}_rel"] = lexical[name][cand] / best if best > 0 else np.zeros(len(cand))
    feats["rrf"] = rrf * RRF_K / len(SIGNALS)  # 1.0 when first everywhere

    # Coverage: how much of the question the entry's text contains at all.
    norm_q = normalise(query)
    q_bigrams = set(bigram_tokens(norm_q))
    q_words = set(w for w in word_tokens(norm_q) if len(w) > 1)
    cov_b, cov_w = np.zeros(len(cand)), np.zeros(len(cand))
    for j, e in enumerate(cand):
        text = version.entry_norm_text[e]
        if q_bigrams:
            cov_b[j] = sum(1 for b in q_bigrams if b in text) / len(q_bigrams)
        if q_words:
            cov_w[j] = sum(1 for w in q_words if w in text) / len(q_words)
    feats["bigram_coverage"] = cov_b
    feats["word_coverage"] = cov_w
    # The same, weighted by how rare each piece is in the knowledge base; words the
    # knowledge base never uses (专利, 签证) weigh most and betray an off-topic question.
    unseen_share = 0.0
    for tok, pieces, name in (("bigram", q_bigrams, "bigram_coverage_idf"), ("word", q_words, "word_coverage_idf")):
        idf, unseen = version.idf[tok], version.unseen_idf[tok]
        weights = {p: idf.get(p, unseen) for p in pieces}
        total = sum(weights.values())
        cov = np.zeros(len(cand))
        if total > 0:
            for j, e in enumerate(cand):
                text = version.entry_norm_text[e]
                cov[j] = sum(w for p, w in weights.items() if p in text) / total
            if tok == "word":
                unseen_share = sum(w for p, w in weights.items() if p not in idf) / total
        feats[name] = cov
    feats["query_unseen_share"] = np.full(len(cand), unseen_share)
    # Long, chatty questions (我妈今年82了，腿脚不好，听人说…) reach lower cosines than
    # short ones with the same answer: the abstainer needs the length to judge them.
    feats["query_bigrams"] = np.full(len(cand), float(len(q_bigrams)))
    matrix = np.column_stack([feats[n] for n in FEATURE_NAMES]).astype(np.float32)
    return Candidates(cand, matrix, best_passage, len(q_bigrams))
