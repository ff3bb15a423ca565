"""`python -m assistant.safety.evaluate` on small labelled files of both formats."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.safety import evaluate


def test_jsonl_figures_and_errors(tmp_path: Path, capsys):
    rows = [
        {"text": "楼道里着火了", "emergency": True, "kind": "fire"},
        {"text": "家里煤气味好大", "emergency": True, "kind": "gas"},
        {"text": "想吃火锅", "emergency": False, "kind": None},
        {"text": "救命", "emergency": False, "kind": None},          # a false alarm on purpose
    ]
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    assert evaluate.main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "recall 1.000 (2/2)" in out
    assert "false alarms 0.500 (1/2)" in out
    assert "FALSE ALARMS" in out and "救命" in out
    assert "MISSES" not in out


def test_rasa_yaml_labels_by_intent(tmp_path: Path):
    path = tmp_path / "nlu.yml"
    path.write_text(
        'version: "3.1"\nnlu:\n'
        '- intent: emergency\n  examples: |\n    - [5号楼]{"entity": "location"}着火了\n'
        '- intent: out_of_scope\n  examples: |\n    - 火锅底料推荐\n'
        '- synonym: 体检\n  examples: |\n    - 量血压\n',
        encoding="utf-8")
    rows = evaluate.load(path)
    assert [(r["text"], r["emergency"]) for r in rows] == [("5号楼着火了", True), ("火锅底料推荐", False)]
    report = evaluate.evaluate(rows)
    assert report["recall"] == 1.0 and report["false_alarm_rate"] == 0.0
