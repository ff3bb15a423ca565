"""NLU benchmark (`make bench-nlu`): score a trained Rasa model on held-out sets.

Run with the Rasa venv (Python 3.10):

    .venv-rasa/bin/python bench/nlu.py --model /tmp/nlu-models/nlu.tar.gz \\
        [--set NAME=PATH --label NAME=blind ...] [--emergency NAME=PATH --label NAME=blind ...]

The model is loaded in-process with ``rasa.core.agent.Agent`` (the same NLU
pipeline ``rasa run`` serves behind ``/model/parse``), so latency figures are the
pipeline's own, without HTTP. Inputs:

- ``bench/nlu_dev.yml``: held-out examples in Rasa's format, never trained on
  (``rasa train`` reads ``nlu_data/`` only); the main section of the report;
- ``bench/nlu_ood.txt``: out-of-domain requests, one per line;
- more intent sets, each reported in its own section with its provenance:
  the ones in ``DEFAULT_SETS`` (when the file exists) and every ``--set NAME=PATH``.
  A set is Rasa YAML (``.yml``; an example's ``metadata: {register: ...}`` gives
  per-register figures) or JSON lines (``{"text", "intent", "service_type"?,
  "register"?}``);
- emergency sets (``DEFAULT_EMERGENCY_SETS`` and ``--emergency NAME=PATH``, JSON lines ``{"text", "emergency":
  bool, "kind"?, "register"?}``): recall and false alarms of the classifier
  (intent ``emergency``) and of the safety net combined with it.

Every extra set carries a provenance label, written into the results:
``tuned`` (decisions were made looking at it), ``untouched`` (never used for a
decision, but not written blind to the design) or ``blind`` (written by others
after the design, never looked at). Lines of ``untouched`` and ``blind`` sets are
never written to the results (only counts and confusions), so they stay unseen.

Reports per-intent precision/recall/F1 and macro-F1, ``service_type`` value
accuracy (after synonym mapping), out-of-scope precision and recall, the share of
OOD lines routed to a task intent, and parse latency p50/p95. Writes
``bench/results/nlu.json`` and ``bench/results/nlu.md``.

Scoring convention: ``nlu_fallback`` (FallbackClassifier, confidence below the
threshold) is scored as ``out_of_scope``, because the dialogue answers both
with "I can't do that / here is what I can do"; the strict figure, which counts
every fallback as wrong, is reported beside it.

The safety net (``assistant.safety.assess``) lives in the application venv
(Python 3.11): the emergency section asks it through a subprocess of
``.venv/bin/python`` (``--app-python``), one JSON line per text.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parents[1]
# The model names the project's own components (nlu_components.*): import them
# from the repo whatever the working directory.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
TASK_INTENTS = (
    "ask_policy", "book_service", "cancel_booking", "query_booking", "file_complaint",
    "check_ticket", "emergency", "checkin", "request_human", "reschedule_booking",
)
NOT_UNDERSTOOD = ("out_of_scope", "nlu_fallback")
PROVENANCE = {  # the labels of bench/README.md, plus blind
    "fitted": "a model was trained on it",
    "tuned": "decisions were made looking at it",
    "decided": "a design decision was taken from its figures",
    "untouched": "only reported: never used for a decision (not necessarily written blind to the design)",
    "blind": "written by others without seeing the code or the training data, never looked at",
}
# Sets scored by default when their file exists (more with --set / --emergency).
DEFAULT_SETS: list[dict[str, str]] = [
    {
        "name": "colloquial_dev",
        "path": "bench/nlu_colloquial_dev.yml",
        "label": "tuned",
        "note": "colloquial registers, written by a separate helper for issue #10 as a tuning set; "
                "the training data was grown while looking at its errors",
    },
    {
        "name": "fresh",
        "path": "bench/nlu_fresh.yml",
        "label": "untouched",
        "note": "275 lines written on 2026-12-05 before any change of issue #10, by a helper who saw only "
                "policy_kb/, domain/core.yml and the catalogue (398a635); only reported",
    },
    {
        "name": "blind2",
        "path": "bench/nlu_blind2.yml",
        "label": "tuned",
        "note": "360 lines (18 intents x 20), written for issue #10 without seeing code or data (87c3082); "
                "measured once on 2026-12-05 (macro-F1 0.939, bench/results/nlu.md at 991705b), then copied "
                "into the training data (nlu_data/nlu/residents_blind2.yml): no longer evidence",
    },
    {
        "name": "blind3",
        "path": "bench/nlu_blind3.yml",
        "label": "tuned",
        "note": "495 lines (18 intents, 75 service labels), written on 2026-12-05 after the second round of "
                "issue #10's design, without seeing code or data (bb04dfe, bench/nlu_blind3.md); measured once "
                "with that round's final model (macro-F1 0.940, service_type 0.893, aaf1562), then its errors "
                "were read for the third round: no longer evidence",
    },
    {
        "name": "blind4",
        "path": "bench/nlu_blind4.yml",
        "label": "tuned",
        "note": "563 lines (19 intents, 112 service labels, 85 of them everyday words), written on 2026-12-05 "
                "during issue #10's third round by a helper who saw no code and no data (12b4325, "
                "bench/blind4.md); measured once with that round's final model (macro-F1 0.913, service_type "
                "0.909, 2db67e0), then read in the fourth round: no longer evidence",
    },
    {
        "name": "blind5",
        "path": "bench/nlu_blind5.yml",
        "label": "blind",
        "note": "470 lines (19 intents, 95 service labels), written on 2026-12-05 during issue #10's fourth "
                "round by a helper who saw no code and no data (a861792, bench/blind5.md); measured once, "
                "at the end",
    },
    {
        "name": "blind6",
        "path": "bench/nlu_blind6.yml",
        "label": "blind",
        "note": "written on 2026-12-05 during issue #10's fifth round by a helper who saw no code and no data "
                "(bench/blind6.md); measured once, at the end",
    },
    {
        "name": "blind7",
        "path": "bench/nlu_blind7.yml",
        "label": "tuned",
        "note": "442 lines (19 intents), written on 2026-12-05 in the session after the fifth round by a helper "
                "who saw only its brief (252c731, bench/blind7.md); measured once at the sixth round's end "
                "(macro-F1 0.927, service_type 0.687), then its errors were read for training data and service "
                "names: no longer evidence",
    },
    {
        "name": "blind8",
        "path": "bench/nlu_blind8.yml",
        "label": "tuned",
        "note": "433 lines (19 intents, service_type over the ten catalogue services), written on 2026-12-05 "
                "during the seventh round by a helper who saw only its brief (e70bac8, bench/blind8.md); "
                "measured once at the seventh round's end (macro-F1 0.897, 0.900 with the vote; service_type "
                "0.949; 16f3cfb), then its errors were read for round 8's training data: no longer evidence",
    },
    {
        "name": "blind9",
        "path": "bench/nlu_blind9.yml",
        "label": "tuned",
        "note": "483 lines (19 intents, service_type over the ten catalogue services), written on 2026-12-05 "
                "by a helper who saw only its brief (e20ee0e, bench/blind9.md), while round 9 of the NLU data "
                "and of the safety net was designed without it; measured once at round 9's end (macro-F1 0.935, "
                "0.937 with the vote; service_type 0.966; 07d64c6), then its errors were read for round 10's "
                "training data: no longer evidence",
    },
    {
        "name": "blind10",
        "path": "bench/nlu_blind10.yml",
        "label": "tuned",
        "note": "543 lines (19 intents, service_type over the ten catalogue services), written on 2026-12-05 "
                "by a helper who saw only its brief (4c19199, bench/blind10.md) while round 10 was designed "
                "on set 9; measured once at round 10's end (macro-F1 0.943, 0.951 with the vote; service_type "
                "0.973), then round 11 was tuned on its errors",
    },
    {
        "name": "blind11",
        "path": "bench/nlu_blind11.yml",
        "label": "tuned",
        "note": "525 lines (19 intents, service_type over the ten catalogue services), written on 2026-12-06 "
                "by a helper who saw only its brief (bc00d36, bench/blind11.md) while round 11 was tuned on set 10; "
                "measured once at round 11's end (macro-F1 0.931, 0.934 with the vote; service_type 0.971), then "
                "round 12 was tuned on its errors",
    },
    {
        "name": "blind12",
        "path": "bench/nlu_blind12.yml",
        "label": "tuned",
        "note": "627 lines (19 intents, service_type over the ten catalogue services), written on 2026-12-06 "
                "by a helper who saw only its brief (cc03cd7, bench/nlu_blind12.md) while round 12 was tuned "
                "on set 11; measured once at round 12's end (ca49311: macro-F1 0.905, 0.909 with the vote; "
                "service_type 0.946), then round 13 was tuned on its errors",
    },
    {
        "name": "blind13",
        "path": "bench/nlu_blind13.yml",
        "label": "tuned",
        "note": "672 lines (19 intents, service_type over the ten catalogue services), written on 2026-12-06 "
                "by a helper who saw only its brief (052b1b2, bench/nlu_blind13.md) while round 13 was tuned "
                "on set 12; measured once at round 13's end (82125c7: macro-F1 0.907, 0.913 with the vote; "
                "service_type 0.911; 0.878 on the 555 lines not in the training data word for word), then round 14 was tuned on its errors",
    },
    {
        "name": "blind14",
        "path": "bench/nlu_blind14.yml",
        "label": "tuned",
        "note": "709 lines (19 intents, 132 service_type spans over the ten catalogue services), written on "
                "2026-12-06 by a helper who saw only its brief (eaf6d97, bench/nlu_blind14.md) while round 14 "
                "was tuned on set 13; measured once at round 14's end (d59506d: macro-F1 0.931, 0.936 with the vote; "
                "service_type 0.922; 0.892 on the 550 lines not in the training data word for word), then round 15 was tuned on its errors",
    },
    {
        "name": "blind15",
        "path": "bench/nlu_blind15.yml",
        "label": "tuned",
        "note": "737 lines (19 intents, 133 service_type spans over the ten catalogue services), written on "
                "2026-12-06 by a helper who saw only its brief (6f3344a, bench/nlu_blind15.md) while round 15 "
                "was tuned on set 14; measured once at round 15's end (9ef8c17: macro-F1 0.911, 0.917 with the "
                "vote; service_type 0.962; 0.886 on the 596 lines not in the training data word for word), then round 16 was tuned on its errors",
    },
    {
        "name": "blind16",
        "path": "bench/nlu_blind16.yml",
        "label": "tuned",
        "note": "749 lines (19 intents, 130 service_type spans over the ten catalogue services), written on "
                "2026-12-06 by a helper who saw only its brief (872e023, bench/nlu_blind16.md) while round 16 "
                "was tuned on set 15; measured once at round 16's end (04a5aa7: macro-F1 0.925, 0.929 with the "
                "vote; service_type 0.962; 0.903 on the 601 lines not in the training data word for word), then round 17 was tuned on its errors",
    },
    {
        "name": "blind17",
        "path": "bench/nlu_blind17.yml",
        "label": "tuned",
        "note": "748 lines (19 intents, 131 service_type spans over the ten catalogue services), written on "
                "2026-12-07 by a helper who saw only its brief (b7f3fc4, bench/nlu_blind17.md) while round 17 "
                "was tuned on set 16; measured once at round 17's end (8ce2c20: macro-F1 0.926, 0.930 with the "
                "vote; service_type 0.931; 0.898 on the 612 lines not in the training data word for word), then round 18 was tuned on its errors",
    },
    {
        "name": "blind18",
        "path": "bench/nlu_blind18.yml",
        "label": "tuned",
        "note": "748 lines (19 intents, 130 service_type spans over the ten catalogue services), written on "
                "2026-12-07 by a helper who saw only its brief (18e3bc8, bench/nlu_blind18.md) while round 20 "
                "was tuned on set 17; measured once at round 20's end (e6a3ec6: macro-F1 0.926, 0.935 with the "
                "vote; service_type 0.961), then declared tuned for round 21 (whose NLU data did not change)",
    },
    {
        "name": "blind19",
        "path": "bench/nlu_blind19.yml",
        "label": "tuned",
        "note": "748 lines (19 intents, 130 service_type spans over the ten catalogue services), written on "
                "2026-12-07 by a helper who saw only its brief (61a4c0a, bench/nlu_blind19.md) while round 21 "
                "was tuned on set 18; measured once at round 21's end (850f471, with the NLU data unchanged since "
                "round 20: macro-F1 0.908, 0.912 with the vote; service_type 0.907), then round 22 was tuned on its errors",
    },
    {
        "name": "blind21",
        "path": "bench/nlu_blind21.yml",
        "label": "blind",
        "note": "748 lines (19 intents, 129 service_type spans over the ten catalogue services), written on "
                "2026-12-07 by a helper who saw only its brief (6d7b959, bench/nlu_blind21.md) while round 23 "
                "was tuned on set 20; measured once at round 23's end (5c48d53, the NLU data unchanged since "
                "round 20: macro-F1 0.926, 0.927 with the vote; service_type 0.969)",
    },
    {
        "name": "blind20",
        "path": "bench/nlu_blind20.yml",
        "label": "tuned",
        "note": "748 lines (19 intents, 129 service_type spans over the ten catalogue services), written on "
                "2026-12-07 by a helper who saw only its brief (24af6ae, bench/nlu_blind20.md) while round 22 "
                "was tuned on set 19; measured once at round 22's end (d38752b, the NLU data unchanged since "
                "round 20: macro-F1 0.921, 0.928 with the vote; service_type 0.938), then round 23 was tuned on its errors",
    },
    {
        "name": "blind_2026_11",
        "path": "bench/nlu_blind.yml",
        "label": "untouched",
        "note": "written by the first NLU author in the same commit as training data (75d0754); its header "
                "says it was scored once at the end, and its first figure (README 0.940, 110160c) came after "
                "the last data commit of that day, which agrees; not blind (same author as the training "
                "data). Not opened since.",
    },
]
DEFAULT_EMERGENCY_SETS: list[dict[str, str]] = [
    {
        "name": "emergency_dev",
        "path": "bench/emergency_dev.jsonl",
        "label": "tuned",
        "note": "hand-written tuning set for the safety net (bench/DEV_SETS.md); the NLU emergency examples "
                "were also grown while looking at its misses",
    },
    {
        "name": "emergency_blind",
        "path": "bench/emergency_blind.jsonl",
        "label": "tuned",
        "note": "540 lines (180 emergencies, 360 look-alikes) written without seeing code or data "
                "(a9892b4, bench/emergency_blind.md); measured once on 2026-12-05 (net 0.922 / 4.2 %), then "
                "the net's rules were tuned on its errors and its lines train the n-gram second opinion",
    },
    {
        "name": "emergency_blind3",
        "path": "bench/emergency_blind3.jsonl",
        "label": "tuned",
        "note": "written on 2026-12-05 after the second round of the safety net's design, without seeing code "
                "or data (bench/emergency_blind3.md); measured once with that round's final model (vote 0.991 / "
                "9.7 %, aaf1562), then its errors were read for the third round: no longer evidence",
    },
    {
        "name": "emergency_blind4",
        "path": "bench/emergency_blind4.jsonl",
        "label": "tuned",
        "note": "813 lines (329 emergencies, 484 same-topic look-alikes), written on 2026-12-05 during the third "
                "round by a helper who saw no code and no data (12b4325, bench/blind4.md); measured once at the "
                "third round's end (butler 0.976 / 8.9 %, net 0.933 / 5.8 %), then the fourth round's rules were "
                "written from its misses and false alarms (6c29a7b): no longer evidence",
    },
    {
        "name": "emergency_blind5",
        "path": "bench/emergency_blind5.jsonl",
        "label": "tuned",
        "note": "721 lines (290 emergencies, 431 same-topic look-alikes), written on 2026-12-05 during the fourth "
                "round by a helper who saw no code and no data (a861792, bench/blind5.md); measured once at the "
                "fourth round's end (butler 0.907 / 5.8 %, net 0.869 / 3.7 %, e2d4121), then the fifth round's "
                "rules were written from its misses and it trains the second opinion: no longer evidence",
    },
    {
        "name": "emergency_blind6",
        "path": "bench/emergency_blind6.jsonl",
        "label": "tuned",
        "note": "646 lines (262 emergencies, 384 same-topic look-alikes), written on 2026-12-05 during the fifth "
                "round by a helper who saw no code and no data (bench/blind6.md); measured once at the fifth "
                "round's end (butler 0.958 / 8.3 %, net 0.935 / 5.2 %), then the sixth round's rules were "
                "written from its misses and false alarms and it trains the second opinion: no longer evidence",
    },
    {
        "name": "emergency_blind7",
        "path": "bench/emergency_blind7.jsonl",
        "label": "tuned",
        "note": "727 lines (312 emergencies, 415 same-topic look-alikes), written on 2026-12-05 in the session "
                "after the fifth round by a helper who saw only its brief (252c731, bench/blind7.md); "
                "measured once at the sixth round's end (butler 0.978 / 4.8 %, net 0.958 / 3.1 %), then the "
                "seventh round's rules were tuned on its errors and its lines train the n-gram second opinion",
    },
    {
        "name": "emergency_blind8",
        "path": "bench/emergency_blind8.jsonl",
        "label": "tuned",
        "note": "737 lines (321 emergencies, 416 same-topic look-alikes), written on 2026-12-05 during the "
                "seventh round by a helper who saw only its brief (e70bac8, bench/blind8.md); measured once at "
                "the seventh round's end (butler 0.966 / 4.8 %, net 0.938 / 3.6 %; 16f3cfb), then the eighth "
                "round's rules were tuned on its errors and its lines train the n-gram second opinion",
    },
    {
        "name": "emergency_dev9",
        "path": "bench/emergency_dev9.jsonl",
        "label": "tuned",
        "note": "542 lines written by the helper who designed round 9 of the safety net, as its development "
                "set (bench/DEV_SETS.md); its lines train the n-gram second opinion",
    },
    {
        "name": "emergency_blind9",
        "path": "bench/emergency_blind9.jsonl",
        "label": "tuned",
        "note": "740 lines (308 emergencies, 432 same-topic look-alikes), written on 2026-12-05 by a helper who "
                "saw only its brief (e20ee0e, bench/blind9.md) while round 9 was designed on its own "
                "development set (bench/emergency_dev9.jsonl); measured once at round 9's end (butler 0.977 / "
                "5.3 %, net 0.958 / 4.2 %; 07d64c6), then round 10 was tuned on its errors",
    },
    {
        "name": "emergency_blind10",
        "path": "bench/emergency_blind10.jsonl",
        "label": "tuned",
        "note": "751 lines (318 emergencies, 433 same-topic look-alikes), written on 2026-12-05 by a helper who "
                "saw only its brief (4c19199, bench/blind10.md) while round 10 was tuned on set 9; measured "
                "once at round 10's end (butler 0.972 / 6.7 %, net 0.921 / 4.6 %), then round 11 was tuned on "
                "its errors",
    },
    {
        "name": "emergency_blind11",
        "path": "bench/emergency_blind11.jsonl",
        "label": "tuned",
        "note": "524 lines (182 emergencies, 342 same-topic look-alikes), written on 2026-12-06 by a helper who "
                "saw only its brief (bc00d36, bench/blind11.md) while round 11 was tuned on set 10; measured "
                "once at round 11's end (butler 0.978 / 5.9 %, net 0.956 / 4.1 %), then round 12 was tuned on "
                "its errors",
    },
    {
        "name": "emergency_blind12",
        "path": "bench/emergency_blind12.jsonl",
        "label": "tuned",
        "note": "609 lines (216 emergencies, 393 same-topic look-alikes), written on 2026-12-06 by a helper who "
                "saw only its brief (8f6833b, bench/emergency_blind12.md) while round 12 was tuned on set 11; "
                "measured once at round 12's end (ca49311: butler 0.963 / 10.2 %, net 0.940 / 7.9 %), then round 13 was tuned on its errors",
    },
    {
        "name": "emergency_blind13",
        "path": "bench/emergency_blind13.jsonl",
        "label": "tuned",
        "note": "561 lines (196 emergencies, 365 same-topic look-alikes), written on 2026-12-06 by a helper who "
                "saw only its brief (a6fbbfc, bench/emergency_blind13.md) while round 13 was tuned on set 12; "
                "measured once at round 13's end (82125c7: butler 0.975 / 7.7 %, net 0.934 / 5.2 %), then round 14 was tuned on its errors",
    },
    {
        "name": "emergency_blind14",
        "path": "bench/emergency_blind14.jsonl",
        "label": "tuned",
        "note": "538 lines (194 emergencies, 344 same-topic look-alikes), written on 2026-12-06 by a helper who "
                "saw only its brief (96d597e, bench/emergency_blind14.md) while round 14 was tuned on set 13; "
                "measured once at round 14's end (d59506d: butler 0.979 / 4.6 %, net 0.974 / 3.8 %), then round 15 was tuned on its errors",
    },
    {
        "name": "emergency_blind15",
        "path": "bench/emergency_blind15.jsonl",
        "label": "tuned",
        "note": "558 lines (207 emergencies, 351 same-topic look-alikes), written on 2026-12-06 by a helper who "
                "saw only its brief (9877adc, bench/emergency_blind15.md) while round 15 was tuned on set 14; "
                "measured once at round 15's end (9ef8c17: butler 0.976 / 4.0 %, net 0.966 / 2.8 %), then round 16 was tuned on its errors",
    },
    {
        "name": "emergency_blind16",
        "path": "bench/emergency_blind16.jsonl",
        "label": "tuned",
        "note": "558 lines (207 emergencies, 351 same-topic look-alikes), written on 2026-12-06 by a helper who "
                "saw only its brief (eb417a5, bench/emergency_blind16.md) while round 16 was tuned on set 15; "
                "measured once at round 16's end (04a5aa7: butler 0.981 / 7.4 %, net 0.952 / 7.1 %), then round 17 was tuned on its errors",
    },
    {
        "name": "emergency_blind17",
        "path": "bench/emergency_blind17.jsonl",
        "label": "tuned",
        "note": "558 lines (207 emergencies, 351 same-topic look-alikes), written on 2026-12-07 by a helper who "
                "saw only its brief (0fddec2, bench/emergency_blind17.md) while round 17 was tuned on set 16; "
                "measured once at round 17's end (8ce2c20: butler 0.957 / 4.8 %, net 0.937 / 3.7 %), then round 18 was tuned on its errors",
    },
    {
        "name": "emergency_blind18",
        "path": "bench/emergency_blind18.jsonl",
        "label": "tuned",
        "note": "558 lines (207 emergencies, 351 same-topic look-alikes), written on 2026-12-07 by a helper who "
                "saw only its brief (5c26dcd, bench/emergency_blind18.md) while round 18 was tuned on set 17; "
                "measured once at round 18's end (225c36a: butler 0.986 / 5.1 %, net 0.976 / 4.0 %), then round 19 was tuned on its errors",
    },
    {
        "name": "emergency_blind19",
        "path": "bench/emergency_blind19.jsonl",
        "label": "tuned",
        "note": "558 lines (207 emergencies, 351 same-topic look-alikes), written on 2026-12-07 by a helper who "
                "saw only its brief (3786852, bench/emergency_blind19.md) while round 19 was tuned on set 18; "
                "measured once at round 19's end (8cc8f79: butler 0.995 / 2.6 %, net 0.986 / 2.0 %), then round 20 was tuned on its errors",
    },
    {
        "name": "emergency_blind20",
        "path": "bench/emergency_blind20.jsonl",
        "label": "tuned",
        "note": "558 lines (207 emergencies, 351 same-topic look-alikes), written on 2026-12-07 by a helper who "
                "saw only its brief (47c8d3b, bench/emergency_blind20.md) while round 20 was tuned on set 19; "
                "measured once at round 20's end (e6a3ec6: butler 0.990 / 4.8 %, net 0.961 / 4.0 %), then round 21 was tuned on its errors",
    },
    {
        "name": "emergency_blind21",
        "path": "bench/emergency_blind21.jsonl",
        "label": "tuned",
        "note": "558 lines (207 emergencies, 351 same-topic look-alikes), written on 2026-12-07 by a helper who "
                "saw only its brief (d62446f, bench/emergency_blind21.md) while round 21 was tuned on set 20; "
                "measured once at round 21's end (850f471: butler 0.961 / 4.6 %, net 0.952 / 4.0 %), then round 22 was tuned on its errors",
    },
    {
        "name": "emergency_blind23",
        "path": "bench/emergency_blind23.jsonl",
        "label": "blind",
        "note": "558 lines (207 emergencies, 351 same-topic look-alikes), written on 2026-12-07 by a helper who "
                "saw only its brief (c4efa8d, bench/emergency_blind23.md) while round 23 was tuned on set 22; "
                "measured once at round 23's end (5c48d53: butler 0.966 / 4.8 %, net 0.952 / 4.8 %)",
    },
    {
        "name": "emergency_blind22",
        "path": "bench/emergency_blind22.jsonl",
        "label": "tuned",
        "note": "558 lines (207 emergencies, 351 same-topic look-alikes), written on 2026-12-07 by a helper who "
                "saw only its brief (50095bd, bench/emergency_blind22.md) while round 22 was tuned on set 21; "
                "measured once at round 22's end (d38752b: butler 0.990 / 7.1 %, net 0.981 / 6.3 %), then round 23 was tuned on its errors",
    },
]
SWEEP_THRESHOLDS = (0.3, 0.4, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9)
SAFETY_ADAPTER = """
import json, sys
from assistant.safety import assess
for line in sys.stdin:
    verdict = assess(json.loads(line)["text"])
    cues = getattr(verdict, "cues", None) or ()
    print(json.dumps({"emergency": bool(verdict.emergency), "cue": "、".join(map(str, cues)) or None,
                      "plausible": bool(getattr(verdict, "plausible", True))}, ensure_ascii=False), flush=True)
"""


# ---------------------------------------------------------------- loading sets

def _services(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    values = value if isinstance(value, list) else [value]
    return sorted({str(v) for v in values})


def load_dev(path: Path) -> list[dict[str, Any]]:
    """Read an intent set: Rasa YAML with Rasa's own reader (same annotation syntax
    as training), or JSON lines."""
    if path.suffix == ".jsonl":
        return load_jsonl_intents(path)
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    examples = []
    for message in data.intent_examples:
        gold_services = sorted(
            {str(e.get("value")) for e in message.get("entities") or [] if e["entity"] == "service_type"}
        )
        metadata = message.get("metadata") or {}
        register = (metadata.get("example") or {}).get("register") or (metadata.get("intent") or {}).get("register")
        examples.append({"text": message.get("text"), "intent": message.get("intent"), "services": gold_services,
                         "register": register})
    return examples


def load_jsonl_intents(path: Path) -> list[dict[str, Any]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        rows.append({"text": item["text"], "intent": item["intent"],
                     "services": _services(item.get("service_type", item.get("services"))),
                     "register": item.get("register")})
    return rows


def load_emergency(path: Path) -> list[dict[str, Any]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        rows.append({"text": item["text"], "emergency": bool(item["emergency"]), "kind": item.get("kind"),
                     "register": item.get("register")})
    return rows


def parse_named(values: list[str]) -> list[tuple[str, Path]]:
    """``NAME=PATH`` (or a bare ``PATH``, named after its stem) -> (name, path)."""
    out = []
    for value in values:
        name, sep, path = value.partition("=")
        if not sep:
            name, path = Path(value).stem, value
        out.append((name.strip(), Path(path.strip())))
    return out


def parse_labels(values: list[str]) -> dict[str, str]:
    labels = {}
    for value in values:
        name, sep, label = value.partition("=")
        if not sep or label not in PROVENANCE:
            raise SystemExit(f"--label wants NAME=LABEL with LABEL one of {', '.join(PROVENANCE)}: {value!r}")
        labels[name] = label
    return labels


def _normalise(text: str) -> str:
    """Compare sentences ignoring punctuation, spaces and case (as tests/nlu does)."""
    import re

    return re.sub(r"[\s，。！？、,.!?~～…：:；;]", "", text).lower()


def training_texts(nlu_dir: Path = ROOT / "nlu_data" / "nlu") -> set[str]:
    """Normalised texts of every training example, to report how much of a set the
    model has seen word for word (short phrases like 你好 are in any set)."""
    from rasa.shared.nlu.training_data.loading import load_data

    return {_normalise(m.get("text")) for m in load_data(str(nlu_dir)).intent_examples}


# ---------------------------------------------------------------- scoring

def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def prf(gold: list[str], pred: list[str], labels: list[str]) -> dict[str, dict[str, float]]:
    table = {}
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, pred))
        fp = sum(g != label and p == label for g, p in zip(gold, pred))
        fn = sum(g == label and p != label for g, p in zip(gold, pred))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        table[label] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
    return table


def lenient(predicted: str) -> str:
    """nlu_fallback is answered like out_of_scope by the dialogue: score it so."""
    return "out_of_scope" if predicted == "nlu_fallback" else predicted


def _round(table: dict[str, dict[str, float]]) -> dict[str, dict[str, Any]]:
    return {k: {m: round(v, 4) if isinstance(v, float) else v for m, v in d.items()} for k, d in table.items()}


def score_intents(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Intent and service_type figures for rows with gold ``intent``/``services`` and
    predicted ``predicted``/``predicted_services``/``raw_top``."""
    labels = sorted({row["intent"] for row in rows})
    gold = [row["intent"] for row in rows]
    pred = [lenient(row["predicted"]) for row in rows]
    strict = [row["predicted"] for row in rows]
    per_intent = prf(gold, pred, labels)
    per_intent_strict = prf(gold, strict, labels)
    macro_f1 = statistics.mean(v["f1"] for v in per_intent.values()) if labels else 0.0
    macro_f1_strict = statistics.mean(v["f1"] for v in per_intent_strict.values()) if labels else 0.0
    accuracy = sum(g == p for g, p in zip(gold, pred)) / max(1, len(gold))

    service_rows = [row for row in rows if row["services"]]
    service_correct = sum(row["services"] == row["predicted_services"] for row in service_rows)
    # Spurious service_type on sentences that carry none (would fill a wrong slot).
    spurious_rows = [row for row in rows if not row["services"] and row["predicted_services"]]

    oos_rows = [row for row in rows if row["intent"] == "out_of_scope"]
    oos_predicted = [row for row in rows if row["predicted"] in NOT_UNDERSTOOD]
    oos_recall = sum(row["predicted"] in NOT_UNDERSTOOD for row in oos_rows) / max(1, len(oos_rows))
    oos_precision = sum(row["intent"] == "out_of_scope" for row in oos_predicted) / max(1, len(oos_predicted))
    oos_to_task = sum(row["predicted"] in TASK_INTENTS for row in oos_rows) / max(1, len(oos_rows))

    confusions = Counter((row["intent"], lenient(row["predicted"])) for row in rows
                         if row["intent"] != lenient(row["predicted"]))
    registers: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row.get("register"):
            registers[str(row["register"])].append(row)
    per_register = {}
    for register, group in sorted(registers.items()):
        group_labels = sorted({row["intent"] for row in group})
        table = prf([r["intent"] for r in group], [lenient(r["predicted"]) for r in group], group_labels)
        per_register[register] = {
            "n": len(group),
            "accuracy": round(sum(r["intent"] == lenient(r["predicted"]) for r in group) / len(group), 4),
            "macro_f1": round(statistics.mean(v["f1"] for v in table.values()), 4),
        }
    return {
        "examples": len(rows),
        "intent_accuracy": round(accuracy, 4),
        "macro_f1": round(macro_f1, 4),
        "macro_f1_strict": round(macro_f1_strict, 4),
        "per_intent": _round(per_intent),
        "service_type_examples": len(service_rows),
        "service_type_accuracy": round(service_correct / max(1, len(service_rows)), 4),
        "service_type_spurious": len(spurious_rows),
        "out_of_scope_recall": round(oos_recall, 4),
        "out_of_scope_precision": round(oos_precision, 4),
        "out_of_scope_to_task_rate": round(oos_to_task, 4),
        "confusions": [{"gold": g, "predicted": p, "n": n} for (g, p), n in confusions.most_common()],
        "per_register": per_register,
        "errors": [row for row in rows if row["intent"] != lenient(row["predicted"])],
        "service_errors": [row for row in service_rows if row["services"] != row["predicted_services"]],
        "service_spurious": spurious_rows,
    }


def threshold_sweep(rows: list[dict[str, Any]], ood_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Re-decide the fallback from the classifier's own ranking at other thresholds."""
    labels = sorted({row["intent"] for row in rows})
    gold = [row["intent"] for row in rows]
    sweep = []
    for threshold in SWEEP_THRESHOLDS:
        def decide(row: dict[str, Any]) -> str:
            name, conf = row["raw_top"]
            return "nlu_fallback" if conf < threshold else name

        swept = [lenient(decide(r)) for r in rows]
        sweep.append({
            "threshold": threshold,
            "macro_f1": round(statistics.mean(v["f1"] for v in prf(gold, swept, labels).values()), 4),
            "ood_to_task_rate": round(sum(decide(r) in TASK_INTENTS for r in ood_rows) / max(1, len(ood_rows)), 4),
        })
    return sweep


def rate(hits: int, n: int) -> float | None:
    return round(hits / n, 4) if n else None


def score_emergency(rows: list[dict[str, Any]], net: list[dict[str, Any]] | None) -> dict[str, Any]:
    """Emergency recall and false-alarm rate of the classifier, of the safety net, and
    of both combined as the butler combines them (``assistant.safety.net.settle_intent``:
    the net fires, OR the intent is ``emergency`` and the net finds it plausible);
    ``either`` is the net OR the classifier, with no vote."""
    for i, row in enumerate(rows):
        row["classifier"] = row["predicted"] == "emergency"
        row["net"] = bool(net[i]["emergency"]) if net is not None else None
        row["net_cue"] = net[i].get("cue") if net is not None else None
        plausible = bool(net[i].get("plausible", True)) if net is not None else True
        row["combined"] = bool(row["net"]) or (row["classifier"] and plausible)
        row["either"] = row["classifier"] or bool(row["net"])
    positives = [r for r in rows if r["emergency"]]
    negatives = [r for r in rows if not r["emergency"]]

    def figures(key: str) -> dict[str, Any]:
        return {"recall": rate(sum(bool(r[key]) for r in positives), len(positives)),
                "false_alarm_rate": rate(sum(bool(r[key]) for r in negatives), len(negatives)),
                "missed": sum(not r[key] for r in positives),
                "false_alarms": sum(bool(r[key]) for r in negatives)}

    def grouped(field: str) -> dict[str, Any]:
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in rows:
            if r.get(field):
                groups[str(r[field])].append(r)
        out = {}
        for name, group in sorted(groups.items()):
            pos = [r for r in group if r["emergency"]]
            neg = [r for r in group if not r["emergency"]]
            out[name] = {
                "positives": len(pos), "negatives": len(neg),
                "classifier_recall": rate(sum(r["classifier"] for r in pos), len(pos)),
                "classifier_false_alarm_rate": rate(sum(r["classifier"] for r in neg), len(neg)),
                "combined_recall": rate(sum(r["combined"] for r in pos), len(pos)) if net is not None else None,
                "combined_false_alarm_rate": rate(sum(r["combined"] for r in neg), len(neg)) if net is not None else None,
            }
        return out

    # What the combination would do if the classifier's emergency counted only at
    # or above a confidence (the net always counts): for the gateway's design.
    sweep = []
    if net is not None:
        for threshold in (0.0, 0.9, 0.99, 0.999, 1.01):
            hit = [bool(r["net"]) or (r["classifier"] and r.get("confidence", 1.0) >= threshold) for r in rows]
            pos = [h for h, r in zip(hit, rows) if r["emergency"]]
            neg = [h for h, r in zip(hit, rows) if not r["emergency"]]
            sweep.append({"classifier_min_confidence": threshold, "recall": rate(sum(pos), len(pos)),
                          "false_alarm_rate": rate(sum(neg), len(neg))})
    return {
        "positives": len(positives),
        "negatives": len(negatives),
        "combined_by_classifier_confidence": sweep,
        "classifier": figures("classifier"),
        "safety_net": figures("net") if net is not None else None,
        "combined": figures("combined") if net is not None else None,
        "either": figures("either") if net is not None else None,
        "classifier_missed_as": dict(Counter(r["predicted"] for r in positives if not r["classifier"]).most_common()),
        "per_kind": grouped("kind"),
        "per_register": grouped("register"),
        "rows": rows,
    }


def butler_figures(rows: list[dict[str, Any]], app_python: Path) -> dict[str, Any] | None:
    """Macro-F1 and accuracy of what the butler acts on, as /api/v1/nlu/parse answers:
    the classifier's intent after the safety net's vote (``settle_intent``: the net's
    emergency wins; a classifier's emergency the net finds implausible gives way to the
    runner-up). ``None`` when the safety net cannot run here."""
    verdicts, _why = ask_safety_net([row["text"] for row in rows], app_python)
    if verdicts is None:
        return None
    settled = []
    for row, verdict in zip(rows, verdicts):
        predicted = row["predicted"]
        if verdict["emergency"]:
            predicted = "emergency"
        elif predicted == "emergency" and not verdict["plausible"]:
            predicted = row.get("runner_up") or "nlu_fallback"
        settled.append({**row, "predicted": predicted})
    scored = score_intents(settled)
    return {"macro_f1": scored["macro_f1"], "intent_accuracy": scored["intent_accuracy"],
            "emergency_recall": scored["per_intent"].get("emergency", {}).get("recall")}


def ask_safety_net(texts: list[str], app_python: Path) -> tuple[list[dict[str, Any]] | None, str | None]:
    """``assistant.safety.assess`` on every text, in the application venv.
    Returns (verdicts, None) or (None, why it could not run)."""
    if not (ROOT / "assistant" / "safety").exists():
        return None, "assistant/safety does not exist yet"
    if not app_python.exists():
        return None, f"{app_python} not found"
    stdin = "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        done = subprocess.run([str(app_python), "-c", SAFETY_ADAPTER], input=stdin, capture_output=True,
                              text=True, cwd=ROOT, env=env, timeout=1800, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"safety net did not run: {exc}"
    if done.returncode != 0:
        return None, "safety net failed: " + (done.stderr.strip().splitlines() or ["?"])[-1]
    verdicts = [json.loads(line) for line in done.stdout.splitlines() if line.strip().startswith("{")]
    if len(verdicts) != len(texts):
        return None, f"safety net answered {len(verdicts)} of {len(texts)} texts"
    return verdicts, None


# ---------------------------------------------------------------- running

async def run(model: Path, dev_path: Path, ood_path: Path, sets: list[dict[str, Any]] | None = None,
              emergency_sets: list[dict[str, Any]] | None = None, app_python: Path | None = None,
              training_dir: Path | None = None) -> dict[str, Any]:
    from rasa.core.agent import Agent

    started = time.perf_counter()
    agent = Agent.load(str(model))
    load_seconds = time.perf_counter() - started

    dev = load_dev(dev_path)
    ood = [line.strip() for line in ood_path.read_text(encoding="utf-8").splitlines() if line.strip()]

    # Warm-up: the first parse builds TF graphs and is not representative.
    for _ in range(3):
        await agent.parse_message("你好")

    latencies: list[float] = []

    async def parse(text: str) -> dict[str, Any]:
        t0 = time.perf_counter()
        result = await agent.parse_message(text)
        latencies.append((time.perf_counter() - t0) * 1000)
        # The classifier's own best guess, before FallbackClassifier replaced it:
        # lets the report sweep fallback thresholds without retraining.
        ranking = [r for r in result.get("intent_ranking", []) if r["name"] != "nlu_fallback"]
        result["raw_top"] = (ranking[0]["name"], float(ranking[0]["confidence"])) if ranking else ("nlu_fallback", 0.0)
        # What nlu_components/safety_net.py takes when it outvotes the classifier's emergency.
        others = [r["name"] for r in result.get("intent_ranking", []) if r["name"] != "emergency"]
        result["runner_up"] = others[0] if others else "nlu_fallback"
        return result

    async def predict(examples: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rows = []
        for ex in examples:
            result = await parse(ex["text"])
            services = sorted({str(e["value"]) for e in result.get("entities", []) if e["entity"] == "service_type"})
            rows.append({
                **ex,
                "predicted": result["intent"]["name"],
                "confidence": round(float(result["intent"]["confidence"]), 4),
                "predicted_services": services,
                "raw_top": list(result["raw_top"]),
                "runner_up": result["runner_up"],
            })
        return rows

    dev_rows = await predict(dev)
    ood_rows = []
    for text in ood:
        result = await parse(text)
        ood_rows.append({
            "text": text,
            "predicted": result["intent"]["name"],
            "confidence": round(float(result["intent"]["confidence"]), 4),
            "raw_top": list(result["raw_top"]),
        })
    main = score_intents(dev_rows)
    ood_routed = [row for row in ood_rows if row["predicted"] in TASK_INTENTS]

    seen = training_texts(training_dir or ROOT / "nlu_data" / "nlu") if (sets or emergency_sets) else set()
    extra: dict[str, Any] = {}
    for spec in sets or []:
        rows = await predict(load_dev(spec["path"]))
        scored = score_intents(rows)
        scored["fallback_threshold_sweep"] = threshold_sweep(rows, ood_rows)
        unseen = [row for row in rows if _normalise(row["text"]) not in seen]
        unseen_scored = score_intents(unseen) if unseen else None
        scored["butler"] = butler_figures(rows, app_python or ROOT / ".venv" / "bin" / "python")
        scored["in_training"] = len(rows) - len(unseen)
        scored["unseen"] = None if unseen_scored is None else {
            k: unseen_scored[k] for k in ("examples", "macro_f1", "intent_accuracy", "service_type_examples",
                                          "service_type_accuracy")}
        extra[spec["name"]] = {"path": _rel(spec["path"]), "label": spec["label"],
                               "provenance": PROVENANCE[spec["label"]], "note": spec.get("note", ""), **scored}

    emergency: dict[str, Any] = {}
    for spec in emergency_sets or []:
        examples = load_emergency(spec["path"])
        rows = []
        for ex in examples:
            result = await parse(ex["text"])
            rows.append({**ex, "predicted": result["intent"]["name"],
                         "confidence": round(float(result["intent"]["confidence"]), 4)})
        net, why = ask_safety_net([r["text"] for r in rows], app_python or ROOT / ".venv" / "bin" / "python")
        emergency[spec["name"]] = {"path": _rel(spec["path"]), "label": spec["label"],
                                   "provenance": PROVENANCE[spec["label"]], "note": spec.get("note", ""),
                                   "safety_net_unavailable": why,
                                   "in_training": sum(_normalise(r["text"]) in seen for r in rows),
                                   **score_emergency(rows, net)}

    return {
        "model": str(model),
        "fallback_threshold_sweep": threshold_sweep(dev_rows, ood_rows),
        "model_load_seconds": round(load_seconds, 2),
        "dev_examples": len(dev_rows),
        "ood_examples": len(ood_rows),
        "intent_accuracy": main["intent_accuracy"],
        "macro_f1": main["macro_f1"],
        "macro_f1_strict": main["macro_f1_strict"],
        "per_intent": main["per_intent"],
        "service_type_examples": main["service_type_examples"],
        "service_type_accuracy": main["service_type_accuracy"],
        "service_type_spurious": main["service_type_spurious"],
        "out_of_scope_recall": main["out_of_scope_recall"],
        "out_of_scope_precision": main["out_of_scope_precision"],
        "ood_to_task_rate": round(len(ood_routed) / max(1, len(ood_rows)), 4),
        "ood_predictions": dict(Counter(row["predicted"] for row in ood_rows).most_common()),
        "latency_ms": {
            "p50": round(percentile(latencies, 50), 2),
            "p95": round(percentile(latencies, 95), 2),
            "n": len(latencies),
        },
        "errors": main["errors"],
        "service_errors": main["service_errors"],
        "ood_routed": ood_routed,
        "service_spurious": main["service_spurious"],
        "sets": extra,
        "emergency": emergency,
    }


def _rel(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def shareable(report: dict[str, Any]) -> dict[str, Any]:
    """The report without the lines of sets that must stay unseen (untouched, blind)."""
    out = dict(report)
    out["sets"] = {}
    for name, section in report.get("sets", {}).items():
        section = dict(section)
        if section["label"] != "tuned":
            for key in ("errors", "service_errors", "service_spurious"):
                section[key] = len(section[key])
        out["sets"][name] = section
    out["emergency"] = {}
    for name, section in report.get("emergency", {}).items():
        section = dict(section)
        if section["label"] == "tuned":
            section["rows"] = [r for r in section["rows"] if r["emergency"] != r["combined"]
                               or r["emergency"] != r["classifier"]]
        else:
            section["rows"] = []
        out["emergency"][name] = section
    return out


# ---------------------------------------------------------------- report

def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _intent_table(per_intent: dict[str, dict[str, Any]]) -> list[str]:
    lines = ["| intent | precision | recall | F1 | n |", "|---|---|---|---|---|"]
    for name, row in per_intent.items():
        lines.append(f"| {name} | {row['precision']:.2f} | {row['recall']:.2f} | {row['f1']:.2f} | {row['support']} |")
    return lines


def markdown_set(name: str, section: dict[str, Any]) -> list[str]:
    lines = [
        "", f"## Set `{name}` — {section['label']}", "",
        f"`{section['path']}`, {section['examples']} utterances. Provenance: **{section['label']}** "
        f"({section['provenance']}). {section['note']}".rstrip(),
        "",
        "| metric | value |", "|---|---|",
        f"| intent macro-F1 (fallback as out_of_scope) | {section['macro_f1']:.3f} |",
        f"| intent macro-F1, strict | {section['macro_f1_strict']:.3f} |",
        f"| intent accuracy | {section['intent_accuracy']:.3f} |",
        f"| service_type value accuracy ({section['service_type_examples']} utterances) | "
        f"{section['service_type_accuracy']:.3f} |",
        f"| spurious service_type | {section['service_type_spurious']} |",
        f"| out_of_scope precision / recall | {section['out_of_scope_precision']:.3f} / "
        f"{section['out_of_scope_recall']:.3f} |",
        f"| other-domain lines routed to a task intent | {section['out_of_scope_to_task_rate']:.3f} |",
    ]
    if section.get("unseen"):
        u = section["unseen"]
        lines.append(f"| lines also in the training data (word for word) | {section['in_training']} |")
        lines.append(f"| macro-F1 / accuracy / service_type on the other {u['examples']} lines | "
                     f"{u['macro_f1']:.3f} / {u['intent_accuracy']:.3f} / {u['service_type_accuracy']:.3f} |")
    lines += [
        "",
        *_intent_table(section["per_intent"]),
    ]
    if section["per_register"]:
        lines += ["", "| register | n | accuracy | macro-F1 |", "|---|---|---|---|"]
        for register, row in section["per_register"].items():
            lines.append(f"| {register} | {row['n']} | {row['accuracy']:.3f} | {row['macro_f1']:.3f} |")
    if section["confusions"]:
        lines += ["", "Confusions (gold → predicted: n): " + ", ".join(
            f"{c['gold']}→{c['predicted']}: {c['n']}" for c in section["confusions"][:15])]
    if section["label"] == "tuned" and section["errors"]:
        lines += ["", "| text | gold | predicted | conf |", "|---|---|---|---|"]
        for row in section["errors"]:
            lines.append(f"| {row['text']} | {row['intent']} | {row['predicted']} | {row['confidence']:.2f} |")
    if section["label"] == "tuned" and section["service_errors"]:
        lines += ["", "| text | gold service | predicted |", "|---|---|---|"]
        for row in section["service_errors"]:
            lines.append(f"| {row['text']} | {','.join(row['services'])} | {','.join(row['predicted_services']) or '-'} |")
    return lines


def markdown_emergency(name: str, section: dict[str, Any]) -> list[str]:
    lines = [
        "", f"## EMERGENCY set `{name}` — {section['label']}", "",
        f"`{section['path']}`: {section['positives']} emergencies, {section['negatives']} non-emergencies. "
        f"Provenance: **{section['label']}** ({section['provenance']}). {section['note']}".rstrip(),
        "",
        "| who decides | recall | false-alarm rate | missed | false alarms |", "|---|---|---|---|---|",
    ]
    for key, title in (("classifier", "classifier (intent == emergency)"), ("safety_net", "safety net alone"),
                       ("combined", "**the butler**: net, OR classifier if the net finds it plausible"),
                       ("either", "net OR classifier, no vote")):
        fig = section.get(key)
        if fig is None:
            lines.append(f"| {title} | – | – | – | – |")
        else:
            lines.append(f"| {title} | {_fmt(fig['recall'])} | {_fmt(fig['false_alarm_rate'])} | "
                         f"{fig['missed']} | {fig['false_alarms']} |")
    if section.get("combined_by_classifier_confidence"):
        lines += ["", "Safety net OR classifier, counting the classifier's `emergency` only at or above a confidence "
                      "(1.01 = the net alone):", "", "| classifier min confidence | recall | false-alarm rate |",
                  "|---|---|---|"]
        for row in section["combined_by_classifier_confidence"]:
            lines.append(f"| {row['classifier_min_confidence']} | {_fmt(row['recall'])} | "
                         f"{_fmt(row['false_alarm_rate'])} |")
    if section.get("in_training"):
        lines += ["", f"{section['in_training']} of its lines are also, word for word, in the training data."]
    if section.get("safety_net_unavailable"):
        lines += ["", f"Safety net not scored: {section['safety_net_unavailable']}."]
    if section["classifier_missed_as"]:
        lines += ["", "Emergencies the classifier missed, by predicted intent: " + ", ".join(
            f"{k}: {v}" for k, v in section["classifier_missed_as"].items())]
    for field, title in (("per_kind", "kind"), ("per_register", "register")):
        if section[field]:
            lines += ["", f"| {title} | emergencies | non-emergencies | classifier recall | classifier FA | "
                          "combined recall | combined FA |", "|---|---|---|---|---|---|---|"]
            for group, row in section[field].items():
                lines.append(f"| {group} | {row['positives']} | {row['negatives']} | {_fmt(row['classifier_recall'])} | "
                             f"{_fmt(row['classifier_false_alarm_rate'])} | {_fmt(row['combined_recall'])} | "
                             f"{_fmt(row['combined_false_alarm_rate'])} |")
    if section["label"] == "tuned" and section["rows"]:
        lines += ["", "| text | emergency | intent | net cue |", "|---|---|---|---|"]
        for row in section["rows"]:
            if row["emergency"] != row["combined"] or row["emergency"] != row["classifier"]:
                lines.append(f"| {row['text']} | {row['emergency']} | {row['predicted']} | {row.get('net_cue') or '-'} |")
    return lines


def markdown(report: dict[str, Any]) -> str:
    lines = [
        "# NLU benchmark",
        "",
        f"Model `{report['model']}`; {report['dev_examples']} held-out dev utterances "
        f"(`bench/nlu_dev.yml`, tuned), {report['ood_examples']} out-of-domain lines (`bench/nlu_ood.txt`).",
        "",
        "| metric | value | target |",
        "|---|---|---|",
        f"| intent macro-F1 (nlu_fallback scored as out_of_scope) | {report['macro_f1']:.3f} | ≥ 0.95 |",
        f"| intent macro-F1, strict (fallback always wrong) | {report['macro_f1_strict']:.3f} | |",
        f"| intent accuracy | {report['intent_accuracy']:.3f} | |",
        f"| service_type value accuracy ({report['service_type_examples']} utterances) | "
        f"{report['service_type_accuracy']:.3f} | ≥ 0.97 |",
        f"| spurious service_type on utterances without one | {report['service_type_spurious']} | |",
        f"| out-of-scope precision / recall (dev) | {report.get('out_of_scope_precision', 0):.3f} / "
        f"{report['out_of_scope_recall']:.3f} | |",
        f"| OOD lines routed to a task intent | {report['ood_to_task_rate']:.3f} | ≤ 0.10 |",
        f"| parse latency p50 / p95 (in-process) | {report['latency_ms']['p50']:.1f} / "
        f"{report['latency_ms']['p95']:.1f} ms | |",
        "",
        *_intent_table(report["per_intent"]),
    ]
    sets = report.get("sets") or {}
    emergency = report.get("emergency") or {}
    if sets or emergency:
        lines += ["", "## Every set at a glance", "",
                  "| set | provenance | n | macro-F1 | macro-F1 with the safety net's vote (what the butler acts on) "
                  "| accuracy | service_type | OOS precision | other-domain→task |",
                  "|---|---|---|---|---|---|---|---|---|",
                  f"| dev (`bench/nlu_dev.yml`) | tuned | {report['dev_examples']} | {report['macro_f1']:.3f} | – | "
                  f"{report['intent_accuracy']:.3f} | {report['service_type_accuracy']:.3f} | "
                  f"{report['per_intent'].get('out_of_scope', {}).get('precision', 0):.3f} | – |"]
        for name, s in sets.items():
            butler = f"{s['butler']['macro_f1']:.3f}" if s.get("butler") else "–"
            lines.append(f"| {name} | {s['label']} | {s['examples']} | {s['macro_f1']:.3f} | {butler} | "
                         f"{s['intent_accuracy']:.3f} | "
                         f"{s['service_type_accuracy']:.3f} | {s['out_of_scope_precision']:.3f} | "
                         f"{s['out_of_scope_to_task_rate']:.3f} |")
        for name, e in emergency.items():
            combined = e.get("combined")
            lines.append(f"| {name} (emergency) | {e['label']} | {e['positives'] + e['negatives']} | "
                         f"classifier recall {_fmt(e['classifier']['recall'])}, FA {_fmt(e['classifier']['false_alarm_rate'])} | "
                         f"with safety net recall {_fmt(combined and combined['recall'])}, "
                         f"FA {_fmt(combined and combined['false_alarm_rate'])} | | | | |")
    lines += ["", "Fallback threshold sweep on dev (re-deciding from the classifier's ranking):", "",
              "| threshold | macro-F1 | OOD→task |", "|---|---|---|"]
    for row in report["fallback_threshold_sweep"]:
        lines.append(f"| {row['threshold']} | {row['macro_f1']:.3f} | {row['ood_to_task_rate']:.3f} |")
    if report["errors"]:
        lines += ["", "## Misclassified dev utterances", "", "| text | gold | predicted | conf |", "|---|---|---|---|"]
        for row in report["errors"]:
            lines.append(f"| {row['text']} | {row['intent']} | {row['predicted']} | {row['confidence']:.2f} |")
    if report["service_errors"]:
        lines += ["", "## service_type errors", "", "| text | gold | predicted |", "|---|---|---|"]
        for row in report["service_errors"]:
            lines.append(f"| {row['text']} | {','.join(row['services'])} | {','.join(row['predicted_services']) or '-'} |")
    if report["service_spurious"]:
        lines += ["", "## service_type found where none was annotated", "", "| text | gold intent | predicted |", "|---|---|---|"]
        for row in report["service_spurious"]:
            lines.append(f"| {row['text']} | {row['intent']} | {','.join(row['predicted_services'])} |")
    if report["ood_routed"]:
        lines += ["", "## OOD lines routed to a task intent", "", "| text | predicted | conf |", "|---|---|---|"]
        for row in report["ood_routed"]:
            lines.append(f"| {row['text']} | {row['predicted']} | {row['confidence']:.2f} |")
    for name, section in sets.items():
        lines += markdown_set(name, section)
    for name, section in emergency.items():
        lines += markdown_emergency(name, section)
    return "\n".join(lines) + "\n"


def collect_sets(args: argparse.Namespace) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    labels = parse_labels(args.label)
    sets: list[dict[str, Any]] = []
    if not args.no_default_sets:
        for spec in DEFAULT_SETS:
            path = ROOT / spec["path"]
            if path.exists():
                sets.append({**spec, "path": path, "label": labels.get(spec["name"], spec["label"])})
    emergency_sets: list[dict[str, Any]] = []
    if not args.no_default_sets:
        for spec in DEFAULT_EMERGENCY_SETS:
            path = ROOT / spec["path"]
            if path.exists():
                emergency_sets.append({**spec, "path": path, "label": labels.get(spec["name"], spec["label"])})
    for target, given in ((sets, parse_named(args.set)), (emergency_sets, parse_named(args.emergency))):
        for name, path in given:
            if name not in labels:
                raise SystemExit(f"set {name!r} has no provenance: add --label {name}=tuned|untouched|blind")
            if not path.exists():
                raise SystemExit(f"set {name!r}: {path} not found")
            target[:] = [s for s in target if s["name"] != name]
            target.append({"name": name, "path": path, "label": labels[name], "note": ""})
    return sets, emergency_sets


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True, type=Path, help="trained model .tar.gz (or a directory of them)")
    parser.add_argument("--dev", type=Path, default=ROOT / "bench" / "nlu_dev.yml")
    parser.add_argument("--ood", type=Path, default=ROOT / "bench" / "nlu_ood.txt")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=PATH",
                        help="another intent set (Rasa YAML or JSON lines), reported in its own section")
    parser.add_argument("--emergency", action="append", default=[], metavar="NAME=PATH",
                        help='an emergency set, JSON lines {"text", "emergency": bool, "kind"}')
    parser.add_argument("--label", action="append", default=[], metavar="NAME=LABEL",
                        help="provenance of a set: tuned, untouched or blind (required for every --set/--emergency)")
    parser.add_argument("--no-default-sets", action="store_true", help="score only --dev and the given sets")
    parser.add_argument("--app-python", type=Path, default=ROOT / ".venv" / "bin" / "python",
                        help="the application venv's python, which runs assistant.safety")
    parser.add_argument("--training-data", type=Path, default=ROOT / "nlu_data" / "nlu",
                        help="the NLU training data the model was trained on (to count lines it has seen)")
    parser.add_argument("--out-dir", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--name", default="nlu", help="results file stem (nlu -> nlu.json, nlu.md)")
    args = parser.parse_args()
    sets, emergency_sets = collect_sets(args)

    model = args.model
    if model.is_dir():
        candidates = sorted(model.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
        if not candidates:
            print(f"no model (*.tar.gz) in {model}", file=sys.stderr)
            return 2
        model = candidates[-1]
    if not model.exists():
        print(f"model not found: {model}", file=sys.stderr)
        return 2

    logging.basicConfig(level=logging.WARNING)
    for noisy in ("rasa", "tensorflow", "absl", "jieba"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    import structlog

    # Rasa 3.6 logs every parse at debug level through structlog.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))

    report = shareable(asyncio.run(run(model, args.dev, args.ood, sets, emergency_sets, args.app_python,
                                     args.training_data)))
    args.out_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = args.out_dir / f"{args.name}.json", args.out_dir / f"{args.name}.md"
    json_path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    md_path.write_text(markdown(report), encoding="utf-8")
    print(
        f"dev: macro-F1 {report['macro_f1']:.3f} (strict {report['macro_f1_strict']:.3f})  "
        f"service_type {report['service_type_accuracy']:.3f}  "
        f"OOS recall {report['out_of_scope_recall']:.3f}  OOD->task {report['ood_to_task_rate']:.3f}  "
        f"p50 {report['latency_ms']['p50']:.1f} ms  p95 {report['latency_ms']['p95']:.1f} ms"
    )
    for name, s in report["sets"].items():
        if s.get("butler"):
            print(f"{name} [{s['label']}]: with the safety net's vote macro-F1 {s['butler']['macro_f1']:.3f}")
        print(f"{name} [{s['label']}]: macro-F1 {s['macro_f1']:.3f}  accuracy {s['intent_accuracy']:.3f}  "
              f"service_type {s['service_type_accuracy']:.3f}  OOS precision {s['out_of_scope_precision']:.3f}  "
              f"other-domain->task {s['out_of_scope_to_task_rate']:.3f}")
    for name, e in report["emergency"].items():
        combined = e.get("combined")
        print(f"{name} [{e['label']}] emergency: classifier recall {_fmt(e['classifier']['recall'])} "
              f"FA {_fmt(e['classifier']['false_alarm_rate'])}; with safety net recall "
              f"{_fmt(combined and combined['recall'])} FA {_fmt(combined and combined['false_alarm_rate'])}"
              + (f" ({e['safety_net_unavailable']})" if e.get("safety_net_unavailable") else ""))
    print(f"wrote {json_path} and {md_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
