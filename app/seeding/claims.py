"""A load's records as claims: stored per source, and merged into the entities they claim.

Each record of a bundle is its claiming source's claim about the entity of its id (the
bundle's `default_source`, else the source its first citation names). The claim is stored
whole (`claim`); the entity's rows are written from it directly while it is the only claim
about that entity, and from every claim merged (`app.claims.merge`) once another source
claims the same entity. Loading a bundle again withdraws the claims it no longer makes;
`unload` withdraws every claim of a source. An entity no claim supports any more is removed.
"""

from collections import Counter
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, and_, bindparam, delete, select, tuple_

from app.claims.merge import disputed, merge
from app.claims.models import Claim, ClaimDispute, Rank
from app.claims.service import stored_claims
from app.countries.models import CountryCreate
from app.events.models import EventDocument
from app.seeding.bundle import KIND_SECTIONS, SECTION_KINDS
from app.seeding.parse import RawRecord, item_model
from app.seeding.rows import ENTITIES, Row, Rows, build_rows, removal_rows
from app.seeding.write import Writer, chunks

claim = Claim.__table__  # type: ignore[attr-defined]
dispute = ClaimDispute.__table__  # type: ignore[attr-defined]
document = EventDocument.__table__  # type: ignore[attr-defined]
Key = tuple[str, str]  # (kind, entity id)


def claiming_source(raw: RawRecord, model: BaseModel) -> str | None:
    """The source whose claim a record is: its bundle's default source, else the source its
    first citation names."""
    if raw.default_source is not None:
        return raw.default_source
    citations = getattr(model, "citations", None) or []
    return citations[0].source if citations else None


def _cited(value: Any, source_id: str) -> Any:
    """The record as stored: every citation names its source."""
    if isinstance(value, dict):
        found = {k: _cited(v, source_id) for k, v in value.items()}
        if "excerpt" in found:
            found.setdefault("source", source_id)
        return found
    if isinstance(value, list):
        return [_cited(item, source_id) for item in value]
    return value


def claim_row(kind: str, model: BaseModel, source_id: str, bundle: str) -> Row:
    record = model.model_dump(mode="json", exclude_none=True, exclude={"rank"})
    return {
        "kind": kind,
        "entity_id": record["code"] if kind == "country" else record["id"],
        "source_id": source_id,
        "rank": str(getattr(model, "rank", Rank.NORMAL)),
        "bundle": bundle,
        "record": _cited(record, source_id),
    }


class ClaimPass:
    """Writes a load's claims and the entities they make, beside the claims already stored."""

    def __init__(self, connection: Connection, writer: Writer, *, withdraw: bool = True) -> None:
        self.connection = connection
        self.writer = writer
        self.withdraws = withdraw  # the claims the bundles no longer make
        self.first = "claim" in writer.empty  # no claim stored before this load
        self.written: set[Key] = set()  # entities claimed so far in this load
        self.seen: set[tuple[str, str, str]] = set()  # (kind, id, source), when not `first`
        self.bundles: set[str] = set()
        self.to_merge: set[Key] = set()
        self._claims: list[Row] = []
        self._models: list[tuple[str, BaseModel, str]] = []

    def add(self, raw: RawRecord, model: BaseModel, source_id: str) -> None:
        kind = "country" if isinstance(model, CountryCreate) else SECTION_KINDS[raw.section]
        row = claim_row(kind, model, source_id, raw.file.path.stem)
        self._claims.append(row)
        self.bundles.add(row["bundle"])
        if not self.first:
            self.seen.add((kind, row["entity_id"], source_id))
        if kind != "country":
            self._models.append((raw.section, model, source_id))

    def flush(self, rows: Rows) -> Rows:
        """The batch's claims, and the rows of the entities only one source claims, added
        to `rows`; an entity claimed by several waits for `finish`."""
        claimants = Counter((row["kind"], row["entity_id"]) for row in self._claims)
        merged = self._claimed_by_others(set(claimants))
        merged |= {key for key, count in claimants.items() if count > 1}
        for section, model, source_id in self._models:
            key = (SECTION_KINDS[section], model.id)  # type: ignore[attr-defined]
            if key in self.written or key in merged:
                self.to_merge.add(key)
            else:
                build_rows(section, model, rows, source_id)
            self.written.add(key)
        rows["claim"] += self._claims
        self._claims, self._models = [], []
        return rows

    def _claimed_by_others(self, keys: set[Key]) -> set[Key]:
        """Which of `keys` have a stored claim of a source other than this batch's."""
        if self.first:
            return set()
        mine = {(row["kind"], row["entity_id"], row["source_id"]) for row in self._claims}
        found = set()
        for chunk in chunks(sorted(keys)):
            stored = select(claim.c.kind, claim.c.entity_id, claim.c.source_id).where(
                tuple_(claim.c.kind, claim.c.entity_id).in_(chunk)
            )
            found |= {
                (k, i) for k, i, s in self.connection.execute(stored) if (k, i, s) not in mine
            }
        return found

    def finish(self) -> None:
        """Withdraws the claims the loaded bundles no longer make, then writes every entity
        that several sources claim (or that lost a claim) from its claims merged."""
        if self.withdraws and not self.first and self.bundles:
            stored = select(claim.c.kind, claim.c.entity_id, claim.c.source_id).where(
                claim.c.bundle.in_(sorted(self.bundles))
            )
            stale = [row for row in self.connection.execute(stored) if tuple(row) not in self.seen]
            self.withdraw(stale)
        self.writer.empty.clear()  # what follows rewrites rows this load may have written
        self.merge(self.to_merge)

    def withdraw(self, claims: Iterable[Any]) -> None:
        """Deletes the claims `(kind, entity id, source)`; their entities are merged again."""
        keys = [
            {"k": kind, "e": entity_id, "s": source_id} for kind, entity_id, source_id in claims
        ]
        if not keys:
            return
        match = and_(
            claim.c.kind == bindparam("k"),
            claim.c.entity_id == bindparam("e"),
            claim.c.source_id == bindparam("s"),
        )
        for key in keys:
            for row in self.connection.execute(select(claim).where(match), key):
                self.writer.audit("claim", dict(row._mapping), None)
        self.connection.execute(delete(claim).where(match), keys)
        self.writer.changes.of("claim").deleted += len(keys)
        self.to_merge |= {(key["k"], key["e"]) for key in keys}

    def merge(self, keys: set[Key]) -> None:
        """Writes the entities `keys` from their stored claims merged; removes those that no
        claim supports any more."""
        countries = {key for key in keys if key[0] == "country"}
        for chunk in chunks(sorted(keys - countries)):
            claims = stored_claims(self.connection, chunk)
            rows, gone = Rows(), []
            for kind, entity_id in chunk:
                found = claims.get((kind, entity_id), [])
                rows.own("claim_dispute", kind, entity_id)
                if not found:
                    removal_rows(KIND_SECTIONS[kind], entity_id, rows)
                    gone.append((kind, entity_id))
                    continue
                record = item_model(KIND_SECTIONS[kind]).model_validate(merge(kind, found))
                build_rows(KIND_SECTIONS[kind], record, rows, None)
                rows["claim_dispute"] += [
                    {"kind": kind, "entity_id": entity_id, "field": name}
                    for name in disputed(found)
                ]
            self.writer.write(rows)
            for kind, entity_id in gone:
                if kind == "event":
                    self.connection.execute(
                        delete(document).where(document.c.event_id == entity_id)
                    )
                self.writer.remove(ENTITIES[KIND_SECTIONS[kind]][0], [entity_id])


def claims_of(connection: Connection, source_id: str) -> list[Any]:
    """The claims `(kind, entity id, source)` of one source."""
    query = select(claim.c.kind, claim.c.entity_id, claim.c.source_id).where(
        claim.c.source_id == source_id
    )
    return list(connection.execute(query))


def country_wikidata(connection: Connection) -> dict[str, str | None]:
    """Each claimed country's Wikidata id, as its preferred claim gives it."""
    codes = connection.execute(select(claim.c.entity_id).where(claim.c.kind == "country"))
    claims = stored_claims(connection, [("country", code) for code in codes.scalars()])
    return {key[1]: merge("country", found).get("wikidata") for key, found in claims.items()}
