"""The search index's readiness check and figures for ``/readyz`` and ``/metrics``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iphub.core.health import CheckResult, register_check
from iphub.core.metrics import register_gauge
from iphub.patents.models import Patent


def index_state() -> dict[str, Any]:
    """Whether the index opens, how many documents it holds against the database's
    patents, and the difference (``missing``)."""
    from iphub.patents.indexing import get_index

    patents = Patent.objects.count()
    try:
        docs = get_index().doc_count()
    except Exception as exc:
        return {"state": "error", "error": f"{type(exc).__name__}: {exc}", "patents": patents}
    return {"state": "ok", "documents": docs, "patents": patents, "missing": patents - docs}


@register_check("index")
def check_index() -> CheckResult:
    state = index_state()
    ok = state["state"] == "ok" and state.get("missing") == 0
    return CheckResult("ok" if ok else "warn", state)


@register_gauge(
    "iphub_index_missing_documents", "Patents in the database that the search index lacks."
)
def index_missing() -> Iterator[tuple[tuple[str, ...], float]]:
    state = index_state()
    yield (), float(state.get("missing", state["patents"]))
