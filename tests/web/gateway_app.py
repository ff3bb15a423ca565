"""The gateway the browser tests run under uvicorn: the production app
(``assistant.api.app.create_app``) with the web pages installed. Once
``assistant.web.pages`` is registered in ``ROUTERS``, ``install`` leaves the app as it is."""

from __future__ import annotations

from fastapi import FastAPI

from assistant.api.app import create_app as create_gateway
from assistant.web.pages import install


def create_app() -> FastAPI:
    app = create_gateway()
    install(app)
    return app
