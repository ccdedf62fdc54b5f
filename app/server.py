"""How `entente serve` runs uvicorn: its HTTP protocol with bounded request heads, and the
requests it refuses before the app sees them answered as problems.

uvicorn's httptools protocol buffers a request line and headers of any size (one 64 MiB
header is read whole) and answers a request it cannot parse with a plain-text 400. This
protocol refuses a request target over `MAX_TARGET` bytes with a 414 and a head (request
line and headers) over `MAX_HEAD` bytes with a 431, counting bytes as they arrive, and
writes those refusals, and the 400s, as `application/problem+json`.
"""

import json
from http import HTTPStatus
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.errors import PROBLEM_JSON
from app.security import SECURITY_HEADERS

MAX_TARGET = 8 * 1024
MAX_HEAD = 32 * 1024


class _Refused(Exception):
    """Raised inside a parser callback: the parser stops, and uvicorn answers the request
    with `send_400_response`, which answers `status` instead."""


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, with the bounds and problem answers above."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_head = True  # bytes arriving belong to a request line or headers
        self._head_bytes = 0
        self._refusal = HTTPStatus.BAD_REQUEST

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            self._head_bytes += len(data)
        super().data_received(data)
        # The head is not over yet and already too long: refused before more is buffered.
        if self._in_head and self._head_bytes > MAX_HEAD and not self.transport.is_closing():
            self._refusal = HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
            self.send_400_response("")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = True

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > MAX_TARGET:
            self._refusal = HTTPStatus.REQUEST_URI_TOO_LONG
            raise _Refused

    def on_headers_complete(self) -> None:
        head = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
        if head > MAX_HEAD:
            self._refusal = HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
            raise _Refused
        self._in_head = False
        self._head_bytes = 0
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head = True

    def send_400_response(self, msg: str) -> None:
        """The answer to a request refused before the app: a problem, connection closed."""
        status = self._refusal
        detail = {
            HTTPStatus.REQUEST_URI_TOO_LONG: f"The request target is over {MAX_TARGET} bytes.",
            HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE: (
                f"The request line and headers are over {MAX_HEAD} bytes."
            ),
        }.get(status, "The request is not valid HTTP/1.1.")
        # The path as far as it was read (not the query, nor more than a line's worth).
        target = bytes(getattr(self, "url", b"") or b"/").split(b"?", 1)[0][:200]
        problem = {
            "type": "about:blank",
            "title": status.phrase,
            "status": status,
            "detail": detail,
            "instance": target.decode("latin-1") or "/",
        }
        body = json.dumps(problem).encode()
        head = [f"HTTP/1.1 {status.value} {status.phrase}".encode()]
        head += [name + b": " + value for name, value in self.server_state.default_headers]
        head += [f"{name}: {value}".encode() for name, value in SECURITY_HEADERS.items()]
        head += [
            f"content-type: {PROBLEM_JSON}".encode(),
            f"content-length: {len(body)}".encode(),
            b"connection: close",
        ]
        self.transport.write(b"\r\n".join(head) + b"\r\n\r\n" + body)
        self.transport.close()


# The event loop and HTTP protocol uvicorn serves with (bench/floor.py serves the same way);
# no `server` header, which would only tell an attacker what to try.
SERVER_OPTIONS: dict[str, Any] = {
    "loop": "asyncio",
    "http": BoundedHttpToolsProtocol,
    "server_header": False,
}
