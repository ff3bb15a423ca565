import json

import numpy as np
import pytest

from assistant.kb import service, store
from assistant.kb.documents import KbFormatError
from assistant.kb.fusion import FusionModel, load_fusion
from assistant.kb.index import IndexVersion
from assistant.kb.ingest import ingest
from assistant.kb.service import KnowledgeBase

from .conftest import FAQ, write_jsonl


def test_ingest_writes_a_versioned_index_and_points_current_at_it(built_kb):
    version_dir = store.current_version_dir(built_kb)
    assert version_dir.parent.name == "versions"
    assert (built_kb / "CURRENT").read_text().strip() == version_dir.name
    for name in ("manifest.json", "entries.jsonl", "passages.jsonl", "vectors.npy", "dense.faiss",
                 "bm25_title_word", "bm25_body_bigram"):
        assert (version_dir / name).exists()
    manifest = json.loads((version_dir / "manifest.json").read_text())
    assert manifest["entries"] == 5 and manifest["dense_index"] == "flat"
    assert manifest["embedding_model"] == "test-chargram"
    assert not list((built_kb / "versions").glob(".staging-*"))


def test_reingest_embeds_only_changed_passages_and_drops_removed(tmp_path, corpus, built_kb, embedder):
    rows = [dict(r) for r in FAQ if r["id"] != "waste-1"]  # removed
    rows[0]["answer"] = "年满80周岁的老年人可以领取高龄津贴。每月150元。"  # changed answer
    rows.append({"id": "new-1", "question": "灭火器怎么用？", "answer": "提起、拔销、对准火焰根部、压下压把。",
                 "topic": "消防安全", "source": "示例市消防条例"})
    write_jsonl(corpus / "faq.jsonl", rows)
    before = store.current_version_dir(built_kb).name
    embedder.texts = 0
    report = ingest([corpus], built_kb, embedder)
    assert report.added == ["new-1"] and report.updated == ["old-1"] and report.removed == ["waste-1"]
    assert report.unchanged == 3  # two FAQ rows + the Markdown note
    # Only the changed answer's body passage and the new entry's two passages were embedded.
    assert report.embedded == 3 and embedder.texts == 3
    assert report.version != before
    ids = {e.id for e in IndexVersion(store.current_version_dir(built_kb)).entries}
    assert ids == {"old-1", "old-2", "bike-1", "md-dog", "new-1"}


def test_deleted_file_in_an_ingested_folder_drops_its_entries(corpus, built_kb, embedder):
    (corpus / "dog.md").unlink()
    report = ingest([corpus], built_kb, embedder)
    assert report.removed == ["md-dog"]


def test_entries_of_other_files_stay_unless_replace(tmp_path, built_kb, embedder):
    extra = write_jsonl(tmp_path / "extra.jsonl", [{"id": "x-1", "question": "社区图书室怎么借书？",
                                                   "answer": "带身份证免费借书。", "topic": "社区设施"}])
    assert ingest([extra], built_kb, embedder).entries == 6
    assert ingest([extra], built_kb, embedder, replace=True).removed != []
    assert [e.id for e in IndexVersion(store.current_version_dir(built_kb)).entries] == ["x-1"]


def test_duplicate_ids_and_empty_input_are_refused(tmp_path, embedder):
    a = write_jsonl(tmp_path / "a.jsonl", FAQ[:1])
    b = write_jsonl(tmp_path / "b.jsonl", FAQ[:1])
    with pytest.raises(KbFormatError, match="duplicate entry id 'old-1'"):
        ingest([a, b], tmp_path / "kb", embedder)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(KbFormatError, match="no policy files"):
        ingest([empty], tmp_path / "kb", embedder)
    assert not (tmp_path / "kb" / "CURRENT").exists()


def test_results_are_entries_not_passages_best_first(built_kb, embedder):
    kb = KnowledgeBase(built_kb, embedder=embedder)
    response = kb.search("养狗要不要办理登记证", top_k=5)
    ids = [r.id for r in response.results]
    assert ids[0] == "md-dog"  # two of its passages match; it appears once
    assert len(ids) == len(set(ids))
    scores = [r.score for r in response.results]
    assert scores == sorted(scores, reverse=True)
    top = response.results[0]
    assert top.title == "养犬登记" and top.source == "示例市养犬管理条例"
    assert "登记" in top.passage
    public = response.public()
    assert set(public) == {"query", "answerable", "results"}
    assert set(public["results"][0]) == {"id", "score", "title", "source"}


def test_lexical_side_finds_colloquial_question(built_kb, embedder):
    kb = KnowledgeBase(built_kb, embedder=embedder)
    assert kb.search("电瓶车能在家充电不").results[0].id == "bike-1"
    assert kb.search("我今年刚满八十，能领津贴吗").results[0].id == "old-1"


def test_empty_or_punctuation_query_is_not_answerable(built_kb, embedder):
    kb = KnowledgeBase(built_kb, embedder=embedder)
    for q in ("", "   ", "？？！"):
        response = kb.search(q)
        assert response.answerable is False and response.results == []


def test_abstention_uses_the_calibrated_threshold(built_kb, embedder):
    fusion = load_fusion()
    assert fusion.ranker is not None and fusion.abstainer is not None  # the shipped calibration loads
    # With a threshold nobody can reach, everything is abstained; with 0, nothing is.
    strict = FusionModel(fusion.ranker, fusion.abstainer, 1.01, {})
    lax = FusionModel(fusion.ranker, fusion.abstainer, 0.0, {})
    assert KnowledgeBase(built_kb, embedder=embedder, fusion=strict).search("高龄津贴怎么领").answerable is False
    assert KnowledgeBase(built_kb, embedder=embedder, fusion=lax).search("高龄津贴怎么领").answerable is True


def test_missing_index_raises_a_typed_error(tmp_path, embedder):
    with pytest.raises(store.KbNotFound, match="butler kb ingest"):
        KnowledgeBase(tmp_path / "nothing", embedder=embedder).search("高龄津贴")


def test_running_knowledge_base_hot_reloads_a_new_version(monkeypatch, tmp_path, corpus, built_kb, embedder):
    monkeypatch.setattr(service, "RELOAD_CHECK_SECONDS", 0.0)
    kb = KnowledgeBase(built_kb, embedder=embedder)
    assert kb.entry("new-1") is None
    old_version = kb.version()
    write_jsonl(corpus / "more.jsonl", [{"id": "new-1", "question": "社区图书室怎么借书？",
                                         "answer": "带身份证可以免费借书，每次最多5本。", "topic": "社区设施"}])
    ingest([corpus], built_kb, embedder)
    # The old object stays usable (a request in flight keeps its version) ...
    assert old_version.entries and kb.search("图书室借书").results[0].id == "new-1"
    assert kb.version() is not old_version


def test_old_versions_are_pruned(corpus, built_kb, embedder):
    for i in range(4):
        write_jsonl(corpus / "more.jsonl", [{"id": "n", "question": f"问题{i}", "answer": f"回答{i}。"}])
        ingest([corpus], built_kb, embedder)
    versions = [p for p in (built_kb / "versions").iterdir() if p.is_dir()]
    assert len(versions) == store.KEEP_VERSIONS
    assert store.current_version_dir(built_kb) in versions


def test_large_index_switches_to_hnsw(monkeypatch, tmp_path, embedder):
    from assistant.kb import index as index_module
    from assistant.kb.documents import Entry

    monkeypatch.setattr(index_module, "HNSW_THRESHOLD", 10)
    entries = [Entry(id=f"e{i}", title=f"第{i}个问题关于高龄津贴", text=f"这是第{i}个回答。") for i in range(8)]
    staging = store.new_staging_dir(tmp_path / "kb")
    stats = index_module.write_version(staging, entries, embedder)
    store.publish(tmp_path / "kb", staging)
    assert stats.dense_kind == "hnsw"
    version = IndexVersion(store.current_version_dir(tmp_path / "kb"))
    assert hasattr(version.dense, "hnsw") and version.dense.ntotal == 16
    assert KnowledgeBase(tmp_path / "kb", embedder=embedder).search("第3个问题").results


def test_question_vectors_blend_the_formal_rewrite(embedder):
    from assistant.kb.retrieval import encode_questions

    plain, colloquial = encode_questions(embedder, ["高龄津贴怎么领", "电瓶车能推上楼充电不"])
    assert np.allclose(plain, embedder.encode_queries(["高龄津贴怎么领"])[0], atol=1e-6)  # unchanged text: as is
    own = embedder.encode_queries(["电瓶车能推上楼充电不"])[0]
    formal = embedder.encode_queries(["电动自行车能推上楼充电不"])[0]
    expected = (own + formal) / np.linalg.norm(own + formal)
    assert np.allclose(colloquial, expected, atol=1e-6) and abs(np.linalg.norm(colloquial) - 1) < 1e-6
    assert embedder.calls == 4  # one batch for both questions and the one rewrite, then the three checks
