"""Operations: metrics by route template, a request id on every answer and in every log
line, the settings documented, and the compose file that runs it all."""

import csv
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from app.config import Settings, get_settings
from app.observability import configure_logging
from tests.conftest import PROJECT_ROOT

EVENT_ID = "2019-08-19-putin-macron-talks-bregancon"


@pytest.fixture
def client(seeded_engine, app_for) -> Iterator[TestClient]:
    with TestClient(app_for(seeded_engine)) as client:
        yield client


def sample(client: TestClient, name: str, **labels: str) -> float:
    """The value of one sample of GET /metrics (0 when absent: counters start unseen)."""
    response = client.get("/metrics")
    for family in text_string_to_metric_families(response.text):
        for found in family.samples:
            if found.name == name and all(found.labels.get(k) == v for k, v in labels.items()):
                return found.value
    return 0.0


def log_lines(err: str) -> list[dict]:
    return [json.loads(line) for line in err.splitlines() if line.startswith("{")]


# Metrics


def test_metrics_count_requests_by_route_template_and_status(client: TestClient):
    labels = {"method": "GET", "route": "/api/v1/events/{event_id}", "status": "404"}
    before = sample(client, "http_requests_total", **labels)
    timed_before = sample(client, "http_request_duration_seconds_count", **labels)

    assert client.get("/api/v1/events/no-such-id").status_code == 404

    assert sample(client, "http_requests_total", **labels) == before + 1
    assert sample(client, "http_request_duration_seconds_count", **labels) == timed_before + 1
    exposition = client.get("/metrics")
    assert exposition.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert "no-such-id" not in exposition.text  # ids never become label values


def test_every_api_operation_is_counted_under_its_own_template(client: TestClient):
    paths = client.get("/openapi.json").json()["paths"]
    for template in paths:
        client.get(re.sub(r"\{[^}]+\}", "x", template))
    exposition = client.get("/metrics").text
    counted = {
        found.labels["route"]
        for family in text_string_to_metric_families(exposition)
        for found in family.samples
        if found.name == "http_requests_total"
    }
    assert set(paths) <= counted
    assert "/api/v1/events/x" not in counted


def test_unknown_paths_share_one_series(client: TestClient):
    labels = {"route": "<unmatched>", "status": "404"}
    before = sample(client, "http_requests_total", **labels)
    client.get("/no/such/page")
    client.get("/another/missing/page")
    assert sample(client, "http_requests_total", **labels) == before + 2


def test_metrics_stay_out_of_the_api_docs(client: TestClient):
    assert "/metrics" not in client.get("/openapi.json").json()["paths"]


SCRIPT = """
import sys
from fastapi.testclient import TestClient
from app.main import app

client = TestClient(app)
assert client.get("/healthz").status_code == 200
if sys.argv[1] == "scrape":
    print(client.get("/metrics").text)
"""


def test_workers_share_their_counts_through_the_multiprocess_folder(tmp_path: Path):
    # Two processes, as two uvicorn workers would be: the second answers for both.
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "ENTENTE_LOG_LEVEL": "WARNING",
    }
    for role in ("serve", "scrape"):
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, role],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
    counts = {
        found.labels["status"]: found.value
        for family in text_string_to_metric_families(done.stdout)
        for found in family.samples
        if found.name == "http_requests_total" and found.labels["route"] == "/healthz"
    }
    assert counts == {"200": 2.0}
    assert list(tmp_path.glob("counter_*.db"))


# Request ids


def test_a_sane_request_id_is_echoed(client: TestClient):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a:2024/05_01.9"})
    assert response.headers["X-Request-ID"] == "lb-7f3a:2024/05_01.9"


def test_a_request_id_is_made_when_none_is_given(client: TestClient):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


@pytest.mark.parametrize(
    "given",
    [
        "x" * 129,
        "two words",
        "tab\there",
        "caf\xe9".encode("latin-1"),
        b"\x7fdelete",
        "",
    ],
)
def test_an_insane_request_id_is_replaced(client: TestClient, given: str | bytes):
    answered = client.get("/healthz", headers={"X-Request-ID": given}).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", answered)


def test_problems_and_not_modified_answers_carry_the_request_id(client: TestClient):
    missing = client.get("/api/v1/events/no-such-id", headers={"X-Request-ID": "req-404"})
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["detail"] == "event 'no-such-id' not found"
    assert missing.headers["X-Request-ID"] == "req-404"

    etag = client.get(f"/api/v1/events/{EVENT_ID}").headers["ETag"]
    cached = client.get(
        f"/api/v1/events/{EVENT_ID}", headers={"If-None-Match": etag, "X-Request-ID": "req-304"}
    )
    assert cached.status_code == 304
    assert cached.headers["X-Request-ID"] == "req-304"
    assert cached.headers["ETag"] == etag


def test_a_streamed_csv_arrives_whole_with_the_request_id(client: TestClient):
    ids = [
        item["id"] for item in client.get("/api/v1/events", params={"limit": 500}).json()["items"]
    ]
    with client.stream(
        "GET", "/api/v1/events", params={"format": "csv"}, headers={"X-Request-ID": "req-csv"}
    ) as response:
        assert response.headers["X-Request-ID"] == "req-csv"
        assert response.headers["content-type"].startswith("text/csv")
        body = "".join(response.iter_text())
    rows = list(csv.DictReader(io.StringIO(body)))
    assert sorted(row["id"] for row in rows) == sorted(ids)
    assert len(ids) > 1


def failing_app(app: FastAPI) -> FastAPI:

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    return app


def test_an_unexpected_error_is_a_counted_problem_with_the_request_id(
    seeded_engine, app_for, capsys
):
    with TestClient(failing_app(app_for(seeded_engine)), raise_server_exceptions=False) as client:
        before = sample(client, "http_requests_total", route="/boom", status="500")
        response = client.get("/boom", headers={"X-Request-ID": "req-500"})
        assert response.status_code == 500
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["X-Request-ID"] == "req-500"
        assert "a bug" not in response.text
        assert sample(client, "http_requests_total", route="/boom", status="500") == before + 1

    logged = [
        line for line in log_lines(capsys.readouterr().err) if line["request_id"] == "req-500"
    ]
    assert {line["logger"] for line in logged} == {"entente.errors", "entente.access"}
    error = next(line for line in logged if line["logger"] == "entente.errors")
    assert error["level"] == "ERROR"
    assert "RuntimeError: a bug" in error["exc_info"]


# Logs


def test_each_request_writes_a_json_access_line_with_its_id(client: TestClient, capsys):
    capsys.readouterr()
    client.get("/api/v1/events/no-such-id", headers={"X-Request-ID": "req-log"})

    access = [
        line for line in log_lines(capsys.readouterr().err) if line["logger"] == "entente.access"
    ]
    assert len(access) == 1
    line = access[0]
    assert line["request_id"] == "req-log"
    assert line["level"] == "INFO"
    assert line["method"] == "GET"
    assert line["path"] == "/api/v1/events/no-such-id"
    assert line["route"] == "/api/v1/events/{event_id}"
    assert line["status"] == 404
    assert line["duration_ms"] >= 0
    assert {"timestamp", "message"} <= set(line)


def test_text_format_writes_readable_lines(seeded_engine, app_for, monkeypatch, capsys):
    monkeypatch.setenv("ENTENTE_LOG_FORMAT", "text")
    get_settings.cache_clear()
    try:
        with TestClient(app_for(seeded_engine)) as client:
            capsys.readouterr()
            client.get("/healthz", headers={"X-Request-ID": "req-text"})
        err = capsys.readouterr().err
        assert re.search(r"INFO +entente\.access \[req-text\] GET /healthz 200 ", err), err
        assert not log_lines(err)
    finally:
        monkeypatch.delenv("ENTENTE_LOG_FORMAT")
        get_settings.cache_clear()
        configure_logging(get_settings())


def test_log_settings_are_checked():
    assert Settings(log_level="debug").log_level == "DEBUG"
    with pytest.raises(ValueError):
        Settings(log_format="xml")  # type: ignore[arg-type]


# Documentation and deployment files


def readme_settings_table() -> set[str]:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(ENTENTE_[A-Z0-9_]+)` \|", section, flags=re.MULTILINE))


def test_every_setting_is_in_the_readme_table():
    settings = {f"ENTENTE_{name.upper()}" for name in Settings.model_fields}
    documented = readme_settings_table()
    assert settings - documented == set(), "settings missing from the README's Settings table"
    assert documented - settings == set(), "the README documents settings that do not exist"


def test_the_readme_says_how_to_scale_out():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    scaling = readme.split("\n## Scaling out\n", 1)[1].split("\n## ", 1)[0]
    for needed in (
        "postgresql+psycopg://",
        "entente migrate",
        "PROMETHEUS_MULTIPROC_DIR",
        "/readyz",
    ):
        assert needed in scaling


def test_compose_runs_postgres_and_a_migrating_multi_worker_api():
    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    db, api = compose["services"]["db"], compose["services"]["api"]

    assert db["image"] == "postgres:16-alpine"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    volume = db["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]

    assert api["build"] == "."
    assert api["depends_on"]["db"]["condition"] == "service_healthy"
    url = api["environment"]["ENTENTE_DATABASE_URL"]
    assert url.startswith("postgresql+psycopg://") and "@db:5432/" in url
    command = " ".join(api["command"])
    assert command.index("entente migrate") < command.index("entente seed")
    assert command.index("entente seed") < command.index("entente serve")
    assert re.search(r"--workers [2-9]", command)
    assert "8000:8000" in api["ports"]
    assert api["environment"]["PROMETHEUS_MULTIPROC_DIR"] in api["tmpfs"]
    assert set(api["environment"]) - {"PROMETHEUS_MULTIPROC_DIR"} <= {
        f"ENTENTE_{name.upper()}" for name in Settings.model_fields
    }
