"""The checks of every record: unique ids, references, citation excerpts.

A reference or a cited source that is not known yet when its record is read may be defined
later in the load, or already stored: it is checked once every record has been read
(`Checker.finish`), so the order of the bundles never matters.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel
from sqlalchemy import Connection, bindparam, text

from app.countries.models import CountryCreate
from app.seeding.bundle import SECTION_KINDS
from app.seeding.errors import SeedError
from app.seeding.parse import RawRecord
from app.seeding.yaml_lines import Loc
from app.sources.models import CitationCreate, SourceCreate
from app.values import Ref

KEYS_A_QUERY = 500


def fold_whitespace(text: str) -> str:
    return " ".join(text.split())


def _may_hold_models(annotation: Any) -> bool:
    """Whether a field so annotated can hold a pydantic model (itself or in a list)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_may_hold_models(arg) for arg in get_args(annotation))


@cache
def _model_fields(model_type: type[BaseModel]) -> tuple[str, ...]:
    """The fields of `model_type` that can hold models: `walk` looks only at those."""
    return tuple(
        name for name, info in model_type.model_fields.items() if _may_hold_models(info.annotation)
    )


@cache
def _ref_fields(model_type: type[BaseModel]) -> tuple[tuple[str, str], ...]:
    """`(field, kind)` of the fields of `model_type` marked with `Ref(kind)`, in order."""
    found = []
    for name, info in model_type.model_fields.items():
        ref = next((meta for meta in info.metadata if isinstance(meta, Ref)), None)
        if ref is not None:
            found.append((name, ref.kind))
    return tuple(found)


def walk(model: BaseModel, loc: Loc) -> Iterator[tuple[Loc, BaseModel]]:
    """Every pydantic model inside `model` (itself included), with its path."""
    yield loc, model
    for name in _model_fields(type(model)):
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            yield from walk(value, (*loc, name))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from walk(item, (*loc, name, index))


def references(model: BaseModel, loc: Loc) -> Iterator[tuple[Loc, str, str]]:
    """`(path, kind, id)` for every field of `model` marked with `Ref(kind)`."""
    for name, kind in _ref_fields(type(model)):
        value = getattr(model, name)
        if value is None:
            continue
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield (*loc, name, index), kind, item
        else:
            yield (*loc, name), kind, value


def read_source_text(folder: Path, record: SourceCreate) -> tuple[str | None, str | None]:
    """A source's text, given inline or in its `text_file` (relative to the bundle's
    `folder`): `(text, None)`, or `(None, why)` when the file cannot be read as UTF-8."""
    if record.text is not None:
        return record.text, None
    assert record.text_file is not None
    text_path = folder / record.text_file
    try:
        return text_path.read_text(encoding="utf-8"), None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        return None, f"cannot read {text_path}: {reason}"


@dataclass(slots=True)
class _Waiting:
    """A reference, or a citation, that waits for every record to be read."""

    record: RawRecord
    loc: Loc
    kind: str  # the kind referred to; "source" for a citation
    id: str
    excerpt: str = ""


@dataclass
class Checker:
    """Checks records as they are read, against the load's own records and, through
    `connection` (None: against the bundles alone), those already stored."""

    connection: Connection | None
    defined: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)
    waiting: list[_Waiting] = field(default_factory=list)
    countries: dict[str, tuple[str | None, str]] = field(default_factory=dict)
    _texts: dict[str, str | None] = field(default_factory=dict)  # source id -> folded text
    # (source id, excerpt) -> whether it occurs: a large load cites the same sentences often.
    _found: dict[tuple[str, str], bool] = field(default_factory=dict)

    def add_source(self, source_id: str, source_text: str) -> None:
        self._texts[source_id] = fold_whitespace(source_text)

    def _text(self, source_id: str) -> str | None:
        if source_id not in self._texts and self.connection is not None:
            stored = self.connection.execute(
                text("SELECT text FROM source WHERE id = :id"), {"id": source_id}
            ).scalar_one_or_none()
            if stored is not None:
                self._texts[source_id] = fold_whitespace(stored)
        return self._texts.get(source_id)

    def check(self, raw: RawRecord, model: BaseModel) -> list[SeedError]:
        """The errors of one validated record that can be told now (the rest: `finish`)."""
        if isinstance(model, CountryCreate):
            return self._country(raw, model)
        errors: list[SeedError] = []
        key = (SECTION_KINDS[raw.section], model.id)  # type: ignore[attr-defined]
        first = self.defined.setdefault(key, (raw.file.display, raw.line))
        if first != (raw.file.display, raw.line):
            where = f"{first[0]}:{first[1]}"
            message = f"duplicate {key[0]} id '{key[1]}' (first defined at {where})"
            errors.append(raw.error((*raw.loc, "id"), message))
        for loc, part in walk(model, raw.loc):
            errors += self._references(raw, loc, part)
            if isinstance(part, CitationCreate):
                source_id = part.source or raw.default_source
                if source_id is None:
                    message = "no source: name one, or set `default_source` in the bundle"
                    errors.append(raw.error((*loc, "source"), message))
                elif self._text(source_id) is None:
                    self.waiting.append(_Waiting(raw, loc, "source", source_id, part.excerpt))
                else:
                    errors += self._excerpt(raw, loc, source_id, part.excerpt)
        return errors

    def _references(self, raw: RawRecord, loc: Loc, model: BaseModel) -> list[SeedError]:
        errors = []
        seen: set[tuple[Loc, str]] = set()
        for ref_loc, kind, ref_id in references(model, loc):
            field_loc = ref_loc[:-1] if isinstance(ref_loc[-1], int) else ref_loc
            if (field_loc, ref_id) in seen:
                errors.append(raw.error(ref_loc, f"{kind} '{ref_id}' is listed twice"))
            seen.add((field_loc, ref_id))
            if kind != "source" and (kind, ref_id) not in self.defined:
                self.waiting.append(_Waiting(raw, ref_loc, kind, ref_id))
        return errors

    def _excerpt(self, raw: RawRecord, loc: Loc, source_id: str, excerpt: str) -> list[SeedError]:
        known = self._found.get((source_id, excerpt))
        if known is None:
            folded = self._text(source_id) or ""
            known = self._found[(source_id, excerpt)] = fold_whitespace(excerpt) in folded
        if known:
            return []
        shown = excerpt if len(excerpt) <= 90 else excerpt[:87] + "..."
        message = f"excerpt not found in source '{source_id}': \"{shown}\""
        return [raw.error((*loc, "excerpt"), message)]

    def _country(self, raw: RawRecord, model: CountryCreate) -> list[SeedError]:
        earlier = self.countries.setdefault(model.code, (model.wikidata, raw.file.display))
        if earlier[0] == model.wikidata:
            return []
        message = f"country {model.code} already has Wikidata id {earlier[0]} in {earlier[1]}"
        return [raw.error((*raw.loc, "wikidata"), message)]

    def finish(self) -> list[SeedError]:
        """The errors of what waited for every record: references to records neither loaded
        nor stored, citations of unknown sources or of words not in them."""
        errors = []
        stored = self._stored({(w.kind, w.id) for w in self.waiting if w.kind != "source"})
        for waiting in self.waiting:
            raw, loc = waiting.record, waiting.loc
            if waiting.kind == "source":
                if self._text(waiting.id) is None:
                    errors.append(raw.error((*loc, "source"), f"unknown source '{waiting.id}'"))
                else:
                    errors += self._excerpt(raw, loc, waiting.id, waiting.excerpt)
            elif (waiting.kind, waiting.id) not in self.defined and (
                waiting.kind,
                waiting.id,
            ) not in stored:
                errors.append(raw.error(loc, f"unknown {waiting.kind} '{waiting.id}'"))
        return errors

    def _stored(self, wanted: set[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of `wanted` (kind, id) the database holds."""
        if self.connection is None:
            return set()
        by_kind: dict[str, list[str]] = defaultdict(list)
        for kind, id_ in wanted:
            if (kind, id_) not in self.defined:
                by_kind[kind].append(id_)
        found: set[tuple[str, str]] = set()
        for kind, ids in by_kind.items():
            ids.sort()
            for start in range(0, len(ids), KEYS_A_QUERY):
                chunk = ids[start : start + KEYS_A_QUERY]
                query = text(f"SELECT id FROM {kind} WHERE id IN :ids").bindparams(
                    bindparam("ids", expanding=True)
                )
                found.update(
                    (kind, id_) for id_ in self.connection.execute(query, {"ids": chunk}).scalars()
                )
        return found
