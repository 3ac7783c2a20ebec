"""protection's answers to what patents announces (connected in ``apps.py``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def screen_imported(*, patent_ids: Iterable[int], **_: Any) -> None:
    """蓝天 screening compares new and updated records against the whole corpus."""
    from iphub.protection.services.screening import screening_run_incremental

    screening_run_incremental(patent_ids=patent_ids)
