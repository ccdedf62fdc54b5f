"""Writes as they arrive: applied at once for a reviewer, kept for review for a contributor;
proposals decided; the change feed read."""

import datetime as dt
from typing import Any

from fastapi import Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Connection, func, insert, select, update

from app.auth.models import Principal, Role
from app.curation import service
from app.curation.models import Change, Proposal, ProposalStatus
from app.curation.schemas import (
    ChangePublic,
    ChangesPage,
    ProposalPublic,
    ProposalQuery,
    WriteResult,
)
from app.db import Database
from app.errors import NotFound, problem_response
from app.links import api_url
from app.seeding.errors import SeedFailed
from app.values import as_utc

proposal = Proposal.__table__  # type: ignore[attr-defined]
change = Change.__table__  # type: ignore[attr-defined]


class Conflict(Exception):
    """The proposal was decided meanwhile."""


def names_version(if_match: str, current: str | None) -> bool:
    """Whether `If-Match` names the current version: `*` (any), or one of its tags, in
    whatever encoding the client read it (a gzipped answer's tag ends `-gzip`)."""
    if current is None:
        return False
    if if_match.strip() == "*":
        return True
    plain = current.removesuffix('"')
    for tag in if_match.split(","):
        tag = tag.strip().removeprefix("W/").removesuffix('"').removesuffix("-gzip")
        if tag == plain:
            return True
    return False


def etag(found: ProposalPublic) -> str:
    return f'"proposal-{found.id}-{found.status.value}"'


def _summary(payload: dict[str, Any]) -> str:
    action = payload["action"]
    if action == "bundle":
        return f"bundle {payload['name']}"
    if action == "source":
        return f"source {payload['record']['id']}"
    verb = "withdraw" if action == "withdraw" else "claim"
    return f"{verb} {payload['kind']} {payload['entity_id']} by {payload['source_id']}"


def _refused(request: Request, failed: SeedFailed) -> Response:
    """A write the checks refuse: each error with the field at fault in the body."""
    errors = [
        {"location": ["body", *error.loc], "message": error.message} for error in failed.errors
    ]
    detail = f"{len(errors)} invalid field" + ("s" if len(errors) != 1 else "")
    return problem_response(request, 422, detail, errors=errors)


def _stale(request: Request, current: str | None) -> Response:
    detail = "the record changed since the version of If-Match: read it again"
    headers = {"ETag": current} if current else None
    return problem_response(request, 412, detail, headers=headers)


async def submit(
    request: Request,
    db: Database,
    principal: Principal,
    payload: dict[str, Any],
    if_match: str | None,
    *,
    exists: bool,
    review: bool = False,
) -> Response:
    """Applies (a reviewer's) or proposes (a contributor's, or any with `review`) a write,
    checked either way."""
    if exists:  # a claim: the version it changes, or that there is none yet
        source_id = payload["source_id"]
        if not await db.run(lambda c: service.source_exists(c, source_id)):
            raise NotFound("source", source_id)
        stored = await db.run(
            lambda c: service.current_claim(
                c, payload["kind"], payload["entity_id"], payload["source_id"]
            )
        )
        current = service.claim_etag(stored.rank, stored.record) if stored else None
        if payload["action"] == "withdraw" and current is None:
            raise NotFound("claim", f"{payload['kind']}/{payload['entity_id']}")
        if current is not None and if_match is None:
            detail = "this claim exists: send its ETag as If-Match to change it"
            return problem_response(request, 428, detail)
        if if_match is not None and not names_version(if_match, current):
            return _stale(request, current)
        payload["expected"] = current
    if principal.role >= Role.REVIEWER and not review:
        return await _apply(request, db, payload, principal.name, None)
    try:
        await run_in_threadpool(service.check, db.engine, payload)
    except SeedFailed as failed:
        return _refused(request, failed)
    made = await run_in_threadpool(_propose, db, payload, principal.name)
    response = Response(made.model_dump_json(), status_code=202, media_type="application/json")
    response.headers["Location"] = api_url(f"/api/v1/proposals/{made.id}")
    response.headers["ETag"] = etag(made)
    return response


async def _apply(
    request: Request,
    db: Database,
    payload: dict[str, Any],
    actor: str,
    accepting: int | None,
    reviewer: str | None = None,
) -> Response:
    try:
        changes = await run_in_threadpool(
            service.apply, db.engine, payload, actor, _accepting(accepting, reviewer)
        )
    except SeedFailed as failed:
        return _refused(request, failed)
    except service.PreconditionFailed as stale:
        return _stale(request, stale.current)
    except Conflict:
        return problem_response(request, 409, "the proposal was decided meanwhile")
    last = await db.run(lambda c: c.execute(select(func.max(change.c.seq))).scalar())
    result = WriteResult(changed=changes.total, changes_after=last)
    response = Response(result.model_dump_json(), media_type="application/json")
    if payload["action"] == "claim":  # the claim as stored (its citations named, ...)
        stored = await db.run(
            lambda c: service.current_claim(
                c, payload["kind"], payload["entity_id"], payload["source_id"]
            )
        )
        response.headers["ETag"] = service.claim_etag(stored.rank, stored.record)
    return response


def _accepting(proposal_id: int | None, reviewer: str | None) -> Any:
    """Inside the write's transaction: the proposal is still proposed, and now accepted (two
    reviewers accepting at once: one wins, the other gets a 409)."""
    if proposal_id is None:
        return None

    def accept(connection: Connection) -> None:
        if not _decided(connection, proposal_id, ProposalStatus.ACCEPTED, reviewer, None):
            raise Conflict(proposal_id)

    return accept


def _propose(db: Database, payload: dict[str, Any], author: str) -> ProposalPublic:
    with db.engine.begin() as connection:
        made = connection.execute(
            insert(proposal)
            .values(
                status=ProposalStatus.PROPOSED.value,
                action=payload["action"],
                summary=_summary(payload),
                payload=payload,
                author=author,
                created_at=dt.datetime.now(dt.UTC),
            )
            .returning(proposal.c.id)
        ).scalar_one()
        return one(connection, made)


async def decide(
    request: Request,
    db: Database,
    principal: Principal,
    proposal_id: int,
    if_match: str | None,
    reason: str | None,
) -> Response:
    """Accepts (`reason` None) or rejects a proposal still proposed."""
    found = await db.run(lambda c: one(c, proposal_id))
    if found.status is not ProposalStatus.PROPOSED:
        return problem_response(request, 409, f"the proposal is {found.status.value} already")
    if if_match is None:
        return problem_response(request, 428, "send the proposal's ETag as If-Match")
    if not names_version(if_match, etag(found)):
        return _stale(request, etag(found))
    if reason is None:
        actor = f"{found.author} (accepted by {principal.name})"
        return await _apply(request, db, found.payload, actor, proposal_id, principal.name)
    rejected = await run_in_threadpool(_reject, db, proposal_id, principal.name, reason)
    if rejected is None:
        return problem_response(request, 409, "the proposal was decided meanwhile")
    return Response(rejected.model_dump_json(), media_type="application/json")


def _reject(db: Database, proposal_id: int, reviewer: str, reason: str) -> ProposalPublic | None:
    with db.engine.begin() as connection:
        done = _decided(connection, proposal_id, ProposalStatus.REJECTED, reviewer, reason)
        return one(connection, proposal_id) if done else None


def _decided(
    connection: Connection,
    proposal_id: int,
    status: ProposalStatus,
    reviewer: str | None,
    reason: str | None,
) -> bool:
    """Marks a proposal still proposed as decided; False when it was decided meanwhile."""
    done = connection.execute(
        update(proposal)
        .where(proposal.c.id == proposal_id, proposal.c.status == ProposalStatus.PROPOSED)
        .values(
            status=status.value,
            reviewer=reviewer,
            decided_at=dt.datetime.now(dt.UTC),
            reason=reason,
        )
    )
    return bool(done.rowcount == 1)


def _utc(at: dt.datetime | None) -> dt.datetime | None:
    """A time as stored (SQLite keeps no zone: its times are UTC)."""
    return None if at is None else as_utc(at)


def _public(row: Any) -> ProposalPublic:
    return ProposalPublic(
        **{**row._mapping, "created_at": _utc(row.created_at), "decided_at": _utc(row.decided_at)}
    )


def one(connection: Connection, proposal_id: int) -> ProposalPublic:
    row = connection.execute(select(proposal).where(proposal.c.id == proposal_id)).first()
    if row is None:
        raise NotFound("proposal", str(proposal_id))
    return _public(row)


def listed(connection: Connection, query: ProposalQuery) -> list[ProposalPublic]:
    statement = select(proposal).order_by(proposal.c.id).limit(query.limit)
    if query.status is not None:
        statement = statement.where(proposal.c.status == query.status.value)
    if query.author is not None:
        statement = statement.where(proposal.c.author == query.author)
    return [_public(row) for row in connection.execute(statement)]


def changes(connection: Connection, after: int, limit: int) -> ChangesPage:
    rows = list(
        connection.execute(
            select(change).where(change.c.seq > after).order_by(change.c.seq).limit(limit + 1)
        )
    )
    items = [ChangePublic(**{**row._mapping, "at": _utc(row.at)}) for row in rows[:limit]]
    return ChangesPage(items=items, next_after=items[-1].seq if len(rows) > limit else None)
