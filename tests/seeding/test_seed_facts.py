"""The project's seed: every fact of the first source, each with its words."""

import datetime as dt
import json

import pytest
from sqlalchemy import Engine, text

from app.seeding.checks import fold_whitespace
from app.sources.models import SUBJECT_TABLES, SubjectType
from tests.conftest import SOURCE_ID


def _plain(value: object) -> object:
    """Values as SQLite hands them over raw, whatever the engine: dates and JSON as text."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def rows(engine: Engine, sql: str, **params: object) -> list[dict]:
    with engine.connect() as connection:
        return [
            {k: _plain(v) for k, v in r.items()}
            for r in connection.execute(text(sql), params).mappings()
        ]


@pytest.mark.parametrize("subject", list(SubjectType), ids=lambda s: s.value)
def test_every_seeded_fact_has_a_citation(seeded_engine: Engine, subject: SubjectType):
    table = SUBJECT_TABLES[subject]
    derived = " AND NOT t.derived" if subject is SubjectType.FIGURE else ""
    uncited = rows(
        seeded_engine,
        f"""
        SELECT t.id FROM {table} t
        WHERE NOT EXISTS (SELECT 1 FROM citation c
                          WHERE c.subject_type = :subject AND c.subject_id = t.id){derived}
    """,
        subject=subject.value,
    )
    assert uncited == []
    assert rows(seeded_engine, f"SELECT count(*) AS n FROM {table}")[0]["n"] > 0


def test_every_citation_points_at_a_seeded_fact_and_its_words(seeded_engine: Engine):
    texts = {
        r["id"]: fold_whitespace(r["text"])
        for r in rows(seeded_engine, "SELECT id, text FROM source")
    }
    citations = rows(seeded_engine, "SELECT * FROM citation")
    assert len(citations) >= 80
    for citation in citations:
        assert fold_whitespace(citation["excerpt"]) in texts[citation["source_id"]], citation
        table = SUBJECT_TABLES[SubjectType(citation["subject_type"])]
        assert rows(
            seeded_engine, f"SELECT id FROM {table} WHERE id = :id", id=citation["subject_id"]
        ), citation


def test_the_source_is_stored_whole_with_its_inferred_date(seeded_engine: Engine):
    (source,) = rows(seeded_engine, "SELECT * FROM source")
    assert source["id"] == SOURCE_ID
    assert source["text"].startswith("Improving Russia-France relations")
    assert "for the benefits of each party" in source["text"]
    assert (source["published_first"], source["published_precision"]) == ("2019-08-01", "month")
    assert "inferred" in source["published_note"]


def test_the_august_2019_visit_its_talks_and_press_conference(seeded_engine: Engine):
    events = {e["id"]: e for e in rows(seeded_engine, "SELECT * FROM event")}
    visit = events["2019-08-19-putin-official-visit-france"]
    assert (visit["kind"], visit["start_first"], visit["start_precision"]) == (
        "official_visit",
        "2019-08-19",
        "day",
    )
    assert (visit["place_id"], visit["host_country"]) == ("fort-de-bregancon", "FR")
    roles = rows(
        seeded_engine,
        "SELECT person_id, role FROM event_participant WHERE event_id = :id ORDER BY role",
        id=visit["id"],
    )
    assert roles == [
        {"person_id": "vladimir-putin", "role": "guest"},
        {"person_id": "emmanuel-macron", "role": "host"},
    ]

    talks = events["2019-08-19-putin-macron-talks-bregancon"]
    assert talks["parent_id"] == visit["id"]
    assert (talks["duration_value"], talks["duration_unit"], talks["duration_qualifier"]) == (
        240,
        "minute",
        "nearly",
    )
    assert talks["format"] == "closed talks"
    assert json.loads(talks["outcomes"]) == {"joint_statement": False}
    topics = {
        r["topic_id"]
        for r in rows(
            seeded_engine, "SELECT topic_id FROM event_topic WHERE event_id = :id", id=talks["id"]
        )
    }
    assert {
        "jcpoa",
        "syria-crisis",
        "ukraine-crisis",
        "libya-crisis",
        "climate-change",
        "terrorism",
        "cyber-security",
        "security-in-europe",
        "russia-eu-relations",
    } <= topics

    press = events["2019-08-19-putin-macron-joint-press-conference"]
    assert (press["kind"], press["parent_id"]) == ("press_conference", visit["id"])
    # Only "all the current crises" is tied to the press conference by the article.
    said_there = rows(
        seeded_engine, "SELECT id FROM statement WHERE event_id = :id", id=press["id"]
    )
    assert [r["id"] for r in said_there] == ["macron-2019-08-19-all-current-crises-discussed"]


def test_philippe_held_talks_with_medvedev_but_hosted_nothing(seeded_engine: Engine):
    roles = rows(
        seeded_engine,
        "SELECT event_id, role FROM event_participant WHERE person_id = 'edouard-philippe'",
    )
    assert roles == [{"event_id": "2019-06-medvedev-philippe-talks", "role": "participant"}]


def test_the_2018_phone_exchanges_are_no_single_call(seeded_engine: Engine):
    (calls,) = rows(seeded_engine, "SELECT count(*) AS n FROM event WHERE kind = 'phone_call'")
    assert calls["n"] == 0
    (claim,) = rows(
        seeded_engine, "SELECT * FROM assessment WHERE id = 'ru-fr-2018-frequent-phone-exchanges'"
    )
    assert (claim["period_first"], claim["stance"]) == ("2018-01-01", None)
    assert "frequently exchanged opinions on the phone" in claim["text"]


def test_last_june_is_resolved_and_keeps_its_words(seeded_engine: Engine):
    (visit,) = rows(seeded_engine, "SELECT * FROM event WHERE id = '2019-06-medvedev-visit-france'")
    assert (visit["start_first"], visit["start_last"], visit["start_precision"]) == (
        "2019-06-01",
        "2019-06-30",
        "month",
    )
    assert visit["start_text"] == "Last June"


def test_the_scheduled_g7_summit(seeded_engine: Engine):
    (summit,) = rows(seeded_engine, "SELECT * FROM event WHERE kind = 'summit'")
    assert (summit["status"], summit["start_first"], summit["end_first"], summit["place_id"]) == (
        "scheduled",
        "2019-08-24",
        "2019-08-26",
        "biarritz",
    )


def test_the_economic_and_cultural_figures(seeded_engine: Engine):
    figures = {f["metric"]: f for f in rows(seeded_engine, "SELECT * FROM figure")}
    trade = figures["bilateral_trade"]
    assert (trade["value"], trade["unit"], trade["qualifier"]) == (17.2e9, "USD", "exact")
    assert (trade["period_first"], trade["period_precision"], trade["period_text"]) == (
        "2018-01-01",
        "year",
        "last year",
    )
    assert (trade["change_percent"], trade["change_relative_to_first"]) == (11, "2017-01-01")
    assert (
        figures["fdi_stock"]["value"],
        figures["fdi_stock"]["qualifier"],
        figures["fdi_stock"]["country"],
        figures["fdi_stock"]["partner"],
    ) == (18e9, "more_than", "FR", "RU")
    assert (
        figures["companies_operating"]["value"],
        figures["companies_operating"]["qualifier"],
    ) == (600, "more_than")
    cultural = figures["planned_cultural_activities"]
    assert (
        cultural["value"],
        cultural["qualifier"],
        cultural["label"],
        cultural["period_first"],
    ) == (270, "approximately", "activities as part of “Russian Seasons”", "2020-01-01")
    # "US$17.2 billion": three significant figures, 17.15 to 17.25 billion.
    assert (trade["significant_figures"], trade["value_low"], trade["value_high"]) == (
        3,
        17.15e9,
        17.25e9,
    )
    meetings = figures["leader_meetings"]
    assert (meetings["value"], meetings["unit"], meetings["period_first"]) == (
        5,
        "count",
        "2018-01-01",
    )


def test_both_committees_are_resumed(seeded_engine: Engine):
    statuses = rows(
        seeded_engine,
        """
        SELECT m.name, s.status, s.as_of_first FROM mechanism m
        JOIN mechanism_status s ON s.mechanism_id = m.id ORDER BY m.name""",
    )
    assert statuses == [
        {
            "name": "Economic, Financial, Industrial and Commercial Cooperation Committee",
            "status": "resumed",
            "as_of_first": "2019-08-01",
        },
        {
            "name": "Security Cooperation Committee",
            "status": "resumed",
            "as_of_first": "2019-08-01",
        },
    ]


def test_macrons_words_quoted_and_paraphrased(seeded_engine: Engine):
    statements = rows(seeded_engine, "SELECT * FROM statement WHERE speaker_id = 'emmanuel-macron'")
    # Each sentence paraphrases around a quoted phrase: a paraphrase that lists it.
    assert [s for s in statements if s["mode"] == "direct_quote"] == []
    quoted = {p for s in statements for p in json.loads(s["quoted_phrases"])}
    assert quoted == {
        "two great powers in Europe",
        "join Russia in researching and shaping a security structure between Russia and Europe",
        "revive",
    }
    # The article dates only the press conference's statement to the visit's day.
    dates = {s["id"]: s["date_first"] for s in statements}
    assert dates.pop("macron-2019-08-19-all-current-crises-discussed") == "2019-08-19"
    assert dates.pop("macron-2019-08-19-accelerate-bilateral-cooperation") == "2019-08-19"
    assert set(dates.values()) == {"2019-08-01"}


def test_the_climate_is_judged_warming_after_a_cold_spell_with_the_west(seeded_engine: Engine):
    stances = rows(
        seeded_engine,
        """
        SELECT a.stance, a.counterpart, a.period_first FROM assessment a
        JOIN assessment_country c ON c.assessment_id = a.id AND c.country = 'RU'""",
    )
    ru_fr = rows(
        seeded_engine,
        """
        SELECT a.stance FROM assessment a
        JOIN assessment_country ru ON ru.assessment_id = a.id AND ru.country = 'RU'
        JOIN assessment_country fr ON fr.assessment_id = a.id AND fr.country = 'FR'""",
    )
    assert {r["stance"] for r in ru_fr} == {"warming", None}
    assert {"stance": "cold", "counterpart": "the West", "period_first": "2014-01-01"} in stances
    (prestige,) = rows(
        seeded_engine,
        "SELECT stance FROM assessment WHERE id = 'ru-fr-2019-08-observers-macron-prestige'",
    )
    assert prestige["stance"] is None  # a judgement of Macron's prestige, not of the climate


def test_the_crises_name_their_countries(seeded_engine: Engine):
    links = rows(seeded_engine, "SELECT * FROM topic_country ORDER BY topic_id")
    assert links == [
        {"topic_id": "libya-crisis", "country": "LY"},
        {"topic_id": "syria-crisis", "country": "SY"},
        {"topic_id": "ukraine-crisis", "country": "UA"},
    ]


def test_economic_progress_is_an_assessment_of_its_topic(seeded_engine: Engine):
    (link,) = rows(
        seeded_engine,
        "SELECT * FROM assessment_topic WHERE topic_id = 'economic-and-trade-cooperation'",
    )
    assert link["assessment_id"] == "ru-fr-2019-08-economic-trade-progress"


def test_every_iso_country_is_reference_data(seeded_engine: Engine):
    (count,) = rows(seeded_engine, "SELECT count(*) AS n FROM country")
    assert count["n"] == 249
    (russia,) = rows(seeded_engine, "SELECT * FROM country WHERE code = 'RU'")
    assert (russia["alpha3"], russia["wikidata"]) == ("RUS", "Q159")
