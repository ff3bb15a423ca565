"""Open311 GeoReport v2 under ``/open311/v2/`` (JSON only). Errors come out in the
standard ``[{"code", "description"}]`` shape (see ``assistant.api.errors``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from assistant.api.deps import get_db
from assistant.api.errors import ApiError
from assistant.db import Database
from assistant.tickets import open311
from assistant.tickets.open311 import Open311Error

router = APIRouter(prefix="/open311/v2", tags=["open311"])
DB = Annotated[Database, Depends(get_db)]


def _raise(exc: Open311Error) -> None:
    raise ApiError(exc.status, exc.code, exc.description) from exc


@router.get("/services.json")
def services() -> list[dict]:
    return open311.service_list()


@router.get("/services/{service_code}.json")
def service_definition(service_code: str) -> dict:
    try:
        return open311.service_definition(service_code)
    except Open311Error as exc:
        _raise(exc)


@router.get("/requests.json")
def requests(request: Request, db: DB) -> list[dict]:
    try:
        return open311.query_requests(db, dict(request.query_params))
    except Open311Error as exc:
        _raise(exc)


@router.post("/requests.json")
async def create_request(request: Request, db: DB) -> list[dict]:
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        raise ApiError(400, "bad_content_type", "POST requests.json takes a form-encoded body")
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    from starlette.concurrency import run_in_threadpool

    try:
        return await run_in_threadpool(open311.create_request, db, form)
    except Open311Error as exc:
        _raise(exc)


@router.get("/requests/{service_request_id}.json")
def request_by_id(service_request_id: str, db: DB) -> list[dict]:
    try:
        return open311.get_request(db, service_request_id)
    except Open311Error as exc:
        _raise(exc)
