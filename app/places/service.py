"""Places: queries. Filtering, ordering and paging happen in SQL."""

from typing import Any

from sqlalchemy import Connection, Row, Select, select

from app import refs
from app.events.models import Event
from app.pagination import Keyset, RowListing
from app.places.models import Place
from app.places.schemas import PlaceDetail, PlacePublic, PlaceQuery, PlaceSort
from app.queries import one_or_not_found
from app.sources.models import SubjectType
from app.sources.service import citations_of

place = Place.__table__  # type: ignore[attr-defined]
event = Event.__table__  # type: ignore[attr-defined]

KEYSETS = {PlaceSort.NAME: Keyset((place.c.name, place.c.id))}


def filtered(query: PlaceQuery) -> Select[Any]:
    """Every place matching the query's filters, unordered."""
    statement_ = select(place)
    if query.country:
        statement_ = statement_.where(place.c.country == query.country)
    if query.kind:
        statement_ = statement_.where(place.c.kind == query.kind)
    return statement_


def build_places(connection: Connection, rows: list[Row[Any]]) -> list[PlacePublic]:
    citations = citations_of(connection, SubjectType.PLACE, [row.id for row in rows])
    return [
        PlacePublic(
            id=row.id,
            name=row.name,
            aliases=row.aliases,
            country=row.country,
            kind=row.kind,
            lat=row.lat,
            lon=row.lon,
            wikidata=row.wikidata,
            notes=row.notes,
            citations=citations.get(row.id, []),
        )
        for row in rows
    ]


def get_place(connection: Connection, *, place_id: str) -> PlaceDetail:
    row = one_or_not_found(
        connection, select(place).where(place.c.id == place_id), "place", place_id
    )
    (public,) = build_places(connection, [row])
    events = refs.event_refs(
        connection,
        select(event).where(event.c.place_id == place_id).order_by(event.c.start_first, event.c.id),
    )
    return PlaceDetail(**dict(public), events=events)


PLACES = RowListing(item=PlacePublic, filtered=filtered, keysets=KEYSETS, build=build_places)
