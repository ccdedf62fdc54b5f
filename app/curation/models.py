"""The write side's tables: the audit of every change, and the proposals awaiting review."""

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, Index, Integer
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel


class Change(SQLModel, table=True):
    """One accepted change of a claim or a source, appended and never edited: who made it
    (the name of the key, or the command), when, and the stored value before and after
    (None: absent). Read in `seq` order, the changes rebuild the knowledge base."""

    seq: int | None = SQLField(
        default=None,
        sa_column=Column(
            BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
        ),
    )
    at: dt.datetime = SQLField(sa_column=Column(DateTime(timezone=True), nullable=False))
    actor: str = SQLField(max_length=200)
    kind: str = SQLField(max_length=20, description="A claim's kind, or `source`.")
    entity_id: str = SQLField(max_length=200)
    source_id: str = SQLField(max_length=200)
    before: dict[str, Any] | None = SQLField(default=None, sa_column=Column(JSON))
    after: dict[str, Any] | None = SQLField(default=None, sa_column=Column(JSON))

    __table_args__ = (Index("ix_change_at", "at"),)


class ProposalStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Proposal(SQLModel, table=True):
    """A contributor's write, checked and stored until a reviewer accepts or rejects it."""

    id: int | None = SQLField(
        default=None,
        sa_column=Column(
            BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
        ),
    )
    status: str = SQLField(max_length=10, index=True)
    action: str = SQLField(max_length=20)
    summary: str
    payload: dict[str, Any] = SQLField(sa_column=Column(JSON, nullable=False))
    author: str = SQLField(max_length=200)
    created_at: dt.datetime = SQLField(sa_column=Column(DateTime(timezone=True), nullable=False))
    reviewer: str | None = SQLField(default=None, max_length=200)
    decided_at: dt.datetime | None = SQLField(
        default=None, sa_column=Column(DateTime(timezone=True))
    )
    reason: str | None = None
