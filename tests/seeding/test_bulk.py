"""The bulk load (an empty database, `app.seeding.bulk`) writes and reports exactly what the
diff-based load does; only faster."""

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select, text

from app.db import make_engine
from app.events.models import EventCreate
from app.models import metadata
from app.search import index as search_index
from app.seeding import bulk, fast_events
from app.seeding.errors import SeedFailed
from app.seeding.loader import seed
from app.seeding.rows import build_rows, new_rows
from tests.conftest import SEED_BUNDLES, SOURCE_ID
from tests.databases import Databases
from tests.seeding.dumps import dump

EXCERPTS = [
    "Russian President Vladimir Putin paid an official visit",
    "French President Emmanuel Macron",
    "held talks with his Russian counterpart",
]
PEOPLE = ["vladimir-putin", "emmanuel-macron", "dmitry-medvedev", "edouard-philippe"]
TOPICS = ["syria-crisis", "ukraine-crisis", "libya-crisis", "climate-change", "terrorism"]


@pytest.fixture
def new_engine(databases: Databases, migrated_template: str) -> Iterator[Callable[[], Engine]]:
    """Makes migrated, empty databases (several a test)."""
    made: list[Engine] = []

    def make() -> Engine:
        made.append(make_engine(databases.new(template=migrated_template)))
        return made[-1]

    yield make
    for engine in made:
        engine.dispose()


@pytest.fixture
def diff_based(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Makes later loads take the diff-based path even into an empty database."""

    def force() -> None:
        monkeypatch.setattr(bulk, "applicable", lambda connection: False)

    return force


def _event(number: int, **changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": f"bulk-e-{number:04d}",
        "kind": ["official_visit", "summit", "phone_call"][number % 3],
        "title": f"Bulk test event {number}",
        "start": ["2019-08-19", "2019-08", "2018"][number % 3],
        "countries": ["RU", "FR"] if number % 2 else ["fra", "RUS", "FR"],
        "host_country": "FR",
        "participants": [
            {"person": PEOPLE[number % 4], "role": "host"},
            {"person": PEOPLE[(number + 1) % 4]},
        ],
        "topics": [TOPICS[number % 5], TOPICS[(number + 2) % 5]],
        "citations": [EXCERPTS[number % 3]],
    }
    if number % 4 == 0:
        record["place"] = "fort-de-bregancon"
        record["duration"] = {"value": 3 + number, "unit": "hour", "qualifier": "more_than"}
        record["outcomes"] = {"joint_statement": number % 8 == 0}
        record["citations"] = [{"source": SOURCE_ID, "excerpt": EXCERPTS[1]}, EXCERPTS[2]]
    if number % 5 == 1:
        record["part_of"] = f"bulk-e-{number + 1:04d}"  # a parent read after its child
        record["organizations"] = ["g7"]
        record["end"] = "2019-12"
        record["notes"] = "forward parent"
    if number % 6 == 2:  # every field an event document shows
        record["start_text"] = "in mid-August"
        record["end"] = "2019-08-21"
        record["end_text"] = "two days later"
        record["duration"] = {"value": 2.5, "unit": "day", "text": "two and a half days"}
        record["format"] = "tete-a-tete"
        record["status"] = "scheduled"
    if number % 9 == 4 and number % 5 != 1 and (number - 1) % 5 != 1:
        record["part_of"] = f"bulk-e-{number - 1:04d}"  # a parent read before its child
    if number % 7 == 3:
        record["start"] = 2019  # an int year: not the plain shape, pydantic validates it
        record["outcomes"] = {}
    return record | changes


def write_ndjson(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def events_bundle(folder: Path, count: int = 60) -> Path:
    """An NDJSON bundle of events citing the seed's records; its default source at the end."""
    lines: list[dict[str, Any]] = [{"events": _event(n)} for n in range(1, count + 1)]
    lines.append(
        {
            "statements": {
                "id": "bulk-statement",
                "speaker": "emmanuel-macron",
                "event": "bulk-e-0002",
                "date": "2019-08-19",
                "text": "A statement",
                "mode": "paraphrase",
                "topics": ["jcpoa"],
                "citations": [EXCERPTS[0]],
            }
        }
    )
    lines.append({"default_source": SOURCE_ID})
    return write_ndjson(folder / "50-events.ndjson", lines)


def test_the_bulk_load_writes_what_the_diff_based_load_writes(
    new_engine: Callable[[], Engine], diff_based: Callable[[], None], tmp_path: Path
) -> None:
    paths = [SEED_BUNDLES, events_bundle(tmp_path)]
    fast, slow = new_engine(), new_engine()
    fast_report = seed(fast, paths)
    diff_based()
    slow_report = seed(slow, paths)

    assert fast_report.diffed is False and slow_report.diffed is True
    # On SQLite most event documents are made as the events are read (the rest, whose
    # parent comes later or whose record is checked the slow way, at the end): the dump
    # below compares them with those the diff-based load rebuilds from the tables.
    streamed = fast.dialect.name == "sqlite"
    assert fast_report.built == ({"event documents"} if streamed else set())
    assert fast_report.total == slow_report.total > 0
    assert {name: changes.inserted for name, changes in fast_report.tables.items()} == {
        name: c.inserted for name, c in slow_report.tables.items() if c.inserted
    }
    assert dump(fast, timestamps=False) == dump(slow, timestamps=False)


def test_loading_again_after_a_bulk_load_changes_no_row(
    new_engine: Callable[[], Engine], tmp_path: Path
) -> None:
    engine = new_engine()
    paths = [SEED_BUNDLES, events_bundle(tmp_path)]
    assert seed(engine, paths).diffed is False
    before = dump(engine, timestamps=False)

    again = seed(engine, paths)

    assert again.diffed is True and again.total == 0
    assert dump(engine, timestamps=False) == before


def test_the_bulk_load_applies_only_to_empty_tables(seeded_engine: Engine) -> None:
    with seeded_engine.connect() as connection:
        assert not bulk.applicable(connection)


BAD_LINES: list[dict[str, Any]] = [
    {"events": _event(1, place="nowhere")},  # unknown place, seen at the end
    {"events": _event(2, part_of="bulk-e-0099")},  # unknown parent
    {"events": _event(3, topics=["jcpoa", "jcpoa"])},  # listed twice
    {"events": _event(4, citations=["words that the source does not contain"])},
    {"events": _event(5, citations=[{"source": "no-such-source", "excerpt": EXCERPTS[0]}])},
    {"events": _event(6, kind="picnic")},  # not valid
    {"events": _event(7, id="bulk-e-0001")},  # duplicate id
    {"events": _event(8, participants=[{"person": "nobody"}], host_country="DE")},
    {"countries": {"code": "FR", "wikidata": "Q1"}},  # the seed says Q142
    {"people": {"id": "vladimir-putin", "name": "Again", "country": "RU", "citations": ["x"]}},
    {"nonsense": {}},
    {"events": _event(9, start="2019-02-30")},
]


def test_errors_are_the_diff_based_load_s_and_nothing_is_written(
    new_engine: Callable[[], Engine], diff_based: Callable[[], None], tmp_path: Path
) -> None:
    good = events_bundle(tmp_path)
    bad = write_ndjson(tmp_path / "60-bad.ndjson", [{"default_source": SOURCE_ID}, *BAD_LINES])
    with (tmp_path / "60-bad.ndjson").open("a", encoding="utf-8") as file:
        file.write("{not json\n")
    paths = [SEED_BUNDLES, good, bad]
    fast, slow = new_engine(), new_engine()
    empty = dump(fast, timestamps=False)

    with pytest.raises(SeedFailed) as fast_failure:
        seed(fast, paths)
    diff_based()
    with pytest.raises(SeedFailed) as slow_failure:
        seed(slow, paths)

    fast_errors = [str(error) for error in fast_failure.value.errors]
    assert fast_errors == [str(error) for error in slow_failure.value.errors]
    assert len(fast_errors) >= len(BAD_LINES)
    assert any("unknown place 'nowhere'" in error for error in fast_errors)
    assert dump(fast, timestamps=False) == empty


def test_a_source_text_file_that_cannot_be_read_is_the_same_error_on_both_paths(
    new_engine: Callable[[], Engine], diff_based: Callable[[], None], tmp_path: Path
) -> None:
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9".encode("latin-1"))
    source = {"id": "unread", "title": "Unread"}
    bundle = write_ndjson(
        tmp_path / "00-sources.ndjson",
        [
            {"sources": source | {"text_file": "missing.txt"}},
            {"sources": source | {"id": "latin", "text_file": "latin1.txt"}},
        ],
    )
    fast, slow = new_engine(), new_engine()

    with pytest.raises(SeedFailed) as fast_failure:
        seed(fast, [bundle])
    diff_based()
    with pytest.raises(SeedFailed) as slow_failure:
        seed(slow, [bundle])

    fast_errors = [str(error) for error in fast_failure.value.errors]
    assert fast_errors == [str(error) for error in slow_failure.value.errors]
    assert fast_errors == [
        f"{bundle}:1 sources[0].text_file: cannot read {tmp_path / 'missing.txt'}: "
        "No such file or directory",
        f"{bundle}:2 sources[1].text_file: cannot read {tmp_path / 'latin1.txt'}: not UTF-8 text",
    ]


def test_a_source_given_twice_with_different_texts_is_left_to_the_diff_based_load(
    new_engine: Callable[[], Engine], tmp_path: Path
) -> None:
    again = {"sources": {"id": SOURCE_ID, "title": "Again", "text": "Other words."}}
    path = write_ndjson(tmp_path / "99-again.ndjson", [again])
    with pytest.raises(SeedFailed) as failure:
        seed(new_engine(), [SEED_BUNDLES, path])
    assert any("duplicate source id" in str(error) for error in failure.value.errors)


def test_the_fast_event_check_mirrors_the_current_models() -> None:
    assert fast_events.models_fingerprint() == fast_events.MODELS_FINGERPRINT, (
        "EventCreate or a model it uses changed: review app/seeding/fast_events.py against "
        "it, then set MODELS_FINGERPRINT to the new value"
    )
    assert fast_events.ENABLED


VARIANTS: list[dict[str, Any]] = [
    {"status": "scheduled", "start_text": "next year", "end": "2019-08-20", "end_text": "x"},
    {"status": None},
    {"title": ""},
    {"id": "Bad-Id"},
    {"id": "a" * 201},
    {"countries": []},
    {"countries": ["XX"]},
    {"countries": ["fr"], "host_country": "ru"},
    {"end": "2018-01"},
    {"part_of": "bulk-e-0001"},
    {"participants": [{"person": "vladimir-putin"}, {"person": "vladimir-putin"}]},
    {"participants": [{"person": "vladimir-putin", "role": "chair"}]},
    {"duration": {"value": True, "unit": "hour"}},
    {"duration": {"value": 1.5, "unit": ""}},
    {"duration": {"value": 2, "unit": "minute", "text": "two minutes", "qualifier": "exact"}},
    {"outcomes": {"joint_statement": "yes"}},
    {"outcomes": {"joint_statement": None}},
    {"citations": ["ab"]},
    {"citations": [{"excerpt": "abc", "source": None}]},
    {"citations": [{"excerpt": "abc", "page": 3}]},
    {"format": 3},
    {"extra": 1},
    {"topics": None},
    {"organizations": ["g7", "european-union"]},
]


@pytest.mark.parametrize("changes", VARIANTS)
def test_a_fast_event_is_one_pydantic_accepts_with_the_same_rows(changes: dict[str, Any]) -> None:
    item = _event(1, **changes)
    fast = fast_events.fast_event(item)
    try:
        model = EventCreate.model_validate(item)
    except ValueError:
        assert fast is None
        return
    if fast is None:
        return  # left to pydantic: allowed
    rows = new_rows()
    build_rows("events", model, rows, SOURCE_ID)
    assert fast.row == list(rows["event"][0].values())
    assert [
        {"event_id": fast.id, "country": c, "start_first": fast.start.first} for c in fast.countries
    ] == rows["event_country"]
    assert fast.participants == [(r["person_id"], r["role"]) for r in rows["event_participant"]]
    assert fast.topics == [r["topic_id"] for r in rows["event_topic"]]
    assert [source or SOURCE_ID for source, _ in fast.citations] == [
        r["source_id"] for r in rows["citation"]
    ]


def test_the_one_statement_search_build_writes_the_chunked_documents(
    new_engine: Callable[[], Engine], tmp_path: Path
) -> None:
    engine = new_engine()
    seed(engine, [SEED_BUNDLES, events_bundle(tmp_path)])
    documents = search_index.document
    with engine.connect() as connection:
        built = connection.execute(select(documents).order_by(documents.c.doc_id)).all()
        connection.execute(documents.delete())
        # The chunked rewrite, 500 records a statement.
        search_index.refresh(connection, search_index.all_records(connection))
        chunked = connection.execute(select(documents).order_by(documents.c.doc_id)).all()
        connection.rollback()
    assert sorted(row[1:] for row in built) == sorted(row[1:] for row in chunked)
    assert len(built) > 60
    if engine.dialect.name == "sqlite":  # the same doc_ids, too
        assert built == chunked


def test_the_search_index_answers_after_a_bulk_load(
    new_engine: Callable[[], Engine], tmp_path: Path
) -> None:
    engine = new_engine()
    seed(engine, [SEED_BUNDLES, events_bundle(tmp_path)])
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            query = "SELECT count(*) FROM search_fts WHERE search_fts MATCH 'bulk'"
        else:
            query = (
                "SELECT count(*) FROM search_document "
                "WHERE to_tsvector('english', title) @@ to_tsquery('english', 'bulk')"
            )
        assert connection.execute(text(query)).scalar() == 60
        if engine.dialect.name == "sqlite":
            # The index built in one go is the documents' index, and the triggers that keep
            # it in step with later loads are back.
            connection.exec_driver_sql(
                "INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)"
            )
            triggers = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
            assert connection.exec_driver_sql(triggers).scalar() == 3


def test_a_foreign_key_violation_cannot_be_committed(
    new_engine: Callable[[], Engine],
) -> None:
    """The loader checks every reference; were one missed, the database still refuses it."""
    engine = new_engine()
    event = metadata.tables["event_topic"]
    with (
        engine.connect() as connection,
        pytest.raises(Exception, match=r"(?i)foreign key"),
        connection.begin(),
        bulk.writing_rows(connection),
    ):
        connection.execute(insert(event).values(event_id="nope", topic_id="nope"))


@pytest.mark.parametrize(
    "line",
    [
        '{"events": {"a": "x\ty"}}',
        '{"a": 1,}',
        "{'a': 1}",
        '{"a": 1, "a": 2}',
        '{"a": [1e400, -0, NaN, 123456789012345678901234567890, 0.1e1, 1E2]}',
        '{"a": "\\ud800"}',
        '{"a": "\\u00e9t\\u00e9"}',
        '{"a": "\x00"}',
        "[1] x",
    ],
)
def test_a_line_is_read_as_json_loads_reads_it(line: str) -> None:
    try:
        expected: Any = json.loads(line)
    except ValueError as exc:
        expected = str(exc)
    try:
        read: Any = bulk._json_line(line)
    except ValueError as exc:
        read = str(exc)
    assert repr(read) == repr(expected)
