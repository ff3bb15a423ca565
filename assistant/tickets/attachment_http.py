"""How a resident's photo is served over HTTP, one rule for the JSON API
(``GET /api/v1/tickets/{id}/attachments/{aid}``) and the console
(``GET /console/tickets/{id}/attachments/{aid}``):

- ``parse_attachment_id(text)``: the id in the path, or None for anything that is not
  one (``"²"`` is a digit to ``str.isdigit`` but not to ``int``; a 30-digit number
  does not fit SQLite's integer; a sign, a space, zero). Both routes answer None with 404.
- ``photo_response(row, data)``: the bytes with the headers that keep a browser from
  running them (nosniff, a sandboxing CSP, no caching, inline with a plain file name).
"""

from __future__ import annotations

from fastapi.responses import Response

from assistant.tickets.attachments import TYPES
from assistant.tickets.models import TicketAttachment

# Far more photos than any install keeps, and far inside SQLite's 64-bit integer.
MAX_ID_DIGITS = 12


def parse_attachment_id(text: str) -> int | None:
    """The attachment id ``text`` names (ASCII digits only, at most 12, not 0), else None."""
    if not text or len(text) > MAX_ID_DIGITS or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if value >= 1 else None


def photo_response(row: TicketAttachment, data: bytes) -> Response:
    """A stored photo's bytes as a response (its type was sniffed when it was stored)."""
    extension = TYPES.get(row.content_type, "")
    return Response(data, media_type=row.content_type, headers={
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-store",
        "Content-Disposition": f'inline; filename="{row.ticket_id}-{row.id}{extension}"'})
