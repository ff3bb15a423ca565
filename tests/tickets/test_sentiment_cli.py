"""``butler sentiment`` run as the real installed command in a subprocess."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUTLER = ROOT / ".venv" / "bin" / "butler"


def run(args: list[str], stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([str(BUTLER), *args], input=stdin, capture_output=True, text=True,
                          timeout=120, cwd=ROOT)


def test_jsonl_one_object_per_line():
    lines = ["楼道里着火了", "外卖送得太慢了，饭都凉了，差评", "服务很热情，房间很干净", "请问几点开门", ""]
    result = run(["sentiment", "--jsonl"], "\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == len(lines)
    for row in rows:
        assert set(row) == {"label", "score", "urgency"}
        assert row["label"] in {"negative", "neutral", "positive"}
        assert -1.0 <= row["score"] <= 1.0
        assert row["urgency"] in {"normal", "urgent", "emergency"}
    assert rows[0]["urgency"] == "emergency"
    assert rows[1]["label"] == "negative"
    assert rows[2]["label"] == "positive"
    assert rows[3]["label"] == "neutral"
    assert rows[4] == {"label": "neutral", "score": 0.0, "urgency": "normal"}


def test_human_readable_with_cues():
    result = run(["sentiment", "楼上漏水好几天了家里有老人"])
    assert result.returncode == 0, result.stderr
    assert "紧急程度：紧急（urgent）" in result.stdout
    assert "涉及老人" in result.stdout


def test_missing_text_gets_a_chinese_message():
    result = run(["sentiment"])
    assert result.returncode == 2
    assert "请输入要分析的文字" in result.stderr
    assert "Traceback" not in result.stderr


def test_jsonl_survives_invalid_utf8():
    result = subprocess.run([str(BUTLER), "sentiment", "--jsonl"], input="服务很好\n".encode() + b"\xff\xfe\n",
                            capture_output=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.decode().splitlines()) == 2
