"""Fixtures of the supervision tests: the plan loaded, and records of the other
modules made directly (arrange), so that indicators are computed from them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from iphub.core.calendar import LOCAL_TZ
from iphub.core.models import Organisation, User
from iphub.supervision.models import Plan
from iphub.supervision.services.plan import plan_load

MAY = dt.date(2026, 5, 1)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LOCAL_TZ)


@pytest.fixture
def plan(regions: None) -> Plan:
    return plan_load()[0]


def make_pledge(
    org: Organisation,
    user: User,
    region: str,
    amount: str,
    decided: dt.datetime,
    *,
    pledgee: str = "中国银行宜昌分行",
    late: bool = False,
    ipc: str = "",
) -> Any:
    from iphub.filings.models import Filing, FilingKind, FilingState

    patent = None
    if ipc:
        from iphub.patents.models import Patent

        patent = Patent.objects.create(
            natural_key=f"P{Filing.objects.count()}-{ipc}", title="测试专利", ipc_main=ipc
        )
    return Filing.objects.create(
        kind=FilingKind.PATENT_PLEDGE,
        state=FilingState.REGISTERED,
        region_id=region,
        organisation=org,
        created_by=user,
        holder_name=org.name,
        counterparty_name=pledgee,
        amount=Decimal(amount),
        decided_at=decided,
        submitted_at=decided,
        late=late,
        patent=patent,
    )
