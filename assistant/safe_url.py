"""URLs the butler stores or shows: http(s) only (one rule, one place).

A ``javascript:``, ``data:`` or ``file:`` URL stored as a complaint's photo would run or
leak in a staff member's browser; anything that is not an absolute http(s) URL with a
host is refused (``UnsafeUrl``, a ``ValueError``; APIs answer 4xx ``bad_media_url``)."""

from __future__ import annotations

from pydantic import AnyHttpUrl, TypeAdapter, ValidationError

MAX_URL_LENGTH = 512
_HTTP_URL = TypeAdapter(AnyHttpUrl)


class UnsafeUrl(ValueError):
    code = "bad_media_url"


def http_url(value: str | None) -> str | None:
    """``value`` stripped when it is an absolute http(s) URL with a host; None for
    nothing; ``UnsafeUrl`` otherwise."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if len(value) > MAX_URL_LENGTH:
        raise UnsafeUrl(f"a URL is limited to {MAX_URL_LENGTH} characters")
    try:
        parsed = _HTTP_URL.validate_python(value)
    except ValidationError:
        raise UnsafeUrl("only http(s) URLs are accepted") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise UnsafeUrl("only http(s) URLs are accepted")
    return value
