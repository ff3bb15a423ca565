"""Shared helpers of the safety tests (one reading of a message, quiet: no log lines)."""

from __future__ import annotations

from assistant.safety import SafetyVerdict, assess


def verdict(text: str) -> SafetyVerdict:
    return assess(text, quiet=True)


def fires(text: str) -> bool:
    return verdict(text).emergency


def kinds(text: str) -> tuple[str, ...]:
    return verdict(text).kinds
