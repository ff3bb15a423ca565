from __future__ import annotations

from datetime import datetime

import pytest

from assistant.booking.catalogue import DEFAULT_PATH, Catalogue, load_catalogue

# A Sunday morning in Asia/Shanghai (naive = local wall-clock, the storage convention).
NOW = datetime(2026, 11, 29, 10, 0)


@pytest.fixture
def catalogue() -> Catalogue:
    """The packaged catalogue, never a staff override lying around in var/."""
    return load_catalogue(DEFAULT_PATH)


@pytest.fixture
def now() -> datetime:
    return NOW
