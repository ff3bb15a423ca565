"""The scoring helpers of bench/nlu.py (pure Python; Rasa is imported lazily there)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_SPEC = importlib.util.spec_from_file_location("bench_nlu", Path(__file__).resolve().parents[2] / "bench" / "nlu.py")
bench_nlu = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(bench_nlu)


def test_precision_recall_f1_by_hand() -> None:
    gold = ["a", "a", "b", "b", "c"]
    pred = ["a", "b", "b", "b", "a"]
    table = bench_nlu.prf(gold, pred, ["a", "b", "c"])
    assert table["a"]["precision"] == pytest.approx(0.5)
    assert table["a"]["recall"] == pytest.approx(0.5)
    assert table["b"]["precision"] == pytest.approx(2 / 3)
    assert table["b"]["recall"] == pytest.approx(1.0)
    assert table["b"]["f1"] == pytest.approx(0.8)
    assert table["c"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}


def test_percentiles() -> None:
    values = [float(v) for v in range(1, 101)]
    assert bench_nlu.percentile(values, 50) in (50.0, 51.0)
    assert bench_nlu.percentile(values, 95) in (95.0, 96.0)
    assert bench_nlu.percentile([], 50) == 0.0


def test_task_intents_are_the_contract_task_intents() -> None:
    from .nlu_files import TASK_INTENTS

    assert set(bench_nlu.TASK_INTENTS) == set(TASK_INTENTS)
    assert not set(bench_nlu.NOT_UNDERSTOOD) & set(TASK_INTENTS)
