"""OpenAPI links: the request an answer leads to, with the values it takes from the answer.

A page leads to its first item and to the next page; a pair's dossier to its timeline; a
write to what it wrote, or to the proposal it filed. Clients (and schemathesis' stateful
tests) follow them without knowing the API's URLs.
"""

from typing import Any

API = "/api/v1"


def _link(operation_id: str, description: str, **parameters: str) -> dict[str, Any]:
    return {"operationId": operation_id, "description": description, "parameters": parameters}


def _proposal(description: str) -> dict[str, Any]:
    return _link("get_proposal", description, proposal_id="$response.body#/id")


_CLAIM = {name: f"$request.path.{name}" for name in ("kind", "entity_id", "source_id")}
# operationId -> status -> link name -> link, beside the ones derived from the paths.
LINKS: dict[str, dict[str, dict[str, dict[str, Any]]]] = {
    "get_relations": {
        "200": {
            "timeline": _link(
                "get_relations_timeline",
                "Everything dated about the same pair.",
                a="$request.path.a",
                b="$request.path.b",
            )
        }
    },
    "list_figures": {
        "200": {
            "series": _link(
                "get_figure_series",
                "The time series of the page's first figure.",
                metric="$response.body#/items/0/metric",
                country="$response.body#/items/0/country",
                partner="$response.body#/items/0/partner",
            )
        }
    },
    "create_source": {
        "200": {
            "source": _link("get_source", "The source written.", source_id="$request.body#/id")
        },
        "202": {"proposal": _proposal("The proposal filed for review.")},
    },
    "put_claim": {
        "200": {"claim": _link("get_claim", "The claim as written.", **_CLAIM)},
        "202": {"proposal": _proposal("The proposal filed for review.")},
    },
    "withdraw_claim": {"202": {"proposal": _proposal("The proposal filed for review.")}},
    "upload_bundle": {"202": {"proposal": _proposal("The proposal filed for review.")}},
    "extract_source": {"202": {"proposal": _proposal("The draft filed for review.")}},
    "list_proposals": {
        "200": {
            "first": _link(
                "get_proposal", "The first proposal listed.", proposal_id="$response.body#/0/id"
            )
        }
    },
}


def _page_links(path: str, operation: dict[str, Any], paths: dict[str, Any]) -> dict[str, Any]:
    """A list's links: its next page, and its first item (`/things` -> `/things/{id}`)."""
    names = {parameter["name"]: parameter["in"] for parameter in operation.get("parameters", [])}
    if "cursor" not in names:
        return {}  # not a page
    following = {"cursor": "$response.body#/next_cursor"}
    for name, where in names.items():
        if where == "path" or name in ("sort", "q"):
            following[name] = f"$request.{where}.{name}"
    links = {
        "next": _link(
            operation["operationId"],
            "The next page (`next_cursor`), in the same order: none after the last.",
            **following,
        )
    }
    for detail_path, item in paths.items():
        parameter = detail_path.removeprefix(path + "/{").removesuffix("}")
        if "get" in item and detail_path == f"{path}/{{{parameter}}}" and "/" not in parameter:
            key = "code" if parameter == "code" else "id"
            links["item"] = _link(
                item["get"]["operationId"],
                "The page's first item.",
                **{parameter: f"$response.body#/items/0/{key}"},
            )
    return links


def document_links(schema: dict[str, Any]) -> None:
    """Adds to `schema`, in place, the `links` of its operations' answers."""
    paths: dict[str, Any] = schema["paths"]
    for path, item in paths.items():
        for operation in item.values():
            responses = operation["responses"]
            if path.startswith(API) and "200" in responses:
                page = _page_links(path, operation, paths)
                if page:
                    responses["200"].setdefault("links", {}).update(page)
            for status, links in LINKS.get(operation["operationId"], {}).items():
                responses[status].setdefault("links", {}).update(links)
