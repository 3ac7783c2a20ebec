"""The filings app's figures for ``/metrics``: how many waiting filings are past
their working-day limit or close to it (the SLA board's counts, province-wide)."""

from __future__ import annotations

from collections.abc import Iterator

from iphub.core.metrics import register_gauge
from iphub.filings.selectors import filing_sla_counts


@register_gauge(
    "iphub_filings_sla",
    "Filings waiting on staff: overdue (limit passed) and at_risk (due within AT_RISK_HOURS).",
    ("state",),
)
def filings_sla() -> Iterator[tuple[tuple[str, ...], float]]:
    for state, count in sorted(filing_sla_counts().items()):
        yield (state,), float(count)
