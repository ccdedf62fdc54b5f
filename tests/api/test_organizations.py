"""Organizations, asked as an analyst would."""

from fastapi.testclient import TestClient

SOURCE = "improving-russia-france-relations"


def ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_the_eu_and_the_g7_with_their_acronyms_and_citations(api: TestClient):
    items = api.get("/api/v1/organizations").json()["items"]
    by_id = {item["id"]: item for item in items}
    eu, g7 = by_id["european-union"], by_id["g7"]
    assert (eu["name"], eu["acronym"], eu["kind"], eu["wikidata"]) == (
        "European Union",
        "EU",
        "union",
        "Q458",
    )
    assert (g7["name"], g7["acronym"], g7["kind"]) == ("Group of Seven", "G7", "forum")
    assert g7["citations"] == [
        {
            "source": SOURCE,
            "excerpt": "The visit takes place ahead of the Group of Seven (G7) Summit 2019",
        }
    ]
    names = [item["name"] for item in items]
    assert names == sorted(names)


def test_filters_by_kind_and_words(api: TestClient):
    assert ids(api.get("/api/v1/organizations", params={"kind": "union"})) == ["european-union"]
    assert ids(api.get("/api/v1/organizations", params={"kind": "alliance"})) == []
    assert ids(api.get("/api/v1/organizations", params={"q": "SEVEN"})) == ["g7"]
    assert ids(api.get("/api/v1/organizations", params={"q": "g7", "kind": "union"})) == []


def test_the_eu_is_named_by_assessments_of_its_relations_with_russia(api: TestClient):
    eu = api.get("/api/v1/organizations/european-union").json()
    assessments = eu["assessments"]
    assert {a["id"] for a in assessments} >= {
        "ru-eu-2019-08-france-lever-to-restore-relations",
        "ru-eu-2019-08-improving-trend",
    }
    lever = next(a for a in assessments if a["id"].endswith("lever-to-restore-relations"))
    assert (lever["stance"], lever["period"], lever["holder"]) == ("warming", "2019-08", "author")
    assert "restore relations with the EU" in lever["text"]
    assert all(a["citations"] and a["citations"][0]["source"] == SOURCE for a in assessments)
    keys = [(a["period"], a["id"]) for a in assessments]
    assert keys == sorted(keys)
    assert eu["events"] == []


def test_the_g7_is_involved_in_its_summit_in_biarritz(api: TestClient):
    g7 = api.get("/api/v1/organizations/g7").json()
    assert g7["events"] == [
        {
            "id": "2019-08-24-g7-summit-biarritz",
            "kind": "summit",
            "title": "G7 Summit 2019 in Biarritz",
            "start": "2019-08-24",
        }
    ]
    assert g7["assessments"] == []


def test_an_unknown_organization_is_a_404_problem(api: TestClient):
    response = api.get("/api/v1/organizations/nato")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "organization 'nato' not found"
