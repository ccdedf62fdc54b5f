"""Curation over HTTP: write claims, sources and bundles; review proposals; read the audit.

A contributor's write is checked and kept as a proposal (202); a reviewer's or an admin's
is applied at once, and so is a proposal a reviewer accepts. A change of something that
exists names the version it changes (`If-Match`, the ETag of its GET): 428 without it, 412
when another write came first.
"""

import json
from typing import Annotated

from fastapi import APIRouter, Body, Header, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from app.auth.deps import ContributorDep, ReviewerDep
from app.claims.models import Rank
from app.curation import docs, proposals
from app.curation.schemas import (
    ChangesPage,
    ClaimStored,
    ClaimWrite,
    Decision,
    ProposalPublic,
    ProposalQuery,
    SourceWrite,
    WriteResult,
)
from app.curation.service import SECTIONS, claim_etag, current_claim
from app.deps import DatabaseDep, LiveDatabaseDep
from app.errors import NOT_FOUND_DOC, NotFound
from app.extract.stored import draft_of
from app.http_cache import etag_matches
from app.responses import detail_response
from app.values import LARGEST_ROW_NUMBER, SLUG_PATTERN

router = APIRouter(tags=["curation"])
Kind = Annotated[
    str,
    Path(
        pattern="^(" + "|".join(sorted(SECTIONS)) + ")$",
        description="The kind of record: " + ", ".join(sorted(SECTIONS)) + ".",
        examples=["event"],
    ),
]
EntityId = Annotated[
    str,
    Path(
        max_length=200,
        pattern=SLUG_PATTERN,
        description="The record's id (a slug).",
        examples=["2019-08-19-putin-macron-talks-bregancon"],
    ),
]
SourceId = Annotated[
    str,
    Path(
        max_length=200,
        pattern=SLUG_PATTERN,
        description="The claiming source's id (a slug).",
        examples=["improving-russia-france-relations"],
    ),
]
ProposalId = Annotated[
    int,
    Path(ge=1, le=LARGEST_ROW_NUMBER, description="The proposal's number.", examples=[1]),
]
IfMatch = Annotated[
    str | None,
    Header(
        description="The ETag of the version this write changes (from its GET): required to "
        "change or withdraw what exists."
    ),
]


@router.get(
    "/claims/{kind}/{entity_id}/{source_id}",
    operation_id="get_claim",
    summary="Get one source's claim about one record",
    response_model=ClaimStored,
    responses=docs.CLAIM_RESPONSES,
)
async def get_claim(
    request: Request, db: DatabaseDep, kind: Kind, entity_id: EntityId, source_id: SourceId
) -> Response:
    """The claim as stored, with the ETag a change of it must send as `If-Match` (and that
    `If-None-Match` revalidates)."""
    stored = await db.run(lambda c: current_claim(c, kind, entity_id, source_id))
    if stored is None:
        raise NotFound("claim", f"{kind}/{entity_id}/{source_id}")
    tag = claim_etag(stored.rank, stored.record)
    if etag_matches(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers={"ETag": tag})
    body = ClaimStored(
        kind=kind,
        entity_id=entity_id,
        source_id=source_id,
        rank=Rank(stored.rank),
        bundle=stored.bundle,
        record=stored.record,
    )
    return Response(body.model_dump_json(), media_type="application/json", headers={"ETag": tag})


@router.put(
    "/claims/{kind}/{entity_id}/{source_id}",
    operation_id="put_claim",
    summary="Write one source's claim about one record",
    response_model=WriteResult,
    responses={**docs.WRITE_RESPONSES, 404: NOT_FOUND_DOC},
)
async def put_claim(
    request: Request,
    db: LiveDatabaseDep,
    principal: ContributorDep,
    kind: Kind,
    entity_id: EntityId,
    source_id: SourceId,
    claim: ClaimWrite,
    if_match: IfMatch = None,
) -> Response:
    """Creates or changes the claim of source `source_id` (404: no such source) about the
    record `entity_id`:
    every check of `entente seed` applies (its citations must quote the source's stored
    text). The record the API serves is then every source's claims merged."""
    payload = {
        "action": "claim",
        "kind": kind,
        "entity_id": entity_id,
        "source_id": source_id,
        "rank": claim.rank.value,
        "record": {**claim.record, "id": entity_id},
    }
    return await proposals.submit(request, db, principal, payload, if_match, exists=True)


@router.delete(
    "/claims/{kind}/{entity_id}/{source_id}",
    operation_id="withdraw_claim",
    summary="Withdraw one source's claim about one record",
    response_model=WriteResult,
    responses={**docs.WRITE_RESPONSES, 404: NOT_FOUND_DOC},
)
async def withdraw_claim(
    request: Request,
    db: LiveDatabaseDep,
    principal: ContributorDep,
    kind: Kind,
    entity_id: EntityId,
    source_id: SourceId,
    if_match: IfMatch = None,
) -> Response:
    """Withdraws the claim (404: there is none); a record no claim supports any more is
    removed. Its past stays in the change feed."""
    payload = {
        "action": "withdraw",
        "kind": kind,
        "entity_id": entity_id,
        "source_id": source_id,
    }
    return await proposals.submit(request, db, principal, payload, if_match, exists=True)


@router.post(
    "/sources",
    operation_id="create_source",
    summary="Add a source and its text",
    response_model=WriteResult,
    responses=docs.WRITE_RESPONSES,
)
async def create_source(
    request: Request, db: LiveDatabaseDep, principal: ContributorDep, source: SourceWrite
) -> Response:
    """A new source with its full text (`text`; a `text_file` is refused over HTTP). Claims
    of it may then be written; their citations must quote this text."""
    payload = {"action": "source", "record": source.model_dump(mode="json", exclude_none=True)}
    return await proposals.submit(request, db, principal, payload, None, exists=False)


@router.post(
    "/sources/{source_id}/extract",
    operation_id="extract_source",
    summary="Draft a source's candidate facts, for review",
    response_model=ProposalPublic,
    status_code=202,
    responses={**docs.EXTRACT_RESPONSES, 404: NOT_FOUND_DOC},
)
async def extract_source(
    request: Request, db: LiveDatabaseDep, principal: ContributorDep, source_id: SourceId
) -> Response:
    """Reads the source's stored text as `entente extract` reads an article and files every
    candidate fact it finds, each citing the text's exact words, as one proposal in the
    review queue (whatever the key's role): a reviewer accepts it whole, or rejects it and
    uploads a corrected bundle. Dates resolve against the source's publication date."""
    draft = await run_in_threadpool(draft_of, db.engine, source_id)
    payload = {
        "action": "bundle",
        "name": f"extract-{source_id}",
        "format": "json",
        "text": json.dumps(draft),
    }
    return await proposals.submit(request, db, principal, payload, None, exists=False, review=True)


@router.post(
    "/bundles",
    operation_id="upload_bundle",
    summary="Upload a whole bundle",
    response_model=WriteResult,
    responses=docs.WRITE_RESPONSES,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/yaml": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "object"}},
            },
        }
    },
)
async def upload_bundle(
    request: Request,
    db: LiveDatabaseDep,
    principal: ContributorDep,
    name: Annotated[
        str,
        Query(
            max_length=100,
            pattern=SLUG_PATTERN,
            description="The bundle's name: uploading a bundle of this name again withdraws "
            "the claims it no longer makes.",
        ),
    ],
) -> Response:
    """A seed bundle (YAML or JSON) loaded all or nothing, as `entente seed` loads a file:
    sources with their `text` inline, and any records."""
    body = (await request.body()).decode("utf-8", errors="replace")
    is_json = request.headers.get("content-type", "").startswith("application/json")
    payload = {
        "action": "bundle",
        "name": name,
        "format": "json" if is_json else "yaml",
        "text": body,
    }
    return await proposals.submit(request, db, principal, payload, None, exists=False)


@router.get(
    "/proposals",
    operation_id="list_proposals",
    summary="List proposals",
    response_model=list[ProposalPublic],
    responses=docs.PROPOSALS_RESPONSES,
)
async def list_proposals(
    db: LiveDatabaseDep, principal: ContributorDep, query: Annotated[ProposalQuery, Query()]
) -> list[ProposalPublic]:
    """The review queue (`status=proposed`) and the proposals decided; contributors and
    reviewers see them, nobody else."""
    return await db.run(lambda c: proposals.listed(c, query))


@router.get(
    "/proposals/{proposal_id}",
    operation_id="get_proposal",
    summary="Get one proposal",
    response_model=ProposalPublic,
    responses=docs.PROPOSAL_RESPONSES,
)
async def get_proposal(
    db: LiveDatabaseDep, principal: ContributorDep, proposal_id: ProposalId, response: Response
) -> ProposalPublic:
    """One proposal, with the ETag that accepting or rejecting it must send as `If-Match`."""
    found = await db.run(lambda c: proposals.one(c, proposal_id))
    response.headers["ETag"] = proposals.etag(found)
    return found


@router.post(
    "/proposals/{proposal_id}/accept",
    operation_id="accept_proposal",
    summary="Accept a proposal: apply its write",
    response_model=WriteResult,
    responses={**docs.WRITE_RESPONSES, 404: NOT_FOUND_DOC},
)
async def accept_proposal(
    request: Request,
    db: LiveDatabaseDep,
    principal: ReviewerDep,
    proposal_id: ProposalId,
    if_match: IfMatch = None,
) -> Response:
    """Applies the write, with the checks of its day re-run against today's knowledge
    base (a 422 or a 412 leaves it proposed)."""
    return await proposals.decide(request, db, principal, proposal_id, if_match, None)


@router.post(
    "/proposals/{proposal_id}/reject",
    operation_id="reject_proposal",
    summary="Reject a proposal, saying why",
    response_model=ProposalPublic,
    responses=docs.REJECT_RESPONSES,
)
async def reject_proposal(
    request: Request,
    db: LiveDatabaseDep,
    principal: ReviewerDep,
    proposal_id: ProposalId,
    decision: Annotated[Decision, Body()],
    if_match: IfMatch = None,
) -> Response:
    """Rejects the proposal, keeping the reason; it writes nothing (a reviewer's key, and the
    proposal's ETag as `If-Match`)."""
    return await proposals.decide(request, db, principal, proposal_id, if_match, decision.reason)


@router.get(
    "/changes",
    operation_id="list_changes",
    summary="Read the change feed",
    response_model=ChangesPage,
    responses=docs.CHANGES_RESPONSES,
)
async def list_changes(
    request: Request,
    db: DatabaseDep,
    after: Annotated[
        int,
        Query(ge=0, le=LARGEST_ROW_NUMBER, description="The `seq` of the last change read."),
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=1000, description="Changes per page.")] = 100,
) -> Response:
    """Every accepted change of a claim or a source, in the order made, with who made it,
    when, and the value before and after: read it from `after=0` and on to mirror the
    knowledge base. Append-only: nothing in the API edits it."""
    return await detail_response(request, db, lambda c: proposals.changes(c, after, limit))
