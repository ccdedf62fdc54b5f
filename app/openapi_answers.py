"""What the OpenAPI document says of every operation's answers, made true of what it sends.

FastAPI documents what routes declare; some answers come from elsewhere: the error handlers
(a 500, a 503 when the database is unreachable or a statement outruns its budget, a 406 for
an `Accept` nothing satisfies), the middleware (`X-Request-ID` on every answer) and the
responses (`ETag`, `Link`). Problems are sent as `application/problem+json` only.
"""

from typing import Any

from app.errors import PROBLEM_JSON, RETRY_AFTER
from app.server import MAX_HEAD, MAX_TARGET

PROBLEM_SCHEMA = {"$ref": "#/components/schemas/Problem"}


def _header(description: str, example: str) -> dict[str, Any]:
    return {"description": description, "schema": {"type": "string"}, "example": example}


REQUEST_ID = _header(
    "The request's id: the client's `X-Request-ID` when it is a token of printable ASCII "
    "(1-128 characters), else a new one. Every log line of the request carries it.",
    "1b4c3b5319bc3a4decb0709f1dd64367",
)
ETAG = _header(
    "A strong validator of this answer; send it back as `If-None-Match` for a 304.",
    '"0c5cd9fd1c137eb164313f25e0fffccc"',
)
LINK = _header(
    'The next page (`rel="next"`), when there is one: the same request with its `cursor`.',
    '</api/v1/events?limit=1&cursor=WyItc3RhcnQiXQ>; rel="next"',
)
RETRY_AFTER_HEADER = _header("Seconds to wait before trying again.", RETRY_AFTER)


def _problem(description: str, status: int, detail: str) -> dict[str, Any]:
    example = {
        "type": "about:blank",
        "status": status,
        "detail": detail,
        "instance": "/api/v1/events",
    }
    return {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": PROBLEM_SCHEMA, "example": example}},
    }


API_ANSWERS: dict[str, dict[str, Any]] = {
    "406": _problem(
        "Not acceptable: nothing the operation answers matches `Accept`.",
        406,
        "this resource answers application/json",
    ),
    "414": _problem(
        f"The request's target (path and query string) is over {MAX_TARGET} bytes.",
        414,
        f"The request target is over {MAX_TARGET} bytes.",
    ),
    "431": _problem(
        f"The request line and headers are over {MAX_HEAD} bytes.",
        431,
        f"The request line and headers are over {MAX_HEAD} bytes.",
    ),
    "500": _problem(
        "An unexpected error; it is logged with the request's id.",
        500,
        "An unexpected error occurred; it has been logged.",
    ),
    "503": _problem(
        "The database is unavailable or busy, or the query outran its time budget; try "
        "again after `Retry-After` seconds.",
        503,
        "The database is busy; try again.",
    ),
}


def document_answers(schema: dict[str, Any]) -> None:
    """Adds to `schema`, in place, every answer and header its operations can send."""
    for path, item in schema["paths"].items():
        for operation in item.values():
            responses: dict[str, Any] = operation["responses"]
            if path.startswith("/api/"):
                for status, answer in API_ANSWERS.items():
                    responses.setdefault(status, answer)
                responses["503"].setdefault("headers", {})["Retry-After"] = RETRY_AFTER_HEADER
            for status, response in responses.items():
                headers = response.setdefault("headers", {})
                headers["X-Request-ID"] = REQUEST_ID
                content = response.get("content", {})
                if int(status) >= 400:
                    # FastAPI adds its default media type to every declared response.
                    content.pop("application/json", None)
                    content.get(PROBLEM_JSON, {}).setdefault("schema", PROBLEM_SCHEMA)
                elif path.startswith("/api/") and status in ("200", "304"):
                    headers["ETag"] = ETAG
                if status == "200" and "text/csv" in content:
                    headers["Link"] = LINK
