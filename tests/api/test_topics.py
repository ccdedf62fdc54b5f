"""Topics, asked as an analyst would."""

from fastapi.testclient import TestClient

TALKS = "2019-08-19-putin-macron-talks-bregancon"


def ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_when_was_the_libya_crisis_discussed(api: TestClient):
    response = api.get("/api/v1/topics/libya-crisis")
    assert response.status_code == 200
    libya = response.json()
    assert (libya["name"], libya["category"]) == ("Crisis in Libya", "crisis")
    assert [(e["id"], e["start"], e["kind"]) for e in libya["events"]] == [
        (TALKS, "2019-08-19", "bilateral_meeting")
    ]
    assert libya["statements"] == []
    assert libya["citations"] == [
        {
            "source": "improving-russia-france-relations",
            "excerpt": "the crises in Syria, Ukraine and Libya",
        }
    ]


def test_what_was_said_about_security_in_europe(api: TestClient):
    topic = api.get("/api/v1/topics/security-in-europe").json()
    (said,) = topic["statements"]
    assert said["id"] == "macron-2019-08-security-structure-russia-europe"
    assert (said["speaker"]["id"], said["date"], said["mode"]) == (
        "emmanuel-macron",
        "2019-08",
        "paraphrase",
    )
    assert "security structure between Russia and Europe" in said["text"]
    # Discussed at the talks; the press conference, by the article, was about the crises.
    assert [e["id"] for e in topic["events"]] == [TALKS]


def test_the_crises_of_syria_ukraine_and_libya_name_their_countries(api: TestClient):
    for country, crisis in (
        ("SY", "syria-crisis"),
        ("UA", "ukraine-crisis"),
        ("LY", "libya-crisis"),
    ):
        (found,) = api.get("/api/v1/topics", params={"country": country}).json()["items"]
        assert (found["id"], found["countries"]) == (crisis, [country])
    assert api.get("/api/v1/topics", params={"country": "FR"}).json()["items"] == []


def test_the_crises_on_record(api: TestClient):
    response = api.get("/api/v1/topics", params={"category": "crisis"})
    crises = response.json()["items"]
    assert {t["id"] for t in crises} == {
        "global-crises",
        "libya-crisis",
        "syria-crisis",
        "ukraine-crisis",
    }
    names = [t["name"] for t in crises]
    assert names == sorted(names)
    assert all(t["citations"] for t in crises)


def test_words_in_the_name_or_description(api: TestClient):
    assert ids(api.get("/api/v1/topics", params={"q": "JCPOA"})) == ["jcpoa"]
    assert ids(api.get("/api/v1/topics", params={"q": "cyber", "category": "security"})) == [
        "cyber-security"
    ]
    climate = api.get("/api/v1/topics", params={"q": "climate"}).json()["items"]
    assert [(t["id"], t["wikidata"]) for t in climate] == [("climate-change", "Q7942")]
    assert ids(api.get("/api/v1/topics", params={"q": "climate", "category": "crisis"})) == []


def test_paging_by_name_both_ways(api: TestClient):
    everything = ids(api.get("/api/v1/topics", params={"limit": 500}))
    seen, cursor = [], None
    while True:
        params = {"limit": 4, "count": "true"} | ({"cursor": cursor} if cursor else {})
        body = api.get("/api/v1/topics", params=params).json()
        assert body["total"] == len(everything)
        seen += [t["id"] for t in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == everything
    assert len(everything) > 4
    assert ids(api.get("/api/v1/topics", params={"sort": "-name", "limit": 500})) == list(
        reversed(everything)
    )


def test_an_unknown_category_is_a_422_and_an_unknown_topic_a_404(api: TestClient):
    invalid = api.get("/api/v1/topics", params={"category": "gossip"})
    assert invalid.status_code == 422
    assert invalid.json()["errors"][0]["location"] == ["query", "category"]
    missing = api.get("/api/v1/topics/no-such-topic")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["detail"] == "topic 'no-such-topic' not found"
