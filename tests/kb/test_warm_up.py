"""The knowledge base is loaded at process start (in the background) so that the first
resident's policy question does not pay for loading the model and the index."""

from __future__ import annotations

import threading

from assistant.kb import service
from assistant.kb.ingest import ingest


def test_warm_up_loads_the_index_and_encodes_once(tmp_path, corpus, embedder):
    kb_dir = (tmp_path / "kb").resolve()
    ingest([corpus], kb_dir, embedder)
    before = embedder.calls
    service._shared[kb_dir] = service.KnowledgeBase(kb_dir, embedder=embedder)
    try:
        thread = service.warm_up_in_background(kb_dir)
        thread.join(timeout=60)
        assert not thread.is_alive() and thread.daemon
        kb = service._shared[kb_dir]
        assert kb._version is not None and len(kb._version.entries) == 5
        assert embedder.calls == before + 1  # the warm-up question was encoded
    finally:
        service._shared.pop(kb_dir, None)


def test_warm_up_of_a_missing_knowledge_base_does_not_raise(tmp_path, embedder, monkeypatch):
    uncaught = []
    monkeypatch.setattr(threading, "excepthook", uncaught.append)
    kb_dir = (tmp_path / "none").resolve()
    service._shared[kb_dir] = service.KnowledgeBase(kb_dir, embedder=embedder)
    try:
        thread = service.warm_up_in_background(kb_dir)
        thread.join(timeout=60)
        assert not thread.is_alive()
        assert uncaught == [] and embedder.calls == 0
    finally:
        service._shared.pop(kb_dir, None)
