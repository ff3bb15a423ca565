"""Home sensors over MQTT (issue #14): readings become signs of life, an SOS press an
emergency ticket at once.

Contract (docs for integrators):

- topic ``<prefix>/<DEVICE_ID>``, prefix ``butler/sensors`` by default; the device is
  mapped to an elder with ``butler care device add DEVICE_ID --care-id ID --kind KIND``;
- payload JSON ``{"kind": "water", "value": 0.012, "ts": "2026-12-05T08:00:00+08:00"}``:
  ``kind`` one of water | door | motion | sos and the device's own kind; ``value`` a
  number (1 for a door, motion or sos event; a water meter's use since its last
  reading, 0 = no use); ``ts`` optional, ISO 8601 (a time without an offset is local
  time; none: the time it arrived);
- QoS 1; the subscriber keeps a persistent session (client id ``butler-care-sensors``),
  so readings published while it is down are delivered when it is back.

Every reading is stored (``care_signs``); a reading with a value above 0 (or an event)
is a sign of life for the ladder. An ``sos`` reading files an emergency ticket at once
through the ticket service (staff alerted through the tickets' emergency alert path);
a second press within ``SOS_REPEAT`` is stored but files nothing new. A malformed
payload, an unknown device or a kind that is not the device's is logged and counted
(``SensorSubscriber.stats``), never raised: the subscriber goes on with the next message.

Where it connects: ``BUTLER_MQTT_URL`` (default ``mqtt://127.0.0.1:1883``),
``BUTLER_MQTT_TOPIC_PREFIX`` (default ``butler/sensors``) and ``BUTLER_MQTT_CLIENT_ID``
(default ``butler-care-sensors``), read from the settings object when it has them,
else from the environment.
"""

from __future__ import annotations

import json
import math
import os
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlparse

import structlog
from sqlalchemy import select

from assistant import clock
from assistant.care.models import DEVICE_KINDS, CareResident, CareSign
from assistant.care.service import CARE_CATEGORY, device, record_sign
from assistant.db import Database
from assistant.privacy import mask_name

log = structlog.get_logger(__name__)

DEFAULT_URL = "mqtt://127.0.0.1:1883"
DEFAULT_PREFIX = "butler/sensors"
CLIENT_ID = "butler-care-sensors"
MAX_PAYLOAD = 4096
# A second SOS press from the same elder this soon after the first files nothing new.
SOS_REPEAT = timedelta(minutes=15)


class BadReading(ValueError):
    """A message that is not a reading of the contract; ``reason`` is counted."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class Reading:
    device_id: str
    kind: str
    value: float
    ts: datetime | None


def parse_reading(device_id: str, payload: bytes) -> Reading:
    """The reading a payload carries, or ``BadReading``."""
    if len(payload) > MAX_PAYLOAD:
        raise BadReading("malformed", f"payload of {len(payload)} bytes")
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadReading("malformed", f"not JSON ({exc.__class__.__name__})") from None
    if not isinstance(data, dict):
        raise BadReading("malformed", "not a JSON object")
    kind = data.get("kind")
    if kind not in DEVICE_KINDS:
        raise BadReading("malformed", f"kind {str(kind)[:20]!r}")
    value = data.get("value", 1)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise BadReading("malformed", f"value {str(value)[:20]!r}")
    ts = data.get("ts")
    when = None
    if ts is not None:
        try:
            when = datetime.fromisoformat(str(ts))
        except ValueError:
            raise BadReading("malformed", f"ts {str(ts)[:40]!r}") from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=clock.TZ)
    return Reading(device_id=device_id, kind=kind, value=float(value), ts=when)


def handle_reading(db: Database, device_id: str, payload: bytes, now: datetime | None = None) -> str:
    """Store one message of a sensor. Returns what became of it: ``stored``, ``sos``
    (emergency ticket filed), ``sos_repeat``; raises ``BadReading`` (``malformed``,
    ``unknown_device``, ``wrong_kind``)."""
    now = now or clock.now()
    reading = parse_reading(device_id, payload)
    with db.session() as session:
        mapped = device(session, device_id)
        if mapped is None:
            raise BadReading("unknown_device", device_id[:64])
        if mapped.kind != reading.kind:
            raise BadReading("wrong_kind", f"{device_id[:64]} is {mapped.kind}, reading says {reading.kind}")
        elder = session.get(CareResident, mapped.care_id)
        session.expunge(elder)
        previous_sos = None
        if reading.kind == "sos":
            previous_sos = session.scalars(select(CareSign.at).where(
                CareSign.care_id == elder.id, CareSign.kind == "sos", CareSign.at >= now - SOS_REPEAT)
                .order_by(CareSign.at.desc()).limit(1)).first()
    if reading.kind == "sos" and previous_sos is None:
        # The ticket first, the sign after it: a press whose ticket could not be filed
        # (database locked, process killed) leaves no sign, so the next press (or MQTT's
        # redelivery) files it instead of being taken for a repeat.
        file_sos(db, elder, device_id, now=now)
    record_sign(db, care_id=elder.id, source="sensor", kind=reading.kind, device_id=device_id, value=reading.value,
                at=reading.ts, now=now)
    if reading.kind != "sos":
        return "stored"
    if previous_sos is not None:
        log.warning("care_sos_repeat", care_id=elder.id, device_id=device_id)
        return "sos_repeat"
    return "sos"


def file_sos(db: Database, elder: CareResident, device_id: str, now: datetime | None = None) -> str:
    """An SOS press: an emergency ticket at once (the ticket service alerts staff)."""
    from assistant.tickets.service import file_ticket

    filed = file_ticket(db, description=(f"一键呼救：独居老人 {mask_name(elder.name)}（登记号 {elder.id}）"
                                         f"按了呼救按钮（设备 {device_id}）。地址：{elder.address}。请马上上门。"),
                        address=elder.address, contact_name=elder.name, contact_phone=elder.phone, channel="care",
                        category=CARE_CATEGORY, force_urgency="emergency", check_duplicates=False,
                        actor="system:care", now=now)
    log.warning("care_sos", care_id=elder.id, device_id=device_id, ticket_id=filed.ticket.id, alerted=filed.alerted)
    return filed.ticket.id


def warm_up() -> None:
    """Load what filing an emergency ticket needs (the sentiment and urgency scorers,
    the safety net) before the first SOS, so the first press files within seconds."""
    from assistant.safety import warm_up as safety_warm_up
    from assistant.tickets.sentiment import assess_urgency, score_sentiment

    text = "一键呼救：老人按了呼救按钮"
    assess_urgency(text, score_sentiment(text))
    safety_warm_up()


def mqtt_config() -> tuple[str, str, str]:
    """(url, topic prefix, client id) from the settings (``BUTLER_MQTT_URL``,
    ``BUTLER_MQTT_TOPIC_PREFIX``, ``BUTLER_MQTT_CLIENT_ID``), the defaults where empty."""
    from assistant.settings import Settings

    settings = Settings()  # read now, not cached: the subscriber's process may be configured late
    return (settings.mqtt_url or DEFAULT_URL, (settings.mqtt_topic_prefix or DEFAULT_PREFIX).rstrip("/"),
            settings.mqtt_client_id or CLIENT_ID)


class SensorSubscriber:
    """Subscribes to ``<prefix>/+`` and hands every message to ``handle_reading``.
    ``stats`` counts outcomes (stored, sos, sos_repeat, malformed, unknown_device,
    wrong_kind, error). paho's network loop reconnects by itself after a broker restart."""

    def __init__(self, db: Database, *, url: str = DEFAULT_URL, prefix: str = DEFAULT_PREFIX,
                 client_id: str = CLIENT_ID, persistent: bool = True):
        import paho.mqtt.client as mqtt

        parsed = urlparse(url)
        if parsed.scheme not in ("mqtt", "tcp") or not parsed.hostname:
            raise ValueError(f"an MQTT URL looks like mqtt://127.0.0.1:1883, not {url!r}")
        self.db = db
        self.host, self.port = parsed.hostname, parsed.port or 1883
        self.prefix = prefix.rstrip("/")
        self.topic = f"{self.prefix}/+"
        self.stats: Counter[str] = Counter()
        self.subscribed = threading.Event()
        self._lock = threading.Lock()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id,
                                  clean_session=not persistent)
        if parsed.username:
            self.client.username_pw_set(parsed.username, parsed.password)
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message
        self.client.on_disconnect = self._on_disconnect

    # paho callbacks (its network thread)
    def _on_connect(self, client, _userdata, _flags, reason_code, _properties) -> None:
        if reason_code.is_failure:
            log.error("care_sensors_connect_failed", reason=str(reason_code))
            return
        log.info("care_sensors_connected", host=self.host, port=self.port, topic=self.topic)
        client.subscribe(self.topic, qos=1)

    def _on_subscribe(self, _client, _userdata, _mid, _reason_codes, _properties) -> None:
        log.info("care_sensors_subscribed", topic=self.topic)
        self.subscribed.set()

    def _on_disconnect(self, _client, _userdata, _flags, reason_code, _properties) -> None:
        self.subscribed.clear()
        log.warning("care_sensors_disconnected", reason=str(reason_code))

    def _on_message(self, _client, _userdata, message) -> None:
        self.handle(message.topic, message.payload)

    def handle(self, topic: str, payload: bytes) -> str:
        """One message; never raises."""
        device_id = topic[len(self.prefix) + 1:] if topic.startswith(self.prefix + "/") else ""
        try:
            if not device_id or "/" in device_id:
                raise BadReading("malformed", f"topic {topic[:120]!r}")
            outcome = handle_reading(self.db, device_id, payload)
        except BadReading as exc:
            outcome = exc.reason
            log.warning("care_sensor_rejected", reason=exc.reason, detail=str(exc)[:200], topic=topic[:120],
                        count=self.stats[outcome] + 1)
        except Exception:  # noqa: BLE001 - a database hiccup must not stop the subscriber
            outcome = "error"
            log.exception("care_sensor_failed", topic=topic[:120])
        with self._lock:
            self.stats[outcome] += 1
        return outcome

    def start(self) -> None:
        """Connect and run the network loop in a background thread."""
        self.client.connect_async(self.host, self.port, keepalive=30)
        self.client.loop_start()

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def run_forever(self) -> None:
        self.client.connect_async(self.host, self.port, keepalive=30)
        self.client.loop_forever(retry_first_connection=True)


# After SIGTERM / Ctrl-C, how long a clean MQTT shutdown may take before the process exits.
STOP_GRACE_SECONDS = 5.0


def run_forever() -> None:
    """``butler care sensors``: warm up, then subscribe until Ctrl-C / SIGTERM."""
    from assistant.db import get_database
    from assistant.shutdown import stop_on_signals

    url, prefix, client_id = mqtt_config()
    warm_up()
    subscriber = SensorSubscriber(get_database(), url=url, prefix=prefix, client_id=client_id)
    stop = threading.Event()

    def _exit_after_grace() -> None:
        # paho's loop_stop() can wait on a connect that never completes (a broker that is
        # gone): the supervisor's death (PR_SET_PDEATHSIG) must end this process anyway.
        timer = threading.Timer(STOP_GRACE_SECONDS, os._exit, args=(0,))
        timer.daemon = True
        timer.start()

    stop_on_signals(stop, also=_exit_after_grace)
    subscriber.start()
    log.info("care_sensors_started", url=url, topic=subscriber.topic)
    try:
        while not stop.wait(60):
            log.info("care_sensors_stats", **dict(subscriber.stats))
    finally:
        subscriber.stop()
        log.info("care_sensors_stopped", **dict(subscriber.stats))
