"""`known_at`: the knowledge base as it stood at a moment, rebuilt from the change feed.

The audit (`change`) holds every claim and source as it was after each change. The state at
a moment is the last change of each before it; a snapshot is a fresh SQLite database
migrated to the code's schema, given those sources and claims, and merged by the loader's
own code (`ClaimPass.merge`), derived tables included. Reads then run on it by the one read
path. A snapshot is named by the last change it holds, so every moment between two changes
shares it, and its revision is that change's number: ETags and cached answers stay true.
"""

import datetime as dt
import tempfile
import threading
import uuid
from collections import OrderedDict
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Date, func, select, update

from app import migrations
from app.claims.models import Claim
from app.curation.models import Change
from app.db import Database, insert_rows, make_engine
from app.revision import KnowledgeBaseRevision
from app.seeding.claims import ClaimPass
from app.seeding.derived import refresh_derived
from app.seeding.loader import country_rows
from app.seeding.write import Writer
from app.sources.models import Source
from app.values import as_utc

change = Change.__table__  # type: ignore[attr-defined]
claim = Claim.__table__  # type: ignore[attr-defined]
source = Source.__table__  # type: ignore[attr-defined]
revision = KnowledgeBaseRevision.__table__  # type: ignore[attr-defined]
# Snapshots kept (each a SQLite file); the least recently used goes first.
KEPT = 4


def last_change_at(connection: Connection, moment: dt.datetime) -> int:
    """The number of the last change made at or before `moment` (0: none)."""
    found = connection.execute(select(func.max(change.c.seq)).where(change.c.at <= moment))
    return int(found.scalar() or 0)


def _dated(table: Any, row: dict[str, Any]) -> dict[str, Any]:
    """A row as the audit kept it (dates as text), as its table takes it."""
    return {
        name: dt.date.fromisoformat(value)
        if isinstance(value, str) and isinstance(table.c[name].type, Date)
        else value
        for name, value in row.items()
    }


def _replay(live: Connection, snapshot: Connection, upto: int) -> None:
    """Writes into `snapshot` the sources and claims as they stood after change `upto`, and
    the feed up to it."""
    latest: dict[tuple[str, str, str], dict[str, Any] | None] = {}
    feed = []
    for row in live.execute(select(change).where(change.c.seq <= upto).order_by(change.c.seq)):
        latest[(row.kind, row.entity_id, row.source_id)] = row.after
        feed.append(dict(row._mapping))
    sources = [
        _dated(source, after)
        for (kind, _, _), after in latest.items()
        if kind == "source" and after is not None
    ]
    claims = [
        {"kind": kind, "entity_id": entity_id, "source_id": source_id, **after}
        for (kind, entity_id, source_id), after in latest.items()
        if kind != "source" and after is not None
    ]
    for table, rows in ((source, sources), (claim, claims), (change, feed)):
        insert_rows(snapshot, table, rows)
    writer = Writer(snapshot, actor="known_at")
    ClaimPass(snapshot, writer).merge(
        {(c["kind"], c["entity_id"]) for c in claims if c["kind"] != "country"}
    )
    writer.write(country_rows(snapshot))
    writer.finish()
    refresh_derived(snapshot, None)
    at = as_utc(feed[-1]["at"]) if feed else dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    snapshot.execute(
        update(revision).where(revision.c.id == 1).values(revision=upto, changed_at=at)
    )


class Snapshots:
    """The snapshots built so far, by the database and the last change each holds (and that
    change's time: a database made again from scratch numbers its changes from 1 again)."""

    def __init__(self) -> None:
        self._kept: OrderedDict[tuple[str, int, str], tuple[Database, Path]] = OrderedDict()
        self._lock = threading.Lock()
        self._folder = tempfile.TemporaryDirectory(prefix="entente-known-at-")

    def at(self, live: Database, upto: int) -> Database:
        """The knowledge base after change `upto`, built on first use (one build at a time:
        a second request for it waits and shares it)."""
        with live.engine.connect() as reading:
            made = reading.execute(select(change.c.at).where(change.c.seq == upto)).scalar()
        key = (live.engine.url.render_as_string(), upto, str(made))
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
                return found[0]
            path = Path(self._folder.name) / f"snapshot-{len(self._kept)}-{uuid.uuid4().hex}.db"
            url = f"sqlite:///{path}"
            migrations.upgrade(url)
            engine = make_engine(url)
            with live.engine.connect() as reading, engine.begin() as writing:
                writing.exec_driver_sql("PRAGMA foreign_keys = OFF")
                _replay(reading, writing, upto)
            built = Database(engine, threads=1, budget_seconds=live.budget_seconds)
            self._kept[key] = (built, path)
            if len(self._kept) > KEPT:
                _, (dropped, dropped_path) = self._kept.popitem(last=False)
                dropped.close()
                for file in dropped_path.parent.glob(dropped_path.name + "*"):
                    file.unlink(missing_ok=True)  # the database and its journal files
            return built


SNAPSHOTS = Snapshots()
