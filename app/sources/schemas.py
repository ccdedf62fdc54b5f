"""Sources: the query parameters and response shapes of the API."""

from pydantic import BaseModel, Field

from app.pagination import ListQuery
from app.sources.models import SubjectType
from app.values import PartialDate


class SourceQuery(ListQuery):
    """Sources take only the paging parameters; they are listed by id."""


class SourcePublic(BaseModel):
    """A document that facts are cited from."""

    id: str = Field(
        examples=["improving-russia-france-relations"], description="Source id (a slug)."
    )
    title: str = Field(
        examples=["Improving Russia-France relations"], description="The document's title."
    )
    publisher: str | None = Field(description="Who published it, when known.")
    published: PartialDate | None = Field(description="When it was published, to its precision.")
    published_note: str | None = Field(
        description="How the publication date is known, when it is not printed."
    )
    url: str | None = Field(description="Where the document was published, when known.")
    language: str = Field(examples=["en"], description="The document's language (ISO 639-1).")
    credits: list[str] = Field(
        examples=[["Photo: Reuters"]],
        description="Credits the document carries (photographs, agencies).",
    )


class SourceFact(BaseModel):
    """One fact that cites the source, and the source's words that state it."""

    type: SubjectType = Field(description="What kind of fact it is.")
    id: str = Field(
        examples=["2019-08-19-putin-official-visit-france"],
        description="The id of a record the source attests.",
    )
    label: str = Field(
        examples=["Vladimir Putin's official visit to France"],
        description="A human label: a title, a name, a statement's text, "
        "`<mechanism>: <status>`, or `<metric> <country>-<partner> <period>` for a figure.",
    )
    excerpts: list[str] = Field(
        examples=[
            ["Russian President Vladimir Putin paid an official visit to France on August 19."]
        ],
        description="The excerpts of this source cited for the fact, in the seed's order.",
    )


class SourceDetail(SourcePublic):
    """A source with its whole text and every fact that cites it."""

    text: str = Field(description="The whole text of the source.")
    facts: list[SourceFact] = Field(description="Every fact citing the source, by type then id.")
