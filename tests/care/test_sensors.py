"""Home sensors through a real Mosquitto broker on loopback, published with paho:
readings stored as signs of life, bad messages counted and survived, an SOS press an
emergency ticket (the 5-second goal is a figure for a benchmark, not a timed assertion),
nothing lost while the subscriber is down, and a broker restart. Every test talks to a
private mosquitto on a free port (requirements/apt.txt installs it), so the machine's own
broker and a running butler's queued messages are left alone."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import uuid
from datetime import timedelta

import paho.mqtt.publish as publish
import pytest
from sqlalchemy import select

from assistant import clock as project_clock
from assistant.care.models import CareSign
from assistant.care.sensors import SensorSubscriber, handle_reading, warm_up
from assistant.care.service import add_device, register
from assistant.clock import TZ
from assistant.tickets.models import Ticket

MOSQUITTO = shutil.which("mosquitto") or shutil.which("mosquitto", path="/usr/sbin")
BROKER = {"host": "127.0.0.1", "port": 0}  # the module's private broker (fixture below)


def wait_for(predicate, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    return predicate()


def send(topic: str, payload, port: int | None = None) -> None:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    publish.single(topic, body, qos=1, hostname=BROKER["host"], port=port or BROKER["port"])


def signs(db):
    with db.session() as session:
        return list(session.scalars(select(CareSign).order_by(CareSign.id)))


def start_broker(port: int, conf_dir) -> subprocess.Popen:
    if MOSQUITTO is None:
        pytest.fail("mosquitto is not installed: apt-get install mosquitto (requirements/apt.txt)")
    conf = conf_dir / f"mosquitto-{port}.conf"
    conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
    proc = subprocess.Popen([MOSQUITTO, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not wait_for(lambda: _accepts(port), timeout=10):
        proc.kill()
        pytest.fail("the private mosquitto did not start")
    return proc


@pytest.fixture(scope="module", autouse=True)
def private_broker(tmp_path_factory):
    port = _free_port()
    proc = start_broker(port, tmp_path_factory.mktemp("mosquitto"))
    BROKER["port"] = port
    yield port
    proc.terminate()
    proc.wait(5)


@pytest.fixture
def elder(db):
    elder = register(db, name="张秀英", phone="13912345678", address="6号楼3单元201", sender_id="web:r-zhang")
    for device_id, kind in (("wm-201", "water"), ("door-201", "door"), ("sos-201", "sos")):
        add_device(db, device_id=device_id, care_id=elder.id, kind=kind)
    return elder


def _subscriber(db, prefix: str, *, client_id: str | None = None, persistent: bool = False,
                port: int | None = None) -> SensorSubscriber:
    sub = SensorSubscriber(db, url=f"mqtt://127.0.0.1:{port or BROKER['port']}", prefix=prefix,
                           client_id=client_id or f"butler-test-{uuid.uuid4().hex[:8]}", persistent=persistent)
    sub.start()
    assert sub.subscribed.wait(10), "no subscription to the broker"
    return sub


@pytest.fixture
def prefix() -> str:
    return f"butler-test/{uuid.uuid4().hex[:8]}/sensors"  # the shared broker: a topic of our own


@pytest.fixture
def subscriber(db, prefix):
    sub = _subscriber(db, prefix)
    yield sub
    sub.stop()


def test_readings_through_the_broker_are_stored_as_signs_of_life(db, elder, prefix, subscriber):
    # A reading's own time is kept (an hour ago: readings stamped in the future are taken as now).
    read_at = (project_clock.now().astimezone(TZ) - timedelta(hours=1)).replace(microsecond=0)
    send(f"{prefix}/wm-201", {"kind": "water", "value": 0.012, "ts": read_at.isoformat()})
    send(f"{prefix}/door-201", {"kind": "door", "value": 1})
    stored = wait_for(lambda: len(signs(db)) == 2 and signs(db))
    assert stored, subscriber.stats
    water, door = sorted(stored, key=lambda s: s.kind == "door")
    assert (water.source, water.kind, water.device_id, water.value) == ("sensor", "water", "wm-201", 0.012)
    assert water.at == read_at
    assert (door.kind, door.value) == ("door", 1.0)
    assert subscriber.stats["stored"] == 2


def test_bad_messages_are_logged_counted_and_lose_nothing_else(db, elder, prefix, subscriber):
    send(f"{prefix}/wm-201", b"\xff\xfe not json")
    send(f"{prefix}/wm-201", {"kind": "fridge", "value": 1})
    send(f"{prefix}/wm-201", {"kind": "water", "value": "lots"})
    send(f"{prefix}/wm-201", {"kind": "water", "value": 1, "ts": "yesterday"})
    send(f"{prefix}/wm-201", [1, 2, 3])
    send(f"{prefix}/nobody-9", {"kind": "water", "value": 1})
    send(f"{prefix}/door-201", {"kind": "water", "value": 1})
    send(f"{prefix}/wm-201", {"kind": "water", "value": 0.5})
    assert wait_for(lambda: sum(subscriber.stats.values()) == 8), subscriber.stats
    assert dict(subscriber.stats) == {"malformed": 5, "unknown_device": 1, "wrong_kind": 1, "stored": 1}
    [good] = signs(db)
    assert (good.device_id, good.value) == ("wm-201", 0.5)


def test_a_water_meter_reporting_no_use_is_stored_but_is_no_sign_of_life(db, elder):
    from assistant.care.service import last_signs

    handle_reading(db, "wm-201", b'{"kind": "water", "value": 0}')
    assert len(signs(db)) == 1
    with db.session() as session:
        assert last_signs(session) == {}


def test_an_sos_press_is_an_emergency_ticket_listed_for_staff(app_env, client, tokens, prefix):
    warm_up()  # as `butler care sensors` does at start
    db = app_env
    elder = register(db, name="王大爷", phone="13912340000", address="2号楼1单元101")
    add_device(db, device_id="sos-101", care_id=elder.id, kind="sos")
    sub = _subscriber(db, prefix)
    try:
        send(f"{prefix}/sos-101", {"kind": "sos", "value": 1})

        def emergency():
            with db.session() as session:
                return session.scalars(select(Ticket).where(Ticket.urgency == "emergency")).first()

        ticket = wait_for(emergency, timeout=30.0)  # a generous bound on a busy machine
        assert ticket is not None, sub.stats
        assert "一键呼救" in ticket.description and ticket.address == "2号楼1单元101"
        send(f"{prefix}/sos-101", {"kind": "sos", "value": 1})  # pressed again: nothing new
        assert wait_for(lambda: sub.stats["sos_repeat"] == 1), sub.stats
    finally:
        sub.stop()
    response = client.get("/api/v1/tickets", params={"urgency": "emergency"},
                          headers={"Authorization": f"Bearer {tokens['dispatcher']}"})
    assert response.status_code == 200
    items = response.json()["items"]
    assert [t["id"] for t in items] == [ticket.id]
    assert items[0]["contact_phone"] == "139****0000"


def test_readings_sent_while_the_subscriber_is_down_arrive_when_it_is_back(db, elder, prefix):
    client_id = f"butler-test-{uuid.uuid4().hex[:8]}"
    first = _subscriber(db, prefix, client_id=client_id, persistent=True)
    first.stop()
    send(f"{prefix}/door-201", {"kind": "door", "value": 1})
    again = _subscriber(db, prefix, client_id=client_id, persistent=True)
    try:
        assert wait_for(lambda: len(signs(db)) == 1), again.stats
    finally:
        again.stop()
        again.client.reinitialise(client_id=client_id, clean_session=True)  # leave no session on the broker


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_subscriber_comes_back_after_a_broker_restart(db, elder, prefix, tmp_path):
    port = _free_port()  # a broker of its own, to restart

    def broker():
        return start_broker(port, tmp_path)

    proc = broker()
    sub = _subscriber(db, prefix, port=port)
    try:
        send(f"{prefix}/door-201", {"kind": "door", "value": 1}, port=port)
        assert wait_for(lambda: len(signs(db)) == 1)
        proc.terminate()
        proc.wait(5)
        assert wait_for(lambda: not sub.subscribed.is_set(), timeout=5)
        proc = broker()
        assert sub.subscribed.wait(15), "the subscriber did not come back"
        send(f"{prefix}/door-201", {"kind": "door", "value": 1}, port=port)
        assert wait_for(lambda: len(signs(db)) == 2), sub.stats
    finally:
        sub.stop()
        proc.terminate()
        proc.wait(5)


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def test_butler_care_sensors_files_an_sos_and_stops_on_sigterm(db, elder, prefix, tmp_path):
    import os
    import signal
    import sys
    import threading
    from pathlib import Path

    from assistant.settings import PROJECT_ROOT

    client_id = f"butler-test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "BUTLER_DATABASE_URL": db.url, "BUTLER_DATA_DIR": str(tmp_path / "var"),
           "BUTLER_MQTT_URL": f"mqtt://127.0.0.1:{BROKER['port']}", "BUTLER_MQTT_TOPIC_PREFIX": prefix,
           "BUTLER_MQTT_CLIENT_ID": client_id, "BUTLER_ALERT_WEBHOOK_URL": ""}
    butler = Path(sys.executable).with_name("butler")
    proc = subprocess.Popen([str(butler), "care", "sensors"], cwd=PROJECT_ROOT, env=env, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(iter(proc.stderr.readline, "")), daemon=True).start()
    try:
        assert wait_for(lambda: any("care_sensors_subscribed" in line for line in lines), timeout=120), lines[-5:]
        send(f"{prefix}/sos-201", {"kind": "sos", "value": 1})

        def emergency():
            with db.session() as session:
                return session.scalars(select(Ticket).where(Ticket.urgency == "emergency")).first()

        assert wait_for(emergency, timeout=30.0), lines[-5:]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
        assert any("care_sensors_stopped" in line and '"sos": 1' in line for line in lines), lines[-3:]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        # Drop the persistent session the command left on the broker.
        cleaner = SensorSubscriber(db, prefix=prefix, client_id=client_id, persistent=False)
        cleaner.client.connect("127.0.0.1", BROKER["port"])
        cleaner.client.disconnect()


def test_an_sos_whose_ticket_could_not_be_filed_is_filed_at_the_next_press(db, elder, monkeypatch):
    """Filing fails once (a fault injected where the database cannot be made to fail on
    cue): that press leaves no sign, so the next press files the ticket instead of being
    taken for a repeat of a press nobody answered."""
    import assistant.care.sensors as sensors

    real = sensors.file_sos
    calls = {"n": 0}

    def failing_once(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("database is locked")
        return real(*args, **kwargs)

    monkeypatch.setattr(sensors, "file_sos", failing_once)
    with pytest.raises(RuntimeError):
        handle_reading(db, "sos-201", b'{"kind": "sos", "value": 1}')
    assert [s for s in signs(db) if s.kind == "sos"] == []
    assert handle_reading(db, "sos-201", b'{"kind": "sos", "value": 1}') == "sos"
    assert handle_reading(db, "sos-201", b'{"kind": "sos", "value": 1}') == "sos_repeat"
    with db.session() as session:
        assert len(session.scalars(select(Ticket).where(Ticket.urgency == "emergency")).all()) == 1
