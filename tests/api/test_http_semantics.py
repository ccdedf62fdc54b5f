"""HTTP as clients expect it: HEAD, Vary, 406, `If-None-Match: *`, CORS, gzip, safe CSV,
unknown parameters, a root path behind a proxy, and Retry-After on a 503."""

import csv
import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.config import get_settings
from app.db import Database
from app.seeding.loader import seed
from tests.api.test_http import problem
from tests.conftest import app_on, copy_seed
from tests.test_serve import free_port

EVENT = "/api/v1/events/2019-08-19-putin-macron-talks-bregancon"
TIMELINE = "/api/v1/relations/RU/FR/timeline"
# What the operations that need query parameters are asked in these tests.
REQUIRED_QUERIES = {
    "/api/v1/search": "?q=Libya",
    "/api/v1/figures/series": "?metric=bilateral_trade&country=RU&partner=FR",
}
GZIP = {"Accept-Encoding": "gzip"}
PLAIN = {"Accept-Encoding": "identity"}


def get_operations(api: TestClient) -> list[str]:
    """An example URL of every GET operation the OpenAPI document lists."""
    urls = []
    for path, item in api.get("/openapi.json").json()["paths"].items():
        if "get" not in item:
            continue
        for parameter in item["get"].get("parameters", []):
            if parameter["in"] == "path":
                example = str(parameter["schema"]["examples"][0])
                path = path.replace("{" + parameter["name"] + "}", example)
        urls.append(path + REQUIRED_QUERIES.get(path, ""))
    return urls


# HEAD


def test_head_answers_every_get_route_with_its_headers_and_no_body(api: TestClient):
    urls = [*get_operations(api), "/openapi.json", "/docs", "/redoc", "/healthz", "/readyz"]
    assert len(urls) > 20
    for url in urls:
        for headers in (GZIP, PLAIN):
            got, head = api.get(url, headers=headers), api.head(url, headers=headers)
            assert head.status_code == got.status_code == 200, url
            assert head.content == b"", url
            for name in ("content-type", "content-length", "content-encoding", "etag", "vary"):
                assert head.headers.get(name) == got.headers.get(name), (url, name)


def test_head_of_a_missing_resource_is_a_404_and_405_allows_head(api: TestClient):
    missing = api.head("/api/v1/events/no-such-event")
    assert missing.status_code == 404 and missing.content == b""
    assert missing.headers["content-type"] == "application/problem+json"
    refused = api.delete(EVENT)
    assert refused.status_code == 405
    assert refused.headers["allow"] == "GET, HEAD"


# Negotiation: Vary and 406


def test_answers_that_depend_on_accept_say_so(api: TestClient):
    for url in ("/api/v1/events", "/api/v1/events?format=csv", EVENT, TIMELINE):
        response = api.get(url, headers=PLAIN)
        assert "Accept" in response.headers["vary"], url
        cached = api.get(url, headers={**PLAIN, "If-None-Match": response.headers["etag"]})
        assert cached.status_code == 304
        assert "Accept" in cached.headers["vary"], url


@pytest.mark.parametrize(
    ("url", "accept", "media_type"),
    [
        ("/api/v1/events", "text/*", "text/csv; charset=utf-8"),
        ("/api/v1/events", "*/*", "application/json"),
        ("/api/v1/events", "application/*", "application/json"),
        ("/api/v1/events", "text/*;q=0.5, text/csv;q=0, */*;q=0.1", "application/json"),
        ("/api/v1/events", "application/ndjson", "application/x-ndjson"),
        ("/api/v1/events", "TEXT/CSV", "text/csv; charset=utf-8"),
        (EVENT, "text/html,application/xhtml+xml,*/*;q=0.8", "application/json"),
    ],
)
def test_accept_ranges_pick_the_best_format(api: TestClient, url, accept, media_type):
    response = api.get(url, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type


@pytest.mark.parametrize(
    ("url", "accept"),
    [
        ("/api/v1/events", "text/html"),
        ("/api/v1/events", "application/xml, text/csv;q=0"),
        (EVENT, "text/csv"),
        (TIMELINE, "image/*"),
    ],
)
def test_an_accept_nothing_satisfies_is_a_406_problem(api: TestClient, url, accept):
    response = api.get(url, headers={"Accept": accept})
    body = problem(response, 406)
    assert "application/json" in body["detail"]
    assert "Accept" in response.headers["vary"]


def test_format_parameter_wins_over_accept(api: TestClient):
    response = api.get("/api/v1/events?format=ndjson", headers={"Accept": "text/html"})
    assert response.headers["content-type"] == "application/x-ndjson"


# If-None-Match: *


def test_if_none_match_any_is_304_only_when_the_resource_exists(api: TestClient):
    star = {"If-None-Match": "*"}
    assert api.get(EVENT, headers=star).status_code == 304
    assert api.get("/api/v1/events", headers=star).status_code == 304
    assert api.get("/api/v1/relations/RU/FR", headers=star).status_code == 304
    assert api.get("/openapi.json", headers=star).status_code == 304
    problem(api.get("/api/v1/events/no-such-event", headers=star), 404)
    problem(api.get("/api/v1/relations/RU/ZZ", headers=star), 404)
    problem(api.get("/api/v1/relations/ZZ/FR/timeline", headers=star), 404)
    problem(api.get("/api/v1/relations/ZZ/FR/timeline?format=csv", headers=star), 404)


# Compression


def test_large_bodies_are_gzipped_when_asked_and_small_ones_are_not(api: TestClient):
    for url in ("/openapi.json", "/api/v1/events?limit=20", "/api/v1/events?format=csv"):
        zipped, plain = api.get(url, headers=GZIP), api.get(url, headers=PLAIN)
        assert zipped.headers["content-encoding"] == "gzip", url
        assert "Accept-Encoding" in zipped.headers["vary"]
        assert "content-encoding" not in plain.headers
        assert zipped.content == plain.content  # the client's gzip gives back the same bytes
        assert zipped.num_bytes_downloaded < plain.num_bytes_downloaded / 3
    small = api.get("/healthz", headers=GZIP)
    assert "content-encoding" not in small.headers


def test_each_encoding_has_its_own_etag_and_each_revalidates(api: TestClient):
    for url in ("/openapi.json", "/api/v1/events?limit=20", EVENT, "/api/v1/relations/RU/FR"):
        zipped = api.get(url, headers=GZIP)
        plain = api.get(url, headers=PLAIN)
        if zipped.headers.get("content-encoding") != "gzip":
            assert zipped.headers["etag"] == plain.headers["etag"]
            continue
        assert zipped.headers["etag"] != plain.headers["etag"], url
        assert zipped.headers["etag"].startswith('"')
        for headers, etag in ((GZIP, zipped.headers["etag"]), (PLAIN, plain.headers["etag"])):
            cached = api.get(url, headers={**headers, "If-None-Match": etag})
            assert cached.status_code == 304, url
            assert cached.headers["etag"] == etag
            assert "Accept-Encoding" in cached.headers["vary"]
        # The compressed tag names no representation a client without gzip gets.
        stale = api.get(url, headers={**PLAIN, "If-None-Match": zipped.headers["etag"]})
        assert stale.status_code == 200


# CORS


@pytest.fixture
def cors_api(api_database: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("ENTENTE_CORS_ORIGINS", "https://app.example, https://other.example")
    get_settings.cache_clear()
    try:
        with TestClient(app_on(api_database)) as client:
            yield client
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_a_configured_origin_passes_a_preflight_and_reads_the_headers(cors_api: TestClient):
    preflight = cors_api.options(
        "/api/v1/events",
        headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://app.example"
    assert "GET" in preflight.headers["access-control-allow-methods"]
    assert "if-none-match" in preflight.headers["access-control-allow-headers"].lower()

    response = cors_api.get("/api/v1/events?limit=1", headers={"Origin": "https://app.example"})
    assert response.headers["access-control-allow-origin"] == "https://app.example"
    exposed = response.headers["access-control-expose-headers"].lower()
    assert {"etag", "link", "x-request-id"} <= set(exposed.replace(" ", "").split(","))

    foreign = cors_api.get("/api/v1/events?limit=1", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in foreign.headers


def test_without_configured_origins_no_page_elsewhere_may_call(api: TestClient):
    preflight = api.options(
        "/api/v1/events",
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "GET"},
    )
    problem(preflight, 405)
    assert "access-control-allow-origin" not in preflight.headers
    response = api.get("/api/v1/events?limit=1", headers={"Origin": "https://app.example"})
    assert "access-control-allow-origin" not in response.headers


# CSV


def rows_of(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.text)))


def test_csv_has_a_column_per_leaf_field_and_is_an_attachment(api: TestClient):
    response = api.get("/api/v1/events", params={"format": "csv"})
    assert response.headers["content-disposition"] == "attachment; filename=events.csv"
    rows = rows_of(response)
    talks = next(row for row in rows if row["id"] == EVENT.rsplit("/", 1)[1])
    assert talks["duration.value"] == "240.0"
    assert talks["duration.unit"] == "minute"
    assert talks["duration.qualifier"] == "nearly"
    assert talks["start"] == "2019-08-19"
    assert talks["place.id"] == "fort-de-bregancon"
    assert talks["outcomes.joint_statement"] == "False"
    for row in rows:
        assert not any(cell.startswith("{") for cell in row.values()), row

    figures = rows_of(api.get("/api/v1/figures", headers={"Accept": "text/csv"}))
    as_json = api.get("/api/v1/figures", params={"limit": 500}).json()["items"]
    assert [(float(row["value.value"]), row["value.unit"]) for row in figures] == [
        (figure["value"]["value"], figure["value"]["unit"]) for figure in as_json
    ]

    timeline = api.get(TIMELINE, params={"format": "csv"})
    assert timeline.headers["content-disposition"] == "attachment; filename=timeline.csv"


HOSTILE = {
    'title: "Putin-Macron talks at Fort de Brégançon"': 'title: "=HYPERLINK(\\"http://evil.example\\")"',
    'format: "closed talks"': 'format: "@SUM(A1)"',
    'text: "nearly four hours"': 'text: "+1-2"',
    "value: 240": "value: -240",
}


def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(
    empty_engine: Engine, app_for, tmp_path: Path
):
    bundle = copy_seed(tmp_path)
    text = bundle.read_text(encoding="utf-8")
    for old, new in HOSTILE.items():
        assert old in text
        text = text.replace(old, new, 1)
    bundle.write_text(text, encoding="utf-8")
    seed(empty_engine, [bundle])
    with TestClient(app_for(empty_engine)) as client:
        rows = rows_of(client.get("/api/v1/events", params={"format": "csv"}))
        assert client.get(EVENT).json()["title"] == '=HYPERLINK("http://evil.example")'
    talks = next(row for row in rows if row["id"] == EVENT.rsplit("/", 1)[1])
    assert talks["title"] == '\'=HYPERLINK("http://evil.example")'
    assert talks["format"] == "'@SUM(A1)"
    assert talks["duration.text"] == "'+1-2"
    assert talks["duration.value"] == "-240.0"  # a number, no formula: kept as it is
    for row in rows:
        assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in row.values())


# Unknown query parameters


def test_unknown_query_parameters_are_ignored(api: TestClient):
    for url in get_operations(api):
        plain = api.get(url)
        busted = api.get(url + ("&" if "?" in url else "?") + "_=1700000000&utm_source=mail")
        assert busted.status_code == plain.status_code == 200, (url, busted.text)
        assert busted.json() == plain.json(), url


@pytest.mark.parametrize(
    ("url", "typo", "hint"),
    [
        ("/api/v1/events", "contry", "country"),
        ("/api/v1/events", "limt", "limit"),
        ("/api/v1/events", "date_form", "date_from"),
        ("/api/v1/figures", "partners", "partner"),
        (EVENT, "claim", "claims"),
        ("/api/v1/relations/RU/FR", "valid_on", "valid_at"),
    ],
)
def test_a_likely_typo_of_a_parameter_is_a_422_with_a_hint(api: TestClient, url, typo, hint):
    body = problem(api.get(url, params={typo: "FR"}), 422)
    [error] = body["errors"]
    assert error["location"] == ["query", typo]
    assert f"did you mean `{hint}`?" in error["message"]


# 503


def test_a_503_says_when_to_try_again(fresh_url, app_for):
    with TestClient(app_for(fresh_url())) as client:
        for url in ("/readyz", "/api/v1/events"):
            response = client.get(url)
            problem(response, 503)
            assert int(response.headers["retry-after"]) >= 1


# Behind a reverse proxy that serves the API under a path prefix


@pytest.fixture(params=["option", "setting"])
def behind_a_proxy(request, seeded_engine: Engine) -> Iterator[str]:
    """`entente serve` told its root path (`--root-path`, or `ENTENTE_ROOT_PATH`); the URL
    the proxy forwards to (it strips the prefix, as proxies do)."""
    port = free_port()
    env = {
        **os.environ,
        "ENTENTE_DATABASE_URL": seeded_engine.url.render_as_string(hide_password=False),
        "ENTENTE_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
    if request.param == "option":
        command += ["--root-path", "/entente"]
    else:
        env["ENTENTE_ROOT_PATH"] = "/entente"
    server = subprocess.Popen(
        command,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_docs_and_every_link_start_with_the_root_path(behind_a_proxy: str):
    def get(path: str) -> httpx.Response:
        # What the proxy does with a request for /entente/...: forwards it without the prefix.
        response = httpx.get(behind_a_proxy + path.removeprefix("/entente"), timeout=10)
        assert response.status_code == 200, (path, response.text)
        return response

    first = get("/entente/api/v1/events?limit=2&country=RU")
    next_url = first.headers["link"].split(">")[0].removeprefix("<")
    assert next_url.startswith("/entente/api/v1/events?limit=2&country=RU&cursor=")
    second = get(next_url)
    assert second.json()["items"][0]["id"] not in {e["id"] for e in first.json()["items"]}

    timeline = get("/entente/api/v1/relations/RU/FR/timeline").json()["items"]
    assert timeline and all(item["url"].startswith("/entente/api/v1/") for item in timeline)
    get(timeline[0]["url"])
    hits = get("/entente/api/v1/search?q=Libya").json()["items"]
    assert hits and all(hit["url"].startswith("/entente/api/v1/") for hit in hits)

    assert get("/entente/openapi.json").json()["servers"] == [{"url": "/entente"}]
    for page, asset in (("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")):
        html = get("/entente" + page).text
        assert "'/entente/openapi.json'" in html or '"/entente/openapi.json"' in html, page
        assert f"/entente/docs-assets/{asset}" in html
        get(f"/entente/docs-assets/{asset}")
