from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from assistant.db import Base

ROLES = ("admin", "dispatcher", "worker", "viewer")


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class StaffSignIn(Base):
    """The audit of staff sign-ins: every attempt, its outcome and where it came from.
    Recent failures per user name and per address decide the lock-out
    (``assistant.auth.service.sign_in``)."""

    __tablename__ = "staff_sign_ins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    client_ip: Mapped[str] = mapped_column(String(64), index=True)
    # pending (being checked) | ok | failed | locked (refused unchecked: locked out)
    outcome: Mapped[str] = mapped_column(String(16))


class StaffSession(Base):
    """One signed-in console session (``assistant.auth.sessions``). Its id travels in
    the session's signed token as the ``sid`` claim; a token with a ``sid`` is good only
    while its row is here and not revoked, so signing out ends the session on the server
    and a copied cookie stops working with it."""

    __tablename__ = "staff_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
