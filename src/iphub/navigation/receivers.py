"""navigation's answers to what patents announces (connected in ``apps.py``)."""

from __future__ import annotations

from typing import Any


def refresh_snapshot_after_import(*, patent_ids: Any = (), **_: Any) -> None:
    """Keep the analysis's columnar snapshot current after an import or a reindex
    (only an existing one: a platform that never ran an analysis builds none)."""
    from iphub.navigation.snapshot import snapshot_refresh_request

    snapshot_refresh_request(only_if_exists=True)


def criteria_on_grade_method(**_: Any) -> dict[str, Any]:
    """The national high-value criteria, beside patents' grade weights."""
    from iphub.navigation.models import HighValueCriterion

    return {"criteria": [str(label) for _v, label in HighValueCriterion.choices]}


def high_value_on_detail(*, patent: Any, user: Any, **_: Any) -> dict[str, Any]:
    """The high-value criteria a patent meets, for patents' detail page."""
    from iphub.navigation.selectors import patent_high_value

    return {"high_value": patent_high_value(patent=patent, user=user)}
