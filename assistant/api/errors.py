"""One error shape for the whole API: ``{"error": {"code", "message"}}`` with a
stable machine-readable code. Open311 routes keep their standard shape
``[{"code", "description"}]``. No traceback ever reaches a client."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

log = structlog.get_logger(__name__)

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
    503: "unavailable",
}


# What each error status means on this API, for the OpenAPI document (the codes in
# brackets are the ``code`` values a client can branch on).
ERROR_DESCRIPTIONS = {
    400: "bad_request: a body that cannot be parsed (not JSON, not UTF-8)",
    401: "unauthorized / invalid_token: no bearer token, or one that is not valid (expired, forged)",
    403: "forbidden: the signed-in role may not do this",
    404: "not found (ticket_not_found, booking_not_found, handoff_not_found, question_not_found, unknown_service...)",
    409: "conflict with the current state (invalid_transition, full, already cancelled...)",
    413: "payload_too_large: the body is over the gateway's cap (BUTLER_MAX_BODY_BYTES)",
    422: "invalid_request: a parameter or body field is missing or invalid (and other rule-specific codes)",
    429: "rate_limited / login_locked: too many requests; wait Retry-After seconds",
    503: "a dependency is not available: the dialogue engine, the knowledge base or the embedding model "
         "not built, an invalid catalogue file",
}


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    """``{"error": {"code", "message"}}``: every error of the API outside Open311."""

    error: ErrorDetail


class Open311ErrorOut(BaseModel):
    """One entry of Open311's error list ``[{"code", "description"}]``."""

    code: int
    description: str


def error_responses(*statuses: int, open311: bool = False) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for routes or routers: the error shape under each status."""
    model = list[Open311ErrorOut] if open311 else ErrorOut
    return {status: {"model": model, "description": ERROR_DESCRIPTIONS[status]} for status in statuses}


class ApiError(Exception):
    """Raise from any route: becomes a 4xx/5xx with a stable ``code``."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


def _is_open311(request: Request) -> bool:
    return is_open311_path(request.url.path)


def is_open311_path(path: str) -> bool:
    return path.startswith("/open311/")


def error_body(path: str, status: int, code: str, message: str) -> dict | list:
    """The error shape for a request path (middleware that has no ``Request`` uses it)."""
    if is_open311_path(path):
        return [{"code": status, "description": message}]
    return {"error": {"code": code, "message": message}}


def error_response(request: Request, status: int, code: str, message: str,
                   headers: dict | None = None) -> JSONResponse:
    return JSONResponse(error_body(request.url.path, status, code, message), status_code=status, headers=headers)


def _describe_validation(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))
        parts.append(f"{loc or 'body'}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return error_response(request, exc.status, exc.code, exc.message, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        status = 400 if _is_open311(request) else 422
        return error_response(request, status, "invalid_request", _describe_validation(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        code = HTTP_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else code
        return error_response(request, exc.status_code, code, message,
                              headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unhandled_error", path=request.url.path)
        return error_response(request, 500, "internal_error", "internal error")
