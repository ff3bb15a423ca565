"""Personal data never reaches a process log: masking for stdlib logging and for raw
process output. Standard library only (plus ``assistant.privacy``), so that it imports
in both venvs (the application's and Rasa's).

- ``MaskPersonalData``: a ``logging.Filter`` that masks phone and identity numbers in
  each record's formatted message (and its traceback text);
- ``mask_line``: the same rule for one line of raw output. The supervisor passes every
  byte its children write (Rasa, the action server, the gateway, the reminders loop)
  through it before the line reaches ``<data_dir>/logs/``, so prints, tracebacks and
  third-party loggers are covered too, whatever each process's logging set-up.
"""

from __future__ import annotations

import logging

from assistant.privacy import mask_text


class MaskPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string is logged as it is
            return True
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        return True


def install(logger: logging.Logger | None = None) -> None:
    """Put the filter on every handler of ``logger`` (the root logger by default):
    a filter on a handler sees records propagated from every child logger."""
    logger = logger or logging.getLogger()
    for handler in logger.handlers:
        if not any(isinstance(f, MaskPersonalData) for f in handler.filters):
            handler.addFilter(MaskPersonalData())


def mask_line(line: bytes) -> bytes:
    text = line.decode("utf-8", errors="surrogateescape")
    masked = mask_text(text)
    return line if masked == text else masked.encode("utf-8", errors="surrogateescape")
