"""Search: the query parameters and response shapes of the API."""

from pydantic import BaseModel, Field, field_validator

from app.pagination import REPEATABLE, ListQuery
from app.patterns import TEXT
from app.search.models import SearchType
from app.search.query import MAX_TERMS, MIN_PREFIX, RANKED_AT_MOST, parse


class SearchQuery(ListQuery):
    q: str = Field(
        min_length=1,
        max_length=300,
        pattern=TEXT,
        description='Words (all must occur), "quoted phrases" and prefix* (e.g. `secur*`). '
        "Matching ignores case and accents and stems English words. Other punctuation "
        f"separates words. A 422 when there is no word, more than {MAX_TERMS} words or "
        f"phrases, or fewer than {MIN_PREFIX} letters before a `*`.",
        examples=["Libya", '"security structure"', "secur*"],
    )
    type: list[SearchType] = Field(default=[], description=REPEATABLE + " only these kinds.")

    @field_validator("q")
    @classmethod
    def _searchable(cls, value: str) -> str:
        parse(value)  # raises ValueError: no words, or too many
        return value


class SearchHit(BaseModel):
    """One record that matches. Records whose title holds every term come first; then, when
    the query matches few records, by relevance, otherwise newest first."""

    type: SearchType = Field(description="The kind of record found.")
    id: str = Field(
        examples=["2019-08-19-putin-macron-talks-bregancon"], description="The record's id."
    )
    title: str = Field(
        examples=["Putin-Macron talks at Fort de Brégançon"],
        description="The record's title or name.",
    )
    snippet: str = Field(
        description="The best matching passage, matches marked with <mark>…</mark>.",
        examples=["…the crises in Syria, Ukraine and <mark>Libya</mark>, as well as…"],
    )
    score: float = Field(
        description="Relevance within its tier, higher is better: BM25 on SQLite, ts_rank on "
        f"PostgreSQL, for a query matching at most {RANKED_AT_MOST} records; for a larger one, "
        "whose hits are not ranked one by one, 1 for a title match and 0 for the others."
    )
    url: str = Field(
        examples=["/api/v1/events/2019-08-19-putin-macron-talks-bregancon"],
        description="The API path of the record.",
    )
