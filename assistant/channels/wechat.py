"""WeChat (issue #17): the 公众号 callback for residents and the WeCom app for staff.

Off unless configured: every route answers 404 ``wechat_disabled`` until
``BUTLER_WECHAT_TOKEN`` (公众号) or ``BUTLER_WECOM_TOKEN`` (WeCom) is set.
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from assistant.api.errors import ApiError

router = APIRouter(prefix="/channels/wechat", tags=["wechat"], include_in_schema=False)


def _disabled() -> ApiError:
    return ApiError(404, "wechat_disabled", "WeChat is not configured on this butler")


@router.api_route("/oa", methods=["GET", "POST"])
async def official_account(request: Request) -> None:
    raise _disabled()


@router.api_route("/work", methods=["GET", "POST"])
async def work(request: Request) -> None:
    raise _disabled()
