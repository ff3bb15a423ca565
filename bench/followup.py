"""Follow-up or new question: accuracy of the knowledge base's decision.

Each line of the set is {"previous": a question the butler answered, "text": the
resident's next question, "label": "follow_up" | "new"}. The previous question is
answered with the real model and the live index (its entry becomes the entry under
discussion, as the dialogue's ``policy_topic`` slot carries it); then the next
question is decided with ``decide_follow_up`` exactly as ``answer_policy_question``
does. Also reported: for "new" lines, whether the full answer moves off the entry
under discussion (the bug of issue #11: 居住证怎么办 after a 医保 answer).

    .venv/bin/python bench/followup.py bench/followup_dev.jsonl [--kb var/kb] [--errors]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.kb.answer import answer_policy_question  # noqa: E402
from assistant.kb.followup import decide_follow_up  # noqa: E402
from assistant.kb.service import KnowledgeBase  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--kb", type=Path, default=ROOT / "var" / "kb")
    parser.add_argument("--errors", action="store_true", help="list the lines decided wrongly")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.file.read_text(encoding="utf-8").splitlines() if line.strip()]
    kb = KnowledgeBase(args.kb)
    counts = {"follow_up": [0, 0], "new": [0, 0]}
    moved = [0, 0]
    errors = []
    skipped = 0
    started = time.perf_counter()
    for row in rows:
        previous = answer_policy_question(row["previous"], kb=kb)
        current_id = previous.follow_up or (previous.choices[0][0] if previous.choices else None)
        current = kb.entry(current_id) if current_id else None
        if current is None:
            skipped += 1
            errors.append((row, "previous question not answered"))
            continue
        decision = decide_follow_up(row["text"], current, kb.search(row["text"], top_k=5))
        predicted = "follow_up" if decision.follow_up else "new"
        label = row["label"]
        counts[label][1] += 1
        if predicted == label:
            counts[label][0] += 1
        else:
            errors.append((row, f"{predicted} ({decision.reason}, current {current.id}, better {decision.better})"))
        if label == "new":
            answer = answer_policy_question(row["text"], current.id, kb=kb)
            moved[1] += 1
            moved[0] += answer.entry_id != current.id
    total = sum(c[1] for c in counts.values())
    correct = sum(c[0] for c in counts.values())
    print(f"file: {args.file}  lines: {len(rows)}  scored: {total}  skipped: {skipped}")
    print(f"accuracy: {correct}/{total} = {correct / max(total, 1):.3f}")
    for label, (ok, n) in counts.items():
        print(f"  {label}: {ok}/{n} = {ok / max(n, 1):.3f} (recall)")
    print(f"new questions whose answer left the entry under discussion: {moved[0]}/{moved[1]}")
    print(f"seconds: {time.perf_counter() - started:.1f}")
    if args.errors:
        for row, why in errors:
            print(f"  WRONG {row['previous']} -> {row['text']} [{row['label']}] predicted {why}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
