"""Operators' commands for speech models, mounted into ``butler models``:

    butler models fetch vosk-small-cn                 # download, verify, install
    butler models fetch vosk-small-cn --from-file vosk-model-small-cn-0.22.zip
    butler models install ~/vosk-model-small-cn-0.22  # a zip or a directory
    butler models verify-speech                       # hash every file again, load it

The target directory is ``--dir``, else ``BUTLER_VOSK_MODEL_DIR``, else
``$BUTLER_DATA_DIR/models/<name>`` (``var/models/vosk-small-cn``). The check is named
``verify-speech`` because ``butler models verify`` already checks the embedding model.
"""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

from voice import models
from voice.errors import VoiceError

app = typer.Typer(help="语音模型 Speech recognition models (vosk)", no_args_is_help=True)
console = Console(soft_wrap=True)

_NAME_HELP = f"Model name: {', '.join(models.MODELS)}."
_DIR_HELP = "Model directory (default: BUTLER_VOSK_MODEL_DIR, else $BUTLER_DATA_DIR/models/NAME)."


def _spec(name: str) -> models.ModelSpec:
    try:
        return models.MODELS[name]
    except KeyError:
        console.print(f"[red]未知模型 Unknown model {name!r}.[/red] Known: {', '.join(models.MODELS)}")
        raise typer.Exit(2) from None


def _done(report: models.VerifyReport, target: Path, spec: models.ModelSpec, started: float) -> None:
    console.print(f"已安装 Installed {spec.name} at {target}: {report.checked} files verified (sha256) "
                  f"in {time.perf_counter() - started:.1f} s.")
    if report.extra:
        console.print(f"[yellow]{len(report.extra)} file(s) not in the manifest were kept: "
                      f"{', '.join(report.extra[:5])}[/yellow]")


@app.command()
def fetch(
    name: str = typer.Argument("vosk-small-cn", help=_NAME_HELP),
    model_dir: Path = typer.Option(None, "--dir", help=_DIR_HELP),
    from_file: Path = typer.Option(None, "--from-file", help="Install this zip instead of downloading."),
    url: str = typer.Option(None, "--url", help="Download from this address (a mirror) instead."),
    force: bool = typer.Option(False, "--force", help="Install again even if a verified model is there."),
    manifest: Path = typer.Option(None, "--manifest", hidden=True, help="Verify against another manifest."),
) -> None:
    """Download a speech model (needs internet; or --from-file), verify every file, install it atomically."""
    spec = _spec(name)
    target = model_dir or models.default_model_dir(name)
    if not force and models.status(target, spec, manifest_path=manifest) == "installed":
        console.print(f"已安装 {spec.name} is already installed at {target} (use --force to reinstall; "
                      "`butler models verify-speech` re-checks it).")
        return
    started = time.perf_counter()
    try:
        if from_file is not None:
            report = models.install_from_zip(from_file, target, spec, manifest_path=manifest)
        else:
            console.print(f"下载 Downloading {url or spec.url} ({spec.about}, {spec.license})")
            with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeElapsedColumn(),
                          console=console) as bar:
                task = bar.add_task("download", total=spec.archive_size)

                def progress(done: int, total: int | None) -> None:
                    bar.update(task, completed=done, total=total)

                report = models.fetch(spec, target, url=url, progress=progress, manifest_path=manifest)
    except (VoiceError, OSError, ValueError) as error:
        console.print(f"[red]安装失败 Install failed:[/red] {getattr(error, 'message', error)}")
        raise typer.Exit(1) from None
    _done(report, target, spec, started)


@app.command()
def install(
    path: Path = typer.Argument(..., help="A model zip or an unpacked model directory."),
    name: str = typer.Option("vosk-small-cn", "--name", help=_NAME_HELP),
    model_dir: Path = typer.Option(None, "--dir", help=_DIR_HELP),
    manifest: Path = typer.Option(None, "--manifest", hidden=True, help="Verify against another manifest."),
) -> None:
    """Install a speech model the machine already has (offline), after verifying every file."""
    spec = _spec(name)
    target = model_dir or models.default_model_dir(name)
    started = time.perf_counter()
    try:
        report = models.install(path, target, spec, manifest_path=manifest)
    except (VoiceError, OSError, ValueError) as error:
        console.print(f"[red]安装失败 Install failed:[/red] {getattr(error, 'message', error)}")
        raise typer.Exit(1) from None
    _done(report, target, spec, started)


@app.command("verify-speech")
def verify_speech(
    name: str = typer.Argument("vosk-small-cn", help=_NAME_HELP),
    model_dir: Path = typer.Option(None, "--dir", help=_DIR_HELP),
    load: bool = typer.Option(True, "--load/--no-load", help="Also load the model with vosk."),
    manifest: Path = typer.Option(None, "--manifest", hidden=True, help="Verify against another manifest."),
) -> None:
    """Check every file of an installed speech model against the manifest (size, sha256)."""
    spec = _spec(name)
    target = model_dir or models.default_model_dir(name)
    if not target.is_dir():
        console.print(f"[red]语音模型未安装 No speech model at {target}.[/red] Install it with "
                      f"`butler models fetch {spec.name}` (or `butler models install ZIP` offline).")
        raise typer.Exit(1)
    try:
        report = models.verify(target, models.read_manifest(manifest or spec.manifest_path))
    except (OSError, ValueError) as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    if not report.ok:
        for problem in report.problems():
            console.print(f"[red]{problem}[/red]")
        console.print(f"语音模型文件不一致 The model differs from {spec.manifest}: reinstall it with "
                      f"`butler models fetch {spec.name} --force`.")
        raise typer.Exit(1)
    console.print(f"sha256 OK for {report.checked} files in {target}")
    if load:
        from voice.stt import load_model

        started = time.perf_counter()
        try:
            load_model(target)
        except VoiceError as error:
            console.print(f"[red]{error.message}[/red]")
            raise typer.Exit(1) from None
        console.print(f"vosk loads it in {time.perf_counter() - started:.1f} s")
