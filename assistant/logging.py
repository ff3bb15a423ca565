"""Structured logs (structlog) with personal data masked before anything is written."""

from __future__ import annotations

import logging
import sys

import structlog

from assistant.privacy import mask_text
from assistant.settings import Settings

# Event keys whose values are residents' personal data and never logged in clear.
_MASKED_KEYS = {"text", "message_text", "phone", "address", "name", "description"}


def _mask_personal_data(_logger, _method, event_dict: dict) -> dict:
    for key, value in list(event_dict.items()):
        if isinstance(value, str) and (key in _MASKED_KEYS or key == "event"):
            event_dict[key] = mask_text(value)
    return event_dict


def configure_logging(settings: Settings) -> None:
    level = getattr(logging, settings.log_level.upper(), logging.INFO)
    logging.basicConfig(stream=sys.stderr, level=level, format="%(message)s")
    # Libraries that narrate every request or migration step at INFO.
    for noisy in ("httpx", "httpcore", "alembic", "sentence_transformers", "jieba"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso"),
            _mask_personal_data,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
