"""``butler sentiment``: sentiment and urgency of a text, or of every line of stdin."""

from __future__ import annotations

import io
import json
import sys

import typer


def _answer_line(text: str) -> None:
    # One line in, one line out, flushed: a caller may feed the pipe line by line
    # and wait for each answer (a text costs a few milliseconds).
    from assistant.tickets.sentiment import assess_urgency, score_sentiment

    sentiment = score_sentiment(text)
    urgency = assess_urgency(text, sentiment)
    sys.stdout.write(json.dumps({"label": sentiment.label, "score": sentiment.score,
                                 "urgency": urgency.level}, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def command(
    text: str = typer.Argument(None, help="要分析的文字（不用 --jsonl 时）"),
    jsonl: bool = typer.Option(False, "--jsonl", help="从标准输入逐行读取，每行输出一个 JSON 对象"),
) -> None:
    """情绪与紧急程度：score [-1, 1]、label（negative/neutral/positive）、urgency。"""
    from assistant.tickets.sentiment import assess_urgency, load_model, score_sentiment

    load_model()  # once, before the first line
    if jsonl:
        # Undecodable bytes become U+FFFD rather than a traceback halfway through a file.
        lines = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
        for line in lines:
            _answer_line(line.rstrip("\r\n"))
        return
    if text is None or not text.strip():
        typer.echo("请输入要分析的文字，或用 --jsonl 从标准输入读取。", err=True)
        raise typer.Exit(2)
    sentiment = score_sentiment(text)
    urgency = assess_urgency(text, sentiment)
    labels = {"negative": "负面", "neutral": "中性", "positive": "正面"}
    levels = {"normal": "一般", "urgent": "紧急", "emergency": "特急"}
    typer.echo(f"情绪：{labels[sentiment.label]}（{sentiment.score:+.2f}）")
    typer.echo(f"紧急程度：{levels[urgency.level]}（{urgency.level}）")
    cues = sentiment.cues + [c for c in urgency.cues if c not in sentiment.cues]
    typer.echo("依据：" + ("；".join(cues) if cues else "无明显线索"))
