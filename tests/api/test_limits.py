"""Abuse limits of the gateway: the body cap on every route (over a real socket, so a
20 MB body is seen being refused before it is read), chat rate limits per address
and per identity, and the security headers on every response."""

from __future__ import annotations

import json
import select
import socket
import threading
import time

import pytest
import uvicorn
from fastapi.testclient import TestClient

from assistant.api.headers import API_CSP


@pytest.fixture
def client(app_env, monkeypatch):
    # Rasa is "down": the chat answers with the degraded reply, fast.
    monkeypatch.setenv("BUTLER_RASA_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("BUTLER_CHAT_RATE_LIMIT", "3/minute")
    monkeypatch.setenv("BUTLER_CHAT_IP_RATE_LIMIT", "6/minute")
    from assistant.api.app import create_app
    from assistant.settings import get_settings

    get_settings.cache_clear()
    with TestClient(create_app(get_settings()), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def live_gateway(app_env, monkeypatch):
    """The gateway served by uvicorn on a free loopback port, as in production."""
    monkeypatch.setenv("BUTLER_RASA_URL", "http://127.0.0.1:9")
    from assistant.api.app import create_app
    from assistant.settings import get_settings

    get_settings.cache_clear()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(get_settings()), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the gateway did not start"
        time.sleep(0.05)
    yield port
    server.should_exit = True
    thread.join(timeout=10)


def _read_response(sock: socket.socket, timeout: float = 10.0) -> tuple[int, dict, bytes]:
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return int(lines[0].split()[1]), headers, body


def test_a_declared_20_mb_body_is_refused_before_any_of_it_is_sent(live_gateway):
    with socket.create_connection(("127.0.0.1", live_gateway)) as sock:
        sock.sendall(b"POST /api/v1/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 20971520\r\n\r\n")
        status, headers, body = _read_response(sock)  # not one byte of the body sent
    assert status == 413
    assert json.loads(body)["error"]["code"] == "payload_too_large"
    assert headers["x-content-type-options"] == "nosniff"


def test_a_chunked_20_mb_body_is_cut_off_near_the_cap(live_gateway):
    chunk = b"x" * 16384
    frame = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
    sent = 0
    with socket.create_connection(("127.0.0.1", live_gateway)) as sock:
        sock.sendall(b"POST /api/v1/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        try:
            while sent < 20 * 1024 * 1024:
                if select.select([sock], [], [], 0)[0]:
                    break  # the answer came: stop sending
                sock.sendall(frame)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        status, _, body = _read_response(sock)
    assert status == 413 and json.loads(body)["error"]["code"] == "payload_too_large"
    # The gateway stopped reading near the 64 KB cap; socket buffers hold the rest.
    assert sent < 8 * 1024 * 1024, sent


@pytest.mark.parametrize("path", ["/api/v1/chat", "/api/v1/auth/token", "/api/v1/nlu/parse"])
def test_every_route_caps_the_body(client, path):
    resp = client.post(path, content=b"{" + b" " * 70000 + b"}", headers={"content-type": "application/json"})
    assert resp.status_code == 413 and resp.json()["error"]["code"] == "payload_too_large"


def test_open311_keeps_its_own_error_shape_for_a_large_body(client):
    resp = client.post("/open311/v2/requests.json", content=b"description=" + b"x" * 70000,
                       headers={"content-type": "application/x-www-form-urlencoded"})
    assert resp.status_code == 413 and resp.json() == [{"code": 413, "description": resp.json()[0]["description"]}]


def test_a_body_under_the_cap_is_served(client):
    resp = client.post("/api/v1/chat", json={"text": "你好" * 900})
    assert resp.status_code == 200


def _as_new_resident(client):
    client.cookies.clear()
    return client


def test_chat_is_limited_per_identity_with_a_chinese_message(client):
    # The TestClient keeps the session cookie the first answer sets: one resident, whose
    # first message (before it had a session) is held by the per-address limit only.
    for _ in range(4):
        assert client.post("/api/v1/chat", json={"text": "你好"}).status_code == 200
    resp = client.post("/api/v1/chat", json={"text": "你好"})
    assert resp.status_code == 429
    error = resp.json()["error"]
    assert error["code"] == "rate_limited" and "请稍等" in error["message"] and "119" in error["message"]
    assert int(resp.headers["retry-after"]) >= 1
    # Another resident on the same address is not held back by the first one's limit.
    assert _as_new_resident(client).post("/api/v1/chat", json={"text": "你好"}).status_code == 200


def test_chat_is_limited_per_address_whatever_the_identity(client):
    codes = [_as_new_resident(client).post("/api/v1/chat", json={"text": "你好"}).status_code for _ in range(8)]
    assert codes[:6] == [200] * 6 and codes[6:] == [429, 429]


def test_a_session_token_header_is_the_identity_the_limit_counts(client):
    token = client.post("/api/v1/chat", json={"text": "你好"}).json()["session_token"]
    client.cookies.clear()
    codes = [client.post("/api/v1/chat", json={"text": "你好"}, headers={"X-Butler-Session": token}).status_code
             for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_a_trusted_integration_is_limited_per_user_not_per_address(app_env, monkeypatch):
    monkeypatch.setenv("BUTLER_RASA_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("BUTLER_CHAT_API_KEY", "wechat:integration-key-0123456789")
    monkeypatch.setenv("BUTLER_CHAT_RATE_LIMIT", "2/minute")
    monkeypatch.setenv("BUTLER_CHAT_IP_RATE_LIMIT", "3/minute")
    from assistant.api.app import create_app
    from assistant.settings import get_settings

    get_settings.cache_clear()
    auth = {"Authorization": "Bearer integration-key-0123456789"}
    with TestClient(create_app(get_settings()), raise_server_exceptions=False) as client:
        codes = {user: [client.post("/api/v1/chat", json={"sender_id": user, "text": "你好"}, headers=auth).status_code
                        for _ in range(3)] for user in ("u1", "u2", "u3")}
    # Nine messages from one address (over its limit of 3): each user gets 2.
    assert codes == {user: [200, 200, 429] for user in ("u1", "u2", "u3")}


def test_staff_routes_are_not_chat_limited(client):
    for _ in range(8):
        assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("method,path", [("get", "/healthz"), ("get", "/no-such-route"), ("get", "/openapi.json"),
                                         ("post", "/api/v1/auth/token"), ("get", "/open311/v2/services.json")])
def test_every_response_has_nosniff_and_a_csp(client, method, path):
    resp = getattr(client, method)(path)
    assert resp.status_code < 500
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert resp.headers["content-security-policy"] == API_CSP


def test_the_api_docs_page_gets_a_policy_that_lets_it_load(client):
    resp = client.get("/docs")
    assert resp.status_code == 200 and resp.headers["x-content-type-options"] == "nosniff"
    csp = resp.headers["content-security-policy"]
    # Every script and stylesheet the page loads is allowed by its policy.
    for url in ("https://cdn.jsdelivr.net/", "https://fastapi.tiangolo.com/"):
        if url in resp.text:
            assert url.rstrip("/") in csp
    assert "script-src 'self' 'unsafe-inline'" in csp and "frame-ancestors 'none'" in csp
