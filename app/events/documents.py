"""Event documents: each event as the API lists it, written by the loads that change it.

A page of the events list is read as ready JSON documents (`event_document.body`) instead of
being assembled from eight tables and a pydantic model per event on every request. The
documents are built in SQL, in one `INSERT .. SELECT` per batch of events, by the database's
own JSON functions (SQLite `json_object`/`json_group_array`, PostgreSQL
`json_build_object`/`json_agg`), in the shape and order of `EventPublic`; a test checks
every seeded event's document against the model built by `service.build_events`.

A document shows names from other records (people, topics, places, organizations, the
parent event), so a load that changes one of those rewrites the documents that show it.
"""

from collections.abc import Iterable

from sqlalchemy import Connection, bindparam, select, text

from app.events.models import EventDocument, EventOutcomes
from app.seeding.sync import SyncReport

document = EventDocument.__table__  # type: ignore[attr-defined]
CHUNK = 2000


class _Sql:
    """The JSON and date functions of one engine, as SQL text."""

    def __init__(self, dialect: str) -> None:
        self.sqlite = dialect == "sqlite"

    def obj(self, *pairs: tuple[str, str]) -> str:
        function = "json_object" if self.sqlite else "json_build_object"
        arguments = ", ".join(f"'{key}', {value}" for key, value in pairs)
        return f"{function}({arguments})"

    def embed(self, value: str) -> str:
        """A JSON value from a subquery or CASE, kept as JSON (SQLite loses the subtype)."""
        return f"json({value})" if self.sqlite else value

    def array(self, item: str, source: str, order: str) -> str:
        """The JSON array of `item` over the rows of `source` (FROM .. WHERE), in `order`."""
        if self.sqlite:
            return (
                f"json((SELECT json_group_array(json(item)) FROM "
                f"(SELECT {item} AS item FROM {source} ORDER BY {order})))"
            )
        return f"coalesce((SELECT json_agg({item} ORDER BY {order}) FROM {source}), '[]'::json)"

    def scalar_array(self, item: str, source: str, order: str) -> str:
        if self.sqlite:
            return (
                f"json((SELECT json_group_array(item) FROM "
                f"(SELECT {item} AS item FROM {source} ORDER BY {order})))"
            )
        return f"coalesce((SELECT json_agg({item} ORDER BY {order}) FROM {source}), '[]'::json)"

    def partial_date(self, first: str, precision: str) -> str:
        """`YYYY`, `YYYY-MM` or `YYYY-MM-DD`, as `PartialDate` prints itself."""
        if self.sqlite:
            year, month, day = f"substr({first}, 1, 4)", f"substr({first}, 1, 7)", first
        else:
            year, month, day = (
                f"to_char({first}, 'YYYY')",
                f"to_char({first}, 'YYYY-MM')",
                f"to_char({first}, 'YYYY-MM-DD')",
            )
        return f"CASE {precision} WHEN 'year' THEN {year} WHEN 'month' THEN {month} ELSE {day} END"

    def outcome(self, field: str) -> str:
        if self.sqlite:
            return f"json(e.outcomes -> '$.{field}')"
        return f"(e.outcomes -> '{field}')"

    def nullable(self, condition: str, value: str) -> str:
        return self.embed(f"CASE WHEN {condition} THEN NULL ELSE {value} END")


def document_sql(dialect: str) -> str:
    """`SELECT event_id, body` for the events whose ids are bound as `:ids` (expanding)."""
    s = _Sql(dialect)
    named = s.obj(("id", "x.id"), ("name", "x.name"))
    outcome_fields = list(EventOutcomes.model_fields)
    outcomes = s.nullable(
        f"coalesce({', '.join(s.outcome(f) for f in outcome_fields)}, NULL) IS NULL",
        s.obj(*((field, s.outcome(field)) for field in outcome_fields)),
    )
    body = s.obj(
        ("id", "e.id"),
        ("kind", "e.kind"),
        ("status", "e.status"),
        ("title", "e.title"),
        ("start", s.partial_date("e.start_first", "e.start_precision")),
        ("start_text", "e.start_text"),
        ("end", s.partial_date("e.end_first", "e.end_precision")),
        ("end_text", "e.end_text"),
        ("place", s.nullable("pl.id IS NULL", s.obj(("id", "pl.id"), ("name", "pl.name")))),
        ("host_country", "e.host_country"),
        (
            "countries",
            s.scalar_array(
                "ec.country", "event_country AS ec WHERE ec.event_id = e.id", "ec.country"
            ),
        ),
        (
            "organizations",
            s.array(
                named,
                "event_organization AS eo JOIN organization AS x ON x.id = eo.organization_id "
                "WHERE eo.event_id = e.id",
                "x.name, x.id",
            ),
        ),
        (
            "participants",
            s.array(
                s.obj(("person", named), ("role", "ep.role")),
                "event_participant AS ep JOIN person AS x ON x.id = ep.person_id "
                "WHERE ep.event_id = e.id",
                "CASE ep.role WHEN 'host' THEN 0 WHEN 'guest' THEN 1 ELSE 2 END, x.name, x.id",
            ),
        ),
        (
            "duration",
            s.nullable(
                "e.duration_value IS NULL",
                s.obj(
                    ("value", "e.duration_value"),
                    ("unit", "e.duration_unit"),
                    ("qualifier", "e.duration_qualifier"),
                    ("text", "e.duration_text"),
                ),
            ),
        ),
        ("format", "e.format"),
        ("outcomes", outcomes),
        (
            "parent",
            s.nullable(
                "pa.id IS NULL",
                s.obj(
                    ("id", "pa.id"),
                    ("kind", "pa.kind"),
                    ("title", "pa.title"),
                    ("start", s.partial_date("pa.start_first", "pa.start_precision")),
                ),
            ),
        ),
        (
            "topics",
            s.array(
                named,
                "event_topic AS et JOIN topic AS x ON x.id = et.topic_id WHERE et.event_id = e.id",
                "x.name, x.id",
            ),
        ),
        ("notes", "e.notes"),
        (
            "citations",
            s.array(
                s.obj(("source", "c.source_id"), ("excerpt", "c.excerpt")),
                "citation AS c WHERE c.subject_type = 'event' AND c.subject_id = e.id",
                "c.ordinal",
            ),
        ),
    )
    body_text = body if s.sqlite else f"({body})::text"
    return (
        f"SELECT e.id AS event_id, {body_text} AS body FROM event AS e "
        "LEFT JOIN place AS pl ON pl.id = e.place_id "
        "LEFT JOIN event AS pa ON pa.id = e.parent_id "
        "WHERE e.id IN :ids"
    )


def write(connection: Connection, ids: Iterable[str]) -> int:
    """(Re)writes the documents of the events `ids`; an id with no event loses its document."""
    ordered = sorted(set(ids))
    sql = text(
        f"INSERT INTO event_document (event_id, body) {document_sql(connection.dialect.name)}"
    ).bindparams(bindparam("ids", expanding=True))
    written = 0
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        connection.execute(document.delete().where(document.c.event_id.in_(chunk)))
        written += max(connection.execute(sql, {"ids": chunk}).rowcount, 0)
    return written


def rebuild(connection: Connection) -> int:
    connection.execute(document.delete())
    return write(connection, connection.execute(text("SELECT id FROM event")).scalars())


def is_empty(connection: Connection) -> bool:
    return connection.execute(select(document.c.event_id).limit(1)).first() is None


# The tables whose rows a document shows, and how to find the events that show a changed
# record of each: (event ids selected by the record's key).
_SHOWN_BY = {
    "person": "SELECT event_id FROM event_participant WHERE person_id IN :keys",
    "topic": "SELECT event_id FROM event_topic WHERE topic_id IN :keys",
    "organization": "SELECT event_id FROM event_organization WHERE organization_id IN :keys",
    "place": "SELECT id FROM event WHERE place_id IN :keys",
    "event": "SELECT id FROM event WHERE parent_id IN :keys",  # a parent's title or date
}
_OWN_TABLES = ("event", "event_country", "event_participant", "event_topic", "event_organization")


def affected(connection: Connection, report: SyncReport) -> set[str]:
    """The events whose documents the load's changes make stale."""
    ids: set[str] = set()
    for name in _OWN_TABLES:
        if name in report.tables:
            ids.update(str(record[0]) for record in report.tables[name].touched)
    if "citation" in report.tables:
        ids.update(
            str(subject_id)
            for subject_type, subject_id in report.tables["citation"].touched
            if subject_type == "event"
        )
    for name, sql in _SHOWN_BY.items():
        changes = report.tables.get(name)
        if changes is None or not changes.touched:
            continue
        keys = sorted(str(record[0]) for record in changes.touched)
        query = text(sql).bindparams(bindparam("keys", expanding=True))
        for start in range(0, len(keys), CHUNK):
            ids.update(connection.execute(query, {"keys": keys[start : start + CHUNK]}).scalars())
    return ids


def refresh(connection: Connection, report: SyncReport) -> int:
    return write(connection, affected(connection, report))
