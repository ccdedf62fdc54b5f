"""Small response shapes that many resources embed."""

from pydantic import BaseModel, Field

from app.values import PartialDate


class CitationPublic(BaseModel):
    """The exact words of a source that state a fact."""

    source: str = Field(
        examples=["improving-russia-france-relations"], description="The id of the source document."
    )
    excerpt: str = Field(
        description="Exact words of the source.",
        examples=[
            "Their two-way trade hit US$17.2 billion last year, an increase of 11% compared to 2017"
        ],
    )


class Named(BaseModel):
    """A reference to another resource: its id and name."""

    id: str = Field(examples=["vladimir-putin"], description="The record's id (a slug).")
    name: str = Field(examples=["Vladimir Putin"], description="The record's name.")


class EventRef(BaseModel):
    """A reference to an event."""

    id: str = Field(
        examples=["2019-08-19-putin-official-visit-france"], description="Event id (a slug)."
    )
    kind: str = Field(examples=["official_visit"], description="The kind of event.")
    title: str = Field(
        examples=["Vladimir Putin's official visit to France"], description="The event's title."
    )
    start: PartialDate


class StatementRef(BaseModel):
    id: str = Field(
        examples=["macron-2019-08-two-great-powers-in-europe"],
        description="Statement id (a slug).",
    )
    speaker: Named = Field(description="The person who made the statement.")
    date: PartialDate
    mode: str = Field(
        examples=["direct_quote"],
        description="Whether the words are quoted directly or paraphrased.",
    )
    text: str = Field(
        examples=["France and Russia are the “two great powers in Europe”."],
        description="The statement, quoted or paraphrased as `mode` says.",
    )
