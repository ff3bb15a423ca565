"""The durable inbox (issue #12 item 5): every resident message is written to the
database before the resident is answered, with what became of it, so nothing
acknowledged is lost when Rasa, the action server or the gateway dies.

- ``service``: record, finish, list (``list_messages`` is the documented way for
  staff tools and ``bench/load.py`` to check that nothing acknowledged was lost);
- ``replay``: when the engine is back, messages only recorded in degraded mode are
  replayed to Rasa per sender in order, or handed over to staff when too old.

See docs/degraded.md.
"""
