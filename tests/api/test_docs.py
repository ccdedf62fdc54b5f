"""Swagger UI and ReDoc work offline, and every operation is documented."""

import json
import re

import pytest
from fastapi.testclient import TestClient

from app.docs import EXAMPLES_FILE
from app.main import create_app
from app.openapi_examples import generate
from tests.databases import ENGINE


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_every_asset_from_the_app_itself(api: TestClient, page: str):
    html = api.get(page)
    assert html.status_code == 200
    references = re.findall(r"""(?:src|href|spec-url)=["']([^"']+)["']""", html.text)
    references += re.findall(r"""url: ?["']([^"']+)["']""", html.text)
    assert references, "the page references no assets"
    assert not [r for r in references if re.match(r"(https?:)?//", r)], "a CDN reference"
    for reference in references:
        response = api.get(reference)
        assert response.status_code == 200, reference
        assert len(response.content) > 0
    assert "/openapi.json" in references  # the document itself is fetched above


def test_redocs_script_loads_no_image_from_its_cdn(api: TestClient):
    script = api.get("/docs-assets/redoc.standalone.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert "cdn.redoc.ly" not in script.text
    assert "API docs by Redocly" in script.text  # the credit stays, without the logo


OPERATIONS = [
    (path, method, operation)
    for path, item in create_app().openapi()["paths"].items()
    for method, operation in item.items()
]


@pytest.mark.parametrize(
    ("path", "method", "operation"), OPERATIONS, ids=[f"{m.upper()} {p}" for p, m, _ in OPERATIONS]
)
def test_every_operation_is_documented(path: str, method: str, operation: dict):
    assert operation.get("summary"), "no summary"
    assert len(operation.get("description", "")) >= 40, "no real description"
    responses = operation["responses"]
    ok = (responses.get("200") or responses["202"])["content"]["application/json"]
    assert "example" in ok or "examples" in ok, "no example"
    if path.startswith("/api/"):
        assert "422" in responses, "input errors undocumented"
        assert responses["422"]["content"]["application/problem+json"]
    if "{" in path:
        assert "404" in responses, "unknown id undocumented"
    for parameter in operation.get("parameters", []):
        assert parameter.get("description"), f"parameter {parameter['name']} undescribed"


# Search scores and snippets are the engine's own (BM25 on SQLite, ts_rank on PostgreSQL);
# the committed examples come from SQLite.
ENGINE_SPECIFIC = {"search"} if ENGINE == "postgres" else set()


def test_the_examples_are_what_the_api_answers(api: TestClient):
    committed = json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))
    answered = generate(api.app)
    for operation in ENGINE_SPECIFIC:
        assert answered.pop(operation)["items"], f"{operation} found nothing"
        committed.pop(operation)
    assert answered == committed, "run `entente examples` and commit the result"
