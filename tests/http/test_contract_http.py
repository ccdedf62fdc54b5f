"""Schemathesis over HTTP against the served instance, every check: what the OpenAPI document
promises is what `entente serve` answers, uvicorn and the middleware included, and every
request the document calls valid is accepted (what it says only in words is taught to
schemathesis in tests/http/contract_rules.py)."""

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection

from app.main import create_app
from tests.http import contract_rules
from tests.http.conftest import Served

# The document the served instance answers at /openapi.json (read at import, before the
# server starts; tests/http/test_hostile.py reads the served one).
schema = schemathesis.openapi.from_dict(create_app().openapi())
contract_rules.install(schema)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_every_operation_keeps_its_contract_over_http(case: schemathesis.Case, served: Served):
    excluded = []
    response = case.call(base_url=served.url)
    if response.status_code in (414, 431):
        # A request too large to read is refused before it is parsed (documented): schemathesis
        # does not count these statuses as a rejection of the data it sent.
        excluded.append(negative_data_rejection)
    case.validate_response(response, excluded_checks=excluded)
