"""Open311 GeoReport v2 under ``/open311/v2/`` (JSON only). Errors come out in the
standard ``[{"code", "description"}]`` shape (see ``assistant.api.errors``).

Reads without a credential get the public view (what a city publishes: masked text,
the building not the room, rounded coordinates); the Open311 API key (``api_key=`` as
the spec passes it, or ``Authorization: Bearer <key>``) or a staff token gets the full
detail (``assistant.tickets.open311``: views)."""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from assistant.api.deps import get_db
from assistant.api.errors import ApiError, Open311ErrorOut
from assistant.auth.service import UNMASKED_ROLES, AuthError, user_from_token
from assistant.db import Database
from assistant.settings import get_settings
from assistant.tickets import open311
from assistant.tickets.open311 import Open311Error, View

router = APIRouter(prefix="/open311/v2", tags=["open311"])
DB = Annotated[Database, Depends(get_db)]
_bearer = HTTPBearer(auto_error=False, scheme_name="Open311Bearer",
                     description="a staff token or the Open311 API key: full detail")
# Reads are public: the credential only widens the view.
PUBLIC_READ = {"security": [{}]}


def _error(description: str) -> dict[str, Any]:
    return {"model": list[Open311ErrorOut], "description": description, "content": {"application/json": {}}}


class ServiceOut(BaseModel):
    service_code: str
    service_name: str
    description: str
    metadata: bool
    type: str
    keywords: str
    group: str


class ServiceDefinitionOut(BaseModel):
    service_code: str
    attributes: list[dict]


class RequestOut(BaseModel):
    service_request_id: str
    status: str
    status_notes: str | None = None
    service_name: str | None = None
    service_code: str | None = None
    description: str | None = None
    agency_responsible: str | None = None
    service_notice: str | None = None
    requested_datetime: str | None = None
    updated_datetime: str | None = None
    expected_datetime: str | None = None
    address: str | None = None
    address_id: str | None = None
    zipcode: str | None = None
    lat: float | None = None
    long: float | None = None
    media_url: str | None = None


class CreatedOut(BaseModel):
    service_request_id: str
    service_notice: str | None = None
    account_id: str | None = None


READ_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _error("a bad filter (bad_status, bad_datetime, bad_service_code, bad_date_range)"),
    401: _error("invalid_token: the bearer credential is neither a staff token nor the API key"),
    403: _error("bad_api_key: api_key is given but wrong"),
}
_FORM_FIELDS = ("api_key", "service_code", "lat", "long", "address_string", "address_id", "email", "device_id",
                "account_id", "first_name", "last_name", "phone", "description", "media_url")


def _raise(exc: Open311Error) -> None:
    raise ApiError(exc.status, exc.code, exc.description) from exc


def _is_key(presented: str, key: str) -> bool:
    return bool(key) and hmac.compare_digest(presented.encode(), key.encode())


def reader_view(db: DB,
                api_key: Annotated[str | None, Query(description="the Open311 API key: full detail")] = None,
                bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None) -> View:
    """What this reader may see: ``full`` with the API key or an unmasked staff role,
    ``staff`` with any other staff token, else ``public``."""
    settings = get_settings()
    if api_key is not None:
        if not _is_key(api_key, settings.open311_api_key):
            raise ApiError(403, "bad_api_key", "api_key is invalid")
        return "full"
    if bearer is None:
        return "public"
    if _is_key(bearer.credentials, settings.open311_api_key):
        return "full"
    with db.session() as session:
        try:
            user = user_from_token(session, settings, bearer.credentials)
        except AuthError as exc:
            raise ApiError(401, "invalid_token", "the bearer credential is not valid") from exc
        return "full" if user.role in UNMASKED_ROLES else "staff"


Viewer = Annotated[View, Depends(reader_view)]


@router.get("/services.json", response_model=list[ServiceOut])
def services() -> list[dict]:
    return open311.service_list()


@router.get("/services/{service_code}.json", response_model=ServiceDefinitionOut,
            responses={404: _error("service_not_found")})
def service_definition(service_code: str) -> dict:
    try:
        return open311.service_definition(service_code)
    except Open311Error as exc:
        _raise(exc)


@router.get("/requests.json", response_model=list[RequestOut], responses=READ_ERRORS, openapi_extra=PUBLIC_READ)
def requests(db: DB, view: Viewer,
             service_request_id: Annotated[str | None, Query(description="comma-separated ids")] = None,
             service_code: Annotated[str | None, Query(description="comma-separated service codes")] = None,
             start_date: Annotated[str | None, Query(description="ISO 8601")] = None,
             end_date: Annotated[str | None, Query(description="ISO 8601")] = None,
             status: Annotated[str | None, Query(description="open, closed or open,closed")] = None) -> list[dict]:
    params = {k: v for k, v in {"service_request_id": service_request_id, "service_code": service_code,
                                "start_date": start_date, "end_date": end_date, "status": status}.items()
              if v is not None}
    try:
        return open311.query_requests(db, params, view=view)
    except Open311Error as exc:
        _raise(exc)


@router.post("/requests.json", response_model=list[CreatedOut], responses={
    400: _error("bad_content_type, missing_service_code, missing_location, bad_location, description_too_long"),
    403: _error("posting_disabled, bad_api_key"),
    404: _error("service_not_found"),
}, openapi_extra={"requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
    "type": "object", "required": ["api_key", "service_code"],
    "properties": {name: {"type": "string"} for name in _FORM_FIELDS}}}}}})
async def create_request(request: Request, db: DB) -> list[dict]:
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        raise ApiError(400, "bad_content_type", "POST requests.json takes a form-encoded body")
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        return await run_in_threadpool(open311.create_request, db, form)
    except Open311Error as exc:
        _raise(exc)


@router.get("/requests/{service_request_id}.json", response_model=list[RequestOut],
            responses={**READ_ERRORS, 404: _error("request_not_found")}, openapi_extra=PUBLIC_READ)
def request_by_id(service_request_id: str, db: DB, view: Viewer) -> list[dict]:
    try:
        return open311.get_request(db, service_request_id, view=view)
    except Open311Error as exc:
        _raise(exc)
