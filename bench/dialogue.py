"""`make bench-dialogue`: the conversation corpus against the real butler.

Runs every conversation of each corpus directory (tests/conversations/dev, and
tests/conversations/blind once it exists; format in tests/conversations/README.md)
through /api/v1/chat, one sender id per conversation, and checks the replies and the
goal against the system's real state (staff API). Reports per corpus: the share of
conversations that reach their goal, the share that also passed every reply check,
the mean resident turns to goal, and every failure with its transcript. Writes
bench/results/dialogue.md and .json.

Without --url it starts the butler itself with bench/stack.py, as tests/e2e/conftest.py
does (the project's supervisor, free loopback ports, a fresh data directory, the sample
policy corpus ingested); with --url it uses a running one (staff sign-in with
--user/--password).

--write-stories DIR keeps, for each conversation that passed and whose turns all
reached Rasa unchanged, Rasa's own story of it (GET /conversations/<id>/story) as a
test story for `rasa test` (tests/rasa/conversations/).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import httpx
import typer
import yaml

from assistant.clock import Clock
from assistant.settings import PROJECT_ROOT
from stack import NO_CHAT_LIMITS, Stack  # bench/stack.py (the script's own directory is on sys.path)

sys.path.insert(0, str(PROJECT_ROOT / "tests"))
from conversations.corpus import HERE, Conversation, Result, Runner, StaffApi, load_corpus  # noqa: E402

RESULTS = PROJECT_ROOT / "bench" / "results"
app = typer.Typer(add_completion=False, help=__doc__.split("\n\n")[0])


def summarise(name: str, results: list[Result]) -> dict:
    reached = [r for r in results if r.goal_reached]
    turns = [r.turns_to_goal for r in reached if r.turns_to_goal is not None]
    return {
        "corpus": name,
        "conversations": len(results),
        "goal_reached": len(reached),
        "goal_rate": round(len(reached) / len(results), 4) if results else None,
        "passed_all_checks": sum(r.passed for r in results),
        "pass_rate": round(sum(r.passed for r in results) / len(results), 4) if results else None,
        "mean_turns_to_goal": round(statistics.mean(turns), 2) if turns else None,
        "mean_turns_scripted": round(statistics.mean(r.conversation.says for r in results), 2) if results else None,
        "by_kind": {kind: {"conversations": len(rs), "goal_reached": sum(r.goal_reached for r in rs),
                           "passed": sum(r.passed for r in rs)}
                    for kind in sorted({r.conversation.kind for r in results})
                    for rs in [[r for r in results if r.conversation.kind == kind]]},
        "failures": [{"id": r.conversation.id, "kind": r.conversation.kind, "goal_reached": r.goal_reached,
                      "goal_problems": r.goal_problems, "reply_problems": r.reply_problems, "error": r.error,
                      "transcript": r.transcript()} for r in results if not r.passed],
        "seconds": round(sum(r.seconds for r in results), 1),
    }


def markdown(summaries: list[dict], meta: dict) -> str:
    out = ["# Dialogue corpus: goal rate and turns to goal", "",
           f"Command: `{meta['command']}`  ", f"Model: `{meta['model']}` · commit `{meta['commit']}` · "
           f"run {meta['finished']} · servers' clock {meta['servers_now']}", "",
           "A conversation **reaches its goal** when the system's state at its end is what the script says "
           "(bookings, tickets, hand-offs through the staff API). **Passed** also needs every reply check "
           "(words the butler must or must not say). **Turns to goal**: resident messages until the goal held "
           "for good (a goal of absences — nothing booked, nothing filed — counts every turn).", "",
           "| corpus | conversations | goal reached | goal rate | passed all checks | mean turns to goal | "
           "scripted turns (mean) |", "|---|---|---|---|---|---|---|"]
    for s in summaries:
        out.append(f"| {s['corpus']} | {s['conversations']} | {s['goal_reached']} | {s['goal_rate']:.1%} | "
                   f"{s['passed_all_checks']} ({s['pass_rate']:.1%}) | {s['mean_turns_to_goal']} | "
                   f"{s['mean_turns_scripted']} |")
    for s in summaries:
        out += ["", f"## {s['corpus']} by kind", "", "| kind | conversations | goal reached | passed |",
                "|---|---|---|---|"]
        out += [f"| {k} | {v['conversations']} | {v['goal_reached']} | {v['passed']} |" for k, v in s["by_kind"].items()]
        if s["failures"]:
            out += ["", f"### {s['corpus']}: failures ({len(s['failures'])})", ""]
            for f in s["failures"]:
                out += [f"#### {f['kind']}/{f['id']} — goal {'reached' if f['goal_reached'] else 'NOT reached'}",
                        "", "```text", f["transcript"], "```", ""]
    return "\n".join(out) + "\n"


def story_for(http: httpx.Client, rasa_url: str, rasa_token: str | None, result: Result) -> str | None:
    """Rasa's story of a conversation that passed, as a test story; None when the
    conversion is not sound (a turn never reached Rasa, or reached it as other words).

    A turn the gateway turned into a button's payload (对 -> /affirm, 第一个 -> the
    first button) becomes an intent-only step: the policy is still checked on it, the
    choice itself only end to end."""
    conv = result.conversation
    if not (result.passed and conv.rasa_story):
        return None
    resp = http.get(f"{rasa_url}/conversations/{result.sender}/story", params={"token": rasa_token} if rasa_token else None)
    if resp.status_code != 200:
        return None
    data = yaml.safe_load(resp.text) or {}
    steps = [s for story in data.get("stories") or [] for s in story.get("steps", [])]
    said = [e.say for e in result.exchanges if e.say is not None]
    users = [s for s in steps if "user" in s]
    if len(users) != len(said):
        return None  # a turn was answered before Rasa (or Rasa saw more than the script)
    for step, text in zip(users, said, strict=True):
        written = str(step["user"]).strip()
        if written.startswith("/"):
            del step["user"]  # the gateway's payload: an intent-only step
        elif _plain(written) != text:
            return None
    # The safety net's verdict rides on every message's metadata; it is not dialogue.
    steps = [s for s in steps if not (set(s) == {"slot_was_set"} and all(
        set(x) == {"session_started_metadata"} for x in s["slot_was_set"]))]
    story = {"story": f"{conv.kind}/{conv.id}: {conv.about}", "steps": steps}
    return yaml.safe_dump({"version": "3.1", "stories": [story]}, allow_unicode=True, sort_keys=False, width=1000)


def _plain(annotated: str) -> str:
    """'[明天]{"entity": "time"}下午' -> '明天下午' (Rasa's entity annotation removed)."""
    import re

    return re.sub(r"\[([^\]]*)\]\{[^}]*\}", r"\1", re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", str(annotated))).strip()


@app.command()
def main(
    corpus: Annotated[list[Path] | None, typer.Option(help="corpus directories (default: dev, and blind if present)")] = None,
    url: Annotated[str | None, typer.Option(help="a running butler's gateway; default: start one")] = None,
    rasa_url: Annotated[str | None, typer.Option(help="its Rasa server (for --write-stories with --url)")] = None,
    rasa_token: Annotated[str | None, typer.Option(help="its Rasa API token (--auth-token), with --url")] = None,
    chat_key: Annotated[str | None, typer.Option(help="speak as a trusted integration (BUTLER_CHAT_API_KEY entry)"
                                                      "; default: one fresh resident session per conversation")] = None,
    user: Annotated[str, typer.Option(help="staff user with the admin role (with --url)")] = "admin",
    password: Annotated[str, typer.Option(help="its password (with --url)")] = "admin-password-1",
    model: Annotated[Path, typer.Option(help="Rasa model when starting the butler")] = Path(
        os.environ.get("BUTLER_TEST_RASA_MODEL", PROJECT_ROOT / "models" / "butler.tar.gz")),
    only: Annotated[list[str] | None, typer.Option(help="run only these conversation ids (or kinds)")] = None,
    out: Annotated[Path, typer.Option(help="results file stem (.md and .json)")] = RESULTS / "dialogue",
    write_stories: Annotated[Path | None, typer.Option(help="write Rasa test stories of sound, passed conversations here")] = None,
    transcripts: Annotated[bool, typer.Option(help="print every transcript, not only failures")] = False,
) -> None:
    dirs = [d.resolve() for d in corpus] if corpus else [
        d for d in (HERE / "dev", HERE / "blind") if d.is_dir() and any(d.glob("*.y*ml"))]
    sets: dict[str, list[Conversation]] = {}
    for d in dirs:
        convs = load_corpus(d)
        if only:
            convs = [c for c in convs if c.id in only or c.kind in only or Path(c.file).stem in only]
        sets[d.name] = convs
    started = None
    if url is None:
        if not model.exists():
            raise typer.BadParameter(f"no Rasa model at {model}")
        typer.echo(f"starting the butler with {model} ...", err=True)
        # One client sends every conversation: the abuse limits are not under test.
        started = Stack(model, prefix="bench-dialogue-", extra_env=NO_CHAT_LIMITS)
        url, rasa_url, local_now = started.gateway_url, started.rasa_url, started.clock.local_now
        rasa_token = started.rasa_token
    else:
        local_now = Clock().local_now
    t0 = time.perf_counter()
    summaries = []
    try:
        with httpx.Client(timeout=180) as http:
            resp = http.post(f"{url}/api/v1/auth/token", json={"username": user, "password": password})
            resp.raise_for_status()
            runner = Runner(http=http, gateway_url=url, staff=StaffApi(http, url, resp.json()["access_token"]),
                            local_now=local_now, chat_key=chat_key)
            servers_now = local_now().isoformat(timespec="seconds")
            for name, convs in sets.items():
                results = []
                for conv in convs:
                    result = runner.run(conv)
                    results.append(result)
                    mark = "PASS" if result.passed else ("goal" if result.goal_reached else "FAIL")
                    typer.echo(f"{mark:4} {name}/{conv.kind}/{conv.id} ({result.seconds:.0f}s)", err=True)
                    if transcripts or not result.passed:
                        typer.echo(result.transcript() + "\n", err=True)
                    if write_stories and rasa_url:
                        story = story_for(http, rasa_url, rasa_token, result)
                        target = write_stories / f"{name}-{conv.kind}-{conv.id}.yml"
                        if story:
                            write_stories.mkdir(parents=True, exist_ok=True)
                            header = (f"# Generated by bench/dialogue.py --write-stories from "
                                      f"{Path(conv.file).relative_to(PROJECT_ROOT)} ({conv.id}); Rasa's own story "
                                      f"of the run that passed.\n")
                            target.write_text(header + story, encoding="utf-8")
                summaries.append(summarise(name, results))
    finally:
        if started:
            started.stop()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True,
                            text=True).stdout.strip()
    meta = {"command": "bench/dialogue.py " + " ".join(sys.argv[1:]), "model": str(model) if started else url,
            "commit": commit, "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            "servers_now": servers_now, "wall_seconds": round(time.perf_counter() - t0, 1),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared)"}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps({"meta": meta, "corpora": summaries}, ensure_ascii=False, indent=2),
                                        encoding="utf-8")
    out.with_suffix(".md").write_text(markdown(summaries, meta), encoding="utf-8")
    for s in summaries:
        typer.echo(f"{s['corpus']}: goal {s['goal_reached']}/{s['conversations']} ({s['goal_rate']:.1%}), "
                   f"all checks {s['passed_all_checks']}, mean turns to goal {s['mean_turns_to_goal']}")


if __name__ == "__main__":
    app()
