"""API keys: a name, a role, and the SHA-256 of the key (the key itself is never stored)."""

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, Field
from sqlalchemy import CheckConstraint
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel


class Role(StrEnum):
    """What a key may do, each role allowed what the ones before it are: a contributor
    proposes, a reviewer accepts and writes directly, an admin does everything."""

    CONTRIBUTOR = "contributor"
    REVIEWER = "reviewer"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    # Ordered by rank, not as strings ("admin" < "contributor" alphabetically).
    def __lt__(self, other: str) -> bool:
        return self.rank < Role(other).rank

    def __le__(self, other: str) -> bool:
        return self.rank <= Role(other).rank

    def __gt__(self, other: str) -> bool:
        return self.rank > Role(other).rank

    def __ge__(self, other: str) -> bool:
        return self.rank >= Role(other).rank


class ApiKey(SQLModel, table=True):
    """A key made by `entente keys create`. A revoked key keeps its row, and its name is
    never given to another key: what a name did stays that name's."""

    __tablename__ = "api_key"
    __table_args__ = (CheckConstraint("role IN ('contributor', 'reviewer', 'admin')", name="role"),)

    id: int | None = SQLField(default=None, primary_key=True)
    name: str = SQLField(max_length=100, unique=True)
    role: str = SQLField(max_length=20)
    key_hash: str = SQLField(max_length=64, unique=True, description="SHA-256 of the key, hex.")
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None


class Principal(BaseModel):
    """Who a request's key belongs to."""

    name: str = Field(description="The key's name.", examples=["alice"])
    role: Role = Field(description="What the key may do.", examples=[Role.REVIEWER])
