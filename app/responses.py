"""Answers of the API: conditional GETs, JSON written by the response models, and lists
streamed as CSV or NDJSON.

Every body is the serialization of a response model: a detail is `model_dump_json()`; a
page is its items, each written by its model (or stored as its model wrote it, the event
documents), inside the envelope the page model writes (`page_body`).
"""

import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from functools import lru_cache, partial
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, select
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import get_route_path

from app.config import get_settings
from app.db import Database
from app.formats import (
    DETAIL_FORMATS,
    LIST_FORMATS,
    MEDIA_TYPES,
    csv_header,
    csv_rows,
    negotiate,
)
from app.http_cache import etag_matches, make_etag
from app.pagination import (
    FacetedPage,
    Format,
    Listing,
    ListQuery,
    Page,
    Slice,
    decode_cursor,
    encode_cursor,
)
from app.revision import KnowledgeBaseRevision, revision_text

STREAM_BATCH = 500
revision = KnowledgeBaseRevision.__table__  # type: ignore[attr-defined]
_REVISION = select(revision.c.revision, revision.c.changed_at).where(revision.c.id == 1)


class _NotModified(Exception):
    def __init__(self, etag: str) -> None:
        super().__init__(etag)
        self.etag = etag


# Every answer of the API depends on `Accept`: a representation it chose, or a 406.
VARY = {"Vary": "Accept"}


def _any_tag(request: Request) -> bool:
    """`If-None-Match: *`: matches when the resource exists (RFC 9110 13.1.2)."""
    return request.headers.get("if-none-match", "").strip() == "*"


def _current_etag(connection: Connection, request: Request, representation: str) -> str:
    """The ETag of the answer to `request` at the knowledge base's current revision; raises
    `_NotModified` when the client holds it (it need not be built). `If-None-Match: *` is
    the caller's to check, once it knows the resource exists (`_exists`)."""
    row = connection.execute(_REVISION).first()
    etag = make_etag(revision_text(*row) if row else "0", request, representation)
    if_none_match = request.headers.get("if-none-match")
    if if_none_match and not _any_tag(request) and etag_matches(if_none_match, etag):
        raise _NotModified(etag)
    return etag


def _exists(request: Request, etag: str) -> None:
    """Called once the resource is found: `If-None-Match: *` then gives a 304."""
    if _any_tag(request):
        raise _NotModified(etag)


def _not_modified(etag: str) -> Response:
    return Response(status_code=304, headers={"ETag": etag, **VARY})


def item_json(item: BaseModel | str) -> str:
    """An item as its model writes it (a stored document was written so already)."""
    return item if isinstance(item, str) else item.model_dump_json()


def page_body(envelope: Page[Any], items: list[BaseModel | str]) -> bytes:
    """The page `envelope` (its `items` empty) as its model writes it, with `items` inside:
    the same bytes as the model writing the whole page (`tests/api/test_contract.py`)."""
    written = envelope.model_dump_json()
    head = '{"items":['
    assert written.startswith(head + "]"), "a page model's first field is `items`"
    return (head + ",".join(item_json(item) for item in items) + written[len(head) :]).encode()


class ComputedCache:
    """Bodies of costly answers by ETag, least recently used dropped first.

    An ETag is a digest of the code, the knowledge base's revision and the request, so an
    entry is exactly the answer the request would compute again until a change of the
    knowledge base changes the revision (and with it every ETag): nothing needs invalidating.
    """

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self._bodies: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            body = self._bodies.get(key)
            if body is not None:
                self._bodies.move_to_end(key)
            return body

    def put(self, key: str, body: bytes) -> None:
        if self.entries == 0:
            return
        with self._lock:
            self._bodies[key] = body
            self._bodies.move_to_end(key)
            while len(self._bodies) > self.entries:
                self._bodies.popitem(last=False)


@lru_cache
def computed_cache() -> ComputedCache:
    return ComputedCache(get_settings().computed_cache_entries)


async def detail_response(
    request: Request,
    db: Database,
    fetch: Callable[[Connection], BaseModel],
    *,
    costly: bool = False,
) -> Response:
    """`fetch` returns the resource or raises `NotFound`; a current ETag gives a 304.

    A `costly` answer (an aggregate over many records) is kept in `computed_cache()` until
    the knowledge base changes.
    """

    negotiate(request, None, DETAIL_FORMATS)

    def work(connection: Connection) -> tuple[str, bytes]:
        etag = _current_etag(connection, request, "json")
        # Keyed by the database too: tests (not a deployment) serve several from one process.
        key = f"{connection.engine.url}|{etag}"
        body = computed_cache().get(key) if costly else None
        if body is None:
            body = fetch(connection).model_dump_json().encode()
            if costly:
                computed_cache().put(key, body)
        _exists(request, etag)  # `fetch` raises `NotFound` otherwise
        return etag, body

    try:
        etag, body = await db.run(work)
    except _NotModified as current:
        return _not_modified(current.etag)
    return Response(body, media_type="application/json", headers={"ETag": etag, **VARY})


def _next_link(request: Request, cursor: str) -> str:
    """The request's own query string with the next `cursor` in place of any earlier one
    (the other parameters kept as the client encoded them)."""
    query = request.scope["query_string"].decode("latin-1")
    params = [p for p in query.split("&") if p and p.split("=", 1)[0] != "cursor"]
    params.append(f"cursor={cursor}")  # URL-safe base64: nothing to escape
    path = request.scope.get("root_path", "") + get_route_path(request.scope)
    return f'<{path}?{"&".join(params)}>; rel="next"'


async def list_response(
    request: Request, db: Database, query: ListQuery, listing: Listing[Any, Any]
) -> Response:
    """A page of a list as JSON, or the list streamed as CSV or NDJSON."""
    sort = listing.sort_of(query)
    after = decode_cursor(query.cursor, sort) if query.cursor else None
    fmt = negotiate(request, query.format, LIST_FORMATS)
    if fmt is not Format.JSON:
        return await _stream(request, db, query, listing, fmt, after)
    facet_names = [str(name) for name in getattr(query, "facet", [])]

    def work(connection: Connection) -> tuple[str, bytes, str | None]:
        etag = _current_etag(connection, request, fmt.value)
        items, next_key = listing.page(connection, query, after, query.limit)
        _exists(request, etag)  # a list of an unknown pair raises `NotFound`
        next_cursor = encode_cursor(sort, next_key) if next_key is not None else None
        total = listing.count(connection, query) if query.count else None
        envelope: Page[Any]
        if listing.facets:
            facets = listing.facet_counts(connection, query, facet_names) if facet_names else None
            envelope = FacetedPage(items=[], next_cursor=next_cursor, total=total, facets=facets)
        else:
            envelope = Page(items=[], next_cursor=next_cursor, total=total)
        return etag, page_body(envelope, items), next_cursor

    try:
        etag, body, next_cursor = await db.run(work)
    except _NotModified as current:
        return _not_modified(current.etag)
    headers = {"ETag": etag, **VARY}
    if next_cursor:
        headers["Link"] = _next_link(request, next_cursor)
    return Response(body, media_type="application/json", headers=headers)


def _next_page(
    listing: Listing[Any, Any],
    query: ListQuery,
    after: list[Any],
    limit: int,
    connection: Connection,
) -> Slice[Any]:
    return listing.page(connection, query, after, limit)


async def _stream(
    request: Request,
    db: Database,
    query: ListQuery,
    listing: Listing[Any, Any],
    fmt: Format,
    after: list[Any] | None,
) -> Response:
    """Streams page after page, each read in its own short database call (no connection is
    held between them). With an explicit `limit` the stream is one page, and `Link` points
    at the next."""
    one_page = "limit" in query.model_fields_set
    batch = query.limit if one_page else STREAM_BATCH

    def first(connection: Connection) -> tuple[str, Slice[Any]]:
        etag = _current_etag(connection, request, fmt.value)
        page = listing.page(connection, query, after, batch)
        _exists(request, etag)
        return etag, page

    try:
        etag, (items, next_key) = await db.run(first)
    except _NotModified as current:
        return _not_modified(current.etag)

    def render(items: list[Any]) -> str:
        if fmt is Format.NDJSON:
            return "".join(item_json(item) + "\n" for item in items)
        return csv_rows(
            listing.item,
            [
                item if isinstance(item, BaseModel) else listing.item.model_validate_json(item)
                for item in items
            ],
        )

    async def body() -> AsyncIterator[str]:
        nonlocal items, next_key
        if fmt is Format.CSV:
            yield csv_header(listing.item)
        yield render(items)
        while next_key is not None and not one_page:
            items, next_key = await db.run(partial(_next_page, listing, query, next_key, batch))
            yield render(items)

    headers = {"ETag": etag, **VARY}
    if fmt is Format.CSV:
        # A list route's last segment names the resource (`events`, `timeline`...).
        name = get_route_path(request.scope).rstrip("/").rsplit("/", 1)[-1]
        headers["Content-Disposition"] = f"attachment; filename={name}.csv"
    if one_page and next_key is not None:
        headers["Link"] = _next_link(request, encode_cursor(listing.sort_of(query), next_key))
    return StreamingResponse(body(), media_type=MEDIA_TYPES[fmt], headers=headers)
