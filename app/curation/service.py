"""Writes over HTTP: each one a bundle run through the loader `entente seed` uses.

A write is stored as a payload (JSON) and applied by writing it as a bundle file into a
temporary folder and loading that with `app.seeding.loader.seed`: every check of a seed
(excerpts in the source's stored text, semantic checks, references) applies, all or
nothing, under the same write lock. A contributor's payload is checked the same way and
kept as a proposal until a reviewer applies it.
"""

import hashlib
import json
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, select

from app.claims.models import Claim
from app.seeding.bundle import KIND_SECTIONS
from app.seeding.errors import SeedError, SeedFailed
from app.seeding.loader import seed, validate, withdraw_claims
from app.seeding.write import Changes
from app.sources.models import Source

claim = Claim.__table__  # type: ignore[attr-defined]
source = Source.__table__  # type: ignore[attr-defined]
# The kinds of record a source claims (a source is no claim).
SECTIONS = {kind: section for kind, section in KIND_SECTIONS.items() if kind != "source"}
# The name of the bundle a claim written over HTTP belongs to: a bundle file loaded again
# withdraws the claims it no longer makes, never these.
API_BUNDLE = "api"


class PreconditionFailed(Exception):
    """The record changed since the client read it (its ETag is no longer `expected`)."""

    def __init__(self, current: str | None) -> None:
        super().__init__(current)
        self.current = current


def claim_etag(rank: str, record: dict[str, Any]) -> str:
    digest = hashlib.sha256(
        json.dumps({"rank": rank, "record": record}, sort_keys=True).encode()
    ).hexdigest()
    return f'"claim-{digest[:20]}"'


def current_claim(connection: Connection, kind: str, entity_id: str, source_id: str) -> Any:
    """The stored claim `(kind, entity_id, source_id)`, or None."""
    return connection.execute(
        select(claim.c.rank, claim.c.record, claim.c.bundle).where(
            claim.c.kind == kind, claim.c.entity_id == entity_id, claim.c.source_id == source_id
        )
    ).first()


def source_exists(connection: Connection, source_id: str) -> bool:
    found = connection.execute(select(source.c.id).where(source.c.id == source_id))
    return found.first() is not None


def _guard(payload: dict[str, Any]) -> Callable[[Connection], None] | None:
    """Inside the write's transaction: the claim is still as the client read it."""
    if "expected" not in payload:
        return None
    kind, entity_id, source_id = payload["kind"], payload["entity_id"], payload["source_id"]

    def check(connection: Connection) -> None:
        stored = current_claim(connection, kind, entity_id, source_id)
        current = claim_etag(stored.rank, stored.record) if stored else None
        if current != payload["expected"]:
            raise PreconditionFailed(current)

    return check


def bundle_of(payload: dict[str, Any]) -> tuple[str, str]:
    """The bundle (its file name, its text) a payload is loaded as."""
    action = payload["action"]
    if action == "bundle":
        return f"{payload['name']}.{payload['format']}", payload["text"]
    if action == "source":
        body = {"default_source": payload["record"]["id"], "sources": [payload["record"]]}
    else:  # a claim
        record = {**payload["record"], "rank": payload.get("rank", "normal")}
        body = {"default_source": payload["source_id"], SECTIONS[payload["kind"]]: [record]}
    return f"{API_BUNDLE}.yaml", yaml_readable_json(body)


# An escaped backslash, or a character beyond the BMP as JSON escapes it (a surrogate pair).
_PAIR_OR_BACKSLASH = re.compile(r"(\\\\)|\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})")


def _unescaped_pair(match: re.Match[str]) -> str:
    if match[1]:
        return match[1]
    high, low = int(match[2], 16), int(match[3], 16)
    return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))


def yaml_readable_json(value: Any) -> str:
    """`value` as JSON that a YAML 1.2 parser reads back as `value` (JSON is YAML, but for
    one escape: YAML has none for surrogates, so a character beyond the Basic Multilingual
    Plane, an emoji say, is written as itself; the rest stays ASCII)."""
    return _PAIR_OR_BACKSLASH.sub(_unescaped_pair, json.dumps(value))


def check(engine: Engine, payload: dict[str, Any]) -> None:
    """Every check of `apply` without writing (raises `SeedFailed`)."""
    if payload["action"] == "withdraw":
        with engine.connect() as connection:
            if _stored(connection, payload) is None:
                raise SeedFailed([SeedError("body", None, (), "no such claim")])
        return
    with _as_file(payload) as path:
        validate([path], engine)


def apply(
    engine: Engine,
    payload: dict[str, Any],
    actor: str,
    accepting: Callable[[Connection], None] | None = None,
) -> Changes:
    """Writes a payload; raises `SeedFailed` (refused) or `PreconditionFailed` (stale).
    `accepting` runs in the write's transaction too (a proposal marked accepted)."""
    guards = [g for g in (_guard(payload), accepting) if g is not None]

    def guard(connection: Connection) -> None:
        for each in guards:
            each(connection)

    if payload["action"] == "withdraw":
        key = (payload["kind"], payload["entity_id"], payload["source_id"])
        return withdraw_claims(engine, [key], actor=actor, guard=guard)
    with _as_file(payload) as path:
        return seed(
            engine, [path], actor=actor, withdraw=payload["action"] == "bundle", guard=guard
        )


def _stored(connection: Connection, payload: dict[str, Any]) -> Any:
    return current_claim(connection, payload["kind"], payload["entity_id"], payload["source_id"])


@contextmanager
def _as_file(payload: dict[str, Any]) -> Iterator[Path]:
    """The payload's bundle, written into a temporary folder of its own."""
    name, text = bundle_of(payload)
    with tempfile.TemporaryDirectory(prefix="entente-write-") as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8")
        yield path
