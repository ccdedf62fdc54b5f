"""Sources (the documents facts come from) and citations (the exact words that state a fact)."""

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from app import references
from app.values import PartialDate, Ref, Slug


class SubjectType(StrEnum):
    """The kinds of fact a citation can support."""

    ORGANIZATION = "organization"
    PERSON = "person"
    POSITION = "position"
    PLACE = "place"
    EVENT = "event"
    MECHANISM = "mechanism"
    MECHANISM_STATUS = "mechanism_status"
    FIGURE = "figure"
    TOPIC = "topic"
    STATEMENT = "statement"
    ASSESSMENT = "assessment"


# The table holding the facts of each subject type.
SUBJECT_TABLES: dict[SubjectType, str] = {subject: subject.value for subject in SubjectType}


class Source(SQLModel, table=True):
    id: str = SQLField(primary_key=True, max_length=200)
    title: str
    publisher: str | None = None
    published_first: dt.date | None = None
    published_last: dt.date | None = None
    published_precision: str | None = SQLField(default=None, max_length=5)
    published_note: str | None = None
    url: str | None = None
    language: str = SQLField(max_length=8)
    text: str = SQLField(sa_column=Column(Text, nullable=False))
    credits: list[str] = SQLField(default_factory=list, sa_column=Column(JSON, nullable=False))


class Citation(SQLModel, table=True):
    """One excerpt of a source that states (part of) one fact."""

    subject_type: str = SQLField(primary_key=True, max_length=20)
    subject_id: str = SQLField(primary_key=True, max_length=200)
    ordinal: int = SQLField(primary_key=True)
    source_id: str = SQLField(sa_column_args=references("source.id"))
    excerpt: str = SQLField(sa_column=Column(Text, nullable=False))

    __table_args__ = (Index("ix_citation_source_id_subject", "source_id", "subject_type"),)


class CitationCreate(BaseModel):
    """`{source, excerpt}`; in a bundle a bare string is an excerpt of its `default_source`."""

    model_config = ConfigDict(extra="forbid")

    source: Annotated[Slug | None, Ref("source")] = None
    excerpt: str = Field(min_length=3, max_length=4000)

    @model_validator(mode="before")
    @classmethod
    def _bare_excerpt(cls, value: Any) -> Any:
        return {"excerpt": value} if isinstance(value, str) else value


Citations = Annotated[list[CitationCreate], Field(min_length=1)]


class SourceCreate(BaseModel):
    """A source document. Its text is given inline or as a file beside the bundle."""

    model_config = ConfigDict(extra="forbid")

    id: Slug = Field(description="The source's id (a slug), which citations name.")
    title: str = Field(min_length=1, description="The source's title, as published.")
    publisher: str | None = Field(default=None, description="Who published it.")
    published: PartialDate | None = Field(
        default=None, description="When it was published, to the precision known."
    )
    published_note: str | None = Field(
        default=None, description="How the publication date is known, when it is not printed."
    )
    url: str | None = Field(default=None, description="Where it was published.")
    language: str = Field(
        default="en", min_length=2, max_length=8, description="Its language (BCP 47)."
    )
    text: str | None = Field(default=None, description="Its whole text, inline.")
    text_file: str | None = Field(default=None, description="Path relative to the bundle file.")
    credits: list[str] = Field(default=[], description="Credits it prints (photos, ...).")

    @model_validator(mode="after")
    def _one_text(self) -> "SourceCreate":
        if (self.text is None) == (self.text_file is None):
            raise ValueError("give exactly one of `text` and `text_file`")
        return self
