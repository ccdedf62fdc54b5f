"""HTTP around every route: HEAD, compression with an ETag per encoding, CORS, root path."""

from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import get_settings
from app.links import ROOT_PATH

# Bodies at least this long are compressed for a client that accepts gzip.
COMPRESS_FROM = 1024
# The headers a browser page on another origin may send and read (CORS).
CORS_REQUEST_HEADERS = [
    "Authorization",
    "Content-Type",
    "If-Match",
    "If-None-Match",
    "X-Request-ID",
]
CORS_EXPOSED_HEADERS = [
    "Content-Disposition",
    "ETag",
    "Link",
    "Retry-After",
    "X-Request-ID",
]
GZIP_SUFFIX = '-gzip"'


class HttpMiddleware:
    """HEAD is answered as GET without the body (same status and headers, `Content-Length`
    and `ETag` included; RFC 9110 9.3.2), and a 405's `Allow` lists HEAD beside GET. Also
    records the request's root path for the links answers write (`app.links`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        ROOT_PATH.set(scope.get("root_path", ""))
        head = scope["method"] == "HEAD"

        async def send_head(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                headers = MutableHeaders(raw=message["headers"])
                allow = headers.get("allow", "")
                if "GET" in allow.split(", ") and "HEAD" not in allow:
                    headers["Allow"] = allow + ", HEAD"
            elif head and message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        if not head:
            await self.app(scope, receive, send_head)
            return
        inner = {**scope, "method": "GET"}
        try:
            await self.app(inner, receive, send_head)
        finally:
            # What routing added (the route, for the metrics' label), the method kept.
            scope.update({key: value for key, value in inner.items() if key != "method"})


class CompressionMiddleware(GZipMiddleware):
    """Starlette's gzip for bodies of `COMPRESS_FROM` bytes and more, when the client accepts
    it; a gzipped answer's ETag is its uncompressed one with `-gzip` (each encoding is a
    representation of its own, RFC 9110 8.8.3), and `If-None-Match` with that tag gives a
    304 as the plain one does. (zlib writes no time in the gzip header: equal bodies give
    equal bytes, so the tag stays strong.)"""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app, minimum_size=COMPRESS_FROM, compresslevel=6)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        sent = [tag.strip() for tag in headers.get("if-none-match", "").split(",")]
        gzip_tags: set[str] = set()
        if "gzip" in headers.get("accept-encoding", ""):
            gzip_tags = {tag.removeprefix("W/") for tag in sent if tag.endswith(GZIP_SUFFIX)}
        if gzip_tags:
            plain = ", ".join(tag.replace(GZIP_SUFFIX, '"') for tag in sent)
            raw = [(k, v) for k, v in scope["headers"] if k != b"if-none-match"]
            scope["headers"] = [*raw, (b"if-none-match", plain.encode("latin-1"))]

        async def send_tagged(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(raw=message["headers"])
                if message["status"] == 304:  # as the 200 it stands for would
                    out.add_vary_header("Accept-Encoding")
                etag = out.get("etag")
                if etag and etag.endswith('"'):
                    tagged = etag[:-1] + GZIP_SUFFIX
                    compressed = out.get("content-encoding") == "gzip"
                    if compressed or (message["status"] == 304 and tagged in gzip_tags):
                        out["ETag"] = tagged
            await send(message)

        await super().__call__(scope, receive, send_tagged)


def install_middleware(app: FastAPI) -> None:
    """Outermost first: CORS (when `ENTENTE_CORS_ORIGINS` names origins), HEAD, gzip."""
    app.add_middleware(CompressionMiddleware)
    app.add_middleware(HttpMiddleware)
    origins = get_settings().cors_origins
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE"],
            allow_headers=CORS_REQUEST_HEADERS,
            expose_headers=CORS_EXPOSED_HEADERS,
            max_age=600,
        )
