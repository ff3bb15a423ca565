"""The ONNX encoder: the whole sentence-transformers pipeline exported once, run with
onnxruntime at query time.

Why: encoding one query with torch is most of the knowledge base's latency budget
(measured ~37 ms p50 / 71 ms p95 on the 2-core target); the same model in onnxruntime
on one thread took ~16 / 27 ms in the same run (docs/embeddings.md).

``export_onnx(model_dir)`` wraps the loaded ``SentenceTransformer`` so that
``forward(input_ids, attention_mask[, token_type_ids])`` returns ``sentence_embedding``
(transformer + the model's own pooling + its normalisation, whatever they are), exports
it with torch's TorchScript exporter (opset 17, dynamic batch and sequence axes), stores
float32 weights that are exactly representable in float16 as float16 (+ a Cast, folded
back at session start: identical numbers, half the disk), and verifies it against the
torch model on ``VERIFICATION_SENTENCES`` as queries and passages (with the model's
prompts) at several batch sizes, padded batches included. Below ``MIN_ONNX_COSINE`` it
raises ``ConversionError`` and writes nothing.

Files, inside the model directory::

    onnx/butler-encoder.onnx    the graph and weights
    onnx/butler-encoder.json    inputs, output, versions, verification, sha256 + size of
                                the .onnx and of every source file it was exported from

Reproducibility: two exports with the same package versions gave byte-identical .onnx
files (and the .json holds no timings), but that is not promised across torch / onnx /
transformers versions. The checksums record what was verified; the verification cosine
is the guarantee (docs/embeddings.md).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from assistant.embeddings.e5file import sha256_file

ONNX_DIR = "onnx"
ONNX_FILE = "butler-encoder.onnx"
ONNX_META = "butler-encoder.json"
ONNX_MODEL_REL = f"{ONNX_DIR}/{ONNX_FILE}"
ONNX_META_REL = f"{ONNX_DIR}/{ONNX_META}"
OUTPUT_NAME = "sentence_embedding"
OPSET = 17
FORMAT_VERSION = 1
MIN_ONNX_COSINE = 0.9999
VERIFY_BATCH_SIZES = (1, 7, 32, 64)
# Files that are not part of the model an export was made from.
_NOT_SOURCE = ("MANIFEST.json",)

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


class OnnxExportError(RuntimeError):
    """The export or its verification failed (convert.ConversionError subclasses this)."""


def _versions() -> dict[str, str]:
    out = {}
    for package in ("torch", "onnxruntime", "onnx", "sentence-transformers", "transformers", "tokenizers"):
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            out[package] = "not installed"
    return out


def source_files(model_dir: Path) -> dict[str, dict]:
    """sha256 + size of every file of the torch model (everything but onnx/ and MANIFEST)."""
    return file_hashes(model_dir, skip=lambda rel: rel.startswith(ONNX_DIR + "/") or rel in _NOT_SOURCE
                       or "/." in "/" + rel)


def file_hashes(model_dir: Path, skip: Callable[[str], bool]) -> dict[str, dict]:
    """sha256 + size of every file under ``model_dir`` whose relative path ``skip`` refuses."""
    files = {}
    for path in sorted(p for p in Path(model_dir).rglob("*") if p.is_file()):
        rel = path.relative_to(model_dir).as_posix()
        if not skip(rel):
            files[rel] = {"sha256": sha256_file(path), "size": path.stat().st_size}
    return files


def read_json(path: Path) -> dict | None:
    """A JSON object from a file of a model directory; None when absent or unreadable."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8")) if Path(path).is_file() else None
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def read_meta(model_dir: Path) -> dict | None:
    return read_json(Path(model_dir) / ONNX_META_REL)


def meta_problems(model_dir: Path, meta: dict | None, full: bool = False) -> list[str]:
    """Why the ONNX encoder in ``model_dir`` must not be used (empty list: usable).
    Sizes only unless ``full`` (sha256 of the .onnx and of the source files)."""
    model_dir = Path(model_dir)
    onnx_path = model_dir / ONNX_MODEL_REL
    if not onnx_path.is_file():
        return [f"{ONNX_MODEL_REL} missing"]
    if not meta:
        return [f"{ONNX_META_REL} missing or unreadable"]
    problems = []
    expected = meta.get("onnx", {})
    if onnx_path.stat().st_size != expected.get("size"):
        problems.append(f"{ONNX_MODEL_REL}: size {onnx_path.stat().st_size}, recorded {expected.get('size')}")
    elif full and sha256_file(onnx_path) != expected.get("sha256"):
        problems.append(f"{ONNX_MODEL_REL}: sha256 differs from {ONNX_META_REL}")
    for rel, entry in meta.get("source_files", {}).items():
        path = model_dir / rel
        if not path.is_file():
            problems.append(f"{rel} (exported from) is missing: the ONNX encoder is stale")
        elif path.stat().st_size != entry["size"] or (full and sha256_file(path) != entry["sha256"]):
            problems.append(f"{rel} changed since the ONNX export: the ONNX encoder is stale")
    if not meta.get("verification", {}).get("min_cosine", 0) >= MIN_ONNX_COSINE:
        problems.append(f"{ONNX_META_REL}: no passing verification recorded")
    return problems


# ----------------------------------------------------------------------------- export
def _input_names(model) -> list[str]:
    features = model.preprocess(["a"])
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in features]
    extra = [k for k, v in features.items() if hasattr(v, "shape") and k not in names]
    if "input_ids" not in names or "attention_mask" not in names or extra:
        raise OnnxExportError(f"unsupported model inputs {sorted(features)}: only text token models export")
    return names


def _check_supported(model) -> None:
    for module in model:
        if getattr(module, "include_prompt", True) is False and any((model.prompts or {}).values()):
            raise OnnxExportError(
                "the model's pooling excludes the prompt tokens (include_prompt=false); the ONNX "
                "encoder does not take prompt_length: keep this model on torch")


def _wrapper(model, names: list[str]):
    import torch

    class SentenceEmbedding(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, *inputs):
            return self.model(dict(zip(names, inputs)))[OUTPUT_NAME]

    return SentenceEmbedding().eval()


def _compact_initializers(path: Path) -> int:
    """Store float32 weights whose values are all exact float16 numbers (ours: the
    safetensors are float16) as float16 + Cast: the file halves and the numbers are
    bit-identical. A table read only by Gather (the 250k-row word embeddings) is
    gathered in float16 and the gathered rows cast, so it stays float16 in memory too;
    onnxruntime folds the other Casts into float32 weights at session start. Returns
    the bytes saved on disk."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    proto = onnx.load(str(path))
    graph = proto.graph
    consumers: dict[str, list] = {}
    for node in graph.node:
        for index, name in enumerate(node.input):
            consumers.setdefault(name, []).append((node, index))
    casts_before, casts_after = [], {}
    saved = 0
    for init in graph.initializer:
        if init.data_type != TensorProto.FLOAT:
            continue
        values = numpy_helper.to_array(init)
        if values.size < 4096:
            continue
        half = values.astype(np.float16)
        if not np.array_equal(half.astype(np.float32), values):
            continue
        name = init.name
        init.CopyFrom(numpy_helper.from_array(half, f"{name}__fp16"))
        saved += values.size * 2
        users = consumers.get(name, [])
        if users and all(node.op_type == "Gather" and index == 0 for node, index in users):
            for node, _ in users:
                node.input[0] = f"{name}__fp16"
                out = node.output[0]
                node.output[0] = f"{out}__fp16"
                casts_after[id(node)] = helper.make_node("Cast", [f"{out}__fp16"], [out], to=TensorProto.FLOAT,
                                                         name=f"{out}__cast")
        else:
            casts_before.append(helper.make_node("Cast", [f"{name}__fp16"], [name], to=TensorProto.FLOAT,
                                                 name=f"{name}__cast"))
    if saved:
        nodes = list(graph.node)
        del graph.node[:]
        graph.node.extend(casts_before)
        for node in nodes:
            graph.node.append(node)
            if id(node) in casts_after:
                graph.node.append(casts_after[id(node)])
        onnx.checker.check_model(proto)
        onnx.save(proto, str(path))
    return saved


def _verification_texts(model) -> list[tuple[str | None, list[str]]]:
    from assistant.embeddings.verification import VERIFICATION_SENTENCES

    prompts = dict(model.prompts or {})
    names = [name for name in ("query", "passage") if prompts.get(name)] or [None]
    return [(prompts[name] if name else None, list(VERIFICATION_SENTENCES)) for name in names]


def verify_onnx(model, session_path: Path, names: list[str], model_dir: Path) -> dict:
    """Cosine between the torch model's own ``encode`` and the ONNX encoder (with the
    standalone tokenizer it runs with), for every verification sentence as query and
    passage, at each of VERIFY_BATCH_SIZES."""
    start = time.perf_counter()
    encoder = OnnxEncoder(session_path, names, OUTPUT_NAME, StandaloneTokenizer(model_dir), threads=None)
    cosines = []
    worst = (2.0, "", 0)
    for prompt, texts in _verification_texts(model):
        reference = model.encode(texts, prompt=prompt, batch_size=16, normalize_embeddings=True,
                                 convert_to_numpy=True, show_progress_bar=False)
        for batch_size in VERIFY_BATCH_SIZES:
            ours = encoder.encode(texts, prompt, batch_size)
            cos = np.sum(reference * ours, axis=1) / (
                np.linalg.norm(reference, axis=1) * np.linalg.norm(ours, axis=1))
            cosines.append(cos)
            i = int(np.argmin(cos))
            if cos[i] < worst[0]:
                worst = (float(cos[i]), (prompt or "") + texts[i], batch_size)
    all_cos = np.concatenate(cosines)
    return {
        "reference": "the torch SentenceTransformer's own encode() of the same directory",
        "n_texts": int(sum(len(t) for _, t in _verification_texts(model))),
        "batch_sizes": list(VERIFY_BATCH_SIZES),
        "n_vectors": int(all_cos.size),
        "mean_cosine": round(float(all_cos.mean()), 8),
        "min_cosine": round(worst[0], 8),
        "min_text": worst[1],
        "min_batch_size": worst[2],
        "threshold_min_cosine": MIN_ONNX_COSINE,
        # Not written to butler-encoder.json (kept reproducible); prepare puts it in MANIFEST.json.
        "seconds": round(time.perf_counter() - start, 2),
    }


def export_onnx(model_dir: Path, progress: Progress | None = None) -> dict:
    """Export, verify and write ``onnx/`` into ``model_dir`` (replacing an old one only
    once the new one passed). Returns the metadata written to butler-encoder.json plus
    ``timings`` (not written there)."""
    import torch
    from sentence_transformers import SentenceTransformer

    model_dir = Path(model_dir)
    if progress:
        progress("onnx", 0, 3)
    start = time.perf_counter()
    model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True, trust_remote_code=False)
    model.eval()
    _check_supported(model)
    names = _input_names(model)
    sources = source_files(model_dir)
    staging = Path(tempfile.mkdtemp(prefix=".onnx.building-", dir=model_dir))
    try:
        onnx_path = staging / ONNX_FILE
        sample = model.preprocess(["query: 高龄津贴怎么申请？", "passage: a longer second sentence, padded"])
        dynamic = {name: {0: "batch", 1: "sequence"} for name in names}
        dynamic[OUTPUT_NAME] = {0: "batch"}
        import warnings

        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # TracerWarnings about data-dependent branches
            torch.onnx.export(
                _wrapper(model, names), tuple(sample[n] for n in names), str(onnx_path),
                input_names=names, output_names=[OUTPUT_NAME], dynamic_axes=dynamic,
                opset_version=OPSET, dynamo=False, do_constant_folding=True,
            )
        saved = _compact_initializers(onnx_path)
        export_seconds = time.perf_counter() - start
        if progress:
            progress("onnx", 1, 3)
        verification = verify_onnx(model, onnx_path, names, model_dir)
        if progress:
            progress("onnx", 2, 3)
        if verification["min_cosine"] < MIN_ONNX_COSINE:
            raise OnnxExportError(
                f"ONNX encoder does not match the torch model: min cosine {verification['min_cosine']:.7f} "
                f"< {MIN_ONNX_COSINE} ({verification['min_text']!r}, batch {verification['min_batch_size']})")
        meta = {
            "format": FORMAT_VERSION,
            "onnx": {"file": ONNX_FILE, "sha256": sha256_file(onnx_path), "size": onnx_path.stat().st_size},
            "inputs": names,
            "input_dtype": "int64",
            "output": OUTPUT_NAME,
            "opset": OPSET,
            "exporter": "torch.onnx.export(dynamo=False)",
            "float16_stored_bytes_saved": saved,
            "built_with": _versions(),
            "verification": {k: v for k, v in verification.items() if k != "seconds"},
            "source_files": sources,
        }
        # Timings stay out of the file so that it is as reproducible as the .onnx.
        (staging / ONNX_META).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        meta = {**meta, "timings": {"export_seconds": round(export_seconds, 2),
                                    "verification_seconds": verification["seconds"]}}
        staging.chmod(0o755)
        for path in staging.iterdir():
            path.chmod(0o644)
        target = model_dir / ONNX_DIR
        if target.exists():
            old = model_dir / f".onnx.old-{os.getpid()}"
            target.rename(old)
            staging.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if progress:
        progress("onnx", 3, 3)
    return meta


# ---------------------------------------------------------------------------- run time
def onnxruntime_available() -> bool:
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


class TokenizerUnavailable(OnnxExportError):
    """The directory has no tokenizer.json the standalone tokenizer can use."""


class StandaloneTokenizer:
    """Tokenises exactly like the directory's sentence-transformers ``Transformer``
    module (texts as given, a ``Lowercase`` normaliser first when ``do_lower_case``,
    truncation to ``max_seq_length``, padding to the longest of the batch), from
    ``tokenizer.json`` with the ``tokenizers`` library alone. Why: with it, a process
    that only encodes questions never imports torch or transformers: measured 0.77 GB
    instead of 1.8 GB resident and about 2 s instead of 10 s to load. The export's
    verification runs through this tokenizer, so what was verified is what runs."""

    def __init__(self, model_dir: Path):
        from tokenizers import Tokenizer, normalizers

        model_dir = Path(model_dir)
        tokenizer_file = model_dir / "tokenizer.json"
        if not tokenizer_file.is_file():
            raise TokenizerUnavailable(f"no tokenizer.json in {model_dir}")
        st_config = read_json(model_dir / "sentence_bert_config.json") or {}
        tok_config = read_json(model_dir / "tokenizer_config.json") or {}
        model_config = read_json(model_dir / "config.json") or {}
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        if isinstance(st_config.get("max_seq_length"), int):
            self.max_length = st_config["max_seq_length"]
        else:  # sentence-transformers' own default when the config names none
            limits = [v for v in (tok_config.get("model_max_length"), model_config.get("max_position_embeddings"))
                      if isinstance(v, int) and 0 < v < 1_000_000]
            self.max_length = min(limits) if limits else 512
        if st_config.get("do_lower_case"):
            current = self.tokenizer.normalizer
            if "Lowercase" not in repr(current):
                parts = [normalizers.Lowercase()]
                if current is not None:
                    parts.append(current)
                self.tokenizer.normalizer = normalizers.Sequence(parts)
        pad = tok_config.get("pad_token")
        pad = pad.get("content") if isinstance(pad, dict) else pad
        pad_id = self.tokenizer.token_to_id(pad) if isinstance(pad, str) else None
        if pad_id is None:
            raise TokenizerUnavailable(f"{model_dir}: tokenizer_config.json names no known pad_token")
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(self.max_length)
        self.tokenizer.enable_padding(pad_id=pad_id, pad_token=pad,
                                      direction=tok_config.get("padding_side", "right") or "right")

    def __call__(self, texts: list[str]) -> dict[str, np.ndarray]:
        encodings = self.tokenizer.encode_batch([str(t) for t in texts])
        return {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }


@dataclass
class OnnxEncoder:
    """An onnxruntime session over butler-encoder.onnx, with the model directory's
    tokenizer (``StandaloneTokenizer``): neither needs torch."""

    path: Path
    inputs: Sequence[str]
    output: str
    tokenizer: StandaloneTokenizer
    threads: int | None = 1  # intra-op threads; None: onnxruntime's default (one per core)

    def __post_init__(self):
        import onnxruntime as ort

        options = ort.SessionOptions()
        if self.threads is not None:
            options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(self.path), options, providers=["CPUExecutionProvider"])
        have = [i.name for i in self.session.get_inputs()]
        if list(have) != list(self.inputs):
            raise OnnxExportError(f"{self.path}: inputs {have}, recorded {list(self.inputs)}")

    def run(self, features: dict) -> np.ndarray:
        return self.session.run([self.output], {name: features[name] for name in self.inputs})[0]

    def encode(self, texts: list[str], prompt: str | None, batch_size: int,
               show_progress: bool = False) -> np.ndarray:
        """Like SentenceTransformer.encode(prompt=..., normalize_embeddings=True): the
        prompt prepended, longest first, batches padded to their longest, then back in
        input order."""
        if prompt:
            texts = [prompt + t for t in texts]
        order = np.argsort([-len(t) for t in texts], kind="stable")
        out: list[np.ndarray] = []
        starts = range(0, len(texts), batch_size)
        if show_progress:
            from tqdm.auto import tqdm

            starts = tqdm(starts, desc="Batches")
        for start in starts:
            batch = [texts[i] for i in order[start:start + batch_size]]
            out.append(self.run(self.tokenizer(batch)))
        vectors = np.vstack(out).astype(np.float32, copy=False)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = vectors / np.maximum(norms, 1e-12)
        result = np.empty_like(vectors)
        result[order] = vectors
        return result
