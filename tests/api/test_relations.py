"""The relations of two countries, asked as an analyst would."""

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.relations import service, timeline
from app.relations.schemas import EVIDENCE, TimelineQuery
from app.seeding.loader import seed
from app.values import PartialDate
from tests.conftest import (
    SECURITY,
    SEED_BUNDLES,
    SOURCE_ID,
    suspend_security_committee_in_march_2022,
)

DOSSIER = "/api/v1/relations/RU/FR"
TIMELINE = "/api/v1/relations/RU/FR/timeline"
AUGUST_VISIT = "2019-08-19-putin-official-visit-france"
JUNE_VISIT = "2019-06-medvedev-visit-france"
ECONOMIC = "economic-financial-industrial-commercial-cooperation-committee"


def dossier(api: TestClient, url: str = DOSSIER, **params: str) -> dict:
    response = api.get(url, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def timeline_ids(api: TestClient, **params) -> list[str]:
    response = api.get(TIMELINE, params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_the_last_engagement_is_putins_august_2019_visit(api: TestClient):
    relations = dossier(api)
    assert (relations["a"], relations["b"]) == (
        {"code": "RU", "name": "Russian Federation"},
        {"code": "FR", "name": "France"},
    )
    last = relations["last_engagement"]
    assert (last["id"], last["kind"], last["start"]) == (
        AUGUST_VISIT,
        "official_visit",
        "2019-08-19",
    )
    # "In 2018 ... frequently exchanged opinions on the phone" is no event: the June visit
    # is the earliest engagement.
    assert relations["first_engagement"]["id"] == JUNE_VISIT
    # Engagements are whole visits: the talks and the press conference are parts of one.
    assert [e["id"] for e in relations["recent_events"]] == [AUGUST_VISIT, JUNE_VISIT]


def test_engagements_are_counted_by_year_and_kind_with_their_evidence(api: TestClient):
    relations = dossier(api)
    by_year = {bucket["year"]: bucket for bucket in relations["events_by_year"]}
    assert by_year[2019]["events"] == [JUNE_VISIT, AUGUST_VISIT]
    assert 2018 not in by_year  # the frequent 2018 calls are a claim, not events
    # The G7 summit in Biarritz is not an engagement of the pair (France only, scheduled).
    for bucket in relations["events_by_year"] + relations["events_by_kind"]:
        assert bucket["count"] == len(bucket["events"])
        assert "2019-08-24-g7-summit-biarritz" not in bucket["events"]
    by_kind = {bucket["kind"]: bucket["events"] for bucket in relations["events_by_kind"]}
    assert by_kind == {
        "official_visit": [AUGUST_VISIT],
        "visit": [JUNE_VISIT],
    }


def test_both_resumed_committees_are_listed_with_their_evidence(api: TestClient):
    mechanisms = {m["id"]: m for m in dossier(api)["mechanisms"]}
    assert set(mechanisms) == {SECURITY, ECONOMIC}
    for mechanism in mechanisms.values():
        status = mechanism["status"]
        # The article reports them resumed without dating the resumption.
        assert (status["status"], status["date"], status["as_of"]) == ("resumed", None, "2019-08")
        assert "have been resumed" in status["citations"][0]["excerpt"]
        assert mechanism["citations"]


def test_the_status_on_a_date_before_any_entry_is_null(api: TestClient):
    relations = dossier(api, valid_at="2010")
    assert relations["valid_at"] == "2010"
    assert [m["status"] for m in relations["mechanisms"]] == [None, None]
    # Reported as resumed in August 2019: asked on a day of that month, it is.
    later = dossier(api, valid_at="2019-08-20")
    assert {m["status"]["status"] for m in later["mechanisms"]} == {"resumed"}
    assert api.get(DOSSIER, params={"valid_at": "August"}).status_code == 422


def test_valid_at_gives_the_status_then_not_the_current_one(seeded_engine: Engine):
    # A hypothetical suspension of the security committee in March 2022.
    with seeded_engine.begin() as connection:
        suspend_security_committee_in_march_2022(connection)

        def status(valid_at: str | None) -> str | None:
            valid = PartialDate.parse(valid_at) if valid_at else None
            relations = service.get_relations(connection, a="ru", b="fr", valid_at=valid)
            (security,) = [m for m in relations.mechanisms if m.id == SECURITY]
            return security.status.status if security.status else None

        assert status(None) == "suspended"
        assert status("2021") == "resumed"
        assert status("2022-03-01") == "suspended"
        assert status("2019") == "resumed"
        assert status("2019-07") is None


def test_the_2018_trade_figure_with_its_change(api: TestClient):
    figures = {f["metric"]: f for f in dossier(api)["latest_figures"]}
    trade = figures["bilateral_trade"]
    assert (trade["id"], trade["period"], trade["value"]["value"], trade["value"]["unit"]) == (
        "ru-fr-bilateral-trade-2018",
        "2018",
        17_200_000_000,
        "USD",
    )
    assert trade["change"] == {"percent": 11.0, "relative_to": "2017"}
    assert "US$17.2 billion last year" in trade["citations"][0]["excerpt"]
    # A directional metric says its direction: French investment in Russia.
    fdi = figures["fdi_stock"]
    assert (fdi["country"], fdi["partner"], fdi["value"]["qualifier"]) == ("FR", "RU", "more_than")


def test_the_2018_meeting_count_is_shown_beside_the_meetings_recorded(api: TestClient):
    (claim,) = dossier(api)["claimed_vs_recorded"]
    assert (claim["figure"], claim["period"]) == ("ru-fr-leader-meetings-2018", "2018")
    assert (claim["claimed"]["value"], claim["claimed"]["qualifier"]) == (5, "exact")
    # The knowledge base records no 2018 meeting: the 2018 phone calls are not meetings.
    assert (claim["recorded"], claim["events"]) == (0, [])
    assert claim["text"] == "5 claimed, 0 recorded"
    assert "met with his French counterpart Macron five times" in claim["citations"][0]["excerpt"]


def test_topics_are_ranked_by_how_often_they_were_discussed(api: TestClient):
    topics = dossier(api)["topics"]
    totals = [t["total"] for t in topics]
    assert totals == sorted(totals, reverse=True)
    for rank in topics:
        assert rank["event_count"] == len(rank["events"])
        assert rank["statement_count"] == len(rank["statements"])
        assert rank["total"] == rank["event_count"] + rank["statement_count"]
    by_id = {t["topic"]["id"]: t for t in topics}
    # Macron: "all the current crises around the world were the topics of his discussion".
    assert topics[0]["topic"]["id"] == "global-crises"
    assert "macron-2019-08-19-all-current-crises-discussed" in by_id["global-crises"]["statements"]
    assert by_id["libya-crisis"]["events"] == ["2019-08-19-putin-macron-talks-bregancon"]


def test_statements_and_assessments_of_the_pair(api: TestClient):
    relations = dossier(api)
    speakers = {s["speaker"]["id"] for s in relations["statements"]}
    assert speakers == {"emmanuel-macron", "vladimir-putin"}
    # Statements made at the pair's events; those the article does not tie to one are not.
    assert {s["id"] for s in relations["statements"]} == {
        "macron-2019-08-19-all-current-crises-discussed",
        "macron-2019-08-19-accelerate-bilateral-cooperation",
        "putin-2019-08-19-accelerate-bilateral-cooperation",
    }
    assessments = relations["assessments"]
    latest = assessments["latest"]
    assert (latest["id"], latest["period"], latest["stance"]) == (
        "ru-fr-2019-08-19-talks-priority-to-dialogue",
        "2019-08-19",
        "warming",
    )
    assert latest["citations"]
    history = assessments["history"]
    periods = [a["period"] for a in history]
    assert periods == sorted(periods)  # ISO prefixes: "2019" < "2019-08" < "2019-08-19"
    # The 2018 phone exchanges come first, without a stance: a claim, not a judgement of
    # the climate, so never the latest.
    assert (history[0]["id"], history[0]["stance"]) == ("ru-fr-2018-frequent-phone-exchanges", None)
    assert [a for a in history if a["stance"]][-1] == latest
    # Russia's ties with the West or the EU are other relations.
    assert not [a for a in history if a["id"].startswith(("ru-west", "ru-eu"))]


def test_the_dossier_is_the_same_whichever_order_and_code_is_given(api: TestClient):
    asked = dossier(api)
    for url in ("/api/v1/relations/FR/RU", "/api/v1/relations/fra/rus", "/api/v1/relations/Fr/rUs"):
        reversed_ = dossier(api, url)
        assert (reversed_["a"]["code"], reversed_["b"]["code"]) == ("FR", "RU")
        assert {k: v for k, v in reversed_.items() if k not in ("a", "b")} == {
            k: v for k, v in asked.items() if k not in ("a", "b")
        }


def test_unknown_countries_are_404_problems_and_a_country_with_itself_a_422(api: TestClient):
    for url, code in (("/relations/RU/ZZ", "ZZ"), ("/relations/zz/FR/timeline", "zz")):
        missing = api.get(f"/api/v1{url}")
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"
        assert missing.json()["detail"] == f"country '{code}' not found"
    same = api.get("/api/v1/relations/RU/rus")
    assert same.status_code == 422
    assert same.json()["errors"][0]["location"] == ["path", "b"]
    assert api.get("/api/v1/relations/RU/FRAN").status_code == 422


def test_the_june_2019_visit_comes_before_the_august_one_and_says_it_is_approximate(
    api: TestClient,
):
    response = api.get(TIMELINE, params={"type": "event", "limit": 500})
    items = {item["id"]: item for item in response.json()["items"]}
    order = list(items)
    assert order.index(JUNE_VISIT) < order.index(AUGUST_VISIT)
    june, august = items[JUNE_VISIT], items[AUGUST_VISIT]
    assert (june["date"], june["precision"], june["approximate"], june["sort_date"]) == (
        "2019-06",
        "month",
        True,
        "2019-06-01",
    )
    assert june["date_text"] == "Last June"
    assert (august["date"], august["approximate"]) == ("2019-08-19", False)
    assert august["url"] == f"/api/v1/events/{AUGUST_VISIT}"
    assert august["title"] == "Vladimir Putin's official visit to France"
    assert august["citations"]


def test_the_timeline_merges_every_kind_in_date_order(api: TestClient):
    items = api.get(TIMELINE, params={"limit": 500}).json()["items"]
    assert {item["type"] for item in items} == {
        "event",
        "mechanism_status",
        "figure",
        "statement",
        "assessment",
    }
    keys = [(item["sort_date"], item["type"], item["id"]) for item in items]
    assert keys == sorted(keys)
    status = next(item for item in items if item["id"] == f"{SECURITY}--1-resumed")
    assert (status["title"], status["url"], status["date"], status["date_is_as_of"]) == (
        "Security Cooperation Committee: resumed",
        f"/api/v1/mechanisms/{SECURITY}",
        "2019-08",
        True,
    )
    trade = next(item for item in items if item["id"] == "ru-fr-bilateral-trade-2018")
    assert trade["title"] == "bilateral_trade RU-FR 2018: US$17.2 billion"
    assert all(item["citations"] for item in items)


def test_the_timeline_filters_by_type_and_date(api: TestClient):
    figures_2018 = timeline_ids(api, type="figure", date_from="2018", date_to="2018")
    assert figures_2018 == ["ru-fr-bilateral-trade-2018", "ru-fr-leader-meetings-2018"]
    june = timeline_ids(api, date_from="2019-06-15", date_to="2019-06-15")
    # "Last June" and the 2019 assessment overlap a day in mid-June; nothing dated August does.
    assert june == [
        "ru-fr-2019-gradually-warming",
        "2019-06-medvedev-philippe-talks",
        JUNE_VISIT,
    ]
    both = timeline_ids(api, type=["statement", "assessment"], date_from="2019-08-19")
    assert both and all(i.startswith(("macron-", "putin-", "ru-fr-")) for i in both)
    assert "ru-fr-2019-gradually-warming" in both  # the year 2019 overlaps 19 August on
    assert api.get(TIMELINE, params={"type": "rumour"}).status_code == 422


def test_paging_the_timeline_with_cursors_visits_every_item_once_in_order(api: TestClient):
    for sort in ("date", "-date"):
        everything = timeline_ids(api, sort=sort)
        seen, cursor = [], None
        while True:
            params = {"limit": 2, "sort": sort, "count": "true"} | (
                {"cursor": cursor} if cursor else {}
            )
            body = api.get(TIMELINE, params=params).json()
            assert body["total"] == len(everything)
            seen += [item["id"] for item in body["items"]]
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert seen == everything
    assert timeline_ids(api, sort="-date") == list(reversed(timeline_ids(api)))


def test_the_timeline_streams_as_csv(api: TestClient):
    response = api.get(TIMELINE, params={"format": "csv", "type": "mechanism_status"})
    assert response.status_code == 200
    header, *rows = response.text.strip().split("\r\n")
    assert header.startswith("type,id,date,precision")
    assert [row.split(",")[1] for row in rows] == [
        f"{ECONOMIC}--1-resumed",
        f"{SECURITY}--1-resumed",
    ]


# -- the dossier and the timeline follow a load


def _bundle(tmp_path: Path, text: str) -> Path:
    sources = tmp_path / "sources"
    sources.mkdir(exist_ok=True)
    source = SEED_BUNDLES.parent / "sources" / f"{SOURCE_ID}.txt"
    (sources / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    bundle = tmp_path / "bundles" / "kb.yaml"
    bundle.parent.mkdir(exist_ok=True)
    bundle.write_text(text, encoding="utf-8")
    return bundle


def _edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_a_second_load_that_changes_records_changes_the_dossier_and_timeline(
    empty_engine: Engine, tmp_path: Path
):
    original = (SEED_BUNDLES / f"{SOURCE_ID}.yaml").read_text(encoding="utf-8")
    bundle = _bundle(tmp_path, original)
    seed(empty_engine, [bundle])
    # The June visit moved to June 2018 (cited without "Last June", which would date it
    # 2019); its talks also involving Germany; a statement about Libya rather than the
    # world's crises.
    edited = _edit(
        original,
        '''    title: "Dmitry Medvedev's visit to France"
    start: "2019-06"
    start_text: "Last June"''',
        '''    title: "Dmitry Medvedev's visit to France"
    start: "2018-06"''',
    )
    edited = _edit(
        edited,
        '''nor who received him.
    citations:
      - "Last June, Russian Prime Minister Dmitry Medvedev visited France"''',
        '''nor who received him.
    citations:
      - "Russian Prime Minister Dmitry Medvedev visited France"''',
    )
    edited = _edit(
        edited,
        """    title: "Medvedev-Philippe talks"
    start: "2019-06"
    start_text: "Last June"
    host_country: FR
    countries: [RU, FR]""",
        """    title: "Medvedev-Philippe talks"
    start: "2019-06"
    start_text: "Last June"
    host_country: FR
    countries: [RU, FR, DE]""",
    )
    edited = _edit(
        edited,
        """    mode: paraphrase
    topics: [global-crises]
    citations:
      - "Addressing a joint press conference, President Macron stated that all""",
        """    mode: paraphrase
    topics: [libya-crisis]
    citations:
      - "Addressing a joint press conference, President Macron stated that all""",
    )
    bundle.write_text(edited, encoding="utf-8")
    report = seed(empty_engine, [bundle])
    # A refresh of what changed (rows, and the claims of the three records), not a first load.
    assert 0 < report.total < 20
    assert report.tables["claim"].updated == 3

    with empty_engine.connect() as connection:
        relations = service.get_relations(connection, a="RU", b="FR")
        by_year = {bucket.year: bucket for bucket in relations.events_by_year}
        assert by_year[2018].events == [JUNE_VISIT]
        assert by_year[2019].events == [AUGUST_VISIT]
        # A visit is a meeting: 2018 now has one recorded beside the five claimed.
        (claim,) = relations.claimed_vs_recorded
        assert (claim.recorded, claim.events, claim.text) == (
            1,
            [JUNE_VISIT],
            "5 claimed, 1 recorded",
        )
        topics = {rank.topic.id: rank for rank in relations.topics}
        moved = "macron-2019-08-19-all-current-crises-discussed"
        assert moved in topics["libya-crisis"].statements
        assert moved not in topics["global-crises"].statements
        # The talks are now about the pairs with Germany too.
        germany = service.get_relations(connection, a="DE", b="FR")
        assert [t.id for t in germany.recent_events] == []  # parts are not engagements
        listing = timeline.timeline_listing("FR", "DE")
        items, _ = listing.page(connection, TimelineQuery(), None, 50)
        assert [i.id for i in items] == ["2019-06-medvedev-philippe-talks"]


def test_a_count_lists_its_latest_events_only(seeded_engine: Engine, tmp_path: Path):
    calls = [f"2020-{month:02d}-01-putin-macron-call" for month in range(1, 13)]
    events = "".join(
        f"""
  - id: {call}
    kind: phone_call
    title: "A call"
    start: "{call[:10]}"
    countries: [RU, FR]
    citations: ["frequently exchanged opinions on the phone"]"""
        for call in calls
    )
    bundle = _bundle(tmp_path, f"default_source: {SOURCE_ID}\nevents:{events}\n")
    seed(seeded_engine, [bundle])
    with seeded_engine.connect() as connection:
        relations = service.get_relations(connection, a="RU", b="FR")
    by_year = {bucket.year: bucket for bucket in relations.events_by_year}
    # The twelve are counted; the latest EVIDENCE of them are listed, oldest first.
    assert (by_year[2020].count, by_year[2020].events) == (12, calls[-EVIDENCE:])
    by_kind = {bucket.kind: bucket for bucket in relations.events_by_kind}
    assert by_kind["phone_call"].count == 12
    assert by_kind["phone_call"].events == calls[-EVIDENCE:]
    assert relations.last_engagement is not None
    assert relations.last_engagement.id == calls[-1]


def test_a_bad_cursor_is_a_422_problem_not_a_500(api: TestClient):
    body = api.get(TIMELINE, params={"limit": 1}).json()
    for params in (
        {"cursor": "garbage"},
        {"cursor": body["next_cursor"], "sort": "-date"},  # another order's cursor
        {"cursor": "WyJkYXRlIiwibm90LWEtZGF0ZSIsImV2ZW50IiwieCJd"},  # a date that is not one
    ):
        response = api.get(TIMELINE, params=params)
        assert response.status_code == 422, (params, response.text)
        assert response.headers["content-type"] == "application/problem+json"
