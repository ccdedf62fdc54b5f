"""Making, listing, revoking and recognising API keys; the caller owns the transaction.

A key is `ent_` and 256 random bits (`secrets.token_urlsafe(32)`); only its SHA-256 is
stored. A key that random needs no slow KDF: nobody can guess one to hash, and the stored
hash gives nothing to someone who reads the database. A request's key is found by its hash
through the unique index, so no comparison ever involves the key itself.
"""

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from app.auth.models import ApiKey, Role

KEY_PREFIX = "ent_"
KEY_PATTERN = re.compile(r"ent_[A-Za-z0-9_-]{43}")
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")
NAME_RULE = "1 to 100 letters, digits, '.', '_', '@' or '-', starting with a letter or digit"

TABLE = ApiKey.__table__  # type: ignore[attr-defined]


class KeyRefused(Exception):
    """A key operation that cannot be done; the message says why."""


@dataclass(frozen=True)
class KeyRecord:
    """A key as anyone may see it: never the key, nor its hash."""

    name: str
    role: Role
    created_at: dt.datetime
    revoked_at: dt.datetime | None


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(connection: Connection, *, name: str, role: Role) -> str:
    """A new key named `name`, returned once: only its hash is kept."""
    if not NAME_PATTERN.fullmatch(name):
        raise KeyRefused(f"invalid key name {name!r}: {NAME_RULE}")
    if connection.execute(select(TABLE.c.id).where(TABLE.c.name == name)).first():
        raise KeyRefused(f"a key named {name!r} already exists (names are never reused)")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    connection.execute(
        insert(TABLE).values(
            name=name,
            role=role.value,
            key_hash=key_hash(key),
            created_at=dt.datetime.now(dt.UTC),
        )
    )
    return key


COLUMNS = (TABLE.c.name, TABLE.c.role, TABLE.c.created_at, TABLE.c.revoked_at)


def _record(row: Row[Any]) -> KeyRecord:
    return KeyRecord(row.name, Role(row.role), row.created_at, row.revoked_at)


def list_keys(connection: Connection) -> list[KeyRecord]:
    """Every key, revoked ones too, in the order they were made."""
    rows = connection.execute(select(*COLUMNS).order_by(TABLE.c.id))
    return [_record(row) for row in rows]


def revoke_key(connection: Connection, *, name: str) -> KeyRecord:
    """Revokes the key named `name` (a key revoked already stays as it was)."""
    row = connection.execute(select(*COLUMNS).where(TABLE.c.name == name)).first()
    if row is None:
        raise KeyRefused(f"no key named {name!r}")
    record = _record(row)
    if record.revoked_at is not None:
        return record
    now = dt.datetime.now(dt.UTC)
    connection.execute(update(TABLE).where(TABLE.c.name == name).values(revoked_at=now))
    return KeyRecord(record.name, record.role, record.created_at, now)


def find_key(connection: Connection, *, key: str) -> KeyRecord | None:
    """The key's record, revoked or not; None for a key never made."""
    row = connection.execute(select(*COLUMNS).where(TABLE.c.key_hash == key_hash(key))).first()
    return None if row is None else _record(row)
