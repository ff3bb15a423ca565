"""``butler kb``: build and search the policy knowledge base.

    butler kb ingest policy_kb/ [--kb DIR] [--replace]
    butler kb search "我今年刚满八十，社区能给啥补贴？"
    printf '问题一\\n问题二\\n' | butler kb search --jsonl --top-k 5
    butler kb info
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

app = typer.Typer(help="政策知识库 Policy knowledge base", no_args_is_help=True)
console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)

_STAGES = {"read": "读取文件 Reading files", "embed": "向量化 Embedding passages",
           "tokenise": "分词建索引 Tokenising for BM25"}


@app.callback()
def _logs_to_stderr() -> None:
    """Structured logs go to stderr, so that stdout carries only results (--jsonl)."""
    from assistant.logging import configure_logging
    from assistant.settings import get_settings

    configure_logging(get_settings())


def _kb_dir(kb: Path | None) -> Path:
    if kb is not None:
        return kb
    from assistant.settings import get_settings

    return get_settings().data_dir / "kb"


def _load_embedder():
    from assistant.embeddings.model import EmbeddingModelError
    from assistant.kb.service import default_embedder

    try:
        return default_embedder()
    except EmbeddingModelError as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc


@app.command()
def ingest(
    paths: list[Path] = typer.Argument(..., help="JSONL / Markdown / DOCX / PDF files or directories."),
    kb: Path = typer.Option(None, "--kb", help="Knowledge base directory (default: data_dir/kb)."),
    replace: bool = typer.Option(False, "--replace", help="Make these paths the whole knowledge base."),
) -> None:
    """Add or update policy documents; only new or changed passages are embedded, and
    the new index version replaces the old one atomically."""
    from assistant.kb.documents import KbFormatError
    from assistant.kb.ingest import ingest as run_ingest

    kb_dir = _kb_dir(kb)
    embedder = _load_embedder()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err_console, transient=False) as bar:
        tasks: dict[str, int] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(_STAGES.get(stage, stage), total=total or 1)
            bar.update(tasks[stage], completed=done if total else 1, total=total or 1)

        try:
            result = run_ingest(paths, kb_dir, embedder, replace=replace, progress=report)
        except KbFormatError as exc:
            err_console.print(f"[red]无法导入 Cannot ingest:[/red] {exc}")
            raise typer.Exit(1) from exc
    console.print(
        f"知识库 {kb_dir} 版本 {result.version}: {result.entries} 条 entries, {result.passages} passages "
        f"(新增 added {len(result.added)}, 更新 updated {len(result.updated)}, 删除 removed {len(result.removed)}, "
        f"未变 unchanged {result.unchanged}; embedded {result.embedded}, reused {result.reused}; "
        f"{result.seconds:.1f}s)")


@app.command()
def search(
    query: str = typer.Argument(None, help="A question (omit with --jsonl to read stdin)."),
    kb: Path = typer.Option(None, "--kb", help="Knowledge base directory (default: data_dir/kb)."),
    top_k: int = typer.Option(5, "--top-k", min=1, max=100),
    jsonl: bool = typer.Option(False, "--jsonl", help="Read one query per line on stdin; print JSON lines."),
) -> None:
    """Search the knowledge base (the model is loaded once for all queries)."""
    from assistant.kb.service import KnowledgeBase
    from assistant.kb.store import KbNotFound

    if not jsonl and not query:
        err_console.print("give a QUERY, or --jsonl to read queries from stdin")
        raise typer.Exit(2)
    knowledge_base = KnowledgeBase(_kb_dir(kb), embedder=_load_embedder())
    try:
        knowledge_base.version()
    except KbNotFound as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc

    if jsonl:
        out = sys.stdout
        for line in sys.stdin:
            text = line.rstrip("\n")
            if not text.strip():
                continue
            # A line may also be a JSON object {"query": ...} (as in bench files).
            if text.lstrip().startswith("{"):
                try:
                    text = str(json.loads(text).get("query", ""))
                except (json.JSONDecodeError, AttributeError):
                    pass
            response = knowledge_base.search(text, top_k=top_k)
            out.write(json.dumps(response.public(), ensure_ascii=False) + "\n")
            out.flush()
        return

    response = knowledge_base.search(query, top_k=top_k)
    verdict = "[green]可以回答 answerable[/green]" if response.answerable else "[yellow]知识库里没有 abstain[/yellow]"
    console.print(f"{verdict}  (confidence {response.confidence:.2f})")
    table = Table("#", "id", "score", "title", "source")
    for i, r in enumerate(response.results, 1):
        table.add_row(str(i), r.id, f"{r.score:.3f}", r.title, f"《{r.source}》" if r.source else "")
    console.print(table)
    if response.results and response.answerable:
        from assistant.kb.answer import compose_answer

        console.print(compose_answer(response.results[0]))


@app.command()
def info(kb: Path = typer.Option(None, "--kb", help="Knowledge base directory (default: data_dir/kb).")) -> None:
    """Show the live index version and its counts."""
    from assistant.kb import store

    kb_dir = _kb_dir(kb)
    try:
        version = store.current_version_dir(kb_dir)
    except store.KbNotFound as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    console.print_json(data={"kb": str(kb_dir), "version": version.name, **manifest})


@app.command()
def unanswered(all_: bool = typer.Option(False, "--all", help="include answered questions")) -> None:
    """Questions residents left for staff because the knowledge base had no answer."""
    from assistant.db import get_database
    from assistant.kb.unanswered import list_unanswered
    from assistant.privacy import mask_text

    table = Table("id", "resident", "question", "best guess", "status", "created")
    with get_database().session() as session:
        for row in list_unanswered(session, None if all_ else "open"):
            # Questions can carry phone numbers or names: masked on screen like in logs.
            table.add_row(str(row.id), row.sender_id, mask_text(row.question), row.best_guess or "-", row.status,
                          row.created_at.isoformat(timespec="minutes"))
    console.print(table)


@app.command()
def answered(question_id: int, note: str = typer.Option(None, "--note", help="what staff told the resident")) -> None:
    """Mark a left question as answered."""
    from assistant.db import get_database
    from assistant.kb.unanswered import mark_answered

    with get_database().session() as session:
        if mark_answered(session, question_id, note) is None:
            err_console.print(f"no unanswered question {question_id}")
            raise typer.Exit(1)
    console.print(f"question {question_id} answered")
