"""Statements: what a person said, quoted or paraphrased."""

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from app import references
from app.claims.models import RANK, Rank
from app.sources.models import Citations
from app.values import PartialDate, Ref, Slug


class StatementMode(StrEnum):
    # The text is only words the source gives in quotation marks.
    DIRECT_QUOTE = "direct_quote"
    # The source's report in other words; any words it quotes are in `quoted_phrases`.
    PARAPHRASE = "paraphrase"


class Statement(SQLModel, table=True):
    id: str = SQLField(primary_key=True, max_length=200)
    speaker_id: str = SQLField(sa_column_args=references("person.id"))
    event_id: str | None = SQLField(default=None, sa_column_args=references("event.id"), index=True)
    date_first: dt.date
    date_last: dt.date
    date_precision: str = SQLField(max_length=5)
    date_text: str | None = None
    text: str = SQLField(sa_column=Column(Text, nullable=False))
    mode: str = SQLField(max_length=16)
    quoted_phrases: list[str] = SQLField(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )

    __table_args__ = (
        Index("ix_statement_speaker_id_date_first", "speaker_id", "date_first"),
        Index("ix_statement_date_first_id", "date_first", "id"),
    )


class StatementTopic(SQLModel, table=True):
    __tablename__ = "statement_topic"

    statement_id: str = SQLField(sa_column_args=references("statement.id"), primary_key=True)
    topic_id: str = SQLField(sa_column_args=references("topic.id"), primary_key=True)

    __table_args__ = (
        Index("ix_statement_topic_topic_id_statement_id", "topic_id", "statement_id"),
    )


class StatementCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Slug
    speaker: Annotated[Slug, Ref("person")]
    event: Annotated[Slug | None, Ref("event")] = None
    date: PartialDate
    date_text: str | None = None
    text: str = Field(
        min_length=1,
        description="A `direct_quote`: only the quoted words; a `paraphrase`: what was said.",
    )
    mode: StatementMode
    quoted_phrases: list[Annotated[str, Field(min_length=1)]] = Field(
        default=[],
        description="Words of a paraphrase that the source quotes (in quotation marks).",
    )
    topics: Annotated[list[Slug], Ref("topic")] = []
    rank: Rank = RANK
    citations: Citations
