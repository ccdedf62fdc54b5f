"""Building responses: conditional GETs, JSON pages, streamed CSV and NDJSON."""

import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from functools import lru_cache, partial
from typing import Any, TypeVar

import orjson
from pydantic import BaseModel, TypeAdapter
from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from app import rawsql
from app.config import get_settings
from app.db import inline_capable, run_in_connection, run_inline
from app.facets import FacetCount, facet_counts
from app.formats import MEDIA_TYPES, csv_header, csv_rows, ndjson_rows, negotiate
from app.http_cache import etag_matches, make_etag
from app.pagination import (
    FacetedPage,
    Format,
    Listing,
    ListQuery,
    Page,
    decode_cursor,
    encode_cursor,
)
from app.revision import REVISION_SQL, revision_text

T = TypeVar("T", bound=BaseModel)
# fetch(connection, after=key values or None, limit=n) -> (items, key of last item or None)
Fetch = Callable[..., tuple[list[T], list[Any] | None]]


STREAM_BATCH = 500
LIST_CONTENT = {
    "text/csv": {"schema": {"type": "string"}, "example": "id,title\r\n"},
    "application/x-ndjson": {"schema": {"type": "string"}, "example": '{"id": "..."}\n'},
}


FACETS_JSON = TypeAdapter(dict[str, list[FacetCount]] | None)


class _NotModified(Exception):
    pass


def _check(connection: Connection, request: Request, representation: str) -> str:
    rawsql.begin_read(connection)
    rows = rawsql.fetch(connection, "revision", lambda: REVISION_SQL, {})
    revision = revision_text(*rows[0]) if rows else "0"
    etag = make_etag(revision, request, representation)
    if etag_matches(request.headers.get("if-none-match"), etag):
        raise _NotModified(etag)
    return etag


def _not_modified(etag: str) -> Response:
    return Response(status_code=304, headers={"ETag": etag})


class ComputedCache:
    """Bodies of costly answers by ETag, least recently used dropped first.

    An ETag is a digest of the code, the knowledge base's revision and the request, so an
    entry is exactly the answer the request would compute again, until a load changes the
    revision (and with it every ETag): nothing needs invalidating. Shared by the database
    threads of a process, hence the lock.
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
    request: Request, fetch: Callable[[Connection], BaseModel], *, costly: bool = False
) -> Response:
    """`fetch` returns the resource or raises `NotFound`; a current ETag gives a 304.

    A `costly` answer (an aggregate over many records) is kept in `computed_cache()` until
    the next load, and the requests that follow are answered from it.
    """

    def kept(connection: Connection) -> tuple[str, str, bytes | None]:
        etag = _check(connection, request, "json")
        # Keyed by the database too: tests (not a deployment) serve several from one process.
        key = f"{connection.engine.url}|{etag}"
        return etag, key, computed_cache().get(key) if costly else None

    def work(connection: Connection) -> tuple[str, bytes]:
        etag, key, body = kept(connection)
        if body is None:
            body = fetch(connection).model_dump_json().encode()
            if costly:
                computed_cache().put(key, body)
        return etag, body

    try:
        body = None
        if costly and inline_capable():
            # A kept answer is found by the revision alone: no need of a database thread.
            etag, _, body = run_inline(kept)
        if body is None:
            etag, body = await run_in_connection(work)
    except _NotModified as current:
        return _not_modified(str(current))
    return Response(body, media_type="application/json", headers={"ETag": etag})


def _next_link(request: Request, cursor: str) -> str:
    """The request's own query string with the next `cursor` in place of any earlier one
    (the other parameters kept as the client encoded them)."""
    query = request.scope["query_string"].decode("latin-1")
    params = [p for p in query.split("&") if p and p.split("=", 1)[0] != "cursor"]
    params.append(f"cursor={cursor}")  # URL-safe base64: nothing to escape
    return f'<{request.scope["path"]}?{"&".join(params)}>; rel="next"'


async def list_response(
    request: Request, query: ListQuery, *, listing: Listing[Any, T], item_type: type[T]
) -> Response:
    """A page of a list as JSON, or the list streamed as CSV or NDJSON."""
    sort = listing.sort_of(query)
    fetch: Fetch[T] = partial(listing.page, query=query)
    fmt = negotiate(request, query.format)
    after = decode_cursor(query.cursor, sort) if query.cursor else None
    if fmt is not Format.JSON:
        return await _stream(request, query, fmt, sort, item_type, fetch, after)

    facet_names = [str(name) for name in getattr(query, "facet", [])]

    def work(connection: Connection) -> tuple[str, bytes, str | None]:
        if query.count or facet_names:
            rawsql.begin_read(connection)  # the count and facets see the page's snapshot
        revised = listing.page_at_revision(connection, query=query, after=after, limit=query.limit)
        if revised is not None:
            etag = make_etag(revised.revision, request, fmt.value)
            if etag_matches(request.headers.get("if-none-match"), etag):
                raise _NotModified(etag)
            joined: bytes | None = revised.items
            last_key = revised.last_key
        else:
            etag = _check(connection, request, fmt.value)
            documents = listing.page_documents(
                connection, query=query, after=after, limit=query.limit
            )
            if documents is not None:
                bodies, last_key = documents
                joined = ",".join(bodies).encode()
            else:
                joined = None
                items, last_key = fetch(connection, after=after, limit=query.limit)
        next_cursor = encode_cursor(sort, last_key) if last_key is not None else None
        total = listing.count(connection, query=query) if query.count else None
        facets = (
            facet_counts(
                connection, listing.matching(connection, query), listing.facets, facet_names
            )
            if facet_names
            else None
        )
        if joined is None:
            page_model = FacetedPage[item_type] if listing.facets else Page[item_type]  # type: ignore[valid-type]
            extra = {"facets": facets} if facets is not None else {}
            page = page_model(items=items, next_cursor=next_cursor, total=total, **extra)
            return etag, page.model_dump_json().encode(), next_cursor
        # The page's shape (`Page` or `FacetedPage`, fields in order) around the ready
        # documents; a test compares it with what the model writes.
        tail = [b'],"next_cursor":', orjson.dumps(next_cursor), b',"total":', orjson.dumps(total)]
        if listing.facets:
            tail += [b',"facets":', FACETS_JSON.dump_json(facets)]
        return etag, b"".join([b'{"items":[', joined, *tail, b"}"]), next_cursor

    # A page whose every row read is a row returned runs on the event loop (see `run_inline`).
    inline = not facet_names and not query.count and inline_capable() and listing.bounded(query)
    try:
        if inline:
            etag, body, next_cursor = run_inline(work)
        else:
            etag, body, next_cursor = await run_in_connection(work)
    except _NotModified as current:
        return _not_modified(str(current))
    headers = {"ETag": etag}
    if next_cursor:
        headers["Link"] = _next_link(request, next_cursor)
    return Response(body, media_type="application/json", headers=headers)


async def _stream(
    request: Request,
    query: ListQuery,
    fmt: Format,
    sort: str,
    item_type: type[T],
    fetch: Fetch[T],
    after: list[Any] | None,
) -> Response:
    """Streams page after page, each fetched in its own short thread call (no held connection).

    With an explicit `limit` the stream is one page, and `Link` points at the next.
    """
    one_page = "limit" in query.model_fields_set
    batch = query.limit if one_page else STREAM_BATCH

    def first(connection: Connection) -> tuple[str, list[T], list[Any] | None]:
        etag = _check(connection, request, fmt.value)
        return (etag, *fetch(connection, after=after, limit=batch))

    try:
        etag, items, last_key = await run_in_connection(first)
    except _NotModified as current:
        return _not_modified(str(current))
    render = csv_rows if fmt is Format.CSV else ndjson_rows

    async def body() -> AsyncIterator[str]:
        nonlocal items, last_key
        if fmt is Format.CSV:
            yield csv_header(item_type)
        yield render(items)
        while last_key is not None and not one_page:
            items, last_key = await run_in_connection(fetch, after=last_key, limit=batch)
            yield render(items)

    headers = {"ETag": etag}
    if one_page and last_key is not None:
        headers["Link"] = _next_link(request, encode_cursor(sort, last_key))
    return StreamingResponse(body(), media_type=MEDIA_TYPES[fmt], headers=headers)
