"""Ask a trained Rasa model what intent it reads in each line, from the application venv.

Rasa lives in its own venv (.venv-rasa), so the model is loaded there in a subprocess; the
model-probe tests of several rounds share this one way of doing it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_PROBE = """
import asyncio, json, sys
from rasa.core.agent import Agent
agent = Agent.load(sys.argv[1])
async def main():
    out = {}
    for text in json.loads(sys.argv[2]):
        out[text] = (await agent.parse_message(text))["intent"]["name"]
    print("RESULT" + json.dumps(out, ensure_ascii=False))
asyncio.run(main())
"""


def intents_read_by(model: Path, texts: list[str]) -> dict[str, str]:
    """The intent ``model`` reads in each of ``texts``."""
    done = subprocess.run([str(ROOT / ".venv-rasa" / "bin" / "python"), "-c", _PROBE, str(model),
                           json.dumps(texts, ensure_ascii=False)],
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=600)
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT"))
    return json.loads(line[len("RESULT"):])
