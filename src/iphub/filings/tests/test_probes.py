"""The SLA counts an operator's dashboard reads from /metrics."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from iphub.filings import selectors, services
from iphub.filings.tests.conftest import MONDAY_10, file_pledge


def test_overdue_and_at_risk_filings_are_counted_in_metrics(
    cast: dict[str, Any], patents: dict[str, str], client: Any
) -> None:
    clerk = cast["wuhan_clerk"]
    late = file_pledge(cast["enterprise"], patents["granted"])
    services.filing_accept(actor=clerk, filing_id=late.pk, now=MONDAY_10)  # due long ago
    close = file_pledge(cast["enterprise"], patents["second"])
    services.filing_accept(actor=clerk, filing_id=close.pk, now=MONDAY_10)
    type(close).objects.filter(pk=close.pk).update(due_at=timezone.now() + dt.timedelta(hours=1))
    file_pledge(cast["enterprise"], patents["co_owned"], co_owner_consent="1")  # not accepted

    counts = selectors.filing_sla_counts()
    assert counts["overdue"] >= 1 and counts["at_risk"] == 1
    text = client.get("/metrics").content.decode()
    assert f'iphub_filings_sla{{state="overdue"}} {float(counts["overdue"])}' in text
    assert 'iphub_filings_sla{state="at_risk"} 1.0' in text
