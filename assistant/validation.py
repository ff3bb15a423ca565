"""One short, readable summary of a pydantic validation error, for the operators'
files (the booking catalogue, the holiday file) that report it on the CLI and API."""

from __future__ import annotations

from pydantic import ValidationError


def summarise(exc: ValidationError, limit: int = 5) -> str:
    """``field.path: message`` for the first ``limit`` errors, joined by "; "."""
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:limit])
