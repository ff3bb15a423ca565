"""Security headers on every response of the gateway (an ASGI middleware, so error
responses, 404s and the limits' refusals carry them too).

- ``X-Content-Type-Options: nosniff``: a browser never runs a JSON answer (which may
  hold a resident's words) as a script or page.
- ``Content-Security-Policy``: API answers may load nothing and be framed nowhere.
  The interactive API docs (``/docs``, ``/redoc``) are HTML pages that load Swagger
  UI / ReDoc from their CDN and run an inline start-up script: they get their own,
  looser policy, limited to that CDN.
- ``Referrer-Policy: no-referrer`` and ``X-Frame-Options: DENY`` for older browsers.
A route that sets its own ``Content-Security-Policy`` (a web page of its own) keeps it.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
DOCS_CSP = ("default-src 'none'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
            "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
            "font-src https://fonts.gstatic.com; img-src 'self' data: https://fastapi.tiangolo.com "
            "https://cdn.redoc.ly; connect-src 'self'; worker-src blob:; frame-ancestors 'none'; base-uri 'none'")
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect", "/redoc")


def csp_for(path: str) -> str:
    return DOCS_CSP if path in DOCS_PATHS else API_CSP


class SecurityHeaders:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = csp_for(scope.get("path", "")).encode()

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                for name, value in ((b"x-content-type-options", b"nosniff"),
                                    (b"content-security-policy", csp),
                                    (b"referrer-policy", b"no-referrer"),
                                    (b"x-frame-options", b"DENY")):
                    if name not in present:
                        headers.append((name, value))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
