"""The linear intent vote (nlu_components/linear_intent.py), run in the real Rasa venv
(Python 3.10) on real ``Message`` objects and a real model storage: trained on a tiny
data set, persisted (JSON and .npy only), loaded back, then parsing. The vote moves a
reading DIET got wrong when the linear model is sure of another; a reading both agree
on stays; DIET's entities and its own ranking (``intent_ranking_diet``) are kept; a
message with no text is left alone."""

import json
import os
import subprocess

import pytest

from assistant.settings import PROJECT_ROOT

PYTHON = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"
SCRIPT = """
import json, sys
from pathlib import Path
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from nlu_components.linear_intent import LinearIntentVote, fallback, sharpen, vote

lines = {
    "book_service": ["我想订一次上门剪发", "麻烦帮忙安排个保洁阿姨来打扫", "给我妈登记一下下周的体检",
                     "能不能约个师傅周五来家里修东西", "想给老爷子订个中午的送餐"],
    "file_complaint": ["单元门口那盏灯一直不亮", "楼上天天半夜拖椅子吵得睡不着", "小区垃圾好几天没人收臭死了",
                       "二号楼电梯门老卡住关不上", "地下车库的排水沟堵了全是积水"],
    "greet": ["哈喽", "嗨 在吗", "早啊", "晚上好呀", "有人在吗 你好"],
}
examples = [Message(data={"text": t, "intent": i}) for i, ts in lines.items() for t in ts]
examples.append(Message(data={"intent": "greet"}))  # a story's intent: no text, no training line
storage_dir = Path(sys.argv[1])
storage_dir.mkdir(parents=True, exist_ok=True)
storage = LocalModelStorage(storage_dir)
resource = Resource("linear_intent_vote")
context = ExecutionContext(GraphSchema({}), "test")
config = {**LinearIntentVote.get_default_config(), "diet_weight": 0.5, "C": 10.0}
trained = LinearIntentVote.create(config, storage, resource, context)
trained.train(TrainingData(examples))
files = sorted(p.name for p in storage_dir.rglob("*") if p.is_file())
component = LinearIntentVote.load(config, storage, resource, context)

def message(text, ranking, entities=None):
    m = Message(data={"text": text} if text is not None else {"intent": "greet"})
    if ranking:
        m.set("intent", dict(ranking[0]))
        m.set("intent_ranking", ranking)
    m.set("entities", entities or [])
    return m

entity = {"entity": "location", "value": "三号楼", "start": 0, "end": 3, "extractor": "DIETClassifier"}
wrong = [{"name": "greet", "confidence": 0.55}, {"name": "file_complaint", "confidence": 0.4},
         {"name": "book_service", "confidence": 0.05}]
agreed = [{"name": "book_service", "confidence": 0.9}, {"name": "greet", "confidence": 0.06},
          {"name": "file_complaint", "confidence": 0.04}]
cases = [message("三号楼过道的灯坏了好几天", wrong, [entity]), message("想约个阿姨上门打扫卫生", agreed),
         message("", wrong), message(None, wrong)]
component.process(cases)
out = {"files": files}
out["moved"] = cases[0].get("intent")["name"]
out["moved_ranking"] = [r["name"] for r in cases[0].get("intent_ranking")]
out["moved_sum"] = sum(r["confidence"] for r in cases[0].get("intent_ranking"))
out["diet_kept"] = cases[0].get("intent_ranking_diet") == wrong
out["entities_kept"] = cases[0].get("entities") == [entity]
out["output_has_diet"] = "intent_ranking_diet" in cases[0].as_dict(only_output_properties=True)
out["agreed"] = cases[1].get("intent")["name"]
out["empty_left"] = cases[2].get("intent") == wrong[0] and cases[2].get("intent_ranking_diet") is None
out["no_text_left"] = cases[3].get("intent") == wrong[0] and cases[3].get("intent_ranking_diet") is None
# The same model trained afresh gives the same probabilities as the loaded one.
again = component.model.predict_proba(["楼道灯坏了"], [["楼道", "灯", "坏", "了"]])
first = trained.model.predict_proba(["楼道灯坏了"], [["楼道", "灯", "坏", "了"]])
out["reloaded_equal"] = bool(np.allclose(again, first))
# The vote and the fallback rule themselves.
voted = vote([{"name": "a", "confidence": 0.8}, {"name": "nlu_fallback", "confidence": 0.55}],
             [{"name": "b", "confidence": 1.0}, {"name": "a", "confidence": 0.0}], 0.5)
out["vote"] = [[r["name"], round(r["confidence"], 3)] for r in voted]
out["fallback"] = [fallback(voted), fallback([{"name": "a", "confidence": 0.9}]),
                   fallback([{"name": "a", "confidence": 0.5}]), fallback([])]
# The linear model's probabilities at a lower temperature: surer, same order, sum 1.
soft = [{"name": "b", "confidence": 0.3}, {"name": "a", "confidence": 0.6}, {"name": "c", "confidence": 0.1}]
out["sharp"] = [[r["name"], round(r["confidence"], 4)] for r in sharpen(soft, 0.5)]
out["unchanged"] = [[r["name"], r["confidence"]] for r in sharpen(soft, 1.0)]
# In the component: the same config with a temperature gives a surer top intent.
cold = LinearIntentVote.load({**config, "linear_temperature": 0.3}, storage, resource, context)
warm_message, cold_message = message("三号楼过道的灯坏了好几天", wrong), message("三号楼过道的灯坏了好几天", wrong)
component.process([warm_message])
cold.process([cold_message])
out["colder_surer"] = [warm_message.get("intent")["name"], cold_message.get("intent")["name"],
                       cold_message.get("intent")["confidence"] > warm_message.get("intent")["confidence"]]
print(json.dumps(out, ensure_ascii=False))
"""


def test_the_vote_trains_persists_loads_and_moves_a_reading(tmp_path):
    if not PYTHON.exists():
        pytest.fail("no Rasa venv: run `make setup`")
    result = subprocess.run([str(PYTHON), "-c", SCRIPT, str(tmp_path / "storage")], capture_output=True, text=True,
                            cwd=PROJECT_ROOT, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    got = json.loads(result.stdout.strip().splitlines()[-1])
    # Persisted as JSON and numpy arrays only: nothing pickled.
    assert got["files"] and all(name.endswith((".json", ".npy")) for name in got["files"])
    assert got["moved"] == "file_complaint"
    assert got["moved_ranking"][0] == "file_complaint" and set(got["moved_ranking"]) == {
        "greet", "file_complaint", "book_service"}
    assert got["moved_sum"] == pytest.approx(1.0, abs=1e-6)
    assert got["diet_kept"] and got["entities_kept"] and got["output_has_diet"]
    assert got["agreed"] == "book_service"
    assert got["empty_left"] and got["no_text_left"]
    assert got["reloaded_equal"]
    assert got["vote"] == [["b", 0.5], ["a", 0.4]]
    assert got["fallback"] == ["nlu_fallback", "a", "nlu_fallback", "nlu_fallback"]
    # p ** (1 / T) renormalised: 0.36 / 0.46, 0.09 / 0.46, 0.01 / 0.46, best first.
    assert got["sharp"] == [["a", 0.7826], ["b", 0.1957], ["c", 0.0217]]
    assert got["unchanged"] == [["a", 0.6], ["b", 0.3], ["c", 0.1]]
    assert got["colder_surer"] == ["file_complaint", "file_complaint", True]
