"""The OpenAPI document tells the truth: problems only as problem+json, every answer the API
can send and its headers documented, every property of every schema described."""

from typing import Any

import pytest
from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def schema(api: TestClient) -> dict[str, Any]:
    return api.get("/openapi.json").json()  # type: ignore[no-any-return]


def _operations(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(path, op) for path, item in schema["paths"].items() for op in item.values()]


def test_every_property_of_every_schema_is_described(schema: dict[str, Any]):
    undescribed = [
        f"{name}.{prop}"
        for name, model in schema["components"]["schemas"].items()
        for prop, spec in model.get("properties", {}).items()
        if not spec.get("description", "").strip()
    ]
    assert undescribed == []


def test_errors_are_documented_as_problems_only(schema: dict[str, Any]):
    for path, operation in _operations(schema):
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                content = response["content"]
                assert list(content) == ["application/problem+json"], (path, status)
                assert content["application/problem+json"]["schema"] == {
                    "$ref": "#/components/schemas/Problem"
                }


def test_every_api_operation_documents_the_answers_it_can_send(
    schema: dict[str, Any], api: TestClient
):
    for path, operation in _operations(schema):
        responses = operation["responses"]
        for response in responses.values():
            assert "X-Request-ID" in response["headers"], path
        if not path.startswith("/api/"):
            continue
        assert {"406", "422", "500", "503"} <= set(responses), path
        if operation.get("security"):
            continue  # an answer for one key is not cached: no ETag, no 304
        assert {"200", "304"} <= set(responses), path
        assert "ETag" in responses["200"]["headers"] and "ETag" in responses["304"]["headers"]
        assert "Retry-After" in responses["503"]["headers"], path
        if "text/csv" in responses["200"]["content"]:
            assert "Link" in responses["200"]["headers"], path
    # What the document says is what the API sends.
    page = api.get("/api/v1/events", params={"limit": 1})
    assert page.headers["etag"] and 'rel="next"' in page.headers["link"]
    assert page.headers["x-request-id"]


def test_readyz_documents_its_answer(schema: dict[str, Any], api: TestClient):
    ok = schema["paths"]["/readyz"]["get"]["responses"]["200"]["content"]["application/json"]
    status = schema["components"]["schemas"][ok["schema"]["$ref"].rsplit("/", 1)[1]]
    assert status["properties"]["status"]["const"] == api.get("/readyz").json()["status"]


def test_lists_document_csv_and_ndjson_as_their_own_media_types(schema: dict[str, Any]):
    lists = [op for path, op in _operations(schema) if "cursor" in str(op.get("parameters", []))]
    assert len(lists) > 10
    for operation in lists:
        content = operation["responses"]["200"]["content"]
        assert set(content) == {"application/json", "text/csv", "application/x-ndjson"}
        assert content["application/json"]["schema"]["$ref"].startswith("#/components")
