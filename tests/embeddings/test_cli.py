"""``butler models prepare`` / ``verify`` through the real root CLI."""

from __future__ import annotations

from typer.testing import CliRunner

from assistant.cli import app

runner = CliRunner()


def test_prepare_on_a_prepared_directory_exits_fast(converted_model):
    out = converted_model[0]
    result = runner.invoke(app, ["models", "prepare", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "already prepared" in result.output


def test_verify_checks_checksums_and_loads(converted_model):
    result = runner.invoke(app, ["models", "verify", "--path", str(converted_model[0])])
    assert result.exit_code == 0, result.output
    assert "sha256 OK" in result.output and "loads offline" in result.output


def test_verify_on_a_missing_directory_says_what_to_run(tmp_path):
    result = runner.invoke(app, ["models", "verify", "--path", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "butler models prepare" in result.output
