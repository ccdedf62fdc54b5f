"""Security headers on every answer, a CSP for the documentation pages, and the optional
bearer token of `GET /metrics`."""

import base64
import hashlib
import re
import secrets
from collections.abc import Callable

from fastapi import FastAPI, Request
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import get_settings

# The API answers data, never a page: no script, style, frame or plugin may load from it,
# no page may frame it, and a browser must not guess a type other than the one sent.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def page_policy(html: str) -> str:
    """The CSP of a documentation page: its own scripts (the inline ones by their digest),
    styles (Swagger UI and ReDoc set some inline), images, workers (ReDoc's) and fetches
    (the OpenAPI document) from this server only."""
    scripts = " ".join(
        ["'self'"]
        + [
            "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
            for script in _INLINE_SCRIPT.findall(html)
        ]
    )
    return (
        f"default-src 'none'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; "
        "frame-ancestors 'none'"
    )


class SecurityHeadersMiddleware:
    """Adds `SECURITY_HEADERS` to every HTTP answer that does not set its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def metrics_access(request: Request) -> None:
    """With `ENTENTE_METRICS_TOKEN` set, `/metrics` answers only `Authorization: Bearer
    <token>` (else a 401 problem); unset, it answers anyone."""
    token = get_settings().metrics_token
    if token is None:
        return
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    expected = token.get_secret_value().encode()
    if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip().encode(), expected):
        raise HTTPException(
            401, "/metrics needs `Authorization: Bearer <token>`.", {"WWW-Authenticate": "Bearer"}
        )


def install_security(app: FastAPI) -> None:
    """Wraps the built stack, as `install_observability` does, so that the 500s answered by
    Starlette's outermost error middleware carry the headers too."""
    build_stack: Callable[[], ASGIApp] = app.build_middleware_stack

    def build_secured_stack() -> ASGIApp:
        return SecurityHeadersMiddleware(build_stack())

    app.build_middleware_stack = build_secured_stack  # type: ignore[method-assign]
