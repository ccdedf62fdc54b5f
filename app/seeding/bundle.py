"""The shape of a seed bundle: one YAML file of sources and the facts they state."""

from pydantic import BaseModel, ConfigDict, Field

from app.assessments.models import AssessmentCreate
from app.countries.models import CountryCreate
from app.events.models import EventCreate
from app.figures.models import FigureCreate
from app.mechanisms.models import MechanismCreate
from app.organizations.models import OrganizationCreate
from app.people.models import PersonCreate
from app.places.models import PlaceCreate
from app.sources.models import SourceCreate
from app.statements.models import StatementCreate
from app.topics.models import TopicCreate
from app.values import Slug

# Section name -> the entity kind its records define (the kinds that `Ref` points at).
SECTION_KINDS = {
    "sources": "source",
    "organizations": "organization",
    "people": "person",
    "places": "place",
    "topics": "topic",
    "events": "event",
    "mechanisms": "mechanism",
    "figures": "figure",
    "statements": "statement",
    "assessments": "assessment",
}
# Entity kind -> the section whose records define it.
KIND_SECTIONS = {kind: section for section, kind in SECTION_KINDS.items()}


class Bundle(BaseModel):
    """A seed file. Citations given as bare strings are excerpts of `default_source`."""

    model_config = ConfigDict(extra="forbid")

    default_source: Slug | None = Field(
        default=None, description="Source of every citation that names none."
    )
    sources: list[SourceCreate] = []
    countries: list[CountryCreate] = []
    organizations: list[OrganizationCreate] = []
    people: list[PersonCreate] = []
    places: list[PlaceCreate] = []
    topics: list[TopicCreate] = []
    events: list[EventCreate] = []
    mechanisms: list[MechanismCreate] = []
    figures: list[FigureCreate] = []
    statements: list[StatementCreate] = []
    assessments: list[AssessmentCreate] = []
