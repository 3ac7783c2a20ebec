"""What overseas does when patents announce an import (``patents.events``)."""

from __future__ import annotations

from typing import Any


def watch_new_patents(sender: Any, **kwargs: Any) -> None:
    """New records may match a watch: look now rather than at the next hourly run."""
    from iphub.overseas.services import watches_run

    watches_run()
