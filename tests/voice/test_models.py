"""Model provisioning: fetch over HTTP (a loopback server, never the internet), install
from a zip or a directory, verify every file, swap atomically, refuse what does not
match. The model is a small fake with its own manifest; the real manifest is checked
for its shape."""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import stat
import threading
import zipfile
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from voice import cli, models
from voice.errors import ModelInstallError, ModelVerificationFailed

SPEC = models.MODELS["vosk-small-cn"]
FILES = {
    "am/final.mdl": os.urandom(20_000),
    "conf/model.conf": b"--min-active=200\n--max-active=3000\n",
    "conf/mfcc.conf": b"--sample-frequency=16000\n",
    "graph/HCLr.fst": os.urandom(50_000),
    "ivector/online_cmvn.conf": b"",
    "README": b"fake model for tests\n",
}


def write_manifest(path: Path, files: dict[str, bytes]) -> Path:
    lines = ["# fake manifest for tests"]
    lines += [f"{hashlib.sha256(data).hexdigest()}  {name}  {len(data)}" for name, data in files.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def build_zip(path: Path, files: dict[str, bytes], top: str | None = "vosk-model-small-cn-0.22") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(f"{top}/{name}" if top else name, data)
    return path


def corrupted(files: dict[str, bytes], name: str) -> dict[str, bytes]:
    data = bytearray(files[name])
    data[len(data) // 2] ^= 0xFF  # one flipped byte: same size, different sha256
    return {**files, name: bytes(data)}


@pytest.fixture
def manifest(tmp_path) -> Path:
    return write_manifest(tmp_path / "fake.files.sha256", FILES)


@pytest.fixture
def server(tmp_path):
    """A loopback HTTP server over tmp_path/www; yields its base URL."""
    root = tmp_path / "www"
    root.mkdir()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args):  # keep the test output clean
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


# -- the real manifest ------------------------------------------------------------------
def test_the_shipped_manifest_lists_the_small_chinese_model():
    entries = models.read_manifest(SPEC.manifest_path)
    paths = {e.path for e in entries}
    assert len(entries) == 14
    assert {"am/final.mdl", "graph/HCLr.fst", "graph/Gr.fst", "conf/model.conf", "ivector/final.ie"} <= paths
    assert entries[0].path == "am/final.mdl"  # the anchor used to find the model inside a zip
    assert sum(e.size for e in entries) < SPEC.archive_size * 2
    header = SPEC.manifest_path.read_text().splitlines()[:8]
    assert any("Provenance" in line for line in header)


@pytest.mark.parametrize("line", ["abc  am/final.mdl  10", f"{'0' * 64}  ../etc/passwd  1",
                                  f"{'0' * 64}  am/final.mdl", f"{'0' * 64}  /abs  1"])
def test_bad_manifest_lines_are_refused(tmp_path, line):
    path = tmp_path / "m"
    path.write_text(line + "\n")
    with pytest.raises(ValueError):
        models.read_manifest(path)


# -- fetch over loopback ----------------------------------------------------------------
def test_fetch_downloads_verifies_and_installs(tmp_path, server, manifest):
    www, base = server
    build_zip(www / "model.zip", FILES)
    dest = tmp_path / "var" / "models" / "vosk-small-cn"
    seen = []
    report = models.fetch(SPEC, dest, url=f"{base}/model.zip", manifest_path=manifest,
                          progress=lambda done, total: seen.append((done, total)))
    assert report.ok and report.checked == len(FILES) and report.extra == []
    for name, data in FILES.items():
        assert (dest / name).read_bytes() == data
    marker = json.loads((dest / models.MARKER).read_text())
    assert marker["model"] == "vosk-small-cn" and marker["source"] == f"{base}/model.zip"
    assert models.status(dest, SPEC, manifest_path=manifest) == "installed"
    assert models.verify(dest, models.read_manifest(manifest)).ok
    assert seen and seen[-1][0] == (www / "model.zip").stat().st_size
    assert leftovers(dest.parent) == []  # no staging directory, no partial download


def test_a_corrupted_file_is_rejected_and_nothing_installed(tmp_path, server, manifest):
    www, base = server
    build_zip(www / "bad.zip", corrupted(FILES, "graph/HCLr.fst"))
    dest = tmp_path / "models" / "vosk-small-cn"
    with pytest.raises(ModelVerificationFailed) as err:
        models.fetch(SPEC, dest, url=f"{base}/bad.zip", manifest_path=manifest)
    assert "wrong sha256: graph/HCLr.fst" in err.value.message
    assert "Nothing was installed" in err.value.message
    assert err.value.code == "model_verification_failed"
    assert not dest.exists()
    assert leftovers(dest.parent) == []


def test_a_corrupt_download_leaves_the_installed_model_untouched(tmp_path, server, manifest):
    www, base = server
    build_zip(www / "good.zip", FILES)
    build_zip(www / "bad.zip", corrupted(FILES, "am/final.mdl"))
    dest = tmp_path / "models" / "vosk-small-cn"
    models.fetch(SPEC, dest, url=f"{base}/good.zip", manifest_path=manifest)
    before = (dest / models.MARKER).read_text()
    with pytest.raises(ModelVerificationFailed):
        models.fetch(SPEC, dest, url=f"{base}/bad.zip", manifest_path=manifest)
    assert (dest / models.MARKER).read_text() == before
    assert (dest / "am/final.mdl").read_bytes() == FILES["am/final.mdl"]
    assert leftovers(dest.parent) == []


@pytest.mark.parametrize("change", ["missing", "size"])
def test_missing_or_resized_files_are_rejected(tmp_path, server, manifest, change):
    www, base = server
    files = dict(FILES)
    if change == "missing":
        del files["conf/mfcc.conf"]
    else:
        files["conf/mfcc.conf"] += b"# extra\n"
    build_zip(www / "m.zip", files)
    with pytest.raises(ModelVerificationFailed, match=("missing" if change == "missing" else "wrong size")
                       + ": conf/mfcc.conf"):
        models.fetch(SPEC, tmp_path / "m", url=f"{base}/m.zip", manifest_path=manifest)


def test_http_errors_and_unreachable_servers_are_clear(tmp_path, server, manifest):
    _, base = server
    with pytest.raises(ModelInstallError, match="HTTP 404"):
        models.fetch(SPEC, tmp_path / "m", url=f"{base}/nope.zip", manifest_path=manifest)
    with pytest.raises(ModelInstallError, match="without internet"):
        models.fetch(SPEC, tmp_path / "m", url="http://127.0.0.1:9/x.zip", manifest_path=manifest, timeout=2)
    assert leftovers(tmp_path) == []


def test_a_download_that_is_not_a_zip(tmp_path, server, manifest):
    www, base = server
    (www / "page.zip").write_text("<html>captive portal</html>")
    with pytest.raises(ModelInstallError, match="not a zip"):
        models.fetch(SPEC, tmp_path / "m", url=f"{base}/page.zip", manifest_path=manifest)


# -- install from what the machine has --------------------------------------------------
def test_install_from_a_zip_without_a_top_folder_and_extra_files(tmp_path, manifest):
    archive = build_zip(tmp_path / "flat.zip", {**FILES, "notes.txt": b"x"}, top=None)
    dest = tmp_path / "dest"
    report = models.install(archive, dest, SPEC, manifest_path=manifest)
    assert report.ok and report.extra == ["notes.txt"]


def test_install_from_a_directory_and_reinstall_over_it(tmp_path, manifest):
    src = tmp_path / "unpacked"
    for name, data in FILES.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_bytes(data)
    dest = tmp_path / "models" / "vosk-small-cn"
    models.install(src, dest, SPEC, manifest_path=manifest)
    (dest / "stale.txt").write_text("from the old install")
    models.install(src, dest, SPEC, manifest_path=manifest)
    assert not (dest / "stale.txt").exists()  # replaced as a whole, not merged
    assert leftovers(dest.parent) == []
    assert (src / "README").exists()  # the source is copied, not moved
    with pytest.raises(ModelInstallError, match="already the model directory"):
        models.install(dest, dest, SPEC, manifest_path=manifest)
    with pytest.raises(ModelInstallError, match="does not exist"):
        models.install(tmp_path / "nowhere", dest, SPEC, manifest_path=manifest)


def test_a_zip_without_the_model_is_refused(tmp_path, manifest):
    archive = build_zip(tmp_path / "other.zip", {"something/else.txt": b"x"})
    with pytest.raises(ModelVerificationFailed, match="holds no am/final.mdl"):
        models.install(archive, tmp_path / "dest", SPEC, manifest_path=manifest)


def test_path_traversal_and_symlinks_in_a_zip_are_refused(tmp_path, manifest):
    evil = tmp_path / "evil.zip"
    build_zip(evil, FILES)
    with zipfile.ZipFile(evil, "a") as zf:
        zf.writestr("vosk-model-small-cn-0.22/../../escaped.txt", b"x")
    with pytest.raises(ModelInstallError, match="outside"):
        models.install(evil, tmp_path / "dest", SPEC, manifest_path=manifest)
    assert not (tmp_path / "escaped.txt").exists()

    linked = tmp_path / "link.zip"
    build_zip(linked, FILES)
    with zipfile.ZipFile(linked, "a") as zf:
        info = zipfile.ZipInfo("vosk-model-small-cn-0.22/conf/link")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(ModelInstallError, match="symbolic link"):
        models.install(linked, tmp_path / "dest2", SPEC, manifest_path=manifest)


def test_status_without_and_with_a_marker(tmp_path, manifest):
    dest = tmp_path / "m"
    assert models.status(dest, SPEC) == "missing"
    (dest / "am").mkdir(parents=True)
    (dest / "am" / "final.mdl").write_bytes(b"x")
    assert models.status(dest, SPEC) == "unverified"


def test_default_model_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("BUTLER_VOSK_MODEL_DIR", raising=False)
    monkeypatch.delenv("BUTLER_DATA_DIR", raising=False)
    assert models.default_model_dir() == Path(models.__file__).resolve().parents[1] / "var/models/vosk-small-cn"
    monkeypatch.setenv("BUTLER_DATA_DIR", str(tmp_path))
    assert models.default_model_dir() == tmp_path / "models/vosk-small-cn"
    monkeypatch.setenv("BUTLER_VOSK_MODEL_DIR", str(tmp_path / "elsewhere"))
    assert models.default_model_dir() == tmp_path / "elsewhere"


# -- the CLI ---------------------------------------------------------------------------------
runner = CliRunner()


def test_cli_fetch_verify_and_refuse(tmp_path, server, manifest):
    www, base = server
    build_zip(www / "model.zip", FILES)
    dest = tmp_path / "models" / "vosk-small-cn"
    args = ["--dir", str(dest), "--manifest", str(manifest)]
    result = runner.invoke(cli.app, ["fetch", "vosk-small-cn", "--url", f"{base}/model.zip", *args])
    assert result.exit_code == 0, result.output
    assert "Installed vosk-small-cn" in result.output and f"{len(FILES)} files verified" in result.output
    again = runner.invoke(cli.app, ["fetch", "vosk-small-cn", "--url", f"{base}/model.zip", *args])
    assert again.exit_code == 0 and "already installed" in again.output

    ok = runner.invoke(cli.app, ["verify-speech", "--no-load", *args])
    assert ok.exit_code == 0 and f"sha256 OK for {len(FILES)} files" in ok.output
    (dest / "graph/HCLr.fst").write_bytes(corrupted(FILES, "graph/HCLr.fst")["graph/HCLr.fst"])
    bad = runner.invoke(cli.app, ["verify-speech", "--no-load", *args])
    assert bad.exit_code == 1
    assert "wrong sha256: graph/HCLr.fst" in bad.output and "butler models fetch vosk-small-cn --force" in bad.output


def test_cli_install_offline_from_file_and_failures(tmp_path, manifest):
    good = build_zip(tmp_path / "vosk-model-small-cn-0.22.zip", FILES)
    bad = build_zip(tmp_path / "bad.zip", corrupted(FILES, "README"))
    dest = tmp_path / "m"
    args = ["--dir", str(dest), "--manifest", str(manifest)]
    failed = runner.invoke(cli.app, ["fetch", "--from-file", str(bad), *args])
    assert failed.exit_code == 1 and "wrong sha256: README" in failed.output and not dest.exists()
    assert runner.invoke(cli.app, ["fetch", "--from-file", str(good), *args]).exit_code == 0
    assert runner.invoke(cli.app, ["install", str(good), "--dir", str(tmp_path / "m2"), "--manifest",
                                   str(manifest)]).exit_code == 0
    missing = runner.invoke(cli.app, ["verify-speech", "--dir", str(tmp_path / "none")])
    assert missing.exit_code == 1 and "butler models fetch vosk-small-cn" in missing.output
    unknown = runner.invoke(cli.app, ["fetch", "whisper-large"])
    assert unknown.exit_code == 2 and "Unknown model" in unknown.output


def test_cli_merges_into_the_models_group_without_clashing():
    # How the lead mounts it: the speech commands join `butler models` next to the
    # embedding model's, and neither side's command is shadowed.
    from assistant.embeddings import cli as embeddings_cli

    ours = {c.name or c.callback.__name__ for c in cli.app.registered_commands}
    theirs = {c.name or c.callback.__name__.replace("_", "-") for c in embeddings_cli.app.registered_commands}
    assert ours == {"fetch", "install", "verify-speech"}
    assert not ours & theirs

    models_group = typer.Typer()
    for command in embeddings_cli.app.registered_commands:
        models_group.registered_commands.append(command)
    models_group.add_typer(cli.app)
    root = typer.Typer()
    root.add_typer(models_group, name="models")
    help_text = runner.invoke(root, ["models", "--help"]).output
    for name in ours | {"prepare", "verify"}:
        assert name in help_text
