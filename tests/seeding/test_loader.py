"""Seeding: idempotent, atomic, and every error reported with file, line and field."""

import gc
import json
import textwrap
import threading
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine

from app.search.schemas import SearchQuery
from app.search.service import SEARCH
from app.seeding.errors import SeedFailed, format_loc
from app.seeding.loader import seed, validate
from tests.conftest import FIRST_BUNDLE, SEED_BUNDLES, SOURCE_ID
from tests.seeding.dumps import dump


def write_bundle(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    return path


GOOD_PERSON = f"""
    default_source: {SOURCE_ID}
    people:
      - id: another-putin
        name: "Vladimir Putin"
        country: RU
        citations: ["Russian President Vladimir Putin paid an official visit"]
"""


def test_seeding_twice_leaves_an_identical_database(empty_engine: Engine):
    first = seed(empty_engine, [SEED_BUNDLES])
    after_first = dump(empty_engine)
    second = seed(empty_engine, [SEED_BUNDLES])

    assert first.total > 0
    assert second.total == 0
    assert dump(empty_engine) == after_first


def test_a_bad_last_record_leaves_the_database_unchanged_and_is_located(
    seeded_engine: Engine, tmp_path: Path
):
    before = dump(seeded_engine)
    bundle = write_bundle(
        tmp_path,
        "late-error.yaml",
        f"""
        default_source: {SOURCE_ID}
        people:
          - id: jean-dupont
            name: "Jean Dupont"
            country: FR
            citations: ["French President Emmanuel Macron"]
        events:
          - id: 2019-08-20-good-event
            kind: bilateral_meeting
            title: "A well-formed meeting"
            start: "2019-08-20"
            countries: [RU, FR]
            participants: [{{person: vladimir-putin, role: guest}}]
            citations: ["held talks with his Russian counterpart"]
          - id: 2019-08-21-bad-event
            kind: bilateral_meeting
            title: "A meeting with an unknown participant"
            start: "2019-08-21"
            countries: [RU, FR]
            participants:
              - person: emmanuel-macron
                role: host
              - person: putin
                role: guest
            citations: ["held talks with his Russian counterpart"]
    """,
    )

    with pytest.raises(SeedFailed) as failure:
        seed(seeded_engine, [bundle])

    (error,) = failure.value.errors
    assert error.file.endswith("late-error.yaml")
    assert error.line == 23
    assert str(error).endswith(
        ":23 events[1].participants[1].person: unknown person 'putin': define it under "
        "`people:` in this bundle or in another bundle given with it, or seed the bundle that "
        "defines it first"
    )
    assert dump(seeded_engine) == before


def test_an_excerpt_not_in_its_source_is_refused(seeded_engine: Engine, tmp_path: Path):
    before = dump(seeded_engine)
    bundle = write_bundle(
        tmp_path,
        "misquote.yaml",
        f"""
        default_source: {SOURCE_ID}
        figures:
          - id: ru-fr-trade-misquoted
            metric: bilateral_trade
            country: RU
            partner: FR
            period: "2018"
            value: {{value: 27200000000, unit: USD}}
            citations:
              - "Their two-way trade hit US$27.2 billion last year"
    """,
    )

    with pytest.raises(SeedFailed) as failure:
        seed(seeded_engine, [bundle])

    (error,) = failure.value.errors
    assert error.line == 10
    assert f"figures[0].citations[0].excerpt: excerpt not found in source '{SOURCE_ID}'" in str(
        error
    )
    assert "US$27.2 billion" in str(error)
    assert dump(seeded_engine) == before


def test_excerpts_match_across_line_breaks_and_runs_of_spaces(
    seeded_engine: Engine, tmp_path: Path
):
    bundle = write_bundle(
        tmp_path,
        "folded.yaml",
        f"""
        default_source: {SOURCE_ID}
        topics:
          - id: folded-topic
            name: "Trade"
            category: economy
            citations:
              - "Their   two-way trade
                 hit US$17.2 billion"
    """,
    )
    assert seed(seeded_engine, [bundle]).total == 3  # the topic, its citation and its claim


WHERE_DEFINED = (
    "in this bundle or in another bundle given with it, or seed the bundle that defines it first"
)


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (
            """statements:
              - id: s1
                speaker: jacques-chirac
                date: "2019-08-19"
                text: "Hello"
                mode: paraphrase
                citations: ["French President Emmanuel Macron"]""",
            "statements[0].speaker: unknown person 'jacques-chirac': define it under `people:` "
            + WHERE_DEFINED,
        ),
        (
            """statements:
              - id: s1
                speaker: emmanuel-macron
                date: "2019-08-19"
                text: "Hello"
                mode: paraphrase
                topics: [brexit]
                citations: ["French President Emmanuel Macron"]""",
            "statements[0].topics[0]: unknown topic 'brexit': define it under `topics:` "
            + WHERE_DEFINED,
        ),
        (
            """people:
              - id: someone
                name: "Someone"
                country: XK
                citations: ["French President Emmanuel Macron"]""",
            "people[0].country: unknown country code 'XK' (ISO 3166-1 alpha-2 or alpha-3)",
        ),
        (
            """events:
              - id: e1
                kind: summit
                title: "Somewhere"
                start: "2019"
                countries: [FR, Atlantis]
                citations: ["French President Emmanuel Macron"]""",
            "events[0].countries[1]: String should have at most 3 characters",
        ),
    ],
    ids=["unknown-person", "unknown-topic", "unknown-country", "overlong-country"],
)
def test_unknown_references_are_refused_by_name(
    seeded_engine: Engine, tmp_path: Path, record: str, message: str
):
    bundle = tmp_path / "refs.yaml"
    bundle.write_text(
        f"default_source: {SOURCE_ID}\n" + textwrap.dedent("        " + record).strip() + "\n",
        encoding="utf-8",
    )
    with pytest.raises(SeedFailed) as failure:
        seed(seeded_engine, [bundle])
    assert [str(e).split(" ", 1)[1] for e in failure.value.errors] == [message]


def test_every_error_of_every_file_is_reported_in_one_run(empty_engine: Engine, tmp_path: Path):
    write_bundle(
        tmp_path,
        "a.yaml",
        f"""
        default_source: {SOURCE_ID}
        topics:
          - id: t1
            name: "Topic"
            category: weather
            citations: ["French President Emmanuel Macron"]
          - id: t2
            name: "Topic two"
            category: economy
            citations: ["words that are nowhere in the article"]
    """,
    )
    write_bundle(tmp_path, "b.yaml", "people: [\n")
    write_bundle(tmp_path, "c.yaml", "peoples: []\n")

    with pytest.raises(SeedFailed) as failure:
        seed(empty_engine, [SEED_BUNDLES, tmp_path])

    located = [(Path(e.file).name, e.line, format_loc(e.loc)) for e in failure.value.errors]
    assert located == [
        ("a.yaml", 5, "topics[0].category"),
        ("a.yaml", 10, "topics[1].citations[0].excerpt"),
        ("b.yaml", 2, ""),
        ("c.yaml", 1, "peoples"),
    ]
    # Nothing is written, not even the valid project bundle or the reference countries.
    with empty_engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM country").scalar() == 0


def test_yaml_is_parsed_with_a_safe_loader(empty_engine: Engine, tmp_path: Path):
    bundle = write_bundle(
        tmp_path,
        "unsafe.yaml",
        """
        people: !!python/object/apply:os.system ["touch pwned"]
    """,
    )
    with pytest.raises(SeedFailed) as failure:
        seed(empty_engine, [bundle])
    assert "could not determine a constructor" in str(failure.value.errors[0])
    assert not Path("pwned").exists()


def test_one_source_claiming_an_id_twice_across_bundles_is_refused(
    seeded_engine: Engine, tmp_path: Path
):
    write_bundle(tmp_path, "one.yaml", GOOD_PERSON)
    write_bundle(tmp_path, "two.yaml", GOOD_PERSON)
    with pytest.raises(SeedFailed) as failure:
        seed(seeded_engine, [tmp_path])
    (error,) = failure.value.errors
    assert error.file.endswith("two.yaml")
    message = f"duplicate person id 'another-putin' by source '{SOURCE_ID}' (first defined at "
    assert message in error.message
    assert "one.yaml:3" in error.message


def test_references_may_point_at_records_already_loaded(seeded_engine: Engine, tmp_path: Path):
    bundle = write_bundle(
        tmp_path,
        "later.yaml",
        f"""
        default_source: {SOURCE_ID}
        statements:
          - id: macron-later-statement
            speaker: emmanuel-macron
            event: 2019-08-19-putin-macron-joint-press-conference
            date: "2019-08-19"
            text: "Russia is playing a particularly important role in dealing with crises."
            mode: paraphrase
            topics: [global-crises]
            citations: ["Russia is playing a particularly important role in dealing with crises"]
    """,
    )
    report = seed(seeded_engine, [bundle])
    assert report.tables["statement"].inserted == 1
    assert report.tables["statement_topic"].inserted == 1


def test_reseeding_an_edited_bundle_replaces_the_facts_it_owns(
    empty_engine: Engine, tmp_path: Path
):
    original = (SEED_BUNDLES / f"{SOURCE_ID}.yaml").read_text(encoding="utf-8")
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / f"{SOURCE_ID}.txt").write_text(
        (SEED_BUNDLES.parent / "sources" / f"{SOURCE_ID}.txt").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    bundle = tmp_path / "bundles" / "kb.yaml"
    bundle.parent.mkdir()
    bundle.write_text(original, encoding="utf-8")
    seed(empty_engine, [bundle])

    edited = original.replace(
        """      - person: dmitry-medvedev
        role: participant
      - person: edouard-philippe
        role: participant""",
        """      - person: dmitry-medvedev
        role: participant""",
    )
    assert edited != original
    bundle.write_text(edited, encoding="utf-8")
    report = seed(empty_engine, [bundle])

    assert report.total == 2  # the participant, and the source's claim that named them
    assert report.tables["event_participant"].deleted == 1
    assert report.tables["claim"].updated == 1
    with empty_engine.connect() as connection:
        people = (
            connection.exec_driver_sql(
                "SELECT person_id FROM event_participant "
                "WHERE event_id = '2019-06-medvedev-philippe-talks'"
            )
            .scalars()
            .all()
        )
    assert people == ["dmitry-medvedev"]


def test_validate_checks_without_writing(empty_engine: Engine, tmp_path: Path):
    assert validate([SEED_BUNDLES], empty_engine) > 50
    with empty_engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM event").scalar() == 0

    bundle = write_bundle(tmp_path, "bad.yaml", GOOD_PERSON.replace("RU", "ZZ"))
    with pytest.raises(SeedFailed):
        validate([bundle])


def search_ids(engine: Engine, words: str) -> set[str]:
    """What the search endpoint's query finds, on this database."""
    with engine.connect() as connection:
        hits, _ = SEARCH.page(connection, SearchQuery(q=words), None, 500)
    return {hit.id for hit in hits}


def test_the_search_index_follows_the_loader(empty_engine: Engine, tmp_path: Path):
    seed(empty_engine, [SEED_BUNDLES])
    assert "2019-08-19-putin-macron-talks-bregancon" in search_ids(empty_engine, "Libya")

    bundle = write_bundle(
        tmp_path,
        "topic.yaml",
        f"""
        default_source: {SOURCE_ID}
        topics:
          - id: seasons
            name: "Russian Seasons"
            category: economy
            citations: ["about 270 activities as part of “Russian Seasons”"]
    """,
    )
    seed(empty_engine, [bundle])
    assert search_ids(empty_engine, "activities") == {"seasons", SOURCE_ID}

    # An edit of the record replaces its document; nothing else is rewritten.
    bundle.write_text(
        bundle.read_text(encoding="utf-8").replace(
            "category: economy", "category: economy\n    description: Cultural programme"
        ),
        encoding="utf-8",
    )
    seed(empty_engine, [bundle])
    assert search_ids(empty_engine, "cultural programme") == {"seasons"}


def test_an_empty_index_is_rebuilt_on_the_next_seed(seeded_engine: Engine):
    with seeded_engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM search_document")
    assert search_ids(seeded_engine, "Libya") == set()
    seed(seeded_engine, [SEED_BUNDLES])
    assert "libya-crisis" in search_ids(seeded_engine, "Libya")


def test_two_loads_at_once_end_as_one_would(empty_engine: Engine, seeded_engine: Engine):
    outcomes: list[object] = []

    def load() -> None:
        try:
            outcomes.append(seed(empty_engine, [FIRST_BUNDLE]).total)
        except Exception as exc:  # recorded, so that the assertion shows it
            outcomes.append(exc)

    threads = [threading.Thread(target=load) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(outcomes, key=str) == sorted([0, seed_total(seeded_engine)], key=str)
    assert without_timestamps(dump(empty_engine)) == without_timestamps(dump(seeded_engine))


def seed_total(seeded_engine: Engine) -> int:
    """The rows one load of the project's seed writes: every row but the revision's and the
    audit's."""
    return sum(
        len(rows)
        for name, rows in dump(seeded_engine).items()
        if name
        not in (
            "kb_revision",
            "search_document",
            "event_document",
            "relation_item",
            "change",
            "relation_facet",
        )
    )


def without_timestamps(tables: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """The tables without the times of the loads (the revision's, each change's)."""
    kept = {"kb_revision": lambda row: row[:2], "change": lambda row: row[:1] + row[2:]}
    return {name: [kept.get(name, tuple)(row) for row in rows] for name, rows in tables.items()}


def as_ndjson(yaml_bundle: Path, folder: Path) -> Path:
    """The same bundle in the bulk form: one `{section: record}` object a line."""
    data = yaml.safe_load(yaml_bundle.read_text(encoding="utf-8"))
    lines = [json.dumps({"default_source": data.pop("default_source")})]
    for section, records in data.items():
        lines += [json.dumps({section: record}, default=str) for record in records]
    (folder / "sources").mkdir(exist_ok=True)
    for source in (yaml_bundle.parent.parent / "sources").iterdir():
        (folder / "sources" / source.name).write_text(
            source.read_text(encoding="utf-8"), encoding="utf-8"
        )
    bundle = folder / "bundles" / f"{yaml_bundle.stem}.ndjson"  # the same bundle, so named
    bundle.parent.mkdir(exist_ok=True)
    bundle.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return bundle


def test_an_ndjson_bundle_loads_what_its_yaml_twin_does(
    empty_engine: Engine, seeded_engine: Engine, tmp_path: Path
):
    bundle = as_ndjson(SEED_BUNDLES / f"{SOURCE_ID}.yaml", tmp_path)
    seed(empty_engine, [bundle])
    assert without_timestamps(dump(empty_engine)) == without_timestamps(dump(seeded_engine))
    assert seed(empty_engine, [bundle]).total == 0


def test_ndjson_errors_name_the_line(seeded_engine: Engine, tmp_path: Path):
    before = dump(seeded_engine)
    bundle = tmp_path / "bulk.ndjson"
    good = {
        "topics": {
            "id": "t-ok",
            "name": "T",
            "category": "economy",
            "citations": [{"source": SOURCE_ID, "excerpt": "Their two-way trade"}],
        }
    }
    bad = {
        "topics": {
            "id": "t-bad",
            "name": "T",
            "category": "economy",
            "citations": [{"source": SOURCE_ID, "excerpt": "words not there"}],
        }
    }
    bundle.write_text(
        "\n".join(
            [json.dumps(good), "{not json", json.dumps({"a": 1, "b": 2}), "", json.dumps(bad)]
        )
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(SeedFailed) as failure:
        seed(seeded_engine, [bundle])
    located = [(e.line, format_loc(e.loc)) for e in failure.value.errors]
    assert located == [(2, ""), (3, ""), (5, "topics[1].citations[0].excerpt")]
    assert dump(seeded_engine) == before


def test_a_load_gives_the_cycle_collector_back_as_it_found_it(empty_engine: Engine, tmp_path: Path):
    """A load pauses Python's cycle collector (app.seeding.loader): a process that loads,
    such as a server's, must get it back running after a load, good or failed, and a
    process that had it off must not find it turned on."""
    bad = write_bundle(tmp_path, "bad.yaml", "events:\n  - id: no-kind\n")
    assert gc.isenabled()

    seed(empty_engine, [SEED_BUNDLES])
    assert gc.isenabled()
    with pytest.raises(SeedFailed):
        seed(empty_engine, [bad])
    assert gc.isenabled()

    gc.disable()
    try:
        seed(empty_engine, [SEED_BUNDLES])
        assert not gc.isenabled()
    finally:
        gc.enable()
