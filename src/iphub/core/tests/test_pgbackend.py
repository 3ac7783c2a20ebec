"""PostgreSQL runs through iphub.core.pgbackend: short bulk inserts go as VALUES,
long ones as UNNEST, and both store what they were given."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iphub.core.models import AuditEntry
from iphub.core.pgbackend import base as pgbackend
from iphub.core.pgbackend.compiler import UNNEST_FROM_ROWS

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL backend only"),
]


def _entries(n: int, tag: str) -> list[AuditEntry]:
    return [
        AuditEntry(
            actor_name=f"批量{tag}",
            action="bulk_probe",
            object_type="core.region",
            object_id=str(i),
            before={"金额": "1000.00", "日期": "2026-03-01"},
            after={"n": i, "list": [1, "二"]},
        )
        for i in range(n)
    ]


@pytest.mark.parametrize(("rows", "form"), [(3, "VALUES"), (UNNEST_FROM_ROWS, "UNNEST")])
def test_bulk_insert_form_and_round_trip(rows: int, form: str, db: Any) -> None:
    # The platform's engine (the suite runs it through its DELETE-flush subclass).
    assert isinstance(connection.ops, pgbackend.DatabaseOperations)
    before = dt.datetime.now(dt.UTC)
    with CaptureQueriesContext(connection) as queries:
        made = AuditEntry.objects.bulk_create(_entries(rows, form))
    insert = next(q["sql"] for q in queries if q["sql"].startswith("INSERT"))
    assert form in insert and ({"VALUES", "UNNEST"} - {form}).pop() not in insert
    assert all(e.pk is not None for e in made)
    stored = list(AuditEntry.objects.filter(action="bulk_probe").order_by("id"))
    assert [e.object_id for e in stored] == [str(i) for i in range(rows)]
    assert stored[-1].after == {"n": rows - 1, "list": [1, "二"]}
    assert stored[0].before == {"金额": "1000.00", "日期": "2026-03-01"}
    assert all(e.at >= before and e.actor_name == f"批量{form}" for e in stored)
