"""Strong ETags derived from the knowledge base revision, the code and the request.

A response is a pure function of the data (its revision), the code that renders it (the
build id) and the request (path, query and negotiated format), so equal inputs give equal
bytes and the ETag can be known, and a 304 answered, before the answer is built (for the
events list, once its one statement has read the page and the revision together).
"""

import hashlib
from functools import lru_cache
from pathlib import Path

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

APP_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def build_id() -> str:
    """A digest of the application's own source: new code, new ETags."""
    digest = hashlib.sha256()
    for path in sorted(APP_DIR.rglob("*.py")):
        digest.update(path.relative_to(APP_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def make_etag(revision: str, request: Request, representation: str) -> str:
    # The raw path and query string: `request.url` would build a whole URL object.
    scope = request.scope
    path, query = scope.get("raw_path") or scope["path"].encode(), scope["query_string"]
    # The root path too: the links an answer writes start with it (app/links.py).
    root = scope.get("root_path", "")
    key = f"{build_id()}|{revision}|{representation}|{root}|".encode() + path + b"?" + query
    return '"' + hashlib.sha256(key).hexdigest()[:32] + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 If-None-Match: `*` or any listed tag equal by weak comparison."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    tags = (tag.strip().removeprefix("W/") for tag in if_none_match.split(","))
    return etag in tags


class BodyETagMiddleware:
    """Gives a strong ETag (a digest of the body) to GET answers that have none.

    The API's own responses carry revision-based ETags and pass through untouched; this
    covers the rest (the OpenAPI document, the docs pages, the probes), so that every GET
    can be revalidated.
    """

    def __init__(self, app: ASGIApp, skip_prefix: str = "/api/") -> None:
        self.app = app
        # The API's answers carry their own ETags (or are errors): not buffered at all.
        self.skip_prefix = skip_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or scope["path"].startswith(self.skip_prefix)
        ):
            await self.app(scope, receive, send)
            return
        if_none_match = Headers(scope=scope).get("if-none-match")
        start: Message | None = None
        passthrough = False
        chunks: list[bytes] = []

        async def buffered_send(message: Message) -> None:
            nonlocal start, passthrough
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=message["headers"])
                if message["status"] != 200 or "etag" in headers:
                    passthrough = True
                    await send(message)
                else:
                    start = message
                return
            if passthrough or message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            headers = MutableHeaders(raw=start["headers"])
            headers["ETag"] = etag
            if etag_matches(if_none_match, etag):
                await send(
                    {
                        "type": "http.response.start",
                        "status": 304,
                        "headers": [(b"etag", etag.encode())],
                    }
                )
                await send({"type": "http.response.body", "body": b""})
                return
            await send(start)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, buffered_send)
