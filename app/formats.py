"""CSV and NDJSON renderings of list items, and content negotiation."""

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel
from starlette.requests import Request

from app.pagination import Format

MEDIA_TYPES = {
    Format.JSON: "application/json",
    Format.CSV: "text/csv; charset=utf-8",
    Format.NDJSON: "application/x-ndjson",
}
_ACCEPTED = {
    "application/json": Format.JSON,
    "text/csv": Format.CSV,
    "application/x-ndjson": Format.NDJSON,
    "application/ndjson": Format.NDJSON,
}


def negotiate(request: Request, asked: Format | None) -> Format:
    """`format=` wins; else the `Accept` media type of highest q that a list can give."""
    if asked is not None:
        return asked
    best, best_q = Format.JSON, 0.0
    for part in request.headers.get("accept", "").split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        chosen = _ACCEPTED.get(media.lower())
        # Strictly greater: of equal q, the first listed wins.
        if chosen is not None and q > best_q:
            best, best_q = chosen, q
    return best


def csv_header(model: type[BaseModel]) -> str:
    return _csv_line(list(model.model_fields))


def csv_rows(items: Iterable[BaseModel]) -> str:
    return "".join(
        _csv_line([_cell(v) for v in item.model_dump(mode="json").values()]) for item in items
    )


def ndjson_rows(items: Iterable[BaseModel]) -> str:
    return "".join(item.model_dump_json() + "\n" for item in items)


def _cell(value: Any) -> Any:
    """Nested values (lists, objects) become JSON in their cell; null becomes empty."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def _csv_line(cells: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()
