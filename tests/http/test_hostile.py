"""Hostile input over real HTTP, against the served instance: whatever a client sends, the
answer is never a 5xx, and every error is a problem that leaks no stack trace, SQL or path.

The operations and their parameters are read from the served `/openapi.json`, so a new route
or parameter is probed without a change here.
"""

import base64
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.http.conftest import Served

PROBLEM = "application/problem+json"
# What must never reach a client: a traceback, SQL, a driver's or a file's name.
LEAKS = ["Traceback", 'File "', "SELECT ", " FROM ", "sqlite", "psycopg", "sqlalchemy", ".py"]
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "FROB"]

HOSTILE_VALUES = [
    "",
    "0",
    "-1",
    "-9223372036854775809",
    "99999999999999999999999999999999",
    "1e309",
    "NaN",
    "x\x00y",
    "\x1b[31m",
    "%ff%fe",
    "é" * 300,
    "2019-02-30",
    "2019-13",
    "0000",
    "99999-01-01",
    "2019-08-19T00:00:00",
    '"',
    "*",
    "NEAR(",
    "a AND",
    "-x",
    "^",
    "a OR OR b",
    "'; DROP TABLE event; --",
    "../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "true\nfalse",
]
PATH_VALUES = [
    "..",
    "..%2F..%2Fetc%2Fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "x%00y",
    "%ff",
    "a" * 5000,
    "-1",
    "99999999999999999999",
    "%E2%80%AE",
    "NEAR(",
]


def assert_no_server_error(response: httpx.Response) -> None:
    where = f"{response.request.method} {str(response.request.url)[:200]}"
    assert response.status_code < 500, f"{where}: {response.status_code} {response.text[:300]}"
    text = response.text
    for leak in LEAKS:
        assert leak not in text, f"{where} leaks {leak!r}: {text[:300]}"
    if response.status_code >= 400 and response.request.method != "HEAD":
        assert response.headers["content-type"] == PROBLEM, f"{where}: {response.headers}"
        problem = response.json()
        assert problem["status"] == response.status_code and problem["detail"], where


@pytest.fixture(scope="module")
def operations(served: Served) -> list[tuple[str, list[dict[str, Any]]]]:
    """(path template, parameters) of every GET operation the served schema lists."""
    schema = httpx.get(served.url + "/openapi.json").json()
    return [
        (path, item["get"].get("parameters", []))
        for path, item in schema["paths"].items()
        if "get" in item
    ]


@pytest.fixture(scope="module")
def client(served: Served) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served.url, timeout=30) as client:
        yield client


def _filled(path: str, value: str = "x") -> str:
    """`path` with each `{parameter}` replaced by `value` (already URL-encoded)."""
    while "{" in path:
        start = path.index("{")
        path = path[:start] + value + path[path.index("}", start) + 1 :]
    return path


def _sample_path(path: str) -> str:
    if "relations" in path:
        return path.replace("{a}", "RU").replace("{b}", "FR")
    return _filled(path, "FR") if "countries" in path else _filled(path)


def test_every_hostile_value_in_every_query_parameter(
    client: httpx.Client, operations: list[tuple[str, list[dict[str, Any]]]]
):
    asked = 0
    for path, parameters in operations:
        for parameter in (p for p in parameters if p["in"] == "query"):
            for value in HOSTILE_VALUES:
                response = client.get(_sample_path(path), params={parameter["name"]: value})
                assert_no_server_error(response)
                asked += 1
    assert asked > 1000


def test_every_hostile_value_as_every_path_id(
    client: httpx.Client, operations: list[tuple[str, list[dict[str, Any]]]]
):
    for path, _ in operations:
        if "{" not in path:
            continue
        for value in PATH_VALUES:
            # Sent as given: httpx would otherwise normalise the dots and the escapes.
            url = httpx.URL(client.base_url, raw_path=_filled(path, value).encode())
            assert_no_server_error(client.get(url))


def test_invalid_utf8_and_nul_in_raw_query_strings(served: Served):
    for query in [b"q=%ff%fe", b"q=\xff", b"country=%00", b"cursor=%00", b"%ff=1", b"q=%"]:
        for path in [b"/api/v1/events", b"/api/v1/search", b"/api/v1/people"]:
            status, headers, body = served.raw(
                b"GET " + path + b"?" + query + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            )
            assert status in (200, 400, 422), (path, query, status, body[:200])
            if status >= 400:
                assert headers["content-type"] == PROBLEM
                assert b"Traceback" not in body


def test_500_repeated_parameters(
    client: httpx.Client, operations: list[tuple[str, list[dict[str, Any]]]]
):
    for path, parameters in operations:
        for parameter in (p for p in parameters if p["in"] == "query"):
            repeated = [(parameter["name"], f"v{i}") for i in range(500)]
            assert_no_server_error(client.get(_sample_path(path), params=repeated))
            same = [(parameter["name"], "FR")] * 500
            assert_no_server_error(client.get(_sample_path(path), params=same))


def _required(path: str) -> dict[str, str]:
    return {"q": "Putin"} if path.endswith("/search") else {}


def _cursor(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


TAMPERED_CURSORS = [
    _cursor(["-start", "2019-08-19", "x\x00y"]),
    _cursor(["-start", "2019-02-30", "x"]),
    _cursor(["-start", 10**400, "x"]),
    _cursor(["-start", None, None]),
    _cursor(["-start", {"a": 1}, ["b"]]),
    _cursor(["id", "x" * 900]),
    _cursor(["-start"]),
    _cursor([]),
    _cursor({"sort": "id"}),
    _cursor("id"),
    _cursor(["id", True]),
    _cursor(["id", -(2**70)]),
    base64.urlsafe_b64encode(b"\xff\xfe[").decode(),
    "not base64 !",
    "====",
    "0",
]


def test_tampered_and_foreign_cursors_are_422_problems(
    client: httpx.Client, operations: list[tuple[str, list[dict[str, Any]]]]
):
    lists = [
        path for path, parameters in operations if any(p["name"] == "cursor" for p in parameters)
    ]
    # A real cursor of each list, handed to every other list.
    foreign = []
    for path in lists:
        page = client.get(_sample_path(path), params={"limit": 1, **_required(path)})
        assert page.status_code == 200, path
        if page.json()["next_cursor"]:
            foreign.append(page.json()["next_cursor"])
    assert len(foreign) > 5
    for path in lists:
        for cursor in TAMPERED_CURSORS + foreign:
            response = client.get(_sample_path(path), params={"cursor": cursor, **_required(path)})
            assert_no_server_error(response)
            assert response.status_code in (200, 422), (path, cursor, response.text)


def test_every_method_on_every_route(
    client: httpx.Client, operations: list[tuple[str, list[dict[str, Any]]]]
):
    schema = client.get("/openapi.json").json()["paths"]
    # Each path, and the methods besides GET it documents (the writes: they need a key).
    paths = [(_sample_path(path), set(schema[path]) - {"get"}) for path, _ in operations]
    paths += [(path, set()) for path in ["/openapi.json", "/docs", "/redoc", "/metrics", "/"]]
    paths += [("/api", set()), ("/api/v1", set())]
    for path, writes in paths:
        for method in METHODS:
            response = client.request(method, path, content=b"{}")
            assert_no_server_error(response)
            if method == "FROB":  # not an HTTP method: the parser refuses the request
                assert response.status_code == 400
            elif method.lower() in writes:
                assert response.status_code == 401, (method, path, response.status_code)
            elif method not in ("GET", "HEAD", "OPTIONS"):
                assert response.status_code in (404, 405), (method, path, response.status_code)


def test_64_kb_of_headers_across_the_routes(served: Served):
    for path in [b"/api/v1/events", b"/healthz", b"/docs"]:
        status, headers, _ = served.raw(
            b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nCookie: " + b"c" * 65536 + b"\r\n\r\n"
        )
        assert status == 431 and headers["content-type"] == PROBLEM
