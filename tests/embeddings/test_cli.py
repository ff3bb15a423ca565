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


def test_prepare_never_overwrites_a_directory_it_did_not_build(tmp_path):
    foreign = tmp_path / "bge-small-zh-v1.5"
    foreign.mkdir()
    (foreign / "config.json").write_text("{}")
    result = runner.invoke(app, ["models", "prepare", "--out", str(foreign)])
    assert result.exit_code == 1
    assert "--force" in result.output
    assert (foreign / "config.json").read_text() == "{}"


def test_prepare_leaves_an_operator_model_configured_in_settings_alone(tmp_path, monkeypatch):
    from assistant.settings import get_settings

    foreign = tmp_path / "bge-small-zh-v1.5"
    foreign.mkdir()
    (foreign / "modules.json").write_text("[]")
    monkeypatch.setenv("BUTLER_EMBEDDING_MODEL_DIR", str(foreign))
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["models", "prepare"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "nothing to prepare" in result.output
    assert sorted(p.name for p in foreign.iterdir()) == ["modules.json"]
