"""`make bench-chat`: /api/v1/chat latency beside Rasa's own REST channel, in one run.

Starts the real butler with bench/stack.py (supervisor: Rasa, action server, gateway)
on free loopback ports with a fresh data dir, then sends the same conversations through both paths,
alternating them so both see the same machine load. Reports p50/p95 for 1 and 10
concurrent senders and the gateway's overhead. Writes bench/results/chat.json|md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import time
from pathlib import Path

import httpx

from assistant.settings import PROJECT_ROOT
from stack import NO_CHAT_LIMITS, Stack  # bench/stack.py (the script's own directory is on sys.path)

# A short conversation mixing responses and custom actions (repeat, hand-off).
CONVERSATION = ["你好", "你能帮我干啥", "再说一遍", "谢谢", "我要找工作人员", "再见"]



def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


async def one_sender(client: httpx.AsyncClient, path: str, url: str, chat_key: str, sender: str, rounds: int,
                     latencies: list[float]) -> None:
    for r in range(rounds):
        for text in CONVERSATION:
            if path == "gateway":
                body = {"sender_id": f"{sender}-{r}", "text": text}
            else:  # the same namespacing the gateway applies, in its own namespace
                body = {"sender": f"rasa-direct:{sender}-{r}", "message": text}
            start = time.perf_counter()
            headers = {"Authorization": f"Bearer {chat_key}"} if path == "gateway" else {}
            resp = await client.post(url, json=body, headers=headers)
            latencies.append((time.perf_counter() - start) * 1000)
            resp.raise_for_status()


async def measure(gateway: str, rasa: str, chat_key: str, senders: int, rounds: int) -> dict:
    results: dict[str, list[float]] = {"gateway": [], "rasa_rest": []}
    urls = {"gateway": f"{gateway}/api/v1/chat", "rasa_rest": f"{rasa}/webhooks/rest/webhook"}
    async with httpx.AsyncClient(timeout=120, limits=httpx.Limits(max_connections=64)) as client:
        # Alternate whole blocks so both paths see the same load over time.
        for block in range(2):
            for path in (("gateway", "rasa_rest") if block % 2 == 0 else ("rasa_rest", "gateway")):
                await asyncio.gather(*[
                    one_sender(client, path, urls[path], chat_key, f"b{senders}-{block}-{i}", rounds, results[path])
                    for i in range(senders)])
    summary = {}
    for path, values in results.items():
        summary[path] = {"n": len(values), "p50_ms": round(statistics.median(values), 1),
                         "p95_ms": round(percentile(values, 95), 1), "mean_ms": round(statistics.fmean(values), 1)}
    summary["overhead_p50_pct"] = round(100 * (summary["gateway"]["p50_ms"] / summary["rasa_rest"]["p50_ms"] - 1), 1)
    summary["overhead_p95_pct"] = round(100 * (summary["gateway"]["p95_ms"] / summary["rasa_rest"]["p95_ms"] - 1), 1)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=str(PROJECT_ROOT / "models" / "butler.tar.gz"))
    parser.add_argument("--rounds", type=int, default=5, help="conversations per sender per block")
    args = parser.parse_args()

    started = time.monotonic()
    # The benchmark speaks as a trusted integration (docs/identity.md), one sender per
    # resident; latency, not abuse limits, is measured here.
    with Stack(Path(args.model), prefix="butler-bench-", extra_env=NO_CHAT_LIMITS) as stack:
        ready_s = time.monotonic() - started
        gateway, rasa, key = stack.gateway_url, stack.rasa_url, stack.chat_key
        asyncio.run(measure(gateway, rasa, key, 2, 1))  # warm-up
        report = {"machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores",
                  "ready_seconds": round(ready_s, 1), "conversation": CONVERSATION,
                  "concurrency": {}}
        for senders in (1, 10):
            report["concurrency"][str(senders)] = asyncio.run(measure(gateway, rasa, key, senders, args.rounds))

    out = PROJECT_ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "chat.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    lines = ["# Chat latency: gateway vs Rasa's REST channel", "",
             f"Machine: {report['machine']}. Stack ready after {report['ready_seconds']} s.", "",
             "| senders | path | n | p50 ms | p95 ms | mean ms |", "|---|---|---|---|---|---|"]
    for senders, summary in report["concurrency"].items():
        for path in ("gateway", "rasa_rest"):
            s = summary[path]
            lines.append(f"| {senders} | {path} | {s['n']} | {s['p50_ms']} | {s['p95_ms']} | {s['mean_ms']} |")
        lines.append(f"| {senders} | overhead | | {summary['overhead_p50_pct']}% | {summary['overhead_p95_pct']}% | |")
    (out / "chat.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
