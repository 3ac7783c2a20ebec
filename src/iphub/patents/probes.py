"""The search index's readiness check and figures for ``/readyz`` and ``/metrics``.

Read from the index machinery of ``patents.index_health`` and the outbox of
``core.outbox``: whether this node's index opens or is being rebuilt, how many
documents it holds against the database's patents, and how many outbox entries
it has not applied yet (the index lag).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iphub.core.health import CheckResult, register_check
from iphub.core.metrics import register_gauge
from iphub.patents.models import Patent


def _follower() -> Any:
    from iphub.core.outbox import followers

    return next((f for f in followers() if f.name == "patents"), None)


def index_state() -> dict[str, Any]:
    """``state`` (ok, missing, corrupt, schema, rebuilding), documents against the
    database's patents, and ``outbox_pending`` (changes not applied yet)."""
    from iphub.core.outbox import outbox_pending
    from iphub.patents.index_health import index_problem, rebuild_running

    patents = Patent.objects.count()
    follower = _follower()
    pending = outbox_pending(follower) if follower is not None else 0
    if rebuild_running():
        return {"state": "rebuilding", "patents": patents, "outbox_pending": pending}
    problem = index_problem()
    if problem is not None and patents:
        return {"state": problem, "patents": patents, "outbox_pending": pending}
    from iphub.patents.index_health import IndexRebuilding
    from iphub.patents.indexing import get_index

    try:
        docs = get_index().doc_count() if problem is None else 0
    except IndexRebuilding:
        # A rebuild began between the checks above and the open (or the open
        # found the index broken and started one): degraded, still serving.
        return {"state": "rebuilding", "patents": patents, "outbox_pending": pending}
    except (ValueError, OSError) as exc:
        # tantivy's errors while a rebuild swaps the directory: say what is wrong
        # instead of letting the check raise (which /readyz counts as down).
        error = f"{type(exc).__name__}: {exc}"[:200]
        state = index_problem() or "rebuilding"
        return {"state": state, "patents": patents, "outbox_pending": pending, "error": error}
    return {
        "state": "ok",
        "documents": docs,
        "patents": patents,
        "missing": patents - docs,
        "outbox_pending": pending,
    }


@register_check("index")
def check_index() -> CheckResult:
    """A node whose index is missing, broken or rebuilding still serves (search says
    索引重建中); readiness reports it as degraded, not down."""
    state = index_state()
    return CheckResult("ok" if state["state"] == "ok" else "warn", state)


@register_gauge("iphub_index_outbox_pending", "Index outbox entries this node has not applied.")
def index_outbox_pending() -> Iterator[tuple[tuple[str, ...], float]]:
    state = index_state()
    yield (), float(state["outbox_pending"])


@register_gauge(
    "iphub_index_missing_documents", "Patents in the database that the search index lacks."
)
def index_missing() -> Iterator[tuple[tuple[str, ...], float]]:
    state = index_state()
    yield (), float(state.get("missing", state["patents"]))


@register_gauge("iphub_index_ready", "1 when this node's search index opens and is not rebuilding.")
def index_ready() -> Iterator[tuple[tuple[str, ...], float]]:
    yield (), 1.0 if index_state()["state"] == "ok" else 0.0
