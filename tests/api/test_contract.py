"""Schemathesis, in-process, over every operation of the OpenAPI document."""

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.db import Database
from tests.conftest import app_on

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


class _Seeded(Database):
    """The database of the `api_database` fixture, handed over when the test runs (the
    schema is read at import, before any fixture)."""

    def __init__(self) -> None:
        self.seeded: Database | None = None

    def __getattribute__(self, name: str):  # type: ignore[no-untyped-def]
        if name == "seeded":
            return object.__getattribute__(self, name)
        return getattr(object.__getattribute__(self, "seeded"), name)


SEEDED = _Seeded()
schema = schemathesis.openapi.from_asgi("/openapi.json", app_on(SEEDED))


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_every_operation_keeps_its_contract(case, api_database: Database):
    SEEDED.seeded = api_database
    case.call_and_validate(checks=CHECKS)
