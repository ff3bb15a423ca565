"""Chat metadata is validated and small; URLs are http(s) only."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from assistant.api.chat_metadata import ChatMetadata
from assistant.safe_url import UnsafeUrl, http_url


class Body(BaseModel):
    metadata: ChatMetadata


def test_a_shared_location_and_a_photo_pass_through():
    meta = {"location": {"lat": 31.2304, "long": 121.4737}, "photo_url": "https://img.example.cn/a.jpg"}
    assert Body(metadata=meta).metadata == meta
    assert Body(metadata={"latitude": 31, "longitude": 121}).metadata == {"latitude": 31.0, "longitude": 121.0}
    assert Body().metadata is None


def test_the_clients_own_safety_verdict_is_dropped():
    assert Body(metadata={"butler_safety": {"emergency": True}, "lat": 1, "long": 2}).metadata == {
        "lat": 1.0, "long": 2.0}


@pytest.mark.parametrize("meta", [
    {"x": "y" * 10},                                    # unknown key
    {"lat": "31"}, {"lat": True}, {"lat": 91}, {"long": -181}, {"lat": float("nan")},
    {"location": "here"}, {"location": {"lat": 1, "note": "x"}},
    {"photo_url": "javascript:alert(1)"}, {"media_url": "data:text/html,<script>"},
    {"photo_url": "file:///etc/passwd"}, {"photo_url": "//evil.example/x"}, {"photo_url": 5},
    {"media_url": "https://example.cn/" + "a" * 600},
    {"lat": 1, "long": 2, "butler_safety": {"note": "x" * 3000}},  # 2 KB cap on the whole
])
def test_anything_else_is_refused(meta):
    with pytest.raises(ValidationError):
        Body(metadata=meta)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", " javascript:x", "data:,x",
                                 "vbscript:x", "ftp://example.cn/a", "http://", "example.cn/a.jpg"])
def test_only_http_urls_are_safe(url):
    with pytest.raises(UnsafeUrl):
        http_url(url)


def test_http_urls_are_kept():
    assert http_url(" https://img.example.cn/a.jpg ") == "https://img.example.cn/a.jpg"
    assert http_url("http://192.168.1.5/p.png") == "http://192.168.1.5/p.png"
    assert http_url(None) is None and http_url("") is None


def test_a_20_mb_metadata_field_is_refused_by_the_gateway(client):
    resp = client.post("/api/v1/chat", json={"text": "你好", "metadata": {"x": "y" * (20 * 1024 * 1024)}})
    assert resp.status_code == 413 and resp.json()["error"]["code"] == "payload_too_large"
