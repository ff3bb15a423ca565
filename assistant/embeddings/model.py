"""Load the sentence-embedding model strictly offline.

``load_embedder()`` reads the directory from the setting ``embedding_model_dir``
(default ``data_dir/models/multilingual-e5-small``, built by ``butler models
prepare``). Any sentence-transformers directory works (e.g. bge-small-zh-v1.5 an
operator downloaded): prompts are added only when its
``config_sentence_transformers.json`` declares ``query`` / ``passage`` prompts.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DEFAULT_MODEL_SUBDIR = "multilingual-e5-small"
PREPARE_COMMAND = "butler models prepare"

log = logging.getLogger(__name__)


class EmbeddingModelError(RuntimeError):
    """Base class: the embedding model cannot be used."""


class EmbeddingModelMissing(EmbeddingModelError):
    """The model directory does not exist or is not a sentence-transformers model."""

    def __init__(self, path: Path):
        self.path = Path(path)
        super().__init__(
            f"向量模型不存在：{self.path}。请先运行 `{PREPARE_COMMAND}` 生成模型。\n"
            f"Embedding model not found at {self.path}. Run `{PREPARE_COMMAND}` to build it "
            f"(or point BUTLER_EMBEDDING_MODEL_DIR at a sentence-transformers directory)."
        )


class EmbeddingModelCorrupt(EmbeddingModelError):
    """The files on disk do not match the model's MANIFEST.json."""

    def __init__(self, path: Path, problems: list[str]):
        self.path = Path(path)
        self.problems = problems
        shown = "; ".join(problems[:5])
        super().__init__(
            f"向量模型文件已损坏或不完整：{self.path}（{shown}）。请运行 `{PREPARE_COMMAND} --force` 重新生成。\n"
            f"Embedding model at {self.path} does not match its MANIFEST.json ({shown}). "
            f"Run `{PREPARE_COMMAND} --force` to rebuild it."
        )


def _force_offline() -> None:
    # Set before sentence_transformers / transformers / huggingface_hub are imported:
    # they read these once. Nothing may download at run time.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def default_model_dir() -> Path:
    from assistant.settings import get_settings

    settings = get_settings()
    configured = getattr(settings, "embedding_model_dir", None)
    if configured:
        return Path(configured)
    return Path(settings.data_dir) / "models" / DEFAULT_MODEL_SUBDIR


@dataclass
class Embedder:
    """A loaded sentence-transformers model with the retrieval prompts resolved."""

    model: object  # sentence_transformers.SentenceTransformer
    path: Path
    query_prompt_name: str | None
    passage_prompt_name: str | None
    dim: int
    batch_size: int = 32

    def _encode(self, texts: list[str], prompt_name: str | None, batch_size: int | None,
                show_progress: bool) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            texts, prompt_name=prompt_name, batch_size=batch_size or self.batch_size,
            normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=show_progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_queries(self, texts: list[str], batch_size: int | None = None,
                       show_progress: bool = False) -> np.ndarray:
        """[n, dim] L2-normalised float32; adds the model's query prompt if it has one."""
        return self._encode(texts, self.query_prompt_name, batch_size, show_progress)

    def encode_passages(self, texts: list[str], batch_size: int | None = None,
                        show_progress: bool = False) -> np.ndarray:
        """[n, dim] L2-normalised float32; adds the model's passage prompt if it has one."""
        return self._encode(texts, self.passage_prompt_name, batch_size, show_progress)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def fingerprint(self) -> str:
        """Short id of the weights on disk: changes when the model is rebuilt or swapped,
        so stored vectors can be invalidated. From MANIFEST.json when there is one (free),
        otherwise from the weight files' names, sizes and modification times."""
        from assistant.embeddings.convert import read_manifest

        manifest = read_manifest(self.path)
        digest = hashlib.sha256()
        if manifest and manifest.get("files"):
            for rel, entry in sorted(manifest["files"].items()):
                digest.update(f"{rel}:{entry['sha256']}\n".encode())
        else:
            for file in sorted(self.path.rglob("*")):
                if file.is_file() and file.suffix in (".safetensors", ".bin", ".json"):
                    stat = file.stat()
                    digest.update(f"{file.relative_to(self.path)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
        return digest.hexdigest()[:16]


def load_embedder(path: Path | str | None = None, check_manifest: bool = True,
                  device: str = "cpu") -> Embedder:
    """Load the embedding model from ``path`` (default: the configured directory).

    Strictly offline. When the directory has a MANIFEST.json (ours does), file sizes
    are checked against it (cheap; ``butler models verify`` checks sha256).
    Raises :class:`EmbeddingModelMissing` / :class:`EmbeddingModelCorrupt`.
    """
    _force_offline()
    model_dir = Path(path) if path is not None else default_model_dir()
    if not (model_dir / "modules.json").is_file() and not (model_dir / "config.json").is_file():
        raise EmbeddingModelMissing(model_dir)
    if check_manifest:
        from assistant.embeddings.convert import manifest_problems, read_manifest

        manifest = read_manifest(model_dir)
        if manifest is not None:
            problems = manifest_problems(model_dir, manifest, full=False)
            if problems:
                raise EmbeddingModelCorrupt(model_dir, problems)

    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    # transformers 5 draws a "Loading weights" bar on every load: noise in servers and tests.
    hf_logging.disable_progress_bar()

    import assistant.embeddings as package

    if package.TORCH_LOADED_WITH_SPINNING_THREADS:
        import torch

        log.warning("torch was imported before assistant.embeddings without OMP_WAIT_POLICY=PASSIVE: "
                    "running it on one thread (set OMP_WAIT_POLICY=PASSIVE in the environment)")
        torch.set_num_threads(1)
    model = SentenceTransformer(str(model_dir), device=device, local_files_only=True, trust_remote_code=False)
    prompts = dict(getattr(model, "prompts", None) or {})
    # Renamed in sentence-transformers 6; keep working with both names.
    get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    dim = get_dim()
    return Embedder(
        model=model,
        path=model_dir,
        query_prompt_name="query" if prompts.get("query") else None,
        passage_prompt_name="passage" if prompts.get("passage") else None,
        dim=int(dim),
    )


_cache: dict[Path, Embedder] = {}
_cache_lock = threading.Lock()


def get_embedder(path: Path | str | None = None) -> Embedder:
    """Process-wide shared embedder (loaded once per directory)."""
    model_dir = (Path(path) if path is not None else default_model_dir()).resolve()
    with _cache_lock:
        if model_dir not in _cache:
            _cache[model_dir] = load_embedder(model_dir)
        return _cache[model_dir]
