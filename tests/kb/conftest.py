"""Fixtures for the knowledge base tests.

Most tests use ``CharGramEmbedder``, a small deterministic stand-in for the sentence
model (hashed character uni/bigrams, L2-normalised): the real model is a 240 MB
directory built by ``butler models prepare`` and takes seconds to load, and these
tests are about ingestion, storage, fusion plumbing and the API, not about semantic
quality. ``test_real_model.py`` exercises the real model end to end.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]


class CharGramEmbedder:
    name = "test-chargram"
    dim = 256

    def __init__(self):
        self.calls = 0
        self.texts = 0

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        grams = list(text) + [text[i:i + 2] for i in range(len(text) - 1)]
        for g in grams:
            h = int(hashlib.md5(g.encode("utf-8")).hexdigest()[:8], 16)
            v[h % self.dim] += 1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def _encode(self, texts):
        self.calls += 1
        self.texts += len(texts)
        return np.vstack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def encode_queries(self, texts):
        return self._encode(list(texts))

    def encode_passages(self, texts):
        return self._encode(list(texts))


FAQ = [
    {"id": "old-1", "question": "高龄津贴怎么领？", "answer": "年满80周岁的老年人可以领取高龄津贴。每月100元。到社区申请。", "topic": "高龄与老年优待", "source": "示例市老年人优待办法"},
    {"id": "old-2", "question": "敬老卡怎么办？", "answer": "年满60周岁的老人带身份证到社区事务受理中心申请敬老卡。一般15个工作日制卡。", "topic": "高龄与老年优待", "source": "示例市老年人优待办法"},
    {"id": "bike-1", "question": "电动车能推进家里充电吗？", "answer": "不能。电动自行车禁止在楼道和家里充电，要到集中充电车棚充电。", "topic": "电动车管理", "source": "示例市电动自行车管理条例"},
    {"id": "waste-1", "question": "过期药品属于什么垃圾？", "answer": "过期药品属于有害垃圾，投放到红色的有害垃圾桶。", "topic": "垃圾分类", "source": "示例市生活垃圾管理条例"},
]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def embedder() -> CharGramEmbedder:
    return CharGramEmbedder()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    write_jsonl(folder / "faq.jsonl", FAQ)
    (folder / "dog.md").write_text(
        "---\nid: md-dog\ntitle: 养犬登记\ntopic: 社区设施\nsource: 示例市养犬管理条例\n---\n"
        "# 养犬登记\n\n> 示例内容（SAMPLE）\n\n## 要不要登记\n养狗要办理养犬登记证，每年年检一次。\n\n"
        "## 遛狗\n出门遛狗要牵狗绳，及时清理粪便。\n", encoding="utf-8")
    return folder


@pytest.fixture
def built_kb(tmp_path: Path, corpus: Path, embedder: CharGramEmbedder) -> Path:
    from assistant.kb.ingest import ingest

    kb_dir = tmp_path / "kb"
    ingest([corpus], kb_dir, embedder)
    return kb_dir
