"""Staff sign-in: username and password in, a bearer token out."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from assistant.api.errors import ApiError
from assistant.auth.service import AuthError, authenticate, issue_token
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


@router.post("/token", response_model=TokenResponse)
def token(body: TokenRequest) -> TokenResponse:
    with get_database().session() as session:
        try:
            user = authenticate(session, body.username, body.password)
        except AuthError as exc:
            raise ApiError(401, "invalid_credentials", str(exc)) from exc
        return TokenResponse(access_token=issue_token(get_settings(), user), role=user.role)
