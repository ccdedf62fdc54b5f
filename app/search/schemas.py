"""Search: the query parameters and response shapes of the API."""

from pydantic import BaseModel, Field, field_validator

from app.pagination import ListQuery
from app.search.models import SearchType
from app.search.query import parse


class SearchQuery(ListQuery):
    q: str = Field(
        min_length=1,
        max_length=300,
        description='Words (all must occur), "quoted phrases" and prefix* (e.g. `secur*`). '
        "Matching ignores case and accents and stems English words.",
        examples=["Libya", '"security structure"', "secur*"],
    )
    type: list[SearchType] = Field(default=[], description="Repeatable: only these kinds.")

    @field_validator("q")
    @classmethod
    def _searchable(cls, value: str) -> str:
        parse(value)  # raises ValueError: no words, or too many
        return value


class SearchHit(BaseModel):
    """One record that matches, best first."""

    type: SearchType
    id: str = Field(examples=["2019-08-19-putin-macron-talks-bregancon"])
    title: str = Field(examples=["Putin-Macron talks at Fort de Brégançon"])
    snippet: str = Field(
        description="The best matching passage, matches marked with <mark>…</mark>.",
        examples=["…the crises in Syria, Ukraine and <mark>Libya</mark>, as well as…"],
    )
    score: float = Field(description="Relevance, higher is better (BM25 on SQLite).")
    url: str = Field(examples=["/api/v1/events/2019-08-19-putin-macron-talks-bregancon"])
