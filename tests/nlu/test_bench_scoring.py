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


def _row(intent: str, predicted: str, register: str | None = None, services=(), predicted_services=()) -> dict:
    return {"text": f"{intent}/{predicted}", "intent": intent, "predicted": predicted, "confidence": 0.9,
            "services": list(services), "predicted_services": list(predicted_services),
            "register": register, "raw_top": [predicted, 0.9]}


def test_score_intents_per_register_out_of_scope_and_services() -> None:
    rows = [
        _row("check_ticket", "check_ticket", "elderly"),
        _row("check_ticket", "file_complaint", "elderly"),
        _row("out_of_scope", "book_service", "dialect"),
        _row("out_of_scope", "nlu_fallback", "dialect"),     # fallback counts as out_of_scope
        _row("checkin", "out_of_scope", "dialect"),
        _row("book_service", "book_service", None, ["理发"], ["理发"]),
        _row("book_service", "book_service", None, ["助餐"], []),
        _row("file_complaint", "file_complaint", None, [], ["保洁"]),
    ]
    scored = bench_nlu.score_intents(rows)
    assert scored["examples"] == 8
    assert scored["intent_accuracy"] == pytest.approx(5 / 8)
    assert scored["out_of_scope_recall"] == pytest.approx(0.5)
    assert scored["out_of_scope_precision"] == pytest.approx(0.5)   # 1 of the 2 called out_of_scope/fallback
    assert scored["out_of_scope_to_task_rate"] == pytest.approx(0.5)
    assert scored["service_type_accuracy"] == pytest.approx(0.5)
    assert scored["service_type_spurious"] == 1
    assert scored["per_register"]["elderly"] == {"n": 2, "accuracy": 0.5, "macro_f1": pytest.approx(2 / 3, abs=1e-4)}  # check_ticket P 1, R 0.5
    assert scored["per_register"]["dialect"]["n"] == 3
    assert {"gold": "check_ticket", "predicted": "file_complaint", "n": 1} in scored["confusions"]


def test_score_emergency_classifier_net_and_combined() -> None:
    rows = [
        {"text": "a", "emergency": True, "kind": "fire", "register": "plain", "predicted": "emergency"},
        {"text": "b", "emergency": True, "kind": "fire", "register": "plain", "predicted": "file_complaint"},
        {"text": "c", "emergency": True, "kind": "gas", "register": "typo", "predicted": "out_of_scope"},
        {"text": "d", "emergency": False, "kind": None, "register": "plain", "predicted": "emergency"},
        {"text": "e", "emergency": False, "kind": None, "register": "plain", "predicted": "ask_policy"},
    ]
    net = [{"emergency": False}, {"emergency": True, "cue": "着火"}, {"emergency": False},
           {"emergency": False}, {"emergency": True}]
    scored = bench_nlu.score_emergency([dict(r) for r in rows], net)
    assert scored["classifier"] == {"recall": pytest.approx(1 / 3, abs=1e-4), "false_alarm_rate": 0.5,
                                    "missed": 2, "false_alarms": 1}
    assert scored["safety_net"]["recall"] == pytest.approx(1 / 3, abs=1e-4)
    assert scored["combined"]["recall"] == pytest.approx(2 / 3, abs=1e-4)
    assert scored["combined"]["false_alarm_rate"] == 1.0
    assert scored["classifier_missed_as"] == {"file_complaint": 1, "out_of_scope": 1}
    assert scored["per_kind"]["fire"]["combined_recall"] == 1.0
    assert scored["per_kind"]["gas"]["combined_recall"] == 0.0

    sweep = {row["classifier_min_confidence"]: row for row in scored["combined_by_classifier_confidence"]}
    assert sweep[0.0]["recall"] == scored["combined"]["recall"]
    assert sweep[1.01]["recall"] == scored["safety_net"]["recall"]          # the net alone
    assert sweep[1.01]["false_alarm_rate"] == scored["safety_net"]["false_alarm_rate"]

    without_net = bench_nlu.score_emergency([dict(r) for r in rows], None)
    assert without_net["safety_net"] is None and without_net["combined"] is None
    assert without_net["classifier"]["missed"] == 2


def test_sets_need_a_provenance_label(tmp_path) -> None:
    assert bench_nlu.parse_named(["fresh=bench/nlu_fresh.yml", "x/y/blind3.jsonl"]) == [
        ("fresh", bench_nlu.Path("bench/nlu_fresh.yml")), ("blind3", bench_nlu.Path("x/y/blind3.jsonl"))]
    assert bench_nlu.parse_labels(["fresh=blind"]) == {"fresh": "blind"}
    with pytest.raises(SystemExit):
        bench_nlu.parse_labels(["fresh=secret"])
    path = tmp_path / "s.jsonl"
    path.write_text('{"text": "约个剪头", "intent": "book_service", "service_type": "理发", "register": "elderly"}\n',
                    encoding="utf-8")
    args = bench_nlu.argparse.Namespace(label=[], no_default_sets=True, set=[f"s={path}"], emergency=[])
    with pytest.raises(SystemExit):
        bench_nlu.collect_sets(args)
    args.label = ["s=blind"]
    sets, emergency = bench_nlu.collect_sets(args)
    assert [(s["name"], s["label"]) for s in sets] == [("s", "blind")] and emergency == []
    assert bench_nlu.load_dev(path) == [{"text": "约个剪头", "intent": "book_service", "services": ["理发"],
                                         "register": "elderly"}]


def test_untouched_and_blind_lines_never_reach_the_results() -> None:
    section = {"label": "blind", "errors": [{"text": "秘密"}], "service_errors": [], "service_spurious": []}
    emergency = {"label": "untouched", "rows": [{"text": "秘密", "emergency": True, "combined": False,
                                                 "classifier": False}]}
    tuned = {"label": "tuned", "rows": [{"text": "看得见", "emergency": True, "combined": False, "classifier": False},
                                         {"text": "对的", "emergency": True, "combined": True, "classifier": True}]}
    out = bench_nlu.shareable({"sets": {"b": section}, "emergency": {"u": emergency, "t": tuned}})
    assert "秘密" not in bench_nlu.json.dumps(out, ensure_ascii=False)
    assert out["sets"]["b"]["errors"] == 1
    assert [r["text"] for r in out["emergency"]["t"]["rows"]] == ["看得见"]
