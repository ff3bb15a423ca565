"""What a chat client may send as ``metadata``: a shared location and a photo link,
nothing else, and small.

``ChatMetadata`` is the type of ``ChatRequest.metadata``: a plain ``dict`` after
validation (the dialogue passes it to Rasa as it is), or a 422 ``invalid_request``:

- at most ``MAX_METADATA_BYTES`` (2 KB) as JSON;
- keys: ``location`` ({lat, long} or the spellings browsers and Telegram use), the same
  coordinates at the top level, ``photo_url``/``media_url`` (http(s) only,
  ``assistant.safe_url``); ``butler_safety`` is accepted and dropped (only the gateway's
  safety net sets it);
- coordinates are numbers within their ranges.
"""

from __future__ import annotations

import json
import math
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from assistant.safe_url import UnsafeUrl, http_url

MAX_METADATA_BYTES = 2048
LATITUDE_KEYS = frozenset({"lat", "latitude"})
LONGITUDE_KEYS = frozenset({"long", "lon", "lng", "longitude"})
URL_KEYS = frozenset({"photo_url", "media_url"})
DROPPED_KEYS = frozenset({"butler_safety"})
ALLOWED_KEYS = LATITUDE_KEYS | LONGITUDE_KEYS | URL_KEYS | DROPPED_KEYS | {"location"}


def _coordinate(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{key} must be a number")
    bound = 90 if key in LATITUDE_KEYS else 180
    if not -bound <= value <= bound:
        raise ValueError(f"{key} must be between -{bound} and {bound}")
    return float(value)


def _coordinates(where: str, values: dict) -> dict[str, float]:
    return {key: _coordinate(f"{where}{key}", value) for key, value in values.items()
            if key in LATITUDE_KEYS | LONGITUDE_KEYS}


def check_metadata(value: dict | None) -> dict | None:
    if value is None:
        return None
    size = len(json.dumps(value, ensure_ascii=False, default=str).encode())
    if size > MAX_METADATA_BYTES:
        raise ValueError(f"metadata is limited to {MAX_METADATA_BYTES} bytes as JSON")
    unknown = sorted(set(value) - ALLOWED_KEYS)
    if unknown:
        raise ValueError(f"metadata keys not accepted: {', '.join(unknown[:5])} "
                         f"(accepted: location, lat, long, photo_url, media_url)")
    clean: dict[str, Any] = _coordinates("", value)
    location = value.get("location")
    if location is not None:
        if not isinstance(location, dict) or set(location) - (LATITUDE_KEYS | LONGITUDE_KEYS):
            raise ValueError("location must be {lat, long}")
        clean["location"] = _coordinates("location.", location)
    for key in URL_KEYS & set(value):
        if not isinstance(value[key], str):
            raise ValueError(f"{key} must be a URL")
        try:
            url = http_url(value[key])
        except UnsafeUrl as exc:
            raise ValueError(f"{key}: {exc}") from None
        if url is not None:
            clean[key] = url
    return clean


ChatMetadata = Annotated[dict | None, AfterValidator(check_metadata),
                         Field(default=None, description="a shared location {lat, long} (or under location) "
                                                         "and a photo link photo_url (http(s)); at most 2 KB")]
