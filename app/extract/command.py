"""`entente extract ARTICLE --published DATE`: the draft bundle of an article, written out."""

import datetime as dt
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from app.extract.known import read_known, slug
from app.extract.reader import ExtractError, read_article
from app.seeding.source_text import allowed_folders


def parse_published(value: str) -> tuple[dt.date, str]:
    """The date relative dates are resolved against (the first day of a month or year given
    alone), and the date as given."""
    for form, size in (("%Y-%m-%d", 10), ("%Y-%m", 7), ("%Y", 4)):
        try:
            return dt.datetime.strptime(value, form).date(), value[:size]
        except ValueError:
            continue
    raise ExtractError(f"--published: '{value}' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)")


def run(
    article: Path, published: str, source_id: str | None, output: Path | None, engine: Engine | None
) -> str:
    """The draft's YAML when `output` is None, else a line saying where it was written.
    ExtractError for bad input; nothing is written then."""
    from app.extract.draft import dump, extract

    day, given = parse_published(published)
    text = read_article(article)
    source: dict[str, Any] = {
        "id": source_id or slug(article.stem),
        "title": _title(text),
        "published": given,
        "language": "en",
    }
    folder = output.resolve().parent if output is not None else None
    if folder is not None and any(
        article.resolve().is_relative_to(root.resolve()) for root in allowed_folders(folder)
    ):
        source["text_file"] = os.path.relpath(article.resolve(), folder)
    else:  # a bundle may name only a text file beside it (app/seeding/source_text.py)
        source["text"] = text
    bundle = extract(text, day, source, read_known(engine))
    draft = dump(bundle)
    if output is None:
        return draft
    output.write_text(draft, encoding="utf-8")
    counts = ", ".join(f"{len(v)} {k}" for k, v in bundle.items() if isinstance(v, list))
    return f"wrote {output}: {counts}\n"


def _title(text: str) -> str:
    first = next(line.strip() for line in text.splitlines() if line.strip())
    return first[:200]
