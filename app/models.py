"""Every table, imported in one place so that `SQLModel.metadata` is complete (for Alembic)."""

from sqlmodel import SQLModel

from app.assessments.models import (
    Assessment,
    AssessmentCountry,
    AssessmentOrganization,
    AssessmentTopic,
)
from app.auth.models import ApiKey
from app.claims.models import Claim, ClaimDispute
from app.countries.models import Country
from app.curation.models import Change, Proposal
from app.events.models import (
    Event,
    EventCountry,
    EventDocument,
    EventOrganization,
    EventParticipant,
    EventTopic,
)
from app.figures.models import Figure, FigureDerivation
from app.mechanisms.models import Mechanism, MechanismCountry, MechanismStatusChange
from app.organizations.models import Organization
from app.people.models import Person, Position
from app.places.models import Place
from app.revision import KnowledgeBaseRevision
from app.search.models import SearchDocument
from app.sources.models import Citation, Source
from app.statements.models import Statement, StatementTopic
from app.topics.models import Topic, TopicCountry

metadata = SQLModel.metadata

__all__ = [
    "ApiKey",
    "Assessment",
    "AssessmentCountry",
    "AssessmentOrganization",
    "AssessmentTopic",
    "Change",
    "Citation",
    "Claim",
    "ClaimDispute",
    "Country",
    "Event",
    "EventCountry",
    "EventDocument",
    "EventOrganization",
    "EventParticipant",
    "EventTopic",
    "Figure",
    "FigureDerivation",
    "KnowledgeBaseRevision",
    "Mechanism",
    "MechanismCountry",
    "MechanismStatusChange",
    "Organization",
    "Person",
    "Place",
    "Position",
    "Proposal",
    "SearchDocument",
    "Source",
    "Statement",
    "StatementTopic",
    "Topic",
    "TopicCountry",
    "metadata",
]
