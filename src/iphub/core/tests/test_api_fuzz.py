"""The whole API fuzzed from its own OpenAPI document (issue 18, finding 11).

Schemathesis generates requests for every operation of ``/api/v1/openapi.json``
(valid and invalid parameters and bodies), sends them in-process through the WSGI
application as two users, a Wuhan enterprise user and a provincial supervisor, each
with a bearer token, and fails on any 5xx answer, any status the document does not
list for the operation (every operation lists its error statuses with the one
error schema, core/openapi.py), or any answer whose body does not match the
schema the document gives for its status. Bounded to a few examples per
operation, so that it stays a part of ``make test``; the summary line printed at the
end says how many requests were sent.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from iphub.core.models import User
from iphub.core.tokens import api_token_create

pytestmark = pytest.mark.django_db(transaction=False)

# Examples per operation and role: enough for each operation to see empty, huge,
# negative, unicode and wrongly typed values, few enough for the suite's budget.
MAX_EXAMPLES = 12
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


def _fuzz(schema: Any, user: User) -> tuple[int, list[str]]:
    """Send MAX_EXAMPLES generated cases to each operation as ``user``; the number
    of requests sent and one line per failing operation (the first failure there)."""
    sent = 0
    failures: list[str] = []
    headers: dict[str, str] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        # A fresh token for each operation: fuzzing DELETE /tokens/{id} may revoke
        # the one before, and every later operation would only meet 401.
        _, token = api_token_create(user=user, name="fuzz")
        headers["Authorization"] = f"Bearer {token}"

        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            # No shrinking: the first failing request is reported as it was sent.
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(
            case=st.one_of(
                operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
                operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
            )
        )
        def run(case: Any) -> None:
            nonlocal sent
            sent += 1
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)

        try:
            run()
        except Exception as exc:  # one line per operation; the test fails below
            failures.append(f"{operation.label}: {type(exc).__name__}: {str(exc)[:1500]}")
    return sent, failures


@pytest.fixture
def schema(db: Any) -> Iterator[Any]:
    # As Django's test client does: requests must not close the test's connection
    # (on PostgreSQL that would end the transaction the test runs in).
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        for signal in (signals.request_started, signals.request_finished):
            signal.connect(close_old_connections)


@pytest.mark.parametrize("who", ["enterprise", "supervisor"])
def test_every_operation_answers_without_5xx_and_as_documented(
    schema: Any, cast: dict[str, User], who: str, capsys: Any
) -> None:
    started = time.monotonic()
    sent, failures = _fuzz(schema, cast[who])
    with capsys.disabled():
        print(
            f"\nAPI fuzz as {who}: {sent} requests to "
            f"{len(list(schema.get_all_operations()))} operations in "
            f"{time.monotonic() - started:.0f} s, {len(failures)} failing"
        )
    assert not failures, "\n\n".join(failures)
