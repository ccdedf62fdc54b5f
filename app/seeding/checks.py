"""The checks of every record: unique ids, references, citation excerpts.

A reference or a cited source that is not known yet when its record is read may be defined
later in the load, or already stored: it is checked once every record has been read
(`Checker.finish`), so the order of the bundles never matters.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import Any, get_args

from pydantic import BaseModel
from sqlalchemy import Connection, bindparam, text

from app.countries.models import CountryCreate
from app.seeding.bundle import KIND_SECTIONS, SECTION_KINDS
from app.seeding.errors import SeedError
from app.seeding.parse import RawRecord
from app.seeding.semantics import Semantics, near_miss
from app.seeding.yaml_lines import Loc
from app.sources.models import CitationCreate
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
def _shape(model_type: type[BaseModel]) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """What a check visits in a model of this type: its fields marked `Ref(kind)`, as
    `(field, kind)`, and its fields that can hold models (every other field is a plain value)."""
    refs = []
    for name, info in model_type.model_fields.items():
        ref = next((meta for meta in info.metadata if isinstance(meta, Ref)), None)
        if ref is not None:
            refs.append((name, ref.kind))
    nested = tuple(
        name for name, info in model_type.model_fields.items() if _may_hold_models(info.annotation)
    )
    return tuple(refs), nested


def unknown(kind: str, ref_id: str) -> str:
    """The error of a reference to a record that no bundle of the run defines and the
    database does not hold, with where such a record is defined."""
    return (
        f"unknown {kind} '{ref_id}': define it under `{KIND_SECTIONS[kind]}:` in this bundle or "
        "in another bundle given with it, or seed the bundle that defines it first"
    )


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
    claimed: dict[tuple[str, str, str | None], tuple[str, int]] = field(default_factory=dict)
    waiting: list[_Waiting] = field(default_factory=list)
    countries: dict[str, tuple[str | None, str]] = field(default_factory=dict)
    _texts: dict[str, str | None] = field(default_factory=dict)  # source id -> folded text
    # (source id, excerpt) -> whether it occurs: a large load cites the same sentences often.
    _found: dict[tuple[str, str], bool] = field(default_factory=dict)
    semantics: Semantics = field(init=False)

    def __post_init__(self) -> None:
        self.semantics = Semantics(self.connection)

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

    def check(
        self, raw: RawRecord, model: BaseModel, claimant: str | None = None, valid: bool = True
    ) -> list[SeedError]:
        """The errors of one record that can be told now (the rest: `finish`). The record
        may be invalid: then `model` holds what did validate, a field that did not is None
        (`app.seeding.partial`) and `valid` is False: what reads the record's meaning (the
        semantic checks) waits for a valid record. Several sources (`claimant`) may each
        claim a record of the same id; one may not claim it twice."""
        if isinstance(model, CountryCreate):
            return self._country(raw, model)
        errors: list[SeedError] = []
        key = (SECTION_KINDS[raw.section], model.id)  # type: ignore[attr-defined]
        if key[1] is not None:
            self.defined.setdefault(key, (raw.file.display, raw.line))
            first = self.claimed.setdefault((*key, claimant), (raw.file.display, raw.line))
            if first != (raw.file.display, raw.line):
                where = f"{first[0]}:{first[1]}"
                by = f" by source '{claimant}'" if claimant else ""
                message = f"duplicate {key[0]} id '{key[1]}'{by} (first defined at {where})"
                errors.append(raw.error((*raw.loc, "id"), message))
        self._visit(raw, raw.loc, model, errors)
        if valid:
            errors += self.semantics.check(raw, model, self._text)
        return errors

    def _visit(self, raw: RawRecord, loc: Loc, model: BaseModel, errors: list[SeedError]) -> None:
        """Checks the references and citations of `model` and of the models inside it."""
        refs, nested = _shape(type(model))
        for name, kind in refs:
            value = getattr(model, name)
            if isinstance(value, list):
                seen: set[str] = set()
                for index, item in enumerate(value):
                    if item is None:
                        continue
                    if item in seen:
                        message = f"{kind} '{item}' is listed twice"
                        errors.append(raw.error((*loc, name, index), message))
                    seen.add(item)
                    self._reference(raw, (*loc, name, index), kind, item)
            elif value is not None:
                self._reference(raw, (*loc, name), kind, value)
        if isinstance(model, CitationCreate) and model.excerpt is not None:
            source_id = model.source or raw.default_source
            if source_id is None:
                message = "no source: name one, or set `default_source` in the bundle"
                errors.append(raw.error((*loc, "source"), message))
            elif self._text(source_id) is None:
                self.waiting.append(_Waiting(raw, loc, "source", source_id, model.excerpt))
            else:
                errors += self._excerpt(raw, loc, source_id, model.excerpt)
        for name in nested:
            value = getattr(model, name)
            if isinstance(value, BaseModel):
                self._visit(raw, (*loc, name), value, errors)
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, BaseModel):
                        self._visit(raw, (*loc, name, index), item, errors)

    def _reference(self, raw: RawRecord, loc: Loc, kind: str, ref_id: str) -> None:
        """A reference to a record not defined yet waits for every record (`finish`); a
        cited source is checked with its citation."""
        if kind != "source" and (kind, ref_id) not in self.defined:
            self.waiting.append(_Waiting(raw, loc, kind, ref_id))

    def _excerpt(self, raw: RawRecord, loc: Loc, source_id: str, excerpt: str) -> list[SeedError]:
        known = self._found.get((source_id, excerpt))
        if known is None:
            folded = self._text(source_id) or ""
            known = self._found[(source_id, excerpt)] = fold_whitespace(excerpt) in folded
        if known:
            return []
        shown = excerpt if len(excerpt) <= 90 else excerpt[:87] + "..."
        message = f"excerpt not found in source '{source_id}': \"{shown}\""
        hint = near_miss(excerpt, self._text(source_id) or "")
        message += f"; {hint}" if hint else ""
        return [raw.error((*loc, "excerpt"), message)]

    def _country(self, raw: RawRecord, model: CountryCreate) -> list[SeedError]:
        if model.code is None or model.wikidata is None:
            return []
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
                    errors.append(raw.error((*loc, "source"), unknown("source", waiting.id)))
                else:
                    errors += self._excerpt(raw, loc, waiting.id, waiting.excerpt)
            elif (waiting.kind, waiting.id) not in self.defined and (
                waiting.kind,
                waiting.id,
            ) not in stored:
                errors.append(raw.error(loc, unknown(waiting.kind, waiting.id)))
        return errors + self.semantics.finish(self._text)

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
