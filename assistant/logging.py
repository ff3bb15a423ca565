"""Structured logs (structlog) with personal data masked before anything is written.

Every string value of a structlog event is masked (phone and identity numbers, by
``assistant.privacy``), and so is every stdlib record (uvicorn, httpx, SQLAlchemy...)
through ``assistant.log_filter``. The supervisor masks its children's raw output once
more before it reaches ``logs/``."""

from __future__ import annotations

import logging
import sys

import structlog

from assistant import log_filter
from assistant.privacy import mask_text
from assistant.settings import Settings

# Event keys whose values are residents' personal data and never logged in clear.
_MASKED_KEYS = {"text", "message_text", "phone", "address", "name", "description"}


def _mask_personal_data(_logger, _method, event_dict: dict) -> dict:
    for key, value in list(event_dict.items()):
        if isinstance(value, str):
            event_dict[key] = mask_text(value)
        elif key in _MASKED_KEYS and value is not None:
            event_dict[key] = mask_text(str(value))
    return event_dict


def _mask_rendered(_logger, _method, rendered: str) -> str:
    return mask_text(rendered)


def configure_logging(settings: Settings) -> None:
    level = getattr(logging, settings.log_level.upper(), logging.INFO)
    logging.basicConfig(stream=sys.stderr, level=level, format="%(message)s")
    log_filter.install()
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
            _mask_rendered,  # nested values and exception text too
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
