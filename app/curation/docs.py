"""What the curation routes answer, as their OpenAPI entries say it."""

from typing import Any

from app.curation.schemas import ProposalPublic
from app.errors import (
    BAD_BODY_DOC,
    CONFLICT_DOC,
    FORBIDDEN_DOC,
    NOT_FOUND_DOC,
    NOT_MODIFIED_DOC,
    PRECONDITION_FAILED_DOC,
    PRECONDITION_REQUIRED_DOC,
    UNAUTHORIZED_DOC,
    VALIDATION_ERROR_DOC,
)

WRITE_RESULT = {"changed": 12, "changes_after": 731}
PROPOSAL_EXAMPLE = {
    "id": 1,
    "status": "proposed",
    "action": "claim",
    "summary": "claim event 2019-08-19-putin-macron-talks-bregancon by a-later-report",
    "payload": {"action": "claim", "kind": "event"},
    "author": "analyst",
    "created_at": "2026-12-05T15:00:00Z",
    "reviewer": None,
    "decided_at": None,
    "reason": None,
}
KEYED: dict[int | str, dict[str, Any]] = {
    400: BAD_BODY_DOC,
    401: UNAUTHORIZED_DOC,
    403: FORBIDDEN_DOC,
    422: VALIDATION_ERROR_DOC,
}


def _ok(example: Any, description: str = "Done.") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"example": example}}}


CLAIM_EXAMPLE = {
    "kind": "event",
    "entity_id": "2019-08-19-putin-macron-talks-bregancon",
    "source_id": "improving-russia-france-relations",
    "rank": "normal",
    "bundle": "improving-russia-france-relations",
    "record": {"id": "2019-08-19-putin-macron-talks-bregancon", "kind": "bilateral_meeting"},
}
CHANGES_EXAMPLE = {
    "items": [
        {
            "seq": 1,
            "at": "2026-12-05T15:00:00Z",
            "actor": "entente seed",
            "kind": "event",
            "entity_id": "2019-08-19-putin-macron-talks-bregancon",
            "source_id": "improving-russia-france-relations",
            "before": None,
            "after": {"rank": "normal", "bundle": "improving-russia-france-relations"},
        }
    ],
    "next_after": 1,
}
WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **KEYED,
    200: _ok(WRITE_RESULT, "Applied: what changed, and the change feed's cursor after it."),
    202: {
        "description": "A contributor's write, checked and kept for review.",
        "content": {"application/json": {"example": PROPOSAL_EXAMPLE}},
        "model": ProposalPublic,
    },
    409: CONFLICT_DOC,
    412: PRECONDITION_FAILED_DOC,
    428: PRECONDITION_REQUIRED_DOC,
}
REVIEW_RESPONSES: dict[int | str, dict[str, Any]] = {
    **KEYED,
    404: NOT_FOUND_DOC,
    409: CONFLICT_DOC,
    412: PRECONDITION_FAILED_DOC,
    428: PRECONDITION_REQUIRED_DOC,
}
CLAIM_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: _ok(CLAIM_EXAMPLE, "The claim, with its ETag."),
    304: NOT_MODIFIED_DOC,
    404: NOT_FOUND_DOC,
    422: VALIDATION_ERROR_DOC,
}
CHANGES_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: _ok(CHANGES_EXAMPLE, "The changes after the cursor."),
    304: NOT_MODIFIED_DOC,
    422: VALIDATION_ERROR_DOC,
}
REJECT_RESPONSES: dict[int | str, dict[str, Any]] = {
    **REVIEW_RESPONSES,
    200: _ok(
        {**PROPOSAL_EXAMPLE, "status": "rejected", "reason": "not in the source"}, "Rejected."
    ),
}
PROPOSALS_RESPONSES: dict[int | str, dict[str, Any]] = {
    **KEYED,
    200: _ok([PROPOSAL_EXAMPLE], "The proposals, oldest first."),
}
PROPOSAL_RESPONSES: dict[int | str, dict[str, Any]] = {
    **KEYED,
    200: _ok(PROPOSAL_EXAMPLE, "The proposal, with its ETag."),
    404: NOT_FOUND_DOC,
}
EXTRACT_RESPONSES: dict[int | str, dict[str, Any]] = {
    **KEYED,
    202: {
        "description": "The draft, filed as one proposal in the review queue.",
        "content": {"application/json": {"example": {**PROPOSAL_EXAMPLE, "action": "bundle"}}},
    },
}
