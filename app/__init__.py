"""Entente: a knowledge base of diplomatic relations, served as a typed REST API."""

from sqlalchemy import ForeignKey
from sqlmodel import SQLModel

# Set before any table is declared (every model module imports this package first), so that
# Alembic names constraints the same way on SQLite and PostgreSQL and batch migrations can
# find them again by name.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def references(target: str) -> list[ForeignKey]:
    """The `sa_column_args` of a column that refers to `target` (`"table.column"`): a
    foreign key checked when the transaction commits, so that a load or a bundle may name a
    record before the one that defines it."""
    return [ForeignKey(target, deferrable=True, initially="DEFERRED")]
