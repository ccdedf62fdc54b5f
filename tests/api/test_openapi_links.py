"""The OpenAPI document's links: each names an operation that exists and parameters it takes,
and following one by hand gets what it says."""

from fastapi.testclient import TestClient

from app.main import create_app

SCHEMA = create_app().openapi()
OPERATIONS = {
    operation["operationId"]: operation
    for item in SCHEMA["paths"].values()
    for operation in item.values()
}


def _links() -> dict[tuple[str, str, str], dict]:
    return {
        (operation_id, status, name): link
        for operation_id, operation in OPERATIONS.items()
        for status, response in operation["responses"].items()
        for name, link in response.get("links", {}).items()
    }


def test_every_link_names_an_operation_and_parameters_it_takes():
    links = _links()
    assert len(links) >= 30
    for (source, status, name), link in links.items():
        target = OPERATIONS[link["operationId"]]
        taken = {parameter["name"] for parameter in target.get("parameters", [])}
        assert set(link["parameters"]) <= taken, (source, status, name)
        assert link["description"]


def test_every_page_links_to_its_next_page_and_its_first_item():
    links = _links()
    for list_id, detail_id in [
        ("list_events", "get_event"),
        ("list_countries", "get_country"),
        ("list_sources", "get_source"),
    ]:
        assert links[(list_id, "200", "next")]["operationId"] == list_id
        assert links[(list_id, "200", "item")]["operationId"] == detail_id
    assert links[("create_source", "200", "source")]["parameters"] == {
        "source_id": "$request.body#/id"
    }


def test_following_the_next_and_item_links_by_hand(api: TestClient):
    page = api.get("/api/v1/events", params={"limit": 1, "sort": "start"}).json()
    # next: the same list and sort, with the page's `next_cursor`
    following = api.get(
        "/api/v1/events", params={"cursor": page["next_cursor"], "sort": "start", "limit": 1}
    )
    assert following.status_code == 200
    assert following.json()["items"][0]["id"] != page["items"][0]["id"]
    # item: `items/0/id` is the detail's path parameter
    assert api.get(f"/api/v1/events/{page['items'][0]['id']}").status_code == 200
