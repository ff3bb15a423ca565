"""Fixtures of the care tests."""

from __future__ import annotations

import pytest
import structlog


@pytest.fixture(autouse=True)
def _structlog_configuration_restored():
    """`butler care` configures structlog for its process (JSON on stderr); a test that
    runs it in-process puts the suite's configuration back afterwards."""
    saved = structlog.get_config()
    yield
    structlog.configure(**saved)
