"""Review 15 of the safety net (328e4d4, 45925e3): each note fixed by its reason, tested both ways
in our own wording (the note's examples and variants of ours). No sentence here is taken from a set."""

from __future__ import annotations

import json


from assistant.safety import assess
from assistant.safety import build_model


def fires(text: str) -> bool:
    return assess(text, quiet=True).emergency


# ---- note 20: the second opinion is trained on committed files only --------------------------

def test_the_model_is_trained_on_committed_nlu_files_only():
    shipped = json.loads(build_model.MODEL_JSON.read_text(encoding="utf-8"))
    committed = {p.relative_to(build_model.ROOT).as_posix() for p in build_model.committed_nlu_files()}
    nlu_sources = {name for name in shipped["sources"] if name.startswith("nlu_data/")}
    assert nlu_sources <= committed, nlu_sources - committed
    trained = {p.relative_to(build_model.ROOT).as_posix() for p in build_model.training_paths()}
    assert {name for name in trained if name.startswith("nlu_data/")} <= committed
