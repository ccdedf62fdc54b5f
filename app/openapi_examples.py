"""The examples in the OpenAPI document are real answers of the seeded knowledge base.

`entente examples` regenerates app/openapi_examples.json by calling every GET operation
in-process; a test fails when the committed file is no longer what the API answers.
"""

import json
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.docs import EXAMPLES_FILE

# Operations whose path or required parameters need a value: the URL of their example.
SAMPLE_URLS = {
    "get_country": "/api/v1/countries/FR",
    "get_organization": "/api/v1/organizations/european-union",
    "get_person": "/api/v1/people/vladimir-putin",
    "get_place": "/api/v1/places/fort-de-bregancon",
    "get_event": "/api/v1/events/2019-08-19-putin-macron-talks-bregancon",
    "get_mechanism": "/api/v1/mechanisms/security-cooperation-committee",
    "get_figure": "/api/v1/figures/ru-fr-bilateral-trade-2018",
    "get_figure_series": "/api/v1/figures/series?metric=bilateral_trade&country=RU&partner=FR",
    "get_topic": "/api/v1/topics/libya-crisis",
    "get_statement": "/api/v1/statements/macron-2019-08-security-structure-russia-europe",
    "get_assessment": "/api/v1/assessments/ru-fr-2019-08-visit-shows-improvement",
    "get_source": "/api/v1/sources/improving-russia-france-relations",
    "get_relations": "/api/v1/relations/RU/FR",
    "get_relations_timeline": "/api/v1/relations/RU/FR/timeline?limit=3",
    "search": "/api/v1/search?q=Libya&limit=2",
    "get_claim": "/api/v1/claims/event/2019-08-19-putin-macron-talks-bregancon/"
    "improving-russia-france-relations",
}
# The change feed's times differ with every load: its route gives its example.
OWN_EXAMPLES = {"list_changes"}
MAX_TEXT = 600  # long texts (a source's whole text) are cut in examples


def _shorten(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return value[:MAX_TEXT] + "…"
    if isinstance(value, list):
        return [_shorten(v) for v in value[:3]]
    if isinstance(value, dict):
        return {k: _shorten(v) for k, v in value.items()}
    return value


def generate(app: FastAPI) -> dict[str, Any]:
    """Operation id -> the JSON its sample request answers (lists: one item)."""
    examples: dict[str, Any] = {}
    with TestClient(app) as client:
        for path, item in app.openapi()["paths"].items():
            operation_id = item.get("get", {}).get("operationId")
            if operation_id is None or operation_id in OWN_EXAMPLES or item["get"].get("security"):
                continue  # an operation that needs a key gives its example in its route
            url = SAMPLE_URLS.get(operation_id)
            if url is None:
                if "{" in path:
                    raise LookupError(f"no sample URL for {operation_id} ({path})")
                url = f"{path}?limit=1" if operation_id.startswith("list_") else path
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}: {response.text}")
            examples[operation_id] = _shorten(response.json())
    return examples


def write(app: FastAPI) -> None:
    text = json.dumps(generate(app), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    EXAMPLES_FILE.write_text(text, encoding="utf-8")
