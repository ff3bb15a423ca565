"""``Idempotency-Key`` on chat requests: a retry returns the first answer and never
reaches the dialogue a second time (so a complaint is never filed twice).

The key is scoped to the identity that sent it (the channel-namespaced sender), so two
residents using the same key never see each other's answers. A request claims its key
before it is sent to the dialogue (a row ``in_progress``), and stores its answer when
done. Another request with the same key then gets:

- the stored answer, while it is kept (``chat_idempotency_hours``);
- ``in_progress`` while the first is still running (the API waits a little, then
  answers 409 ``request_in_progress``); a claim older than ``stale_after`` was
  abandoned (the gateway died mid-request) and is taken over;
- ``mismatch`` when the key comes with a different message (422
  ``idempotency_key_reused``), as the IETF Idempotency-Key draft says.

SQLite serialises claims with ``BEGIN IMMEDIATE`` (and a claim, an answer or a release
that still meets "database is locked" is retried with back-off: ``retry_when_locked``);
on PostgreSQL the unique
(identity, key) constraint decides a race and the loser reads the winner's row.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import structlog
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from assistant import clock
from assistant.db import Database, retry_when_locked
from assistant.residents.models import ChatIdempotencyKey

log = structlog.get_logger(__name__)

MAX_KEY_LENGTH = 255
KEY_PATTERN = rf"^[\x21-\x7e]{{1,{MAX_KEY_LENGTH}}}$"  # visible ASCII, as valid_key() checks
# Expired answers are purged in a batch once every this many new claims.
PURGE_EVERY = 100


@dataclass
class Claim:
    state: Literal["new", "replay", "in_progress", "mismatch"]
    response: dict[str, Any] | None = None


def fingerprint(text: str, metadata: dict | None) -> str:
    """What makes two requests "the same": the message and its metadata."""
    canonical = json.dumps({"text": text, "metadata": metadata or {}}, sort_keys=True, ensure_ascii=False,
                           separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def valid_key(key: str) -> bool:
    """1-255 visible ASCII characters (a channel's message id, a UUID...)."""
    return 0 < len(key) <= MAX_KEY_LENGTH and all(33 <= ord(c) <= 126 for c in key)


def _utc(value: datetime) -> datetime:
    # SQLite gives back naive datetimes: they were written as UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def claim(db: Database, identity: str, key: str, request_fingerprint: str, *, ttl: timedelta,
          stale_after: timedelta, now: datetime | None = None) -> Claim:
    """Claim ``key`` for this request, or say what became of the request that holds it."""
    now = (now or clock.now()).astimezone(UTC)

    def attempt() -> Claim:
        with db.transaction() as session:
            # This key's answer, past its time, is forgotten first.
            session.execute(delete(ChatIdempotencyKey).where(
                ChatIdempotencyKey.identity == identity, ChatIdempotencyKey.key == key,
                ChatIdempotencyKey.expires_at <= now).execution_options(synchronize_session=False))
            row = session.scalars(select(ChatIdempotencyKey).where(
                ChatIdempotencyKey.identity == identity, ChatIdempotencyKey.key == key)
                .with_for_update()).first()
            if row is None:
                session.add(ChatIdempotencyKey(identity=identity, key=key, fingerprint=request_fingerprint,
                                               status="in_progress", response=None, started_at=now,
                                               expires_at=now + ttl))
            elif row.fingerprint != request_fingerprint:
                return Claim("mismatch")
            elif row.status == "done":
                return Claim("replay", row.response)
            elif now - _utc(row.started_at) < stale_after:
                return Claim("in_progress")
            else:  # abandoned (the gateway died while it ran): this request takes it over
                row.started_at, row.expires_at = now, now + ttl
            session.flush()
        return Claim("new")

    for _ in range(3):
        try:
            result = retry_when_locked(attempt, what="idempotency_claim")
        except IntegrityError:
            continue  # another request inserted the key between our read and our write: read it
        if result.state == "new":
            _purge_now_and_then(db, now)
        return result
    return Claim("in_progress")


_claims = itertools.count(1)


def _purge_now_and_then(db: Database, now: datetime) -> None:
    if next(_claims) % PURGE_EVERY == 0:
        try:
            purge_expired(db, now)
        except SQLAlchemyError:  # housekeeping: the next run does it
            log.warning("idempotency_purge_failed", exc_info=True)


def purge_expired(db: Database, now: datetime | None = None, limit: int = 1000) -> int:
    """Forget answers past their time (a batch; rows another purge holds are skipped)."""
    now = (now or clock.now()).astimezone(UTC)
    with db.transaction() as session:  # it reads then deletes: SQLite's write lock first
        ids = list(session.scalars(select(ChatIdempotencyKey.id).where(ChatIdempotencyKey.expires_at <= now)
                                   .limit(limit).with_for_update(skip_locked=True)))
        if ids:
            session.execute(delete(ChatIdempotencyKey).where(ChatIdempotencyKey.id.in_(ids))
                            .execution_options(synchronize_session=False))
        return len(ids)


def complete(db: Database, identity: str, key: str, response: dict[str, Any]) -> None:
    """Keep the answer for the retries (a write transaction: under load a plain session
    failed with "database is locked" after the message had been acted on; and retried
    with back-off if the write lock stays taken past the busy timeout)."""
    def attempt() -> None:
        with db.transaction() as session:
            row = session.scalars(select(ChatIdempotencyKey).where(
                ChatIdempotencyKey.identity == identity, ChatIdempotencyKey.key == key)).first()
            if row is not None:
                row.status, row.response = "done", response

    retry_when_locked(attempt, what="idempotency_complete")


def release(db: Database, identity: str, key: str) -> None:
    """The request failed before it had an answer: a retry may run it again."""
    def attempt() -> None:
        with db.transaction() as session:
            session.execute(delete(ChatIdempotencyKey).where(ChatIdempotencyKey.identity == identity,
                                                             ChatIdempotencyKey.key == key,
                                                             ChatIdempotencyKey.status == "in_progress"))

    retry_when_locked(attempt, what="idempotency_release")
