"""Schemathesis over the gateway's whole OpenAPI schema, in-process (ASGI).

Every operation of ``/openapi.json`` gets generated requests (valid and invalid ones),
sent to the real application on a fresh, migrated SQLite database that holds a ticket,
a booking, a hand-off and an unanswered question, and each answer must:

- never be a server error (``not_a_server_error``);
- have a status code the schema declares for that operation (``status_code_conformance``);
- have a declared content type (``content_type_conformance``);
- match the declared body schema (``response_schema_conformance``).

Staff routes are called with an admin token, the chat with a trusted integration's
key (a staff token is not a chat credential), Open311 without a credential (its
public view). Rasa and the action server are not running (their URLs point at a
closed port): the dialogue routes answer as they do when the engine is down, which
is part of what the schema must describe. Examples per operation are bounded
(``FUZZ_EXAMPLES``, default 20) so the module runs in about a minute on 2 cores.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from assistant import clock
from assistant.db import Database, get_database, upgrade



def not_a_server_error_unless_declared_unavailable(ctx, response, case):
    """``not_a_server_error``, except a 503 the operation declares: the documented
    answer while a dependency is down (here the dialogue engine, the knowledge base
    and the embedding model are absent on purpose). A 500, or an undeclared 5xx, fails."""
    if response.status_code == 503 and "503" in case.operation.definition.raw.get("responses", {}):
        return None
    return not_a_server_error(ctx, response, case)


CHECKS = [not_a_server_error_unless_declared_unavailable, status_code_conformance, content_type_conformance,
          response_schema_conformance]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
CHAT_KEY = "fuzz-integration-key-0123456789abcdef"
OPEN311_KEY = "fuzz-open311-key"


def _seed(database: Database) -> dict[str, str]:
    """One of each thing the staff routes list, so their answers carry real rows; the
    ids of the ticket and the booking."""
    from assistant.booking.service import BookingError, book
    from assistant.kb.unanswered import record_unanswered
    from assistant.residents.service import remember_contact, request_handoff
    from assistant.tickets.service import file_ticket

    ticket = file_ticket(database, description="3号楼楼下的路灯坏了好几天了，晚上黑乎乎的", sender_id="web:fuzz-1",
                address="3号楼", contact_phone="13912345678")
    with database.session() as session:
        remember_contact(session, "web:fuzz-2", phone="13800001111")
        request_handoff(session, "web:fuzz-2", "asked", last_message="我要找工作人员")
        record_unanswered(session, "web:fuzz-3", "小区能养几条狗？")
    day = clock.local_now().date()
    for offset in range(1, 15):  # the first day the canteen takes bookings
        try:
            booking = book(database, sender_id="web:fuzz-4", service="助餐", phone="13700002222",
                           starts_at=datetime.combine(day + timedelta(days=offset), datetime.min.time()).replace(hour=12))
        except BookingError:
            continue
        return {"GD_SEEDED": ticket.ticket.id, "YY_SEEDED": booking.id}
    raise AssertionError("no canteen slot free in the next two weeks")


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory) -> Iterator[tuple[object, str, dict[str, str]]]:
    from assistant.api.app import create_app
    from assistant.auth.service import create_user, issue_token
    from assistant.settings import get_settings

    tmp = tmp_path_factory.mktemp("fuzz")
    url = f"sqlite:///{tmp / 'butler.db'}"
    upgrade(url)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BUTLER_DATABASE_URL", url)
        mp.setenv("BUTLER_DATA_DIR", str(tmp / "var"))
        mp.setenv("BUTLER_OPEN311_API_KEY", OPEN311_KEY)
        mp.setenv("BUTLER_CHAT_API_KEY", f"fuzz:{CHAT_KEY}")
        mp.setenv("BUTLER_ALERT_WEBHOOK_URL", "")
        # Nothing listens on port 9: the dialogue engine is down, fast.
        mp.setenv("BUTLER_RASA_URL", "http://127.0.0.1:9")
        mp.setenv("BUTLER_ACTION_SERVER_URL", "http://127.0.0.1:9")
        # Limits have their own tests (test_limits.py); here they would only turn
        # most generated chats into 429s.
        mp.setenv("BUTLER_CHAT_RATE_LIMIT", "100000/minute")
        mp.setenv("BUTLER_CHAT_IP_RATE_LIMIT", "100000/minute")
        get_settings.cache_clear()
        get_database.cache_clear()
        database = get_database()
        ids = _seed(database)
        with database.session() as session:
            token = issue_token(get_settings(), create_user(session, "fuzz-admin", "correct-horse-battery", "admin"))
        try:
            yield create_app(get_settings()), token, ids
        finally:
            get_database().dispose()
            get_settings.cache_clear()
            get_database.cache_clear()


def _schema() -> dict:
    """The application's OpenAPI document, read at collection (the routes and their
    declarations do not depend on settings; the requests go to ``fuzz_app``).
    (schemathesis.pytest.from_fixture would load it lazily, but it sets a pytest node
    attribute that pytest 9 no longer has.)"""
    from assistant.api.app import create_app
    from assistant.settings import Settings

    return create_app(Settings()).openapi()


schema = schemathesis.openapi.from_dict(_schema())


def credentials(path: str, token: str) -> dict[str, str]:
    if path == "/api/v1/chat":
        return {"Authorization": f"Bearer {CHAT_KEY}"}
    if path.startswith("/open311/"):
        return {}
    return {"Authorization": f"Bearer {token}"}


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, print_blob=True,
          suppress_health_check=list(HealthCheck))
def test_every_operation_conforms_and_never_fails(case, fuzz_app):
    app, admin_token, _ids = fuzz_app
    headers = credentials(case.path, admin_token)
    if case.headers and "authorization" in {k.lower() for k in case.headers}:
        headers = {}  # the generated credential is what is under test
    case.call_and_validate(app=app, headers=headers, checks=CHECKS)


# The seeded rows, read back whole: every list and detail route answered with real data,
# without filters (the generated requests above may filter every row out).
SEEDED_READS = [
    ("/api/v1/handoffs", {}), ("/api/v1/tickets", {}), ("/api/v1/tickets/{ticket_id}", {"ticket_id": "GD_SEEDED"}),
    ("/api/v1/tickets/export", {}), ("/api/v1/tickets/options", {}), ("/api/v1/bookings", {}),
    ("/api/v1/bookings/{booking_id}", {"booking_id": "YY_SEEDED"}), ("/api/v1/booking/reminders", {}),
    ("/api/v1/booking/catalogue", {}), ("/api/v1/kb/unanswered", {}), ("/open311/v2/requests.json", {}),
    ("/open311/v2/services.json", {}),
]


@pytest.mark.parametrize(("path", "path_parameters"), SEEDED_READS, ids=[p for p, _ in SEEDED_READS])
def test_seeded_rows_conform(path, path_parameters, fuzz_app):
    app, admin_token, seeded_ids = fuzz_app
    resolved = {name: seeded_ids.get(value, value) for name, value in path_parameters.items()}
    case = schema[path]["GET"].Case(path_parameters=resolved)
    response = case.call_and_validate(app=app, headers=credentials(path, admin_token), checks=CHECKS)
    assert response.status_code == 200, response.text
    if not path.endswith(("options", "catalogue", "services.json", "export")):
        assert response.json(), f"{path} listed nothing: the seed is missing"
