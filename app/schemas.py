"""Small response shapes that many resources embed."""

from pydantic import BaseModel, Field

from app.values import PartialDate


class CitationPublic(BaseModel):
    """The exact words of a source that state a fact."""

    source: str = Field(examples=["improving-russia-france-relations"])
    excerpt: str = Field(
        examples=[
            "Their two-way trade hit US$17.2 billion last year, an increase of 11% compared to 2017"
        ]
    )


class Named(BaseModel):
    """A reference to another resource: its id and name."""

    id: str = Field(examples=["vladimir-putin"])
    name: str = Field(examples=["Vladimir Putin"])


class EventRef(BaseModel):
    """A reference to an event."""

    id: str = Field(examples=["2019-08-19-putin-official-visit-france"])
    kind: str = Field(examples=["official_visit"])
    title: str = Field(examples=["Vladimir Putin's official visit to France"])
    start: PartialDate


class StatementRef(BaseModel):
    id: str = Field(examples=["macron-2019-08-two-great-powers-in-europe"])
    speaker: Named
    date: PartialDate
    mode: str = Field(examples=["direct_quote"])
    text: str = Field(examples=["France and Russia are the “two great powers in Europe”."])
