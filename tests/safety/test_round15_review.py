"""Review 15 of the safety net (328e4d4, 45925e3): each note fixed by its reason, tested both ways
in our own wording (the note's examples and variants of ours). No sentence here is taken from a set."""

from __future__ import annotations

import json

import pytest

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


# ---- note 1: a flame that goes out is a stove fault, a fire that cannot be put out is a fire -----

@pytest.mark.parametrize("text", [
    "油锅点着火了灭不掉",
    "锅里点着火就灭不了了",
    "灶台边的抹布点着火了，灭也灭不了",
    "窗帘打着火了，熄不掉啊",
])
def test_a_fire_that_cannot_be_put_out_fires(text):
    verdict = assess(text, quiet=True)
    assert verdict.emergency and "fire" in verdict.kinds, verdict


@pytest.mark.parametrize("text", ["热水器点着火几秒就灭了", "燃气灶点着火一会儿就灭", "这灶点着火老是熄，火苗一下就没了"])
def test_a_flame_that_goes_out_stays_quiet(text):
    assert not fires(text)
