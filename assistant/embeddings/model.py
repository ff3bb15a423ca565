"""Load the sentence-embedding model strictly offline.

``load_embedder()`` reads the directory from the setting ``embedding_model_dir``
(default ``data_dir/models/multilingual-e5-small``, built by ``butler models
prepare``). Any sentence-transformers directory works (e.g. bge-small-zh-v1.5 an
operator downloaded): prompts are added only when its
``config_sentence_transformers.json`` declares ``query`` / ``passage`` prompts.

Backends: when the directory has a verified ONNX export (``onnx/butler-encoder.onnx``,
see onnx_encoder.py) and onnxruntime imports, calls of up to ``onnx_max_texts`` texts
(a resident's query) run in onnxruntime on one thread (~2x faster than torch), tokenised
by ``tokenizers`` alone, so torch is not even imported until a larger batch (ingest,
calibration) needs it; those run in torch on all cores, which is faster there. The
two agree to cosine >= 0.9999 (checked when the export is made). The setting
``embedding_backend`` (``BUTLER_EMBEDDING_BACKEND``) = ``auto`` (default) | ``torch``
(never onnxruntime) | ``onnx`` (fail unless the ONNX encoder is usable).
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

DEFAULT_MODEL_SUBDIR = "multilingual-e5-small"
PREPARE_COMMAND = "butler models prepare"
BACKENDS = ("auto", "torch", "onnx")
# Measured on the 2-core target (docs/embeddings.md): onnxruntime on one thread beats
# torch on two for 1-2 texts; from 4 texts on, torch's two threads win.
ONNX_MAX_TEXTS = 3

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
    """A sentence-embedding model with the retrieval prompts resolved.

    With the ONNX encoder (``onnx``), short calls never touch torch: the torch
    ``SentenceTransformer`` is loaded on first use (a batch above ``onnx_max_texts``,
    or ``.model`` asked for), so a process that only encodes questions stays small."""

    path: Path
    query_prompt_name: str | None
    passage_prompt_name: str | None
    dim: int
    prompts: dict = field(default_factory=dict)  # name -> text, from the model's config
    batch_size: int = 32
    onnx: object | None = None  # onnx_encoder.OnnxEncoder when the ONNX encoder is in use
    onnx_max_texts: int = ONNX_MAX_TEXTS
    loaded_model: object | None = field(default=None, repr=False)  # the SentenceTransformer, once loaded
    device: str = "cpu"

    @property
    def model(self):
        """The torch SentenceTransformer (loaded now if it was not yet)."""
        if self.loaded_model is None:
            with _model_lock:
                if self.loaded_model is None:
                    self.loaded_model = _load_sentence_transformer(self.path, self.device)
        return self.loaded_model

    @property
    def backend(self) -> str:
        """"onnxruntime" when single queries run on the ONNX encoder, else "torch"."""
        return "onnxruntime" if self.onnx is not None else "torch"

    def _encode(self, texts: list[str], prompt_name: str | None, batch_size: int | None,
                show_progress: bool) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self.onnx is not None and len(texts) <= self.onnx_max_texts:
            prompt = self.prompts.get(prompt_name) if prompt_name else None
            return self.onnx.encode(texts, prompt, batch_size or self.batch_size, show_progress)
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

        from assistant.embeddings.onnx_encoder import ONNX_DIR

        # onnx/ is left out: it is a verified re-encoding of the same weights (its vectors
        # agree with torch's), so adding or re-exporting it does not invalidate vectors.
        manifest = read_manifest(self.path)
        digest = hashlib.sha256()
        if manifest and manifest.get("files"):
            for rel, entry in sorted(manifest["files"].items()):
                if rel.startswith(ONNX_DIR + "/"):
                    continue
                digest.update(f"{rel}:{entry['sha256']}\n".encode())
        else:
            for file in sorted(self.path.rglob("*")):
                if file.relative_to(self.path).parts[0] == ONNX_DIR:
                    continue
                if file.is_file() and file.suffix in (".safetensors", ".bin", ".json"):
                    stat = file.stat()
                    digest.update(f"{file.relative_to(self.path)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
        return digest.hexdigest()[:16]


def configured_backend() -> str:
    from assistant.settings import get_settings

    value = str(getattr(get_settings(), "embedding_backend", "auto") or "auto").strip().lower()
    if value not in BACKENDS:
        raise EmbeddingModelError(f"embedding_backend must be one of {', '.join(BACKENDS)}, not {value!r}")
    return value


_logged_backends: set[tuple[Path, str]] = set()


def _log_backend_once(model_dir: Path, message: str, level: int = logging.INFO) -> None:
    key = (Path(model_dir).resolve(), message)
    if key not in _logged_backends:
        _logged_backends.add(key)
        log.log(level, message)


def _open_onnx(model_dir: Path, backend: str):
    """The OnnxEncoder to use, or None for torch. ``backend="onnx"`` raises instead of
    falling back."""
    from assistant.embeddings import onnx_encoder as ox

    if backend == "torch":
        _log_backend_once(model_dir, f"embedding backend: torch for {model_dir} (embedding_backend=torch)")
        return None
    reason = None
    meta = ox.read_meta(model_dir)
    if not (model_dir / ox.ONNX_MODEL_REL).is_file():
        reason = f"no {ox.ONNX_MODEL_REL} (add it with `butler models export-onnx {model_dir}`)"
    elif not ox.onnxruntime_available():
        reason = "onnxruntime is not importable"
    else:
        problems = ox.meta_problems(model_dir, meta, full=False)
        if problems:
            reason = "; ".join(problems[:3])
    if reason is None:
        try:
            encoder = ox.OnnxEncoder(model_dir / ox.ONNX_MODEL_REL, meta["inputs"], meta["output"],
                                     ox.StandaloneTokenizer(model_dir), threads=1)
        except Exception as exc:  # a corrupt file of the right size, an onnxruntime error, no tokenizer.json
            reason = f"onnxruntime cannot load {ox.ONNX_MODEL_REL}: {exc}"
        else:
            _log_backend_once(model_dir, f"embedding backend: onnxruntime ({ox.ONNX_MODEL_REL}, 1 thread) "
                                         f"for up to {ONNX_MAX_TEXTS} texts, torch above, for {model_dir}")
            return encoder
    if backend == "onnx":
        raise EmbeddingModelError(f"BUTLER_EMBEDDING_BACKEND=onnx but the ONNX encoder of {model_dir} "
                                  f"cannot be used: {reason}")
    _log_backend_once(model_dir, f"embedding backend: torch for {model_dir}: {reason}",
                      logging.INFO if "no " + ox.ONNX_MODEL_REL in reason else logging.WARNING)
    return None


def load_embedder(path: Path | str | None = None, check_manifest: bool = True,
                  device: str = "cpu", backend: str | None = None) -> Embedder:
    """Load the embedding model from ``path`` (default: the configured directory).

    Strictly offline. When the directory has a MANIFEST.json (ours does), file sizes
    are checked against it (cheap; ``butler models verify`` checks sha256): that covers
    the ONNX encoder too. ``backend``: auto | torch | onnx (default: the setting
    ``embedding_backend``); auto uses the ONNX encoder when it is present, its recorded
    sizes match and onnxruntime loads it, and otherwise falls back to torch with a log
    line saying why.
    Raises :class:`EmbeddingModelMissing` / :class:`EmbeddingModelCorrupt`.
    """
    _force_offline()
    backend = (backend or configured_backend()).lower()
    if backend not in BACKENDS:
        raise EmbeddingModelError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    model_dir = Path(path) if path is not None else default_model_dir()
    if not (model_dir / "modules.json").is_file() and not (model_dir / "config.json").is_file():
        raise EmbeddingModelMissing(model_dir)
    if check_manifest:
        from assistant.embeddings.convert import manifest_problems, read_manifest

        manifest = read_manifest(model_dir)
        if manifest is not None:
            # A deleted onnx/ only costs speed (torch is used); a changed one is corrupt.
            problems = manifest_problems(model_dir, manifest, full=False, onnx="allow-missing")
            if problems:
                raise EmbeddingModelCorrupt(model_dir, problems)

    if "torch" in sys.modules:  # whichever backend runs, torch must not spin
        _guard_spinning_torch()
    onnx = _open_onnx(model_dir, backend) if device == "cpu" else None
    if onnx is not None:
        # Prompts from the model's own config, the dimension from one probe: the torch
        # model is loaded only if a large batch ever needs it.
        from assistant.embeddings.onnx_encoder import read_json

        config = read_json(model_dir / "config_sentence_transformers.json") or {}
        prompts = {k: v for k, v in dict(config.get("prompts") or {}).items() if isinstance(v, str)}
        dim = int(onnx.encode(["a"], None, 1).shape[1])
        loaded = None
    else:
        loaded = _load_sentence_transformer(model_dir, device)
        prompts = dict(getattr(loaded, "prompts", None) or {})
        # Renamed in sentence-transformers 6; keep working with both names.
        get_dim = getattr(loaded, "get_embedding_dimension", None) or loaded.get_sentence_embedding_dimension
        dim = int(get_dim())
    return Embedder(
        path=model_dir,
        query_prompt_name="query" if prompts.get("query") else None,
        passage_prompt_name="passage" if prompts.get("passage") else None,
        dim=dim,
        prompts=prompts,
        onnx=onnx,
        loaded_model=loaded,
        device=device,
    )


_model_lock = threading.Lock()


def _guard_spinning_torch() -> None:
    import assistant.embeddings as package

    if package.TORCH_LOADED_WITH_SPINNING_THREADS:
        import torch  # already imported: free

        log.warning("torch was imported before assistant.embeddings without OMP_WAIT_POLICY=PASSIVE: "
                    "running it on one thread (set OMP_WAIT_POLICY=PASSIVE in the environment)")
        torch.set_num_threads(1)


def _load_sentence_transformer(model_dir: Path, device: str):
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    # transformers 5 draws a "Loading weights" bar on every load: noise in servers and tests.
    hf_logging.disable_progress_bar()

    _guard_spinning_torch()
    return SentenceTransformer(str(model_dir), device=device, local_files_only=True, trust_remote_code=False)


_cache: dict[Path, Embedder] = {}
_cache_lock = threading.Lock()


def get_embedder(path: Path | str | None = None) -> Embedder:
    """Process-wide shared embedder (loaded once per directory)."""
    model_dir = (Path(path) if path is not None else default_model_dir()).resolve()
    with _cache_lock:
        if model_dir not in _cache:
            _cache[model_dir] = load_embedder(model_dir)
        return _cache[model_dir]
