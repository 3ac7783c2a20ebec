"""What finance does when other apps announce something: a registered patent
or trademark pledge (establish) closes the financing request it was filed for."""

from __future__ import annotations

import datetime as dt
from typing import Any

from iphub.filings.models import FilingKind, Operation


def filing_registered(*, filing: Any, actor: Any, now: dt.datetime) -> None:
    """Subscriber of ``filings.announce.registered``."""
    pledges = (FilingKind.PATENT_PLEDGE, FilingKind.TRADEMARK_PLEDGE)
    if filing.kind not in pledges or filing.operation != Operation.ESTABLISH:
        return
    from iphub.finance.services.answers import pledge_registered

    pledge_registered(filing=filing, actor=actor, now=now)
