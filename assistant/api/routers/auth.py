"""Staff sign-in: username and password in, a bearer token out."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from assistant.api.errors import ApiError
from assistant.api.limits import client_address
from assistant.auth.service import AuthError, SignInLocked, issue_token, sign_in
from assistant.db import get_database
from assistant.settings import get_settings

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class TokenRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    role: str


@router.post("/token", response_model=TokenResponse, responses={
    401: {"description": "wrong user name or password (code invalid_credentials)"},
    429: {"description": "locked out after repeated failures (code login_locked, Retry-After)"}})
async def token(body: TokenRequest, request: Request) -> TokenResponse:
    settings = get_settings()
    try:
        user = await run_in_threadpool(sign_in, get_database(), settings, body.username, body.password,
                                       client_address(request))
    except SignInLocked as exc:
        seconds = max(1, int(exc.retry_after.total_seconds()))
        raise ApiError(429, "login_locked", str(exc), headers={"Retry-After": str(seconds)}) from exc
    except AuthError as exc:
        raise ApiError(401, "invalid_credentials", str(exc)) from exc
    return TokenResponse(access_token=issue_token(settings, user), role=user.role)
