"""Rasa's own checks on the training data and the test stories, run with the real
Rasa (3.10 venv) against the model `make test` trained."""

import os
import subprocess
from pathlib import Path

import pytest

from assistant.settings import PROJECT_ROOT

RASA = PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"
MODEL = Path(os.environ.get("BUTLER_TEST_RASA_MODEL", PROJECT_ROOT / "models" / "butler.tar.gz"))
ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "OMP_WAIT_POLICY": "PASSIVE"}


def run_rasa(*args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run([str(RASA), *args], cwd=PROJECT_ROOT, env=ENV, capture_output=True, text=True,
                          timeout=timeout)


def test_rasa_data_validate():
    result = run_rasa("data", "validate", "--domain", "domain", "--data", "nlu_data", "--config", "config.yml",
                      "--fail-on-warnings" if os.environ.get("BUTLER_STRICT_RASA") else "--quiet")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_rasa_test_stories_pass(tmp_path):
    if not MODEL.exists():
        pytest.fail(f"no trained Rasa model at {MODEL}: run `make model`")
    result = run_rasa("test", "core", "--model", str(MODEL), "--stories", "tests/rasa",
                      "--out", str(tmp_path), "--fail-on-prediction-errors")
    failed = tmp_path / "failed_test_stories.yml"
    failures = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, (result.stdout[-3000:] + result.stderr[-3000:] + failures[:3000])
    assert "None of the test stories failed" in failures, failures[:3000]
