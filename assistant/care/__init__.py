"""Elder care (issue #14): the register of residents who live alone or need watching,
their daily check-in (报平安), signs of life from check-ins and home sensors, and the
escalation ladder that turns silence into prompts, a care ticket to the grid worker and
an urgent alert.

- ``models.py``: the tables (Alembic branch ``care``);
- ``service.py``: the register, signs of life, ``record_checkin``;
- ``ladder.py``: ``sweep(db, now)``, the escalation ladder (idempotent);
- ``sensors.py``: the MQTT subscriber (``butler/sensors/<device_id>``);
- ``cli.py``: ``butler care ...``.
"""
