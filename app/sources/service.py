"""Sources and citations: queries."""

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Connection, select

from app.schemas import CitationPublic
from app.sources.models import Citation, SubjectType

citation = Citation.__table__  # type: ignore[attr-defined]


def citations_of(
    connection: Connection, subject: SubjectType, ids: Iterable[str]
) -> dict[str, list[CitationPublic]]:
    """The citations of each of `ids`, in the order the seed gives them."""
    found: dict[str, list[CitationPublic]] = defaultdict(list)
    ids = list(ids)
    if not ids:
        return found
    rows = connection.execute(
        select(citation.c.subject_id, citation.c.source_id, citation.c.excerpt)
        .where(citation.c.subject_type == subject.value, citation.c.subject_id.in_(ids))
        .order_by(citation.c.subject_id, citation.c.ordinal)
    )
    for subject_id, source_id, excerpt in rows:
        found[subject_id].append(CitationPublic(source=source_id, excerpt=excerpt))
    return found
