"""Elder care under load (issue #14): home-sensor readings per second through the real
MQTT broker to stored rows, and the escalation ladder's sweep time for 10,000
registered elders.

1. **Readings.** A fresh migrated SQLite database (the default deployment) with
   ``--elders-mqtt`` elders, each with a water meter. The production subscriber
   (``assistant.care.sensors.SensorSubscriber``) subscribes to a topic prefix of its
   own on the broker (the machine's Mosquitto on 127.0.0.1:1883 when it answers, else a
   private one on a free port, as the tests do); a paho client publishes ``--readings``
   readings of the contract (``{"kind": "water", "value": ..}``, QoS 1). Measured: from
   the first publish to the last reading stored in ``care_signs``.
2. **Sweep.** Another fresh database with ``--elders`` elders bulk-inserted (what is
   measured is the sweep, not registration): half on a push channel (Telegram senders),
   a third with a water meter, their last signs of life spread over the last days. The
   sweep runs as the jobs process runs it, once a minute: the first sweep in the
   check-in window (the daily prompts, one outbox row each, and the steps the silent
   are due), the next minute (the urgent alerts that wait for a finished care ticket),
   a steady minute (nothing new due: the cost of watching), and the afternoon after
   the window (second prompts and care tickets for those who did not check in).

    .venv/bin/python bench/care.py                  # writes bench/results/care.md and care.json
    .venv/bin/python bench/care.py --readings 2000 --elders 2000
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
WINDOW = 500  # readings published ahead of the subscriber at most


def _quiet_logs() -> None:
    """Only errors: the per-reading and per-ticket lines would measure the terminal."""
    import structlog

    logging.basicConfig(level=logging.ERROR)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.ERROR),
                        cache_logger_on_first_use=False)


def _accepts(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _broker(tmp: Path, wanted: str) -> tuple[str, int, subprocess.Popen | None]:
    host, _, port = wanted.partition(":")
    if _accepts(host, int(port or 1883)):
        return host, int(port or 1883), None
    mosquitto = shutil.which("mosquitto") or shutil.which("mosquitto", path="/usr/sbin")
    if mosquitto is None:
        raise SystemExit("no broker on 127.0.0.1:1883 and mosquitto is not installed (requirements/apt.txt)")
    port = _free_port()
    conf = tmp / "mosquitto.conf"
    conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
    proc = subprocess.Popen([mosquitto, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not _accepts("127.0.0.1", port):
        if time.monotonic() > deadline:
            proc.kill()
            raise SystemExit("the private mosquitto did not start")
        time.sleep(0.1)
    return "127.0.0.1", port, proc


def _database(tmp: Path, name: str):
    from assistant.db import Database, upgrade

    url = f"sqlite:///{tmp / name}"
    upgrade(url)
    return Database(url)


def bench_readings(tmp: Path, *, readings: int, elders: int, broker: str) -> dict:
    import paho.mqtt.client as mqtt
    from sqlalchemy import func, select

    from assistant.care.models import CareSign
    from assistant.care.sensors import SensorSubscriber
    from assistant.care.service import add_device, register

    db = _database(tmp, "readings.db")
    for i in range(elders):
        elder = register(db, name=f"老人{i}", phone=f"139{i:08d}", address=f"{i % 40 + 1}号楼")
        add_device(db, device_id=f"wm-{i}", care_id=elder.id, kind="water")
    host, port, proc = _broker(tmp, broker)
    prefix = f"butler-bench/{uuid.uuid4().hex[:8]}/sensors"
    subscriber = SensorSubscriber(db, url=f"mqtt://{host}:{port}", prefix=prefix,
                                  client_id=f"butler-bench-{uuid.uuid4().hex[:8]}", persistent=False)
    publisher = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"butler-bench-pub-{uuid.uuid4().hex[:8]}")
    publisher.max_inflight_messages_set(100)
    try:
        subscriber.start()
        if not subscriber.subscribed.wait(10):
            raise SystemExit("the subscriber did not subscribe")
        publisher.connect(host, port)
        publisher.loop_start()

        def stored() -> int:
            with db.session() as session:
                return session.scalar(select(func.count()).select_from(CareSign))

        # Paced: at most WINDOW readings ahead of the subscriber. Mosquitto queues at most
        # max_queued_messages (1000 by default) per subscriber and drops the rest of a
        # faster burst, so an unpaced burst would measure the broker's drops.
        handled = lambda: sum(subscriber.stats.values())  # noqa: E731
        started = time.perf_counter()
        infos = []
        for n in range(readings):
            while n - handled() >= WINDOW:
                time.sleep(0.005)
            infos.append(publisher.publish(f"{prefix}/wm-{n % elders}",
                                           json.dumps({"kind": "water", "value": round(0.001 + (n % 7) / 1000, 3)}),
                                           qos=1))
        for info in infos:
            info.wait_for_publish(timeout=60)
        published = time.perf_counter() - started
        count, progress_at = stored(), time.monotonic()
        while count < readings and time.monotonic() - progress_at < 30:  # stop when nothing moves for 30 s
            time.sleep(0.1)
            now_count = stored()
            if now_count > count:
                count, progress_at = now_count, time.monotonic()
        seconds = time.perf_counter() - started
    finally:
        publisher.loop_stop()
        publisher.disconnect()
        subscriber.stop()
        db.dispose()
        if proc is not None:
            proc.terminate()
            proc.wait(5)
    return {"readings": readings, "stored": count, "elders": elders, "seconds": round(seconds, 2),
            "per_second": round(count / seconds, 1), "publish_seconds": round(published, 2),
            "broker": f"{host}:{port}" + (" (private mosquitto)" if proc is not None else " (the machine's)"),
            "stats": dict(subscriber.stats)}


def fill_register(db, n: int, now: datetime, seed: int = 14) -> float:
    """``n`` elders bulk-inserted with devices and signs of life over the last days."""
    from sqlalchemy import insert

    from assistant.care.models import CareDevice, CareResident, CareSign

    rnd = random.Random(seed)
    registered = now - timedelta(days=30)
    elders, devices, signs = [], [], []
    for i in range(1, n + 1):
        elders.append({"id": i, "name": f"老人{i}", "phone": f"139{i:08d}", "address": f"{i % 40 + 1}号楼{i % 3 + 1}单元",
                       "sender_id": f"telegram:{100000 + i}" if i % 2 else None, "grid_worker": f"网格员{i % 12}",
                       "window_start": "08:00", "window_end": "10:00", "quiet_days": 3, "consent": True,
                       "emergency_contacts": [{"name": f"家属{i}", "phone": f"138{i:08d}", "relation": "子女"}],
                       "active": True, "created_at": registered})
        if i % 3 == 0:
            devices.append({"device_id": f"wm-{i}", "care_id": i, "kind": "water", "created_at": registered})
        # Most checked in or used water within the last day; some have been silent for days.
        quiet = rnd.choices((2, 20, 40, 80), (60, 20, 12, 8))[0]
        last = now - timedelta(hours=quiet + rnd.random())
        if i % 3 == 0:
            signs.append({"care_id": i, "source": "sensor", "kind": "water", "device_id": f"wm-{i}", "value": 0.01,
                          "at": last})
        else:
            signs.append({"care_id": i, "source": "checkin", "kind": None, "device_id": None, "value": None,
                          "at": last})
    started = time.perf_counter()
    with db.engine.begin() as conn:
        for table, rows in ((CareResident, elders), (CareDevice, devices), (CareSign, signs)):
            for chunk in range(0, len(rows), 5000):
                conn.execute(insert(table), rows[chunk:chunk + 5000])
    return time.perf_counter() - started


def bench_sweep(tmp: Path, *, elders: int) -> dict:
    from assistant.care.ladder import sweep
    from assistant.clock import TZ

    db = _database(tmp, "sweep.db")
    day = datetime(2026, 12, 7, tzinfo=TZ)
    fill_seconds = fill_register(db, elders, day.replace(hour=7))
    runs = []
    # The sweep runs every minute: the first of the day writes the prompts and the steps
    # the silence calls for; the next takes the steps that wait for a finished one (the
    # urgent alert after the care ticket); then it is steady until the window ends.
    for label, at in (("08:30, the first sweep in the window", day.replace(hour=8, minute=30)),
                      ("08:31, the next minute", day.replace(hour=8, minute=31)),
                      ("08:32, steady (nothing new due)", day.replace(hour=8, minute=32)),
                      ("13:00, after the window", day.replace(hour=13))):
        report = sweep(db, at)
        steps: dict[str, int] = {}
        for _, step in report.sent:
            steps[step] = steps.get(step, 0) + 1
        runs.append({"when": label, "seconds": round(report.seconds, 2), "steps": steps,
                     "failed": len(report.failed)})
    db.dispose()
    return {"elders": elders, "fill_seconds": round(fill_seconds, 2), "runs": runs}


def write(results: dict, command: str) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "care.json").write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    r, s = results["readings"], results["sweep"]
    lines = [
        "# Elder care: MQTT readings and the ladder's sweep",
        "",
        f"Command: `{command}` (`make bench-care`). Measured {results['measured_at']} on {results['machine']},"
        f" load average before {results['load_before']}.",
        "",
        "## Readings through MQTT to stored rows",
        "",
        f"{r['readings']} water-meter readings (QoS 1) published to the broker at {r['broker']} for"
        f" {r['elders']} elders, at most {WINDOW} ahead of the subscriber (Mosquitto drops what is queued"
        " for one subscriber beyond its max_queued_messages, 1000 by default), received by the production"
        " subscriber (`SensorSubscriber`, one transaction per reading) and stored in `care_signs` (SQLite).",
        "",
        "| readings stored | seconds (first publish → last stored) | readings per second | publishing, paced (s) |",
        "|---:|---:|---:|---:|",
        f"| {r['stored']} / {r['readings']} | {r['seconds']} | **{r['per_second']}** | {r['publish_seconds']} |",
        "",
        f"Subscriber outcomes: {r['stats']}.",
        "",
        f"## Sweep of {s['elders']:,} registered elders",
        "",
        "Half on a push channel (Telegram), a third with a water meter, last signs of life spread over the last"
        f" days (bulk-inserted in {s['fill_seconds']} s). `assistant.care.ladder.sweep` on SQLite:",
        "",
        "| sweep | seconds | steps taken |",
        "|---|---:|---|",
    ]
    for run in s["runs"]:
        steps = "，".join(f"{k} {v}" for k, v in run["steps"].items()) or "none"
        lines.append(f"| {run['when']} | **{run['seconds']}** | {steps} |")
    lines.append("")
    (RESULTS / "care.md").write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readings", type=int, default=5000)
    parser.add_argument("--elders-mqtt", type=int, default=200)
    parser.add_argument("--elders", type=int, default=10_000)
    parser.add_argument("--broker", default="127.0.0.1:1883")
    args = parser.parse_args()
    _quiet_logs()
    os.environ.setdefault("BUTLER_ALERT_WEBHOOK_URL", "")
    os.environ.setdefault("BUTLER_CARE_CONTACT_WEBHOOK_URL", "")
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="butler-bench-care-") as tmp:
        os.environ["BUTLER_DATA_DIR"] = str(Path(tmp) / "var")
        readings = bench_readings(Path(tmp), readings=args.readings, elders=args.elders_mqtt, broker=args.broker)
        print(f"readings: {readings['per_second']} per second ({readings['stored']} in {readings['seconds']} s)")
        swept = bench_sweep(Path(tmp), elders=args.elders)
        for run in swept["runs"]:
            print(f"sweep {swept['elders']} elders, {run['when']}: {run['seconds']} s {run['steps']}")
    command = "bench/care.py" + "".join(f" {a}" for a in sys.argv[1:])
    write({"measured_at": datetime.now().astimezone().isoformat(timespec="seconds"),
           "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
           "load_before": load, "readings": readings, "sweep": swept}, f".venv/bin/python {command}")


if __name__ == "__main__":
    main()
