"""Schemathesis' stateful run over HTTP: sequences of requests that follow the OpenAPI links
(a page to its first item and to its next page, a dossier to its timeline, a written source
to its page, a write to its proposal), every check on every answer, with a reviewer's key
against an instance of its own (its writes are applied at once)."""

from typing import Any, ClassVar

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.generation.stateful.state_machine import StepInput, StepOutput

from app.main import create_app
from tests.http import contract_rules
from tests.http.conftest import Keyed

# The writes whose bodies carry rules no JSON Schema can state (a citation quotes its
# source's text word for word, a claim's fields fit its kind, a change names the current
# version with If-Match, a proposal is decided once) or that run the extractor: their
# refusals are answered and tested in tests/api/test_curation.py, and they run here only
# without a key (tests/http/test_contract_http.py). Adding a source is exact in the schema.
SEMANTIC_WRITES = [
    "put_claim",
    "withdraw_claim",
    "upload_bundle",
    "extract_source",
    "accept_proposal",
    "reject_proposal",
]
schema = schemathesis.openapi.from_dict(create_app().openapi()).exclude(
    operation_id=SEMANTIC_WRITES
)
contract_rules.install(schema)


class LinkedRequests(schema.as_state_machine()):  # type: ignore[misc]
    instance: ClassVar[Keyed]
    followed: ClassVar[set[str]] = set()

    def step(self, input: StepInput) -> StepOutput:
        if input.transition is not None and input.is_applied:
            self.followed.add(input.transition.id)
        return super().step(input)

    def get_call_kwargs(self, case: Case) -> dict[str, Any]:
        # Every request carries the key: the writes run, and the reads answer as they do for
        # a keyed client. (Requests without a key, or with a bad one, are the other tests'.)
        return {
            "base_url": self.instance.served.url,
            "headers": {"Authorization": f"Bearer {self.instance.key}"},
        }


def test_the_links_lead_where_they_say_and_every_step_keeps_the_contract(
    served_for_writes: Keyed,
):
    LinkedRequests.instance = served_for_writes
    links = schema.statistic.transitions.total
    assert links >= 30, "the OpenAPI document lost its links"
    LinkedRequests.run(
        settings=settings(
            max_examples=40,
            stateful_step_count=6,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    # Values taken from answers went into later requests: a page's first item was fetched.
    assert any("item" in link for link in LinkedRequests.followed), LinkedRequests.followed
