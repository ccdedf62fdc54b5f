"""Reading claims: an entity's stored claims, and its facts as each source gives them."""

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, select, text, tuple_

from app.claims.merge import NOT_FACTS, StoredClaim, disputed, merge, preference
from app.claims.models import Claim, ClaimDispute
from app.claims.schemas import ClaimPublic, ClaimsView, DisputedFact, FactClaims
from app.links import api_url
from app.sources.models import Source

claim = Claim.__table__  # type: ignore[attr-defined]
dispute = ClaimDispute.__table__  # type: ignore[attr-defined]
PATHS = {
    "event": "/api/v1/events/",
    "statement": "/api/v1/statements/",
    "mechanism": "/api/v1/mechanisms/",
    "figure": "/api/v1/figures/",
    "assessment": "/api/v1/assessments/",
}
source = Source.__table__  # type: ignore[attr-defined]
Key = tuple[str, str]  # (kind, entity id)


def stored_claims(connection: Connection, keys: list[Key]) -> dict[Key, list[StoredClaim]]:
    """The stored claims about `keys`, each entity's in `preference` order."""
    query = (
        select(
            claim.c.kind,
            claim.c.entity_id,
            claim.c.source_id,
            claim.c.rank,
            claim.c.record,
            source.c.published_first,
        )
        .join(source, source.c.id == claim.c.source_id)
        .where(tuple_(claim.c.kind, claim.c.entity_id).in_(keys))
    )
    found: dict[Key, list[StoredClaim]] = {}
    for kind, entity_id, source_id, rank, record, date in connection.execute(query):
        stored = StoredClaim(source_id, rank, date.isoformat() if date else "", record)
        found.setdefault((kind, entity_id), []).append(stored)
    return {key: preference(claims) for key, claims in found.items()}


def _excerpt(record: dict[str, Any]) -> str | None:
    citations = record.get("citations") or []
    return citations[0]["excerpt"] if citations else None


def facts(connection: Connection, kind: str, entity_id: str, view: ClaimsView) -> list[FactClaims]:
    """The facts of an entity with every source's claim of each (`view`: which facts)."""
    claims = stored_claims(connection, [(kind, entity_id)]).get((kind, entity_id), [])
    disputes = set(disputed(claims))
    merged = merge(kind, claims)
    shown = []
    for name, value in merged.items():
        if name in NOT_FACTS or (view is ClaimsView.DISPUTED and name not in disputes):
            continue
        given = [
            ClaimPublic(
                value=c.record[name], source=c.source, excerpt=_excerpt(c.record), rank=c.rank
            )
            for c in claims
            if c.record.get(name) is not None
        ]
        shown.append(FactClaims(field=name, value=value, disputed=name in disputes, claims=given))
    return shown


def with_claims(
    fetch: Callable[[Connection], BaseModel],
    detail: type[BaseModel],
    kind: str,
    entity_id: str,
    view: ClaimsView | None,
) -> Callable[[Connection], BaseModel]:
    """`fetch`, its answer as `detail` with the entity's claims when `view` asks for them."""

    def run(connection: Connection) -> BaseModel:
        found = fetch(connection)
        claims = None if view is None else facts(connection, kind, entity_id, view)
        return detail(**{**dict(found), "claims": claims})

    return run


# The disputed facts of a pair's records: its events (and their statements), the mechanisms
# both belong to, its figures and the assessments of both.
_PAIR_DISPUTES = text(
    """
    SELECT d.kind, d.entity_id, d.field FROM claim_dispute d
    WHERE (d.kind = 'event' AND d.entity_id IN (
            SELECT x.event_id FROM event_country x JOIN event_country y
              ON y.event_id = x.event_id AND y.country = :b WHERE x.country = :a))
       OR (d.kind = 'statement' AND d.entity_id IN (
            SELECT s.id FROM statement s
              JOIN event_country x ON x.event_id = s.event_id AND x.country = :a
              JOIN event_country y ON y.event_id = s.event_id AND y.country = :b))
       OR (d.kind = 'mechanism' AND d.entity_id IN (
            SELECT x.mechanism_id FROM mechanism_country x JOIN mechanism_country y
              ON y.mechanism_id = x.mechanism_id AND y.country = :b WHERE x.country = :a))
       OR (d.kind = 'figure' AND d.entity_id IN (
            SELECT f.id FROM figure f WHERE (f.country = :a AND f.partner = :b)
              OR (f.country = :b AND f.partner = :a)))
       OR (d.kind = 'assessment' AND d.entity_id IN (
            SELECT x.assessment_id FROM assessment_country x JOIN assessment_country y
              ON y.assessment_id = x.assessment_id AND y.country = :b WHERE x.country = :a))
    ORDER BY d.kind, d.entity_id, d.field
    """
)


def pair_disputes(connection: Connection, params: dict[str, Any]) -> list[DisputedFact]:
    """The facts of a pair's records on which sources disagree."""
    return [
        DisputedFact(kind=kind, id=entity_id, field=name, url=api_url(f"{PATHS[kind]}{entity_id}"))
        for kind, entity_id, name in connection.execute(_PAIR_DISPUTES, params)
    ]


def disputed_fields(connection: Connection, keys: list[Key]) -> dict[Key, list[str]]:
    """The disputed facts of each of `keys`, by name."""
    if not keys:
        return {}
    query = (
        select(dispute.c.kind, dispute.c.entity_id, dispute.c.field)
        .where(tuple_(dispute.c.kind, dispute.c.entity_id).in_(keys))
        .order_by(dispute.c.field)
    )
    found: dict[Key, list[str]] = {}
    for kind, entity_id, name in connection.execute(query):
        found.setdefault((kind, entity_id), []).append(name)
    return found
