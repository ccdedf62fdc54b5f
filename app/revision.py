"""The knowledge base's revision: bumped by every load that changes a row.

ETags derive from it, so a client's cached answer stays valid until the data changes, and a
conditional request is answered without building its answer (the events list reads its page
and the revision in one statement, then answers 304 without sending the page).
"""

import datetime as dt
from typing import Any

from sqlalchemy import Connection, update
from sqlmodel import Field, SQLModel


class KnowledgeBaseRevision(SQLModel, table=True):
    __tablename__ = "kb_revision"

    id: int = Field(primary_key=True)  # a single row, id 1
    revision: int
    changed_at: dt.datetime


# The revision as a hot path reads it, through the driver (`app.rawsql`), with the time of
# the load that made it: a database made again from scratch counts revisions from 0 again.
REVISION_SQL = "SELECT revision, changed_at FROM kb_revision WHERE id = 1"
# The same two values as columns of a statement that reads something else too, so that one
# statement (one snapshot) gives a page and the revision it was read at.
REVISION_COLUMNS = (
    "(SELECT revision FROM kb_revision WHERE id = 1), "
    "(SELECT changed_at FROM kb_revision WHERE id = 1)"
)


def revision_text(revision: Any, changed_at: Any) -> str:
    """The revision as ETags use it ("0" for a database with no revision row)."""
    return "0" if revision is None else f"{revision}@{changed_at}"


def bump_revision(connection: Connection) -> int:
    """Adds one to the revision, inside the caller's transaction (the migration adds the row)."""
    table = KnowledgeBaseRevision.__table__  # type: ignore[attr-defined]
    now = dt.datetime.now(dt.UTC)
    return int(
        connection.execute(
            update(table)
            .where(table.c.id == 1)
            .values(revision=table.c.revision + 1, changed_at=now)
            .returning(table.c.revision)
        ).scalar_one()
    )
