"""Countries, asked as an analyst would."""

from fastapi.testclient import TestClient


def codes(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["code"] for item in response.json()["items"]]


def total(api: TestClient, path: str, **params) -> int:
    response = api.get(path, params=params | {"count": "true", "limit": 1})
    assert response.status_code == 200, response.text
    return response.json()["total"]


def test_russia_asked_in_alpha3_lower_case_is_answered_in_alpha2(api: TestClient):
    russia = api.get("/api/v1/countries/rus").json()
    assert (russia["code"], russia["alpha3"], russia["name"]) == ("RU", "RUS", "Russian Federation")
    assert russia["wikidata"] == "Q159"
    assert russia["in_kb"] is True
    assert [p["id"] for p in russia["people"]] == ["dmitry-medvedev", "vladimir-putin"]
    assert russia["places"] == []


def test_france_has_its_leaders_and_the_places_of_the_visit_and_the_summit(api: TestClient):
    france = api.get("/api/v1/countries/FR").json()
    assert france["official_name"] == "French Republic"
    assert france["in_kb"] is True
    assert [p["name"] for p in france["people"]] == ["Edouard Philippe", "Emmanuel Macron"]
    assert [p["id"] for p in france["places"]] == ["biarritz", "fort-de-bregancon"]


def test_counts_agree_with_the_lists_they_summarise(api: TestClient):
    for code in ("FR", "RU"):
        counts = api.get(f"/api/v1/countries/{code}").json()["counts"]
        assert counts["events"] == total(api, "/api/v1/events", country=code)
        assert counts["events"] > 0
        assert counts["mechanisms"] >= 2  # both resumed committees are Russia-France
        assert counts["figures"] >= 5
        assert counts["assessments"] > 0
    # The G7 summit in Biarritz involves France alone.
    assert (
        api.get("/api/v1/countries/FR").json()["counts"]["events"]
        == api.get("/api/v1/countries/RU").json()["counts"]["events"] + 1
    )


def test_a_country_no_fact_refers_to(api: TestClient):
    germany = api.get("/api/v1/countries/deu").json()
    assert (germany["code"], germany["name"], germany["in_kb"]) == ("DE", "Germany", False)
    assert germany["counts"] == {"events": 0, "mechanisms": 0, "figures": 0, "assessments": 0}
    assert germany["people"] == germany["places"] == []


def test_in_kb_splits_the_countries_in_two(api: TestClient):
    assert codes(api.get("/api/v1/countries", params={"in_kb": "true"})) == ["FR", "RU"]
    assert codes(api.get("/api/v1/countries", params={"in_kb": "false", "q": "germ"})) == ["DE"]
    assert codes(api.get("/api/v1/countries", params={"in_kb": "false", "q": "fra"})) == []
    every = total(api, "/api/v1/countries")
    assert every == 249
    assert (
        total(api, "/api/v1/countries", in_kb="true")
        + total(api, "/api/v1/countries", in_kb="false")
        == every
    )


def test_q_is_a_case_insensitive_name_prefix(api: TestClient):
    assert codes(api.get("/api/v1/countries", params={"q": "RUSSIA"})) == ["RU"]
    assert codes(api.get("/api/v1/countries", params={"q": "french"})) == ["GF", "PF", "TF"]
    assert "FR" in codes(api.get("/api/v1/countries", params={"q": "fr"}))
    # A prefix, not a substring: "Russian Federation" does not begin with "federation".
    assert "RU" not in codes(api.get("/api/v1/countries", params={"q": "federation"}))
    # LIKE wildcards are taken literally.
    assert codes(api.get("/api/v1/countries", params={"q": "%"})) == []
    assert codes(api.get("/api/v1/countries", params={"q": "_rance"})) == []


def test_sorted_by_name_by_default_or_by_code(api: TestClient):
    by_name = api.get("/api/v1/countries", params={"limit": 500}).json()["items"]
    names = [c["name"] for c in by_name]
    assert names == sorted(names)
    by_code = codes(api.get("/api/v1/countries", params={"limit": 500, "sort": "code"}))
    assert by_code == sorted(by_code)
    assert set(by_code) == {c["code"] for c in by_name}
    assert api.get("/api/v1/countries", params={"sort": "population"}).status_code == 422


def test_paging_with_cursors_visits_every_country_once(api: TestClient):
    everything = codes(api.get("/api/v1/countries", params={"limit": 500}))
    seen, cursor = [], None
    while True:
        params = {"limit": 100} | ({"cursor": cursor} if cursor else {})
        body = api.get("/api/v1/countries", params=params).json()
        seen += [c["code"] for c in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == everything
    assert len(seen) == len(set(seen)) == 249


def test_an_unknown_or_malformed_code_is_a_404_problem(api: TestClient):
    for code in ("xx", "ZZZ", "fran", "12", "f"):
        response = api.get(f"/api/v1/countries/{code}")
        assert response.status_code == 404, code
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["detail"] == f"country '{code}' not found"
