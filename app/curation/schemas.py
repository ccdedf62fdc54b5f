"""The write side as the API shows it: claims to write, proposals, and the change feed."""

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.claims.models import Rank
from app.curation.models import ProposalStatus
from app.patterns import NO_NUL, TEXT
from app.sources.models import SourceCreate


def _strings_without_nul(schema: dict[str, Any]) -> None:
    """Every string the schema of a write describes holds no NUL (the loader refuses one)."""
    if schema.get("type") == "string" and "pattern" not in schema:
        schema["pattern"] = NO_NUL
    children = [*schema.get("properties", {}).values(), *schema.get("anyOf", [])]
    if isinstance(schema.get("items"), dict):
        children.append(schema["items"])
    for child in children:
        _strings_without_nul(child)


class SourceWrite(SourceCreate):
    """A source written over HTTP: its whole text inline (no file lies beside a request)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_strings_without_nul)

    text: str = Field(min_length=1, description="Its whole text, inline.")  # type: ignore[assignment]
    text_file: None = Field(  # type: ignore[assignment]
        default=None, description="Not over HTTP: a request gives its `text`."
    )


class ClaimWrite(BaseModel):
    """One source's claim about one record: the record as a bundle would hold it."""

    rank: Rank = Field(
        default=Rank.NORMAL,
        description="How much this claim is believed beside other sources' claims of the same "
        "facts (preferred, normal, deprecated).",
    )
    record: dict[str, Any] = Field(
        description="The record, in the shape of its section of a seed bundle (an event as "
        "under `events:`, ...; docs/AUTHORING.md): its `id` is the path's, its citations "
        "quote the source's stored text.",
        examples=[
            {
                "id": "2019-08-19-putin-macron-talks-bregancon",
                "kind": "bilateral_meeting",
                "title": "Putin-Macron talks",
                "start": "2019-08",
                "countries": ["RU", "FR"],
                "citations": ["talks at Bregancon in August"],
            }
        ],
    )


class ClaimStored(BaseModel):
    """A source's claim as stored."""

    kind: str = Field(description="The kind of record claimed.", examples=["event"])
    entity_id: str = Field(description="The record's id.")
    source_id: str = Field(description="The claiming source.")
    rank: Rank = Field(description="How much the claim is believed beside others.")
    bundle: str = Field(description="The bundle it came in (`api`: written over HTTP).")
    record: dict[str, Any] = Field(description="The record as the source claims it.")


class WriteResult(BaseModel):
    """What an applied write changed."""

    changed: int = Field(description="Rows written, changed or deleted.", examples=[12])
    changes_after: int | None = Field(
        description="The change feed's cursor after this write (`GET /changes?after=`)."
    )


class Decision(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, description="Why the proposal is rejected.")


class ProposalPublic(BaseModel):
    """A write waiting for review, or reviewed."""

    id: int = Field(description="The proposal's number.", examples=[1])
    status: ProposalStatus = Field(description="proposed, accepted or rejected.")
    action: str = Field(
        description="What it writes: `claim`, `withdraw`, `source` or `bundle`.",
        examples=["claim"],
    )
    summary: str = Field(description="What it writes, in a line.")
    payload: dict[str, Any] = Field(description="The write, as it will be applied.")
    author: str = Field(description="The name of the key that proposed it.")
    created_at: dt.datetime = Field(description="When it was proposed.")
    reviewer: str | None = Field(description="The name of the key that decided it.")
    decided_at: dt.datetime | None = Field(description="When it was decided.")
    reason: str | None = Field(description="Why it was rejected.")


class ProposalQuery(BaseModel):
    limit: int = Field(default=100, ge=1, le=500, description="Proposals per answer, oldest first.")
    status: ProposalStatus | None = Field(
        default=None, description="Only proposals of this status (`proposed`: the queue)."
    )
    author: str | None = Field(
        default=None, max_length=100, pattern=TEXT, description="Only this key's."
    )


class ChangePublic(BaseModel):
    """One accepted change of a claim or a source, as the audit keeps it."""

    seq: int = Field(description="Its place in the feed; the cursor of `after=`.")
    at: dt.datetime = Field(description="When it was made (UTC).")
    actor: str = Field(description="The name of the key (or the command) that made it.")
    kind: str = Field(description="A claim's kind, or `source`.", examples=["event"])
    entity_id: str = Field(description="The record (or source) changed.")
    source_id: str = Field(description="The source whose claim it is.")
    before: dict[str, Any] | None = Field(description="The stored value before; null: none.")
    after: dict[str, Any] | None = Field(description="The stored value after; null: withdrawn.")


class ChangesPage(BaseModel):
    items: list[ChangePublic] = Field(description="The changes after the cursor, oldest first.")
    next_after: int | None = Field(
        description="The cursor of the next page; null: the feed is read to its end."
    )
