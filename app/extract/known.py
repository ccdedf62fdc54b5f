"""What the knowledge base already holds, so that a draft names a known person, place,
organization, topic or mechanism by its id instead of defining it again."""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col

from app.mechanisms.models import Mechanism
from app.organizations.models import Organization
from app.people.models import Person
from app.places.models import Place
from app.topics.models import Topic


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80].strip("-") or "x"


def _key(text: str) -> str:
    return slug(re.sub(r"^the\s+", "", text.strip(), flags=re.I))


@dataclass
class Known:
    """Names (and aliases, acronyms, surnames) of known records, by kind, to (id, name)."""

    names: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)

    def add(self, kind: str, record_id: str, name: str, others: Iterable[str] = ()) -> None:
        table = self.names.setdefault(kind, {})
        for each in (name, *others):
            table.setdefault(_key(each), (record_id, name))

    def find(self, kind: str, name: str) -> tuple[str, str] | None:
        return self.names.get(kind, {}).get(_key(name))

    def person(self, name: str) -> tuple[str, str] | None:
        return self.find("person", name)


def read_known(engine: Engine | None) -> Known:
    """The records of the database `engine` reads (none when it is None or unreadable)."""
    known = Known()
    if engine is None:
        return known
    try:
        with engine.connect() as connection:
            _read(connection, known)
    except SQLAlchemyError:
        return Known()
    return known


def _read(connection: Connection, known: Known) -> None:
    for pid, name, aliases in connection.execute(
        select(col(Person.id), col(Person.name), col(Person.aliases))
    ):
        surname = name.split()[-1]
        known.add("person", pid, name, [*aliases, surname])
    for mid, name, aliases, acronym in connection.execute(
        select(
            col(Mechanism.id), col(Mechanism.name), col(Mechanism.aliases), col(Mechanism.acronym)
        )
    ):
        known.add("mechanism", mid, name, [*aliases, *([acronym] if acronym else [])])
    for oid, name, aliases, acronym in connection.execute(
        select(
            col(Organization.id),
            col(Organization.name),
            col(Organization.aliases),
            col(Organization.acronym),
        )
    ):
        known.add("organization", oid, name, [*aliases, *([acronym] if acronym else [])])
    for place_id, name, aliases in connection.execute(
        select(col(Place.id), col(Place.name), col(Place.aliases))
    ):
        known.add("place", place_id, name, aliases)
    for tid, name, aliases in connection.execute(
        select(col(Topic.id), col(Topic.name), col(Topic.aliases))
    ):
        known.add("topic", tid, name, aliases)
