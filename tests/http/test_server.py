"""What the served instance answers before and around the app: bounded request heads, problems
for requests it cannot parse, security headers, no server banner, no redirect to a host the
client chose, and a `/metrics` that a token can close."""

import json
import re
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from app.config import get_settings
from app.db import Database
from app.server import MAX_HEAD, MAX_TARGET
from tests.conftest import app_on
from tests.http.conftest import Served

PROBLEM = "application/problem+json"


def _problem(status: int, headers: dict[str, str], body: bytes) -> dict[str, object]:
    assert headers["content-type"] == PROBLEM, (status, headers, body[:200])
    problem = json.loads(body)
    assert problem["status"] == status
    assert problem["title"] and problem["detail"]
    return problem  # type: ignore[no-any-return]


def test_a_64_kib_header_is_refused_with_a_431_problem(served: Served):
    request = b"GET /api/v1/events HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 65536 + b"\r\n\r\n"
    status, headers, body = served.raw(request)
    assert status == 431
    assert str(MAX_HEAD) in str(_problem(431, headers, body)["detail"])


def test_many_headers_adding_up_past_the_bound_are_refused(served: Served):
    lines = b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 1000) for i in range(40))
    status, headers, body = served.raw(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + lines + b"\r\n")
    assert status == 431
    _problem(431, headers, body)


def test_a_header_sent_without_end_is_refused_before_it_is_all_read(served: Served):
    # 32 MiB of one header, never ended: the server answers once the bound is passed.
    request = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (MAX_HEAD * 2)
    status, headers, body = served.raw(request)
    assert status == 431
    _problem(431, headers, body)


def test_a_100_kb_query_string_is_refused_with_a_414_problem(served: Served):
    query = "&".join(f"country=FR{i}" for i in range(10_000))[:100_000]
    status, headers, body = served.raw(
        f"GET /api/v1/events?{query} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    )
    assert status == 414
    problem = _problem(414, headers, body)
    assert str(MAX_TARGET) in str(problem["detail"])
    assert problem["instance"] == "/api/v1/events"  # every field a Problem has, as documented


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GARBAGE\x00 / HTTP/1.1\r\n\r\n",
        b"GET /api/v1/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n",
    ],
    ids=["bad-method", "non-ascii-path", "bad-version", "bad-header"],
)
def test_a_request_that_is_not_http_gets_a_400_problem(served: Served, request_bytes: bytes):
    status, headers, body = served.raw(request_bytes)
    assert status == 400
    assert headers["x-content-type-options"] == "nosniff"
    _problem(400, headers, body)


def test_answers_carry_security_headers_and_no_server_banner(served: Served):
    for path in ["/api/v1/events?limit=1", "/api/v1/events/no-such-event", "/healthz"]:
        response = httpx.get(served.url + path)
        assert "server" not in response.headers
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["content-security-policy"] == (
            "default-src 'none'; frame-ancestors 'none'"
        )


def test_the_docs_page_may_run_its_own_assets_and_nothing_else(served: Served):
    page = httpx.get(served.url + "/docs")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    # Each script the page loads is from this server; each inline one has its digest.
    sources = re.findall(r'<script src="([^"]+)"', page.text)
    assert sources and all(source.startswith("/") for source in sources)
    inline = re.findall(r"<script>(.*?)</script>", page.text, re.DOTALL)
    assert len(inline) == policy.count("'sha256-") > 0
    assert "script-src 'self' 'sha256-" in policy
    assert httpx.get(served.url + sources[0]).status_code == 200


def test_a_trailing_slash_is_a_404_and_never_a_redirect_to_the_host_sent(served: Served):
    response = httpx.get(served.url + "/api/v1/events/", headers={"Host": "evil.example"})
    assert response.status_code == 404
    assert "location" not in response.headers
    assert "(/api/v1/events)" in response.json()["detail"]


@pytest.fixture
def metrics_closed(monkeypatch: pytest.MonkeyPatch, api_database: Database) -> Iterator[TestClient]:
    monkeypatch.setenv("ENTENTE_METRICS_TOKEN", "s3cret")
    get_settings.cache_clear()
    with TestClient(app_on(api_database)) as client:
        yield client
    get_settings.cache_clear()


def test_metrics_with_a_token_set_answer_only_that_bearer(metrics_closed: TestClient):
    for headers in [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic s3cret"}]:
        refused = metrics_closed.get("/metrics", headers=headers)
        assert refused.status_code == 401
        assert refused.headers["content-type"] == PROBLEM
        assert refused.headers["www-authenticate"] == "Bearer"
        assert "s3cret" not in refused.text
    allowed = metrics_closed.get("/metrics", headers={"Authorization": "Bearer s3cret"})
    assert allowed.status_code == 200
    assert "http_requests_total" in allowed.text


def test_metrics_without_a_token_answer_anyone(api: TestClient):
    assert get_settings().metrics_token is None
    assert api.get("/metrics").status_code == 200
